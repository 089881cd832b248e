import Crypto
import Foundation

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
    private var subtrees: [(hash: [UInt8], size: Int)] = []
    /// The number of leaves appended.
    public private(set) var count = 0

    public init() {}

    /// Appends the next leaf (a record hash).
    public mutating func append(recordHash leaf: Data) {
        var node = MerkleTree.leafHash(leaf)
        var size = 1
        while let last = subtrees.last, last.size == size {
            subtrees.removeLast()
            node = MerkleTree.nodeHash(last.hash, node)
            size *= 2
        }
        subtrees.append((node, size))
        count += 1
    }

    /// The tree head: SHA-256 of the empty string for no leaves.
    public var root: Data {
        guard var node = subtrees.last?.hash else { return Data(SHA256.hash(data: Data())) }
        for subtree in subtrees.dropLast().reversed() { node = MerkleTree.nodeHash(subtree.hash, node) }
        return Data(node)
    }

    /// The root as lower-case hex, as `kp-merkle-root` carries it.
    public var rootHex: String { Hex.encode(root) }
}
