import Foundation
import KetenpoortCore

/// The status store: each person's integration status as of the last applied DUO extract, read by
/// the IND's real-time answers and written only by the DUO ingest. It lives apart from the rest of
/// the store (the SQLite engine gives it a file of its own), so an answer's read never waits on the
/// locks of a night's sync, a CBS delivery or the audit chain.
public protocol DuoStatusStore: Sendable {
    /// Runs `body` on a consistent read-only view (one extract, whole).
    @available(*, noasync, message: "blocks the calling thread: from async code, use the async read")
    func read<T>(_ body: (any DuoStatusReading) throws -> T) throws -> T
    /// Runs `body` on a consistent read-only view, on a thread of the engine's.
    func read<T: Sendable>(_ body: @escaping @Sendable (any DuoStatusReading) throws -> T) async throws -> T
    /// What an IND answer reads: the last applied extract and the status of each of `bsns` (nine
    /// digits; nil when DUO does not know the person), from one consistent view.
    func answerRead(bsns: [String]) async throws -> DuoStatusAnswerRead
    /// Runs `body` in one transaction: readers see the previous extract until it commits.
    @available(*, noasync, message: "blocks the calling thread: the DUO ingest runs as batch work")
    func write<T>(_ body: (any DuoStatusWriting) throws -> T) throws -> T
}

/// The read side: the IND API, subject access, the CBS delivery and the indicators.
public protocol DuoStatusReading {
    /// The last applied extract, nil before the first.
    func lastDuoExtract() throws -> DuoExtractMark?
    /// The status of `bsn` (nine digits) as of the last applied extract; nil when DUO does not know the person.
    func duoStatus(bsn: String) throws -> DuoStatus?
    /// Calls `body` for every status, in BSN order (streaming: memory independent of the count).
    func forEachDuoStatus(_ body: (DuoStatus) throws -> Void) throws
    /// The number of persons in the status store.
    func duoStatusCount() throws -> Int
    /// The applied extract whose file had this SHA-256 (hex), if any.
    func duoExtract(sha256: String) throws -> DuoExtractMark?
    /// The ingest report (JSON) kept with the applied extract `sequence`, for the store's record of it.
    func duoExtractReport(sequence: Int) throws -> String?
}

/// The write side (the DUO ingest). An extract is the full national state, applied in one transaction:
/// ```swift
/// try tx.beginDuoExtract()
/// _ = try tx.putDuoStatuses(clean)                             // in groups of a few thousand
/// for bsn in quarantined { _ = try tx.keepDuoStatus(bsn: bsn) }   // keeps the previous status
/// let removed = try tx.removeDuoStatusNotInExtract()                // absent from the file
/// try tx.recordDuoExtract(mark, report: json)
/// ```
public protocol DuoStatusWriting: DuoStatusReading {
    /// Starts applying an extract in this transaction: from now on every put or kept person counts
    /// as present in it.
    func beginDuoExtract() throws
    /// Inserts or replaces each status, in order (a later status of the same BSN wins); every person
    /// counts as present in the extract. Returns what it did. The ingest puts a few thousand at a
    /// time: a client–server engine writes them in one statement.
    func putDuoStatuses(_ statuses: [DuoStatus]) throws -> DuoStatusChanges
    /// Keeps the status of `bsn` as it is (a quarantined record); returns whether the store had one.
    func keepDuoStatus(bsn: String) throws -> Bool
    /// Removes every person neither put nor kept since `beginDuoExtract()`; returns how many.
    func removeDuoStatusNotInExtract() throws -> Int
    /// Records `mark` as the last applied extract (the new sequence baseline), with the ingest's report.
    func recordDuoExtract(_ mark: DuoExtractMark, report: String) throws
}

/// The extract and statuses an IND answer is given from.
public struct DuoStatusAnswerRead: Sendable {
    /// The last applied extract; nil before the first.
    public let extract: DuoExtractMark?
    /// The status of each BSN asked, in the order asked.
    public let statuses: [DuoStatus?]

    public init(extract: DuoExtractMark?, statuses: [DuoStatus?]) {
        self.extract = extract
        self.statuses = statuses
    }
}

extension DuoStatusStore {
    /// Reads in one read-only view (engines where that costs nothing extra).
    public func answerRead(bsns: [String]) async throws -> DuoStatusAnswerRead {
        try await read { tx in try tx.answerRead(bsns: bsns) }
    }
}

extension DuoStatusReading {
    /// What an IND answer reads, from this view: the last applied extract and each asked status.
    public func answerRead(bsns: [String]) throws -> DuoStatusAnswerRead {
        DuoStatusAnswerRead(extract: try lastDuoExtract(), statuses: try bsns.map { try duoStatus(bsn: $0) })
    }
}

extension DuoStatusWriting {
    /// Inserts or replaces the status of one person (see `putDuoStatuses`).
    public func putDuoStatus(_ status: DuoStatus) throws -> DuoStatusChange {
        let changes = try putDuoStatuses([status])
        return changes.inserted > 0 ? .inserted : changes.changed > 0 ? .changed : .unchanged
    }
}
