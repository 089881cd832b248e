import Foundation
import KetenpoortCore
import Sealing
import Store
import X509

/// Checks the whole audit chain: every entry's hash against its facts, every link to the entry
/// before, the sequence without gaps, and every checkpoint's signature and hash. Names the first
/// entry that was altered, removed or reordered.
public struct AuditVerifier: Sendable {
    /// What is wrong, and where.
    public struct Finding: Sendable, Equatable, CustomStringConvertible {
        public enum Problem: String, Sendable {
            case altered, removed, reordered
            /// A checkpoint's signature does not verify, or it anchors a hash the chain does not have.
            case checkpoint
        }

        /// The first entry concerned.
        public let seq: Int
        public let problem: Problem
        public let message: String

        public var description: String { "entry \(seq) \(problem.rawValue): \(message)" }
    }

    /// The outcome of a check.
    public struct Outcome: Sendable, Equatable {
        public var entries = 0
        public var checkpoints = 0
        public var lastCheckpoint: Int?
        public var finding: Finding?
        public var isIntact: Bool { finding == nil }
    }

    let trustedRoots: [Certificate]

    /// A verifier that accepts checkpoints signed by a certificate chaining to `trustedRoots`.
    public init(trustedRoots: [Certificate]) {
        self.trustedRoots = trustedRoots
    }

    public func verify(_ store: any Store) async throws -> Outcome {
        var (outcome, checkpoints) = try await store.read { [self] tx in
            var outcome = Outcome()
            outcome.finding = try walk(tx, outcome: &outcome)
            return (outcome, try tx.checkpoints())
        }
        outcome.checkpoints = checkpoints.count
        outcome.lastCheckpoint = checkpoints.last?.seq
        if outcome.finding != nil { return outcome }
        outcome.finding = try await check(checkpoints, store: store, entries: outcome.entries)
        return outcome
    }

    /// Walks the entries in seq order; stops at the first problem.
    private func walk(_ tx: any StoreTransaction, outcome: inout Outcome) throws -> Finding? {
        struct Stop: Error { let finding: Finding }
        var expected = 1
        var previousHash = AuditEntry.genesis
        do {
            try tx.forEachAuditEntry(from: Int.min, through: nil) { entry in
                outcome.entries += 1
                guard entry.seq == expected else {
                    throw Stop(
                        finding: Finding(
                            seq: expected, problem: .removed, message: "the chain jumps from entry \(expected - 1) to entry \(entry.seq)"))
                }
                let isConsistent = AuditChain.expectedHash(of: entry) == entry.hash
                let links = entry.prevHash == previousHash
                if !links, let origin = try tx.auditSeq(hash: entry.prevHash), origin != entry.seq - 1 {
                    throw Stop(
                        finding: Finding(
                            seq: entry.seq, problem: .reordered, message: "it holds the entry that follows the one now at position \(origin)"))
                }
                if !isConsistent {
                    throw Stop(finding: Finding(seq: entry.seq, problem: .altered, message: "its hash does not match its contents"))
                }
                if !links {
                    throw Stop(
                        finding: Finding(
                            seq: entry.seq - 1, problem: .altered,
                            message: "entry \(entry.seq) does not link to it (it was changed and re-hashed, or an entry was removed before it)"))
                }
                previousHash = entry.hash
                expected += 1
            }
        } catch let stop as Stop {
            return stop.finding
        }
        return nil
    }

    /// Every checkpoint must anchor an existing entry's hash and carry a valid signature.
    private func check(_ checkpoints: [AuditCheckpoint], store: any Store, entries: Int) async throws -> Finding? {
        let parse = Date.ISO8601FormatStyle(includingFractionalSeconds: true)
        for checkpoint in checkpoints {
            guard let entry = try await store.read({ try $0.auditEntry(seq: checkpoint.seq) }) else {
                return Finding(
                    seq: entries + 1, problem: .removed,
                    message: "the chain ends at entry \(entries), but checkpoint \(checkpoint.seq) was signed over a longer chain")
            }
            guard entry.hash == checkpoint.hash else {
                return Finding(seq: checkpoint.seq, problem: .altered, message: "its hash differs from the one its signed checkpoint anchors")
            }
            do {
                let jws = try CheckpointJWS(compact: checkpoint.jws)
                _ = try await jws.verify(
                    payload: AuditChain.checkpointPayload(seq: checkpoint.seq, hash: checkpoint.hash), trustedRoots: trustedRoots,
                    at: (try? parse.parse(checkpoint.time)) ?? Date())
            } catch let error as KetenpoortError {
                return Finding(seq: checkpoint.seq, problem: .checkpoint, message: "its checkpoint does not verify: \(error.reason)")
            }
        }
        return nil
    }
}
