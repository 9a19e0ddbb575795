/* rssp_client: the one C client of the remote signing service (the protocol
 * of docs/protocol.md: OAuth 2.0 with PKCE + the CSC API v2 subset with app
 * approval). No libcurl or cJSON type appears here; no file is read or
 * written; nothing touches the network until a call needs it.
 *
 * Threads: one rssp_client may be used by several threads at once. Calls on
 * it are independent; a long poll in one thread does not hold up another.
 * rssp_client_free must not race with calls in progress. No lock is held
 * while a callback (token source, approval) runs: a callback may call back
 * into the same client (e.g. refresh calling rssp_refresh while rssp_sign
 * waits in that thread). docs/client.md details the model, the retry policy
 * and the error mapping.
 *
 * Every function returns CRPKI_OK or an error, and fills *ei (may be NULL)
 * with the details. Output structures are owned by the caller and released
 * with their _free function, which accepts NULL / zeroed structures. */
#ifndef CRPKI_RSSP_CLIENT_H
#define CRPKI_RSSP_CLIENT_H

#include <stddef.h>
#include <stdint.h>

#include "crpki/error.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct rssp_client rssp_client;

/* ---- creation ------------------------------------------------------------ */

typedef enum {
    RSSP_PROXY_NONE = 0, /* direct connections, environment ignored */
    RSSP_PROXY_SYSTEM,   /* the environment (http(s)_proxy, no_proxy); on Windows
                            also Internet Options: auto-detection (WPAD), the setup
                            script (PAC), the fixed proxy, in that order, and the
                            proxy is offered the Windows sign-on */
    RSSP_PROXY_EXPLICIT, /* proxy_host:proxy_port, optional credentials */
} rssp_proxy_mode;

typedef struct {
    const char *service_url; /* "https://host[:port]" without trailing path; https only */
    const char *ca_bundle;   /* extra trusted CA file (PEM), or NULL: system store only */
    rssp_proxy_mode proxy_mode;
    const char *proxy_host; /* RSSP_PROXY_EXPLICIT */
    unsigned proxy_port;
    const char *proxy_user;      /* optional */
    const char *proxy_password;  /* optional; never logged */
    int proxy_allow_basic;       /* 0: the password goes only by Negotiate, NTLM or Digest;
                                    non-zero: also Basic, readable by anyone between here
                                    and the proxy (the proxy is http://) */
    int proxy_no_sign_on;        /* 0: on Windows a proxy that asks gets the logged-on user's
                                    sign-on (Negotiate, NTLM) in RSSP_PROXY_SYSTEM, and in
                                    RSSP_PROXY_EXPLICIT without proxy_password; 1: never */
    unsigned connect_timeout_ms; /* 0: 10 000 */
    unsigned request_timeout_ms; /* per request, long polls excluded; 0: 30 000 */
    unsigned max_retries;        /* retries of a safe request; 0: 4 */
    const char *client_id;       /* OAuth client ID; NULL: "crpki-driver" */
    const char *user_agent;      /* NULL: "crpki/<version>" */
} rssp_options;

/* Copies what it needs from opt; no network. CRPKI_E_INVALID_ARG names the
 * bad option in ei->detail (e.g. a non-https service_url). */
crpki_err rssp_client_new(const rssp_options *opt, rssp_client **out, crpki_error_info *ei);
void rssp_client_free(rssp_client *c);

/* ---- access tokens --------------------------------------------------------- */

/* Where the client gets its bearer token. libcrpki implements it over the
 * token store (serializing refresh across processes); tests may implement it
 * directly. Both callbacks are called from the thread making the request. */
typedef struct {
    void *ctx;
    /* The current access token into buf (NUL-terminated). CRPKI_E_NOT_LOGGED_IN
     * when there is none. */
    crpki_err (*get_access)(void *ctx, char *buf, size_t bufsz);
    /* Called once after a 401 with the token that was refused: produce a fresh
     * one into buf (refreshing, or taking one another process refreshed). */
    crpki_err (*refresh)(void *ctx, const char *refused, char *buf, size_t bufsz);
} rssp_token_source;

/* Sets the token source (copied). Required before the CSC calls below. */
void rssp_client_set_token_source(rssp_client *c, const rssp_token_source *src);

/* ---- OAuth 2.0 (gBizID) -------------------------------------------------------- */

typedef struct {
    char *access_token;
    char *refresh_token;
    int64_t access_expires_at; /* Unix time, seconds */
    char *scope;
} rssp_tokens;
void rssp_tokens_free(rssp_tokens *t);

typedef struct rssp_login rssp_login;

/* Starts a login: a fresh PKCE S256 verifier and state; no network.
 * redirect_uri: the loopback listener, e.g. "http://127.0.0.1:53123/callback". */
crpki_err rssp_login_begin(rssp_client *c, const char *redirect_uri, rssp_login **out,
                           crpki_error_info *ei);
/* The authorization URL to open in the browser (owned by login). */
const char *rssp_login_url(const rssp_login *login);
/* CRPKI_OK when redirect (the full redirect URL or its query) is the answer
 * to this login: its state matches and its iss, when present (RFC 9207), is
 * the service. No network, login unchanged: a loopback listener asks this of
 * each request and keeps waiting past the ones that are not (a stray page,
 * another login, a forged request), answering them an error page. */
crpki_err rssp_login_check_redirect(const rssp_login *login, const char *redirect,
                                    crpki_error_info *ei);
/* Finishes with what the browser was redirected to: the full redirect URL or
 * just its query string. Checks it as rssp_login_check_redirect does;
 * "error=access_denied" gives CRPKI_E_DENIED; then exchanges the code. */
crpki_err rssp_login_finish(rssp_client *c, rssp_login *login, const char *redirect,
                            rssp_tokens *out, crpki_error_info *ei);
void rssp_login_free(rssp_login *login);

/* Refresh grant; the service rotates the refresh token: out holds the new
 * one. A refused refresh token gives CRPKI_E_NOT_LOGGED_IN. */
crpki_err rssp_refresh(rssp_client *c, const char *refresh_token, rssp_tokens *out,
                       crpki_error_info *ei);
/* Revokes the token's whole login (logout). */
crpki_err rssp_revoke(rssp_client *c, const char *token, crpki_error_info *ei);

/* ---- the way to the service ---------------------------------------------------- */

/* Where the proxy decision came from. */
typedef enum {
    RSSP_ROUTE_DIRECT = 0,  /* no proxy setting applies (or RSSP_PROXY_NONE) */
    RSSP_ROUTE_EXPLICIT,    /* proxy_host:proxy_port */
    RSSP_ROUTE_ENVIRONMENT, /* https_proxy / all_proxy */
    RSSP_ROUTE_STATIC,      /* Windows Internet Options: the fixed proxy */
    RSSP_ROUTE_PAC,         /* Windows Internet Options: the setup script (PAC) */
    RSSP_ROUTE_WPAD,        /* Windows Internet Options: the script auto-detection found */
} rssp_route_from;

typedef struct {
    rssp_route_from from;
    char *proxy;  /* "host:port" of the proxy in use, NULL: direct */
    char *script; /* RSSP_ROUTE_PAC / _WPAD: the script's URL */
    char *note;   /* English: why an automatic setting was passed over, or NULL */
    size_t count; /* entries the decision gave (a PAC may list several) */
    int sign_on;  /* the proxy is offered the Windows sign-on (Negotiate/NTLM) */
} rssp_route;
void rssp_route_free(rssp_route *r);

/* How requests reach the service now: decides it when no request has yet
 * (reading the system's settings and running a PAC script: at most the
 * connect timeout), without contacting the service. */
crpki_err rssp_client_route(rssp_client *c, rssp_route *out, crpki_error_info *ei);

/* ---- service and credentials ------------------------------------------------- */

typedef struct {
    char *name;
    char *specs;
    char *region;
    unsigned max_signatures;
    double latency_ms; /* of this request, for health checks */
    /* "authorizeIdempotency": authorize deduplicates a repeated requestID
     * (docs/protocol.md), so rssp_sign may send it on a kept-alive connection
     * and repeat it after a dropped one */
    int authorize_idempotency;
} rssp_service_info;
void rssp_service_info_free(rssp_service_info *i);

/* POST /csc/v2/info (no token needed). */
crpki_err rssp_info(rssp_client *c, rssp_service_info *out, crpki_error_info *ei);

typedef enum { RSSP_KEY_RSA = 1, RSSP_KEY_EC = 2 } rssp_key_type;
typedef enum { RSSP_CERT_VALID = 0, RSSP_CERT_EXPIRED, RSSP_CERT_REVOKED } rssp_cert_status;

typedef struct {
    uint8_t *der;
    size_t len;
} rssp_blob;

typedef struct {
    char *id;
    char *description;
    int key_enabled;
    rssp_key_type key_type;
    unsigned key_bits; /* RSA modulus bits, EC field bits */
    char *curve_oid;   /* EC only, else NULL */
    char **algos;      /* signature algorithm OIDs the key accepts */
    size_t nalgos;
    rssp_cert_status cert_status;
    rssp_blob *certs; /* [0] the user certificate, then the chain toward the root */
    size_t ncerts;
    char *subject_dn, *issuer_dn, *serial_hex; /* RFC 4514, UTF-8 */
    char *valid_from, *valid_to;               /* GeneralizedTime "YYYYMMDDHHMMSSZ" */
    unsigned multisign;                        /* largest numSignatures */
} rssp_credential;
void rssp_credential_free(rssp_credential *cr);

/* The caller's credential IDs. */
crpki_err rssp_list_credentials(rssp_client *c, char ***ids, size_t *n, crpki_error_info *ei);
void rssp_free_strings(char **v, size_t n);

/* One credential with its full chain and certificate details. */
crpki_err rssp_get_credential(rssp_client *c, const char *credential_id, rssp_credential *out,
                              crpki_error_info *ei);

/* ---- signing ------------------------------------------------------------------- */

/* Cancellation from another thread (the approval dialog's Cancel). One-shot:
 * once triggered it stays triggered; use a fresh one per signature. */
typedef struct rssp_cancel rssp_cancel;
rssp_cancel *rssp_cancel_new(void);
/* Makes the sign call using it return CRPKI_E_CANCELLED promptly (within
 * ~100 ms, even in the middle of a long poll). Thread-safe, idempotent. */
void rssp_cancel_trigger(rssp_cancel *cn);
int rssp_cancel_is_triggered(const rssp_cancel *cn);
void rssp_cancel_free(rssp_cancel *cn);

typedef struct {
    const char *approval_code; /* 4 digits, to show the user */
    unsigned expires_in_s;     /* the approval request's lifetime, for a countdown */
    const char *description;   /* what is being signed, as sent */
    const char *credential_id;
    size_t num_hashes;
} rssp_approval;

/* Called once, from the signing thread, as soon as the approval code is
 * known; the UI shows it until the sign call returns. */
typedef void (*rssp_approval_cb)(void *ctx, const rssp_approval *a);

typedef enum {
    RSSP_SIG_RSA_PKCS1 = 1, /* signAlgo rsaEncryption; the service builds the DigestInfo */
    RSSP_SIG_RSA_PSS,       /* signAlgo RSASSA-PSS; MGF1 with the same hash */
    RSSP_SIG_ECDSA,         /* signAlgo ecdsa-with-SHAxxx; result DER ECDSA-Sig-Value */
} rssp_sig_scheme;

typedef struct {
    const char *credential_id;
    rssp_key_type key_type; /* from the credential: the signature length is checked */
    unsigned key_bits;
    rssp_sig_scheme scheme;
    const char *hash_oid;    /* SHA-1/256/384/512 OID */
    unsigned pss_salt_len;   /* PSS only */
    const uint8_t *hashes;   /* num_hashes hashes of the hash's length, back to back */
    size_t num_hashes;       /* 1..the credential's multisign */
    const char *description; /* shown in the app; NULL: none; <= 256 bytes */
    unsigned timeout_ms;     /* deadline for the whole call; 0: no deadline */
    rssp_approval_cb on_approval;
    void *cb_ctx;
    rssp_cancel *cancel; /* may be NULL */
} rssp_sign_request;

typedef struct {
    rssp_blob *sigs; /* num_hashes signatures, in the order of the hashes */
    size_t n;
} rssp_signatures;
void rssp_signatures_free(rssp_signatures *s);

/* authorize -> on_approval(code) -> long-poll authorizeCheck -> signHash.
 * Returns when the signatures are in hand, or on denial (CRPKI_E_DENIED),
 * expiry (CRPKI_E_APPROVAL_EXPIRED), cancel (CRPKI_E_CANCELLED), deadline
 * (CRPKI_E_DEADLINE) or another error. Never repeats authorize once the
 * service may have processed it (that would send the user a second
 * approval): only after a connection failure before sending or a 429/503.
 * When the last retry that fits the deadline fails, that error is returned
 * (CRPKI_E_DEADLINE only when the deadline passed during an attempt or wait). RSA signatures are
 * big-endian, exactly key_bits/8 bytes; ECDSA signatures DER. They are NOT verified here: libcrpki
 * verifies them against the certificate before handing them on. */
crpki_err rssp_sign(rssp_client *c, const rssp_sign_request *req, rssp_signatures *out,
                    crpki_error_info *ei);

#ifdef __cplusplus
}
#endif

#endif
