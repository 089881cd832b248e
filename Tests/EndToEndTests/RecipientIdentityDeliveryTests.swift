import Foundation
import KetenpoortCore
import KetenpoortTesting
import Logging
import Sealing
import Store
import Testing

/// Delivery bound to the party (issue 13 §1): an endpoint that answers with another party's valid
/// certificate gets nothing; the batch is dead-lettered and a near miss is on record.
@Suite("Delivery bound to the recipient's OIN")
struct RecipientIdentityDeliveryTests {
    @Test(
        "gm0344's certificate at gm0363's endpoint: not delivered, dead-lettered transport.recipient-oin, near miss recorded, no request reached it")
    func impostor() async throws {
        let fixture = try await DeliveryFixture.start()
        defer { fixture.stop() }
        // The impostor: a receiver with gm0344's certificate (same CA, SAN 127.0.0.1), noting every request it gets.
        let pki = fixture.directory.file("var/pki")
        let requests = LockedValue(0)
        let impostor = ReceiveServer(
            configuration: .init(
                directory: fixture.directory.file("impostor"), certificateChain: DevPKI.certificateFile(for: "gm0344", in: pki),
                privateKey: DevPKI.privateKeyFile(for: "gm0344", in: pki), trustedCA: DevPKI.caCertificateFile(in: pki),
                faultHook: FaultHook { _ in
                    requests.withLock { $0 += 1 }
                    return nil
                }),
            logger: Logger(label: "impostor") { _ in SwiftLogNoOpLogHandler() })
        let impostorTask = Task { try await impostor.run() }
        defer { impostorTask.cancel() }
        let port = try await impostor.boundPort()
        _ = try fixture.sync("tvs-export-20261121.csv")
        let redirected = try fixture.restarted(at: SyncFixture.clock.now()) { yaml in
            yaml.replacingOccurrences(
                of: "https://gm0363\\.localhost:[0-9]+/", with: "https://127.0.0.1:\(port)/", options: .regularExpression)
        }
        #expect(redirected.configuration.registry.party(id: "gm0363")?.endpoint?.port == port)
        let round = try await fixture.deliver(redirected)

        let gm0363 = try fixture.batches().filter { $0.batch.recipient == "gm0363" }
        #expect(!gm0363.isEmpty)
        #expect(Set(round.deadLettered) == Set(gm0363.map(\.batch.id)))
        for stored in gm0363 {
            #expect(stored.batch.status == .deadLettered)
            #expect(stored.batch.attempts == 1)
            #expect(stored.batch.lastError?.contains("transport.recipient-oin") == true)
            let incident = try await fixture.runtime.store.read { try $0.incident(id: "recipient-identity-\(stored.batch.id)") }
            #expect(incident?.kind == .recipientIdentity)
            #expect(incident?.leftGateway == false)
            #expect(incident?.batch == stored.batch.id)
            #expect(incident?.recordCount == stored.batch.recordCount)
            #expect(incident?.details.contains("00000001002220647000") == true)  // the OIN that answered: gm0344's
        }
        #expect(requests.withLock { $0 } == 0)
        #expect(!FileManager.default.fileExists(atPath: fixture.directory.file("impostor").path))
        // Every other municipality got its batches from the real receiver, each as itself.
        let files = try fixture.receivedFiles()
        #expect(!files.isEmpty && files.allSatisfy { !$0.hasPrefix("gm0363/") })
        #expect(round.delivered.count == (try fixture.batches()).count - gm0363.count)
    }
}
