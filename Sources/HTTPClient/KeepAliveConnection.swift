import CCurl
import Foundation
import KetenpoortCore

/// One keep-alive libcurl handle, configured once for one endpoint, that POSTs bodies and keeps
/// only the status: the load generator's connection (a request then only sets its body, so the
/// generator spends its share of the machine on TLS, not on libcurl set-up). Blocking; one thread.
package final class KeepAliveConnection {
    private let handle: UnsafeMutableRawPointer
    private var headerList: UnsafeMutablePointer<curl_slist>?
    /// The handshake's checks and TLS material, as a delivery has them (kept alive with the handle).
    private let peer: PeerExpectation
    private let identity: ClientTLSIdentity

    package init(url: URL, headers: [(name: String, value: String)], tls: TLSClientSettings, timeout: Duration, connectTimeout: Duration) {
        let template = CurlRequest(url: url, headers: headers, body: Data(), tls: tls, timeout: timeout, connectTimeout: connectTimeout)
        guard let handle = curl_easy_init() else { fatalError("curl_easy_init failed: libcurl is out of memory") }
        self.handle = handle
        do {
            identity = try ClientTLSIdentity.of(template.tls)
        } catch {
            fatalError("a keep-alive connection's TLS material cannot be read: \(error)")
        }
        peer = PeerExpectation(oin: template.tls.expectedPeerOIN)
        for line in template.headers.map({ "\($0.name): \($0.value)" }) + ["Expect:"] { headerList = curl_slist_append(headerList, line) }
        for option in template.options { _ = option.apply(to: handle) }
        if let refused = peer.install(on: handle, host: template.url.host ?? "", identity: identity) {
            fatalError("a keep-alive connection cannot install its TLS checks: \(refused)")
        }
        _ = kp_curl_easy_setopt_pointer(handle, CURLOPT_HTTPHEADER, headerList)
        _ = kp_curl_easy_setopt_callback(handle, CURLOPT_WRITEFUNCTION, discardBody)
    }

    deinit {
        curl_easy_cleanup(handle)
        curl_slist_free_all(headerList)
    }

    /// POSTs `body`; the HTTP status, or 0 when the transfer failed.
    package func post(_ body: Data) -> Int {
        body.withUnsafeBytes { bytes in
            _ = kp_curl_easy_setopt_int64(handle, CURLOPT_POSTFIELDSIZE_LARGE, curl_off_t(bytes.count))
            _ = kp_curl_easy_setopt_pointer(handle, CURLOPT_POSTFIELDS, bytes.baseAddress)
            guard curl_easy_perform(handle) == CURLE_OK else { return 0 }
            var status = 0
            _ = kp_curl_easy_getinfo_long(handle, CURLINFO_RESPONSE_CODE, &status)
            return status
        }
    }
}

/// CURLOPT_WRITEFUNCTION that keeps nothing.
private func discardBody(_ data: UnsafeMutablePointer<CChar>?, _ size: Int, _ count: Int, _ context: UnsafeMutableRawPointer?) -> Int {
    size * count
}
