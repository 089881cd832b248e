// SHA256Digest is plain bytes; this swift-crypto does not mark it Sendable.
@preconcurrency import Crypto
import Foundation
import KetenpoortCore

/// The root of `MerkleTree` (RFC 9162 §2.1) computed as the leaves stream past, in memory of the
/// order of log₂ of their number: for a batch too large to keep every record hash.
///
/// It keeps the roots of the complete subtrees so far, largest first, like the digits of a binary
/// counter; the root folds them from the right, which is exactly RFC 9162's split at the largest
/// power of two below the size.
///
/// ```swift
/// var builder = MerkleRootBuilder()
/// for record in records { builder.append(recordHash: MerkleTree.recordHash(record)) }
/// builder.rootHex  // == MerkleTree(recordHashes: records.map(MerkleTree.recordHash)).rootHex
/// ```
public struct MerkleRootBuilder: Sendable {
    /// Roots of complete subtrees, sizes strictly decreasing powers of two.
    private var subtrees: [(hash: SHA256Digest, size: Int)] = []
    /// The number of leaves appended.
    public private(set) var count = 0

    public init() {}

    /// Appends the next leaf (a record hash).
    public mutating func append(recordHash leaf: Data) {
        var node = leaf.withUnsafeBytes { MerkleTree.leafDigest($0) }
        var size = 1
        while let last = subtrees.last, last.size == size {
            subtrees.removeLast()
            node = Self.node(last.hash, node)
            size *= 2
        }
        subtrees.append((node, size))
        count += 1
    }

    /// The tree head: SHA-256 of the empty string for no leaves.
    public var root: Data {
        guard var node = subtrees.last?.hash else { return Data(SHA256.hash(data: Data())) }
        for subtree in subtrees.dropLast().reversed() { node = Self.node(subtree.hash, node) }
        return Data(node)
    }

    private static func node(_ left: SHA256Digest, _ right: SHA256Digest) -> SHA256Digest {
        left.withUnsafeBytes { left in right.withUnsafeBytes { right in MerkleTree.nodeDigest(left, right) } }
    }

    /// The root as lower-case hex, as `kp-merkle-root` carries it.
    public var rootHex: String { Hex.encode(root) }
}
