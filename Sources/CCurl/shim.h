#ifndef KETENPOORT_CCURL_SHIM_H
#define KETENPOORT_CCURL_SHIM_H

#include <curl/curl.h>

// curl_easy_setopt and curl_easy_getinfo are variadic: Swift cannot call them directly.
// These typed wrappers are the only way the gateway sets options.

static inline CURLcode kp_curl_easy_setopt_long(CURL *handle, CURLoption option, long value) {
    return curl_easy_setopt(handle, option, value);
}

static inline CURLcode kp_curl_easy_setopt_int64(CURL *handle, CURLoption option, curl_off_t value) {
    return curl_easy_setopt(handle, option, value);
}

static inline CURLcode kp_curl_easy_setopt_pointer(CURL *handle, CURLoption option, const void *value) {
    return curl_easy_setopt(handle, option, value);
}

typedef size_t (*kp_curl_callback)(char *data, size_t size, size_t count, void *context);

static inline CURLcode kp_curl_easy_setopt_callback(CURL *handle, CURLoption option, kp_curl_callback callback) {
    return curl_easy_setopt(handle, option, callback);
}

static inline CURLcode kp_curl_easy_getinfo_long(CURL *handle, CURLINFO info, long *value) {
    return curl_easy_getinfo(handle, info, value);
}

typedef int (*kp_curl_xferinfo_callback)(void *context, curl_off_t dltotal, curl_off_t dlnow, curl_off_t ultotal, curl_off_t ulnow);

static inline CURLcode kp_curl_easy_setopt_xferinfo(CURL *handle, kp_curl_xferinfo_callback callback) {
    return curl_easy_setopt(handle, CURLOPT_XFERINFOFUNCTION, callback);
}

typedef int (*kp_curl_seek_callback)(void *context, curl_off_t offset, int origin);

static inline CURLcode kp_curl_easy_setopt_seek(CURL *handle, kp_curl_seek_callback callback) {
    return curl_easy_setopt(handle, CURLOPT_SEEKFUNCTION, callback);
}

// CURL_GLOBAL_DEFAULT is a macro expression; a function keeps its value in C.
static inline CURLcode kp_curl_global_init_default(void) {
    return curl_global_init(CURL_GLOBAL_DEFAULT);
}

#endif
