import Foundation
import KetenpoortCore
import Yams

/// A YAML node with its file and line, giving typed access whose failures name the file, the line
/// and the key: the shape every configuration loader of the gateway uses.
public struct YAMLNode: @unchecked Sendable {
    // @unchecked: Yams.Node holds a weak anchor reference; nodes are read-only after composing.
    let node: Node
    /// The file the node came from (for error messages).
    public let file: String
    /// The dotted path of keys that led here (for error messages).
    public let path: String

    /// Composes the YAML text of `file`; a syntax error names the line.
    public static func load(contentsOf url: URL) throws -> YAMLNode {
        let text: String
        do {
            text = try String(contentsOf: url, encoding: .utf8)
        } catch {
            guard FileManager.default.fileExists(atPath: url.path) else {
                throw KetenpoortError(
                    .inputUnreadable, "\(url.path) does not exist: name the configuration with --config (or work where ketenpoort.yaml is)")
            }
            throw KetenpoortError(.inputUnreadable, "\(url.path): cannot be read as UTF-8 text")
        }
        return try parse(text, file: url.path)
    }

    /// Composes YAML `text`; `file` is used in error messages.
    public static func parse(_ text: String, file: String) throws -> YAMLNode {
        do {
            guard let node = try Yams.compose(yaml: text) else {
                throw KetenpoortError(.contractInvalid, "\(file): the document is empty")
            }
            return YAMLNode(node: node, file: file, path: "")
        } catch let error as YamlError {
            throw KetenpoortError(.contractInvalid, "\(file): \(YAMLNode.describe(error))")
        }
    }

    /// 1-based line of this node, when known.
    public var line: Int { node.mark?.line ?? 0 }

    /// An error at this node: "<file>:<line>: <path>: <message>".
    public func error(_ message: String, code: KetenpoortError.Code = .contractInvalid) -> KetenpoortError {
        let at = path.isEmpty ? "" : "\(path): "
        return KetenpoortError(code, "\(file):\(line): \(at)\(message)")
    }

    /// The child under `key`, or nil when absent or null.
    public subscript(key: String) -> YAMLNode? {
        guard let mapping = node.mapping else { return nil }
        for (k, v) in mapping where k.string == key {
            if case .scalar(let scalar) = v, scalar.tag.description.hasSuffix("null") || (scalar.string == "" && scalar.style == .plain) {
                return nil
            }
            return YAMLNode(node: v, file: file, path: path.isEmpty ? key : "\(path).\(key)")
        }
        return nil
    }

    /// The child under `key`; an error naming the key when it is missing.
    public func required(_ key: String) throws -> YAMLNode {
        guard let child = self[key] else { throw error("missing required key '\(key)'") }
        return child
    }

    /// Whether this node is a mapping.
    public var isMapping: Bool { node.mapping != nil }

    /// The keys of a mapping, in document order.
    public var keys: [String] { node.mapping?.keys.compactMap(\.string) ?? [] }

    /// The pairs of a mapping, in document order.
    public func entries() throws -> [(key: String, value: YAMLNode)] {
        guard let mapping = node.mapping else { throw error("expected a mapping") }
        return mapping.map { pair in
            let key = pair.key.string ?? ""
            return (key, YAMLNode(node: pair.value, file: file, path: path.isEmpty ? key : "\(path).\(key)"))
        }
    }

    /// The items of a sequence.
    public func items() throws -> [YAMLNode] {
        guard let sequence = node.sequence else { throw error("expected a list") }
        return sequence.enumerated().map { index, item in
            YAMLNode(node: item, file: file, path: "\(path)[\(index)]")
        }
    }

    /// The scalar as text.
    public func string() throws -> String {
        guard let scalar = node.scalar else { throw error("expected a single value, found a \(node.mapping != nil ? "mapping" : "list")") }
        return scalar.string
    }

    /// The scalar as an integer.
    public func int() throws -> Int {
        guard let value = Int(try string()) else { throw error("expected an integer") }
        return value
    }

    /// The scalar as a boolean (`true`/`false`).
    public func bool() throws -> Bool {
        switch try string() {
        case "true", "True", "TRUE", "yes": return true
        case "false", "False", "FALSE", "no": return false
        default: throw error("expected true or false")
        }
    }

    /// The node as a list of strings (a single scalar counts as a list of one).
    public func strings() throws -> [String] {
        if node.scalar != nil { return [try string()] }
        return try items().map { try $0.string() }
    }

    /// The scalar parsed as one of an enumeration's raw values; the error lists the allowed ones.
    public func value<T: RawRepresentable & CaseIterable>(of type: T.Type) throws -> T where T.RawValue == String {
        let text = try string()
        guard let value = T(rawValue: text) else {
            throw error("'\(text)' is not one of \(T.allCases.map(\.rawValue).joined(separator: ", "))")
        }
        return value
    }

    static func describe(_ error: YamlError) -> String {
        switch error {
        case .scanner(_, let problem, let mark, _), .parser(_, let problem, let mark, _), .composer(_, let problem, let mark, _):
            return "line \(mark.line): YAML syntax error: \(problem)"
        case .duplicatedKeysInMapping(let duplicates, let context):
            return "line \(context.mark.line): duplicated keys \(duplicates.joined(separator: ", "))"
        default:
            return "YAML error: \(error)"
        }
    }
}
