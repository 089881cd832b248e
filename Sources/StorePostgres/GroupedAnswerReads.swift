import Foundation
import KetenpoortCore
import Store

/// The reads of the IND's answers, gathered: the questions that arrive while the real-time threads
/// are busy are read together, in one statement (`bsn = ANY(…)`), when a thread is free. Under load
/// each answer costs the database a fraction of a statement; alone, an answer is read at once. Each
/// statement sees one snapshot, so every answer in a group comes from one extract.
///
/// `@unchecked Sendable`: `waiting` and `isScheduled` are only touched while `lock` is held.
final class GroupedAnswerReads: @unchecked Sendable {
    private struct Waiting {
        let bsns: [String]
        let done: CheckedContinuation<DuoStatusAnswerRead, any Error>
    }

    private let engine: PostgresEngine
    private let lock = NSLock()
    private var waiting: [Waiting] = []
    /// Whether a read for the waiting questions is queued and not yet started.
    private var isScheduled = false

    init(engine: PostgresEngine) { self.engine = engine }

    func read(bsns: [String]) async throws -> DuoStatusAnswerRead {
        try await withCheckedThrowingContinuation { done in
            let schedule = lock.withLock {
                waiting.append(Waiting(bsns: bsns, done: done))
                defer { isScheduled = true }
                return !isScheduled
            }
            guard schedule else { return }
            engine.submitStatement { [self] connection in
                let group = lock.withLock {
                    isScheduled = false
                    defer { waiting = [] }
                    return waiting
                }
                let bsns = Array(Set(group.flatMap(\.bsns)))
                // A read is safe to send again: once more when the connection was lost on the way.
                let read = Result {
                    do { return try Self.read(bsns, on: connection) } catch {
                        guard try connection.reconnectIfLost() else { throw error }
                        return try Self.read(bsns, on: connection)
                    }
                }
                for question in group { question.done.resume(with: read.map { $0.answer(question.bsns) }) }
            }
        }
    }

    /// What one statement reads: the last extract and the statuses known.
    private struct GroupRead {
        let extract: DuoExtractMark?
        let statuses: [String: DuoStatus]

        func answer(_ bsns: [String]) -> DuoStatusAnswerRead {
            DuoStatusAnswerRead(extract: extract, statuses: bsns.map { statuses[$0] })
        }
    }

    private static func read(_ bsns: [String], on connection: PostgresConnection) throws -> GroupRead {
        let rows = try connection.query(PostgresDuoStatusTransaction.answerQuery, [PostgresArray.text(bsns)], prepare: true)
        var extract: DuoExtractMark?
        var statuses: [String: DuoStatus] = [:]
        for index in 0..<rows.count {
            let row = rows[index]
            if extract == nil { extract = try PostgresDuoStatusTransaction.extract(row) }
            if try row["bsn"] as String? != nil {
                let status = try PostgresDuoStatusTransaction.status(row)
                statuses[status.bsn] = status
            }
        }
        return GroupRead(extract: extract, statuses: statuses)
    }
}
