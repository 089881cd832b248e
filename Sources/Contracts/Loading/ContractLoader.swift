import Foundation
import KetenpoortCore

/// Reads ODCS v3.1.0 contract files into ``DataContract``s. Every problem is an error naming the file,
/// the line and what is wrong; a contract that does not load stops the gateway.
public enum ContractLoader {
    /// The one ODCS version the engine reads: the grammar it implements and the one `datacontract
    /// lint` checks the contracts against.
    public static let odcsVersion = "v3.1.0"

    /// Loads one contract file.
    public static func load(contentsOf url: URL) throws -> DataContract {
        try load(try YAMLNode.load(contentsOf: url), expectedID: url.deletingPathExtension().lastPathComponent)
    }

    /// Loads a contract from YAML text (`file` names it in errors).
    public static func load(yaml: String, file: String, expectedID: String? = nil) throws -> DataContract {
        try load(try YAMLNode.parse(yaml, file: file), expectedID: expectedID)
    }

    static func load(_ root: YAMLNode, expectedID: String?) throws -> DataContract {
        guard root.isMapping else { throw root.error("a contract must be a mapping") }
        let apiVersionNode = try root.required("apiVersion")
        let apiVersion = try apiVersionNode.string()
        guard apiVersion == odcsVersion else {
            throw apiVersionNode.error("apiVersion '\(apiVersion)' is not supported: the engine reads ODCS \(odcsVersion) (see contracts/README.md)")
        }
        let kind = try root.required("kind")
        guard try kind.string() == "DataContract" else { throw kind.error("kind must be DataContract") }
        let idNode = try root.required("id")
        let id = try idNode.string()
        if let expectedID, id != expectedID { throw idNode.error("id '\(id)' does not match the file name '\(expectedID)'") }
        let custom = try CustomProperties(root["customProperties"])
        let legalBasis = try custom.required("legalBasis", in: root)
        let purpose = try custom.string("purpose") ?? root["description"]?["purpose"]?.string() ?? ""
        guard !purpose.isEmpty else { throw root.error("the contract has no purpose (customProperty purpose or description.purpose)") }
        let producer = try custom.node("producer").map { try $0.value(of: Role.self) }
        let consumers = try custom.node("consumers").map { try $0.items().map { try $0.value(of: Role.self) } } ?? []
        let schema = try root.required("schema")
        var objects: [SchemaObject] = []
        for objectNode in try schema.items() {
            objects.append(try loadObject(objectNode, requireFieldLegalBasis: consumers.contains(.cbs)))
        }
        guard objects.contains(where: { $0.role == .item }) else {
            throw schema.error("no schema object has customProperty role: item")
        }
        try checkFileRules(objects, schema)
        var retention: RetentionPeriod?
        if let node = custom.node("retention") {
            guard let period = RetentionPeriod(try node.string()) else {
                throw node.error("customProperty retention must be an ISO 8601 duration of years, months, weeks and days (P1Y, P18M, P30D)")
            }
            retention = period
        }
        return DataContract(
            id: id, name: try root["name"]?.string() ?? id, version: try root.required("version").string(), purpose: purpose,
            legalBasis: legalBasis, producer: producer, consumers: consumers, retention: retention,
            objects: objects, source: root.file)
    }

    static func loadObject(_ node: YAMLNode, requireFieldLegalBasis: Bool) throws -> SchemaObject {
        let name = try node.required("name").string()
        let custom = try CustomProperties(node["customProperties"])
        let role = try custom.node("role").map { try $0.value(of: ObjectRole.self) } ?? .item
        var fields: [FieldSpec] = []
        var seen = Set<String>()
        for property in try node.required("properties").items() {
            let field = try loadField(property, requireLegalBasis: requireFieldLegalBasis)
            guard seen.insert(field.name).inserted else { throw property.error("property '\(field.name)' is defined twice") }
            fields.append(field)
        }
        var recordRules: [RecordRule] = []
        var fileRules: [FileRule] = []
        for rule in try node["quality"]?.items() ?? [] {
            guard try rule["type"]?.string() == "custom", try rule["engine"]?.string() == "ketenpoort" else { continue }
            let implementation = try rule.required("implementation")
            let kind = try implementation.required("kind").string()
            let code = RuleCode(rawValue: try implementation["code"]?.string() ?? "")
            let ruleName = try rule["name"]?.string() ?? kind
            let description = try rule["description"]?.string() ?? ruleName
            func field(_ key: String) throws -> String {
                let ref = try implementation.required(key)
                let value = try ref.string()
                guard seen.contains(value) else { throw ref.error("'\(value)' is not a property of \(name)") }
                return value
            }
            func requireCode(_ fallback: RuleCode?) throws -> RuleCode {
                if !code.rawValue.isEmpty { return code }
                if let fallback { return fallback }
                throw implementation.error("a record rule needs a code")
            }
            switch kind {
            case "notBefore":
                recordRules.append(
                    RecordRule(
                        name: ruleName, kind: .notBefore(field: try field("field"), reference: try field("reference")), code: try requireCode(nil),
                        description: description))
            case "requireOneOf":
                let list = try implementation.required("fields")
                let names = try list.strings()
                guard names.count >= 2, names.allSatisfy(seen.contains) else {
                    throw list.error("fields must name two or more properties of \(name)")
                }
                recordRules.append(
                    RecordRule(name: ruleName, kind: .requireOneOf(fields: names), code: try requireCode(nil), description: description))
            case "requiredWith":
                recordRules.append(
                    RecordRule(
                        name: ruleName, kind: .requiredWith(field: try field("field"), when: try field("when")), code: try requireCode(nil),
                        description: description))
            case "recordCount":
                fileRules.append(
                    FileRule(
                        name: ruleName,
                        kind: .recordCount(
                            object: try implementation.required("object").string(), field: try implementation.required("field").string()),
                        code: try requireCode(.recordCount)))
            case "controlTotal":
                fileRules.append(
                    FileRule(
                        name: ruleName,
                        kind: .controlTotal(
                            object: try implementation.required("object").string(), field: try implementation.required("field").string(),
                            sumOf: try implementation.required("sumOf").string(), modulo: try implementation.required("modulo").int()),
                        code: try requireCode(.controlTotal)))
            case "sequence":
                fileRules.append(
                    FileRule(
                        name: ruleName,
                        kind: .sequence(object: try implementation.required("object").string(), field: try implementation.required("field").string()),
                        code: try requireCode(.sequence)))
            default:
                throw implementation.error(
                    "unknown rule kind '\(kind)' (known: notBefore, requireOneOf, requiredWith, recordCount, controlTotal, sequence)")
            }
        }
        return SchemaObject(
            name: name, physicalName: try node["physicalName"]?.string(), role: role, fields: fields, recordRules: recordRules, fileRules: fileRules)
    }

    static func loadField(_ node: YAMLNode, requireLegalBasis: Bool) throws -> FieldSpec {
        let name = try node.required("name").string()
        let custom = try CustomProperties(node["customProperties"])
        let logicalType = try node.required("logicalType").value(of: LogicalType.self)
        let options = node["logicalTypeOptions"]
        var pattern: TextPattern?
        if let patternNode = options?["pattern"] {
            let source = try patternNode.string()
            do {
                pattern = try TextPattern(source)
            } catch let error as PatternError {
                throw patternNode.error("pattern: \(error.reason)")
            }
        }
        let validValues = try PropertyQuality.validValues(of: node)
        guard let classificationNode = custom.node("classification") ?? node["classification"] else {
            throw node.error("property '\(name)' has no classification (identifier, personal or special-category)")
        }
        let classification = try classificationNode.value(of: Classification.self)
        guard let recipientsNode = custom.node("recipients") else { throw node.error("property '\(name)' names no recipients") }
        let recipients = Set(
            try recipientsNode.strings().map { text -> Role in
                guard let role = Role(rawValue: text) else {
                    throw recipientsNode.error("'\(text)' is not a role (\(Role.allCases.map(\.rawValue).joined(separator: ", ")))")
                }
                return role
            })
        let legalBasis = try custom.string("legalBasis")
        if requireLegalBasis && (legalBasis ?? "").isEmpty {
            throw node.error("property '\(name)' has no legalBasis: every field delivered for statistics needs its own")
        }
        let consentPurpose = try custom.string("consentPurpose")
        if classification == .specialCategory && consentPurpose == nil {
            throw node.error("property '\(name)' is special-category data but names no consentPurpose")
        }
        return FieldSpec(
            name: name, physicalName: try node["physicalName"]?.string() ?? name, logicalType: logicalType,
            isRequired: try node["required"]?.bool() ?? false, isUnique: try node["unique"]?.bool() ?? false,
            classification: classification, format: try custom.node("format").map { try $0.value(of: SemanticFormat.self) },
            isNotInFuture: try custom.node("notInFuture")?.bool() ?? false,
            minLength: try options?["minLength"]?.int(), maxLength: try options?["maxLength"]?.int(), pattern: pattern,
            minimum: try options?["minimum"]?.int(), maximum: try options?["maximum"]?.int(), validValues: validValues,
            recipients: recipients, consentPurpose: consentPurpose, legalBasis: legalBasis,
            retention: try custom.string("retention"), description: try node["description"]?.string() ?? "")
    }

    static func checkFileRules(_ objects: [SchemaObject], _ schema: YAMLNode) throws {
        let item = objects.first { $0.role == .item }!
        for rule in objects.flatMap(\.fileRules) {
            let (objectName, fieldName, sumOf): (String, String, String?) =
                switch rule.kind {
                case .recordCount(let o, let f), .sequence(let o, let f): (o, f, nil)
                case .controlTotal(let o, let f, let s, _): (o, f, s)
                }
            guard let object = objects.first(where: { $0.name == objectName }), object.field(fieldName) != nil else {
                throw schema.error("file rule '\(rule.name)' refers to \(objectName).\(fieldName), which does not exist")
            }
            if let sumOf, item.field(sumOf) == nil { throw schema.error("file rule '\(rule.name)' sums '\(sumOf)', not a property of \(item.name)") }
        }
    }
}

/// The ODCS `customProperties` list (`[{property, value}]`) as a lookup.
struct CustomProperties {
    let entries: [String: YAMLNode]

    init(_ node: YAMLNode?) throws {
        var entries: [String: YAMLNode] = [:]
        for item in try node?.items() ?? [] {
            let key = try item.required("property").string()
            if let value = item["value"] { entries[key] = value }
        }
        self.entries = entries
    }

    func node(_ key: String) -> YAMLNode? { entries[key] }
    func string(_ key: String) throws -> String? { try entries[key]?.string() }
    func required(_ key: String, in owner: YAMLNode) throws -> String {
        guard let value = try string(key), !value.isEmpty else { throw owner.error("customProperty '\(key)' is missing") }
        return value
    }
}
