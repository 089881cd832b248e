import ArgumentParser
import Contracts
import Foundation
import KetenpoortCore
import Sealing
import X509

/// `ketenpoort verify <batch-file> --signature <jws-file> --ca <pem> [--proof <json-file> [--record <index>] [--leaf <hex>]]`
struct VerifyCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "verify",
        abstract: "Verify a sealed batch offline: certificate chain, signature, payload digest and, with --proof, that a record was in it.",
        discussion: """
            The proof file is JSON: {"index": 3, "treeSize": 120, "leaf": "<hex record hash>", "path": ["<hex>", …]}. \
            --record and --leaf, when given, must match the proof.
            Exit status: 0 valid, 1 invalid, 2 wrong usage.
            """
    )

    @Argument(help: "The batch file: exactly the bytes that were sent.") var batch: String
    @Option(help: "The detached JWS (compact serialisation) file.") var signature: String
    @Option(help: "PEM file with the trusted CA certificate(s).") var ca: String
    @Option(help: "Merkle inclusion proof (JSON) of one record.") var proof: String?
    @Option(help: "The record's index the proof must be for.") var record: Int?
    @Option(help: "The record hash (hex SHA-256 of the encoded record) the proof must be for.") var leaf: String?
    @Option(help: "Validate the certificates at this instant (ISO 8601 with zone; default: now).") var at: String?

    func validate() throws {
        if (record != nil || leaf != nil) && proof == nil { throw ValidationError("--record and --leaf need --proof") }
        if let leaf, Hex.decode(leaf)?.count != 32 { throw ValidationError("--leaf must be 64 hex digits") }
        if let at, TimestampParser.parse(at) == nil { throw ValidationError("--at is not an ISO 8601 timestamp with a zone") }
    }

    func run() throws {
        let payload = try read(batch)
        let jws = String(decoding: try read(signature), as: UTF8.self)
        let roots: [Certificate]
        do { roots = try PEMFiles.loadCertificates(URL(fileURLWithPath: ca)) } catch let error as KetenpoortError {
            throw ValidationError(error.reason)
        }
        let inclusion = try proof.map { file in
            do { return try JSONDecoder().decode(MerkleInclusionProof.self, from: try read(file)) } catch is DecodingError {
                throw ValidationError("\(file) is not a Merkle inclusion proof (index, treeSize, leaf, path)")
            }
        }
        let time = at.flatMap(TimestampParser.parse) ?? Date()
        let verifier = OfflineBatchVerifier(trustedRoots: roots)

        let header: SealHeader
        do {
            header = try blocking { try await verifier.seal(of: payload, jws: jws, at: time) }
        } catch let error as KetenpoortError {
            print("verdict: INVALID — \(error.code.rawValue): \(error.reason)")
            throw ExitCode(1)
        }
        var lines = ["\(URL(fileURLWithPath: batch).lastPathComponent): signature valid (ES256), digest matches"]
        lines.append("  batch:     \(header.batch)")
        lines.append("  sender:    \(header.sender)")
        lines.append("  recipient: \(header.recipient)")
        lines.append("  contract:  \(header.contract) \(header.contractVersion)")
        lines.append("  records:   \(header.count)")
        lines.append("  merkle:    \(header.merkleRoot)")
        lines.append("  sha256:    \(header.payloadSHA256)")
        lines.append("  sealed at: \(ISO8601DateFormatter().string(from: header.issuedAt))")
        print(lines.joined(separator: "\n"))

        if let inclusion {
            do { try verifier.checkInclusion(inclusion, in: header, index: record, leaf: leaf) } catch let error as KetenpoortError {
                print("verdict: INVALID — \(error.code.rawValue): \(error.reason)")
                throw ExitCode(1)
            }
            print("  record \(inclusion.index) (\(inclusion.leaf)) is in the batch: inclusion proof matches the sealed Merkle root")
        }
        print("verdict: valid")
    }

    private func read(_ path: String) throws -> Data {
        guard let data = FileManager.default.contents(atPath: path) else { throw ValidationError("cannot read \(path)") }
        return data
    }
}

/// Runs async work to completion from a synchronous command: the root command is synchronous, and
/// certificate path validation (swift-certificates' `Verifier`) is async. The calling thread is the
/// main thread, not one of the concurrency pool's, so waiting on it cannot starve the task.
private func blocking<T: Sendable>(_ operation: @escaping @Sendable () async throws -> T) throws -> T {
    let outcome = Outcome<T>()
    let done = DispatchSemaphore(value: 0)
    Task {
        do { outcome.result = .success(try await operation()) } catch { outcome.result = .failure(error) }
        done.signal()
    }
    done.wait()
    return try outcome.result!.get()
}

/// The result handed from the task to the waiting thread: written once before `signal`, read after
/// `wait`, so the semaphore orders the accesses (hence `@unchecked`).
private final class Outcome<T: Sendable>: @unchecked Sendable {
    var result: Result<T, any Error>?
}
