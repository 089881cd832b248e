#include "CPeerCheck.h"

#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>
#include <stdio.h>
#include <stdlib.h>

// The trust store and our identity, parsed once: OpenSSL 3 takes milliseconds to decode a PEM key
// and a CA bundle, which libcurl would otherwise do again for every new connection (one per
// municipality each night). The objects are reference-counted; each SSL_CTX takes its own reference.
struct kp_tls_identity {
    X509_STORE *store;
    X509 *certificate;
    STACK_OF(X509) *chain;
    EVP_PKEY *key;
};

static kp_tls_identity *fail(kp_tls_identity *identity, char *error, size_t size, const char *reason, const char *path) {
    snprintf(error, size, "%s: %s", reason, path);
    ERR_clear_error();
    kp_tls_identity_free(identity);
    return NULL;
}

kp_tls_identity *kp_tls_identity_load(const char *ca_file, const char *certificate_file, const char *key_file, char *error, size_t size) {
    kp_tls_identity *identity = calloc(1, sizeof(kp_tls_identity));
    if (identity == NULL) return fail(NULL, error, size, "out of memory loading", ca_file);
    identity->store = X509_STORE_new();
    if (identity->store == NULL || X509_STORE_load_file(identity->store, ca_file) != 1) {
        return fail(identity, error, size, "the CA bundle cannot be read as PEM certificates", ca_file);
    }
    STACK_OF(X509_OBJECT) *objects = X509_STORE_get0_objects(identity->store);
    if (objects == NULL || sk_X509_OBJECT_num(objects) == 0) return fail(identity, error, size, "the CA bundle holds no certificate", ca_file);
    if (certificate_file == NULL) return identity;

    BIO *certificates = BIO_new_file(certificate_file, "r");
    if (certificates == NULL) return fail(identity, error, size, "the client certificate cannot be read", certificate_file);
    identity->certificate = PEM_read_bio_X509(certificates, NULL, NULL, NULL);
    identity->chain = sk_X509_new_null();
    X509 *next;
    while (identity->chain != NULL && (next = PEM_read_bio_X509(certificates, NULL, NULL, NULL)) != NULL) sk_X509_push(identity->chain, next);
    BIO_free(certificates);
    if (identity->certificate == NULL || identity->chain == NULL) {
        return fail(identity, error, size, "the client certificate file holds no PEM certificate", certificate_file);
    }
    BIO *key = BIO_new_file(key_file, "r");
    if (key == NULL) return fail(identity, error, size, "the client key cannot be read", key_file);
    identity->key = PEM_read_bio_PrivateKey(key, NULL, NULL, NULL);
    BIO_free(key);
    if (identity->key == NULL) return fail(identity, error, size, "the client key is not a PEM private key", key_file);
    if (X509_check_private_key(identity->certificate, identity->key) != 1) {
        return fail(identity, error, size, "the client key does not belong to the client certificate", key_file);
    }
    ERR_clear_error();
    return identity;
}

void kp_tls_identity_free(kp_tls_identity *identity) {
    if (identity == NULL) return;
    X509_STORE_free(identity->store);
    X509_free(identity->certificate);
    sk_X509_pop_free(identity->chain, X509_free);
    EVP_PKEY_free(identity->key);
    free(identity);
}

/// Gives `ctx` the trust store and, when there is one, our chain and key (each call takes references).
int kp_tls_identity_apply(const kp_tls_identity *identity, SSL_CTX *ctx) {
    SSL_CTX_set1_cert_store(ctx, identity->store);
    if (identity->certificate == NULL) return 1;
    return SSL_CTX_use_certificate(ctx, identity->certificate) == 1 && SSL_CTX_set1_chain(ctx, identity->chain) == 1 &&
           SSL_CTX_use_PrivateKey(ctx, identity->key) == 1;
}
