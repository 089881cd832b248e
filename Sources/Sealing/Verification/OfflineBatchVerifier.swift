import Foundation
import KetenpoortCore
import X509

/// A sealed batch checked offline, as a recipient or an auditor checks it (`ketenpoort verify`):
/// the certificate chain, the ES256 signature, the payload digest and, given a proof, that a
/// record was in the batch. Needs nothing of the gateway but the CA certificates.
public struct OfflineBatchVerifier: Sendable {
    public let trustedRoots: [Certificate]

    /// A verifier that accepts seals by certificates chaining to `trustedRoots`.
    public init(trustedRoots: [Certificate]) { self.trustedRoots = trustedRoots }

    /// The seal of `payload` made by `jws` (the detached JWS, compact), its certificates valid at
    /// `time`; throws a `sealing.*` error when the chain, the signature or the digest fails.
    public func seal(of payload: Data, jws: String, at time: Date) async throws -> SealHeader {
        try await DetachedJWS.verify(jws: jws, payload: payload, trustedRoots: trustedRoots, at: time)
    }

    /// Checks that `proof` puts a record in the batch `header` seals — and, when given, that it is
    /// record `index` with hash `leaf` (hex); throws `sealing.proof-invalid` saying why not.
    public func checkInclusion(_ proof: MerkleInclusionProof, in header: SealHeader, index: Int? = nil, leaf: String? = nil) throws {
        func invalid(_ reason: String) -> KetenpoortError { KetenpoortError(.sealingProofInvalid, reason) }
        if let index, index != proof.index { throw invalid("the proof is for record \(proof.index), not \(index)") }
        if let leaf, leaf.lowercased() != proof.leaf.lowercased() { throw invalid("the proof is for another record hash than the one given") }
        if proof.treeSize != header.count { throw invalid("the proof is for a batch of \(proof.treeSize) records, the seal says \(header.count)") }
        guard let root = Hex.decode(header.merkleRoot), proof.verify(root: root) else {
            throw invalid("the proof does not lead to the sealed Merkle root")
        }
    }
}
