import Adapters
import Contracts
import Crypto
import Foundation
import KetenpoortCore
import Store

extension CbsLevering {
    /// The CSV of a delivery: its bytes and the SHA-256 of each line (the records the seal covers).
    struct Lines {
        let payload: Data
        let hashes: [Data]
    }

    /// Every person of the status store as one CSV line: rendered by the `cbs-levering` adapter
    /// (only contract fields can reach it), each line checked against the contract's item object
    /// before it is written, then put in pseudonym order. Any violation stops the delivery.
    func csvLines(_ tx: any StoreTransaction) throws -> Lines {
        let object = outbound.mapping.item.object
        let slots = outbound.mapping.item.fields.map { object.slot(of: $0.field)! }
        let validator = ItemValidator(object: object, now: clock.now(), level: .item)
        var body: [UInt8] = []
        var lines: [Range<Int>] = []
        var texts = [String?](repeating: nil, count: object.fields.count)
        var findings: [Finding] = []
        var violations = 0
        var firstViolation: Finding?
        try tx.forEachDuoStatus { status in
            let values = try outbound.texts(detail.record(of: status))
            for (field, slot) in slots.enumerated() { texts[slot] = values.text(field) }
            findings.removeAll(keepingCapacity: true)
            _ = validator.validate(RawItem(position: .line(lines.count + violations + 2), texts: texts), findings: &findings)
            guard findings.isEmpty else {
                violations += 1
                if firstViolation == nil { firstViolation = findings[0] }
                return
            }
            let start = body.count
            outbound.encode(values, into: &body)
            lines.append(start..<body.count)
        }
        if let firstViolation {
            throw KetenpoortError(
                .cbsContractViolation,
                "\(violations) person(s) would break contract \(Self.contract) (first: \(firstViolation.rule) [\(firstViolation.field ?? "")]); nothing was sealed")
        }
        // Pseudonym order (the first column): the store's BSN order must not show through.
        body.withUnsafeBufferPointer { bytes in
            let base = bytes.baseAddress!
            lines.sort { a, b in
                let order = memcmp(base + a.lowerBound, base + b.lowerBound, min(a.count, b.count))
                return order != 0 ? order < 0 : a.count < b.count
            }
        }
        var payload: [UInt8] = []
        payload.reserveCapacity(body.count + 256)
        outbound.begin(context: [:], into: &payload)
        var hashes: [Data] = []
        hashes.reserveCapacity(lines.count)
        for line in lines {
            let start = payload.count
            payload.append(contentsOf: body[line])
            hashes.append(Data(SHA256.hash(data: payload[start...])))
        }
        outbound.end(context: [:], into: &payload)
        return Lines(payload: Data(payload), hashes: hashes)
    }
}

extension AuditEvent {
    /// A CBS delivery sealed into the outbox: period, batches, and the DUO extract it reflects.
    public static func cbsDeliverySealed(_ delivery: CbsDeliveryRecord) -> Self {
        Self(
            kind: "cbs.delivery-sealed",
            payload: AuditPayload([
                "source": .text(delivery.source), "period": .text(delivery.period), "correction": .number(delivery.correction),
                "csvBatch": .text(delivery.csvBatch), "manifestBatch": .text(delivery.manifestBatch), "records": .number(delivery.records),
                "sha256": .text(delivery.sha256), "extractSequence": .number(delivery.extractSequence), "extractDate": .text(delivery.extractDate.iso),
            ]))
    }
}
