import ArgumentParser
import Foundation
import Gateway
import KetenpoortCore
import Store

extension IncidentsCommand {
    /// `ketenpoort incidents report misdelivery --batch <id> [--record <index>…]`.
    struct Report: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Report an incident an operator learnt of.", subcommands: [Misdelivery.self])

        struct Misdelivery: ParsableCommand {
            static let configuration = CommandConfiguration(
                abstract: "A recipient received something not meant for it: subjects and categories are read from the sealed batch.")
            @Option(help: "The batch that went to the wrong recipient.") var batch: BatchID
            @Option(name: .customLong("record"), help: "Index (from 0) of a record that was not meant for it; all when omitted.") var records: [Int] =
                []
            @OptionGroup var gateway: GatewayOptions

            func run() throws {
                let runtime = try gateway.runtime()
                let register = runtime.incidentRegister()
                let pseudonym = try runtime.subjectPseudonym()
                try IncidentsCommand.refusing {
                    let incident = try MisdeliveryReport.open(
                        batch: batch, indexes: records, adapters: runtime.workspace.adapters, store: runtime.store, register: register,
                        pseudonym: pseudonym, at: runtime.clock.now())
                    print("\(incident.id): misdelivery of batch \(batch) to \(incident.recipient) recorded (data left the gateway)")
                    print(
                        "  subjects \(incident.subjectCount), records \(incident.recordCount), categories \(incident.categories.map(\.rawValue).joined(separator: ", "))"
                    )
                    print(
                        "  severity \(incident.severity.rawValue); the AP notification is due \(IncidentDeadline.local(IncidentDeadline(detectedAt: incident.detectedAt, status: .open).notificationDue))"
                    )
                }
            }
        }
    }

    /// `ketenpoort incidents export <id> --out <dir>`: the AP notification draft.
    struct Export: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Write the AP breach-form facts of an incident as JSON and Markdown (no BSN, no name).")
        @Argument(help: "The incident id.") var id: String
        @Option(help: "The directory to write <id>.json and <id>.md into.") var out: String
        @OptionGroup var gateway: GatewayOptions

        func run() throws {
            let runtime = try gateway.runtime()
            let register = runtime.incidentRegister()
            try IncidentsCommand.refusing {
                guard let state = try runtime.store.read({ tx in try register.state(id: id, in: tx) }) else {
                    throw KetenpoortError(.incidentUnknown, "no incident '\(id)' in the register")
                }
                let draft = BreachNotification(state)
                let directory = URL(fileURLWithPath: out)
                let encoder = JSONEncoder()
                encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
                do {
                    try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
                    try encoder.encode(draft).write(to: directory.appendingPathComponent("\(id).json"))
                    try Data(draft.markdown.utf8).write(to: directory.appendingPathComponent("\(id).md"))
                } catch {
                    throw KetenpoortError(.outputUnwritable, "\(out): the draft cannot be written")
                }
                print("wrote \(out)/\(id).json and \(out)/\(id).md")
            }
        }
    }
}
