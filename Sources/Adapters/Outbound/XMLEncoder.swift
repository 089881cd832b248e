import Contracts
import Foundation
import KetenpoortCore

/// Writes one XML document of records (the municipal notifications). Field locations are paths:
/// `Geslachtsnaam` (element), `Gezin/@rol` (attribute of a child), `@soort` (attribute of the item).
/// Elements without any value are omitted, never written empty; text is XML-escaped.
///
/// Options: `namespace`, `root`, `item`, `rootAttributes` (names taken from the document context).
public struct XMLEncoder: OutboundEncoder {
    /// Always `application/xml`.
    public let contentType = "application/xml"
    let namespace: String
    let root: String
    let rootAttributes: [String]
    /// The item's elements and how records are written as items.
    let item: XMLItemShape

    /// Builds the item's element tree from the field paths. With options, `root` and `item` are required;
    /// without, they are `Records` and `Record`. Throws `adapterInvalid` when an attribute is not the last step
    /// of a path.
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
        let itemNode = Node(try options?.required("item").string() ?? "Record")
        for (index, field) in mapping.item.fields.enumerated() {
            var node = itemNode
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
        typealias Element = XMLItemShape.Element
        var elements: [Element] = []
        var attributes: [XMLItemShape.Attribute] = []
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
                attributes.append(XMLItemShape.Attribute(prefix: store([32] + Array(name.utf8) + [61, 34]), field: field))
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
        flatten(itemNode, parent: -1, depth: 1)
        item = XMLItemShape(elements: elements, attributes: attributes, arena: arena, elementOfField: elementOfField)
    }

    /// Appends the XML declaration and the root's start tag, with `xmlns` when a namespace is set and each of
    /// the `rootAttributes` that `context` has a value for.
    public func begin(context: [String: String], into output: inout [UInt8]) {
        output.append(contentsOf: Array("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<\(root)".utf8))
        if !namespace.isEmpty { appendAttribute("xmlns", namespace, &output) }
        for name in rootAttributes {
            if let value = context[name] { appendAttribute(name, value, &output) }
        }
        output.append(contentsOf: Array(">\n".utf8))
    }

    /// Appends one item element from rendered texts (nil: left out).
    public func encode(values: [String?], into output: inout [UInt8]) {
        append(StringTexts(values: values), to: &output)
    }

    /// Appends one item element, writing the values without making strings first.
    public func encode(record: RecordTexts, into output: inout [UInt8]) {
        record.withWrittenValues { append(WrittenValues(pointers: $0, layouts: record.layouts), to: &output) }
    }

    /// Appends one item element straight into `output`'s memory.
    public func encode(record: RecordTexts, into output: OutputBuffer) {
        let item = self.item
        record.withWrittenValues { pointers in
            item.write(WrittenValues(pointers: pointers, layouts: record.layouts)) { bound, write in
                var cursor = ByteCursor(output.reserve(bound))
                write(&cursor)
                output.commit(cursor.written.count)
            }
        }
    }

    /// Writes one record into a temporary buffer sized for the most it can take, then appends it.
    private func append(_ values: some XMLFieldTexts, to output: inout [UInt8]) {
        item.write(values) { bound, write in
            withUnsafeTemporaryAllocation(of: UInt8.self, capacity: bound) { bytes in
                var cursor = ByteCursor(bytes.baseAddress!)
                write(&cursor)
                output.append(contentsOf: cursor.written)
            }
        }
    }

    /// Appends the root's end tag.
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

enum KetenpoortErrorFactory {
    static func invalid(_ mapping: AdapterMapping, _ message: String) -> KetenpoortError {
        KetenpoortError(.adapterInvalid, "\(mapping.source): \(message)")
    }
}
