import Foundation
import KetenpoortCore

/// The last accepted snapshot of a source: its date, and the run that accepted it.
public struct SnapshotMark: Sendable, Equatable {
    public let source: String
    public let date: CalendarDate
    public let run: String
    public let acceptedAt: Date
    public let items: Int

    public init(source: String, date: CalendarDate, run: String, acceptedAt: Date, items: Int) {
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
    public let value: String
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

    public var description: String { "PersonKey(redacted)" }
}

/// What one municipality has been sent about one person.
public struct SentState: Sendable, Equatable {
    public let gemeente: String
    public let person: PersonKey
    /// The identifiers, kept to address a later withdrawal.
    public let bsn: String?
    public let vnummer: String?
    /// SHA-256 (hex) of what the municipality holds, to send only changes.
    public let contentHash: String
    /// Whether the person had moved into a home there (then leaving the snapshot sends nothing).
    public let isHoused: Bool
    /// The run that last saw the person linked here.
    public let lastRun: String

    public init(gemeente: String, person: PersonKey, bsn: String?, vnummer: String?, contentHash: String, isHoused: Bool, lastRun: String) {
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
    public let run: String
    public let job: String
    public let startedAt: Date
    /// The run's report as computed when it began (JSON), so a resumed run reports the whole night.
    public let report: String?

    public init(run: String, job: String, startedAt: Date, report: String?) {
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

    public let id: String
    /// Registry id of the recipient party.
    public let recipient: String
    public let recipientOIN: String
    public let contract: String
    public let contentType: String
    public let createdAt: Date
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
    public var status: BatchStatus
    public var attempts: Int
    public var nextAttemptAt: Date?
    public var lastError: String?

    public init(
        id: String, recipient: String, recipientOIN: String, contract: String, contentType: String, createdAt: Date, recordCount: Int,
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
    public let id: String
    /// The party the batch is for.
    public let recipient: String
    public let nextAttemptAt: Date?
    /// The payload's size in bytes (read without the payload).
    public let bytes: Int

    public init(id: String, recipient: String, nextAttemptAt: Date?, bytes: Int = 0) {
        self.id = id
        self.recipient = recipient
        self.nextAttemptAt = nextAttemptAt
        self.bytes = bytes
    }
}

/// One try to deliver a batch.
public struct DeliveryAttempt: Sendable, Equatable {
    public let batch: String
    public let at: Date
    /// HTTP status, when an answer came.
    public let httpStatus: Int?
    /// What went wrong, without personal data.
    public let error: String?
    /// The receipt body, when delivered.
    public let receipt: Data?

    public init(batch: String, at: Date, httpStatus: Int?, error: String?, receipt: Data?) {
        self.batch = batch
        self.at = at
        self.httpStatus = httpStatus
        self.error = error
        self.receipt = receipt
    }
}

/// An item a run quarantined: where, which rule; never the value.
public struct QuarantineEntry: Sendable, Equatable {
    public let run: String
    public let source: String
    public let position: String
    public let field: String?
    public let rule: String
    public let message: String

    public init(run: String, source: String, position: String, field: String?, rule: String, message: String) {
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
    public let id: String
    public let job: String
    public let startedAt: Date
    public let finishedAt: Date
    /// The run report as JSON (counts only, no personal data).
    public let report: String

    public init(id: String, job: String, startedAt: Date, finishedAt: Date, report: String) {
        self.id = id
        self.job = job
        self.startedAt = startedAt
        self.finishedAt = finishedAt
        self.report = report
    }
}
