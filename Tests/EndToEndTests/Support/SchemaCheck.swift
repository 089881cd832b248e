import Foundation

/// Checks JSON values against the JSON Schema subset the OpenAPI documents use: `$ref` (local),
/// `type`, `required`, `properties`, `additionalProperties: false`, `enum`, `const`, `pattern`,
/// `minItems`, `maxItems`, `minimum`, `maximum`, `items`. Returns what does not fit, as paths.
struct SchemaCheck {
    let document: [String: Any]

    init(document url: URL) throws {
        document = try JSONSerialization.jsonObject(with: Data(contentsOf: url)) as! [String: Any]
    }

    /// The schema of `name` under `components/schemas`.
    func schema(_ name: String) -> [String: Any] { resolve(["$ref": "#/components/schemas/\(name)"]) }

    /// The problems of `value` against `schema`; empty when it fits.
    func problems(_ value: Any, _ schema: [String: Any], at path: String = "$") -> [String] {
        let schema = resolve(schema)
        var problems: [String] = []
        if let type = schema["type"] as? String, !Self.has(type, value) { return ["\(path): not of type \(type)"] }
        if let allowed = schema["enum"] as? [Any], !allowed.contains(where: { Self.equal($0, value) }) {
            problems.append("\(path): not one of the enum")
        }
        if let constant = schema["const"], !Self.equal(constant, value) { problems.append("\(path): not the constant") }
        if let pattern = schema["pattern"] as? String, let text = value as? String, text.range(of: pattern, options: .regularExpression) == nil {
            problems.append("\(path): does not match \(pattern)")
        }
        if let number = value as? NSNumber, !Self.isBoolean(value) {
            if let minimum = schema["minimum"] as? NSNumber, number.doubleValue < minimum.doubleValue { problems.append("\(path): below minimum") }
            if let maximum = schema["maximum"] as? NSNumber, number.doubleValue > maximum.doubleValue { problems.append("\(path): above maximum") }
        }
        if let object = value as? [String: Any] {
            let properties = schema["properties"] as? [String: Any] ?? [:]
            for name in schema["required"] as? [String] ?? [] where object[name] == nil { problems.append("\(path).\(name): required") }
            for (name, member) in object {
                if let property = properties[name] as? [String: Any] {
                    problems += self.problems(member, property, at: "\(path).\(name)")
                } else if schema["additionalProperties"] as? Bool == false {
                    problems.append("\(path).\(name): not allowed")
                }
            }
        }
        if let array = value as? [Any] {
            if let minimum = schema["minItems"] as? Int, array.count < minimum { problems.append("\(path): fewer than \(minimum) items") }
            if let maximum = schema["maxItems"] as? Int, array.count > maximum { problems.append("\(path): more than \(maximum) items") }
            if let items = schema["items"] as? [String: Any] {
                for (index, item) in array.enumerated() { problems += self.problems(item, items, at: "\(path)[\(index)]") }
            }
        }
        return problems
    }

    private func resolve(_ schema: [String: Any]) -> [String: Any] {
        guard let reference = schema["$ref"] as? String, reference.hasPrefix("#/") else { return schema }
        var node: Any = document
        for part in reference.dropFirst(2).split(separator: "/") { node = (node as? [String: Any])?[String(part)] ?? [:] }
        return resolve(node as? [String: Any] ?? [:])
    }

    private static func has(_ type: String, _ value: Any) -> Bool {
        switch type {
        case "object": value is [String: Any]
        case "array": value is [Any]
        case "string": value is String
        case "boolean": isBoolean(value)
        case "integer": !isBoolean(value) && (value as? NSNumber).map { $0.doubleValue.rounded() == $0.doubleValue } ?? false
        case "number": !isBoolean(value) && value is NSNumber
        default: true
        }
    }

    /// JSON `true`/`false` as Foundation parses them (an NSNumber of a C `char`).
    private static func isBoolean(_ value: Any) -> Bool {
        guard let number = value as? NSNumber else { return value is Bool }
        return String(cString: number.objCType) == "c"
    }

    private static func equal(_ a: Any, _ b: Any) -> Bool {
        (a as? NSObject)?.isEqual(b) ?? false
    }
}
