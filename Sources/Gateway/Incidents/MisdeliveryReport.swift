import Adapters
import Contracts
import Foundation
import KetenpoortCore
import Store

/// A misdelivery an operator reports: a recipient says it received something not meant for it.
/// The affected subjects and the categories of data come from the batch itself — its records,
/// checked against the sealed record hashes and Merkle root — never from what the operator types.
public struct MisdeliveryReport: Sendable {
    /// The outbound mapping the batch was encoded with (its contract classifies each location).
    let mapping: AdapterMapping
    let pseudonym: SubjectPseudonym

    public init(mapping: AdapterMapping, pseudonym: SubjectPseudonym) {
        self.mapping = mapping
        self.pseudonym = pseudonym
    }

    /// Opens the incident for the misdelivery of outbox batch `batch` (the records at `indexes`,
    /// all when empty): the batch is read back with the outbound mapping of its contract, in the
    /// transaction that records the incident. Throws `incident.unknown` for a batch not in the
    /// outbox, `incident.refused` when no mapping can read it back.
    public static func open(
        batch: BatchID, indexes: [Int], adapters: AdapterRegistry, store: any Store, register: IncidentRegister, pseudonym: SubjectPseudonym,
        at moment: Date
    ) throws -> IncidentRecord {
        try store.write { tx in
            guard let found = try tx.batch(id: batch) else { throw KetenpoortError(.incidentUnknown, "no batch '\(batch)' in the outbox") }
            guard let mapping = adapters.mappings.values.first(where: { $0.direction == .outbound && $0.contract.id == found.contract }) else {
                throw KetenpoortError(.incidentRefused, "no outbound mapping for contract \(found.contract): the batch cannot be read back")
            }
            let incident = try MisdeliveryReport(mapping: mapping, pseudonym: pseudonym).incident(
                batch: found, payload: try tx.payload(of: found.id), indexes: indexes, at: moment)
            try register.open(incident, in: tx)
            return incident
        }
    }

    /// The incident for `batch` (whose stored bytes are `payload`), limited to the records at
    /// `indexes` (all when empty).
    public func incident(batch: OutboxBatch, payload: Data, indexes: [Int], at: Date) throws -> IncidentRecord {
        guard batch.status == .delivered || batch.attempts > 0 else {
            throw KetenpoortError(
                .incidentRefused, "batch \(batch.id) is \(batch.status.rawValue) and was never sent: it cannot have been misdelivered")
        }
        guard let item = try mapping.options?["item"]?.string() else {
            throw KetenpoortError(.incidentRefused, "the \(mapping.id) mapping has no XML item element: its batches cannot be read back")
        }
        let records = try BatchRecordReader(item: item).records(of: batch, payload: payload)
        if let wrong = indexes.first(where: { !records.indices.contains($0) }) {
            throw KetenpoortError(.incidentRefused, "batch \(batch.id) has records 0 to \(records.count - 1), not \(wrong)")
        }
        let chosen = indexes.isEmpty ? Array(records.indices) : Array(Set(indexes)).sorted()
        var classification: [String: Classification] = [:]
        var locationOf: [String: String] = [:]
        for field in mapping.item.fields {
            locationOf[field.field] = field.location
            classification[field.location] = mapping.contract.item.field(field.field)?.classification
        }
        var subjects: [String] = []
        var categories = Set<DataCategory>()
        for index in chosen {
            let values = records[index].values
            for location in values.keys { if let found = classification[location] { categories.insert(DataCategory(found)) } }
            let person = PersonKey(vnummer: locationOf["vnummer"].flatMap { values[$0] }, bsn: locationOf["bsn"].flatMap { values[$0] })
            if let person { subjects.append(pseudonym.of(person)) }
        }
        let scope = indexes.isEmpty ? "all \(records.count) record(s)" : "\(chosen.count) of its \(records.count) record(s)"
        return IncidentRecord(
            id: "misdelivery-\(batch.id)", kind: .misdelivery, detectedAt: at, recipient: batch.recipient, batch: batch.id,
            subjects: IncidentRegister.unique(subjects), categories: categories.sorted(), leftGateway: true, recordCount: chosen.count,
            details: "\(batch.recipient) reported receiving \(scope) of batch \(batch.id) not meant for it"
                + (indexes.isEmpty || chosen.count > 20 ? "" : "; records \(chosen.map(String.init).joined(separator: ","))"))
    }
}

extension DataCategory {
    /// The incident category of a contract classification.
    public init(_ classification: Classification) {
        switch classification {
        case .identifier: self = .identifier
        case .personal: self = .personal
        case .specialCategory: self = .specialCategory
        }
    }
}
