import Adapters
import Gateway
import KetenpoortCore

/// What one re-evaluation of the held advices did: advice ids only, never their content.
public struct AdviceRelease: Codable, Sendable, Equatable {
    /// Advices sealed for DUO now (their consent is valid at this moment).
    public var released: [String] = []
    /// Batches the released advices were sealed into.
    public var batches: [BatchID] = []
    /// Advices still held: no valid consent (or no single DUO party to send to).
    public var held: [String] = []
    /// Why nothing could be released at all, when that was the case.
    public var notReleasable: String?
    /// Advices sealed before but not delivered yet whose consent has ended: their batches were
    /// recalled (never sent).
    public var recalled: [String] = []

    public init() {}
}

/// What `ingest argonaut` did; every line is accounted for:
/// `validation.items == received + alreadyKnown + validation.quarantined` (or all rejected).
public struct AdviceIngestReport: Codable, Sendable {
    public var run: RunID
    public var validation: ValidationReport
    /// Advices newly taken in (held until their consent allows them to go).
    public var received: [String] = []
    /// Advices whose id the gateway already had (not taken again).
    public var alreadyKnown: [String] = []
    /// The re-evaluation that followed: released and still held.
    public var release = AdviceRelease()

    public init(run: RunID, validation: ValidationReport) {
        self.run = run
        self.validation = validation
    }

    /// Whether the counts add up to the lines read.
    public var isBalanced: Bool {
        validation.isRejected || validation.items == received.count + alreadyKnown.count + validation.quarantined
    }
}
