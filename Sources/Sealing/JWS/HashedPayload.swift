import Crypto
import Foundation

/// A payload with its SHA-256, taken once when it is made: a receiver checks the Content-Digest,
/// the seal's `kp-sha256` and its own receipt against one hash of a large body, not three.
public struct HashedPayload: Sendable {
    public let bytes: Data
    /// The 32 bytes of the SHA-256.
    public let sha256: Data

    public init(_ bytes: Data) {
        self.bytes = bytes
        sha256 = Data(SHA256.hash(data: bytes))
    }
}
