import Foundation
import KetenpoortCore

/// Types and checks one raw item against a contract object: required, types, enumerations,
/// semantic formats, lengths, patterns, ranges, calendar dates, not-in-the-future, and the
/// object's cross-field rules. At most one finding per field; messages never hold the value.
public struct ItemValidator: Sendable {
    /// The contract object validated against.
    public let object: SchemaObject
    let layouts: [DateLayout]
    /// Per slot: what to check, and the allowed values and pattern of the fields that have them.
    let checks: [FieldCheck]
    let validValues: [[String]?]
    let patterns: [TextPattern?]
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
        self.checks = zip(object.fields, self.layouts).map { FieldCheck($0, layout: $1) }
        self.validValues = object.fields.map(\.validValues)
        self.patterns = object.fields.map(\.pattern)
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
        var record = Record(object: object)
        validate(raw, into: &record, findings: &findings)
        return record
    }

    /// `validate(_:findings:)` into a record of this object that is given, whose values it
    /// replaces: its storage is reused while nothing else holds it — for a loop over many items.
    public func validate(_ raw: RawItem, into record: inout Record, findings: inout [Finding]) {
        precondition(record.object === object, "a record of the validator's object")
        let fieldCount = object.fields.count
        if let malformation = raw.malformation {
            findings.append(Finding(position: raw.position, field: nil, rule: .malformed, message: malformation, level: level))
            record.values.withUnsafeMutableBufferPointer { values in
                for slot in values.indices { values[slot] = .absent }
            }
            return
        }
        let before = findings.count
        let hasMismatches = !raw.typeMismatches.isEmpty
        record.values.withUnsafeMutableBufferPointer { values in
            raw.texts.withUnsafeBufferPointer { texts in
                checks.withUnsafeBufferPointer { checks in
                    for slot in 0..<fieldCount {
                        var value = FieldValue.absent
                        if hasMismatches, let mismatch = raw.typeMismatches.first(where: { $0.slot == slot }) {
                            findings.append(finding(raw.position, slot, .type, mismatch.message))
                        } else if let text = texts[slot], !text.isEmpty {
                            let bit: UInt64 = slot < 64 ? 1 << UInt64(slot) : 0
                            let hasControl = raw.screenedSlots & bit != 0 ? raw.controlCharacterSlots & bit != 0 : nil as Bool?
                            let failure = check(text, slot, checks.baseAddress! + slot, hasControlCharacters: hasControl, into: &value)
                            if let failure { findings.append(finding(raw.position, slot, failure.rule, failure.message)) }
                        } else if checks[slot].isRequired {
                            findings.append(finding(raw.position, slot, .required, "\(object.fields[slot].physicalName) is required"))
                        }
                        values[slot] = value
                    }
                }
            }
        }
        // Cross-field rules only when their fields are clean, so one defect gives one finding.
        if ruleSlots.isEmpty { return }
        let hasFailures = findings.count > before
        let failedFields = hasFailures ? Set(findings[before...].compactMap(\.field)) : []
        for index in 0..<ruleSlots.count {
            if hasFailures && ruleSlots[index].1.contains(where: { failedFields.contains(object.fields[$0].name) }) { continue }
            if violates(ruleSlots[index].0, ruleSlots[index].1, record.values) {
                let rule = ruleSlots[index].0
                findings.append(Finding(position: raw.position, field: rule.primaryField, rule: rule.code, message: rule.description, level: level))
            }
        }
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

    private func finding(_ position: Position, _ slot: Int, _ rule: RuleCode, _ message: String) -> Finding {
        Finding(position: position, field: object.fields[slot].name, rule: rule, message: message, level: level)
    }

    struct Failure: Error {
        let rule: RuleCode
        let message: String
        init(_ rule: RuleCode, _ message: String) {
            self.rule = rule
            self.message = message
        }
    }

    /// Checks one present value; sets `value` and returns nil when it passes. The text's bytes are
    /// looked at only by the checks that need them.
    /// - Parameter hasControlCharacters: what the codec found while reading the bytes; nil: scan here.
    private func check(
        _ text: String, _ slot: Int, _ field: UnsafePointer<FieldCheck>, hasControlCharacters: Bool?, into value: inout FieldValue
    ) -> Failure? {
        // Only failures name the field.
        var name: String { object.fields[slot].physicalName }
        switch field.pointee.type {
        case .string:
            // Control characters other than tab and line breaks have no place in partner text
            // (and cannot be carried in XML 1.0).
            if hasControlCharacters ?? text.withContiguousUTF8(ItemValidator.hasControlCharacters) {
                return Failure(.characters, "\(name) contains control characters")
            }
            if field.pointee.hasValidValues, let valid = validValues[slot], !valid.contains(text) {
                return Failure(.enumeration, "\(name) must be one of \(valid.joined(separator: ", "))")
            }
            if let format = field.pointee.format, let failure = text.withContiguousUTF8({ checkFormat($0, format, name) }) { return failure }
            let minLength = field.pointee.minLength, maxLength = field.pointee.maxLength
            if minLength != nil || maxLength != nil {
                let utf8 = text.utf8.count
                let length = (maxLength.map { utf8 > $0 } ?? false) || (minLength.map { utf8 < $0 } ?? false) ? text.count : utf8
                if let max = maxLength, length > max { return Failure(.length, "\(name) is longer than \(max) characters") }
                if let min = minLength, length < min { return Failure(.length, "\(name) is shorter than \(min) characters") }
            }
            if field.pointee.hasPattern, let pattern = patterns[slot], !text.withContiguousUTF8({ pattern.matches(bytes: $0) }) {
                return Failure(.pattern, "\(name) does not match the pattern \(pattern.source)")
            }
            value = .text(text)
        case .integer:
            guard let number = text.withContiguousUTF8(DecimalText.integer) else { return Failure(.type, "\(name) must be a whole number") }
            if let min = field.pointee.minimum, number < min { return Failure(.range, "\(name) must be at least \(min)") }
            if let max = field.pointee.maximum, number > max { return Failure(.range, "\(name) must be at most \(max)") }
            value = .integer(number)
        case .boolean:
            switch text {
            case "true", "J": value = .boolean(true)
            case "false", "N": value = .boolean(false)
            default: return Failure(.type, "\(name) must be true or false")
            }
        case .date:
            let layout = field.pointee.layout
            guard let (y, m, d) = text.withContiguousUTF8({ layout.parts(of: $0) }) else {
                return Failure(.date, "\(name) is not a date in the form \(layout.rawValue)")
            }
            let typed: FieldValue
            let earliest: CalendarDate
            if field.pointee.format == .incompleteDate {
                guard let date = IncompleteDate(year: y, month: m, day: d) else {
                    return Failure(.date, "\(name) is not a real date (day and month may be 00 when unknown)")
                }
                typed = date.complete.map(FieldValue.date) ?? .incompleteDate(date)
                earliest = date.earliestDay
            } else {
                guard let date = CalendarDate(year: y, month: m, day: d) else {
                    return Failure(.date, "\(name) is not a real calendar date")
                }
                typed = .date(date)
                earliest = date
            }
            if field.pointee.isNotInFuture, earliest > today { return Failure(.future, "\(name) lies in the future") }
            value = typed
        case .timestamp:
            guard let instant = TimestampParser.parse(text) else {
                return Failure(.type, "\(name) is not an ISO 8601 timestamp with a zone")
            }
            if field.pointee.isNotInFuture, instant > now { return Failure(.future, "\(name) lies in the future") }
            value = .timestamp(Timestamp(instant: instant, text: text))
        }
        return nil
    }

    /// Whether `text` holds C0 controls other than tab, LF and CR, or DEL.
    static func hasControlCharacters(_ text: String) -> Bool {
        var text = text
        return text.withUTF8 { hasControlCharacters($0) }
    }

    /// `hasControlCharacters` of UTF-8 bytes.
    static func hasControlCharacters(_ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        for byte in bytes where byte < 32 || byte == 127 {
            if byte != 9 && byte != 10 && byte != 13 { return true }
        }
        return false
    }

    private func checkFormat(_ bytes: UnsafeBufferPointer<UInt8>, _ format: SemanticFormat, _ name: String) -> Failure? {
        switch format {
        case .bsn:
            return BSN.isValid(bytes) ? nil : Failure(.bsn, "\(name) is not a valid BSN (9 digits passing the 11-test)")
        case .vnummer:
            return VNummer.isValid(bytes) ? nil : Failure(.format, "\(name) is not a V-number (10 digits)")
        case .oin:
            return OIN.isValid(bytes) ? nil : Failure(.format, "\(name) is not an OIN (20 digits)")
        case .gemeentecode:
            return GemeenteCode.isValid(bytes) ? nil : Failure(.format, "\(name) is not a municipality code (GM + 4 digits)")
        case .country:
            return CountryCode.isValid(bytes) ? nil : Failure(.format, "\(name) is not an ISO 3166-1 alpha-3 country code")
        case .incompleteDate:
            return nil
        }
    }
}
