import Foundation
import Gateway
import HTTPClient
import KetenpoortCore
import Sealing
import Store

/// The operators' actions. Each one is recorded on the audit chain with who took it.
extension OperatorConsole {
    /// Puts each of `batches` back in line (dead-lettered or pending ones), recording a
    /// `batch.resent` entry per batch; what became of each.
    func resend(_ batches: [BatchID], by actor: OperatorIdentity) async throws -> [(BatchID, DeadLetters.Outcome)] {
        let deadLetters = DeadLetters(store: store, audit: audit, clock: clock)
        return try await OwnThread.run { try batches.map { ($0, try deadLetters.resend($0, by: actor)) } }
    }

    /// Puts this node in or out of maintenance; whether anything changed.
    func setMaintenance(_ on: Bool, by actor: OperatorIdentity) async throws -> Bool {
        guard (maintenance.since != nil) != on else { return false }
        if on { try maintenance.turnOn() } else { try maintenance.turnOff() }
        try await record(.maintenance(on: on, node: node, by: actor))
        return true
    }

    /// Checks the whole audit chain now; the outcome is itself recorded.
    func verifyAuditChain(by actor: OperatorIdentity) async throws -> AuditVerifier.Outcome {
        let roots = try PEMFiles.loadCertificates(identity.caBundle)
        let outcome = try await AuditVerifier(trustedRoots: roots).verify(store)
        try await record(
            .consoleAction(
                "audit-verified", by: actor,
                ["outcome": .text(outcome.isIntact ? "intact" : "broken"), "entries": .number(outcome.entries), "node": .text(node)]))
        return outcome
    }

    /// What a connection test found.
    struct ConnectionTest: Sendable {
        let party: String
        /// The HTTP status the endpoint answered with (any answer proves the handshake and identity).
        let status: Int?
        /// Why it failed, without personal data.
        let error: String?
        let certificateNotAfter: Date?
    }

    /// Connects to `party`'s endpoint as a delivery does — mutual TLS, its CA bundle only, its OIN
    /// checked in the handshake — and asks it with `GET` (nothing is delivered); the outcome is recorded.
    func testConnection(to partyID: String, by actor: OperatorIdentity) async throws -> ConnectionTest? {
        guard let party = registry.party(id: partyID), let endpoint = party.endpoint, let caBundle = party.caBundle else { return nil }
        let tls = TLSClientSettings(
            clientCertificate: identity.certificate, clientKey: identity.key, trustedCA: caBundle, pinnedPublicKey: party.pin,
            expectedPeerOIN: party.party.oin)
        let test: ConnectionTest
        do {
            let response = try await client.get(url: endpoint, tls: tls, timeout: connectionTestTimeout)
            if let notAfter = response.peerCertificateNotAfter { partnerCertificates.observe(partyID, notAfter: notAfter, at: clock.now()) }
            test = ConnectionTest(party: partyID, status: response.status, error: nil, certificateNotAfter: response.peerCertificateNotAfter)
        } catch {
            let reason = (error as? KetenpoortError)?.description ?? "transport failure"
            test = ConnectionTest(party: partyID, status: nil, error: reason, certificateNotAfter: nil)
        }
        var fields: [String: AuditPayload.Value] = ["party": .text(partyID), "outcome": .text(test.error == nil ? "connected" : "failed")]
        if let status = test.status { fields["httpStatus"] = .number(status) }
        try await record(.consoleAction("connection-tested", by: actor, fields))
        return test
    }

    /// The proof of `batch` (`audit prove`, without the payload) as a tar archive; the export is recorded.
    func proofArchive(of batch: BatchID, by actor: OperatorIdentity) async throws -> Data {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("ketenpoort-proof-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: directory) }
        let (store, audit) = (store, audit)
        let archive = try await OwnThread.run { () -> Data in
            _ = try AuditProof(chain: audit).export(batch: batch, store: store, to: directory)
            return try TarArchive.of(directory: directory, prefix: "proof-\(batch.value)")
        }
        try await record(.consoleAction("proof-exported", by: actor, ["batch": .text(batch.value)]))
        return archive
    }
}
