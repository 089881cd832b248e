import Adapters
import Contracts
import Crypto
import Foundation
import Gateway
import KetenpoortCore
import Sealing
import Store

extension CbsLevering {
    /// What sealing the CSV found: its batch, number of lines (records) and SHA-256.
    struct SealedCSV {
        let batch: BatchID
        let records: Int
        let sha256: String
    }

    /// Seals every person of the status store as one CSV line into the outbox as batch `id`, as a
    /// stream: each line is rendered by the `cbs-levering` adapter (only contract fields can reach
    /// it) and checked against the contract's item object, then put in pseudonym order on disk;
    /// the sorted lines go into the payload part by part while its SHA-256 and Merkle root (one
    /// record per line) are computed; a second pass over the stored parts signs it. Memory does
    /// not depend on the number of persons. Any violation stops the delivery.
    func sealCSV(_ status: any DuoStatusReading, into tx: any StoreTransaction, id: BatchID, now: Date) throws -> SealedCSV {
        var payload = PayloadWriter(batch: id, in: tx)
        var digest = SHA256()
        var merkle = MerkleRootBuilder()
        func write(_ bytes: [UInt8]) throws {
            digest.update(data: bytes)
            try payload.write(bytes)
        }
        var header: [UInt8] = []
        outbound.begin(context: [:], into: &header)
        try write(header)
        // Pseudonym order (the first column): the store's BSN order must not show through.
        try tx.sortBytes(
            { add in try renderLines(status, into: add) },
            sorted: { line in
                merkle.append(recordHash: Data(SHA256.hash(data: line)))
                digest.update(data: line)
                try payload.write(line)
            })
        var footer: [UInt8] = []
        outbound.end(context: [:], into: &footer)
        try write(footer)
        try payload.finish()
        let sha256 = Hex.encode(digest.finalize())
        let contract = outbound.mapping.contract
        let draft = Outbox.Draft(
            id: id, recipient: recipient.party, contract: contract.id, contractVersion: contract.version,
            contentType: outbound.encoder.contentType, createdAt: now)
        let sealed = try outbox.sealWritten(
            draft, payloadSHA256: sha256, merkleRoot: merkle.rootHex, count: merkle.count, payloadBytes: payload.bytes, in: tx)
        try outbox.putWritten(sealed, in: tx)
        return SealedCSV(batch: id, records: merkle.count, sha256: sha256)
    }

    /// Renders and checks the line of every person of the status store, in the store's order, and
    /// gives each to `add`; throws `cbs.contract-violation` after the last when any line broke the contract.
    ///
    /// Rendering (pseudonym, contract check, encoding) is half the delivery's work: it runs on a
    /// second batch thread, a chunk of persons at a time, while this one reads the next chunk and
    /// gives the last chunk's lines to `add`.
    private func renderLines(_ tx: any DuoStatusReading, into add: (Data) throws -> Void) throws {
        let renderer = CbsLineRenderer(
            outbound: outbound, detail: detail, validator: ItemValidator(object: outbound.mapping.item.object, now: clock.now(), level: .item))
        let render = BatchSideThread { (chunk: (persons: [DuoStatus], firstPosition: Int)) in
            try renderer.lines(of: chunk.persons, firstPosition: chunk.firstPosition)
        }
        var lines = 0
        var violations = 0
        var firstViolation: Finding?
        func take(_ rendered: CbsLineRenderer.Lines?) throws {
            guard let rendered else { return }
            try rendered.forEach { try add(Data($0)) }
            lines += rendered.ends.count
            violations += rendered.violations
            if firstViolation == nil { firstViolation = rendered.firstViolation }
            progress.advanced("rendering", items: lines)
        }
        var chunk: [DuoStatus] = []
        var read = 0
        // The first line is the header: a person's position is line 2 onwards.
        func handOver() throws {
            try take(try render.handOver((persons: chunk, firstPosition: read - chunk.count + 2)))
            chunk.removeAll(keepingCapacity: true)
        }
        chunk.reserveCapacity(Self.renderChunk)
        try tx.forEachDuoStatus { status in
            chunk.append(status)
            read += 1
            if chunk.count == Self.renderChunk { try handOver() }
        }
        if !chunk.isEmpty { try handOver() }
        try take(try render.finish())
        progress.finished("rendering", items: lines + violations)
        if let firstViolation {
            throw KetenpoortError(
                .cbsContractViolation,
                "\(violations) person(s) would break contract \(Self.contract) (first: \(firstViolation.rule) [\(firstViolation.field ?? "")]); nothing was sealed"
            )
        }
    }

    /// Persons rendered per hand-over to the second thread.
    static let renderChunk = 4096
}

extension AuditEvent {
    /// A CBS delivery sealed into the outbox: period, batches, and the DUO extract it reflects.
    public static func cbsDeliverySealed(_ delivery: CbsDeliveryRecord) -> Self {
        Self(
            kind: "cbs.delivery-sealed",
            payload: AuditPayload([
                "source": .text(delivery.source), "period": .text(delivery.period), "correction": .number(delivery.correction),
                "csvBatch": .text(delivery.csvBatch.value), "manifestBatch": .text(delivery.manifestBatch.value),
                "records": .number(delivery.records),
                "sha256": .text(delivery.sha256), "extractSequence": .number(delivery.extractSequence),
                "extractDate": .text(delivery.extractDate.iso),
            ]))
    }
}
