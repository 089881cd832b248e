import Contracts
import Foundation
import KetenpoortCore

/// Writes one XML document of records (the municipal notifications). Field locations are paths:
/// `Geslachtsnaam` (element), `Gezin/@rol` (attribute of a child), `@soort` (attribute of the item).
/// Elements without any value are omitted, never written empty; text is XML-escaped.
///
/// Options: `namespace`, `root`, `item`, `rootAttributes` (names taken from the document context).
public struct XMLEncoder: OutboundEncoder {
    /// One element of the item, in document (pre-)order. Plain integers only: its bytes live in
    /// one shared arena, so writing a record touches no reference counts.
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

    public let contentType = "application/xml"
    let namespace: String
    let root: String
    let rootAttributes: [String]
    let elements: [Element]
    let attributes: [Attribute]
    let arena: [UInt8]
    /// For each field: the element it is written in.
    let elementOfField: [Int]

    public init(mapping: AdapterMapping) throws {
        let options = mapping.options
        namespace = try options?["namespace"]?.string() ?? ""
        root = try options?.required("root").string() ?? "Records"
        rootAttributes = try options?["rootAttributes"]?.strings() ?? []
        // Build the tree as nested paths first, then flatten it in pre-order.
        final class Node {
            let name: String
            var attributes: [(String, Int)] = []
            var text: Int?
            var children: [Node] = []
            init(_ name: String) { self.name = name }
        }
        let item = Node(try options?.required("item").string() ?? "Record")
        for (index, field) in mapping.item.fields.enumerated() {
            var node = item
            let steps = field.location.split(separator: "/").map(String.init)
            for (position, step) in steps.enumerated() {
                let isLast = position == steps.count - 1
                if step.hasPrefix("@") {
                    guard isLast else { throw KetenpoortErrorFactory.invalid(mapping, "'\(field.location)': an attribute must be the last step") }
                    node.attributes.append((String(step.dropFirst()), index))
                } else if let child = node.children.first(where: { $0.name == step }) {
                    node = child
                } else {
                    let child = Node(step)
                    node.children.append(child)
                    node = child
                }
                if isLast && !step.hasPrefix("@") { node.text = index }
            }
        }
        var elements: [Element] = []
        var attributes: [Attribute] = []
        var arena: [UInt8] = []
        func store(_ bytes: [UInt8]) -> Range<Int> {
            let start = arena.count
            arena.append(contentsOf: bytes)
            return start..<arena.count
        }
        var elementOfField = [Int](repeating: 0, count: mapping.item.fields.count)
        func flatten(_ node: Node, parent: Int, depth: Int) {
            let index = elements.count
            let indent = [UInt8](repeating: 32, count: depth * 2)
            var element = Element(parent: parent, text: node.text ?? -1)
            let firstAttribute = attributes.count
            for (name, field) in node.attributes {
                attributes.append(Attribute(prefix: store([32] + Array(name.utf8) + [61, 34]), field: field))
                elementOfField[field] = index
            }
            element.attributeRange = firstAttribute..<attributes.count
            element.open = store(indent + [60] + Array(node.name.utf8))
            element.indent = store(indent)
            element.close = store([60, 47] + Array(node.name.utf8) + [62, 10])
            elements.append(element)
            if let text = node.text { elementOfField[text] = index }
            for child in node.children { flatten(child, parent: index, depth: depth + 1) }
            elements[index].end = elements.count
        }
        flatten(item, parent: -1, depth: 1)
        self.elements = elements
        self.attributes = attributes
        self.arena = arena
        self.elementOfField = elementOfField
    }

    public func begin(context: [String: String], into output: inout [UInt8]) {
        output.append(contentsOf: Array("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<\(root)".utf8))
        if !namespace.isEmpty { appendAttribute("xmlns", namespace, &output) }
        for name in rootAttributes {
            if let value = context[name] { appendAttribute(name, value, &output) }
        }
        output.append(contentsOf: Array(">\n".utf8))
    }

    public func encode(values: [String?], into output: inout [UInt8]) {
        encode(texts: StringTexts(values: values), into: &output)
    }

    public func encode(record: RecordTexts, into output: inout [UInt8]) {
        encode(texts: record, into: &output)
    }

    @inline(__always)
    private func encode(texts values: some FieldTexts, into output: inout [UInt8]) {
        elements.withUnsafeBufferPointer { elements in
            attributes.withUnsafeBufferPointer { attributes in
                arena.withUnsafeBufferPointer { arena in
                    write(values, elements, attributes, arena, &output)
                }
            }
        }
    }

    private func write(
        _ values: some FieldTexts, _ elements: UnsafeBufferPointer<Element>, _ attributes: UnsafeBufferPointer<Attribute>,
        _ arena: UnsafeBufferPointer<UInt8>, _ output: inout [UInt8]
    ) {
        func bytes(_ range: Range<Int>) -> UnsafeBufferPointer<UInt8> { UnsafeBufferPointer(rebasing: arena[range]) }
        // Which elements hold a value, themselves or below: marked from the fields upwards.
        withUnsafeTemporaryAllocation(of: Bool.self, capacity: elements.count * 2) { marks in
            marks.initialize(repeating: false)
            // marks[i]: element i has a value; marks[count + i]: one of its children has.
            let count = elements.count
            for field in 0..<values.count where values.isPresent(field) {
                var index = elementOfField[field]
                while index >= 0 && !marks[index] {
                    marks[index] = true
                    let parent = elements[index].parent
                    if parent >= 0 { marks[count + parent] = true }
                    index = parent
                }
            }
            marks[0] = true  // the item itself is always written
            withUnsafeTemporaryAllocation(of: Int.self, capacity: count) { open in
                var depth = 0
                var index = 0
                while index < count {
                    while depth > 0, elements[open[depth - 1]].end <= index {
                        depth -= 1
                        output.append(contentsOf: bytes(elements[open[depth]].indent))
                        output.append(contentsOf: bytes(elements[open[depth]].close))
                    }
                    let element = elements[index]
                    guard marks[index] else {
                        index = element.end
                        continue
                    }
                    output.append(contentsOf: bytes(element.open))
                    for attribute in attributes[element.attributeRange] where values.isPresent(attribute.field) {
                        output.append(contentsOf: bytes(attribute.prefix))
                        values.appendXML(attribute.field, isAttribute: true, into: &output)
                        output.append(34)
                    }
                    let hasText = element.text >= 0 && values.isPresent(element.text)
                    if !marks[count + index] {
                        if hasText {
                            output.append(62)
                            values.appendXML(element.text, isAttribute: false, into: &output)
                            output.append(contentsOf: bytes(element.close))
                        } else {
                            output.append(47)  // "/>\n"
                            output.append(62)
                            output.append(10)
                        }
                        index = element.end
                        continue
                    }
                    output.append(62)
                    if hasText { values.appendXML(element.text, isAttribute: false, into: &output) }
                    output.append(10)
                    open[depth] = index
                    depth += 1
                    index += 1
                }
                while depth > 0 {
                    depth -= 1
                    output.append(contentsOf: bytes(elements[open[depth]].indent))
                    output.append(contentsOf: bytes(elements[open[depth]].close))
                }
            }
        }
    }

    public func end(context: [String: String], into output: inout [UInt8]) {
        output.append(contentsOf: Array("</\(root)>\n".utf8))
    }

    private func appendAttribute(_ name: String, _ value: String, _ output: inout [UInt8]) {
        output.append(32)
        output.append(contentsOf: name.utf8)
        output.append(contentsOf: [61, 34])  // ="
        XMLEscaping.appendAttribute(value, to: &output)
        output.append(34)
    }
}

/// XML escaping of text and attribute values.
public enum XMLEscaping {
    /// U+FFFD, written for control characters XML 1.0 does not allow (validation refuses them
    /// earlier; this keeps any document well-formed whatever reaches the encoder).
    static let replacement: [UInt8] = [0xEF, 0xBF, 0xBD]

    public static func appendText(_ text: String, to output: inout [UInt8]) {
        var text = text
        let isPlain = text.withUTF8 { bytes in
            for byte in bytes where byte == 38 || byte == 60 || byte == 62 || byte < 32 { return false }
            return true
        }
        if isPlain {
            output.append(contentsOf: text.utf8)
            return
        }
        for byte in text.utf8 {
            switch byte {
            case 38: output.append(contentsOf: Array("&amp;".utf8))
            case 60: output.append(contentsOf: Array("&lt;".utf8))
            case 62: output.append(contentsOf: Array("&gt;".utf8))
            case 13: output.append(contentsOf: Array("&#13;".utf8))
            case 9, 10: output.append(byte)
            case 0..<32: output.append(contentsOf: replacement)
            default: output.append(byte)
            }
        }
    }

    public static func appendAttribute(_ text: String, to output: inout [UInt8]) {
        var text = text
        let isPlain = text.withUTF8 { bytes in
            for byte in bytes where byte == 38 || byte == 60 || byte == 62 || byte == 34 || byte == 39 || byte < 32 { return false }
            return true
        }
        if isPlain {
            output.append(contentsOf: text.utf8)
            return
        }
        for byte in text.utf8 {
            switch byte {
            case 38: output.append(contentsOf: Array("&amp;".utf8))
            case 60: output.append(contentsOf: Array("&lt;".utf8))
            case 62: output.append(contentsOf: Array("&gt;".utf8))
            case 34: output.append(contentsOf: Array("&quot;".utf8))
            case 39: output.append(contentsOf: Array("&apos;".utf8))
            case 10: output.append(contentsOf: Array("&#10;".utf8))
            case 13: output.append(contentsOf: Array("&#13;".utf8))
            case 9: output.append(contentsOf: Array("&#9;".utf8))
            case 0..<32: output.append(contentsOf: replacement)
            default: output.append(byte)
            }
        }
    }
}

enum KetenpoortErrorFactory {
    static func invalid(_ mapping: AdapterMapping, _ message: String) -> KetenpoortError {
        KetenpoortError(.adapterInvalid, "\(mapping.source): \(message)")
    }
}
