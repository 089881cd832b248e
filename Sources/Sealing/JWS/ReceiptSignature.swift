import Crypto
import Foundation
import KetenpoortCore

/// The gateway's signature on an inbox receipt: a detached JWS as a batch seal is (ES256, `x5c`,
/// `kid`), typed `kp-receipt+jose`, whose payload is the receipt body exactly as sent and whose
/// header carries the `ReceiptHeader` (docs/sealed-batch.md §7).
///
/// ```swift
/// let header = ReceiptHeader(receipt: body, contract: "coa-tvs-export", idempotencyKey: key, sender: gateway.oin!, partner: coa, …)
/// response.headers["Ketenpoort-Signature"] = try ReceiptSignature.sign(receipt: body, header: header, signer: gateway)
/// ```
public enum ReceiptSignature {
    /// The JWS `typ` of a receipt, so no receipt can pass for a batch seal or the other way round.
    public static let type = "kp-receipt+jose"

    /// The compact detached JWS (`<header>..<signature>`) over `receipt`; throws `sealing.digest-mismatch`
    /// unless `header.receiptSHA256` is the receipt's digest and `sealing.sender-mismatch` unless
    /// `header.sender` is the signer's OIN, so a signature never asserts another receipt or signer.
    public static func sign(receipt: some DataProtocol, header: ReceiptHeader, signer: SigningIdentity) throws -> String {
        guard Hex.encode(SHA256.hash(data: receipt)) == header.receiptSHA256 else {
            throw KetenpoortError(.sealingDigestMismatch, "kp-sha256 of the receipt header is not the receipt's SHA-256")
        }
        guard signer.oin == header.sender else {
            throw KetenpoortError(.sealingSenderMismatch, "kp-sender \(header.sender) is not the signer certificate's OIN")
        }
        let protected = ProtectedHeader(
            algorithm: DetachedJWS.algorithm, type: type, certificateChain: signer.x5c, keyID: signer.keyID, claims: header)
        let encodedHeader = Base64URL.encode(try protected.encoded())
        let signature = try signer.privateKey.signature(
            for: DetachedJWS.signingInputDigest(encodedHeader: Substring(encodedHeader), payload: receipt))
        return encodedHeader + ".." + Base64URL.encode(signature.rawRepresentation)
    }
}
