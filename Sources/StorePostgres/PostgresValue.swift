import Foundation
import KetenpoortCore

/// A statement parameter as libpq sends it: text in PostgreSQL's input syntax, or bytes for a
/// `bytea` (sent in binary, so a payload part is not doubled into hex).
enum PostgresValue: Sendable, Equatable {
    case text(String)
    case bytes(Data)
    case null
}

/// A Swift value that binds as a statement parameter.
protocol PostgresEncodable {
    var postgresValue: PostgresValue { get }
}

extension String: PostgresEncodable { var postgresValue: PostgresValue { .text(self) } }
extension Int: PostgresEncodable { var postgresValue: PostgresValue { .text(String(self)) } }
extension Int64: PostgresEncodable { var postgresValue: PostgresValue { .text(String(self)) } }
extension Bool: PostgresEncodable { var postgresValue: PostgresValue { .text(self ? "true" : "false") } }
extension Data: PostgresEncodable { var postgresValue: PostgresValue { .bytes(self) } }
extension Date: PostgresEncodable { var postgresValue: PostgresValue { .text(PostgresTime.text(self)) } }
extension CalendarDate: PostgresEncodable { var postgresValue: PostgresValue { .text(iso) } }
extension BatchID: PostgresEncodable { var postgresValue: PostgresValue { .text(value) } }
extension RunID: PostgresEncodable { var postgresValue: PostgresValue { .text(value) } }
extension Optional: PostgresEncodable where Wrapped: PostgresEncodable {
    var postgresValue: PostgresValue { map(\.postgresValue) ?? .null }
}
