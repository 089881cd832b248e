/// How to write an item with one set of present fields: runs of markup bytes and the fields whose
/// values go between them, in document order — the walk over the item's elements, done once.
struct XMLItemProgram: Sendable {
    /// A run of `literals`, or (when `field` ≥ 0) the value of a field.
    struct Step: Sendable {
        let literal: Range<Int>
        let field: Int
        let isAttribute: Bool
    }

    let steps: [Step]
    let literals: [UInt8]

    var literalByteCount: Int { literals.count }

    /// Writes the item with `values` (which must have exactly the program's fields present).
    func run(_ values: some XMLFieldTexts, to cursor: inout ByteCursor) {
        literals.withUnsafeBufferPointer { literals in
            steps.withUnsafeBufferPointer { steps in
                for step in steps {
                    if step.field < 0 {
                        cursor.put(UnsafeBufferPointer(rebasing: literals[step.literal]))
                    } else {
                        values.writeXML(step.field, isAttribute: step.isAttribute, to: &cursor)
                    }
                }
            }
        }
    }

    /// Records the walk over an item's elements as a program, joining adjacent markup into one run.
    struct Recorder: XMLItemSink {
        private var steps: [Step] = []
        private var literals: [UInt8] = []
        /// Where the markup not yet made a step starts in `literals`.
        private var runStart = 0

        mutating func put(_ bytes: UnsafeBufferPointer<UInt8>) { literals.append(contentsOf: bytes) }
        mutating func put(_ byte: UInt8) { literals.append(byte) }

        mutating func putValue(_ field: Int, isAttribute: Bool) {
            endRun()
            steps.append(Step(literal: 0..<0, field: field, isAttribute: isAttribute))
        }

        private mutating func endRun() {
            if runStart < literals.count { steps.append(Step(literal: runStart..<literals.count, field: -1, isAttribute: false)) }
            runStart = literals.count
        }

        var program: XMLItemProgram {
            var recorder = self
            recorder.endRun()
            return XMLItemProgram(steps: recorder.steps, literals: recorder.literals)
        }
    }
}
