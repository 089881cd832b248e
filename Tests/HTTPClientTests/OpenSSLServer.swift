import Foundation
import KetenpoortCore
import Sealing

/// `openssl s_server` on loopback with only the suites given, presenting an RSA certificate for
/// `party` from the trusted dev CA (SAN 127.0.0.1, its OIN): a receiver that does what our own
/// servers never would.
final class OpenSSLServer: @unchecked Sendable {
    let port: Int
    private let process: Process
    private let directory: URL

    /// Starts it and returns once it accepts connections (it says so on standard output).
    static func start(ciphers: String, party: DevPKI.Identity, pki: URL) async throws -> OpenSSLServer {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("openssl-server-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let key = directory.appendingPathComponent("key.pem"), request = directory.appendingPathComponent("request.pem")
        let certificate = directory.appendingPathComponent("certificate.pem"), extensions = directory.appendingPathComponent("extensions.cnf")
        try "subjectAltName=IP:127.0.0.1\nextendedKeyUsage=serverAuth\nkeyUsage=critical,digitalSignature,keyEncipherment\n"
            .write(to: extensions, atomically: true, encoding: .utf8)
        try await run(["genrsa", "-out", key.path, "2048"])
        try await run([
            "req", "-new", "-key", key.path, "-out", request.path, "-subj",
            "/C=NL/O=\(party.organisation)/serialNumber=\(party.oin.value)/CN=\(party.id)",
        ])
        try await run([
            "x509", "-req", "-in", request.path, "-CA", DevPKI.caCertificateFile(in: pki).path, "-CAkey", DevPKI.caPrivateKeyFile(in: pki).path,
            "-set_serial", String(UInt32.random(in: 1...UInt32.max)), "-days", "2", "-extfile", extensions.path, "-out", certificate.path,
        ])
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/openssl")
        process.arguments = [
            "s_server", "-accept", "127.0.0.1:0", "-tls1_2", "-cipher", ciphers, "-cert", certificate.path, "-key", key.path, "-www",
        ]
        let output = Pipe()
        process.standardInput = FileHandle.nullDevice
        process.standardOutput = output
        process.standardError = FileHandle.nullDevice
        try process.run()
        guard let port = await acceptedPort(output.fileHandleForReading) else {
            kill(process.processIdentifier, SIGKILL)
            throw KetenpoortError(.transportServerUnavailable, "openssl s_server did not start")
        }
        return OpenSSLServer(port: port, process: process, directory: directory)
    }

    private init(port: Int, process: Process, directory: URL) {
        self.port = port
        self.process = process
        self.directory = directory
    }

    /// Kills it (SIGKILL: a test process that runs services ignores SIGTERM, and its children
    /// inherit that) and waits for it on a thread of its own.
    func stop() async {
        kill(process.processIdentifier, SIGKILL)
        let process = self.process
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            Thread.detachNewThread {
                process.waitUntilExit()
                continuation.resume()
            }
        }
        try? FileManager.default.removeItem(at: directory)
    }

    /// The port of the `ACCEPT 127.0.0.1:<port>` line, read on a thread of its own.
    private static func acceptedPort(_ handle: FileHandle) async -> Int? {
        await withCheckedContinuation { continuation in
            Thread.detachNewThread {
                var line = ""
                while let byte = try? handle.read(upToCount: 1), !byte.isEmpty {
                    guard byte != Data("\n".utf8) else {
                        if line.hasPrefix("ACCEPT ") { return continuation.resume(returning: line.split(separator: ":").last.flatMap { Int($0) }) }
                        line = ""
                        continue
                    }
                    line += String(decoding: byte, as: UTF8.self)
                }
                continuation.resume(returning: nil)
            }
        }
    }

    /// `openssl <arguments>`, waited for on a thread of its own.
    private static func run(_ arguments: [String]) async throws {
        let status: Int32 = try await withCheckedThrowingContinuation { continuation in
            Thread.detachNewThread {
                let process = Process()
                process.executableURL = URL(fileURLWithPath: "/usr/bin/openssl")
                process.arguments = arguments
                process.standardInput = FileHandle.nullDevice
                process.standardOutput = FileHandle.nullDevice
                process.standardError = FileHandle.nullDevice
                do {
                    try process.run()
                    process.waitUntilExit()
                    continuation.resume(returning: process.terminationStatus)
                } catch {
                    continuation.resume(throwing: error)
                }
            }
        }
        guard status == 0 else { throw KetenpoortError(.transportServerUnavailable, "openssl \(arguments[0]) failed (\(status))") }
    }
}
