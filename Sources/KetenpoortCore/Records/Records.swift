import Foundation

/// The last accepted snapshot of a source: its date, and the run that accepted it.
public struct SnapshotMark: Sendable, Equatable {
    /// The source, lower case (`coa`).
    public let source: String
    /// The snapshot's date.
    public let date: CalendarDate
    /// The run that accepted it.
    public let run: RunID
    /// When it was accepted.
    public let acceptedAt: Date
    /// The number of items the snapshot held.
    public let items: Int

    /// Memberwise.
    public init(source: String, date: CalendarDate, run: RunID, acceptedAt: Date, items: Int) {
        self.source = source
        self.date = date
        self.run = run
        self.acceptedAt = acceptedAt
        self.items = items
    }
}

/// How the gateway recognises a person across snapshots: the V-number when there is one, else
/// the BSN. Its description never shows the number.
public struct PersonKey: Hashable, Sendable, CustomStringConvertible {
    /// `v:<V-number>` or `b:<BSN>`.
    public let value: String
    /// The key whose `value` this is, e.g. as read back from the store.
    public init(value: String) { self.value = value }

    /// `v:<V-number>` or `b:<BSN>`; nil when neither is known.
    public init?(vnummer: String?, bsn: String?) {
        if let vnummer, !vnummer.isEmpty {
            value = "v:" + vnummer
        } else if let bsn, !bsn.isEmpty {
            value = "b:" + bsn
        } else {
            return nil
        }
    }

    /// `PersonKey(redacted)`: never the number, so a key in a log message reveals nothing.
    public var description: String { "PersonKey(redacted)" }
}

/// What one municipality has been sent about one person.
public struct SentState: Sendable, Equatable {
    /// The municipality's code (`GM0363`).
    public let gemeente: String
    /// The person the state is about.
    public let person: PersonKey
    /// The BSN, when known, kept to address a later withdrawal.
    public let bsn: String?
    /// The V-number, when known, kept for the same reason.
    public let vnummer: String?
    /// SHA-256 (hex) of what the municipality holds, to send only changes.
    public let contentHash: String
    /// Whether the person had moved into a home there (then leaving the snapshot sends nothing).
    public let isHoused: Bool
    /// The run that last saw the person linked here.
    public let lastRun: RunID

    /// Memberwise.
    public init(gemeente: String, person: PersonKey, bsn: String?, vnummer: String?, contentHash: String, isHoused: Bool, lastRun: RunID) {
        self.gemeente = gemeente
        self.person = person
        self.bsn = bsn
        self.vnummer = vnummer
        self.contentHash = contentHash
        self.isHoused = isHoused
        self.lastRun = lastRun
    }
}

/// A nightly sync under way: begun, not yet finished. Its batches are applied in short steps; a
/// run found here after a crash is finished (redone against the sent state as it now is) under the
/// moment it began, so all its batches are sealed as of one moment.
public struct SyncRunMark: Sendable, Equatable {
    /// The sync run's id.
    public let run: RunID
    /// The job the sync runs for (`coa-gemeenten`).
    public let job: String
    /// When it began: the moment all its batches are sealed as of.
    public let startedAt: Date
    /// The run's report as computed when it began (JSON), so a resumed run reports the whole night.
    public let report: String?

    /// Memberwise.
    public init(run: RunID, job: String, startedAt: Date, report: String?) {
        self.run = run
        self.job = job
        self.startedAt = startedAt
        self.report = report
    }
}

/// Where a batch is in its life.
public enum BatchStatus: String, Sendable, CaseIterable {
    /// In the outbox, to be delivered.
    case pending
    /// Accepted by the recipient; its receipt is kept with the attempt.
    case delivered
    /// Retries exhausted or refused: waits for an operator.
    case deadLettered = "dead-lettered"
    /// Stopped by the routing guard: never sent.
    case blocked
    /// Taken back before it was sent, because the consent it was sealed under was withdrawn (or
    /// ended): never sent, and its payload deleted.
    case recalled
}

/// A sealed batch: what its seal asserts about exactly the bytes that are (or were) sent. The bytes
/// are stored apart, in parts of at most `payloadPartSize`, so no batch needs to be in memory whole.
public struct OutboxBatch: Sendable, Equatable {
    /// The largest part a payload is stored (and read, and sent) in.
    public static let payloadPartSize = 1 << 20

    /// Unique in the outbox.
    public let id: BatchID
    /// Registry id of the recipient party.
    public let recipient: String
    /// The recipient's OIN.
    public let recipientOIN: String
    /// The id of the data contract the batch was made under.
    public let contract: String
    /// The payload's media type, as sent in `Content-Type`.
    public let contentType: String
    /// When the batch was sealed.
    public let createdAt: Date
    /// The number of records in the payload.
    public let recordCount: Int
    /// Hex SHA-256 Merkle root over the record hashes.
    public let merkleRoot: String
    /// Hex SHA-256 of each record, in order (for inclusion proofs), for a batch sealed whole. A
    /// batch sealed as a stream (a CBS delivery) keeps none: its records are the payload's lines,
    /// and their hashes are computed again from it.
    public let recordHashes: [String]
    /// The payload's length; the bytes themselves are kept in parts (`payloadPart(batch:part:)`).
    public let payloadBytes: Int
    /// Detached JWS (compact serialisation) over the payload.
    public let signature: String
    /// Where the batch is in its life.
    public var status: BatchStatus
    /// Delivery attempts made so far (`requeue` counts them afresh).
    public var attempts: Int
    /// When the next attempt is due; nil for at once (only pending batches are attempted).
    public var nextAttemptAt: Date?
    /// The last attempt's error, without personal data; nil when it had none (or before the first).
    public var lastError: String?

    /// Memberwise; a new batch is `pending`, with no attempts, due at once.
    public init(
        id: BatchID, recipient: String, recipientOIN: String, contract: String, contentType: String, createdAt: Date, recordCount: Int,
        merkleRoot: String, recordHashes: [String], payloadBytes: Int, signature: String, status: BatchStatus = .pending, attempts: Int = 0,
        nextAttemptAt: Date? = nil, lastError: String? = nil
    ) {
        self.id = id
        self.recipient = recipient
        self.recipientOIN = recipientOIN
        self.contract = contract
        self.contentType = contentType
        self.createdAt = createdAt
        self.recordCount = recordCount
        self.merkleRoot = merkleRoot
        self.recordHashes = recordHashes
        self.payloadBytes = payloadBytes
        self.signature = signature
        self.status = status
        self.attempts = attempts
        self.nextAttemptAt = nextAttemptAt
        self.lastError = lastError
    }
}

/// When a batch is due, without its bytes.
public struct BatchDue: Sendable, Equatable {
    /// The batch's id.
    public let id: BatchID
    /// The party the batch is for.
    public let recipient: String
    /// When the batch is due; nil for at once.
    public let nextAttemptAt: Date?
    /// The payload's size in bytes (read without the payload).
    public let bytes: Int

    /// Memberwise.
    public init(id: BatchID, recipient: String, nextAttemptAt: Date?, bytes: Int = 0) {
        self.id = id
        self.recipient = recipient
        self.nextAttemptAt = nextAttemptAt
        self.bytes = bytes
    }
}

/// One try to deliver a batch.
public struct DeliveryAttempt: Sendable, Equatable {
    /// The id of the batch tried.
    public let batch: BatchID
    /// When the attempt started.
    public let at: Date
    /// HTTP status, when an answer came.
    public let httpStatus: Int?
    /// What went wrong, without personal data.
    public let error: String?
    /// The receipt body, when delivered.
    public let receipt: Data?

    /// Memberwise.
    public init(batch: BatchID, at: Date, httpStatus: Int?, error: String?, receipt: Data?) {
        self.batch = batch
        self.at = at
        self.httpStatus = httpStatus
        self.error = error
        self.receipt = receipt
    }
}

/// An item a run quarantined: where, which rule; never the value.
public struct QuarantineEntry: Sendable, Equatable {
    /// The run that quarantined the item.
    public let run: RunID
    /// The source, lower case (`coa`, `duo`, `consent`).
    public let source: String
    /// Where the item is in the input: `line 12` or `record 12`.
    public let position: String
    /// The canonical field the rule is about, when it is about one.
    public let field: String?
    /// The rule violated, e.g. `field.bsn`.
    public let rule: String
    /// Explains the rule; never holds the offending value.
    public let message: String

    /// Memberwise.
    public init(run: RunID, source: String, position: String, field: String?, rule: String, message: String) {
        self.run = run
        self.source = source
        self.position = position
        self.field = field
        self.rule = rule
        self.message = message
    }
}

/// One run of a job, with its report.
public struct RunRecord: Sendable, Equatable {
    /// The run's id.
    public let id: RunID
    /// The job that ran, e.g. `duo-ingest`.
    public let job: String
    /// When the run started.
    public let startedAt: Date
    /// When it finished.
    public let finishedAt: Date
    /// The run report as JSON (counts only, no personal data).
    public let report: String

    /// Memberwise.
    public init(id: RunID, job: String, startedAt: Date, finishedAt: Date, report: String) {
        self.id = id
        self.job = job
        self.startedAt = startedAt
        self.finishedAt = finishedAt
        self.report = report
    }
}

/// How many batches of one status wait for one recipient, and since when the oldest.
public struct OutboxDepth: Sendable, Equatable {
    public let recipient: String
    public let batches: Int
    public let oldestCreatedAt: Date

    public init(recipient: String, batches: Int, oldestCreatedAt: Date) {
        self.recipient = recipient
        self.batches = batches
        self.oldestCreatedAt = oldestCreatedAt
    }
}
