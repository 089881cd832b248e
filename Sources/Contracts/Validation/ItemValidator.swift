import Foundation
import KetenpoortCore

/// Types and checks one raw item against a contract object: required, types, enumerations,
/// semantic formats, lengths, patterns, ranges, calendar dates, not-in-the-future, and the
/// object's cross-field rules. At most one finding per field; messages never hold the value.
public struct ItemValidator: Sendable {
    public let object: SchemaObject
    let layouts: [DateLayout]
    let today: CalendarDate
    let now: Date
    let level: FindingLevel
    let ruleSlots: [(RecordRule, [Int])]

    /// - Parameters:
    ///   - layouts: how the partner writes each date field (by field name; ISO when not given).
    ///   - now: the moment of validation, for not-in-the-future.
    public init(object: SchemaObject, layouts: [String: DateLayout] = [:], now: Date, level: FindingLevel? = nil) {
        self.object = object
        self.layouts = object.fields.map { layouts[$0.name] ?? .iso }
        self.now = now
        self.today = CalendarDate(instant: now)
        self.level = level ?? (object.role == .item || object.role == .response ? .item : .file)
        self.ruleSlots = object.recordRules.map { rule in
            let names: [String] =
                switch rule.kind {
                case .notBefore(let f, let r): [f, r]
                case .requireOneOf(let fs): fs
                case .requiredWith(let f, let w): [f, w]
                }
            return (rule, names.map { object.slot(of: $0)! })
        }
    }

    /// Validates `raw`, appending findings; returns the typed record (also when findings were
    /// added, so callers can still read keys).
    public func validate(_ raw: RawItem, findings: inout [Finding]) -> Record {
        var values = FieldValue.absentValues(count: object.fields.count)
        if let malformation = raw.malformation {
            findings.append(Finding(position: raw.position, field: nil, rule: .malformed, message: malformation, level: level))
            return Record(object: object, values: values)
        }
        let before = findings.count
        let fields = object.fields
        for slot in 0..<fields.count {
            // `fields` keeps every spec alive through the loop: no need to retain each one.
            unowned(unsafe) let field = fields[slot]
            guard let text = raw.texts[slot], !text.isEmpty else {
                if field.isRequired {
                    findings.append(finding(raw.position, field, .required, "\(field.physicalName) is required"))
                }
                continue
            }
            let bit: UInt64 = slot < 64 ? 1 << UInt64(slot) : 0
            let hasControl = raw.screenedSlots & bit != 0 ? raw.controlCharacterSlots & bit != 0 : nil as Bool?
            switch check(text, field, layout: layouts[slot], hasControlCharacters: hasControl) {
            case .success(let value): values[slot] = value
            case .failure(let failure): findings.append(finding(raw.position, field, failure.rule, failure.message))
            }
        }
        // Cross-field rules only when their fields are clean, so one defect gives one finding.
        if ruleSlots.isEmpty { return Record(object: object, values: values) }
        let hasFailures = findings.count > before
        let failedFields = hasFailures ? Set(findings[before...].compactMap(\.field)) : []
        for index in 0..<ruleSlots.count {
            if hasFailures && ruleSlots[index].1.contains(where: { failedFields.contains(object.fields[$0].name) }) { continue }
            if violates(ruleSlots[index].0, ruleSlots[index].1, values) {
                let rule = ruleSlots[index].0
                findings.append(Finding(position: raw.position, field: rule.primaryField, rule: rule.code, message: rule.description, level: level))
            }
        }
        return Record(object: object, values: values)
    }

    private func violates(_ rule: RecordRule, _ slots: [Int], _ values: [FieldValue]) -> Bool {
        switch rule.kind {
        case .notBefore:
            let (a, b) = (values[slots[0]], values[slots[1]])
            if let x = a.date, let y = b.date { return x < y }
            if let x = a.timestamp, let y = b.timestamp { return x < y }
            return false
        case .requireOneOf:
            return slots.allSatisfy { values[$0].isAbsent }
        case .requiredWith:
            return values[slots[0]].isAbsent && !values[slots[1]].isAbsent
        }
    }

    private func finding(_ position: Position, _ field: FieldSpec, _ rule: RuleCode, _ message: String) -> Finding {
        Finding(position: position, field: field.name, rule: rule, message: message, level: level)
    }

    struct Failure: Error {
        let rule: RuleCode
        let message: String
        init(_ rule: RuleCode, _ message: String) {
            self.rule = rule
            self.message = message
        }
    }

    /// - Parameter hasControlCharacters: what the codec found while reading the bytes; nil: scan here.
    private func check(_ text: String, _ field: FieldSpec, layout: DateLayout, hasControlCharacters: Bool?) -> Result<FieldValue, Failure> {
        // Only failures name the field: reading the name on every check would cost a retain.
        var name: String { field.physicalName }
        switch field.logicalType {
        case .string:
            // Control characters other than tab and line breaks have no place in partner text
            // (and cannot be carried in XML 1.0).
            if hasControlCharacters ?? ItemValidator.hasControlCharacters(text) {
                return .failure(Failure(.characters, "\(name) contains control characters"))
            }
            if let valid = field.validValues, !valid.contains(text) {
                return .failure(Failure(.enumeration, "\(name) must be one of \(valid.joined(separator: ", "))"))
            }
            if let format = field.format, let failure = checkFormat(text, format, name) { return .failure(failure) }
            if field.minLength != nil || field.maxLength != nil {
                let utf8 = text.utf8.count
                let length = (field.maxLength.map { utf8 > $0 } ?? false) || (field.minLength.map { utf8 < $0 } ?? false) ? text.count : utf8
                if let max = field.maxLength, length > max { return .failure(Failure(.length, "\(name) is longer than \(max) characters")) }
                if let min = field.minLength, length < min { return .failure(Failure(.length, "\(name) is shorter than \(min) characters")) }
            }
            if let pattern = field.pattern, !pattern.matches(text) {
                return .failure(Failure(.pattern, "\(name) does not match the pattern \(pattern.source)"))
            }
            return .success(.text(text))
        case .integer:
            guard let number = Int(text) else { return .failure(Failure(.type, "\(name) must be a whole number")) }
            if let min = field.minimum, number < min { return .failure(Failure(.range, "\(name) must be at least \(min)")) }
            if let max = field.maximum, number > max { return .failure(Failure(.range, "\(name) must be at most \(max)")) }
            return .success(.integer(number))
        case .boolean:
            switch text {
            case "true", "J": return .success(.boolean(true))
            case "false", "N": return .success(.boolean(false))
            default: return .failure(Failure(.type, "\(name) must be true or false"))
            }
        case .date:
            guard let (y, m, d) = layout.parts(of: text) else {
                return .failure(Failure(.date, "\(name) is not a date in the form \(layout.rawValue)"))
            }
            let value: FieldValue
            let earliest: CalendarDate
            if field.format == .incompleteDate {
                guard let date = IncompleteDate(year: y, month: m, day: d) else {
                    return .failure(Failure(.date, "\(name) is not a real date (day and month may be 00 when unknown)"))
                }
                value = date.complete.map(FieldValue.date) ?? .incompleteDate(date)
                earliest = date.earliestDay
            } else {
                guard let date = CalendarDate(year: y, month: m, day: d) else {
                    return .failure(Failure(.date, "\(name) is not a real calendar date"))
                }
                value = .date(date)
                earliest = date
            }
            if field.isNotInFuture, earliest > today { return .failure(Failure(.future, "\(name) lies in the future")) }
            return .success(value)
        case .timestamp:
            guard let instant = TimestampParser.parse(text) else {
                return .failure(Failure(.type, "\(name) is not an ISO 8601 timestamp with a zone"))
            }
            if field.isNotInFuture, instant > now { return .failure(Failure(.future, "\(name) lies in the future")) }
            return .success(.timestamp(Timestamp(instant: instant, text: text)))
        }
    }

    /// Whether `text` holds C0 controls other than tab, LF and CR, or DEL.
    static func hasControlCharacters(_ text: String) -> Bool {
        var text = text
        return text.withUTF8 { bytes in
            for byte in bytes where byte < 32 || byte == 127 {
                if byte != 9 && byte != 10 && byte != 13 { return true }
            }
            return false
        }
    }

    private func checkFormat(_ text: String, _ format: SemanticFormat, _ name: String) -> Failure? {
        switch format {
        case .bsn:
            return BSN.isValid(text.utf8) ? nil : Failure(.bsn, "\(name) is not a valid BSN (9 digits passing the 11-test)")
        case .vnummer:
            return VNummer.isValid(text.utf8) ? nil : Failure(.format, "\(name) is not a V-number (10 digits)")
        case .oin:
            return OIN.isValid(text.utf8) ? nil : Failure(.format, "\(name) is not an OIN (20 digits)")
        case .gemeentecode:
            return GemeenteCode.isValid(text.utf8) ? nil : Failure(.format, "\(name) is not a municipality code (GM + 4 digits)")
        case .country:
            return CountryCode.isValid(text.utf8) ? nil : Failure(.format, "\(name) is not an ISO 3166-1 alpha-3 country code")
        case .incompleteDate:
            return nil
        }
    }
}
