import ArgumentParser
import Foundation
import Gateway
import HTTPClient
import KetenpoortCore

/// `ketenpoort deliver`: deliver the outbox now, retrying until done or out of time.
struct DeliverCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "deliver", abstract: "Deliver the pending batches of the outbox over mutual TLS (or: deliver cbs …).",
        discussion: "Exit status: 0 nothing left pending and nothing dead-lettered, 1 otherwise.",
        subcommands: [DeliverCbsCommand.self])

    @Option(help: "Give up waiting for retries after this many seconds.") var maxWait: Double = 60
    @OptionGroup var gateway: GatewayOptions

    func run() async throws {
        let runtime = try gateway.runtime()
        let client = CurlClient()
        let worker = DeliveryWorker(store: runtime.store, configuration: runtime.configuration, client: client, clock: runtime.clock)
        let round = try await worker.deliverUntilDone(deadline: Date().addingTimeInterval(maxWait))
        await client.shutdown()
        print("delivered \(round.delivered.count), dead-lettered \(round.deadLettered.count), still pending \(round.retrying.count)")
        for id in round.deadLettered { print("  DEAD-LETTERED \(id) (see `ketenpoort outbox list`, resend with `ketenpoort outbox resend \(id)`)") }
        if !round.deadLettered.isEmpty || !round.retrying.isEmpty { throw ExitCode(1) }
    }
}
