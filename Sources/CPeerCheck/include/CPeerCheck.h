#ifndef KETENPOORT_CPEERCHECK_H
#define KETENPOORT_CPEERCHECK_H

#include <stddef.h>

// What the gateway expects of a recipient's certificate, checked by OpenSSL during libcurl's TLS
// handshake (CURLOPT_SSL_CTX_FUNCTION installs a verify callback): a SAN naming the host (never the
// CN) and, when set, the recipient's OIN in the subject serialNumber. Only plain C types here, so
// Swift never sees OpenSSL's or libcurl's declarations through this module.

/// How the last handshake's check of the peer ended.
typedef enum {
    KP_PEER_UNCHECKED = 0,
    KP_PEER_ACCEPTED = 1,
    /// No subjectAltName of the certificate matches the host.
    KP_PEER_NAME_MISMATCH = 2,
    /// The certificate chains to the CA and names the host, but carries another OIN (or none).
    KP_PEER_OIN_MISMATCH = 3,
} kp_peer_outcome;

typedef struct kp_peer_expectation kp_peer_expectation;

/// A new expectation; `oin` (20 digits) may be NULL for "any OIN". NULL when out of memory.
kp_peer_expectation *kp_peer_expectation_create(const char *oin);
void kp_peer_expectation_free(kp_peer_expectation *expectation);

/// Sets the host the next transfer connects to and clears the last outcome; 0 when the host is too long.
int kp_peer_expectation_prepare(kp_peer_expectation *expectation, const char *host);

kp_peer_outcome kp_peer_expectation_outcome(const kp_peer_expectation *expectation);

/// The OIN (20 digits) the refused certificate carried in its serialNumber, "" when none or another value.
const char *kp_peer_expectation_presented_oin(const kp_peer_expectation *expectation);

/// When the certificate of the last peer accepted expires, in seconds since 1970; 0 before one was.
long long kp_peer_expectation_not_after(const kp_peer_expectation *expectation);

/// Sets CURLOPT_SSL_CTX_FUNCTION and CURLOPT_SSL_CTX_DATA on the easy handle `curl`; returns the
/// CURLcode. `expectation` must outlive every connection the handle keeps.
int kp_peer_expectation_install(void *curl, kp_peer_expectation *expectation);

/// The TLS material of one destination, read and parsed once instead of by libcurl for every new
/// connection: the CA certificates the peer must chain to, and our certificate chain and key.
typedef struct kp_tls_identity kp_tls_identity;

/// Reads `ca_file` (PEM, at least one certificate) and, when `certificate_file` is not NULL, our
/// chain (PEM, leaf first) and `key_file` (PEM), which must belong to the leaf. NULL on failure,
/// with the reason in `error` (never file contents).
kp_tls_identity *kp_tls_identity_load(const char *ca_file, const char *certificate_file, const char *key_file, char *error, size_t error_size);
void kp_tls_identity_free(kp_tls_identity *identity);

/// The material the handshakes of `expectation`'s handle use (the trust store, our chain and key);
/// must outlive the transfers that use it. NULL leaves libcurl's own settings.
void kp_peer_expectation_use_identity(kp_peer_expectation *expectation, const kp_tls_identity *identity);

#endif
