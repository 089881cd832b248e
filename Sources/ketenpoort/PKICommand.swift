import ArgumentParser
import Foundation
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
    @Flag(help: "Replace existing files.") var force = false

    func run() throws {
        let directory = URL(fileURLWithPath: dir)
        let report = try DevPKI.initialize(directory: directory, parties: DevParties.identities, now: Date(), force: force)
        let created = Set(report.created.map(\.lastPathComponent))
        func state(_ file: URL) -> String { created.contains(file.lastPathComponent) ? "created" : "kept   " }
        func pad(_ text: String) -> String { text + String(repeating: " ", count: max(0, 10 - text.count)) }

        var lines = ["dev PKI in \(dir) (development only; keep it out of git)"]
        let caFile = DevPKI.caCertificateFile(in: directory)
        lines.append("  \(pad("ca"))\(state(caFile))  ca.pem, ca-key.pem  \(DevPKI.caCommonName)")
        for identity in DevParties.identities {
            let file = DevPKI.certificateFile(for: identity.id, in: directory)
            lines.append(
                "  \(pad(identity.id))\(state(file))  \(identity.id).pem, \(identity.id)-key.pem  OIN \(identity.oin)  \(identity.organisation)")
        }
        lines.append("created \(report.created.count) file(s), kept \(report.kept.count)")
        print(lines.joined(separator: "\n"))
    }
}
