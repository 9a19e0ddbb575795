#include "rc_errmap.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include <curl/curl.h>

static const struct {
    const char *error;
    crpki_err code;
} SERVICE_ERRORS[] = {
    {"invalid_credential", CRPKI_E_UNKNOWN_CREDENTIAL},
    {"unsupported_algorithm", CRPKI_E_UNSUPPORTED_ALG},
    {"invalid_hash", CRPKI_E_BAD_HASH},
    {"access_denied", CRPKI_E_DENIED},
    {"expired_token", CRPKI_E_APPROVAL_EXPIRED},
    {"invalid_sad", CRPKI_E_SAD_REJECTED},
    {"invalid_grant", CRPKI_E_NOT_LOGGED_IN},
    {"invalid_token", CRPKI_E_UNAUTHORIZED},
    {"invalid_client", CRPKI_E_UNAUTHORIZED},
    {"invalid_request", CRPKI_E_INVALID_ARG},
    {"request_too_large", CRPKI_E_INVALID_ARG},
    {"slow_down", CRPKI_E_BUSY},
    {"too_many_requests", CRPKI_E_BUSY},
    {"temporarily_unavailable", CRPKI_E_BUSY},
    {"server_error", CRPKI_E_SERVICE},
};

crpki_err rc_map_http(int status, const char *service_error)
{
    if (status >= 200 && status < 300)
        return CRPKI_OK;
    if (status == 401)
        return CRPKI_E_UNAUTHORIZED;
    if (status == 429 || status == 503)
        return CRPKI_E_BUSY;
    if (status >= 500)
        return CRPKI_E_SERVICE;
    if (status >= 400 && service_error && *service_error) {
        for (size_t i = 0; i < sizeof SERVICE_ERRORS / sizeof SERVICE_ERRORS[0]; i++)
            if (strcmp(SERVICE_ERRORS[i].error, service_error) == 0)
                return SERVICE_ERRORS[i].code;
    }
    if (status >= 400)
        return CRPKI_E_SERVICE; /* 404, 405, unknown errors: the service disagrees with us */
    return CRPKI_E_PROTOCOL;    /* 1xx, 3xx (redirects are never followed) */
}

crpki_err rc_map_curl(int curl_code, int proxy_in_use, long connect_code)
{
    CURLcode c = (CURLcode)curl_code;
    if (connect_code != 0 && (connect_code < 200 || connect_code > 299))
        return CRPKI_E_PROXY; /* the proxy refused CONNECT (407, 403, 502...) */
    switch (c) {
    case CURLE_OK:
        return CRPKI_OK;
    case CURLE_COULDNT_RESOLVE_PROXY:
    case CURLE_PROXY:
        return CRPKI_E_PROXY;
    case CURLE_COULDNT_CONNECT:
        return proxy_in_use ? CRPKI_E_PROXY : CRPKI_E_NETWORK;
    case CURLE_COULDNT_RESOLVE_HOST:
    case CURLE_SEND_ERROR:
    case CURLE_RECV_ERROR:
    case CURLE_GOT_NOTHING:
    case CURLE_PARTIAL_FILE:
    case CURLE_INTERFACE_FAILED:
        return CRPKI_E_NETWORK;
    case CURLE_OPERATION_TIMEDOUT:
        return CRPKI_E_TIMEOUT;
    case CURLE_SSL_CONNECT_ERROR:
    case CURLE_PEER_FAILED_VERIFICATION:
    case CURLE_SSL_CACERT_BADFILE:
    case CURLE_SSL_CERTPROBLEM:
    case CURLE_SSL_CIPHER:
    case CURLE_SSL_ISSUER_ERROR:
    case CURLE_SSL_CRL_BADFILE:
    case CURLE_SSL_PINNEDPUBKEYNOTMATCH:
    case CURLE_SSL_INVALIDCERTSTATUS:
    case CURLE_SSL_SHUTDOWN_FAILED:
    case CURLE_SSL_ENGINE_NOTFOUND:
    case CURLE_SSL_ENGINE_SETFAILED:
    case CURLE_SSL_ENGINE_INITFAILED:
    case CURLE_USE_SSL_FAILED:
    case CURLE_SSL_CLIENTCERT:
        return CRPKI_E_TLS;
    case CURLE_FILESIZE_EXCEEDED:
    case CURLE_WRITE_ERROR:
    case CURLE_WEIRD_SERVER_REPLY:
    case CURLE_BAD_CONTENT_ENCODING:
    case CURLE_HTTP2:
    case CURLE_HTTP2_STREAM:
    case CURLE_TOO_MANY_REDIRECTS:
        return CRPKI_E_PROTOCOL;
    case CURLE_OUT_OF_MEMORY:
        return CRPKI_E_NO_MEMORY;
    case CURLE_URL_MALFORMAT:
    case CURLE_UNSUPPORTED_PROTOCOL:
    case CURLE_BAD_FUNCTION_ARGUMENT:
    case CURLE_UNKNOWN_OPTION:
    case CURLE_NOT_BUILT_IN:
    case CURLE_FAILED_INIT:
        return CRPKI_E_INTERNAL;
    default:
        return CRPKI_E_NETWORK;
    }
}

int rc_curl_before_send(int curl_code)
{
    switch ((CURLcode)curl_code) {
    case CURLE_COULDNT_RESOLVE_HOST:
    case CURLE_COULDNT_RESOLVE_PROXY:
    case CURLE_COULDNT_CONNECT:
        return 1;
    default:
        return 0;
    }
}

int rc_curl_transient(int curl_code)
{
    switch ((CURLcode)curl_code) {
    case CURLE_COULDNT_RESOLVE_HOST:
    case CURLE_COULDNT_CONNECT:
    case CURLE_SEND_ERROR:
    case CURLE_RECV_ERROR:
    case CURLE_GOT_NOTHING:
    case CURLE_PARTIAL_FILE:
    case CURLE_OPERATION_TIMEDOUT:
        return 1;
    default:
        return 0;
    }
}

rc_failure rc_classify_transport(int curl_code, int sent)
{
    if ((CURLcode)curl_code == CURLE_OPERATION_TIMEDOUT)
        return sent ? RC_FAIL_TIMEOUT : RC_FAIL_CONNECT_TIMEOUT;
    if (rc_curl_before_send(curl_code))
        return RC_FAIL_CONNECT;
    if (rc_curl_transient(curl_code))
        return sent ? RC_FAIL_DROPPED : RC_FAIL_CONNECT;
    return RC_FAIL_FINAL;
}

rc_failure rc_classify_status(int status)
{
    return status == 429 || status == 503 ? RC_FAIL_BUSY : RC_FAIL_FINAL;
}
