import ArgumentParser
import Foundation
import KetenpoortCore
import KetenpoortTesting
import Logging
import Sealing
import ServiceLifecycle

/// `ketenpoort receive --port <p> --dir <dir> --cert <pem> --key <pem> --ca <pem> [--party-dir] [--party-certificates <pki>]`
struct ReceiveCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "receive",
        abstract: "Run a recipient's endpoint: accept deliveries over mutual TLS and store them (for local runs and tests).",
        discussion: """
            Serves POST /inbox/<party>: checks the client certificate (issued by --ca), Content-Digest, \
            Idempotency-Key and the Ketenpoort-Signature, stores the body as <dir>/<party>/<batch>.<ext> and \
            answers 201 with a receipt (409 with the same receipt for a batch it already has). Runs until SIGINT or SIGTERM.
            """
    )

    @Option(help: "The port to listen on (0 picks a free one; the line printed at start names it).") var port = 9443
    @Option(help: "The address to listen on.") var host = "127.0.0.1"
    @Option(help: "Where received batches are stored.") var dir: String
    @Option(help: "The server's certificate chain (PEM, leaf first).") var cert: String
    @Option(help: "The server's private key (PEM).") var key: String
    @Option(help: "The CA (PEM) that client certificates and batch signers must chain to.") var ca: String
    @Option(help: "A dev PKI folder: a client asking for <id>.localhost (SNI) is answered with <id>.pem from it instead of --cert.")
    var partyCertificates: String?
    @Flag(inversion: .prefixedNo, help: "Store each party's batches in its own folder <dir>/<party>/.") var partyDir = true
    @Flag(inversion: .prefixedNo, help: "Require and verify the Ketenpoort-Signature (detached JWS) against --ca.") var verifySignature = true
    @Option(help: ArgumentHelp("Answer the first N requests with --fail-status (for retry demos).", visibility: .hidden)) var failFirst: Int?
    @Option(help: ArgumentHelp("The status --fail-first answers.", visibility: .hidden)) var failStatus = 503
    @Option(help: ArgumentHelp("The Retry-After --fail-first answers with.", visibility: .hidden)) var failRetryAfter: String?

    func validate() throws {
        guard (0...65_535).contains(port) else { throw ValidationError("--port must be 0…65535") }
        guard (400...599).contains(failStatus) else { throw ValidationError("--fail-status must be a 4xx or 5xx status") }
        if let failFirst, failFirst < 0 { throw ValidationError("--fail-first must not be negative") }
    }

    func run() async throws {
        // A stand-in for the recipients, beside the gateway: its buffers' pages are kept for the next batch.
        FreedMemory.keepForReuse()
        let caFile = URL(fileURLWithPath: ca)
        var verifier: (@Sendable (HashedPayload, String) async throws -> Void)?
        if verifySignature {
            let roots = try PEMFiles.loadCertificates(caFile)
            verifier = { body, signature in _ = try await DetachedJWS.verify(jws: signature, payload: body, trustedRoots: roots, at: Date()) }
        }
        let directory = URL(fileURLWithPath: dir)
        let server = ReceiveServer(
            configuration: .init(
                host: host, port: port, directory: directory, certificateChain: URL(fileURLWithPath: cert), privateKey: URL(fileURLWithPath: key),
                trustedCA: caFile, storesByParty: partyDir,
                faultPlan: failFirst.map { FaultPlan(fault: .respond(status: failStatus, retryAfter: failRetryAfter), count: $0) },
                verifier: verifier, partyCertificates: partyCertificates.map { URL(fileURLWithPath: $0) }),
            logger: Logger(label: "ketenpoort.receive"))
        let services = ServiceGroup(
            configuration: .init(services: [server], gracefulShutdownSignals: [.sigterm, .sigint], logger: Logger(label: "ketenpoort.receive")))
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await services.run() }
            let bound = try await server.boundPort()
            // Unbuffered, so a script that started this process can read the port at once.
            let line = "receiving on https://\(host):\(bound)/inbox/<party> (mutual TLS), storing in \(directory.path)\(partyDir ? "/<party>" : "")\n"
            FileHandle.standardOutput.write(Data(line.utf8))
            try await group.waitForAll()
        }
    }
}
