import CCurl
import KetenpoortCore

/// Maps libcurl's result codes to the stable transport error codes.
enum CurlFailure {
    /// The error for a failed `curl_easy_perform`; `message` is libcurl's error buffer (no body bytes ever reach it).
    static func error(for code: CURLcode, message: String, host: String, method: String = "POST") -> KetenpoortError {
        let detail = message.isEmpty ? String(cString: curl_easy_strerror(code)) : message
        let reason = "\(method) to \(host) failed: \(detail) (curl \(code.rawValue))"
        return KetenpoortError(errorCode(for: code, message: detail), reason)
    }

    /// The stable code for a libcurl result.
    static func errorCode(for code: CURLcode, message: String) -> KetenpoortError.Code {
        switch code {
        case CURLE_SSL_PINNEDPUBKEYNOTMATCH:
            return .transportPinMismatch
        case CURLE_PEER_FAILED_VERIFICATION, CURLE_SSL_CIPHER, CURLE_SSL_ISSUER_ERROR, CURLE_SSL_INVALIDCERTSTATUS,
            CURLE_USE_SSL_FAILED:
            return .transportTLS
        case CURLE_SSL_CONNECT_ERROR:
            // A reset or an early close during the handshake is a broken connection, not a refusal.
            return isConnectionLoss(message) ? .transportBroken : .transportTLS
        case CURLE_SEND_ERROR, CURLE_RECV_ERROR:
            // Under TLS 1.3 a server that refuses our certificate says so with an alert after the
            // handshake, so it surfaces while the request is sent or the answer read.
            return isTLSAlert(message) ? .transportTLS : .transportBroken
        case CURLE_GOT_NOTHING, CURLE_PARTIAL_FILE, CURLE_HTTP2, CURLE_HTTP2_STREAM:
            return .transportBroken
        case CURLE_OPERATION_TIMEDOUT:
            return .transportTimeout
        case CURLE_COULDNT_CONNECT, CURLE_COULDNT_RESOLVE_HOST, CURLE_COULDNT_RESOLVE_PROXY:
            return .transportConnect
        case CURLE_SSL_CERTPROBLEM, CURLE_SSL_CACERT_BADFILE, CURLE_SSL_CRL_BADFILE, CURLE_SSL_ENGINE_NOTFOUND,
            CURLE_SSL_ENGINE_SETFAILED, CURLE_SSL_ENGINE_INITFAILED, CURLE_UNSUPPORTED_PROTOCOL, CURLE_URL_MALFORMAT,
            CURLE_NOT_BUILT_IN:
            return .transportConfiguration
        case CURLE_ABORTED_BY_CALLBACK:
            return .transportCancelled
        default:
            return .transportFailed
        }
    }

    /// The error for an option libcurl refused to take.
    static func optionRejected(_ option: CURLoption, _ code: CURLcode) -> KetenpoortError {
        KetenpoortError(.transportConfiguration, "libcurl refused option \(option.rawValue): \(String(cString: curl_easy_strerror(code)))")
    }

    private static func isTLSAlert(_ message: String) -> Bool {
        message.localizedCaseInsensitiveContains("alert")
    }

    private static func isConnectionLoss(_ message: String) -> Bool {
        ["reset by peer", "unexpected eof", "SSL_ERROR_SYSCALL", "Broken pipe", "connection closed"].contains {
            message.localizedCaseInsensitiveContains($0)
        }
    }
}
