import Adapters
import Contracts
import KetenpoortCore

/// Renders persons of the status store as lines of the CBS delivery: each by the `cbs-levering`
/// adapter (only contract fields can reach it) and checked against the contract's item object.
/// Works on a chunk of persons at a time, so that a second thread can render while the delivery's
/// own thread reads and sorts (`BatchSideThread`).
struct CbsLineRenderer: Sendable {
    /// The lines of a chunk, one after another in `bytes`, and what broke the contract.
    struct Lines: Sendable {
        var bytes: [UInt8] = []
        /// Where each line ends in `bytes`.
        var ends: [Int] = []
        var violations = 0
        var firstViolation: Finding?

        /// Gives each line to `body`, in order.
        func forEach(_ body: (ArraySlice<UInt8>) throws -> Void) rethrows {
            var start = 0
            for end in ends {
                try body(bytes[start..<end])
                start = end
            }
        }
    }

    let outbound: OutboundAdapter
    let detail: DuoStatusMapping
    let validator: ItemValidator
    private let slots: [Int]
    private let fieldCount: Int

    init(outbound: OutboundAdapter, detail: DuoStatusMapping, validator: ItemValidator) {
        self.outbound = outbound
        self.detail = detail
        self.validator = validator
        let object = outbound.mapping.item.object
        slots = outbound.mapping.item.fields.map { object.slot(of: $0.field)! }
        fieldCount = object.fields.count
    }

    /// The lines of `persons`, the first of them at `position` in the delivery.
    func lines(of persons: [DuoStatus], firstPosition position: Int) throws -> Lines {
        var lines = Lines()
        // A line of the national delivery takes about 128 bytes.
        lines.bytes.reserveCapacity(persons.count * 128)
        lines.ends.reserveCapacity(persons.count)
        var texts = [String?](repeating: nil, count: fieldCount)
        var findings: [Finding] = []
        for (offset, status) in persons.enumerated() {
            let values = try outbound.texts(detail.record(of: status))
            for (field, slot) in slots.enumerated() { texts[slot] = values.text(field) }
            findings.removeAll(keepingCapacity: true)
            _ = validator.validate(RawItem(position: .line(position + offset), texts: texts), findings: &findings)
            guard findings.isEmpty else {
                lines.violations += 1
                if lines.firstViolation == nil { lines.firstViolation = findings[0] }
                continue
            }
            outbound.encode(values, into: &lines.bytes)
            lines.ends.append(lines.bytes.count)
        }
        return lines
    }
}
