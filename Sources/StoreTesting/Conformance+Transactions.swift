import Foundation
import KetenpoortCore
import Store
import Testing

#if canImport(Glibc)
    import Glibc
#endif

extension StoreConformance {
    static let transactionChecks: [ConformanceCheck] = [
        ConformanceCheck("a transaction that throws leaves nothing behind") { store, _, _ async throws in
            await #expect(throws: Boom.self) {
                try await store.write { tx in
                    try tx.putSent(Samples.sent(Samples.person, gemeente: "GM0363", hash: "aa"))
                    try tx.acceptSnapshot(SnapshotMark(source: "coa", date: Samples.day, run: "r1", acceptedAt: Date(), items: 1))
                    throw Boom()
                }
            }
            #expect(try await store.read { try $0.sentStates(bsn: "123456782") }.isEmpty)
            #expect(try await store.read { try $0.lastSnapshot(source: "coa") } == nil)
        },
        ConformanceCheck("the async forms run their body on a thread of the engine's, never on the caller's (a blocking witness would)") {
            store, _, _ in
            let caller = pthread_self()
            let writer = try await store.write { _ in pthread_self() }
            let caller2 = pthread_self()
            let reader = try await store.read { _ in pthread_self() }
            #expect(writer != caller)
            #expect(reader != caller2)
        },
        ConformanceCheck("the blocking forms, for code on a thread of its own, see what the async forms wrote and the other way round") {
            store, _, _ in
            try await store.write { try $0.recordRun(RunRecord(id: "r1", job: "j", startedAt: .init(), finishedAt: .init(), report: "{}")) }
            let seen = try await OwnThread.run { try blockingRead(store) }
            #expect(seen == 1)
            #expect(try await store.read { try $0.runs(job: "j").map(\.id) }.sorted() == ["r1", "r2"])
        },
    ]

    struct Boom: Error {}

    /// Writes with the blocking form and counts what was there before.
    private static func blockingRead(_ store: any Store) throws -> Int {
        try store.write { try $0.recordRun(RunRecord(id: "r2", job: "j", startedAt: .init(), finishedAt: .init(), report: "{}")) }
        return try store.read { try $0.runs(job: "j").count } - 1
    }
}
