import Foundation
import KetenpoortCore
import KetenpoortTesting
import Store
import Testing

/// `incidents` and `audit` through the binary, on a synced and delivered night.
@Suite("incidents and audit commands")
struct IncidentsCLITests {
    /// The day after the fixture's PKI was made, so checkpoints the commands sign verify.
    static let environment = ["KETENPOORT_NOW": "2026-11-25T12:00:00+01:00"]

    static func run(_ fixture: SyncFixture, _ arguments: [String]) async throws -> CLI.Output {
        try await CLI.runDetached(arguments + ["--config", fixture.directory.file("ketenpoort.yaml").path], environment: environment)
    }

    @Test("outbox resend of a delivered batch, or of one the outbox does not hold, says so in one line with exit 1")
    func resendRefused() async throws {
        let fixture = try await MisdeliveryTests.deliveredNight()
        defer { fixture.directory.remove() }
        let batch = try #require(try await fixture.runtime.store.read { try $0.batches(status: .delivered) }.first)
        let delivered = try await Self.run(fixture, ["outbox", "resend", batch.id.value])
        #expect(delivered.status == 1, "\(delivered)")
        #expect(
            delivered.stderr
                == "ketenpoort: batch \(batch.id) was delivered already: nothing to resend (`ketenpoort audit` and the receipt prove it)\n")
        let unknown = try await Self.run(fixture, ["outbox", "resend", "coa-gemeenten-20261122-GM9999-1"])
        #expect(unknown.status == 1, "\(unknown)")
        #expect(unknown.stderr.hasSuffix("`ketenpoort outbox list` shows what it holds\n") && !unknown.stderr.contains("Usage"))
        #expect(try await fixture.runtime.store.read { try $0.batches(status: .delivered) }.contains { $0.id == batch.id }, "nothing changed")
    }

    @Test("report misdelivery, list with the deadline, assess, refuse a wrong step, export without BSN or name")
    func incidents() async throws {
        let fixture = try await MisdeliveryTests.deliveredNight()
        defer { fixture.directory.remove() }
        let batch = try #require(try await fixture.runtime.store.read { try $0.batches(status: .delivered) }.first { $0.recipient == "gm0363" })
        let reported = try await Self.run(
            fixture, ["incidents", "report", "misdelivery", "--batch", batch.id.value, "--record", "0", "--record", "2"])
        #expect(reported.status == 0, "\(reported)")
        #expect(reported.stdout.contains("subjects 2, records 2"))
        let again = try await Self.run(fixture, ["incidents", "report", "misdelivery", "--batch", batch.id.value])
        #expect(again.status == 1, "\(again)")

        let id = "misdelivery-\(batch.id)"
        let listed = try await Self.run(fixture, ["incidents", "list", "--json"])
        #expect(listed.status == 0, "\(listed)")
        let document = try listed.json()
        let incidents = try #require(document["incidents"] as? [[String: Any]])
        #expect(incidents.count == 1)
        #expect(incidents[0]["id"] as? String == id)
        #expect(incidents[0]["status"] as? String == "open")
        #expect(incidents[0]["leftGateway"] as? Bool == true)
        #expect(incidents[0]["subjects"] as? Int == 2)
        #expect(incidents[0]["secondsLeft"] as? Int == 72 * 3600)
        #expect(incidents[0]["notificationDue"] as? String == "2026-11-28T12:00:00+01:00")
        #expect(document["alerts"] as? Int == 0)

        // 49 hours later, still unassessed: the alert shows and is logged (without personal data).
        let late = try await CLI.runDetached(
            ["incidents", "list", "--config", fixture.directory.file("ketenpoort.yaml").path],
            environment: ["KETENPOORT_NOW": "2026-11-27T13:00:00+01:00"])
        #expect(late.stdout.contains("ALERT"), "\(late)")
        #expect(late.stdout.contains("1 alert(s)"))
        #expect(late.stderr.contains("unassessed for 48 hours"))

        let wrong = try await Self.run(fixture, ["incidents", "notify", id])
        #expect(wrong.status == 1)
        #expect(wrong.stderr.contains("cannot become notified"))
        #expect(try await Self.run(fixture, ["incidents", "assess", id, "--reason", "two records, identifiers and intake data"]).status == 0)
        #expect(try await Self.run(fixture, ["incidents", "notify", id, "--reason", "AP reference M-2026-0001"]).status == 0)

        let out = fixture.directory.file("draft")
        let exported = try await Self.run(fixture, ["incidents", "export", id, "--out", out.path])
        #expect(exported.status == 0, "\(exported)")
        let json = try String(contentsOf: out.appendingPathComponent("\(id).json"), encoding: .utf8)
        let markdown = try String(contentsOf: out.appendingPathComponent("\(id).md"), encoding: .utf8)
        let personal = try PersonalData.of(["tvs-export-20261121.csv", "tvs-export-20261122.csv"]) + Array(try PrivacyTests.bsns())
        #expect(PersonalData.leaks(json + markdown, personal).isEmpty)
        #expect(PersonalData.leaks(reported.stdout + reported.stderr + listed.stdout + late.stderr, personal).isEmpty)
        #expect(json.contains("\"approximateNumberOfSubjects\" : 2"))
        #expect(markdown.contains("notified: AP reference M-2026-0001"))
    }

    @Test("audit verify passes, then names the entry edited in the file; audit prove exports what openssl checks")
    func audit() async throws {
        let fixture = try await MisdeliveryTests.deliveredNight()
        defer { fixture.directory.remove() }
        let verified = try await Self.run(fixture, ["audit", "verify"])
        #expect(verified.status == 0, "\(verified)")
        #expect(verified.stdout.contains("audit chain intact"))

        let batch = try #require(try await fixture.runtime.store.read { try $0.batches(status: .delivered) }.first { $0.recipient == "gm0344" })
        let out = fixture.directory.file("proof")
        let proved = try await Self.run(fixture, ["audit", "prove", "--batch", batch.id.value, "--out", out.path])
        #expect(proved.status == 0, "\(proved)")
        let files = try FileManager.default.contentsOfDirectory(atPath: out.path)
        #expect(
            Set(files).isSuperset(of: ["README.md", "batch.jws", "batch-header.json", "checkpoint.jws", "checkpoint.json", "proof.json", "chain"]))
        #expect(!files.contains("batch.payload"))
        var exported = ""
        for file in try FileManager.default.subpathsOfDirectory(atPath: out.path) where !file.hasSuffix(".der") && file.contains(".") {
            exported += (try? String(contentsOf: out.appendingPathComponent(file), encoding: .utf8)) ?? ""
        }
        #expect(PersonalData.leaks(exported, Array(try PrivacyTests.bsns())).isEmpty)

        // The auditor's commands from the README, with standard tools.
        if FileManager.default.isExecutableFile(atPath: "/usr/bin/openssl") {
            try FileManager.default.copyItem(at: fixture.directory.file("var/pki/ca.pem"), to: out.appendingPathComponent("ca.pem"))
            let readme = try String(contentsOf: out.appendingPathComponent("README.md"), encoding: .utf8)
            let script = readme.components(separatedBy: "```sh\n")[1].components(separatedBy: "```")[0]
            let shell = Process()
            shell.executableURL = URL(fileURLWithPath: "/bin/sh")
            shell.arguments = ["-e", "-c", script]
            shell.currentDirectoryURL = out
            let pipe = Pipe()
            shell.standardOutput = pipe
            shell.standardError = pipe
            try shell.run()
            let output = String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
            shell.waitUntilExit()
            #expect(shell.terminationStatus == 0, "\(output)")
            #expect(output.contains("signer.pem: OK"), "\(output)")
            #expect(output.contains("Verified OK"), "\(output)")
            #expect(output.contains("the chain reaches the signed checkpoint"), "\(output)")
            #expect(!output.contains("BROKEN"), "\(output)")
            #expect(output.contains("\"merkleRoot\":\"\(batch.merkleRoot)\""))
        }

        try AuditChainTests.tamper(fixture, "UPDATE audit_entry SET payload = replace(payload, 'gm0', 'gm9') WHERE seq = 2")
        let broken = try await Self.run(fixture, ["audit", "verify"])
        #expect(broken.status == 1, "\(broken)")
        #expect(broken.stdout.contains("entry 2 altered"), "\(broken)")
    }
}
