import Crypto
import Foundation
import KetenpoortCore
import PropertyBased
import Testing

@testable import Sealing

@Suite("Merkle tree")
struct MerkleTreeTests {
    /// The RFC 6962 test leaves used by Certificate Transparency implementations.
    static let leaves: [Data] = ["", "00", "10", "2021", "3031", "40414243", "5051525354555657", "606162636465666768696a6b6c6d6e6f"]
        .map { Hex.decode($0)! }

    /// Their tree heads for sizes 1…8.
    static let roots = [
        "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
        "fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125",
        "aeb6bcfe274b70a14fb067a5e5578264db0fa9b51af5e0ba159158f329e06e77",
        "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
        "4e3bbb1f7b478dcfe71fb631631519a3bca12c9aefca1612bfce4c13a86264d4",
        "76e67dadbcdf1e10e1b74ddc608abd2f98dfb16fbce75277b5232a127f2087ef",
        "ddb89be403809e325750d3d263cd78929c2942b7942a34b77e122c9594a74c8c",
        "5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328",
    ]

    @Test("tree heads match the RFC 6962 vectors", arguments: 1...8)
    func knownRoots(size: Int) {
        #expect(MerkleTree(leaves: Array(Self.leaves.prefix(size))).rootHex == Self.roots[size - 1])
    }

    @Test("the empty tree's head is SHA-256 of the empty string")
    func emptyTree() {
        #expect(MerkleTree(recordHashes: []).rootHex == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")
    }

    @Test("audit paths match the RFC 6962 vectors")
    func knownPaths() {
        let tree = MerkleTree(leaves: Self.leaves)
        #expect(
            tree.inclusionProof(index: 0).map { Hex.encode($0) } == [
                "96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7",
                "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
                "6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4",
            ])
        #expect(
            tree.inclusionProof(index: 5).map { Hex.encode($0) } == [
                "bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b",
                "ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0",
                "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
            ])
        let three = MerkleTree(leaves: Array(Self.leaves.prefix(3)))
        #expect(three.inclusionProof(index: 2).map { Hex.encode($0) } == ["fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125"])
        #expect(MerkleTree(leaves: [Self.leaves[0]]).inclusionProof(index: 0).isEmpty)
    }

    @Test("leaf and node hashes are domain-separated (0x00 / 0x01 prefixes)")
    func domainSeparation() {
        let a = Data(repeating: 1, count: 32), b = Data(repeating: 2, count: 32)
        let tree = MerkleTree(leaves: [a, b])
        let leafA = Data(SHA256.hash(data: [0] + a)), leafB = Data(SHA256.hash(data: [0] + b))
        #expect(tree.root == Data(SHA256.hash(data: [1] + leafA + leafB)))
    }

    @Test("for any size up to 300, every leaf's proof verifies, and a changed leaf, path or index does not")
    func proofsVerify() async {
        await propertyCheck(count: 40, input: Gen.int(in: 1...300), Gen.int(in: 0...Int(UInt32.max))) { size, seed in
            let leaves = (0..<size).map { MerkleTree.recordHash(Data("record \(seed) \($0)".utf8)) }
            let tree = MerkleTree(recordHashes: leaves)
            for index in 0..<size {
                let proof = tree.inclusionProof(index: index)
                #expect(MerkleTree.verify(leaf: leaves[index], index: index, treeSize: size, proof: proof, root: tree.root))

                var otherLeaf = leaves[index]
                otherLeaf[otherLeaf.startIndex + index % 32] ^= 0x01
                #expect(!MerkleTree.verify(leaf: otherLeaf, index: index, treeSize: size, proof: proof, root: tree.root))
                if !proof.isEmpty {
                    var otherPath = proof
                    let node = index % proof.count
                    otherPath[node][otherPath[node].startIndex] ^= 0x80
                    #expect(!MerkleTree.verify(leaf: leaves[index], index: index, treeSize: size, proof: otherPath, root: tree.root))
                    #expect(!MerkleTree.verify(leaf: leaves[index], index: index, treeSize: size, proof: Array(proof.dropLast()), root: tree.root))
                }
                if size > 1 {
                    let otherIndex = (index + 1) % size
                    #expect(!MerkleTree.verify(leaf: leaves[index], index: otherIndex, treeSize: size, proof: proof, root: tree.root))
                }
            }
        }
    }

    @Test("a tree computed level by level equals the recursive RFC 9162 definition")
    func matchesRecursiveDefinition() async {
        func mth(_ leaves: ArraySlice<Data>) -> Data {
            if leaves.count == 1 { return Data(MerkleTree.leafHash(leaves.first!)) }
            var split = 1
            while split * 2 < leaves.count { split *= 2 }
            let middle = leaves.startIndex + split
            return Data(MerkleTree.nodeHash(mth(leaves[..<middle]), mth(leaves[middle...])))
        }
        await propertyCheck(count: 60, input: Gen.int(in: 1...130)) { size in
            let leaves = (0..<size).map { MerkleTree.recordHash(Data([UInt8(truncatingIfNeeded: $0), UInt8(truncatingIfNeeded: $0 >> 8)])) }
            #expect(MerkleTree(recordHashes: leaves).root == mth(leaves[...]))
        }
    }

    @Test("MerkleRootBuilder, fed one leaf at a time, gives the tree's root for every size")
    func streamedRoot() {
        var builder = MerkleRootBuilder()
        #expect(builder.root == MerkleTree(recordHashes: []).root)
        var leaves: [Data] = []
        for index in 0..<300 {
            let leaf = MerkleTree.recordHash(Data([UInt8(truncatingIfNeeded: index), UInt8(truncatingIfNeeded: index >> 8)]))
            leaves.append(leaf)
            builder.append(recordHash: leaf)
            #expect(builder.count == leaves.count)
            #expect(builder.rootHex == MerkleTree(recordHashes: leaves).rootHex, "size \(leaves.count)")
        }
    }

    @Test("an index or size out of range never verifies")
    func outOfRange() {
        let tree = MerkleTree(leaves: Self.leaves)
        let proof = tree.inclusionProof(index: 7)
        #expect(!MerkleTree.verify(leaf: Self.leaves[7], index: 8, treeSize: 8, proof: proof, root: tree.root))
        #expect(!MerkleTree.verify(leaf: Self.leaves[7], index: -1, treeSize: 8, proof: proof, root: tree.root))
        #expect(!MerkleTree.verify(leaf: Self.leaves[7], index: 7, treeSize: 0, proof: proof, root: tree.root))
    }

    @Test("an inclusion proof survives its JSON file form")
    func proofFile() throws {
        let tree = MerkleTree(recordHashes: SampleBatch.recordHashes)
        let proof = MerkleInclusionProof(tree: tree, index: 2)
        let decoded = try JSONDecoder().decode(MerkleInclusionProof.self, from: try JSONEncoder().encode(proof))
        #expect(decoded == proof)
        #expect(decoded.verify(root: tree.root))
        let json = try #require(try JSONSerialization.jsonObject(with: try JSONEncoder().encode(proof)) as? [String: Any])
        #expect(Set(json.keys) == ["index", "treeSize", "leaf", "path"])
        var wrong = proof
        wrong.leaf = "zz"
        #expect(!wrong.verify(root: tree.root))
    }
}
