import Foundation
import KetenpoortCore

/// A status store that commits an answer's processing-log entries in the statement that reads its
/// statuses (PostgreSQL: read and log in one round trip, shared by the answers waiting beside it,
/// instead of a read and then a group commit of the log). The entries are committed before the read
/// returns; when they cannot be, the read throws and no answer may be given (fail closed).
public protocol LoggedAnswerReading: Sendable {
    /// Reads as `DuoStatusStore.answerRead(bsns:)` and, when an extract has been applied, commits
    /// `entries` — one per data subject, each with the BSN it is about — with their outcome set by
    /// what was read: `bekend` when the person is in the status store, else `onbekend`.
    func answerRead(bsns: [String], logging entries: [LoggedAnswerEntry]) async throws -> DuoStatusAnswerRead
}

/// A processing-log entry of an answer, before its outcome is known.
public struct LoggedAnswerEntry: Sendable {
    /// The person the entry is about (nine digits); never stored, only matched to the status read.
    public let bsn: String
    /// The entry; its `outcome` is replaced by the store.
    public let entry: ProcessingLogEntry

    public init(bsn: String, entry: ProcessingLogEntry) {
        self.bsn = bsn
        self.entry = entry
    }

    /// The outcome of an answer about a person the status store holds, and about one it does not.
    public static let known = "bekend"
    public static let unknown = "onbekend"
}
