import Crypto
import Foundation

/// SHA-256 of a JWS signing input, `b64url(header) + "." + b64url(payload)`, with the payload given
/// in parts of any size, so it is never held whole.
struct SigningInputHasher {
    private var hasher = SHA256()
    private var encoder = Base64URLStream()

    init(encodedHeader: Substring) {
        hasher.update(data: Array(encodedHeader.utf8))
        hasher.update(data: [UInt8(ascii: ".")])
    }

    /// Adds the next bytes of the payload.
    mutating func update(_ part: Data) {
        encoder.encode(part) { hasher.update(bufferPointer: $0) }
    }

    /// The digest, once the whole payload was added.
    mutating func finalize() -> SHA256.Digest {
        hasher.update(data: encoder.finish())
        return hasher.finalize()
    }
}
