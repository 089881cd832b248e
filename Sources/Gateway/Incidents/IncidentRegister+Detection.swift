import Foundation
import KetenpoortCore
import Store

extension IncidentRegister {
    /// Special-category data about to go to `recipient` without a valid consent of `subjects`, for
    /// `purpose`: blocked, so nothing left. One incident per `reference` (the batch or request id).
    @discardableResult
    public func consentBlocked(
        reference: String, recipient: String, batch: BatchID?, subjects: [PersonKey], purpose: String, pseudonym: SubjectPseudonym,
        in tx: any StoreTransaction
    ) throws -> IncidentRecord {
        let incident = IncidentRecord(
            id: "consent-\(reference)", kind: .consent, detectedAt: clock.now(), recipient: recipient, batch: batch,
            subjects: Self.unique(subjects.map(pseudonym.of)), categories: [.identifier, .personal, .specialCategory], leftGateway: false,
            recordCount: subjects.count,
            details:
                "\(subjects.count) record(s) with special-category data for \(recipient) lacked a valid consent for \(purpose); they were withheld")
        try open(incident, in: tx)
        return incident
    }

    /// A caller refused because its certificate or role does not allow `request`. Aggregated: one
    /// incident per caller OIN per clock hour, whose attempt count goes up with every refusal.
    @discardableResult
    public func unauthorisedAccess(
        caller: OIN, party: String?, request: String, categories: [DataCategory], in tx: any StoreTransaction
    ) throws -> IncidentState {
        let now = clock.now()
        let hour = Date(timeIntervalSince1970: (now.timeIntervalSince1970 / 3600).rounded(.down) * 3600)
        let id = "unauthorised-access-\(caller.value)-" + Self.hourStamp(hour)
        if try tx.incident(id: id) == nil {
            try open(
                IncidentRecord(
                    id: id, kind: .unauthorisedAccess, detectedAt: now, recipient: party ?? caller.value, batch: nil, subjects: [],
                    categories: categories, leftGateway: false, recordCount: 0,
                    details:
                        "caller \(party ?? "unregistered") (OIN \(caller.value)) was refused \(request): its certificate or role does not allow it"),
                in: tx)
        }
        _ = try tx.countAttempt(incident: id, at: now)
        return try state(id: id, in: tx)!
    }

    /// The endpoint of `batch`'s recipient answered with another party's certificate (`refusal`
    /// says which OIN): refused in the TLS handshake, so nothing left. One incident per batch; a
    /// re-sent batch refused again counts another attempt.
    @discardableResult
    public func recipientIdentityRefused(batch: OutboxBatch, refusal: String, in tx: any StoreTransaction) throws -> IncidentState {
        let id = "recipient-identity-\(batch.id)"
        let now = clock.now()
        if try tx.incident(id: id) == nil {
            try open(
                IncidentRecord(
                    id: id, kind: .recipientIdentity, detectedAt: now, recipient: batch.recipient, batch: batch.id, subjects: [],
                    categories: [.identifier, .personal], leftGateway: false, recordCount: batch.recordCount,
                    details: "batch \(batch.id) (\(batch.recordCount) record(s)) for \(batch.recipient) was not sent: \(refusal)"),
                in: tx)
        }
        _ = try tx.countAttempt(incident: id, at: now)
        return try state(id: id, in: tx)!
    }

    /// `2026102410Z`: the UTC hour (Amsterdam's hours start at the same instants).
    static func hourStamp(_ hour: Date) -> String {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = .gmt
        let parts = calendar.dateComponents([.year, .month, .day, .hour], from: hour)
        return String(format: "%04d%02d%02d%02dZ", parts.year!, parts.month!, parts.day!, parts.hour!)
    }

    static func unique(_ values: [String]) -> [String] {
        var seen = Set<String>()
        return values.filter { seen.insert($0).inserted }
    }
}
