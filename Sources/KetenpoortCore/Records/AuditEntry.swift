import Foundation

/// One entry of the tamper-evident audit chain. `hash` is the SHA-256 of the canonical encoding
/// of (`seq`, `time`, `kind`, `payload`, `prevHash`), so each entry commits to all before it.
public struct AuditEntry: Sendable, Equatable {
    /// 1, 2, 3, … without gaps.
    public let seq: Int
    /// ISO 8601 UTC with milliseconds, exactly as hashed.
    public let time: String
    /// What it records, e.g. `batch.sealed`.
    public let kind: String
    /// Canonical JSON without personal data (ids, counts, hashes, pseudonyms).
    public let payload: String
    /// The previous entry's hash (64 zeros for the first).
    public let prevHash: String
    /// SHA-256 (hex) of the canonical encoding of the other fields.
    public let hash: String

    /// The `prevHash` of the first entry.
    public static let genesis = String(repeating: "0", count: 64)

    /// Memberwise: `hash` is taken as given, neither computed nor checked.
    public init(seq: Int, time: String, kind: String, payload: String, prevHash: String, hash: String) {
        self.seq = seq
        self.time = time
        self.kind = kind
        self.payload = payload
        self.prevHash = prevHash
        self.hash = hash
    }
}

/// A signed anchor of the chain: the gateway's detached JWS over `{"hash", "seq"}` of one entry.
public struct AuditCheckpoint: Sendable, Equatable {
    /// The seq of the entry it anchors.
    public let seq: Int
    /// That entry's hash.
    public let hash: String
    /// ISO 8601 UTC, when it was signed.
    public let time: String
    /// Detached JWS (compact, ES256, `x5c`).
    public let jws: String

    /// Memberwise.
    public init(seq: Int, hash: String, time: String, jws: String) {
        self.seq = seq
        self.hash = hash
        self.time = time
        self.jws = jws
    }
}
