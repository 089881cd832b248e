import CCurl
import Foundation
import KetenpoortCore

/// One outbound request (a POST with a body, or a GET) as the curl workers carry it out.
package struct CurlRequest: Sendable {
    package var isGet = false
    /// The length of the body, whichever way it is given.
    var bodyLength: Int { streamedBody?.length ?? body.count }
    package var url: URL
    package var headers: [(name: String, value: String)]
    package var body: Data
    /// A body read part by part instead of `body`.
    package var streamedBody: StreamedBody?
    package var tls: TLSClientSettings
    package var timeout: Duration
    package var connectTimeout: Duration
    /// Test hook: leave out our certificate, to see that a server refuses such a client.
    package var omitsClientCertificate = false
    /// Test hook: send this method instead (`CURLOPT_CUSTOMREQUEST`), to see how a server answers one it does not take.
    package var customMethod: String?

    package init(
        url: URL, headers: [(name: String, value: String)], body: Data, tls: TLSClientSettings, timeout: Duration, connectTimeout: Duration
    ) {
        self.url = url
        self.headers = headers
        self.body = body
        self.tls = tls
        self.timeout = timeout
        self.connectTimeout = connectTimeout
    }

    /// Refuses what libcurl must never be handed: another scheme than https, CR or LF in a header.
    func validate() throws {
        guard url.scheme?.lowercased() == "https", url.host != nil else {
            throw KetenpoortError(.transportConfiguration, "the delivery URL must be an absolute https URL")
        }
        for (name, value) in headers {
            let isName = !name.isEmpty && name.utf8.allSatisfy { $0 > 0x20 && $0 < 0x7F && $0 != UInt8(ascii: ":") }
            let isValue = value.utf8.allSatisfy { $0 != 0x0D && $0 != 0x0A && $0 != 0x00 }
            guard isName, isValue else {
                throw KetenpoortError(.transportConfiguration, "header field '\(isName ? name : "?")' is not a valid HTTP field")
            }
        }
        guard timeout > .zero else { throw KetenpoortError(.transportConfiguration, "the timeout must be positive") }
    }

    /// The options of this transfer apart from the body, callbacks, header list and error buffer.
    ///
    /// Kept as data so tests can check the plan itself (e.g. that the system CA folder is switched off).
    var options: [CurlOption] {
        var plan: [CurlOption] = [
            .string(CURLOPT_URL, url.absoluteString),
            .string(CURLOPT_PROTOCOLS_STR, "https"),
            .string(CURLOPT_REDIR_PROTOCOLS_STR, "https"),
            .long(CURLOPT_FOLLOWLOCATION, 0),
            .long(CURLOPT_NOSIGNAL, 1),
            .long(CURLOPT_POST, 1),
            .long(CURLOPT_SSL_VERIFYPEER, 1),
            .long(CURLOPT_SSL_VERIFYHOST, 2),
            .long(CURLOPT_SSLVERSION, Int(CURL_SSLVERSION_TLSv1_2)),
            // TLS 1.2: ECDHE with AEAD only, as inbound (TLS 1.3's suites all are).
            .string(CURLOPT_SSL_CIPHER_LIST, ForwardSecretSuites.openSSLCipherList),
            // The trust store (only `tls.trustedCA`) and our certificate and key are read once and
            // given to each connection's TLS context (`ClientTLSIdentity`): libcurl gets no CA file
            // of its own, and Debian's libcurl adds /etc/ssl/certs unless CAPATH is NULL too.
            .null(CURLOPT_CAINFO),
            .null(CURLOPT_CAPATH),
            .long(CURLOPT_TIMEOUT_MS, Self.milliseconds(timeout)),
            .long(CURLOPT_CONNECTTIMEOUT_MS, Self.milliseconds(min(connectTimeout, timeout))),
        ]
        if let customMethod {
            plan.append(.string(CURLOPT_CUSTOMREQUEST, customMethod))
        }
        if let pin = tls.pinnedPublicKey {
            plan.append(.string(CURLOPT_PINNEDPUBLICKEY, pin))
        }
        return plan
    }

    /// Whole milliseconds, at least 1 (0 would mean "no limit" to libcurl).
    static func milliseconds(_ duration: Duration) -> Int {
        let (seconds, attoseconds) = duration.components
        return max(1, Int(seconds) * 1000 + Int(attoseconds / 1_000_000_000_000_000))
    }
}

/// One libcurl option and its value.
enum CurlOption: Equatable {
    case long(CURLoption, Int)
    case string(CURLoption, String)
    /// The option set to a NULL pointer.
    case null(CURLoption)

    /// The option this sets.
    var option: CURLoption {
        switch self {
        case .long(let option, _), .string(let option, _), .null(let option): option
        }
    }

    /// Sets the option on `handle`; libcurl copies strings, so nothing needs to outlive the call.
    func apply(to handle: UnsafeMutableRawPointer) -> CURLcode {
        switch self {
        case .long(let option, let value): kp_curl_easy_setopt_long(handle, option, value)
        case .string(let option, let value): value.withCString { kp_curl_easy_setopt_pointer(handle, option, $0) }
        case .null(let option): kp_curl_easy_setopt_pointer(handle, option, nil)
        }
    }
}
