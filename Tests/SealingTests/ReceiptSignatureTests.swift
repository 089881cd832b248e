import Crypto
import Foundation
import KetenpoortCore
import Testing

@testable import Sealing

@Suite("Receipt signatures")
struct ReceiptSignatureTests {
    let pki: TestPKI
    init() throws { pki = try TestPKI() }

    static let body = Data(#"{"accepted":3,"contract":"coa-tvs-export","idempotencyKey":"coa-1","items":3}"#.utf8)

    func header(for body: Data = body, sender: OIN = TestPKI.gateway.oin) -> ReceiptHeader {
        ReceiptHeader(
            receipt: body, contract: "coa-tvs-export", idempotencyKey: "coa-1", sender: sender, partner: TestPKI.amsterdam.oin,
            payloadSHA256: String(repeating: "ab", count: 32), outcome: "applied", items: 3, accepted: 3, quarantined: 0, rejected: 0,
            issuedAt: TestPKI.now.addingTimeInterval(0.7))
    }

    @Test("a receipt's detached JWS verifies over the exact body, typed kp-receipt+jose, with every kp- parameter in its header")
    func signed() async throws {
        defer { pki.remove() }
        let compact = try ReceiptSignature.sign(receipt: Self.body, header: header(), signer: try pki.signer())
        let jws = try CheckpointJWS(compact: compact)
        _ = try await jws.verify(payload: Self.body, trustedRoots: [try pki.ca], at: TestPKI.now)
        await #expect(throws: KetenpoortError.self) {
            _ = try await jws.verify(payload: Self.body + [32], trustedRoots: [try pki.ca], at: TestPKI.now)
        }
        let part = try #require(compact.split(separator: ".", omittingEmptySubsequences: false).first)
        let json = try #require(Base64URL.decode(part))
        let object = try #require(try JSONSerialization.jsonObject(with: json) as? [String: Any])
        #expect(object["typ"] as? String == "kp-receipt+jose" && object["alg"] as? String == "ES256")
        #expect(object["kp-sha256"] as? String == Hex.encode(SHA256.hash(data: Self.body)))
        #expect(object["kp-partner"] as? String == TestPKI.amsterdam.oin.value && object["kp-sender"] as? String == TestPKI.gateway.oin.value)
        #expect(object["iat"] as? Int == Int(TestPKI.now.timeIntervalSince1970))
        #expect(
            Set(object.keys) == [
                "alg", "typ", "x5c", "kid", "iat", "kp-sender", "kp-partner", "kp-contract", "kp-idempotency-key", "kp-payload-sha256", "kp-sha256",
                "kp-outcome", "kp-items", "kp-accepted", "kp-quarantined", "kp-rejected",
            ])
        #expect(try JSONDecoder().decode(ReceiptHeader.self, from: json) == header())
    }

    @Test("a header for other bytes, or naming another sender than the signer, is never signed")
    func refused() throws {
        defer { pki.remove() }
        let signer = try pki.signer()
        #expect(throws: KetenpoortError.self) { try ReceiptSignature.sign(receipt: Self.body + [32], header: header(), signer: signer) }
        #expect(throws: KetenpoortError.self) {
            try ReceiptSignature.sign(receipt: Self.body, header: header(sender: TestPKI.amsterdam.oin), signer: signer)
        }
    }
}
