import KetenpoortCore

/// What one delivery attempt's outcome means (formats.md §8).
public enum DeliveryVerdict: Sendable, Hashable {
    /// `2xx` or `409`: the recipient has the batch.
    case delivered
    /// Any other `4xx` (or `3xx`), or a refusal no retry can mend: dead-letter and alert.
    case permanentFailure
    /// `5xx`, `429`, a timeout or a broken connection: try again later.
    case retryable

    /// The verdict on an HTTP status.
    public init(status: Int) {
        switch status {
        case 200...299, 409: self = .delivered
        case 429, 500...599: self = .retryable
        default: self = .permanentFailure
        }
    }

    /// The verdict on a transfer that brought no HTTP answer.
    ///
    /// A TLS refusal, another party's certificate, a pin mismatch or a bad client setting is permanent: the recipient's identity
    /// cannot be established (or ours is refused), which needs an operator, and hammering it could
    /// hide an interception; the operator re-sends once mended. Timeouts, refused or broken
    /// connections and cancellations (shutdown) are retried.
    public init(error: any Error) {
        switch (error as? KetenpoortError)?.code {
        case .transportTLS?, .transportRecipientOIN?, .transportPinMismatch?, .transportConfiguration?, .transportHeaderInvalid?:
            self = .permanentFailure
        default:
            self = .retryable
        }
    }

    /// The verdict on an attempt's result.
    public init(_ result: Result<HTTPResponse, any Error>) {
        switch result {
        case .success(let response): self.init(status: response.status)
        case .failure(let error): self.init(error: error)
        }
    }
}
