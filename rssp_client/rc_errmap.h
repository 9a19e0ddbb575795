/* rc_errmap: what a failure means to the caller. One table for the
 * service's answers (HTTP status + "error" member) and one for libcurl's
 * transport results; docs/client.md prints both. Pure functions. */
#ifndef CRPKI_RSSP_CLIENT_RC_ERRMAP_H
#define CRPKI_RSSP_CLIENT_RC_ERRMAP_H

#include "crpki/error.h"
#include "rc_backoff.h"
#include "base/util/errbuf.h"

/* The service answered status (not 2xx) with service_error ("" or NULL when
 * the body had none). The caller handles 401 refresh and 429/503 retries
 * before asking: here 401 is final (CRPKI_E_UNAUTHORIZED) and 429/503 are
 * CRPKI_E_BUSY. */
crpki_err rc_map_http(int status, const char *service_error);

/* A libcurl result (CURLcode as int). proxy_in_use: a proxy was configured
 * for the service's host; connect_code: the proxy's answer to CONNECT (0
 * when none). */
crpki_err rc_map_curl(int curl_code, int proxy_in_use, long connect_code);

/* 1 when the failure happened before any byte of the request could reach
 * the service (name resolution, TCP connect): safe to retry anything. */
int rc_curl_before_send(int curl_code);
/* 1 when the failure is worth retrying for a request that is safe to
 * repeat: the connection could not be made or broke (refused, reset, empty
 * reply, request timeout). TLS, proxy-authentication, size and local
 * errors are not. */
int rc_curl_transient(int curl_code);

/* The kind of a failed attempt, for rc_retry_allowed: a transport failure
 * (curl_code; sent: the request may have reached the service) ... */
rc_failure rc_classify_transport(int curl_code, int sent);
/* ... or an HTTP answer that is neither 2xx nor a 401 being refreshed. */
rc_failure rc_classify_status(int status);

/* Errors are reported with fail_with (base/error/fail.h), as everywhere. */

#endif
