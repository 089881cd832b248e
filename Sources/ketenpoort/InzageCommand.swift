import ArgumentParser
import Foundation
import GatewayHTTP
import KetenpoortCore

/// `ketenpoort inzage <bsn>`: for a subject access request, every processing of that person's data
/// on record — when, by whom, for which purpose. The number itself is never printed.
struct InzageCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "inzage", abstract: "List every processing of one person's data on record (a GDPR subject access request).",
        discussion:
            "The request is itself logged in the processing log. Exit status: 0 done, 2 wrong usage (not a valid BSN), 3 the gateway cannot run.")

    @Argument(help: "The person's BSN (9 digits passing the 11-test; 8 get their leading 0 back).") var bsn: String
    @Flag(help: "Print JSON.") var json = false
    @OptionGroup var gateway: GatewayOptions

    func validate() throws {
        guard BSN(bsn) != nil else { throw ValidationError("not a valid BSN (9 digits passing the 11-test, or 8 that do with a leading 0)") }
    }

    func run() throws {
        let processings = try SubjectAccess(runtime: try gateway.runtime()).processings(of: BSN(bsn)!)
        if json {
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
            print(String(decoding: try encoder.encode(["verwerkingen": processings]), as: UTF8.self))
            return
        }
        print("Verwerkingen van de gegevens van deze persoon (\(processings.count)):")
        for processing in processings {
            print("- \(processing.when)  \(processing.activity)")
            print("    door/voor: \(processing.by)")
            print("    doel:      \(processing.purpose)")
            print("    \(processing.details)")
        }
    }
}
