import Exchanges
import Foundation
import Gateway
import GatewayHTTP
import HTTPClient
import KetenpoortCore
import Logging
import Sealing
import Store

/// The gateway's HTTPS API on loopback with a dev PKI, a status store holding one person per DUO
/// status code, and a libcurl client that can present any party's certificate (or none, or one
/// of another CA).
package struct StatusAPIFixture {
    /// One person per status code of formats.md §3, one whose BSN starts with 0 (last), and one DUO does not know.
    package static let persons: [(bsn: String, code: String)] = [
        ("111222035", "PL"), ("111222084", "PB"), ("111222126", "PN"), ("111222175", "PV"), ("111222217", "VD"),
        ("111222266", "OM"), ("111222308", "OI"), ("111222357", "OO"), ("111222448", "VR"), ("111222497", "VV"),
        ("012345672", "VD"),
    ]
    package static let unknown = "111222539"
    /// The purpose and case number of a question, without its BSN.
    package static var question: [String: Any] { ["doelbinding": "naturalisatie", "zaaknummer": "IND-2026-0001234"] }
    /// A single question about `bsn`.
    package static func single(_ bsn: String) -> [String: Any] { question.merging(["bsn": bsn]) { $1 } }
    package static let allBSNs = persons.map(\.bsn) + [unknown]

    package let directory: TempDirectory
    package let runtime: GatewayRuntime
    package let writer: ProcessingLogWriter
    package let log: CapturedLog
    package let port: Int
    package let client: CurlClient
    package let server: GatewayServer
    package let serverTask: Task<Void, any Error>
    /// A CA the gateway does not trust, with a certificate carrying the IND's OIN.
    package let strangers: URL

    package static func start() async throws -> StatusAPIFixture {
        let directory = try TempDirectory()
        var yaml = try String(contentsOf: Repository.root.appendingPathComponent("ketenpoort.yaml"), encoding: .utf8)
        yaml = yaml.replacingOccurrences(of: "port: 8443", with: "port: 0")
        try yaml.write(to: directory.file("ketenpoort.yaml"), atomically: true, encoding: .utf8)
        let configuration = try GatewayConfiguration.load(contentsOf: directory.file("ketenpoort.yaml"))
        _ = try DevPKI.initialize(directory: directory.file("var/pki"), parties: try configuration.devIdentities(), now: Date())
        let strangers = directory.file("strangers")
        _ = try DevPKI.initialize(
            directory: strangers, parties: [try DevPKI.Identity(id: "ind", oin: OIN("00000001003214369000")!, organisation: "IND")], now: Date())
        let runtime = try GatewayRuntime(configuration: configuration, workspaceRoot: Repository.root, clock: SyncFixture.clock)
        let extract = directory.file("duo-inburgering-20261123.dat")
        try Self.writeExtract(to: extract)
        let ingested = try runtime.duoIngest().run(file: extract)
        guard ingested.outcome == .applied, ingested.validation.accepted == persons.count else {
            throw KetenpoortError(.inputUnreadable, "the fixture's DUO extract was not applied: \(ingested.validation.findings)")
        }
        let writer = ProcessingLogWriter(log: runtime.store.processingLog)
        let log = CapturedLog()
        let server = try runtime.gatewayServer(writer: writer, logger: log.logger("ketenpoort.api"))
        let serverTask = Task { try await server.run() }
        let port = try await server.boundPort()
        return StatusAPIFixture(
            directory: directory, runtime: runtime, writer: writer, log: log, port: port, client: CurlClient(), server: server,
            serverTask: serverTask,
            strangers: strangers)
    }

    /// A DUO extract dated 2026-11-23 (sequence 42) with one person per status code; `next` makes
    /// the one of the day after (sequence 43), in which everybody has met the obligation.
    package static func writeExtract(to url: URL, next: Bool = false) throws {
        var writer = try DuoExtractWriter(url: url, created: CalendarDate(year: 2026, month: 11, day: next ? 24 : 23)!, sequence: next ? 43 : 42)
        for (index, var person) in persons.enumerated() {
            if next { person.code = "VD" }
            try writer.append(
                DuoStatus(
                    bsn: person.bsn, regime: index % 2 == 0 ? "1" : "3", doelgroep: "A", plichtStart: "2022-03-01", termijnEinde: "2025-03-01",
                    status: person.code, statusdatum: "2026-0\(1 + index % 9)-15", leerroute: index % 2 == 0 ? "B" : nil,
                    leerrouteStart: index % 2 == 0 ? "2022-06-01" : nil, pipDatum: nil, pipInAzc: nil, taalniveau: nil, aantalBoetes: 0,
                    invorderingGepauzeerd: false, gemeente: "GM0363", geslacht: "V", geboortedatum: "19900000", landHerkomst: "SYR", werkend: nil,
                    vervolgonderwijs: nil))
        }
        try writer.finish()
    }

    package func url(_ path: String) -> URL { URL(string: "https://127.0.0.1:\(port)/api/inburgering/v1\(path)")! }

    /// The TLS settings of `party` (its dev PKI certificate), or of the untrusted CA's IND.
    package func tls(as party: String, untrusted: Bool = false) -> TLSClientSettings {
        let pki = directory.file("var/pki")
        let own = untrusted ? strangers : pki
        return TLSClientSettings(
            clientCertificate: DevPKI.certificateFile(for: party, in: own), clientKey: DevPKI.privateKeyFile(for: party, in: own),
            trustedCA: DevPKI.caCertificateFile(in: pki))
    }

    /// POSTs `body` (a JSON object) to `path` as `party`.
    package func post(
        _ path: String, _ body: [String: Any], as party: String = "ind", untrusted: Bool = false, withoutCertificate: Bool = false,
        headers: [(name: String, value: String)] = [("Content-Type", "application/json")]
    ) async throws -> HTTPResponse {
        try await send(
            path, body: try JSONSerialization.data(withJSONObject: body), as: party, untrusted: untrusted, withoutCertificate: withoutCertificate,
            headers: headers)
    }

    /// Sends `body` as it is to `path` (under the API's base path unless `rooted`), as `party`, with `method` (POST when nil).
    package func send(
        _ path: String, method: String? = nil, rooted: Bool = false, body: Data = Data(), as party: String = "ind", untrusted: Bool = false,
        withoutCertificate: Bool = false, headers: [(name: String, value: String)] = [("Content-Type", "application/json")]
    ) async throws -> HTTPResponse {
        var request = CurlRequest(
            url: rooted ? URL(string: "https://127.0.0.1:\(port)\(path)")! : url(path), headers: headers, body: body,
            tls: tls(as: party, untrusted: untrusted), timeout: TestTimeout.answer, connectTimeout: TestTimeout.answer)
        request.omitsClientCertificate = withoutCertificate
        request.customMethod = method
        return try await client.perform(request)
    }

    /// Starts a gateway, runs `body` with it and stops it (its folder removed) before returning,
    /// whatever `body` did: a test's clean-up must end before the test does.
    package static func run(_ body: (StatusAPIFixture) async throws -> Void) async throws {
        let fixture = try await start()
        do {
            try await body(fixture)
        } catch {
            await fixture.stop()
            throw error
        }
        await fixture.stop()
    }

    package func stop() async {
        serverTask.cancel()
        _ = try? await serverTask.value
        writer.stop()
        await client.shutdown()
        directory.remove()
    }
}

extension HTTPResponse {
    /// The body as a JSON object.
    package var json: [String: Any] { ((try? JSONSerialization.jsonObject(with: body)) as? [String: Any]) ?? [:] }
    package var text: String { String(decoding: body, as: UTF8.self) }
}
