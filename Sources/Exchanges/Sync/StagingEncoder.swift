import Adapters
import Contracts
import Foundation
import Gateway
import KetenpoortCore

/// The middle third of a night's staging, on a thread of its own between the reader and the
/// thread that writes the scratch file: per bound item, the content hash of the `nieuw`
/// notification it would make (consent-bound fields only with a valid consent) and its encoded
/// values. With reading, encoding and writing on three threads, the step uses both cores.
struct StagingEncoder: @unchecked Sendable {
    let sync: CoaGemeenteSync
    let consent: ConsentPolicy
    let items: BoundedQueue<[StagingReader.Item]>
    let rows: BoundedQueue<[SyncStaging.StagedRow]>

    /// Starts encoding; ends when the reader has closed its queue and all is handed on. On an
    /// error, or when the writer cancels, it cancels the reader's queue so the reader stops too.
    func start() -> StagingThread<Void> {
        StagingThread(name: "kp-stage-encode") { [self] in
            defer { rows.close() }
            do {
                try encode()
            } catch {
                items.cancel()
                throw error
            }
        }
    }

    private func encode() throws {
        var fragment: [UInt8] = []
        var values: [UInt8] = []
        while let chunk = items.take() {
            let staged = try chunk.map { item in
                var hash: String?
                var stored: [UInt8]?
                if let record = item.record, let gemeente = item.gemeente {
                    let health = consent.decide(record, bsn: item.bsn, recipient: gemeente)
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
                return SyncStaging.StagedRow(
                    person: item.person, line: item.line, isClean: item.isClean, gemeente: item.gemeente, contentHash: hash,
                    isHoused: item.isHoused, bsn: item.bsn, vnummer: item.vnummer, record: stored)
            }
            try rows.put(staged)
        }
    }
}
