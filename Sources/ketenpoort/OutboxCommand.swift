import ArgumentParser
import Foundation
import Gateway
import KetenpoortCore
import Store

/// `ketenpoort outbox list`: what waits to be delivered, what was, and what needs an operator.
struct OutboxCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "outbox", abstract: "See the sealed batches and their delivery state.", subcommands: [List.self, Resend.self])

    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List the batches in the outbox.")
        @Option(help: "Only batches with this status (\(BatchStatus.allCases.map(\.rawValue).joined(separator: ", "))).") var status: String?
        @OptionGroup var gateway: GatewayOptions

        func run() throws {
            var filter: BatchStatus?
            if let status {
                guard let parsed = BatchStatus(rawValue: status) else { throw ValidationError("unknown status '\(status)'") }
                filter = parsed
            }
            let batches = try gateway.runtime().store.read { try $0.batches(status: filter) }
            print("batch                                        recipient  records  status         attempts")
            for batch in batches {
                let id = batch.id.value.padding(toLength: 44, withPad: " ", startingAt: 0)
                let recipient = batch.recipient.padding(toLength: 9, withPad: " ", startingAt: 0)
                print(
                    "\(id) \(recipient)  \(String(batch.recordCount).padding(toLength: 7, withPad: " ", startingAt: 0))  \(batch.status.rawValue.padding(toLength: 13, withPad: " ", startingAt: 0))  \(batch.attempts)"
                )
            }
            print("\(batches.count) batch(es)")
        }
    }

    struct Resend: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Put a dead-lettered batch back in line (same id, same bytes).")
        @Argument(help: "The batch id.") var batch: BatchID
        @OptionGroup var gateway: GatewayOptions

        func run() throws {
            let runtime = try gateway.runtime()
            switch try DeadLetters(store: runtime.store, audit: runtime.auditChain(), clock: runtime.clock).resend(batch, by: .localUser) {
            case .resent: break
            case .unknown:
                FileHandle.standardError.write(
                    Data("ketenpoort: no batch '\(batch)' in the outbox; `ketenpoort outbox list` shows what it holds\n".utf8))
                throw ExitCode.failure
            case .refused(let status):
                let line =
                    status == .delivered
                    ? "batch \(batch) was delivered already: nothing to resend (`ketenpoort audit` and the receipt prove it)"
                    : "batch \(batch) is \(status.rawValue): only a dead-lettered batch is resent; a pending one goes out by itself"
                FileHandle.standardError.write(Data("ketenpoort: \(line)\n".utf8))
                throw ExitCode.failure
            }
            print("\(batch) is pending again; `ketenpoort deliver` (or the running gateway) sends it")
        }
    }
}
