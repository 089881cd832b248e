import Contracts
import Foundation

/// Writes one XML document of records (the municipal notifications). Field locations are paths:
/// `Geslachtsnaam` (element), `Gezin/@rol` (attribute of a child), `@soort` (attribute of the item).
/// Elements without any value are omitted, never written empty; text is XML-escaped.
///
/// Options: `namespace`, `root`, `item`, `rootAttributes` (names taken from the document context).
public struct XMLEncoder: OutboundEncoder {
    final class Node: @unchecked Sendable {
        // @unchecked: built once in init, never mutated afterwards.
        let name: String
        var attributes: [(name: String, field: Int)] = []
        var text: Int?
        var children: [Node] = []
        init(name: String) { self.name = name }

        func hasValue(_ values: [String?]) -> Bool {
            if let text, values[text] != nil { return true }
            if attributes.contains(where: { values[$0.field] != nil }) { return true }
            return children.contains { $0.hasValue(values) }
        }
    }

    public let contentType = "application/xml"
    let namespace: String
    let root: String
    let rootAttributes: [String]
    let item: Node

    public init(mapping: AdapterMapping) throws {
        let options = mapping.options
        namespace = try options?["namespace"]?.string() ?? ""
        root = try options?.required("root").string() ?? "Records"
        rootAttributes = try options?["rootAttributes"]?.strings() ?? []
        item = Node(name: try options?.required("item").string() ?? "Record")
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
                    let child = Node(name: step)
                    node.children.append(child)
                    node = child
                }
                if isLast && !step.hasPrefix("@") { node.text = index }
            }
        }
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
        write(item, values, depth: 1, &output)
    }

    public func end(context: [String: String], into output: inout [UInt8]) {
        output.append(contentsOf: Array("</\(root)>\n".utf8))
    }

    private func write(_ node: Node, _ values: [String?], depth: Int, _ output: inout [UInt8]) {
        for _ in 0..<depth { output.append(32); output.append(32) }
        output.append(60)
        output.append(contentsOf: node.name.utf8)
        for (name, field) in node.attributes {
            if let value = values[field] { appendAttribute(name, value, &output) }
        }
        let children = node.children.filter { $0.hasValue(values) }
        let text = node.text.flatMap { values[$0] }
        if children.isEmpty && text == nil {
            output.append(contentsOf: [47, 62, 10])  // "/>\n"
            return
        }
        output.append(62)
        if let text {
            XMLEscaping.appendText(text, to: &output)
        }
        if !children.isEmpty {
            output.append(10)
            for child in children { write(child, values, depth: depth + 1, &output) }
            for _ in 0..<depth { output.append(32); output.append(32) }
        }
        output.append(contentsOf: [60, 47])
        output.append(contentsOf: node.name.utf8)
        output.append(contentsOf: [62, 10])
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
    public static func appendText(_ text: String, to output: inout [UInt8]) {
        for byte in text.utf8 {
            switch byte {
            case 38: output.append(contentsOf: Array("&amp;".utf8))
            case 60: output.append(contentsOf: Array("&lt;".utf8))
            case 62: output.append(contentsOf: Array("&gt;".utf8))
            case 13: output.append(contentsOf: Array("&#13;".utf8))
            default: output.append(byte)
            }
        }
    }

    public static func appendAttribute(_ text: String, to output: inout [UInt8]) {
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
            default: output.append(byte)
            }
        }
    }
}

import KetenpoortCore

enum KetenpoortErrorFactory {
    static func invalid(_ mapping: AdapterMapping, _ message: String) -> KetenpoortError {
        KetenpoortError(.adapterInvalid, "\(mapping.source): \(message)")
    }
}
