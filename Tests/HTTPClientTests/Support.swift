import Foundation
import KetenpoortCore
import Logging
import Sealing
import ServiceLifecycle
import Testing

@testable import HTTPClient
@testable import KetenpoortTesting

/// Two independent dev PKIs in a temporary folder, made once per test process: `trusted` is the CA
/// both sides are configured with, `foreign` one neither trusts. Each holds `gateway`, `gm0363` and
/// `gm0344`; `trusted` also `gm0363-no-san`, gm0363's certificate without a SAN and with CN=127.0.0.1.
struct TrustedAndForeignPKI: Sendable {
    static let shared: TrustedAndForeignPKI = {
        do { return try TrustedAndForeignPKI() } catch { fatalError("cannot create the test PKI: \(error)") }
    }()

    let trusted: URL
    let foreign: URL

    /// Where the PKI is, removed when the test process exits (the PKI lives as long as the process).
    nonisolated(unsafe) private static var root: URL?

    private init() throws {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("transport-pki-\(UUID().uuidString)")
        Self.root = root
        atexit { if let root = TrustedAndForeignPKI.root { try? FileManager.default.removeItem(at: root) } }
        let identities = DevParties.identities.filter { ["gateway", "gm0363", "gm0344"].contains($0.id) }
        trusted = root.appendingPathComponent("trusted")
        foreign = root.appendingPathComponent("foreign")
        try DevPKI.initialize(directory: trusted, parties: identities)
        try DevPKI.initialize(directory: foreign, parties: identities)
        try DevPKI.issue(
            .withoutSubjectAlternativeName(commonName: DevPKI.hostName(for: "gm0363")), for: Self.identity("gm0363"), as: "gm0363-no-san", in: trusted
        )
    }

    /// The dev identity `id` (its OIN as `DevParties` has it).
    static func identity(_ id: String) -> DevPKI.Identity { DevParties.identities.first { $0.id == id }! }

    /// The gateway's client settings: its certificate from `pki`, trusting only the trusted CA.
    /// With `expecting`, the peer must carry that dev party's OIN, as a delivery to it demands.
    func client(certificateFrom pki: URL? = nil, pin: String? = nil, expecting party: String? = nil) -> TLSClientSettings {
        let pki = pki ?? trusted
        return TLSClientSettings(
            clientCertificate: DevPKI.certificateFile(for: "gateway", in: pki), clientKey: DevPKI.privateKeyFile(for: "gateway", in: pki),
            trustedCA: DevPKI.caCertificateFile(in: trusted), pinnedPublicKey: pin, expectedPeerOIN: party.map { Self.identity($0).oin })
    }

    /// The public-key pin of the trusted `id` certificate.
    func pin(of id: String, in pki: URL? = nil) throws -> String {
        try PublicKeyPin.sha256(certificateFile: DevPKI.certificateFile(for: id, in: pki ?? trusted))
    }
}

/// A `ReceiveServer` running for the length of one test, in a temporary inbox folder, with a
/// `CurlClient` of its own (shut down first, so no idle keep-alive connection holds up the server's
/// graceful shutdown).
struct Receiver: Sendable {
    let port: Int
    let inbox: URL
    let client: CurlClient
    /// How many requests reached the server's handler (a refused handshake brings none).
    let requests: LockedValue<Int>

    /// `https://<host>:<port>/inbox/<party>`.
    func url(party: String = "gm0363", host: String = "127.0.0.1") -> URL { URL(string: "https://\(host):\(port)/inbox/\(party)")! }

    /// The files stored for `party` (temporary files included, so a stray one shows).
    func storedFiles(party: String = "gm0363") -> [String] {
        ((try? FileManager.default.contentsOfDirectory(atPath: inbox.appendingPathComponent(party).path)) ?? []).sorted()
    }

    /// POSTs `body` with the delivery headers of §8.
    func deliver(
        _ body: Data, party: String = "gm0363", batch: BatchID = "batch-1", tls: TLSClientSettings = TrustedAndForeignPKI.shared.client(),
        digest: String? = nil, timeout: Duration = .seconds(30), host: String = "127.0.0.1"
    ) async throws -> HTTPResponse {
        var headers = try DeliveryHeaders(contentType: "application/xml", batchID: batch, body: body, signature: "e30..c2ln")
        if let digest { headers.contentDigest = digest }
        return try await client.post(url: url(party: party, host: host), headers: headers.fields, body: body, tls: tls, timeout: timeout)
    }

    /// POSTs `body` with exactly `headers`.
    func post(_ body: Data, headers: [(name: String, value: String)]) async throws -> HTTPResponse {
        try await client.post(url: url(), headers: headers, body: body, tls: TrustedAndForeignPKI.shared.client(), timeout: TestTimeout.answer)
    }

    /// Runs `body` against a fresh server (certificate `serverIdentity` from `serverPKI`, trusting
    /// the trusted CA; each party's own for `<id>.localhost` when `partyCertificates` is set).
    static func with<T: Sendable>(
        serverPKI: URL? = nil, serverIdentity: String = "gm0363", partyCertificates: URL? = nil, faultPlan: FaultPlan? = nil,
        verifier: (@Sendable (HashedPayload, String) async throws -> Void)? = nil, holdingFirstUntil held: Gate? = nil,
        _ body: @Sendable (Receiver) async throws -> T
    ) async throws -> T {
        let pki = TrustedAndForeignPKI.shared
        let serverPKI = serverPKI ?? pki.trusted
        let inbox = FileManager.default.temporaryDirectory.appendingPathComponent("transport-inbox-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: inbox) }
        let requests = LockedValue(0)
        // Counts each request, holds the first until `held` opens (when given), then leaves it to the
        // fault plan.
        let counter = FaultHook { request in
            requests.withLock { $0 += 1 }
            if request.index == 0, let held { await held.wait() }
            return faultPlan?.fault(forRequest: request.index)
        }
        let server = ReceiveServer(
            configuration: .init(
                directory: inbox, certificateChain: DevPKI.certificateFile(for: serverIdentity, in: serverPKI),
                privateKey: DevPKI.privateKeyFile(for: serverIdentity, in: serverPKI), trustedCA: DevPKI.caCertificateFile(in: pki.trusted),
                verifier: verifier, faultHook: counter, partyCertificates: partyCertificates),
            logger: quietLogger)
        let client = CurlClient(threadCount: 2, logger: quietLogger)
        let group = ServiceGroup(services: [server], logger: quietLogger)
        return try await withThrowingTaskGroup(of: Void.self) { tasks in
            tasks.addTask { try await group.run() }
            let result: Result<T, any Error>
            do {
                result = .success(try await body(Receiver(port: try await server.boundPort(), inbox: inbox, client: client, requests: requests)))
            } catch {
                result = .failure(error)
            }
            await client.shutdown()
            await group.triggerGracefulShutdown()
            try await tasks.waitForAll()
            return try result.get()
        }
    }
}

let quietLogger = Logger(label: "transport-tests") { _ in SwiftLogNoOpLogHandler() }

/// The transport error code `body` throws, or nil when it does not throw one.
func transportErrorCode(_ body: () async throws -> HTTPResponse) async -> String? {
    do {
        _ = try await body()
        return nil
    } catch let error as KetenpoortError {
        return error.code.rawValue
    } catch {
        return "\(type(of: error))"
    }
}

/// A deterministic generator (SplitMix64) for jitter tests.
struct SeededGenerator: RandomNumberGenerator {
    var state: UInt64
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

/// A generator that always answers the same word: 0 gives the least jitter, `.max` the most.
struct ConstantGenerator: RandomNumberGenerator {
    let value: UInt64
    mutating func next() -> UInt64 { value }
}

let sampleXML = Data("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<kennisgevingen>\u{00E9}\u{0000}\n</kennisgevingen>\n".utf8)
