import Foundation

/// One version of a consent as the feed (formats.md §7) delivered it. Versions are only ever
/// appended: a later line with the same `toestemmingId` is the next version, received later.
public struct ConsentVersion: Sendable, Equatable {
    /// The feed's `toestemmingId`.
    public let id: String
    /// 1 for the first line with this id, then counting up.
    public let version: Int
    /// The subject's BSN: the one place the gateway keeps it, to match flows against consents.
    public let bsn: String
    /// `medisch-advies` or `gezondheid-gemeente`.
    public let purpose: String
    /// `DUO` or a municipality code (`GM0363`), upper case.
    public let recipient: String
    /// When the consent was given.
    public let givenAt: Date
    /// When it expires; nil when it does not.
    public let validUntil: Date?
    /// When it was withdrawn; nil when it was not.
    public let withdrawnAt: Date?
    /// `digitaal` or `papier`, when given.
    public let channel: String?
    /// When the gateway received this version (the "as known at" axis of the register).
    public let receivedAt: Date

    /// Memberwise.
    public init(
        id: String, version: Int, bsn: String, purpose: String, recipient: String, givenAt: Date, validUntil: Date?, withdrawnAt: Date?,
        channel: String?, receivedAt: Date
    ) {
        self.id = id
        self.version = version
        self.bsn = bsn
        self.purpose = purpose
        self.recipient = recipient
        self.givenAt = givenAt
        self.validUntil = validUntil
        self.withdrawnAt = withdrawnAt
        self.channel = channel
        self.receivedAt = receivedAt
    }

    /// formats.md §7: given at or before `moment`, not withdrawn at `moment`, not expired at `moment`.
    public func isValid(at moment: Date) -> Bool {
        givenAt <= moment && (withdrawnAt.map { $0 > moment } ?? true) && (validUntil.map { $0 > moment } ?? true)
    }

    /// Whether this version says the same as `other` (apart from its number and arrival).
    public func hasSameTerms(as other: ConsentVersion) -> Bool {
        id == other.id && bsn == other.bsn && purpose == other.purpose && recipient == other.recipient && givenAt == other.givenAt
            && validUntil == other.validUntil && withdrawnAt == other.withdrawnAt && channel == other.channel
    }

    /// `T-88#2`: which consent record a decision rests on.
    public var reference: String { "\(id)#\(version)" }
}

/// One entry of the consent decision log (in the spirit of the Authorization Decision Log
/// standard): who (as a keyed pseudonym) may or may not have which data go to whom, for what
/// purpose, on which consent record, when. Written before the data moves; never changed.
public struct ConsentDecision: Sendable, Equatable {
    /// Position in the log (assigned by the store; 0 before it is written).
    public let seq: Int
    /// When the decision was made.
    public let at: Date
    /// Whether the data may go.
    public let isAllowed: Bool
    /// The subject as a keyed pseudonym (never the BSN).
    public let subject: String
    /// The consent purpose asked for (`medisch-advies`, `gezondheid-gemeente`).
    public let purpose: String
    /// `DUO` or a municipality code.
    public let recipient: String
    /// The consent version the decision rests on (`T-88#2`); nil when none was valid.
    public let consent: String?
    /// The flow that asked (`coa-gemeenten`, `argonaut-advies`).
    public let flow: String
    /// What the decision was about: a run id, an advice id. Never personal data.
    public let reference: String

    /// Memberwise; `seq` stays 0 until the store assigns it (`appendDecision`).
    public init(
        seq: Int = 0, at: Date, isAllowed: Bool, subject: String, purpose: String, recipient: String, consent: String?, flow: String,
        reference: String
    ) {
        self.seq = seq
        self.at = at
        self.isAllowed = isAllowed
        self.subject = subject
        self.purpose = purpose
        self.recipient = recipient
        self.consent = consent
        self.flow = flow
        self.reference = reference
    }
}

/// Where a medical advice is in the gateway.
public enum AdviceStatus: String, Sendable, CaseIterable {
    /// Waiting for a valid consent; never delivered while held.
    case held
    /// Sealed into a batch for DUO (its text is then kept only in that batch).
    case sealed
    /// Its batch was recalled before delivery (the consent ended): nothing of it is kept; Argonaut
    /// may send it again under the same id.
    case recalled
}

/// A medical advice (formats.md §6) the gateway holds until its consent allows it to go to DUO.
public struct HeldAdvice: Sendable, Equatable {
    /// Argonaut's `adviesId`.
    public let id: String
    /// The subject's BSN, to match consents.
    public let bsn: String
    /// The advice's canonical field texts as a JSON object; empty once sealed.
    public let content: Data
    /// When the gateway received it.
    public let receivedAt: Date
    /// Where the advice is in the gateway.
    public let status: AdviceStatus
    /// The batch it was sealed into.
    public let batch: BatchID?

    /// Memberwise; a newly received advice is `held`, in no batch.
    public init(id: String, bsn: String, content: Data, receivedAt: Date, status: AdviceStatus = .held, batch: BatchID? = nil) {
        self.id = id
        self.bsn = bsn
        self.content = content
        self.receivedAt = receivedAt
        self.status = status
        self.batch = batch
    }
}
