import Foundation
import GRDB
import KetenpoortCore
import KetenpoortTesting
import Store
import StoreSQLite
import Testing

@Suite("DUO status store (a file of its own)")
struct DuoStatusStoreTests {
    static func status(_ bsn: String, status: String = "LO") -> DuoStatus {
        DuoStatus(
            bsn: bsn, regime: "1", doelgroep: "A", plichtStart: "2024-01-01", termijnEinde: "2027-01-01", status: status, statusdatum: nil,
            leerroute: "B1", leerrouteStart: nil, pipDatum: nil, pipInAzc: nil, taalniveau: nil, aantalBoetes: 0, invorderingGepauzeerd: false,
            gemeente: "0363", geslacht: "V", geboortedatum: "1990-01-01", landHerkomst: "SYR", werkend: nil, vervolgonderwijs: nil)
    }

    static func mark(_ sequence: Int) -> DuoExtractMark {
        DuoExtractMark(
            sequence: sequence, creationDate: CalendarDate(year: 2026, month: 11, day: 20 + sequence)!, fileName: "duo-\(sequence).dat",
            sha256: String(repeating: "\(sequence)", count: 64), records: 2, appliedAt: Date(timeIntervalSince1970: Double(sequence)))
    }

    /// Applies an extract holding `bsns` as sequence `sequence`; `during` runs before it commits.
    static func apply(_ bsns: [String], sequence: Int, to store: SQLiteStore, during: () throws -> Void = {}) throws {
        try store.duoStatus.write { tx in
            try tx.beginDuoExtract()
            for bsn in bsns { _ = try tx.putDuoStatus(Self.status(bsn, status: "S\(sequence)")) }
            _ = try tx.removeDuoStatusNotInExtract()
            try tx.recordDuoExtract(Self.mark(sequence), report: #"{"sequence":\#(sequence)}"#)
            try during()
        }
    }

    @Test("an extract replaces the state whole; readers see the previous extract until it commits; the report is kept with it")
    func applyAndRead() throws {
        try SQLiteStoreTests.withStore { store, _ in
            try Self.apply(["123456782", "111222333"], sequence: 1, to: store)
            try Self.apply(["123456782"], sequence: 2, to: store) {
                let seen = try store.duoStatus.read { tx in
                    (try tx.lastDuoExtract()?.sequence, try tx.duoStatusCount(), try tx.duoStatus(bsn: "123456782")?.status)
                }
                #expect(seen.0 == 1 && seen.1 == 2 && seen.2 == "S1")
            }
            try store.duoStatus.read { tx throws in
                #expect(try tx.lastDuoExtract() == Self.mark(2))
                #expect(try tx.duoStatusCount() == 1)
                #expect(try tx.duoStatus(bsn: "123456782")?.status == "S2")
                #expect(try tx.duoStatus(bsn: "111222333") == nil)
                #expect(try tx.duoExtract(sha256: Self.mark(1).sha256)?.sequence == 1)
                #expect(try tx.duoExtractReport(sequence: 2) == #"{"sequence":2}"#)
            }
        }
    }

    @Test("a status is read while every reader slot of the store file's write-ahead log is locked by another process")
    func independentOfStoreLocks() throws {
        try SQLiteStoreTests.withStore { store, path in
            try Self.apply(["123456782"], sequence: 1, to: store)
            // What a reader of the store file waits for (a checkpoint or WAL restart holding the
            // read marks), held for as long as the test likes: byte 123 + i of the `-shm` file is
            // read lock i (SQLite's WAL format).
            let locker = Process()
            locker.executableURL = URL(fileURLWithPath: "/usr/bin/python3")
            locker.arguments = [
                "-c",
                "import fcntl, os, sys; fd = os.open(sys.argv[1], os.O_RDWR); fcntl.lockf(fd, fcntl.LOCK_EX, 5, 123, 0); print('held', flush=True); sys.stdin.read()",
                path + "-shm",
            ]
            let input = Pipe()
            let output = Pipe()
            locker.standardInput = input
            locker.standardOutput = output
            try locker.run()
            defer {
                try? input.fileHandleForWriting.close()
                locker.waitUntilExit()
            }
            #expect(String(decoding: output.fileHandleForReading.readData(ofLength: 5), as: UTF8.self) == "held\n")
            #expect(try store.duoStatus.read { try $0.duoStatus(bsn: "123456782") }?.status == "S1")
        }
    }

    @Test("an IND answer's read runs on the asking task's own thread: the task is not suspended and resumed for it")
    func answerReadStaysOnTheTask() async throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("store-\(UUID().uuidString)/ketenpoort.sqlite").path
        defer { try? FileManager.default.removeItem(atPath: URL(fileURLWithPath: path).deletingLastPathComponent().path) }
        let store = try SQLiteStore(path: path)
        try Self.apply(["123456782"], sequence: 1, to: store)
        // Every resumption of the task is a job enqueued on its executor: a hop to a reader thread
        // and back adds one (and two thread wake-ups) to each answer.
        let executor = EnqueueRecorder()
        let read = try await withTaskExecutorPreference(executor) {
            let before = executor.enqueuedCount
            let read = try await store.duoStatus.answerRead(bsns: ["123456782", "999999990"])
            return (read, executor.enqueuedCount - before)
        }
        #expect(read.0.statuses.map { $0?.status } == ["S1", nil])
        #expect(read.0.extract?.sequence == 1)
        #expect(read.1 == 0, "the task was resumed \(read.1) times during the read")
    }

    @Test("statuses kept in the store file before the status store had its own are moved over once; their extracts count as recorded")
    func legacyStatusesImported() throws {
        try SQLiteStoreTests.withStore { store, path in
            try DatabaseQueue(path: path).write { db in
                try db.execute(
                    sql: """
                        INSERT INTO duo_status (bsn, regime, doelgroep, status, aantal_boetes, invordering_gepauzeerd, geslacht, geboortedatum, land_herkomst)
                        VALUES ('123456782', '1', 'A', 'LO', 0, 0, 'V', '1990-01-01', 'SYR');
                        INSERT INTO duo_extract (sequence, creation_date, file_name, sha256, records, applied_at)
                        VALUES (7, '2026-11-01', 'duo-inburgering-20261101.dat', 'ab', 1, 5);
                        """)
            }
            let statusPath = store.duoStatusPath
            for suffix in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: statusPath + suffix) }
            let reopened = try SQLiteStore(path: path)
            #expect(try reopened.duoStatus.read { try $0.duoStatus(bsn: "123456782") }?.status == "LO")
            #expect(try reopened.duoStatus.read { try $0.lastDuoExtract() }?.sequence == 7)
            #expect(try reopened.read { try $0.isDuoExtractRecorded(sequence: 7) })
            #expect(try DatabaseQueue(path: path).read { try Int.fetchOne($0, sql: "SELECT count(*) FROM duo_status") } == 0)
            let again = try SQLiteStore(path: path)
            #expect(try again.duoStatus.read { try $0.duoStatusCount() } == 1)
        }
    }
}
