import Contracts
import Foundation
import KetenpoortCore

/// Which way an adapter translates.
public enum AdapterDirection: String, Sendable, CaseIterable {
    /// Partner format → canonical records.
    case inbound
    /// Canonical records → partner format.
    case outbound
}

/// One field of a mapping: where the partner keeps it, how its value is transformed.
/// A class (immutable) so the per-record loops do not copy it.
public final class FieldMapping: Sendable {
    /// The contract field (canonical name).
    public let field: String
    /// Inbound: the column / key / position range. Outbound: the XML path, column or JSON key.
    public let location: String
    /// Outbound: the field of the input record the value comes from (defaults to `field`).
    public let from: String
    /// Applied in order: inbound to the text read, outbound to the value written.
    public let transforms: [ValueTransform]
    /// How dates are written.
    public let dateLayout: DateLayout?

    init(field: String, location: String, from: String, transforms: [ValueTransform], dateLayout: DateLayout?) {
        self.field = field
        self.location = location
        self.from = from
        self.transforms = transforms
        self.dateLayout = dateLayout
    }
}

/// The fields of one contract object in a mapping (fixed width: one per record type).
public struct ObjectMapping: Sendable {
    /// The contract object these fields belong to.
    public let object: SchemaObject
    /// Fixed width: the record-type character that selects this object.
    public let recordType: String?
    /// The mapped fields, in mapping order (outbound: the order they are written in).
    public let fields: [FieldMapping]
}

/// A declarative adapter: `adapters/<partner>/<name>.yaml`. It names the codec and its options,
/// the contract, and the field mappings with their transforms. A new partner format is a new file.
public struct AdapterMapping: Sendable {
    /// The mapping's `id`, its key in `AdapterRegistry`.
    public let id: String
    /// The partner role that sends the files (inbound) or receives them (outbound).
    public let partner: Role
    /// Which way the adapter translates.
    public let direction: AdapterDirection
    /// The contract the mapping is for.
    public let contract: DataContract
    /// The codec's name in `CodecCatalog` (`csv`, `fixed-width`, `jsonl`, `xml`, `json`).
    public let codec: String
    /// The `codecOptions` node, read by the codec; nil when there is none.
    public let options: YAMLNode?
    /// The partner's file-name rule, e.g. `tvs-export-{yyyymmdd}.csv`.
    public let fileName: FileNameTemplate?
    /// One mapping per contract object the adapter reads or writes; at least one.
    public let objects: [ObjectMapping]
    /// The file the mapping was loaded from.
    public let source: String

    /// The mapping of the records the adapter reads or writes: the contract's items, or the object
    /// named by `object:` (e.g. the IND's answer).
    public var item: ObjectMapping { objects.first { $0.object.role == .item } ?? objects[0] }

    /// Loads a mapping file; errors name the file and line.
    public static func load(contentsOf url: URL, contracts: ContractRegistry) throws -> AdapterMapping {
        try load(try YAMLNode.load(contentsOf: url), contracts: contracts)
    }

    static func load(_ root: YAMLNode, contracts: ContractRegistry) throws -> AdapterMapping {
        let contractNode = try root.required("contract")
        let contract: DataContract
        do {
            contract = try contracts.contract(try contractNode.string())
        } catch let error as KetenpoortError {
            throw contractNode.error(error.reason, code: .adapterInvalid)
        }
        let direction = try root.required("direction").value(of: AdapterDirection.self)
        let partner = try root.required("partner").value(of: Role.self)
        var objects: [ObjectMapping] = []
        if let fields = root["fields"] {
            var object = contract.item
            if let objectNode = root["object"] {
                guard let named = contract.object(named: try objectNode.string()) else {
                    throw objectNode.error("contract \(contract.id) has no object '\(try objectNode.string())'", code: .adapterInvalid)
                }
                object = named
            }
            objects.append(try loadObject(fields, object: object, recordType: nil, direction: direction, partner: partner))
        }
        if let objectsNode = root["objects"] {
            for (name, node) in try objectsNode.entries() {
                guard let object = contract.object(named: name) else {
                    throw node.error("contract \(contract.id) has no object '\(name)'", code: .adapterInvalid)
                }
                objects.append(
                    try loadObject(
                        try node.required("fields"), object: object, recordType: try node["recordType"]?.string(), direction: direction,
                        partner: partner))
            }
        }
        guard !objects.isEmpty else {
            throw root.error("the mapping has no fields for the contract's items", code: .adapterInvalid)
        }
        let fileName = try root["fileName"].map { node in
            do { return try FileNameTemplate(try node.string()) } catch let error as KetenpoortError {
                throw node.error(error.reason, code: error.code)
            }
        }
        return AdapterMapping(
            id: try root.required("id").string(), partner: partner, direction: direction, contract: contract,
            codec: try root.required("codec").string(), options: root["codecOptions"], fileName: fileName, objects: objects, source: root.file)
    }

    static func loadObject(_ node: YAMLNode, object: SchemaObject, recordType: String?, direction: AdapterDirection, partner: Role) throws
        -> ObjectMapping
    {
        var fields: [FieldMapping] = []
        for entry in try node.items() {
            let fieldNode = try entry.required("field")
            let name = try fieldNode.string()
            guard let spec = object.field(name) else {
                throw fieldNode.error("'\(name)' is not a field of contract object \(object.name)", code: .adapterInvalid)
            }
            // Minimisation at load time: an outbound field the contract does not allow for the
            // partner can never reach its file.
            if direction == .outbound && !spec.mayReach(partner) {
                throw fieldNode.error("the contract does not allow '\(name)' to reach \(partner)", code: .adapterInvalid)
            }
            let location = try entry["source"]?.string() ?? entry["target"]?.string() ?? spec.physicalName
            let layout = try entry["format"].map { try $0.value(of: DateLayout.self) }
            let transforms = try (entry["transforms"]?.items() ?? []).map(ValueTransform.parse)
            fields.append(
                FieldMapping(field: name, location: location, from: try entry["from"]?.string() ?? name, transforms: transforms, dateLayout: layout))
        }
        return ObjectMapping(object: object, recordType: recordType, fields: fields)
    }
}
