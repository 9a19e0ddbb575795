/* Integration test harness: runs the reference service crpki-rsspd on a
 * private copy of the test data directory and talks to it over real HTTPS
 * (libcurl), exactly as docs/protocol.md describes.
 *
 * One server and one keep-alive CURL handle per test program. The helpers
 * named h_*_ok fail the current cmocka test themselves (they use cmocka's
 * assertions), the others return results for the test to judge.
 *
 * Environment: CRPKI_ITEST_KEEP=1 keeps the temporary directory,
 * CRPKI_ITEST_VERBOSE=1 prints the server's log at the end, CRPKI_RSSPD and
 * CRPKI_RSSPD_FIXTURE override the executable and the fixture directory. */
#ifndef CRPKI_INTEGRATION_HARNESS_H
#define CRPKI_INTEGRATION_HARNESS_H

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <cJSON.h>
#include <curl/curl.h>
#include <openssl/x509.h>

#include "base/alg/alg.h"
#include "base/util/base64.h"

/* ---- test data (DIR/sim.json) ---- */

#define H_MAX_CREDS 8
#define H_MAX_USERS 4

typedef struct {
    char *id;
    alg_key_type key_type;
    unsigned key_bits;
    char *curve; /* EC only, else NULL */
    char *cert;  /* absolute path of the PEM user certificate */
} h_cred;

typedef struct {
    char *id;
    char *password;
    char *name;
    char *company;
    char *title; /* optional, may be NULL */
    h_cred creds[H_MAX_CREDS];
    size_t ncreds;
} h_user;

typedef struct {
    char *client_id;
    char *tls_ca;       /* absolute */
    char *registrar_ca; /* absolute */
    h_user users[H_MAX_USERS];
    size_t nusers;
} h_sim;

/* ---- lifecycle ---- */

/* cmocka group setup: copies the fixture directory (made once per ctest run
 * by rsspd_fixture_init) to a fresh mkdtemp directory, loads its sim.json,
 * creates the CURL handle and starts the server with default options. */
int h_group_setup(void **state);
/* cmocka group teardown: stops the server, removes the directory. */
int h_group_teardown(void **state);

/* Like h_group_setup but without starting the server. */
int h_env_init(void);

/* Starts `crpki-rsspd serve --dir D --listen 127.0.0.1:0 EXTRA...` (extra is
 * NULL-terminated, may be NULL) and waits up to 15 s for DIR/port. Returns 0,
 * or -1 after printing the server's log. */
int h_server_start(const char *const *extra);
/* SIGTERM, then SIGKILL after 5 s. Returns the wait status, -2 when it had
 * to be killed, or -1 if no server was running. */
int h_server_stop(void);
/* Stop and start again on the same directory with new options. */
int h_server_restart(const char *const *extra);
/* The same, listening on the same port as before (for clients that were
 * given the service URL once and cannot follow a port change). Returns 0, or
 * -1 when no server was running or the port could not be bound again. */
int h_server_restart_same_port(const char *const *extra);
/* h_server_start listening on 127.0.0.1:port (a port a stopped server had). */
int h_server_start_on_port(int port, const char *const *extra);

/* pid of the running server, or 0. */
int h_server_pid(void);

const char *h_dir(void);
int h_port(void);
const char *h_base_url(void);
const h_sim *h_sim_data(void);
const h_user *h_user_by_id(const char *id);
/* Path of the server's stdout/stderr log. */
const char *h_server_log(void);

/* ---- HTTPS client ---- */

typedef struct {
    CURLcode cc; /* transport result; status is 0 unless CURLE_OK */
    long status;
    char *body; /* NUL-terminated */
    size_t body_len;
    cJSON *json; /* parsed body, or NULL */
    char *location, *retry_after, *www_authenticate, *cache_control, *content_type, *allow;
    double elapsed_s;
    char what[160]; /* "POST /csc/v2/..." for messages */
} h_resp;

void h_resp_free(h_resp *r);

/* Generic request on the shared handle. body may be NULL. */
void h_request(const char *method, const char *path, const char *content_type, const void *body,
               size_t body_len, const char *bearer, h_resp *r);
/* The same with a raw Authorization header value (NULL: none). */
void h_request_auth(const char *method, const char *path, const char *content_type,
                    const void *body, size_t body_len, const char *authorization, h_resp *r);
void h_post_json(const char *path, const char *json, const char *bearer, h_resp *r);
/* Serializes and frees j. */
void h_post_cjson(const char *path, cJSON *j, const char *bearer, h_resp *r);
void h_post_form(const char *path, const char *form, const char *bearer, h_resp *r);
void h_get(const char *path_and_query, const char *bearer, h_resp *r);

/* Requests from a thread other than the main one use a handle of that
 * thread: call h_thread_begin first in the thread and h_thread_done at its
 * end. */
void h_thread_begin(void);
void h_thread_done(void);

/* The shared CURL handle (for tests that tune it) and a fresh, unconfigured
 * handle factory for TLS tests. */
CURL *h_curl(void);

/* URL-encode with curl; malloc'ed. */
char *h_urlencode(const char *s);
/* Value of a query parameter in a URL (decoded, malloc'ed), or NULL. */
char *h_query_param(const char *url, const char *name);

/* JSON member accessors (NULL / -1 when absent or of another type). */
const char *h_jstr(const cJSON *j, const char *name);
double h_jnum(const cJSON *j, const char *name, double dflt);

/* cmocka checks with a readable message (request, want, got, body). */
#define H_EXPECT_STATUS(r, st)      h_expect_status((r), (st), __FILE__, __LINE__)
#define H_EXPECT_ERROR(r, st, code) h_expect_error((r), (st), (code), __FILE__, __LINE__)
void h_expect_status(const h_resp *r, long status, const char *file, int line);
void h_expect_error(const h_resp *r, long status, const char *error, const char *file, int line);

/* ---- OAuth ---- */

typedef struct {
    char *access;
    char *refresh;
    long expires_in;
} h_tokens;

void h_tokens_free(h_tokens *t);

typedef struct {
    char verifier[129];
    char challenge[64];
    char state[64];
    char redirect_uri[96];
} h_pkce;

/* Fresh verifier (43 chars of base64url from RAND_bytes), S256 challenge,
 * random state, loopback redirect URI. */
void h_pkce_new(h_pkce *p);
/* The authorize query string (no '?') for p. */
char *h_authorize_query(const h_pkce *p);
/* GET /oauth2/authorize, then POST the login form. Returns the POST's
 * response (302 expected on success). consent: "approve" or "deny". */
void h_login_form(const h_pkce *p, const char *user, const char *password, const char *consent,
                  h_resp *r);
/* The whole login up to the authorization code (malloc'ed); fails the test. */
char *h_login_code_ok(const char *user, h_pkce *p);
/* Exchange a code at /oauth2/token. */
void h_token_exchange(const char *code, const char *redirect_uri, const char *verifier, h_resp *r);
void h_refresh(const char *refresh_token, h_resp *r);
/* Full PKCE login for user; fails the test on any deviation. */
void h_login_ok(const char *user, h_tokens *t);
/* Fills t from a 200 token response (fails otherwise). */
void h_tokens_from(const h_resp *r, h_tokens *t);

/* ---- admin commands (the gBizID app) ---- */

typedef struct {
    int exit_code; /* -1 when it did not exit normally */
    char *out;
    char *err;
} h_cmd;

void h_cmd_free(h_cmd *c);
/* Runs `crpki-rsspd ARGS...` (NULL-terminated); --dir is not added. */
int h_run(h_cmd *c, const char *const *argv);
/* approve/deny --dir D --code CODE; returns the exit code. */
int h_approve(const char *code);
int h_deny(const char *code);
/* `audit --dir D --json` / `pending --dir D --json`, parsed (caller deletes). */
cJSON *h_audit_json(void);
cJSON *h_pending_json(void);
/* Number of records in an admin JSON listing: a top-level array, or the
 * first array member of a top-level object. */
int h_json_records(const cJSON *j, const cJSON **array);
/* 1 when some string anywhere inside j equals s. */
int h_json_has_string(const cJSON *j, const char *s);

/* ---- signing ---- */

typedef struct {
    char *handle;
    char *code;
    long expires_in;
    long interval;
} h_approval;

void h_approval_free(h_approval *a);

/* cJSON array of base64 strings for n hashes of len bytes each. */
cJSON *h_hashes_json(const uint8_t *hashes, size_t n, size_t len);

void h_authorize(const char *bearer, const char *cred, const char *hash_oid, const uint8_t *hashes,
                 size_t n, size_t len, h_resp *r);
void h_authorize_ok(const char *bearer, const char *cred, const char *hash_oid,
                    const uint8_t *hashes, size_t n, size_t len, h_approval *a);
void h_check(const char *bearer, const char *handle, int wait, h_resp *r);
/* authorizeCheck with wait until 200; returns the SAD (malloc'ed). */
char *h_wait_sad_ok(const char *bearer, const char *handle);
/* signHash. params_b64 may be NULL; hash_oid may be NULL (omitted). */
void h_sign_hash(const char *bearer, const char *cred, const char *sad, const char *hash_oid,
                 const uint8_t *hashes, size_t n, size_t len, const char *sign_algo,
                 const char *params_b64, h_resp *r);
/* Decodes the n signatures of a 200 signHash response (malloc'ed). */
void h_resp_signatures_ok(const h_resp *r, size_t n, uint8_t **sigs, size_t *lens);
/* RSASSA-PSS-params DER (same hash for digest and MGF1, salt), base64. */
char *h_pss_params_b64(alg_hash_id hash, unsigned salt);

/* authorize -> approve via CLI -> authorizeCheck -> signHash; returns the
 * decoded signatures (sigs[i], lens[i], malloc'ed). Fails the test. */
void h_sign_flow_ok(const char *bearer, const char *cred, alg_hash_id hash, const char *sign_algo,
                    const char *params_b64, const uint8_t *hashes, size_t n, uint8_t **sigs,
                    size_t *lens, char **handle_out);

/* ---- verification ---- */

/* The user certificate from credentials/info (certificates: single),
 * cross-checked with the PEM file sim.json lists. Fails the test. */
X509 *h_cred_cert_ok(const char *bearer, const h_cred *cred);
X509 *h_load_pem_cert(const char *path);
X509 *h_der_cert(const char *b64);
/* 1 when sig verifies over hash with the scheme; pss salt used for PSS. */
int h_verify_sig(X509 *cert, alg_sig_scheme scheme, alg_hash_id hash, unsigned pss_salt,
                 const uint8_t *hash_val, size_t hash_len, const uint8_t *sig, size_t sig_len);
/* 1 when cert chains to DIR/pki/registrar-ca.pem. */
int h_verify_chain(X509 *cert);

/* ---- misc ---- */

double h_now(void);
void h_sleep_ms(unsigned ms);
void h_random(uint8_t *buf, size_t n);

#endif
