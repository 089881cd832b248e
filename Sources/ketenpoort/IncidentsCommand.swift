import ArgumentParser
import Foundation
import Gateway
import KetenpoortCore
import Store

/// `ketenpoort incidents`: the register of personal-data breaches and near misses, their GDPR
/// art. 33 clock, their workflow, and the AP notification draft.
struct IncidentsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "incidents", abstract: "List, assess, report and export personal-data breach incidents.",
        discussion:
            "Exit status: 0 done, 1 refused (a transition the workflow does not allow, a batch that cannot be read), 2 wrong usage, 3 the gateway cannot run.",
        subcommands: [List.self, Assess.self, Notify.self, NotNotifiable.self, Close.self, Report.self, Export.self])

    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Open incidents with the time left until the 72-hour notification deadline.")
        @Flag(help: "Print JSON.") var json = false
        @Flag(help: "Include closed incidents.") var all = false
        @OptionGroup var gateway: GatewayOptions

        func run() throws {
            let runtime = try gateway.runtime()
            let register = runtime.incidentRegister()
            let now = runtime.clock.now()
            let (states, alerts) = try runtime.store.read { tx in
                (try register.states(includeClosed: all, in: tx), try register.alerts(in: tx))
            }
            let overdue = states.filter { $0.deadline.isOverdue(at: now) }.count
            if json {
                print(try IncidentListing(states: states, now: now, alerts: alerts.count, overdue: overdue).json())
                return
            }
            print(IncidentListing(states: states, now: now, alerts: alerts.count, overdue: overdue).table())
        }
    }

    struct Assess: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Mark an open incident assessed.")
        @Argument(help: "The incident id.") var id: String
        @Option(help: "The assessment, without personal data.") var reason: String?
        @OptionGroup var gateway: GatewayOptions
        func run() throws { try IncidentsCommand.move(id, to: .assessed, reason: reason, gateway: gateway) }
    }

    struct Notify: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Record that the AP was notified (after assessment).")
        @Argument(help: "The incident id.") var id: String
        @Option(help: "E.g. the AP's reference number.") var reason: String?
        @OptionGroup var gateway: GatewayOptions
        func run() throws { try IncidentsCommand.move(id, to: .notified, reason: reason, gateway: gateway) }
    }

    struct NotNotifiable: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "not-notifiable", abstract: "Record that the breach need not be notified, and why.")
        @Argument(help: "The incident id.") var id: String
        @Option(help: "Why the breach is unlikely to harm the subjects (required).") var reason: String
        @OptionGroup var gateway: GatewayOptions
        func run() throws { try IncidentsCommand.move(id, to: .notNotifiable, reason: reason, gateway: gateway) }
    }

    struct Close: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Close a notified or not-notifiable incident.")
        @Argument(help: "The incident id.") var id: String
        @Option(help: "What was done, without personal data.") var reason: String?
        @OptionGroup var gateway: GatewayOptions
        func run() throws { try IncidentsCommand.move(id, to: .closed, reason: reason, gateway: gateway) }
    }

    /// Appends the status change; a refused transition exits 1 with the reason.
    static func move(_ id: String, to status: IncidentStatus, reason: String?, gateway: GatewayOptions) throws {
        let runtime = try gateway.runtime()
        let register = runtime.incidentRegister()
        try refusing {
            let event = try runtime.store.write { tx in try register.move(id, to: status, reason: reason, in: tx) }
            print("\(id) is \(event.status.rawValue) (\(IncidentDeadline.local(event.at)))")
        }
    }

    /// Runs `body`; an incident that is unknown or refused ends the command with exit status 1.
    static func refusing(_ body: () throws -> Void) throws {
        do {
            try body()
        } catch let error as KetenpoortError where error.code == .incidentRefused || error.code == .incidentUnknown {
            FileHandle.standardError.write(Data("ketenpoort: \(error.reason)\n".utf8))
            throw ExitCode(1)
        }
    }
}
