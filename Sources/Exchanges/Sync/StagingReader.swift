import Adapters
import Contracts
import Foundation
import Gateway
import KetenpoortCore
import Store

/// The reading third of a night's staging: on a thread of its own, validates the snapshot and
/// hands each identifiable person's item over in chunks — with its record when it is bound for a
/// registered municipality — to the thread that encodes them (`StagingEncoder`).
struct StagingReader: @unchecked Sendable {
    static let chunkSize = 1_024

    /// One item as read: what staging keeps of it, and the record itself when it will be encoded.
    struct Item {
        let person: String
        let line: Int
        let isClean: Bool
        let gemeente: String?
        let isHoused: Bool
        let bsn: String?
        let vnummer: String?
        /// The validated record of a clean item bound for a registered municipality.
        let record: Record?
    }

    let sync: CoaGemeenteSync
    let input: URL
    let queue: BoundedQueue<[Item]>

    /// Starts reading; the handle's `wait` gives the validation report (or the error that ended it).
    func start() -> StagingThread<ValidationReport> {
        StagingThread(name: "kp-stage") { [self] in
            defer { queue.close() }
            return try read()
        }
    }

    private func read() throws -> ValidationReport {
        let object = sync.pipeline.adapter.mapping.item.object
        let slots = (
            bsn: object.slot(of: "bsn")!, vnummer: object.slot(of: "vnummer")!, gemeente: object.slot(of: "gemeente")!,
            housed: object.slot(of: "huisvestingsdatum")!
        )
        var chunk: [Item] = []
        chunk.reserveCapacity(Self.chunkSize)
        let report = try sync.pipeline.run(
            input,
            onPositionedItem: { record, position, isClean in
                let bsn = record.values[slots.bsn].text, vnummer = record.values[slots.vnummer].text
                guard let person = PersonKey(vnummer: vnummer, bsn: bsn) else { return }
                let gemeente = isClean ? record.values[slots.gemeente].text : nil
                // Only a person bound for a registered municipality can need a notification.
                let isBound = gemeente.map { sync.registry.gemeente($0) != nil } ?? false
                chunk.append(
                    Item(
                        person: person.value, line: position.number, isClean: isClean, gemeente: gemeente,
                        isHoused: !record.values[slots.housed].isAbsent, bsn: bsn, vnummer: vnummer, record: isBound ? record : nil))
                if chunk.count == Self.chunkSize {
                    try queue.put(chunk)
                    chunk.removeAll(keepingCapacity: true)
                }
            })
        if !chunk.isEmpty { try queue.put(chunk) }
        return report
    }
}
