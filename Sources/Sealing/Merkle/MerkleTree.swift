import Crypto
import Foundation
import KetenpoortCore

/// A Merkle tree over a batch's records, as Certificate Transparency defines it (RFC 9162 §2.1).
///
/// Each leaf is the SHA-256 of one encoded record (its record hash); the tree hashes it again as
/// `SHA-256(0x00 || leaf)`, and an inner node is `SHA-256(0x01 || left || right)`. A tree of `n`
/// leaves splits at the largest power of two below `n`, so the root of a batch is reproducible by
/// any RFC 9162 implementation.
///
/// ```swift
/// let tree = MerkleTree(recordHashes: records.map(MerkleTree.recordHash))
/// let proof = tree.inclusionProof(index: 7)
/// MerkleTree.verify(leaf: tree.leaves[7], index: 7, treeSize: tree.count, proof: proof, root: tree.root)  // true
/// ```
public struct MerkleTree: Sendable {
    /// The leaves (record hashes), in order.
    public let leaves: [Data]
    /// Node hashes level by level, leaf hashes first, 32 bytes per node. A node without a right
    /// sibling is carried up unchanged, which yields exactly RFC 9162's split at powers of two.
    private let levels: [[UInt8]]

    /// Builds the tree over leaves given as arbitrary bytes (the record hashes, for a batch).
    public init(leaves: [Data]) {
        self.leaves = leaves
        var level = [UInt8]()
        level.reserveCapacity(leaves.count * 32)
        for leaf in leaves { leaf.withUnsafeBytes { Self.leafDigest($0).withUnsafeBytes { level.append(contentsOf: $0) } } }
        var levels = [level]
        while level.count > 32 {
            let nodes = level.count / 32
            var next = [UInt8]()
            next.reserveCapacity((nodes + 1) / 2 * 32)
            level.withUnsafeBytes { bytes in
                for pair in stride(from: 0, to: nodes, by: 2) {
                    let left = UnsafeRawBufferPointer(rebasing: bytes[pair * 32..<pair * 32 + 32])
                    if pair + 1 < nodes {
                        let right = UnsafeRawBufferPointer(rebasing: bytes[pair * 32 + 32..<pair * 32 + 64])
                        Self.nodeDigest(left, right).withUnsafeBytes { next.append(contentsOf: $0) }
                    } else {
                        next.append(contentsOf: left)
                    }
                }
            }
            levels.append(next)
            level = next
        }
        self.levels = levels
    }

    /// Builds the tree over the record hashes of a batch (each the SHA-256 of one encoded record).
    public init(recordHashes: [Data]) { self.init(leaves: recordHashes) }

    /// The number of leaves.
    public var count: Int { leaves.count }

    /// The tree head: SHA-256 of the empty string for an empty tree.
    public var root: Data {
        guard let top = levels.last, top.count == 32 else { return Data(SHA256.hash(data: Data())) }
        return Data(top)
    }

    /// The root as lower-case hex, as `kp-merkle-root` carries it.
    public var rootHex: String { Hex.encode(root) }

    /// The audit path of leaf `index` (RFC 9162 §2.1.3.1), nearest sibling first.
    /// - Precondition: `0 <= index < count`.
    public func inclusionProof(index: Int) -> [Data] {
        precondition(leaves.indices.contains(index), "leaf index out of range")
        var path: [Data] = []
        var position = index
        for level in levels.dropLast() {
            let sibling = position ^ 1
            if sibling < level.count / 32 { path.append(Data(level[sibling * 32..<sibling * 32 + 32])) }
            position >>= 1
        }
        return path
    }

    /// Whether `proof` proves that `leaf` is leaf `index` of a tree of `treeSize` leaves with head
    /// `root` (RFC 9162 §2.1.3.2). `leaf` is the leaf's data (the record hash), not its leaf hash.
    public static func verify(leaf: Data, index: Int, treeSize: Int, proof: [Data], root: Data) -> Bool {
        guard index >= 0, index < treeSize, root.count == 32 else { return false }
        var fn = index
        var sn = treeSize - 1
        var hash = leafHash(leaf)
        for node in proof {
            guard sn != 0, node.count == 32 else { return false }
            if fn & 1 == 1 || fn == sn {
                hash = nodeHash(node, hash)
                while fn & 1 == 0 && fn != 0 {
                    fn >>= 1
                    sn >>= 1
                }
            } else {
                hash = nodeHash(hash, node)
            }
            fn >>= 1
            sn >>= 1
        }
        return sn == 0 && hash.elementsEqual(root)
    }

    /// The record hash of one encoded record: the SHA-256 of its bytes.
    public static func recordHash(_ record: some DataProtocol) -> Data { Data(SHA256.hash(data: record)) }

    /// `SHA-256(0x00 || leaf)`.
    static func leafHash(_ leaf: some DataProtocol) -> [UInt8] {
        Array(Data(leaf).withUnsafeBytes { leafDigest($0) })
    }

    /// `SHA-256(0x01 || left || right)`.
    static func nodeHash(_ left: some DataProtocol, _ right: some DataProtocol) -> [UInt8] {
        Data(left).withUnsafeBytes { left in Data(right).withUnsafeBytes { right in Array(nodeDigest(left, right)) } }
    }

    /// `SHA-256(0x00 || leaf)`, without a copy of the leaf (a batch hashes one per record).
    static func leafDigest(_ leaf: UnsafeRawBufferPointer) -> SHA256Digest {
        var hasher = SHA256()
        withUnsafeBytes(of: UInt8(0x00)) { hasher.update(bufferPointer: $0) }
        hasher.update(bufferPointer: leaf)
        return hasher.finalize()
    }

    /// `SHA-256(0x01 || left || right)`, without copies.
    static func nodeDigest(_ left: UnsafeRawBufferPointer, _ right: UnsafeRawBufferPointer) -> SHA256Digest {
        var hasher = SHA256()
        withUnsafeBytes(of: UInt8(0x01)) { hasher.update(bufferPointer: $0) }
        hasher.update(bufferPointer: left)
        hasher.update(bufferPointer: right)
        return hasher.finalize()
    }
}
