import Contracts
import Foundation
import KetenpoortCore

/// A codec writing canonical records in one partner syntax.
public protocol OutboundEncoder: Sendable {
    /// The media type of the document (`application/xml`, `text/csv`, …).
    var contentType: String { get }
    /// The bytes before the first record; `context` carries document-level values (batch id, count…).
    func begin(context: [String: String], into output: inout [UInt8])
    /// Appends one record whose rendered field values are `values` (nil = omitted), in mapping order.
    func encode(values: [String?], into output: inout [UInt8])
    /// The bytes after the last record.
    func end(context: [String: String], into output: inout [UInt8])
}

/// Renders the fields of an outbound mapping from any record: reads the source field, applies the
/// transforms and the date layout, and drops what the policy does not allow.
struct FieldRenderer: Sendable {
    let fields: [FieldMapping]
    let specs: [FieldSpec]
    let secrets: TransformSecrets

    func render(_ record: some FieldLookup, include: (FieldSpec) -> Bool) throws -> [String?] {
        var values = [String?](repeating: nil, count: fields.count)
        for (index, field) in fields.enumerated() where include(specs[index]) {
            values[index] = try render(field, record.value(of: field.from))
        }
        return values
    }

    private func render(_ field: FieldMapping, _ value: FieldValue) throws -> String? {
        var text: String
        switch value {
        case .absent: return nil
        case .text(let value): text = value
        case .integer(let value): text = String(value)
        case .boolean(let value): text = value ? "true" : "false"
        case .timestamp(let value): text = value.text
        case .date(let date):
            if field.transforms.contains(where: { if case .year = $0 { true } else { false } }) { return String(date.year) }
            text = (field.dateLayout ?? .iso).format(date)
        case .incompleteDate(let date):
            if field.transforms.contains(where: { if case .year = $0 { true } else { false } }) { return String(date.year) }
            text = (field.dateLayout ?? .iso).format(date)
        }
        for transform in field.transforms {
            switch transform {
            case .pseudonym(let secret): text = try secrets.pseudonym(of: text, secret: secret)
            case .year: continue
            default:
                guard let next = transform.apply(text) else { return nil }
                text = next
            }
        }
        return text.isEmpty ? nil : text
    }
}
