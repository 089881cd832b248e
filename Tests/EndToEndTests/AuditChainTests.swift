import Foundation
import GRDB
import Gateway
import KetenpoortCore
import KetenpoortTesting
import Sealing
import Store
import StoreSQLite
import Testing

@Suite("Audit chain")
struct AuditChainTests {
    /// Two synced nights: configuration load, sealed batches, checkpoints every 5 entries.
    static func chained() async throws -> SyncFixture {
        let fixture = try await SyncFixture(checkpointEvery: 5)
        _ = try fixture.sync("tvs-export-20261121.csv")
        _ = try fixture.sync("tvs-export-20261122.csv")
        return fixture
    }

    static func verify(_ fixture: SyncFixture) async throws -> AuditVerifier.Outcome {
        let roots = try PEMFiles.loadCertificates(fixture.directory.file("var/pki/ca.pem"))
        return try await AuditVerifier(trustedRoots: roots).verify(try SQLiteStore(path: fixture.runtime.configuration.store.path.path))
    }

    /// Edits the SQLite file directly, as someone with access to it would: triggers dropped first.
    static func tamper(_ fixture: SyncFixture, _ sql: String) throws {
        let queue = try DatabaseQueue(path: fixture.runtime.configuration.store.path.path)
        try queue.write { db in
            try db.execute(sql: "DROP TRIGGER IF EXISTS audit_entry_no_update; DROP TRIGGER IF EXISTS audit_entry_no_delete;")
            try db.execute(sql: sql)
        }
    }

    @Test("every sealed batch and the configuration load are on the chain; checkpoints every N entries verify")
    func intact() async throws {
        let fixture = try await Self.chained()
        defer { fixture.directory.remove() }
        let entries = try await fixture.runtime.store.read { tx in
            var entries: [AuditEntry] = []
            try tx.forEachAuditEntry(from: 1, through: nil) { entries.append($0) }
            return entries
        }
        let batches = try await fixture.runtime.store.read { try $0.batches(status: nil) }
        #expect(entries.first?.kind == "configuration.loaded")
        #expect(entries.filter { $0.kind == "batch.sealed" }.count == batches.count)
        let outcome = try await Self.verify(fixture)
        #expect(outcome.isIntact, "\(outcome)")
        #expect(outcome.entries == entries.count)
        #expect(outcome.checkpoints == entries.count / 5)
        // No personal data in any payload.
        let personal = try PersonalData.of(["tvs-export-20261121.csv", "tvs-export-20261122.csv"])
        #expect(PersonalData.leaks(entries.map(\.payload).joined(), personal).isEmpty)
    }

    @Test("an identity that exists but cannot be used is logged, not passed over; without a PKI, checkpoints simply wait")
    func unusableCheckpointSigner() throws {
        try TempDirectory.with { directory in
            let certificate = directory.file("gateway.pem")
            let key = directory.file("gateway-key.pem")
            let log = CapturedLog()
            #expect(AuditChain.checkpointSigner(certificate: certificate, key: key, logger: log.logger("test")) == nil)
            #expect(log.all.isEmpty)
            try Data("-----BEGIN CERTIFICATE-----\nnot a certificate\n-----END CERTIFICATE-----\n".utf8).write(to: certificate)
            try Data("not a key".utf8).write(to: key)
            #expect(AuditChain.checkpointSigner(certificate: certificate, key: key, logger: log.logger("test")) == nil)
            #expect(log.all.count == 1)
            #expect(log.all.first?.hasPrefix("error test: audit checkpoints wait") == true)
        }
    }

    @Test("an altered entry is named")
    func altered() async throws {
        let fixture = try await Self.chained()
        defer { fixture.directory.remove() }
        try Self.tamper(fixture, "UPDATE audit_entry SET payload = replace(payload, '\"records\":2', '\"records\":1') WHERE seq = 3")
        let outcome = try await Self.verify(fixture)
        #expect(outcome.finding?.seq == 3)
        #expect(outcome.finding?.problem == .altered)
    }

    @Test("an altered and re-hashed entry is named by the link after it, and by its checkpoint")
    func rehashed() async throws {
        let fixture = try await Self.chained()
        defer { fixture.directory.remove() }
        let entry = try await #require(try fixture.runtime.store.read { try $0.auditEntry(seq: 4) })
        let forged = AuditEntry(seq: 4, time: entry.time, kind: entry.kind, payload: "{\"batch\":\"forged\"}", prevHash: entry.prevHash, hash: "")
        let hash = AuditChain.expectedHash(of: forged)
        try Self.tamper(fixture, "UPDATE audit_entry SET payload = '{\"batch\":\"forged\"}', hash = '\(hash)' WHERE seq = 4")
        let outcome = try await Self.verify(fixture)
        #expect(outcome.finding?.seq == 4)
        #expect(outcome.finding?.problem == .altered)
    }

    @Test("a removed entry is named")
    func removed() async throws {
        let fixture = try await Self.chained()
        defer { fixture.directory.remove() }
        try Self.tamper(fixture, "DELETE FROM audit_entry WHERE seq = 6")
        let outcome = try await Self.verify(fixture)
        #expect(outcome.finding?.seq == 6)
        #expect(outcome.finding?.problem == .removed)
    }

    @Test("removing the last entries is caught by the checkpoint that signed them")
    func truncated() async throws {
        let fixture = try await Self.chained()
        defer { fixture.directory.remove() }
        let last = try await #require(try fixture.runtime.store.read { try $0.checkpoints() }.last)
        try Self.tamper(fixture, "DELETE FROM audit_entry WHERE seq >= \(last.seq)")
        let outcome = try await Self.verify(fixture)
        #expect(outcome.finding?.seq == last.seq)
        #expect(outcome.finding?.problem == .removed)
    }

    @Test("two swapped entries are named as reordered")
    func swapped() async throws {
        let fixture = try await Self.chained()
        defer { fixture.directory.remove() }
        try Self.tamper(
            fixture,
            "UPDATE audit_entry SET seq = -1 WHERE seq = 3; UPDATE audit_entry SET seq = 3 WHERE seq = 4; UPDATE audit_entry SET seq = 4 WHERE seq = -1"
        )
        let outcome = try await Self.verify(fixture)
        #expect(outcome.finding?.seq == 3)
        #expect(outcome.finding?.problem == .reordered)
    }

    @Test("a checkpoint signed by another key is refused", arguments: TestEngine.allCases)
    func forgedCheckpoint(engine: TestEngine) async throws {
        let fixture = try await Self.chained()
        defer { fixture.directory.remove() }
        let other = try await SyncFixture(engine: engine)
        defer { other.directory.remove() }
        let first = try await #require(try fixture.runtime.store.read { try $0.checkpoints() }.first)
        let forged = try CheckpointJWS.sign(
            payload: AuditChain.checkpointPayload(seq: first.seq, hash: first.hash), signer: try other.runtime.signingIdentity())
        try Self.tamper(
            fixture, "DROP TRIGGER audit_checkpoint_no_update; UPDATE audit_checkpoint SET jws = '\(forged.compact)' WHERE seq = \(first.seq)")
        let outcome = try await Self.verify(fixture)
        #expect(outcome.finding?.problem == .checkpoint)
        #expect(outcome.finding?.seq == first.seq)
    }
}
