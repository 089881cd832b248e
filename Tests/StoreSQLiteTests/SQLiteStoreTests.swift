import Foundation
import KetenpoortCore
import Store
import StoreSQLite
import Testing

@Suite("SQLite store")
struct SQLiteStoreTests {
    static func withStore<T>(_ body: (SQLiteStore, String) throws -> T) throws -> T {
        try withStorePath { path in try body(try SQLiteStore(path: path), path) }
    }

    /// The path of a store file in a folder of its own, made for `body` and removed with all in it after.
    static func withStorePath<T>(_ body: (String) throws -> T) throws -> T {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("store-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: folder) }
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        return try body(folder.appendingPathComponent("ketenpoort.sqlite").path)
    }

    static let person = PersonKey(vnummer: "1234567890", bsn: "123456782")!
    static let day = CalendarDate(year: 2026, month: 11, day: 22)!

    @Test("a new file is migrated to the current schema, and reopening keeps it")
    func migrations() throws {
        try Self.withStore { store, path in
            #expect(
                try store.appliedMigrations() == [
                    "v1-nightly-sync", "v2-schedules", "v3-incidents-audit", "v4-duo-status", "v5-consent", "v6-processing-log",
                    "v7-batch-payload-parts",
                    "v8-staged-sync", "v9-sent-without-person-index", "v10-claims-leases", "v11-inbox-receipts",
                ])
            try store.write {
                try $0.acceptSnapshot(SnapshotMark(source: "coa", date: Self.day, run: "r1", acceptedAt: Date(timeIntervalSince1970: 1), items: 3))
            }
            let reopened = try SQLiteStore(path: path)
            #expect(try reopened.read { try $0.lastSnapshot(source: "coa") }?.date == Self.day)
        }
    }

    @Test("a person key never shows the number")
    func personKeyRedacted() {
        #expect(!"\(Self.person)".contains("1234567890"))
        #expect(PersonKey(vnummer: nil, bsn: nil) == nil)
        #expect(PersonKey(vnummer: "", bsn: "123456782")?.value == "b:123456782")
    }
}
