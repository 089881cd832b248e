import Foundation

/// An `application/x-www-form-urlencoded` body (or a query): its fields in order, decoded.
struct ConsoleForm {
    let fields: [(name: String, value: String)]

    init(encoded: String) {
        fields = encoded.split(separator: "&").compactMap { pair in
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            func decode(_ text: Substring) -> String? { text.replacingOccurrences(of: "+", with: " ").removingPercentEncoding }
            guard let name = parts.first.flatMap(decode) else { return nil }
            return (name, parts.count > 1 ? decode(parts[1]) ?? "" : "")
        }
    }

    /// Every value of `name`.
    func values(_ name: String) -> [String] { fields.filter { $0.name == name }.map(\.value) }

    /// The first value of `name`.
    func value(_ name: String) -> String? { fields.first { $0.name == name }?.value }
}
