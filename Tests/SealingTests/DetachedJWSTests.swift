import Crypto
import Foundation
import KetenpoortCore
import Testing
import X509

@testable import Sealing

@Suite("Detached JWS")
struct DetachedJWSTests {
    let pki: TestPKI
    init() throws { pki = try TestPKI() }

    /// The error code `body` throws, or nil.
    func code(_ body: () async throws -> some Any) async -> KetenpoortError.Code? {
        do {
            _ = try await body()
            return nil
        } catch let error as KetenpoortError {
            return error.code
        } catch {
            return KetenpoortError.Code(rawValue: "unexpected: \(error)")
        }
    }

    /// The JWS's protected header as a JSON object.
    func headerObject(_ compact: String) throws -> [String: Any] {
        let part = try #require(compact.split(separator: ".", omittingEmptySubsequences: false).first)
        let json = try #require(Base64URL.decode(part))
        return try #require(try JSONSerialization.jsonObject(with: json) as? [String: Any])
    }

    /// `compact` with its header replaced by `header` (signature unchanged).
    func replacingHeader(_ compact: String, _ header: [String: Any]) throws -> String {
        let parts = compact.split(separator: ".", omittingEmptySubsequences: false)
        let json = try JSONSerialization.data(withJSONObject: header, options: [.sortedKeys, .withoutEscapingSlashes])
        return Base64URL.encode(json) + ".." + parts[2]
    }

    @Test("a sealed batch verifies and gives back its header")
    func roundTrip() async throws {
        defer { pki.remove() }
        let sealed = try SampleBatch.seal(with: try pki.signer())
        let compact = sealed.jws.compact
        #expect(compact.contains(".."))
        #expect(compact.split(separator: ".", omittingEmptySubsequences: false).count == 3)
        let header = try await DetachedJWS.verify(jws: compact, payload: SampleBatch.payload, trustedRoots: [try pki.ca], at: TestPKI.now)
        #expect(header == sealed.header)
        #expect(header.sender == TestPKI.gateway.oin)
        #expect(header.recipient == TestPKI.amsterdam.oin)
        #expect(header.count == 3)
        #expect(header.merkleRoot == MerkleTree(recordHashes: SampleBatch.recordHashes).rootHex)
        #expect(header.payloadSHA256 == Hex.encode(SHA256.hash(data: SampleBatch.payload)))
        #expect(header.issuedAt == TestPKI.now)
    }

    @Test("the sealed payload digest is read from the header alone; a seal without one gives nil")
    func sealedPayloadDigest() throws {
        defer { pki.remove() }
        let compact = try SampleBatch.seal(with: try pki.signer()).jws.compact
        #expect(DetachedJWS.sealedPayloadSHA256(compact) == Data(SHA256.hash(data: SampleBatch.payload)))
        var header = try headerObject(compact)
        header["kp-sha256"] = "not hex"
        #expect(DetachedJWS.sealedPayloadSHA256(try replacingHeader(compact, header)) == nil)
        header["kp-sha256"] = nil
        #expect(DetachedJWS.sealedPayloadSHA256(try replacingHeader(compact, header)) == nil)
        #expect(DetachedJWS.sealedPayloadSHA256("e30") == nil)
        #expect(DetachedJWS.sealedPayloadSHA256("") == nil)
    }

    @Test("the header carries the JOSE and kp- parameters, sorted and deterministic")
    func headerFields() throws {
        defer { pki.remove() }
        let signer = try pki.signer()
        let first = try SampleBatch.seal(with: signer), second = try SampleBatch.seal(with: signer)
        let header = try headerObject(first.jws.compact)
        #expect(header["alg"] as? String == "ES256")
        #expect(header["typ"] as? String == "JOSE")
        #expect(header["kp-batch"] as? String == "b-2026-11-22-gm0363-1")
        #expect(header["kp-sender"] as? String == "00000001234567890000")
        #expect(header["kp-recipient"] as? String == "00000001100003630000")
        #expect(header["kp-contract"] as? String == "coa-gemeente-kennisgeving")
        #expect(header["kp-contract-version"] as? String == "1.0.0")
        #expect(header["kp-count"] as? Int == 3)
        #expect(header["iat"] as? Int == Int(TestPKI.now.timeIntervalSince1970))
        let x5c = try #require(header["x5c"] as? [String])
        #expect(x5c.count == 2)
        #expect(Data(base64Encoded: x5c[0]) == Data(try signer.certificate.derBytes()))
        #expect(header["kid"] as? String == Hex.encode(SHA256.hash(data: try signer.certificate.derBytes())))
        // Same header → same bytes (ECDSA signatures differ, the protected header does not).
        #expect(first.jws.compact.split(separator: ".").first == second.jws.compact.split(separator: ".").first)
        let json = String(decoding: Base64URL.decode(first.jws.compact.split(separator: ".")[0])!, as: UTF8.self)
        let keys = [
            "alg", "iat", "kid", "kp-batch", "kp-contract", "kp-contract-version", "kp-count", "kp-merkle-root", "kp-recipient",
            "kp-sender", "kp-sha256", "typ", "x5c",
        ]
        let positions = keys.map { json.range(of: "\"\($0)\"")!.lowerBound }
        #expect(positions == positions.sorted())
        #expect(!json.contains("\\/"))
    }

    @Test("a changed payload is a digest mismatch")
    func tamperedPayload() async throws {
        defer { pki.remove() }
        let sealed = try SampleBatch.seal(with: try pki.signer())
        var payload = SampleBatch.payload
        payload[payload.startIndex + 7] ^= 0x01
        let ca = try pki.ca
        #expect(await code { try await sealed.jws.verify(payload: payload, trustedRoots: [ca], at: TestPKI.now) } == .sealingDigestMismatch)
        #expect(
            await code { try await sealed.jws.verify(payload: SampleBatch.payload + [10], trustedRoots: [ca], at: TestPKI.now) }
                == .sealingDigestMismatch)
        // Nor can a header be signed for another payload than the one it names.
        let signer = try pki.signer()
        #expect(await code { try DetachedJWS.sign(payload: payload, header: sealed.header, signer: signer) } == .sealingDigestMismatch)
    }

    @Test("a changed signature or header is an invalid signature")
    func tamperedSignature() async throws {
        defer { pki.remove() }
        let ca = try pki.ca
        let sealed = try SampleBatch.seal(with: try pki.signer())
        let parts = sealed.jws.compact.split(separator: ".", omittingEmptySubsequences: false)
        var signature = try #require(Base64URL.decode(parts[2]))
        signature[signature.startIndex + 10] ^= 0x01
        let badSignature = parts[0] + ".." + Base64URL.encode(signature)
        #expect(
            await code { try await DetachedJWS.verify(jws: badSignature, payload: SampleBatch.payload, trustedRoots: [ca], at: TestPKI.now) }
                == .sealingSignatureInvalid)

        var header = try headerObject(sealed.jws.compact)
        header["kp-recipient"] = "00000001100005990000"
        let badHeader = try replacingHeader(sealed.jws.compact, header)
        #expect(
            await code { try await DetachedJWS.verify(jws: badHeader, payload: SampleBatch.payload, trustedRoots: [ca], at: TestPKI.now) }
                == .sealingSignatureInvalid)
    }

    @Test("a signer certified by another CA is untrusted")
    func otherCA() async throws {
        let other = try TestPKI()
        defer { pki.remove(); other.remove() }
        let sealed = try SampleBatch.seal(with: try other.signer())
        let ca = try pki.ca
        #expect(await code { try await sealed.jws.verify(payload: SampleBatch.payload, trustedRoots: [ca], at: TestPKI.now) } == .sealingUntrusted)
        // Its own CA does trust it: the failure above is the CA, nothing else.
        let otherCA = try other.ca
        _ = try await sealed.jws.verify(payload: SampleBatch.payload, trustedRoots: [otherCA], at: TestPKI.now)
    }

    @Test("outside the certificate's validity the signer is untrusted", arguments: [-2 * 86_400.0, 3 * 365 * 86_400.0])
    func expired(offset: TimeInterval) async throws {
        defer { pki.remove() }
        let sealed = try SampleBatch.seal(with: try pki.signer())
        let ca = try pki.ca
        #expect(
            await code { try await sealed.jws.verify(payload: SampleBatch.payload, trustedRoots: [ca], at: TestPKI.now + offset) }
                == .sealingUntrusted)
    }

    @Test("a seal whose kp-sender is not the signer's OIN is refused")
    func senderMismatch() async throws {
        defer { pki.remove() }
        let municipality = try pki.signer("gm0363")
        var header = try SampleBatch.seal(with: try pki.signer()).header
        header.sender = TestPKI.gateway.oin
        let jws = try DetachedJWS.sign(payload: SampleBatch.payload, header: header, signer: municipality)
        let ca = try pki.ca
        #expect(await code { try await jws.verify(payload: SampleBatch.payload, trustedRoots: [ca], at: TestPKI.now) } == .sealingSenderMismatch)
    }

    @Test("x5c with the signer certificate only still chains to the given CA")
    func leafOnlyChain() async throws {
        defer { pki.remove() }
        let full = try pki.signer()
        let leafOnly = try SigningIdentity(certificateChain: [full.certificate], privateKey: full.privateKey)
        let sealed = try SampleBatch.seal(with: leafOnly)
        #expect(sealed.jws.certificates.count == 1)
        _ = try await sealed.jws.verify(payload: SampleBatch.payload, trustedRoots: [try pki.ca], at: TestPKI.now)
    }

    @Test(
        "malformed compact serialisations are refused before any cryptography",
        arguments: ["", "abc", "a.b.c", "a..b.c", "e30..AAAA", "!!..AAAA", "eyJhbGciOiJFUzI1NiJ9..AAAA"])
    func malformed(text: String) async throws {
        defer { pki.remove() }
        #expect(await code { try DetachedJWS(compact: text) } == .sealingMalformed)
    }

    @Test("an attached payload, another alg, crit, b64:false, a wrong kid or a short signature are malformed")
    func malformedHeaders() async throws {
        defer { pki.remove() }
        let compact = try SampleBatch.seal(with: try pki.signer()).jws.compact
        let parts = compact.split(separator: ".", omittingEmptySubsequences: false)
        #expect(await code { try DetachedJWS(compact: parts[0] + "." + Base64URL.encode(SampleBatch.payload) + "." + parts[2]) } == .sealingMalformed)
        #expect(await code { try DetachedJWS(compact: parts[0] + ".." + parts[2].dropLast(4)) } == .sealingMalformed)
        // 64 bytes take 86 characters, the last carrying 4 unused bits: set one and the encoding is not canonical.
        let last = try #require(parts[2].last)
        let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_")
        let bumped = alphabet[(try #require(alphabet.firstIndex(of: last))) ^ 1]
        #expect(await code { try DetachedJWS(compact: parts[0] + ".." + parts[2].dropLast() + String(bumped)) } == .sealingMalformed)
        let changes: [(String, Any)] = [
            ("alg", "HS256"), ("alg", "none"), ("crit", ["kp-batch"]), ("b64", false), ("kid", "00"), ("x5c", [String]()),
            ("x5c", ["bm90IGEgY2VydA=="]), ("kp-sender", "123"), ("kp-sha256", "XYZ"), ("kp-count", -1),
        ]
        for (key, value) in changes {
            var header = try headerObject(compact)
            header[key] = value
            #expect(await code { try DetachedJWS(compact: try replacingHeader(compact, header)) } == .sealingMalformed, "\(key)")
        }
        var header = try headerObject(compact)
        header.removeValue(forKey: "kp-merkle-root")
        #expect(await code { try DetachedJWS(compact: try replacingHeader(compact, header)) } == .sealingMalformed)
    }

    @Test("a key that is not the certificate's is refused when building a signing identity")
    func wrongKey() throws {
        defer { pki.remove() }
        let signer = try pki.signer()
        #expect(throws: KetenpoortError(.sealingIdentityInvalid, "")) {
            try SigningIdentity(certificateChain: signer.certificateChain, privateKey: P256.Signing.PrivateKey())
        }
    }

    @Test("a payload larger than one encoding slice signs and verifies")
    func largePayload() async throws {
        defer { pki.remove() }
        let payload = Data((0..<200_001).map { UInt8(truncatingIfNeeded: $0 &* 31) })
        let sealed = try BatchSealer(signer: try pki.signer()).seal(
            payload: payload, recordHashes: [MerkleTree.recordHash(payload)], batch: "big", recipient: TestPKI.amsterdam.oin, contract: "c",
            contractVersion: "1", issuedAt: TestPKI.now)
        _ = try await sealed.jws.verify(payload: payload, trustedRoots: [try pki.ca], at: TestPKI.now)
        // The streamed signing input equals the plain concatenation.
        let header = sealed.jws.compact.split(separator: ".")[0]
        let plain = SHA256.hash(data: Data((header + "." + Base64URL.encode(payload)).utf8))
        #expect(DetachedJWS.signingInputDigest(encodedHeader: header, payload: payload) == plain)
    }

    @Test("a payload hashed beforehand (a mapped file of several MiB) verifies as the payload itself, and a wrong digest is caught")
    func verifiedFromDigests() async throws {
        defer { pki.remove() }
        let payload = Data((0..<(3 << 20) + 7).map { UInt8(truncatingIfNeeded: $0 &* 131 &+ 3) })
        let sealed = try BatchSealer(signer: try pki.signer()).seal(
            payload: payload, recordHashes: [MerkleTree.recordHash(payload)], batch: "mapped", recipient: TestPKI.amsterdam.oin, contract: "c",
            contractVersion: "1", issuedAt: TestPKI.now)
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("jws-\(UUID().uuidString)")
        try payload.write(to: file)
        defer { try? FileManager.default.removeItem(at: file) }
        let jws = try DetachedJWS(compact: sealed.jws.compact)
        let mapped = try Data(contentsOf: file, options: .alwaysMapped)
        let header = sealed.jws.compact.split(separator: ".")[0]
        let plain = SHA256.hash(data: Data((header + "." + Base64URL.encode(payload)).utf8))
        #expect(jws.signingInputDigest(payload: mapped).value == plain)
        let sha256 = Data(SHA256.hash(data: payload))
        let roots = [try pki.ca]
        let verified = try await jws.verify(
            payloadSHA256: sha256, signingInputDigest: jws.signingInputDigest(payload: mapped), trustedRoots: roots, at: TestPKI.now)
        #expect(verified == sealed.jws.header)
        let other = SHA256.hash(data: Data("another payload".utf8))
        #expect(
            await code { try await jws.verify(payloadSHA256: sha256, signingInputDigest: .init(value: other), trustedRoots: roots, at: TestPKI.now) }
                == .sealingSignatureInvalid)
        #expect(
            await code {
                try await jws.verify(payloadSHA256: Data(other), signingInputDigest: .init(value: plain), trustedRoots: roots, at: TestPKI.now)
            } == .sealingDigestMismatch)
    }

    @Test("a payload sealed from parts of any size carries the same seal as when sealed whole, and a part changed is caught")
    func sealedFromParts() async throws {
        defer { pki.remove() }
        let payload = Data((0..<200_003).map { UInt8(truncatingIfNeeded: $0 &* 31 &+ 7) })
        let sealer = try BatchSealer(signer: try pki.signer())
        let sha256 = Hex.encode(SHA256.hash(data: payload))
        let root = MerkleTree(recordHashes: [MerkleTree.recordHash(payload)]).rootHex
        for cuts in [[1], [2, 5, 100_000], [3, 6, 9], [65_536, 131_072], [199_999]] {
            let bounds = [0] + cuts + [payload.count]
            let (header, jws) = try sealer.seal(
                payloadSHA256: sha256, merkleRoot: root, count: 1, batch: "parts", recipient: TestPKI.amsterdam.oin, contract: "c",
                contractVersion: "1",
                issuedAt: TestPKI.now, payload: { part in for (from, to) in zip(bounds, bounds.dropFirst()) { try part(payload[from..<to]) } })
            #expect(try await jws.verify(payload: payload, trustedRoots: [try pki.ca], at: TestPKI.now) == header, "cuts \(cuts)")
        }
        #expect(throws: KetenpoortError(.sealingDigestMismatch, "")) {
            try sealer.seal(
                payloadSHA256: sha256, merkleRoot: root, count: 1, batch: "parts", recipient: TestPKI.amsterdam.oin, contract: "c",
                contractVersion: "1",
                issuedAt: TestPKI.now, payload: { part in try part(payload.dropLast()) })
        }
    }

    @Test("Base64URLStream over parts equals base64url of the whole")
    func base64URLStream() {
        defer { pki.remove() }
        let bytes = Data((0..<1_000).map { UInt8(truncatingIfNeeded: $0 &* 131) })
        for step in 1...9 {
            var stream = Base64URLStream()
            var output: [UInt8] = []
            var offset = 0
            while offset < bytes.count {
                let end = min(bytes.count, offset + step + offset % 5)
                output += stream.encode(bytes[offset..<end])
                offset = end
            }
            output += stream.finish()
            #expect(String(decoding: output, as: UTF8.self) == Base64URL.encode(bytes), "step \(step)")
        }
    }
}
