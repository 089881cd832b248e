import Foundation
import KetenpoortCore

/// A proof that one record is in a sealed batch, as a file: `{"index", "treeSize", "leaf", "path"}`
/// with the leaf (record hash) and the audit path in hex.
public struct MerkleInclusionProof: Codable, Sendable, Equatable {
    /// The record's position in the batch, from 0.
    public var index: Int
    /// The number of records in the batch.
    public var treeSize: Int
    /// The record hash (SHA-256 of the encoded record), hex.
    public var leaf: String
    /// The audit path, nearest sibling first, hex.
    public var path: [String]

    /// A proof from its parts.
    public init(index: Int, treeSize: Int, leaf: String, path: [String]) {
        self.index = index
        self.treeSize = treeSize
        self.leaf = leaf
        self.path = path
    }

    /// The proof for leaf `index` of `tree`.
    /// - Precondition: `0 <= index < tree.count`.
    public init(tree: MerkleTree, index: Int) {
        self.init(
            index: index, treeSize: tree.count, leaf: Hex.encode(tree.leaves[index]), path: tree.inclusionProof(index: index).map { Hex.encode($0) })
    }

    /// Whether the proof leads to `root` (false for malformed hex as well).
    public func verify(root: Data) -> Bool {
        guard let leafBytes = Hex.decode(leaf) else { return false }
        var nodes: [Data] = []
        for node in path {
            guard let bytes = Hex.decode(node) else { return false }
            nodes.append(bytes)
        }
        return MerkleTree.verify(leaf: leafBytes, index: index, treeSize: treeSize, proof: nodes, root: root)
    }
}
