import NIOSSL

/// The TLS 1.2 suites spoken in both directions: ECDHE key exchange with AEAD only (TLS 1.3 suites
/// are all forward secret and AEAD). One list, in NIOSSL's terms for the servers and in OpenSSL's
/// for libcurl.
enum ForwardSecretSuites {
    static let all: [(nio: NIOTLSCipher, openSSL: String)] = [
        (.TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256, "ECDHE-ECDSA-AES128-GCM-SHA256"),
        (.TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384, "ECDHE-ECDSA-AES256-GCM-SHA384"),
        (.TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256, "ECDHE-ECDSA-CHACHA20-POLY1305"),
        (.TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256, "ECDHE-RSA-AES128-GCM-SHA256"),
        (.TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384, "ECDHE-RSA-AES256-GCM-SHA384"),
        (.TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256, "ECDHE-RSA-CHACHA20-POLY1305"),
    ]

    /// For `TLSConfiguration.cipherSuiteValues`.
    static var nio: [NIOTLSCipher] { all.map(\.nio) }

    /// For `CURLOPT_SSL_CIPHER_LIST` (OpenSSL's cipher-list syntax).
    static var openSSLCipherList: String { all.map(\.openSSL).joined(separator: ":") }
}
