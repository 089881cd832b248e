import Foundation

/// One processing of one data subject's personal data, after the Dutch *Logboek
/// dataverwerkingen* standard: a span of a W3C trace, the processing activity, who asked and for
/// which purpose, the subject as a keyed pseudonym (never the BSN itself), the outcome and the time.
public struct ProcessingLogEntry: Sendable, Equatable {
    /// W3C trace id (32 hex), from the caller's `traceparent` or new.
    public let traceID: String
    /// This processing's span id (16 hex).
    public let spanID: String
    /// The caller's span id, when it sent a `traceparent`.
    public let parentSpanID: String?
    /// The processing activity, e.g. `ind-statusvraag`.
    public let activity: String
    /// The OIN of the party the data was processed for.
    public let callerOIN: String
    /// The legal purpose the caller gave (`doelbinding`).
    public let purpose: String
    /// The caller's case number.
    public let caseNumber: String?
    /// Keyed pseudonym of the data subject.
    public let subject: String
    /// What was answered, without the data itself (e.g. `bekend`, `onbekend`).
    public let outcome: String
    /// When the processing took place.
    public let at: Date

    /// Memberwise.
    public init(
        traceID: String, spanID: String, parentSpanID: String?, activity: String, callerOIN: String, purpose: String, caseNumber: String?,
        subject: String, outcome: String, at: Date
    ) {
        self.traceID = traceID
        self.spanID = spanID
        self.parentSpanID = parentSpanID
        self.activity = activity
        self.callerOIN = callerOIN
        self.purpose = purpose
        self.caseNumber = caseNumber
        self.subject = subject
        self.outcome = outcome
        self.at = at
    }
}
