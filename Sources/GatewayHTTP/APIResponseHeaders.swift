import HTTPTypes

/// The header fields every answer of the gateway's API carries (NL API Design Rules 2.1:
/// `API-Version`, and the transport-security headers for APIs): never cached, HTTPS only, no
/// content sniffing, never framed.
enum APIResponseHeaders {
    /// The API's version, sent as `API-Version`.
    static let apiVersion = "1.0.0"

    static let fields: [(name: HTTPField.Name, value: String)] = [
        (HTTPField.Name("API-Version")!, apiVersion),
        (.cacheControl, "no-store"),
        (HTTPField.Name("Strict-Transport-Security")!, "max-age=31536000"),
        (HTTPField.Name("X-Content-Type-Options")!, "nosniff"),
        (HTTPField.Name("X-Frame-Options")!, "DENY"),
        (HTTPField.Name("Content-Security-Policy")!, "frame-ancestors 'none'"),
    ]

    static func add(to headers: inout HTTPFields) {
        for field in fields { headers[field.name] = field.value }
    }
}
