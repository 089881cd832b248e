import Adapters
import Contracts
import Foundation
import Gateway
import KetenpoortCore
import Store

/// The reading half of a night's staging: on a thread of its own, validates the snapshot and makes
/// each item's staged row (its content hash and encoded values), handing them over in chunks to the
/// thread that writes the scratch file.
struct StagingReader: @unchecked Sendable {
    static let chunkSize = 1_024

    let sync: CoaGemeenteSync
    let input: URL
    let consent: ConsentPolicy
    let queue: BoundedQueue<[SyncStaging.StagedRow]>

    /// Starts reading; the handle's `wait` gives the validation report (or the error that ended it).
    func start() -> Running {
        let running = Running()
        let thread = Thread { [self] in
            ThreadName.setCurrent("kp-stage")
            let result = Result { try read() }
            queue.close()
            running.finish(result)
        }
        thread.start()
        return running
    }

    private func read() throws -> ValidationReport {
        let object = sync.pipeline.adapter.mapping.item.object
        let slots = (
            bsn: object.slot(of: "bsn")!, vnummer: object.slot(of: "vnummer")!, gemeente: object.slot(of: "gemeente")!,
            housed: object.slot(of: "huisvestingsdatum")!
        )
        var fragment: [UInt8] = []
        var values: [UInt8] = []
        var chunk: [SyncStaging.StagedRow] = []
        chunk.reserveCapacity(Self.chunkSize)
        let report = try sync.pipeline.run(
            input,
            onPositionedItem: { record, position, isClean in
                let bsn = record.values[slots.bsn].text, vnummer = record.values[slots.vnummer].text
                guard let person = PersonKey(vnummer: vnummer, bsn: bsn) else { return }
                let gemeente = isClean ? record.values[slots.gemeente].text : nil
                var hash: String?
                var stored: [UInt8]?
                // Only a person bound for a registered municipality can need a notification.
                if let gemeente, sync.registry.gemeente(gemeente) != nil {
                    let health = consent.decide(record, bsn: bsn, recipient: gemeente)
                    fragment.removeAll(keepingCapacity: true)
                    try sync.outbound.encode(record, context: NotificationKind.nieuw.context, consented: health?.consented ?? [], into: &fragment)
                    hash = CoaGemeenteSync.hash(fragment)
                    values.removeAll(keepingCapacity: true)
                    record.encodeValues(into: &values)
                    // A copy of its own size: the row waits in the queue, and `values` keeps its capacity.
                    stored = [UInt8](unsafeUninitializedCapacity: values.count) { buffer, count in
                        count = buffer.initialize(fromContentsOf: values)
                    }
                }
                chunk.append(
                    SyncStaging.StagedRow(
                        person: person.value, line: position.number, isClean: isClean, gemeente: gemeente, contentHash: hash,
                        isHoused: !record.values[slots.housed].isAbsent, bsn: bsn, vnummer: vnummer, record: stored))
                if chunk.count == Self.chunkSize {
                    try queue.put(chunk)
                    chunk.removeAll(keepingCapacity: true)
                }
            })
        if !chunk.isEmpty { try queue.put(chunk) }
        return report
    }

    /// A started reader: `wait` blocks until it has ended.
    final class Running: @unchecked Sendable {
        private let done = DispatchSemaphore(value: 0)
        private var result: Result<ValidationReport, any Error>?

        fileprivate func finish(_ result: Result<ValidationReport, any Error>) {
            self.result = result
            done.signal()
        }

        /// Waits for the reader to end (once).
        func wait() -> Result<ValidationReport, any Error> {
            done.wait()
            return result!
        }
    }
}
