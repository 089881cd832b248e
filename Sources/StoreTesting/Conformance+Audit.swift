import Foundation
import KetenpoortCore
import Store
import Testing

extension StoreConformance {
    static let auditChecks: [ConformanceCheck] = [
        ConformanceCheck("the audit chain grows from its head; an entry that does not extend the head is refused") { store, _, _ in
            let first = try await store.write { tx in try tx.appendAuditEntry { head in Samples.nextAudit(after: head) } }
            #expect(first.seq == 1)
            #expect(first.prevHash == AuditEntry.genesis)
            let second = try await store.write { tx in try tx.appendAuditEntry { head in Samples.nextAudit(after: head) } }
            #expect(second.prevHash == first.hash)
            await #expect(throws: KetenpoortError(.storeAuditFork, ""), "a second entry after the same head") {
                try await store.write { tx in try tx.appendAuditEntry { _ in Samples.nextAudit(after: first) } }
            }
            #expect(try await store.read { try $0.lastAuditEntry() } == second)
            #expect(try await store.read { try $0.auditSeq(hash: second.hash) } == 2)
        },
        ConformanceCheck("appends from many writers at once make one chain: no gap, no fork") { store, _, _ in
            try await withThrowingTaskGroup(of: Void.self) { group in
                for writer in 0..<6 {
                    group.addTask {
                        for _ in 0..<10 {
                            _ = try await store.write { tx in try tx.appendAuditEntry { Samples.nextAudit(after: $0, kind: "writer.\(writer)") } }
                        }
                    }
                }
                try await group.waitForAll()
            }
            let chain = try await store.read { tx in
                var entries: [AuditEntry] = []
                try tx.forEachAuditEntry(from: 1, through: nil) { entries.append($0) }
                return entries
            }
            #expect(chain.map(\.seq) == Array(1...60))
            #expect(zip(chain.dropFirst(), chain).allSatisfy { $0.prevHash == $1.hash })
        },
        ConformanceCheck("checkpoints are kept in seq order, the last one found") { store, _, _ in
            try await store.write { tx in
                for _ in 0..<3 { try tx.appendAuditEntry { Samples.nextAudit(after: $0) } }
                try tx.insertCheckpoint(AuditCheckpoint(seq: 1, hash: String(format: "%064x", 1), time: "t1", jws: "a..b"))
                try tx.insertCheckpoint(AuditCheckpoint(seq: 3, hash: String(format: "%064x", 3), time: "t3", jws: "c..d"))
            }
            #expect(try await store.read { try $0.checkpoints() }.map(\.seq) == [1, 3])
            #expect(try await store.read { try $0.lastCheckpoint() }?.seq == 3)
        },
    ]
}
