import Contracts
import Foundation
import KetenpoortCore

/// The codecs adapters can name. Only a genuinely new syntax needs a new entry here; a new partner
/// format is a new mapping file.
public enum CodecCatalog {
    /// Inbound codec factories by the `codec` name a mapping gives: `csv`, `fixed-width`, `jsonl`.
    public static let inbound: [String: @Sendable (AdapterMapping) throws -> any InboundDecoder] = [
        "csv": { try CSVDecoder(mapping: $0) },
        "fixed-width": { try FixedWidthDecoder(mapping: $0) },
        "jsonl": { try JSONLinesDecoder(mapping: $0) },
    ]
    /// Outbound codec factories by the `codec` name a mapping gives: `xml`, `csv`, `json`.
    public static let outbound: [String: @Sendable (AdapterMapping) throws -> any OutboundEncoder] = [
        "xml": { try XMLEncoder(mapping: $0) },
        "csv": { try CSVEncoder(mapping: $0) },
        "json": { try JSONRecordEncoder(mapping: $0) },
    ]
}

/// A partner format read into canonical records.
public struct InboundAdapter: Sendable {
    /// The mapping the adapter was made from.
    public let mapping: AdapterMapping
    /// The codec the mapping names, built with its options.
    public let decoder: any InboundDecoder

    /// Builds the codec of an inbound mapping; throws `adapterInvalid` when the mapping is outbound or names an
    /// unknown codec, and the codec's error when it refuses its options.
    public init(mapping: AdapterMapping) throws {
        guard mapping.direction == .inbound, let make = CodecCatalog.inbound[mapping.codec] else {
            throw KetenpoortError(
                .adapterInvalid,
                "\(mapping.source): no inbound codec '\(mapping.codec)' (known: \(CodecCatalog.inbound.keys.sorted().joined(separator: ", ")))")
        }
        self.mapping = mapping
        self.decoder = try make(mapping)
    }
}

/// Canonical records written in a partner format, limited to the fields its contract allows.
///
/// A class: it is called once per record in a night's staging and sealing, and copying a struct of
/// its parts (mapping, codec, renderer) retained each of them at every call.
public final class OutboundAdapter: Sendable {
    /// The mapping the adapter was made from.
    public let mapping: AdapterMapping
    /// The codec the mapping names, built with its options.
    public let encoder: any OutboundEncoder
    let renderer: FieldRenderer

    /// Builds the codec of an outbound mapping; throws `adapterInvalid` when the mapping is inbound or names an
    /// unknown codec, and the codec's error when it refuses its options. `secrets` keys the `pseudonym`
    /// transforms: a secret that is missing fails at the first value that needs it, not here.
    public init(mapping: AdapterMapping, secrets: TransformSecrets = TransformSecrets()) throws {
        guard mapping.direction == .outbound, let make = CodecCatalog.outbound[mapping.codec] else {
            throw KetenpoortError(
                .adapterInvalid,
                "\(mapping.source): no outbound codec '\(mapping.codec)' (known: \(CodecCatalog.outbound.keys.sorted().joined(separator: ", ")))")
        }
        self.mapping = mapping
        self.encoder = try make(mapping)
        self.renderer = FieldRenderer(
            fields: mapping.item.fields, specs: mapping.item.fields.map { mapping.item.object.field($0.field)! }, recipient: mapping.partner,
            secrets: secrets)
    }

    /// The recipient role of this format.
    public var recipient: Role { mapping.partner }

    /// The default policy: the contract allows the field for this recipient and it needs no consent.
    /// Flows that hold a consent register pass their own predicate.
    public func withoutConsent(_ field: FieldSpec) -> Bool {
        field.consentPurpose == nil
    }

    /// Appends the bytes before the first record (XML declaration and root, CSV header line, JSON `[`).
    public func begin(context: [String: String], into output: inout [UInt8]) {
        encoder.begin(context: context, into: &output)
    }

    /// Appends `record`; only fields the contract allows for the recipient and for which `include`
    /// holds are written.
    public func encode(_ record: some FieldLookup, include: (FieldSpec) -> Bool, into output: inout [UInt8]) throws {
        encoder.encode(values: try renderer.render(record, include: include), into: &output)
    }

    /// Appends `record`, with `context` supplying fields its object does not have (e.g. `soort`).
    /// A field that needs consent is written only when its purpose is in `consented` — the purposes
    /// for which this subject's consent for this recipient is valid now (none by default).
    public func encode(_ record: Record, context: [String: FieldValue], consented: Set<String> = [], into output: inout [UInt8]) throws {
        encoder.encode(record: try renderer.texts(record, context: context, consented: consented), into: &output)
    }

    /// Appends the bytes after the last record.
    public func end(context: [String: String], into output: inout [UInt8]) {
        encoder.end(context: context, into: &output)
    }

    /// A writer of many records of `object` in this format, with `context` supplying the fields
    /// the object lacks (e.g. `soort`), without consents.
    public func recordWriter(for object: SchemaObject, context: [String: FieldValue]) -> RecordWriter {
        RecordWriter(adapter: self, object: object, context: context)
    }

    /// The values of `record` exactly as `encode(_:context:consented:into:)` writes them (policy and
    /// transforms applied), so a flow can check them against the contract before writing them.
    public func texts(_ record: Record, context: [String: FieldValue] = [:], consented: Set<String> = []) throws -> RecordTexts {
        try renderer.texts(record, context: context, consented: consented)
    }

    /// Appends values made by `texts(_:context:consented:)`.
    public func encode(_ texts: RecordTexts, into output: inout [UInt8]) {
        encoder.encode(record: texts, into: &output)
    }
}

/// Every adapter under `adapters/`, by id.
public struct AdapterRegistry: Sendable {
    /// Every mapping, by its `id`.
    public let mappings: [String: AdapterMapping]

    /// Loads `adapters/*/*.yaml` (README and sample files are skipped).
    public static func load(directory: URL, contracts: ContractRegistry) throws -> AdapterRegistry {
        var mappings: [String: AdapterMapping] = [:]
        var problems: [String] = []
        let partners = (try? FileManager.default.contentsOfDirectory(at: directory, includingPropertiesForKeys: nil)) ?? []
        for folder in partners.sorted(by: { $0.path < $1.path }) {
            let files = (try? FileManager.default.contentsOfDirectory(at: folder, includingPropertiesForKeys: nil)) ?? []
            for file in files.sorted(by: { $0.path < $1.path }) where file.pathExtension == "yaml" {
                do {
                    let mapping = try AdapterMapping.load(contentsOf: file, contracts: contracts)
                    // Build the codec now so a bad option fails at start, not at the first file.
                    if mapping.direction == .inbound { _ = try InboundAdapter(mapping: mapping) } else { _ = try OutboundAdapter(mapping: mapping) }
                    mappings[mapping.id] = mapping
                } catch let error as KetenpoortError {
                    problems.append(error.reason)
                }
            }
        }
        guard problems.isEmpty else { throw KetenpoortError(.adapterInvalid, problems.joined(separator: "\n")) }
        return AdapterRegistry(mappings: mappings)
    }

    /// A registry of mappings already loaded, keyed by id.
    public init(mappings: [String: AdapterMapping]) { self.mappings = mappings }

    /// The mapping `id`; throws `adapterUnknown`, listing the known ids, otherwise.
    public func mapping(_ id: String) throws -> AdapterMapping {
        guard let mapping = mappings[id] else {
            throw KetenpoortError(.adapterUnknown, "no adapter '\(id)' (known: \(mappings.keys.sorted().joined(separator: ", ")))")
        }
        return mapping
    }

    /// The inbound adapter for a contract.
    public func inbound(contract: String) throws -> InboundAdapter {
        guard let mapping = mappings.values.first(where: { $0.direction == .inbound && $0.contract.id == contract }) else {
            throw KetenpoortError(.adapterUnknown, "no inbound adapter for contract '\(contract)'")
        }
        return try InboundAdapter(mapping: mapping)
    }

    /// The outbound adapter of a partner role.
    public func outbound(partner: Role, secrets: TransformSecrets = TransformSecrets()) throws -> OutboundAdapter {
        guard let mapping = mappings.values.first(where: { $0.direction == .outbound && $0.partner == partner }) else {
            throw KetenpoortError(.adapterUnknown, "no outbound adapter for \(partner)")
        }
        return try OutboundAdapter(mapping: mapping, secrets: secrets)
    }
}
