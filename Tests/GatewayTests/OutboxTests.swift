import Foundation
import Gateway
import KetenpoortCore
import KetenpoortTesting
import Sealing
import Store
import StoreSQLite
import Testing

@Suite("Outbox: the one way a batch is sealed into the outbox")
struct OutboxTests {
    /// A store, a dev PKI and an outbox signed by its gateway, in a temporary directory.
    struct Fixture {
        let directory: TempDirectory
        let store: SQLiteStore
        let outbox: Outbox
        let recipient: Party

        init() throws {
            directory = try TempDirectory()
            let identities = DevParties.identities.filter { ["gateway", "gm0363"].contains($0.id) }
            try DevPKI.initialize(directory: directory.url, parties: identities, now: Date())
            let signer = try DevPKI.signingIdentity("gateway", in: directory.url)
            store = try SQLiteStore(path: directory.file("store.sqlite").path)
            outbox = Outbox(sealer: try BatchSealer(signer: signer), audit: AuditChain(signer: signer, clock: SystemWallClock()))
            let amsterdam = identities.first { $0.id == "gm0363" }!
            recipient = Party(id: "gm0363", role: .gemeente, oin: amsterdam.oin, name: "Gemeente Amsterdam")
        }

        func draft(_ id: BatchID) -> Outbox.Draft {
            Outbox.Draft(
                id: id, recipient: recipient, contract: "coa-gemeente-kennisgeving", contractVersion: "1.0.0", contentType: "application/xml",
                createdAt: Date())
        }
    }

    static let records = ["<a/>", "<b/>"].map { Data($0.utf8) }
    static var payload: Data { Data(records.joined()) }

    @Test("a batch added is in the outbox with its payload, and its batch.sealed entry names it, in one transaction")
    func addRecordsTheSeal() throws {
        let fixture = try Fixture()
        defer { fixture.directory.remove() }
        let hashes = Self.records.map(MerkleTree.recordHash)
        let batch = try fixture.store.write { tx in try fixture.outbox.add(fixture.draft("b-1"), payload: Self.payload, recordHashes: hashes, in: tx)
        }
        let (stored, entry) = try fixture.store.read { tx in (try tx.batch(id: "b-1"), try tx.lastAuditEntry()) }
        #expect(stored?.merkleRoot == batch.merkleRoot && stored?.recordCount == 2 && stored?.recipientOIN == fixture.recipient.oin.value)
        #expect(entry?.kind == "batch.sealed")
        #expect(entry?.payload.contains("\"batch\":\"b-1\"") == true)
        #expect(entry?.payload.contains("\"merkleRoot\":\"\(batch.merkleRoot)\"") == true)
    }

    @Test("sealing alone puts nothing in the outbox and nothing on the chain; put does both")
    func sealThenPut() throws {
        let fixture = try Fixture()
        defer { fixture.directory.remove() }
        let sealed = try fixture.outbox.seal(fixture.draft("b-2"), payload: Self.payload, recordHashes: Self.records.map(MerkleTree.recordHash))
        #expect(try fixture.store.read { tx in try tx.batch(id: "b-2") } == nil)
        #expect(try fixture.store.read { tx in try tx.lastAuditEntry() } == nil)
        try fixture.store.write { tx in try fixture.outbox.put(sealed, payload: Self.payload, in: tx) }
        #expect(try fixture.store.read { tx in try tx.batch(id: "b-2") }?.signature == sealed.batch.signature)
        #expect(try fixture.store.read { tx in try tx.lastAuditEntry() }?.kind == "batch.sealed")
    }
}
