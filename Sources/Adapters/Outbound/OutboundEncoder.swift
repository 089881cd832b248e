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
    /// Appends one record from its values (encoders that can, write them without making strings
    /// first).
    func encode(record: RecordTexts, into output: inout [UInt8])
    /// Appends one record from its values to `output` (encoders that can, write it there directly).
    func encode(record: RecordTexts, into output: OutputBuffer)
    /// The bytes after the last record.
    func end(context: [String: String], into output: inout [UInt8])
}

extension OutboundEncoder {
    /// By default, `encode(values:into:)` of the record's texts.
    public func encode(record: RecordTexts, into output: inout [UInt8]) {
        encode(values: (0..<record.count).map { record.text($0) }, into: &output)
    }

    /// By default, encodes into a temporary array and appends that.
    public func encode(record: RecordTexts, into output: OutputBuffer) {
        var bytes: [UInt8] = []
        encode(record: record, into: &bytes)
        output.append(bytes)
    }
}

/// The rendered values of one record, by field of the mapping.
public protocol FieldTexts {
    /// The number of fields of the mapping.
    var count: Int { get }
    /// Whether the field is written at all.
    func isPresent(_ field: Int) -> Bool
    /// The field as text, nil when not written.
    func text(_ field: Int) -> String?
}

/// Field texts already rendered as strings.
struct StringTexts: FieldTexts {
    let values: [String?]
    var count: Int { values.count }
    func isPresent(_ field: Int) -> Bool { values[field] != nil }
    func text(_ field: Int) -> String? { values[field] }
}

/// Renders the fields of an outbound mapping from any record: reads the source field, applies the
/// transforms and the date layout, and drops what the policy does not allow.
struct FieldRenderer: Sendable {
    let fields: [FieldMapping]
    let specs: [FieldSpec]
    /// Per field: whether the contract lets it reach the adapter's recipient at all.
    let mayReach: [Bool]
    /// Per field: whether it writes only the year of a date, and its date layout.
    let writesYear: [Bool]
    let layouts: [DateLayout]
    let hasTransforms: [Bool]
    /// Per field: the consent purpose it needs, if any.
    let consentPurposes: [String?]
    /// Per field: whether it needs a consent at all (read without touching the purpose text).
    let needsConsent: [Bool]
    let secrets: TransformSecrets
    let plans = PlanCache()

    init(fields: [FieldMapping], specs: [FieldSpec], recipient: Role, secrets: TransformSecrets) {
        self.fields = fields
        self.specs = specs
        self.mayReach = specs.map { $0.mayReach(recipient) }
        self.writesYear = fields.map { $0.transforms.contains { if case .year = $0 { true } else { false } } }
        self.layouts = fields.map { $0.dateLayout ?? .iso }
        self.hasTransforms = fields.map { !$0.transforms.isEmpty }
        self.consentPurposes = specs.map(\.consentPurpose)
        self.needsConsent = specs.map { $0.consentPurpose != nil }
        self.secrets = secrets
    }

    /// Renders from any lookup (slower: a name lookup per field).
    func render(_ record: some FieldLookup, include: (FieldSpec) -> Bool) throws -> [String?] {
        var values = [String?](repeating: nil, count: fields.count)
        for (index, field) in fields.enumerated() where mayReach[index] && include(specs[index]) {
            values[index] = try render(index, record.value(of: field.from))
        }
        return values
    }

    /// Renders from a record, with `context` supplying the fields the record's object lacks.
    func render(_ record: Record, context: [String: FieldValue], include: (FieldSpec) -> Bool) throws -> [String?] {
        let slots = plans.plan(for: record.object, renderer: self).slots
        var values = [String?](repeating: nil, count: fields.count)
        for index in 0..<fields.count where mayReach[index] {
            let value: FieldValue
            if let slot = slots[index] { value = record.values[slot] } else { value = context[fields[index].from] ?? .absent }
            if value.isAbsent || !include(specs[index]) { continue }
            values[index] = try render(index, value)
        }
        return values
    }

    /// The values of `record` for the mapping's fields, ready to write: absent where the policy
    /// or the contract keeps a field out; fields with transforms already rendered to text. The
    /// other fields are read from the record itself when written, not copied.
    func texts(_ record: Record, context: [String: FieldValue], consented: Set<String>) throws -> RecordTexts {
        var rendered: [FieldValue] = []
        return try texts(record, plan: plans.plan(for: record.object, renderer: self), consented: consented, rendered: &rendered) {
            context[fields[$0].from]
        }
    }

    /// `texts(_:context:consented:)` with the record object's plan at hand; `contextValue` gives
    /// the value of a field (by index) that the record's object lacks. The rendered values go into
    /// `rendered` (emptied first), whose storage a caller may keep for the next record.
    func texts(
        _ record: Record, plan: RenderPlan, consented: Set<String>, rendered: inout [FieldValue], contextValue: (Int) -> FieldValue?
    ) throws -> RecordTexts {
        var origins = plan.origins
        if !consented.isEmpty && plan.hasConsentFields {
            // Fields that need a consent: shown when this subject gave it.
            for index in 0..<fields.count where needsConsent[index] && mayReach[index] && consented.contains(consentPurposes[index]!) {
                origins[index] = plan.consentedOrigins[index]
            }
        }
        rendered.removeAll(keepingCapacity: true)
        guard !plan.rendered.isEmpty else { return RecordTexts(source: record.values, origins: origins, rendered: rendered, layouts: layouts) }
        rendered.reserveCapacity(plan.rendered.count)
        for (entry, index) in plan.rendered.enumerated() {
            var value: FieldValue
            if origins[index] != -2 - entry {
                value = .absent  // kept out (a consent not given): not rendered at all
            } else if let slot = plan.slots[index] {
                value = record.values[slot]
            } else {
                value = contextValue(index) ?? .absent
            }
            if value.isAbsent {
                rendered.append(.absent)
            } else if hasTransforms[index] || writesYear[index] {
                rendered.append(try render(index, value).map(FieldValue.text) ?? .absent)
            } else {
                if case .text(let text) = value, text.isEmpty { value = .absent }
                rendered.append(value)
            }
        }
        return RecordTexts(source: record.values, origins: origins, rendered: rendered, layouts: layouts)
    }

    private func render(_ index: Int, _ value: FieldValue) throws -> String? {
        var text: String
        switch value {
        case .absent: return nil
        case .text(let value): text = value
        case .integer(let value): text = String(value)
        case .boolean(let value): text = value ? "true" : "false"
        case .timestamp(let value): text = value.text
        case .date(let date):
            if writesYear[index] { return String(date.year) }
            text = layouts[index].format(date)
        case .incompleteDate(let date):
            if writesYear[index] { return String(date.year) }
            text = layouts[index].format(date)
        }
        if !hasTransforms[index] { return text.isEmpty ? nil : text }
        let transforms = fields[index].transforms
        for transform in transforms {
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
