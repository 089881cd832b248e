import Foundation
import KetenpoortCore

/// The processing log (*Logboek dataverwerkingen*), append-only, behind its own protocol: the IND's
/// real-time answers commit to it before they leave (fail closed), so it must never wait for the
/// batch work that changes the rest of the store. The SQLite engine keeps it in a file of its own
/// (its own write lock); a server engine keeps it in a table that batch transactions do not lock.
public protocol ProcessingLog: Sendable {
    /// Appends `entries` in one durable commit: all of them, or none (then it throws).
    /// Blocking (a commit and its fsync): the API's answers append through a grouped writer that
    /// runs it on a thread of its own.
    @available(*, noasync, message: "blocks the calling thread on a commit: append through a grouped writer")
    func append(_ entries: [ProcessingLogEntry]) throws
    /// Every processing of `subject` (a pseudonym), oldest first (a scan of the whole log).
    @available(*, noasync, message: "blocks the calling thread on a scan of the log")
    func processings(subject: String) throws -> [ProcessingLogEntry]
    /// Every processing of `subject`, read on a thread of the engine's.
    func processings(subject: String) async throws -> [ProcessingLogEntry]
    /// Throws when an entry could not be committed now — checked without writing one (the
    /// readiness probe): SQLite takes the log file's write lock and lets go; PostgreSQL asks whether
    /// the gateway role may insert and the server takes writes.
    @available(*, noasync, message: "blocks the calling thread: run it on a thread of its own")
    func checkWritable() throws
}
