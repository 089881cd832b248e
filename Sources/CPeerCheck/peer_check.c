// timegm (glibc declares it with _DEFAULT_SOURCE).
#define _DEFAULT_SOURCE
#include "CPeerCheck.h"

#include <curl/curl.h>
#include <openssl/ssl.h>
#include <openssl/x509v3.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

struct kp_peer_expectation {
    int has_oin;
    char oin[21];
    char host[256];
    kp_peer_outcome outcome;
    char presented_oin[21];
    /// The notAfter of the last accepted leaf, in seconds since 1970; 0 before one.
    long long not_after;
    const kp_tls_identity *identity;
};

/// Defined in client_identity.c.
int kp_tls_identity_apply(const kp_tls_identity *identity, SSL_CTX *ctx);

static int expectation_index = -1;
static pthread_once_t expectation_index_once = PTHREAD_ONCE_INIT;

static void make_expectation_index(void) {
    expectation_index = SSL_CTX_get_ex_new_index(0, NULL, NULL, NULL, NULL);
}

kp_peer_expectation *kp_peer_expectation_create(const char *oin) {
    kp_peer_expectation *expectation = calloc(1, sizeof(kp_peer_expectation));
    if (expectation == NULL) return NULL;
    if (oin != NULL) {
        if (strlen(oin) != 20) {
            free(expectation);
            return NULL;
        }
        memcpy(expectation->oin, oin, 21);
        expectation->has_oin = 1;
    }
    return expectation;
}

void kp_peer_expectation_free(kp_peer_expectation *expectation) { free(expectation); }

int kp_peer_expectation_prepare(kp_peer_expectation *expectation, const char *host) {
    size_t length = strlen(host);
    if (length == 0 || length >= sizeof(expectation->host)) return 0;
    memcpy(expectation->host, host, length + 1);
    expectation->outcome = KP_PEER_UNCHECKED;
    expectation->presented_oin[0] = 0;
    return 1;
}

kp_peer_outcome kp_peer_expectation_outcome(const kp_peer_expectation *expectation) { return expectation->outcome; }

const char *kp_peer_expectation_presented_oin(const kp_peer_expectation *expectation) { return expectation->presented_oin; }

void kp_peer_expectation_use_identity(kp_peer_expectation *expectation, const kp_tls_identity *identity) { expectation->identity = identity; }

/// Whether the subject holds exactly one serialNumber and it is `oin`; keeps what was presented.
static int carries_oin(X509 *certificate, kp_peer_expectation *expectation) {
    X509_NAME *subject = X509_get_subject_name(certificate);
    int index = X509_NAME_get_index_by_NID(subject, NID_serialNumber, -1);
    if (index < 0) return 0;
    const ASN1_STRING *value = X509_NAME_ENTRY_get_data(X509_NAME_get_entry(subject, index));
    const unsigned char *bytes = ASN1_STRING_get0_data(value);
    int length = ASN1_STRING_length(value);
    // Kept for the error message only when it has the form of an OIN (20 digits): the field is the
    // peer's to fill, and nothing else it wrote reaches a log.
    int is_oin = length == 20;
    for (int i = 0; i < length && is_oin; i++) is_oin = bytes[i] >= '0' && bytes[i] <= '9';
    if (is_oin) memcpy(expectation->presented_oin, bytes, 20);
    expectation->presented_oin[is_oin ? 20 : 0] = 0;
    if (X509_NAME_get_index_by_NID(subject, NID_serialNumber, index) >= 0) return 0;
    return length == 20 && memcmp(bytes, expectation->oin, 20) == 0;
}

/// OpenSSL's verify callback: the chain and the host (SAN only) as OpenSSL found them, then the OIN of the leaf.
static int verify_peer(int preverified, X509_STORE_CTX *store) {
    SSL *ssl = X509_STORE_CTX_get_ex_data(store, SSL_get_ex_data_X509_STORE_CTX_idx());
    kp_peer_expectation *expectation = ssl == NULL ? NULL : SSL_CTX_get_ex_data(SSL_get_SSL_CTX(ssl), expectation_index);
    // Fail closed: without our expectation nothing is accepted.
    if (expectation == NULL) return 0;
    if (!preverified) {
        int error = X509_STORE_CTX_get_error(store);
        if (error == X509_V_ERR_HOSTNAME_MISMATCH || error == X509_V_ERR_IP_ADDRESS_MISMATCH) expectation->outcome = KP_PEER_NAME_MISMATCH;
        return 0;
    }
    if (X509_STORE_CTX_get_error_depth(store) != 0) return 1;
    if (expectation->has_oin && !carries_oin(X509_STORE_CTX_get_current_cert(store), expectation)) {
        expectation->outcome = KP_PEER_OIN_MISMATCH;
        X509_STORE_CTX_set_error(store, X509_V_ERR_APPLICATION_VERIFICATION);
        return 0;
    }
    expectation->outcome = KP_PEER_ACCEPTED;
    struct tm expiry;
    const ASN1_TIME *not_after = X509_get0_notAfter(X509_STORE_CTX_get_current_cert(store));
    if (not_after != NULL && ASN1_TIME_to_tm(not_after, &expiry)) expectation->not_after = (long long)timegm(&expiry);
    return 1;
}

/// CURLOPT_SSL_CTX_FUNCTION: runs before libcurl makes the SSL object of each new connection.
static CURLcode install_verification(CURL *curl, void *ssl_ctx, void *context) {
    (void)curl;
    SSL_CTX *ctx = ssl_ctx;
    kp_peer_expectation *expectation = context;
    pthread_once(&expectation_index_once, make_expectation_index);
    if (expectation_index < 0 || !SSL_CTX_set_ex_data(ctx, expectation_index, expectation)) return CURLE_SSL_CERTPROBLEM;
    X509_VERIFY_PARAM *parameters = SSL_CTX_get0_param(ctx);
    // RFC 9525: the reference identity is matched against the SAN only, never the subject's CN.
    X509_VERIFY_PARAM_set_hostflags(parameters, X509_CHECK_FLAG_NEVER_CHECK_SUBJECT | X509_CHECK_FLAG_NO_PARTIAL_WILDCARDS);
    // The SSL_CTX may be one of an earlier connection: both names are set afresh.
    if (X509_VERIFY_PARAM_set1_ip_asc(parameters, expectation->host)) {
        if (!X509_VERIFY_PARAM_set1_host(parameters, NULL, 0)) return CURLE_SSL_CERTPROBLEM;
    } else if (!X509_VERIFY_PARAM_set1_ip(parameters, NULL, 0) || !X509_VERIFY_PARAM_set1_host(parameters, expectation->host, 0)) {
        return CURLE_SSL_CERTPROBLEM;
    }
    SSL_CTX_set_verify(ctx, SSL_VERIFY_PEER, verify_peer);
    if (expectation->identity != NULL && !kp_tls_identity_apply(expectation->identity, ctx)) return CURLE_SSL_CERTPROBLEM;
    return CURLE_OK;
}

long long kp_peer_expectation_not_after(const kp_peer_expectation *expectation) { return expectation->not_after; }

int kp_peer_expectation_install(void *curl, kp_peer_expectation *expectation) {
    CURLcode code = curl_easy_setopt(curl, CURLOPT_SSL_CTX_FUNCTION, install_verification);
    if (code != CURLE_OK) return (int)code;
    return (int)curl_easy_setopt(curl, CURLOPT_SSL_CTX_DATA, (void *)expectation);
}
