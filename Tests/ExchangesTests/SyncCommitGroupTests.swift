import Foundation
import KetenpoortCore
import KetenpoortTesting
import Sealing
import Store
import Testing

@testable import Exchanges
@testable import Gateway

/// Sealed batches wait for the committer in groups: at most `maxBatchRecords` records and at most
/// `commitGroupBytes` of payload, so what waits in memory stays bounded whatever a night's batches
/// weigh, while a night of many small batches still commits them together. The first group is
/// small (`firstGroupRecords`), each next one twice as large, so delivery starts early.
@Suite("Nightly sync: sealed batches commit in bounded groups")
struct SyncCommitGroupTests {
    /// The store's write transactions during one night of the first sample (4 municipalities, one
    /// batch each), with the given payload bound.
    static func writes(commitGroupBytes: Int, firstGroupRecords: Int = 256) async throws -> (writes: Int, batches: Int) {
        let fixture = try await SyncFixture()
        defer { fixture.directory.remove() }
        let runtime = fixture.runtime
        let store = CountingStore(runtime.store)
        let identity = try runtime.signingIdentity()
        var sync = try CoaGemeenteSync(
            workspace: runtime.workspace, store: store, registry: runtime.configuration.registry, sealer: try BatchSealer(signer: identity),
            pseudonymKey: try runtime.pseudonymKey(identity), scratchDirectory: runtime.scratchDirectory, clock: runtime.clock)
        sync.audit = AuditChain(signer: identity, clock: runtime.clock)
        sync.commitGroupBytes = commitGroupBytes
        sync.firstGroupRecords = firstGroupRecords
        let report = try sync.run(input: Repository.sample("coa", "tvs-export-20261121.csv"))
        return (store.writes, report.batches.count)
    }

    @Test("small batches commit together; past the payload bound each goes in a transaction of its own")
    func boundedByPayload() async throws {
        let together = try await Self.writes(commitGroupBytes: 2 << 20)
        let apart = try await Self.writes(commitGroupBytes: 1)
        #expect(together.batches == 4 && apart.batches == 4)
        // One group of four against four groups of one: three transactions more, nothing else differs.
        #expect(apart.writes - together.writes == 3)
    }

    @Test("the first group commits on its own, the next ones grow: the first batches are deliverable early")
    func firstGroupSmall() async throws {
        let together = try await Self.writes(commitGroupBytes: 2 << 20)
        let early = try await Self.writes(commitGroupBytes: 2 << 20, firstGroupRecords: 1)
        #expect(together.batches == 4 && early.batches == 4)
        // The first batch alone, then groups of at least 2, 4… records: more commits, at most one per batch.
        #expect(early.writes > together.writes)
        #expect(early.writes - together.writes <= 3)
    }
}
