import Adapters
import Crypto
import Foundation
import Gateway
import HTTPClient
import KetenpoortCore
import Logging
import Sealing
import Store

/// The gateway's HTTPS inbox (`POST /api/inbox/v1/<contract-id>`): partners deliver files with the
/// headers of formats.md §8 instead of dropping them in a folder. The sender must have the
/// contract's producer role; the body must match `Content-Digest` (and `Ketenpoort-Signature`,
/// when sent, must verify against the gateway's CA and carry the sender's OIN). An accepted file
/// is stored under its idempotency key, then processed as `ketenpoort` would on the command line —
/// one file at a time — and answered with a receipt of the validation counts, signed by the
/// gateway (`Ketenpoort-Signature`, docs/sealed-batch.md §7). The same key again answers 409 with
/// the first receipt and its signature, as stored — on whichever node of the gateway it arrives:
/// receipts are in the store, and a file is taken in under a store lease on its key (503 with
/// `Retry-After` while another node takes it in).
public actor GatewayInbox {
    let directory: URL
    let processors: [String: InboxProcessor]
    let trustedCA: URL
    /// Who signs the receipts: the gateway.
    let signer: SigningIdentity
    let clock: any WallClock
    /// Where receipts are recorded and the key's lease is held: shared by every node.
    let store: any Store
    /// How long a node's lease on a key lasts unless renewed: a node that died mid-file holds the
    /// key this long.
    let leaseDuration: TimeInterval
    let logger: Logger
    /// Files are processed one at a time, off the Swift cooperative pool (a sync takes seconds),
    /// each as batch work (`BatchWork`: at a lower CPU priority than the IND's answers).
    private let queue = DispatchQueue(label: "ketenpoort.inbox")

    public init(
        directory: URL, processors: [String: InboxProcessor], trustedCA: URL, signer: SigningIdentity, clock: any WallClock,
        store: any Store, leaseDuration: TimeInterval, logger: Logger = Logger(label: "ketenpoort.inbox")
    ) {
        self.directory = directory
        self.processors = processors
        self.trustedCA = trustedCA
        self.signer = signer
        self.clock = clock
        self.store = store
        self.leaseDuration = leaseDuration
        self.logger = logger
    }

    /// The contracts the inbox takes.
    public nonisolated var contracts: [String] { processors.keys.sorted() }

    /// A delivered file, already streamed to `body` (a temporary file) and hashed on the way.
    struct Delivery {
        let contract: String
        let key: String
        let fileName: String
        let digestField: String
        let signature: String?
        let body: URL
        let sha256: Data
        /// Taken only when the `Content-Digest` names sha-512.
        let sha512: Data?
        let sender: OIN
    }

    /// Where a request body is written while it arrives.
    nonisolated func temporaryFile() throws -> URL {
        let folder = directory.appendingPathComponent(".incoming", isDirectory: true)
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        return folder.appendingPathComponent(UUID().uuidString)
    }

    /// Stores and processes `delivery`; returns whether it is new (201) or known (409), and the signed receipt.
    func accept(_ delivery: Delivery) async throws -> (created: Bool, receipt: SignedInboxReceipt) {
        // Left only when refused (it is moved on otherwise); up to 1 GiB, so removed in steps.
        defer { GradualRemoval.remove(delivery.body.path) }
        guard let processor = processors[delivery.contract] else {
            throw APIProblem(.notFound, "inbox.contract-unknown", "the inbox takes no files of this contract")
        }
        guard processor.fileName.matches(delivery.fileName) else {
            throw APIProblem.badRequest(
                "inbox.filename-invalid", "the file name (Content-Disposition filename) must follow \(processor.fileName)")
        }
        try Self.checkDigest(delivery)
        if let signature = delivery.signature {
            let roots = try PEMFiles.loadCertificates(trustedCA)
            let seal: SealHeader
            do {
                let jws = try DetachedJWS(compact: signature)
                let body = delivery.body
                // Up to 1 GiB to read and hash again (the signature covers its base64url): batch
                // work, not the cooperative pool the IND's answers run on. Its SHA-256 was taken on arrival.
                let signingInput = try await BatchWork.run { jws.signingInputDigest(payload: try Data(contentsOf: body, options: .alwaysMapped)) }
                // Certificates are checked at the real time, as TLS checks them (the clock may be a replay's).
                seal = try await jws.verify(payloadSHA256: delivery.sha256, signingInputDigest: signingInput, trustedRoots: roots, at: Date())
            } catch {
                throw APIProblem.badRequest("inbox.signature-invalid", "Ketenpoort-Signature does not verify against the gateway's CA")
            }
            guard seal.sender == delivery.sender, seal.contract == delivery.contract else {
                throw APIProblem.badRequest("inbox.signature-mismatch", "the signature is not the sender's, or seals another contract")
            }
        }
        let sha256 = Hex.encode(delivery.sha256)
        if let known = try await knownReceipt(delivery, sha256: sha256) { return (false, known) }
        return try await withCheckedThrowingContinuation { continuation in
            queue.async { continuation.resume(with: BatchWork.runAndWait { try self.takeIn(delivery, processor, sha256: sha256) }) }
        }
    }

    /// The receipt given before for `delivery`'s key, by any node (the store), or by this node
    /// before receipts went into the store (its files); `inbox.idempotency-key-reused` when it was
    /// given for other bytes.
    private func knownReceipt(_ delivery: Delivery, sha256: String) async throws -> SignedInboxReceipt? {
        let (contract, key) = (delivery.contract, delivery.key)
        if let known = try await store.read({ try $0.inboxReceipt(contract: contract, key: key) }) {
            return try Self.signedReceipt(known, for: sha256)
        }
        let folder = directory.appendingPathComponent(delivery.contract, isDirectory: true)
        let receiptFile = folder.appendingPathComponent("\(delivery.key).receipt.json")
        let signatureFile = folder.appendingPathComponent("\(delivery.key).receipt.jws")
        guard let body = try? Data(contentsOf: receiptFile), let known = try? JSONDecoder().decode(GatewayInboxReceipt.self, from: body) else {
            return nil
        }
        guard known.sha256 == sha256 else { throw Self.keyReused }
        if let signature = try? String(contentsOf: signatureFile, encoding: .utf8) {
            return SignedInboxReceipt(receipt: known, body: body, signature: signature)
        }
        // A receipt from before receipts were signed: signed now, for the partner asking again.
        let signed = try sign(known, body: body, partner: delivery.sender, at: ISO8601DateFormatter().date(from: known.receivedAt) ?? clock.now())
        try Data(signed.signature.utf8).write(to: signatureFile, options: .atomic)
        return signed
    }

    /// Takes the file in on one node at a time, under a store lease on its key: processes it,
    /// signs the receipt and records it (fenced: a node that paused past its lease records
    /// nothing). Blocking; runs as batch work.
    nonisolated private func takeIn(_ delivery: Delivery, _ processor: InboxProcessor, sha256: String) throws -> (
        created: Bool, receipt: SignedInboxReceipt
    ) {
        let attempt = try HeldLease.runIfFree("inbox:\(delivery.contract):\(delivery.key)", on: store, duration: leaseDuration) { fenced in
            // Another node may have taken it in between the look before and the lease.
            if let known = try fenced.read({ try $0.inboxReceipt(contract: delivery.contract, key: delivery.key) }) {
                return (false, try Self.signedReceipt(known, for: sha256))
            }
            return (true, try process(delivery, processor, sha256: sha256, recordingIn: fenced))
        }
        switch attempt {
        case .ran(let result): return result
        case .heldByAnother(let lease):
            // Ask again once the holder is done, or its lease ran out (it died).
            let seconds = lease.map { $0.expiresAt.timeIntervalSince(clock.now()).rounded(.up) } ?? 1
            throw APIProblem(
                .serviceUnavailable, "inbox.in-progress", "a file under this Idempotency-Key is being taken in: ask again after Retry-After",
                retryAfter: Int(min(max(seconds, 1), leaseDuration.rounded(.up))))
        }
    }

    /// Processes the delivered file from its place in the node's folder, signs the receipt and
    /// records it through `fenced` (the key's lease).
    nonisolated private func process(
        _ delivery: Delivery, _ processor: InboxProcessor, sha256: String, recordingIn fenced: FencedStore
    ) throws -> SignedInboxReceipt {
        let fileDirectory = directory.appendingPathComponent(delivery.contract, isDirectory: true).appendingPathComponent(
            delivery.key, isDirectory: true)
        try FileManager.default.createDirectory(at: fileDirectory, withIntermediateDirectories: true)
        let file = fileDirectory.appendingPathComponent(delivery.fileName)
        try? FileManager.default.removeItem(at: file)
        try FileManager.default.moveItem(at: delivery.body, to: file)
        let (outcome, validation) = try processor.process(file)
        // Whole seconds: the receipt's `receivedAt` and its signature's `iat` state the same instant.
        let now = Date(timeIntervalSince1970: clock.now().timeIntervalSince1970.rounded(.down))
        let receipt = GatewayInboxReceipt(
            contract: delivery.contract, file: delivery.fileName, idempotencyKey: delivery.key, sha256: sha256,
            receivedAt: ISO8601DateFormatter().string(from: now), outcome: outcome, items: validation.items, accepted: validation.accepted,
            quarantined: validation.quarantined, rejected: validation.rejected)
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        let signed = try sign(receipt, body: try encoder.encode(receipt), partner: delivery.sender, at: now)
        try fenced.write {
            try $0.recordInboxReceipt(
                InboxReceiptRecord(
                    contract: delivery.contract, key: delivery.key, sha256: sha256, body: signed.body, signature: signed.signature,
                    node: ProcessHolder.node, recordedAt: now))
        }
        logger.info(
            "inbox file processed",
            metadata: [
                "inbox.contract": "\(delivery.contract)", "inbox.key": "\(delivery.key)", "inbox.sender": "\(delivery.sender.value)",
                "inbox.outcome": "\(outcome)", "inbox.items": "\(validation.items)",
            ])
        return signed
    }

    /// `known` as the partner gets it again, when it was given for the same bytes.
    private static func signedReceipt(_ known: InboxReceiptRecord, for sha256: String) throws -> SignedInboxReceipt {
        guard known.sha256 == sha256 else { throw keyReused }
        let receipt = try JSONDecoder().decode(GatewayInboxReceipt.self, from: known.body)
        return SignedInboxReceipt(receipt: receipt, body: known.body, signature: known.signature)
    }

    private static let keyReused = APIProblem(
        .unprocessableContent, "inbox.idempotency-key-reused", "this Idempotency-Key was used before for another file")

    /// The gateway's signature over `body`, the receipt's bytes as sent: one ES256 signature.
    nonisolated private func sign(_ receipt: GatewayInboxReceipt, body: Data, partner: OIN, at time: Date) throws -> SignedInboxReceipt {
        guard let gateway = signer.oin else {
            throw KetenpoortError(.sealingIdentityInvalid, "the gateway certificate carries no OIN in its subject serialNumber")
        }
        let header = ReceiptHeader(
            receipt: body, contract: receipt.contract, idempotencyKey: receipt.idempotencyKey, sender: gateway, partner: partner,
            payloadSHA256: receipt.sha256, outcome: receipt.outcome, items: receipt.items, accepted: receipt.accepted,
            quarantined: receipt.quarantined, rejected: receipt.rejected, issuedAt: time)
        return SignedInboxReceipt(receipt: receipt, body: body, signature: try ReceiptSignature.sign(receipt: body, header: header, signer: signer))
    }

    /// Every supported member of `Content-Digest` must match the hashes taken while the body arrived.
    static func checkDigest(_ delivery: Delivery) throws {
        do {
            try ContentDigest.verify(delivery.digestField, sha256: delivery.sha256, sha512: delivery.sha512)
        } catch let error as KetenpoortError {
            throw APIProblem.badRequest(error.code.rawValue, error.reason)
        }
    }
}
