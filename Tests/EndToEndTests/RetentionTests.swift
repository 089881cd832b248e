import Foundation
import Gateway
import HTTPClient
import KetenpoortCore
import KetenpoortTesting
import Store
import Testing

/// The contracts' retention periods applied to what the gateway keeps (issue-independent: the
/// contracts state `retention`, and a privacy officer expects it kept).
@Suite("Retention of personal data", .serialized)
struct RetentionTests {
    @Test(
        "past its contract's retention, a delivered batch's payload and an inbox file are deleted; seals, receipts and proofs stay; pending batches are kept"
    )
    func deletesWhatIsPastRetention() async throws {
        let fixture = try await DeliveryFixture.start()
        defer { fixture.stop() }
        let first = try fixture.runtime.coaGemeenteSync().run(input: Repository.sample("coa", "tvs-export-20261121.csv"))
        let client = CurlClient()
        _ = try await fixture.deliver(client)
        await client.shutdown()
        // The next night is sealed but not delivered yet.
        let second = try fixture.runtime.coaGemeenteSync().run(input: Repository.sample("coa", "tvs-export-20261122.csv"))
        #expect(!first.batches.isEmpty && !second.batches.isEmpty)
        // Two files the inbox took in: one more than a year ago (P1Y for coa-tvs-export), one just now.
        let inbox = fixture.runtime.inboxDirectory.appendingPathComponent("coa-tvs-export")
        for key in ["old-key", "new-key"] {
            try FileManager.default.createDirectory(at: inbox.appendingPathComponent(key), withIntermediateDirectories: true)
            try Data("BSN;…".utf8).write(to: inbox.appendingPathComponent("\(key)/tvs-export-20251101.csv"))
            try Data("{}".utf8).write(to: inbox.appendingPathComponent("\(key).receipt.json"))
            try Data("e30..c2ln".utf8).write(to: inbox.appendingPathComponent("\(key).receipt.jws"))
        }
        let longAgo = SyncFixture.clock.now().addingTimeInterval(-400 * 86400)
        try FileManager.default.setAttributes([.modificationDate: longAgo], ofItemAtPath: inbox.appendingPathComponent("old-key").path)
        // A file the nightly job handled long ago (its drop folder's processed/), and an advice
        // that never found consent.
        let processed = fixture.directory.file("var/inbox/coa/processed")
        try FileManager.default.createDirectory(at: processed, withIntermediateDirectories: true)
        try Data("BSN;…".utf8).write(to: processed.appendingPathComponent("tvs-export-20251001.csv"))
        try FileManager.default.setAttributes(
            [.modificationDate: longAgo], ofItemAtPath: processed.appendingPathComponent("tvs-export-20251001.csv").path)
        _ = try fixture.ingestAdvice([Advice.line("ARG-2026-000090", Subjects.bsns[0], marker: "MARKER-NEVER-CONSENTED")], runtime: fixture.runtime)
        #expect(try await fixture.runtime.store.read { try $0.advice(id: "ARG-2026-000090") }?.status == .held)

        // A day later only the old files are due: everything else is younger than its retention.
        let early = try fixture.restarted(at: SyncFixture.clock.now().addingTimeInterval(86400)).dataRetention().apply()
        #expect(early.contracts.map(\.contract) == ["coa-tvs-export"])
        #expect(early.contracts.first?.files.sorted() == ["coa-tvs-export/old-key", "processed/tvs-export-20251001.csv"])
        #expect(early.contracts.first?.batchPayloads == [])

        // 400 days later (the new inbox file is then ten days old): a dry run lists, then the real run deletes.
        let later = try fixture.restarted(at: SyncFixture.clock.now().addingTimeInterval(400 * 86400))
        try FileManager.default.setAttributes(
            [.modificationDate: later.clock.now().addingTimeInterval(-10 * 86400)], ofItemAtPath: inbox.appendingPathComponent("new-key").path)
        let dryRun = try later.dataRetention().apply(dryRun: true)
        #expect(dryRun.contracts.first { $0.contract == "gemeente-kennisgeving" }?.batchPayloads.sorted() == first.batches.sorted())
        #expect(try await later.store.read { try $0.payloadPart(batch: first.batches[0], part: 0) } != nil)
        let report = try later.dataRetention().apply()
        #expect(report.contracts.first { $0.contract == "gemeente-kennisgeving" }?.batchPayloads.sorted() == first.batches.sorted())
        for batch in first.batches {
            #expect(try await later.store.read { try $0.payloadPart(batch: batch, part: 0) } == nil)
            #expect(try await later.store.read { try $0.batch(id: batch) }?.status == .delivered)
        }
        // Not delivered yet: kept, whatever its age.
        for batch in second.batches { #expect(try await later.store.read { try $0.payloadPart(batch: batch, part: 0) } != nil) }
        #expect(!FileManager.default.fileExists(atPath: inbox.appendingPathComponent("old-key").path))
        #expect(!FileManager.default.fileExists(atPath: processed.appendingPathComponent("tvs-export-20251001.csv").path))
        #expect(report.contracts.first { $0.contract == "argonaut-advies" }?.heldAdvices == ["ARG-2026-000090"])
        #expect(try await later.store.read { try $0.advice(id: "ARG-2026-000090") } == nil)
        #expect(FileManager.default.fileExists(atPath: inbox.appendingPathComponent("old-key.receipt.json").path))
        #expect(FileManager.default.fileExists(atPath: inbox.appendingPathComponent("old-key.receipt.jws").path))
        #expect(FileManager.default.fileExists(atPath: inbox.appendingPathComponent("new-key/tvs-export-20251101.csv").path))
        // Every deletion is on the audit chain; applying again deletes nothing more.
        let entries = try await later.store.read {
            try $0.auditEntries(kind: "retention.deleted", field: "contract", equals: "gemeente-kennisgeving")
        }
        #expect(entries.count == first.batches.count)
        #expect(try later.dataRetention().apply().deletedCount == 0)

        // What was sent can still be proven, only not shown.
        let proofs = fixture.directory.file("proof")
        let summary = try AuditProof(chain: later.auditChain()).export(batch: first.batches[0], store: later.store, to: proofs)
        #expect(summary.batch == first.batches[0])
        #expect(throws: KetenpoortError(.auditProofUnavailable, "")) {
            try AuditProof(chain: later.auditChain()).export(
                batch: first.batches[0], store: later.store, to: fixture.directory.file("proof-2"), includePayload: true)
        }
    }
}
