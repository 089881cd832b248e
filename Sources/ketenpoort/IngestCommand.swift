import Adapters
import ArgumentParser
import Exchanges
import Foundation
import Gateway
import HTTPClient
import KetenpoortCore

/// `ketenpoort ingest duo|consent|argonaut <file>`: take in a partner's file now.
struct IngestCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "ingest",
        abstract: "Take in a partner's file now: a DUO status extract (duo), the consent register (consent) or Argonaut's medical advice (argonaut).",
        discussion: """
            duo: applies a DUO status extract to the status store, all or nothing (formats.md §3). consent: applies DUO's consent \
            feed (formats.md §7) to the register, then releases every held advice whose consent is now valid. argonaut: validates \
            the advices (formats.md §6); one with a valid medisch-advies consent for DUO is sealed for DUO, the rest are held \
            (listed by advice id). Reports show counts and ids only.
            Exit status: 0 taken in (quarantined items are reported, as by validate; duo: also the same file again), \
            1 the file was rejected (nothing of it applied), 2 wrong usage, 3 the gateway cannot run.
            """
    )

    @Argument(help: "What to ingest (duo, consent, argonaut).") var feed: String
    @Argument(help: "The file (duo-inburgering-YYYYMMDD.dat, or JSON lines).") var file: String
    @Flag(help: "Print the report as JSON.") var json = false
    @Flag(help: "Deliver the outbox right after (as the running gateway would).") var deliver = false
    @Option(help: "With --deliver: give up waiting for retries after this many seconds.") var maxWait: Double = 60
    @OptionGroup var gateway: GatewayOptions

    func validate() throws {
        guard ["duo", "consent", "argonaut"].contains(feed) else { throw ValidationError("unknown feed '\(feed)' (known: duo, consent, argonaut)") }
    }

    func run() async throws {
        let url = URL(fileURLWithPath: file)
        guard FileManager.default.isReadableFile(atPath: url.path) else { throw ValidationError("cannot read \(file)") }
        let runtime = try gateway.runtime()
        let validation: ValidationReport
        switch feed {
        case "duo":
            var ingest = try runtime.duoIngest()
            ingest.progress = Progress("duo-ingest")
            let report = try ingest.run(file: url)
            print(json ? try Self.json(report, pretty: true) : HumanReport.duoIngest(report))
            if report.outcome == .rejected { throw ExitCode(1) }
            return
        case "consent":
            let report = try runtime.consentIngest().run(file: url)
            print(json ? try Self.json(report) : HumanReport.consent(report))
            validation = report.validation
        default:
            let report = try runtime.adviceFlow().ingest(file: url)
            print(json ? try Self.json(report) : HumanReport.advice(report))
            validation = report.validation
        }
        if deliver {
            let client = CurlClient()
            let round = try await DeliveryWorker(store: runtime.store, configuration: runtime.configuration, client: client, clock: runtime.clock)
                .deliverUntilDone(deadline: Date().addingTimeInterval(maxWait))
            await client.shutdown()
            if !json { print("delivered \(round.delivered.count), dead-lettered \(round.deadLettered.count), still pending \(round.retrying.count)") }
        }
        if validation.isRejected { throw ExitCode(1) }
    }

    static func json(_ value: some Encodable, pretty: Bool = false) throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = pretty ? [.prettyPrinted, .sortedKeys] : [.sortedKeys]
        return String(decoding: try encoder.encode(value), as: UTF8.self)
    }
}

extension HumanReport {
    static func duoIngest(_ report: DuoIngestReport) -> String {
        let previous = report.previousSequence.map { "previous \($0)" } ?? "no previous extract: this one sets the baseline"
        let header = "  sequence \(report.sequence.map(String.init) ?? "?") (\(previous)), created \(report.creationDate ?? "?")"
        switch report.outcome {
        case .alreadyApplied:
            return "\(report.file)\n\(header)\n  ALREADY APPLIED: \(report.reason ?? "")\n  persons in the store: \(report.persons)"
        case .rejected:
            var text = validation(report.validation, file: report.file, limit: 20)
            if let reason = report.reason { text += "\n  reason: \(reason)" }
            text += "\n  the status store is unchanged (\(report.persons) persons, sequence \(report.previousSequence.map(String.init) ?? "none"))"
            return text
        case .applied:
            var text = validation(report.validation, file: report.file, limit: 20)
            text += "\n\(header)"
            text += "\n  applied in one transaction: new \(report.inserted), changed \(report.changed), unchanged \(report.unchanged)"
            text +=
                "\n  quarantined: \(report.kept) keep their previous status, \(report.notAdded) not added (unknown before), \(report.unidentified) without a usable BSN"
            text += "\n  removed (absent from this extract): \(report.removed)   persons in the store: \(report.persons)"
            text +=
                "\n  balance: \(report.inserted + report.changed + report.unchanged) applied + \(report.kept + report.notAdded + report.unidentified) quarantined = \(report.validation.items) records \(report.isBalanced ? "✓" : "✗")"
            return text
        }
    }

    static func consent(_ report: ConsentIngestReport) -> String {
        var text = validation(report.validation, file: "consent feed", limit: 50)
        guard !report.validation.isRejected else { return text }
        text += "\n  applied (new versions): \(report.applied)   unchanged (repeats): \(report.unchanged)"
        text +=
            "\n  balance: \(report.applied) applied + \(report.unchanged) unchanged + \(report.validation.quarantined) quarantined = \(report.validation.items) items \(report.isBalanced ? "✓" : "✗")"
        if let release = report.release { text += "\n" + self.release(release) }
        return text
    }

    static func advice(_ report: AdviceIngestReport) -> String {
        var text = validation(report.validation, file: "medical advices", limit: 50)
        guard !report.validation.isRejected else { return text }
        text += "\n  received: \(report.received.count)   already known (not taken again): \(report.alreadyKnown.count)"
        text +=
            "\n  balance: \(report.received.count) received + \(report.alreadyKnown.count) already known + \(report.validation.quarantined) quarantined = \(report.validation.items) items \(report.isBalanced ? "✓" : "✗")"
        return text + "\n" + release(report.release)
    }

    /// Advice ids only: never a BSN, never the advice.
    static func release(_ release: AdviceRelease) -> String {
        var lines = ["  released to DUO (sealed into the outbox): \(release.released.count)"]
        for (id, batch) in zip(release.released, release.batches) { lines.append("    \(id)  batch \(batch)") }
        lines.append("  HELD (no valid medisch-advies consent for DUO; never delivered while held): \(release.held.count)")
        if !release.held.isEmpty { lines.append("    " + release.held.joined(separator: ", ")) }
        if let reason = release.notReleasable { lines.append("  NOT RELEASABLE: \(reason)") }
        if !release.recalled.isEmpty {
            lines.append("  RECALLED (sealed, not yet delivered, consent ended; never sent, deleted): \(release.recalled.count)")
            lines.append("    " + release.recalled.joined(separator: ", "))
        }
        return lines.joined(separator: "\n")
    }
}
