import Foundation
import Gateway
import KetenpoortTesting
import Testing

/// What deploy/ holds, checked by the tools an operator's pipeline would run.
@Suite("deploy/")
struct DeployTests {
    /// `systemd-analyze` on a copy of the unit whose ExecStart is the binary just built (verify
    /// checks that the program exists).
    static func analyze(_ arguments: [String]) async throws -> CLI.Output {
        let directory = try TempDirectory()
        defer { directory.remove() }
        let unit = try String(contentsOf: Repository.root.appendingPathComponent("deploy/systemd/ketenpoort.service"), encoding: .utf8)
        let copy = directory.file("ketenpoort.service")
        try unit.replacingOccurrences(of: "/opt/ketenpoort/bin/ketenpoort", with: try CLI.binary().path).write(
            to: copy, atomically: true, encoding: .utf8)
        return try await PythonTool.run(URL(fileURLWithPath: "/usr/bin/systemd-analyze"), arguments + [copy.path])
    }

    @Test("the systemd unit passes systemd-analyze verify, and its exposure is at most 2.0 (OK) by systemd-analyze security")
    func systemdUnit() async throws {
        let verified = try await Self.analyze(["verify"])
        #expect(verified.status == 0 && verified.stderr.isEmpty, "\(verified)")
        let security = try await Self.analyze(["security", "--offline=true", "--threshold=20"])
        #expect(security.status == 0, "\(security)")
        #expect(security.stdout.contains("Overall exposure level for ketenpoort.service"), "\(security)")
    }
}

/// The Kubernetes manifests.
extension DeployTests {
    static let manifests = Repository.root.appendingPathComponent("deploy/kubernetes")

    static func manifestFiles() throws -> [String] {
        try FileManager.default.contentsOfDirectory(atPath: manifests.path).filter { $0.hasSuffix(".yaml") }.sorted().map {
            manifests.appendingPathComponent($0).path
        }
    }

    @Test("the Kubernetes manifests are valid for Kubernetes 1.30 (kubernetes-validate, strict)")
    func kubernetesValid() async throws {
        let validate = try await PythonTool.executable("kubernetes-validate", of: "kubernetes-validate")
        let result = try await PythonTool.run(validate, ["--strict", "--kubernetes-version", "1.30.0"] + (try Self.manifestFiles()))
        #expect(result.status == 0, "\(result)")
    }

    @Test("checkov finds no failed check in the Kubernetes manifests (a skipped one says why, in place)")
    func checkovClean() async throws {
        let checkov = try await PythonTool.executable("checkov", of: "checkov")
        let result = try await PythonTool.run(
            checkov, ["--directory", Self.manifests.path, "--framework", "kubernetes", "--quiet", "--compact", "--output", "cli", "--skip-download"])
        #expect(result.status == 0, "\(result)")
    }

    @Test("the ConfigMap's ketenpoort.yaml is a configuration the gateway loads: several nodes on PostgreSQL, health probes on")
    func configMapLoads() throws {
        let text = try String(contentsOf: Self.manifests.appendingPathComponent("configmap.yaml"), encoding: .utf8)
        let marker = "  ketenpoort.yaml: |\n"
        let body = try #require(text.range(of: marker)).upperBound
        let yaml = text[body...].split(separator: "\n", omittingEmptySubsequences: false).map { $0.hasPrefix("    ") ? $0.dropFirst(4) : $0 }
            .joined(separator: "\n")
        let directory = try TempDirectory()
        defer { directory.remove() }
        try yaml.write(to: directory.file("ketenpoort.yaml"), atomically: true, encoding: .utf8)
        let configuration = try GatewayConfiguration.load(contentsOf: directory.file("ketenpoort.yaml"))
        guard case .postgres = configuration.store.engine else {
            Issue.record("the manifests' nodes share one PostgreSQL")
            return
        }
        #expect(configuration.health?.port == 8081 && configuration.server.port == 8443)
    }
}
