import Foundation
import KetenpoortCore

/// The consent register (versions only appended), its decision log (append-only) and the advices
/// held until consent allows them out.
public protocol ConsentTransaction {
    /// Appends `version`; an existing (id, version) is an error.
    func appendConsentVersion(_ version: ConsentVersion) throws
    /// Every version of consent `id`, oldest first.
    func consentVersions(id: String) throws -> [ConsentVersion]
    /// Every version of the consents any version of which is about `bsn`, oldest first.
    func consentVersions(bsn: String) throws -> [ConsentVersion]
    /// Every version of the consents any version of which is for `purpose`, oldest first.
    func consentVersions(purpose: String) throws -> [ConsentVersion]
    /// Appends a decision to the log and returns its position.
    @discardableResult
    func appendDecision(_ decision: ConsentDecision) throws -> Int
    /// Appends `decisions` to the log, in order (a client–server engine in one statement: a night
    /// records one per person with health data).
    func appendDecisions(_ decisions: [ConsentDecision]) throws
    /// The decisions about `reference` (all when nil), in log order.
    func decisions(reference: String?) throws -> [ConsentDecision]
    /// The decisions about one subject (a pseudonym), oldest first (a scan of the log).
    func decisions(subject: String) throws -> [ConsentDecision]
    /// Stores a newly received advice as held; an existing id is an error.
    func holdAdvice(_ advice: HeldAdvice) throws
    /// The advice `id` in whatever status, if the gateway has it.
    func advice(id: String) throws -> HeldAdvice?
    /// The advices with `status`, oldest first.
    func advices(status: AdviceStatus) throws -> [HeldAdvice]
    /// Marks advice `id` sealed into `batch` and drops its content (the batch holds it now).
    func markAdviceSealed(id: String, batch: BatchID) throws
    /// Deletes the advices still held (never released) that were received before `cutoff`, zeroed in
    /// the file; returns their ids.
    func deleteHeldAdvices(receivedBefore cutoff: Date) throws -> [String]
    /// Marks sealed advice `id` recalled.
    func markAdviceRecalled(id: String) throws
    /// Holds a recalled advice again, received anew: its subject and content as `advice` has them.
    func holdAgain(_ advice: HeldAdvice) throws
}

extension ConsentTransaction {
    /// One at a time (engines where a statement costs no round trip).
    public func appendDecisions(_ decisions: [ConsentDecision]) throws {
        for decision in decisions { try appendDecision(decision) }
    }
}
