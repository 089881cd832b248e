/// A canonical record: the typed values of one item, in the field order of its contract object.
///
/// Its `description` shows no values: records hold personal data.
public struct Record: Sendable, CustomStringConvertible {
    /// The contract object whose fields the values follow.
    public let object: SchemaObject
    /// One value per field, indexed by slot.
    public var values: [FieldValue]

    /// A record of `object` with `values`, one per field in slot order (a precondition checks the count).
    public init(object: SchemaObject, values: [FieldValue]) {
        precondition(values.count == object.fields.count)
        self.object = object
        self.values = values
    }

    /// An empty record of `object`.
    public init(object: SchemaObject) {
        self.init(object: object, values: FieldValue.absentValues(count: object.fields.count))
    }

    /// The value of the field named `name` (absent when the object has no such field).
    public subscript(name: String) -> FieldValue {
        get { object.slot(of: name).map { values[$0] } ?? .absent }
        set {
            guard let slot = object.slot(of: name) else { preconditionFailure("no field \(name) in \(object.name)") }
            values[slot] = newValue
        }
    }

    /// Names the object and the number of fields, never a value.
    public var description: String { "Record(\(object.name), \(values.count) fields)" }
}

/// Anything that can answer "what is the value of field X": a record, or a record with context.
public protocol FieldLookup {
    /// The value of the field named `name`; absent when there is no such field.
    func value(of name: String) -> FieldValue
}

extension Record: FieldLookup {
    /// The value of the field named `name`; absent when the object has no such field.
    public func value(of name: String) -> FieldValue { self[name] }
}

/// A record seen through extra values (e.g. `soort`, `peildatum`) that take precedence.
public struct RecordWithContext: FieldLookup {
    /// The record looked through.
    public let record: any FieldLookup
    /// Values by field name that take precedence over the record's.
    public let context: [String: FieldValue]
    /// `record` seen through `context`.
    public init(_ record: any FieldLookup, context: [String: FieldValue]) {
        self.record = record
        self.context = context
    }
    /// The context's value of `name` when it has one; the record's otherwise.
    public func value(of name: String) -> FieldValue { context[name] ?? record.value(of: name) }
}
