import Foundation
import KetenpoortCore
import KetenpoortTesting
import Testing

@testable import Sealing

/// `ketenpoort pki init` and `ketenpoort verify`, run as processes.
@Suite("CLI pki and verify")
struct CLITests {
    @Test("pki init creates the dev PKI for the built-in parties, then keeps it")
    func pkiInit() throws {
        let directory = try TempDirectory()
        defer { directory.remove() }
        let pki = directory.file("pki").path
        // A home without ketenpoort.yaml: the built-in dev parties.
        let first = try Binary.run(["pki", "init", "--dir", pki, "--home", directory.url.path])
        #expect(first.status == 0, "\(first)")
        #expect(first.stdout.contains("gateway   created"), "\(first)")
        #expect(first.stdout.contains("created \(3 + 2 * DevParties.identities.count) file(s), kept 0"), "\(first)")
        for identity in DevParties.identities {
            #expect(try DevPKI.signingIdentity(identity.id, in: directory.file("pki")).oin == identity.oin)
        }
        let second = try Binary.run(["pki", "init", "--dir", pki, "--home", directory.url.path])
        #expect(second.status == 0, "\(second)")
        #expect(second.stdout.contains("created 0 file(s)"), "\(second)")
    }

    @Test("pki init with a configuration issues for the gateway and every party of its registry")
    func pkiInitFromConfiguration() throws {
        let directory = try TempDirectory()
        defer { directory.remove() }
        let config = Binary.repositoryRoot.appendingPathComponent("ketenpoort.yaml").path
        let result = try Binary.run(["pki", "init", "--dir", directory.file("pki").path, "--config", config])
        #expect(result.status == 0, "\(result)")
        #expect(try DevPKI.signingIdentity("gateway", in: directory.file("pki")).oin?.value == "00000001234567890000")
        #expect(try DevPKI.signingIdentity("gm0363", in: directory.file("pki")).oin?.value == "00000001002564440000")
    }

    @Test("verify: 0 for a valid batch and record proof, 1 for a changed batch or a wrong proof, 2 for wrong usage")
    func verify() throws {
        let pki = try TestPKI()
        defer { pki.remove() }
        let sealed = try SampleBatch.seal(with: try pki.signer(), at: Date())
        let dir = pki.directory
        let batch = try dir.write("batch.jsonl", SampleBatch.payload).path
        let jws = try dir.write("batch.jws", Data((sealed.jws.compact + "\n").utf8)).path
        let ca = DevPKI.caCertificateFile(in: dir.url).path
        let proof = try dir.write("proof.json", try JSONEncoder().encode(sealed.inclusionProof(index: 1))).path
        let at = "2026-11-23T12:00:00+01:00"  // within the certificates' validity (TestPKI.now ± …)

        let valid = try Binary.run(["verify", batch, "--signature", jws, "--ca", ca, "--at", at])
        #expect(valid.status == 0, "\(valid)")
        #expect(valid.stdout.contains("b-2026-11-22-gm0363-1"), "\(valid)")
        #expect(valid.stdout.contains(sealed.header.merkleRoot), "\(valid)")

        let leaf = Hex.encode(SampleBatch.recordHashes[1])
        let included = try Binary.run([
            "verify", batch, "--signature", jws, "--ca", ca, "--at", at, "--proof", proof, "--record", "1", "--leaf", leaf,
        ])
        #expect(included.status == 0, "\(included)")
        #expect(included.stdout.contains("record 1"), "\(included)")

        let otherLeaf = Hex.encode(SampleBatch.recordHashes[2])
        let wrongLeaf = try Binary.run(["verify", batch, "--signature", jws, "--ca", ca, "--at", at, "--proof", proof, "--leaf", otherLeaf])
        #expect(wrongLeaf.status == 1, "\(wrongLeaf)")
        var forged = sealed.inclusionProof(index: 1)
        forged.leaf = otherLeaf
        let forgedProof = try dir.write("forged.json", try JSONEncoder().encode(forged)).path
        let notIncluded = try Binary.run(["verify", batch, "--signature", jws, "--ca", ca, "--at", at, "--proof", forgedProof])
        #expect(notIncluded.status == 1, "\(notIncluded)")
        #expect(notIncluded.stdout.contains("sealing.proof-invalid"), "\(notIncluded)")

        let changed = try dir.write("changed.jsonl", SampleBatch.payload + Data("x".utf8)).path
        let tampered = try Binary.run(["verify", changed, "--signature", jws, "--ca", ca, "--at", at])
        #expect(tampered.status == 1, "\(tampered)")
        #expect(tampered.stdout.contains("sealing.digest-mismatch"), "\(tampered)")

        let late = try Binary.run(["verify", batch, "--signature", jws, "--ca", ca, "--at", "2031-01-01T00:00:00Z"])
        #expect(late.status == 1, "\(late)")
        #expect(late.stdout.contains("sealing.certificate-untrusted"), "\(late)")

        let usage = try Binary.run(["verify", batch, "--signature", jws, "--ca", ca, "--record", "1"])
        #expect(usage.status == 2, "\(usage)")
        let missing = try Binary.run(["verify", dir.file("missing").path, "--signature", jws, "--ca", ca])
        #expect(missing.status == 2, "\(missing)")
    }
}

/// The `ketenpoort` binary next to this test bundle (same build folder).
enum Binary {
    static let repositoryRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    static let url: URL? = {
        let bundle = URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath()
        var candidates = [bundle.deletingLastPathComponent().appendingPathComponent("ketenpoort")]
        if let first = CommandLine.arguments.first {
            candidates.append(URL(fileURLWithPath: first).deletingLastPathComponent().appendingPathComponent("ketenpoort"))
        }
        return candidates.first { FileManager.default.isExecutableFile(atPath: $0.path) }
    }()

    struct Output: CustomStringConvertible {
        let status: Int32
        let stdout: String
        let stderr: String
        var description: String { "exit \(status)\n--- stdout\n\(stdout)\n--- stderr\n\(stderr)" }
    }

    static func run(_ arguments: [String]) throws -> Output {
        let process = Process()
        process.executableURL = try #require(url)
        process.arguments = arguments
        let directory = try TempDirectory()
        defer { directory.remove() }
        // Output goes to files, so a full pipe can never block the child.
        let out = directory.file("stdout"), err = directory.file("stderr")
        FileManager.default.createFile(atPath: out.path, contents: nil)
        FileManager.default.createFile(atPath: err.path, contents: nil)
        process.standardOutput = try FileHandle(forWritingTo: out)
        process.standardError = try FileHandle(forWritingTo: err)
        process.standardInput = FileHandle.nullDevice
        try process.run()
        process.waitUntilExit()
        return Output(
            status: process.terminationStatus, stdout: String(decoding: try Data(contentsOf: out), as: UTF8.self),
            stderr: String(decoding: try Data(contentsOf: err), as: UTF8.self))
    }
}
