/// The TLS 1.2 suites spoken in both directions: ECDHE key exchange with AEAD only (TLS 1.3 suites
/// are all forward secret and AEAD). One list, by IANA code point for the servers (NIOSSL's
/// `NIOTLSCipher(rawValue:)`) and by OpenSSL name for libcurl.
public enum ForwardSecretSuites {
    public static let all: [(iana: UInt16, openSSL: String)] = [
        (0xC02B, "ECDHE-ECDSA-AES128-GCM-SHA256"),
        (0xC02C, "ECDHE-ECDSA-AES256-GCM-SHA384"),
        (0xCCA9, "ECDHE-ECDSA-CHACHA20-POLY1305"),
        (0xC02F, "ECDHE-RSA-AES128-GCM-SHA256"),
        (0xC030, "ECDHE-RSA-AES256-GCM-SHA384"),
        (0xCCA8, "ECDHE-RSA-CHACHA20-POLY1305"),
    ]

    /// For `CURLOPT_SSL_CIPHER_LIST` (OpenSSL's cipher-list syntax).
    public static var openSSLCipherList: String { all.map(\.openSSL).joined(separator: ":") }
}
