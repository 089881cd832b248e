import Crypto
import Foundation
import KetenpoortCore

/// Seals batches for the gateway: Merkle root over the record hashes, payload digest, detached JWS.
///
/// ```swift
/// let sealer = try BatchSealer(signer: SigningIdentity(certificateFile: cert, keyFile: key))
/// let sealed = try sealer.seal(payload: xml, recordHashes: hashes, batch: id, recipient: oin,
///                              contract: "coa-gemeente", contractVersion: "1.0.0", issuedAt: now)
/// // sealed.jws.compact → the Ketenpoort-Signature header
/// ```
public struct BatchSealer: Sendable {
    /// Who seals; its certificate's OIN becomes `kp-sender`.
    public let signer: SigningIdentity
    /// The signer's OIN.
    public let sender: OIN

    /// A sealer for `signer`; throws `sealing.identity-invalid` when its certificate carries no OIN.
    public init(signer: SigningIdentity) throws {
        guard let oin = signer.oin else {
            throw KetenpoortError(.sealingIdentityInvalid, "the signer certificate carries no OIN in its subject serialNumber")
        }
        self.signer = signer
        self.sender = oin
    }

    /// Seals `payload`, whose records have `recordHashes` (SHA-256 of each encoded record, in order).
    public func seal(
        payload: some DataProtocol, recordHashes: [Data], batch: BatchID, recipient: OIN, contract: String, contractVersion: String,
        issuedAt: Date
    ) throws -> SealedBatch {
        let tree = MerkleTree(recordHashes: recordHashes)
        return try payload.withBorrowedData { data in
            let header = SealHeader(
                batch: batch, sender: sender, recipient: recipient, contract: contract, contractVersion: contractVersion, count: tree.count,
                merkleRoot: tree.rootHex, payloadSHA256: Hex.encode(SHA256.hash(data: data)), issuedAt: issuedAt)
            // kp-sha256 was just taken of `data`: signing does not hash it again to check.
            let jws = try DetachedJWS.sign(header: header, signer: signer, includeKeyID: true, checkingDigest: false) { part in try part(data) }
            return SealedBatch(header: header, jws: jws, tree: tree)
        }
    }

    /// Seals a payload too large to hold, from what a first pass over it found (its SHA-256, hex,
    /// and the Merkle root over its `count` records, e.g. from `MerkleRootBuilder`); `payload`
    /// goes over the parts again, for the signature. Throws `sealing.digest-mismatch` when the
    /// parts are not the bytes that digest was taken of.
    public func seal(
        payloadSHA256: String, merkleRoot: String, count: Int, batch: BatchID, recipient: OIN, contract: String, contractVersion: String,
        issuedAt: Date, payload: (_ part: (Data) throws -> Void) throws -> Void
    ) throws -> (header: SealHeader, jws: DetachedJWS) {
        let header = SealHeader(
            batch: batch, sender: sender, recipient: recipient, contract: contract, contractVersion: contractVersion, count: count,
            merkleRoot: merkleRoot, payloadSHA256: payloadSHA256, issuedAt: issuedAt)
        return (header, try DetachedJWS.sign(header: header, signer: signer, payload: payload))
    }
}
