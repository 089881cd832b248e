import KetenpoortCore

/// The stable error codes of outbound HTTPS (codes keep their `transport.` prefix: operators and
/// the audit chain know them by it).
///
/// Outbound transfers throw `KetenpoortError`s with these codes (the "transport error" of a delivery);
/// `RetryPolicy.classify(error:)` decides per code whether a retry can help.
extension KetenpoortError.Code {
    /// The TLS handshake failed: the peer's certificate is not trusted, ours was refused, no common suite.
    public static let transportTLS: Self = "transport.tls"
    /// The recipient's endpoint presented a valid certificate of another party (another OIN, or
    /// none): refused during the handshake, before any byte of the request left.
    public static let transportRecipientOIN: Self = "transport.recipient-oin"
    /// The peer's public key differs from the configured pin (`sha256//…`).
    public static let transportPinMismatch: Self = "transport.pin-mismatch"
    /// No TCP connection could be made (refused, unreachable, name not resolved).
    public static let transportConnect: Self = "transport.connect"
    /// The transfer did not finish within its time limit.
    public static let transportTimeout: Self = "transport.timeout"
    /// The connection broke after it was made (reset, closed early, an empty or partial answer).
    public static let transportBroken: Self = "transport.broken"
    /// A client setting that cannot work: an unreadable certificate or key, a URL that is not https.
    public static let transportConfiguration: Self = "transport.configuration"
    /// The transfer was cancelled by the caller or because the client shut down.
    public static let transportCancelled: Self = "transport.cancelled"
    /// Any other libcurl failure.
    public static let transportFailed: Self = "transport.failed"
    /// A `Content-Digest` field that cannot be parsed or names no supported algorithm.
    public static let transportDigestMalformed: Self = "transport.digest-malformed"
    /// The body does not match its `Content-Digest`.
    public static let transportDigestMismatch: Self = "transport.digest-mismatch"
    /// Delivery headers that cannot be sent (an idempotency key or content type with forbidden characters).
    public static let transportHeaderInvalid: Self = "transport.header-invalid"
    /// A streamed request body could not be read while it was being sent (the store failed).
    public static let transportBodyUnreadable: Self = "transport.body-unreadable"
}
