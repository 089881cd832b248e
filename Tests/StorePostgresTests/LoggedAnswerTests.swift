import Foundation
import KetenpoortCore
import KetenpoortTesting
import Store
import StoreTesting
import Testing

@testable import StorePostgres

/// The IND's answers on PostgreSQL: the statuses read and the processing-log entries committed in
/// one statement per group of waiting questions.
@Suite("PostgreSQL: an answer's read and log entries in one statement")
struct LoggedAnswerTests {
    static let known = "123456782"
    static let unknown = "999999990"

    /// A store holding `known` in an applied extract (unless `withExtract` is false).
    static func withStore(withExtract: Bool = true, _ body: (PostgresStore, SharedPostgres.Database) async throws -> Void) async throws {
        let database = try await SharedPostgres.database()
        defer { database.drop() }
        let store = try PostgresStore(conninfo: database.gateway, node: "node-a", poolSize: 2)
        if withExtract {
            try await OwnThread.run {
                try store.duoStatus.write { tx in
                    try tx.beginDuoExtract()
                    _ = try tx.putDuoStatus(StoreConformance.duo(Self.known))
                    try tx.recordDuoExtract(
                        DuoExtractMark(
                            sequence: 1, creationDate: CalendarDate(year: 2026, month: 11, day: 23)!, fileName: "duo-1.dat",
                            sha256: String(repeating: "1", count: 64), records: 1, appliedAt: Date(timeIntervalSince1970: 1_795_000_000)),
                        report: "{}")
                }
            }
        }
        try await body(store, database)
    }

    static func logged(_ store: PostgresStore) throws -> any LoggedAnswerReading {
        try #require(store.duoStatus as? any LoggedAnswerReading)
    }

    static func entry(_ bsn: String, subject: String, case number: Int) -> LoggedAnswerEntry {
        LoggedAnswerEntry(
            bsn: bsn,
            entry: ProcessingLogEntry(
                traceID: String(repeating: "a", count: 32), spanID: String(format: "%016x", number), parentSpanID: nil, activity: "ind-statusvraag",
                callerOIN: "00000001003214345000", purpose: "naturalisatie", caseNumber: "IND-\(number)", subject: subject, outcome: "x",
                at: Date(timeIntervalSince1970: 1_795_000_000 + Double(number))))
    }

    @Test("answers asked at once get their statuses, and each its entries, outcome by what was read, before they return")
    func groupedAnswersLogged() async throws {
        try await Self.withStore { store, _ in
            let reads = try await withThrowingTaskGroup(of: (Int, DuoStatusAnswerRead).self) { group in
                for number in 0..<40 {
                    let asked = [Self.known, Self.unknown]
                    let entries = [
                        Self.entry(Self.known, subject: "p-known", case: number), Self.entry(Self.unknown, subject: "p-unknown", case: number),
                    ]
                    group.addTask { (number, try await Self.logged(store).answerRead(bsns: asked, logging: entries)) }
                }
                return try await group.reduce(into: [:]) { $0[$1.0] = $1.1 }
            }
            #expect(reads.count == 40)
            for read in reads.values {
                #expect(read.extract?.sequence == 1)
                #expect(read.statuses.map { $0?.bsn } == [Self.known, nil])
            }
            let known = try await store.processingLog.processings(subject: "p-known")
            let unknown = try await store.processingLog.processings(subject: "p-unknown")
            #expect(known.count == 40 && known.allSatisfy { $0.outcome == LoggedAnswerEntry.known })
            #expect(unknown.count == 40 && unknown.allSatisfy { $0.outcome == LoggedAnswerEntry.unknown })
            #expect(Set(known.map(\.caseNumber)).count == 40, "each question its own entry")
        }
    }

    @Test("before the first extract nothing is logged; a log that cannot be written fails the read (fail closed)")
    func noExtractAndFailClosed() async throws {
        try await Self.withStore(withExtract: false) { store, _ in
            let read = try await Self.logged(store).answerRead(bsns: [Self.known], logging: [Self.entry(Self.known, subject: "p", case: 1)])
            #expect(read.extract == nil)
            #expect(try await store.processingLog.processings(subject: "p").isEmpty)
        }
        try await Self.withStore { store, database in
            try await OwnThread.run { try store.processingLog.checkWritable() }
            try database.server.superuser("REVOKE INSERT ON processing_log FROM ketenpoort_gateway", database: database.name)
            await #expect(throws: KetenpoortError(.storeUnavailable, ""), "the readiness probe sees it too") {
                try await OwnThread.run { try store.processingLog.checkWritable() }
            }
            await #expect(throws: (any Error).self) {
                try await Self.logged(store).answerRead(bsns: [Self.known], logging: [Self.entry(Self.known, subject: "p", case: 1)])
            }
            // Without entries to commit, a read still answers.
            #expect(try await store.duoStatus.answerRead(bsns: [Self.known]).statuses.first??.bsn == Self.known)
        }
    }
}
