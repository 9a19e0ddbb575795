/* rc_url: the URLs the client builds and checks. Pure functions. */
#ifndef CRPKI_RSSP_CLIENT_RC_URL_H
#define CRPKI_RSSP_CLIENT_RC_URL_H

#include <stddef.h>

/* service_url: "https://" host [":" port] [path], no user info, query or
 * fragment (the scheme is case-insensitive; http:// is refused). *base gets
 * the URL without a trailing '/', *host the host without IPv6 brackets
 * (both malloc'ed). 0, or -1 with err ("service_url: must be https://"). */
int rc_service_url_parse(const char *url, char **base, char **host, char *err, size_t errsz);

/* A loopback redirect URI the service accepts (RFC 8252 7.3): http:// and
 * 127.0.0.1, localhost or [::1], a port 1-65535, a path; at most 1024
 * characters of RFC 3986 path characters and one query. */
int rc_redirect_uri_ok(const char *uri);

/* The parameters of the authorization response, from a full redirect URL
 * ("http://127.0.0.1:PORT/cb?code=...&state=...") or just its query. Values
 * decoded (malloc'ed) or NULL when absent. 0, or -1 with err when the query
 * is malformed or a parameter appears twice. */
typedef struct {
    char *code, *state, *error, *error_description;
    char *iss; /* RFC 9207: the authorization server that answered, when it says */
} rc_authz_response;
int rc_authz_response_parse(const char *redirect, rc_authz_response *out, char *err, size_t errsz);
void rc_authz_response_free(rc_authz_response *r);

#endif
