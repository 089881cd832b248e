import GRDB
import KetenpoortCore

// Batch and run ids are stored as their text, so SQL binds and reads them like strings.

extension TextIdentifier where Self: DatabaseValueConvertible {
    public var databaseValue: DatabaseValue { value.databaseValue }
    public static func fromDatabaseValue(_ dbValue: DatabaseValue) -> Self? { String.fromDatabaseValue(dbValue).map { Self($0) } }
}

extension BatchID: DatabaseValueConvertible {}
extension RunID: DatabaseValueConvertible {}
