import ArgumentParser
import Foundation
import Gateway
import KetenpoortCore
import Sealing

/// `ketenpoort audit`: check the tamper-evident audit chain, sign a checkpoint, export the proof of a batch.
struct AuditCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "audit", abstract: "Verify the audit chain, sign a checkpoint, or export the proof of what a batch was.",
        subcommands: [Verify.self, Checkpoint.self, Prove.self])

    struct Verify: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Check every entry and checkpoint; name the first entry altered, removed or reordered.",
            discussion: "Exit status: 0 intact, 1 broken, 2 wrong usage, 3 the gateway cannot run.")
        @Option(help: "PEM file with the CA(s) checkpoint signers must chain to (default: the gateway's caBundle).") var ca: String?
        @OptionGroup var gateway: GatewayOptions

        func run() async throws {
            let runtime = try gateway.runtime()
            let roots = try PEMFiles.loadCertificates(ca.map { URL(fileURLWithPath: $0) } ?? runtime.configuration.identity.caBundle)
            let outcome = try await AuditVerifier(trustedRoots: roots).verify(runtime.store)
            let checkpoints = "\(outcome.checkpoints) signed checkpoint(s)" + (outcome.lastCheckpoint.map { ", the last over entry \($0)" } ?? "")
            if let finding = outcome.finding {
                print("audit chain BROKEN: \(finding)")
                print("  (\(outcome.entries) entries read, \(checkpoints))")
                throw ExitCode(1)
            }
            print("audit chain intact: \(outcome.entries) entries, \(checkpoints)")
        }
    }

    struct Checkpoint: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Sign a checkpoint over the latest entry now.")
        @OptionGroup var gateway: GatewayOptions

        func run() throws {
            let runtime = try gateway.runtime()
            let chain = AuditChain(
                signer: try runtime.signingIdentity(), clock: runtime.clock, checkpointEvery: runtime.configuration.checkpointEvery)
            if let checkpoint = try runtime.store.write({ tx in try chain.checkpoint(in: tx) }) {
                print("checkpoint signed over entry \(checkpoint.seq) (\(checkpoint.hash))")
            } else {
                print("nothing to sign: the latest entry already has a checkpoint, or the chain is empty")
            }
        }
    }

    struct Prove: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Export a self-contained proof of a batch: seal, Merkle root, chain entry and the path to a signed checkpoint.")
        @Option(help: "The batch id.") var batch: BatchID
        @Option(help: "The directory to write the proof into.") var out: String
        @Flag(help: "Include the batch itself (personal data!) so the seal can be checked over it.") var includePayload = false
        @OptionGroup var gateway: GatewayOptions

        func run() throws {
            let runtime = try gateway.runtime()
            let chain = AuditChain(
                signer: try runtime.signingIdentity(), clock: runtime.clock, checkpointEvery: runtime.configuration.checkpointEvery)
            let summary: AuditProof.Summary
            do {
                summary = try AuditProof(chain: chain).export(
                    batch: batch, store: runtime.store, to: URL(fileURLWithPath: out), includePayload: includePayload)
            } catch let error as KetenpoortError where error.code == .auditProofUnavailable {
                FileHandle.standardError.write(Data("ketenpoort: \(error.reason)\n".utf8))
                throw ExitCode(1)
            }
            print("proof of \(summary.batch) written to \(out): entry \(summary.entrySeq), checkpoint over entry \(summary.checkpointSeq)")
            print("see \(out)/README.md for the openssl and sha256sum commands")
        }
    }
}
