import ArgumentParser
import Foundation
import Gateway
import Sealing

/// `ketenpoort pki init --dir <dir> [--force]`
struct PKICommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "pki",
        abstract: "Development certificates and keys.",
        subcommands: [PKIInitCommand.self]
    )
}

/// `ketenpoort pki init`: a dev CA, and a key and certificate for the gateway and every known party.
struct PKIInitCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "init",
        abstract: "Create a development CA and a key + certificate per party (OIN in the subject serialNumber).",
        discussion: "For development only. Existing files are kept unless --force. Keys are written with mode 0600: keep the folder out of git."
    )

    @Option(help: "Directory for the PEM files, e.g. var/pki.") var dir: String
    @Option(
        help:
            "Issue for the gateway and every party of this configuration's registry (default: ketenpoort.yaml when present, else a built-in dev list)."
    )
    var config: String?
    @Flag(help: "Replace existing files.") var force = false
    @OptionGroup var workspace: WorkspaceOptions

    /// The gateway and the registry's parties, or the built-in list when there is no configuration.
    func identities() throws -> [DevPKI.Identity] {
        let url = config.map { URL(fileURLWithPath: $0) } ?? workspace.root.appendingPathComponent("ketenpoort.yaml")
        guard config != nil || FileManager.default.fileExists(atPath: url.path) else { return DevParties.identities }
        let configuration = try GatewayConfiguration.load(contentsOf: url)
        return try configuration.devIdentities()
    }

    func run() throws {
        let directory = URL(fileURLWithPath: dir)
        let identities = try identities()
        let report = try DevPKI.initialize(directory: directory, parties: identities, now: Date(), force: force)
        let created = Set(report.created.map(\.lastPathComponent))
        func state(_ file: URL) -> String { created.contains(file.lastPathComponent) ? "created" : "kept   " }
        func pad(_ text: String) -> String { text + String(repeating: " ", count: max(0, 10 - text.count)) }

        var lines = ["dev PKI in \(dir) (development only; keep it out of git)"]
        let caFile = DevPKI.caCertificateFile(in: directory)
        lines.append("  \(pad("ca"))\(state(caFile))  ca.pem, ca-key.pem  \(DevPKI.caCommonName)")
        for identity in identities {
            let file = DevPKI.certificateFile(for: identity.id, in: directory)
            lines.append(
                "  \(pad(identity.id))\(state(file))  \(identity.id).pem, \(identity.id)-key.pem  OIN \(identity.oin)  \(identity.organisation)")
        }
        lines.append("created \(report.created.count) file(s), kept \(report.kept.count)")
        print(lines.joined(separator: "\n"))
    }
}
