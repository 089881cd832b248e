import Contracts
import Foundation

/// The JSON types, as JSONSerialization gives them, and which one each contract type calls for:
/// `string`, `date` and `timestamp` a string, `integer` a number, `boolean` true or false.
enum JSONKind: String, Error {
    case string = "a string", number = "a number", boolean = "true or false", array = "an array", object = "an object"

    static func expected(for type: LogicalType) -> JSONKind {
        switch type {
        case .string, .date, .timestamp: .string
        case .integer: .number
        case .boolean: .boolean
        }
    }

    /// JSONSerialization gives true and false as NSNumbers of their own class.
    private static let booleanClass = type(of: NSNumber(value: true))

    /// The kind of a value JSONSerialization made (not null).
    static func of(_ value: Any) -> JSONKind {
        switch value {
        case is String: .string
        case let number as NSNumber: type(of: number) == booleanClass ? .boolean : .number
        case is [Any]: .array
        default: .object
        }
    }

    /// `value` as text when it is of this kind; the kind it is otherwise.
    func text(of value: Any) -> Result<String, JSONKind> {
        let found = Self.of(value)
        guard found == self else { return .failure(found) }
        switch value {
        case let text as String:
            return .success(text)
        case let number as NSNumber where found == .boolean:
            return .success(number.boolValue ? "true" : "false")
        case let number as NSNumber:
            // A whole number written with a fraction or exponent (1e2, 3.0) is that whole number.
            let double = number.doubleValue
            if String(cString: number.objCType) == "d", double.rounded() == double, abs(double) < 9.0e15 { return .success(String(Int64(double))) }
            return .success(number.stringValue)
        default:
            return .failure(found)
        }
    }
}
