import Foundation

/// The elements of one XML item — the tree of the mapping's field paths, flattened in document
/// order — and how a record is written as one. Elements without a value are left out, so what an
/// item looks like depends on which fields it has; for each such set of fields the walk over the
/// tree is done once and kept as an `XMLItemProgram`, which later items with the same fields run.
final class XMLItemShape: @unchecked Sendable {
    // @unchecked: everything is immutable except `programs`, which `lock` guards.

    /// One element of the item, in document (pre-)order. Plain integers only: its bytes live in
    /// one shared arena.
    struct Element: Sendable {
        var parent: Int
        /// The elements after this one that are inside it: `index + 1 ..< end`.
        var end = 0
        /// The field written as text, or -1.
        var text = -1
        /// Its attributes: `attributes[attributeRange]`.
        var attributeRange = 0..<0
        /// Arena ranges of indentation + `<Name`, the indentation, and `</Name>\n`.
        var open = 0..<0
        var indent = 0..<0
        var close = 0..<0
    }

    /// An attribute: arena range of ` name="` and the field it writes.
    struct Attribute: Sendable {
        var prefix: Range<Int>
        var field: Int
    }

    let elements: [Element]
    let attributes: [Attribute]
    let arena: [UInt8]
    /// For each field: the element it is written in.
    let elementOfField: [Int]
    /// The most bytes the markup of one item takes (every element open and closed, every
    /// attribute), values aside.
    let structureByteBound: Int

    private let lock = NSLock()
    /// By the set of fields present (a bit per field).
    private var programs: [UInt64: XMLItemProgram] = [:]
    /// At most this many programs are kept; items with yet other fields are walked each time.
    static let programLimit = 1024

    init(elements: [Element], attributes: [Attribute], arena: [UInt8], elementOfField: [Int]) {
        self.elements = elements
        self.attributes = attributes
        self.arena = arena
        self.elementOfField = elementOfField
        // Each piece of the arena is written at most once an item; ">" + "\n" or "/>\n" per element,
        // a closing quote per attribute.
        structureByteBound = arena.count + 3 * elements.count + attributes.count
    }

    /// Writes `values` as one item: `place` receives the most bytes the item can take and a
    /// function that writes them through a cursor with that much room.
    func write(_ values: some XMLFieldTexts, _ place: (_ bound: Int, _ write: (inout ByteCursor) -> Void) -> Void) {
        var noKept = XMLItemPrograms(limit: 0)
        write(values, kept: &noKept, place)
    }

    /// `write(_:_:)`, looking in `kept` first for the program of the item's fields (and keeping
    /// it there): a writer of many records saves the shared, locked table a visit per record.
    func write(_ values: some XMLFieldTexts, kept: inout XMLItemPrograms, _ place: (_ bound: Int, _ write: (inout ByteCursor) -> Void) -> Void) {
        if values.count <= 64 {
            var present: UInt64 = 0
            var valueBound = 0
            for field in 0..<values.count {
                guard let fieldBound = values.xmlByteBound(field) else { continue }
                present |= 1 << UInt64(field)
                valueBound += fieldBound
            }
            if let program = kept.program(for: present) ?? kept.keep(program(for: present, fieldCount: values.count), for: present) {
                place(program.literalByteCount + valueBound) { program.run(values, to: &$0) }
                return
            }
        }
        var present = [Bool](repeating: false, count: values.count)
        var bound = structureByteBound
        for field in 0..<values.count {
            guard let fieldBound = values.xmlByteBound(field) else { continue }
            present[field] = true
            bound += fieldBound
        }
        place(bound) { cursor in
            var writer = XMLValueWriter(values: values, cursor: cursor)
            walk(present: present, into: &writer)
            cursor = writer.cursor
        }
    }

    /// The program for items whose present fields are the bits of `present`; nil once the limit
    /// of kept programs is reached.
    private func program(for present: UInt64, fieldCount: Int) -> XMLItemProgram? {
        lock.lock()
        defer { lock.unlock() }
        if let program = programs[present] { return program }
        guard programs.count < Self.programLimit else { return nil }
        var recorder = XMLItemProgram.Recorder()
        walk(present: (0..<fieldCount).map { present & (1 << UInt64($0)) != 0 }, into: &recorder)
        let program = recorder.program
        programs[present] = program
        return program
    }

    /// Hands `sink`, in document order, the pieces of an item whose present fields are marked in
    /// `present`: markup as bytes, and where each value goes. Elements without any value, in
    /// themselves or below, are left out.
    func walk(present: [Bool], into sink: inout some XMLItemSink) {
        let count = elements.count
        // marks[i]: element i has a value; marks[count + i]: one of its children has.
        var marks = [Bool](repeating: false, count: count * 2)
        for field in 0..<present.count where present[field] {
            var index = elementOfField[field]
            while index >= 0 && !marks[index] {
                marks[index] = true
                let parent = elements[index].parent
                if parent >= 0 { marks[count + parent] = true }
                index = parent
            }
        }
        marks[0] = true  // the item itself is always written
        arena.withUnsafeBufferPointer { arena in
            func bytes(_ range: Range<Int>) -> UnsafeBufferPointer<UInt8> { UnsafeBufferPointer(rebasing: arena[range]) }
            var open: [Int] = []
            var index = 0
            while index < count {
                while let last = open.last, elements[last].end <= index {
                    open.removeLast()
                    sink.put(bytes(elements[last].indent))
                    sink.put(bytes(elements[last].close))
                }
                let element = elements[index]
                guard marks[index] else {
                    index = element.end
                    continue
                }
                sink.put(bytes(element.open))
                for attribute in attributes[element.attributeRange] where present[attribute.field] {
                    sink.put(bytes(attribute.prefix))
                    sink.putValue(attribute.field, isAttribute: true)
                    sink.put(34)
                }
                let hasText = element.text >= 0 && present[element.text]
                if !marks[count + index] {
                    if hasText {
                        sink.put(62)
                        sink.putValue(element.text, isAttribute: false)
                        sink.put(bytes(element.close))
                    } else {
                        sink.put(47)  // "/>\n"
                        sink.put(62)
                        sink.put(10)
                    }
                    index = element.end
                    continue
                }
                sink.put(62)
                if hasText { sink.putValue(element.text, isAttribute: false) }
                sink.put(10)
                open.append(index)
                index += 1
            }
            while let last = open.popLast() {
                sink.put(bytes(elements[last].indent))
                sink.put(bytes(elements[last].close))
            }
        }
    }
}
