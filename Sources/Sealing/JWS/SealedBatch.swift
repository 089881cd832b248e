import Foundation

/// A sealed batch: what was asserted, the JWS that asserts it, and the tree for inclusion proofs.
public struct SealedBatch: Sendable {
    /// The sealed header.
    public let header: SealHeader
    /// The detached JWS; `jws.compact` is what travels.
    public let jws: DetachedJWS
    /// The Merkle tree over the record hashes.
    public let tree: MerkleTree

    /// The proof that record `index` is in this batch.
    public func inclusionProof(index: Int) -> MerkleInclusionProof { MerkleInclusionProof(tree: tree, index: index) }
}
