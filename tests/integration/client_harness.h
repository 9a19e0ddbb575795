/* Client integration tests: the real rssp_client (include/crpki/rssp_client.h)
 * against the real reference service crpki-rsspd over real HTTPS, on top of
 * the integration harness (tests/integration/harness.h), which runs the
 * server on a private copy of the fixture, plays the browser and the gBizID
 * app (`crpki-rsspd approve --code`) and verifies signatures with OpenSSL.
 *
 * Helpers named *_ok fail the current cmocka test themselves; call them
 * from the test's thread only. */
#ifndef CRPKI_CLIENT_INTEGRATION_CINT_H
#define CRPKI_CLIENT_INTEGRATION_CINT_H

#include "harness.h"

#include <pthread.h>

#include "crpki/rssp_client.h"

/* ---- client ---- */

/* Options for the harness server: https://localhost:PORT and the fixture's
 * TLS CA; everything else default. */
void ci_options(rssp_options *o);
/* rssp_client_new(o or ci_options), failing the test on error. */
rssp_client *ci_client_ok(const rssp_options *o);

/* "CRPKI_E_DENIED (400 access_denied: ...)" for messages. */
const char *ci_describe(crpki_err rc, const crpki_error_info *ei);
/* assert rc == want with a readable message. */
#define CI_EXPECT_RC(rc, want, ei) ci_expect_rc((rc), (want), (ei), __FILE__, __LINE__)
void ci_expect_rc(crpki_err rc, crpki_err want, const crpki_error_info *ei, const char *file,
                  int line);

/* ---- login (the test plays the browser) ---- */

/* GETs the authorization URL (must be on the harness server), then posts the
 * login form with user/password/consent. Returns the 302's Location
 * (malloc'ed), or NULL with *status set to the HTTP status. */
char *ci_browser(const char *url, const char *user, const char *password, const char *consent,
                 long *status);
/* A fresh loopback redirect URI. */
void ci_redirect_uri(char *buf, size_t n);
/* rssp_login_begin -> browser -> rssp_login_finish; fails the test. */
void ci_login_ok(rssp_client *c, const char *user, rssp_tokens *out);

/* ---- a token source of the test's own (counts its calls) ---- */

typedef struct {
    pthread_mutex_t mu;
    rssp_client *c;
    char *access, *refresh;
    unsigned gets, refreshes;
    crpki_err last_refresh_rc;
} ci_tokens;

void ci_tokens_init(ci_tokens *t, rssp_client *c, const rssp_tokens *from);
void ci_tokens_free(ci_tokens *t);

/* ---- the representative with the gBizID app ---- */

typedef enum {
    CI_MANUAL = 0, /* only record the code; the test acts */
    CI_APPROVE,    /* `approve --code` after delay_ms */
    CI_DENY,       /* `deny --code` after delay_ms */
} ci_action;

typedef struct {
    ci_action action;
    unsigned delay_ms;
    pthread_mutex_t mu;
    pthread_cond_t cv;
    pthread_t th;
    int started, stop;
    /* what the callback saw */
    unsigned ncb;
    char code[16];
    unsigned expires_in_s;
    char description[320];
    char credential_id[96];
    size_t num_hashes;
    int code_is_4_digits;
    double t_cb;
    /* what the app did */
    int acted;
    int act_rc;                    /* exit code of approve/deny */
    double t_act_start, t_act_end; /* around the approve/deny command */
} ci_app;

/* Starts the app thread (not for CI_MANUAL, which needs no thread). */
void ci_app_start(ci_app *a, ci_action action, unsigned delay_ms);
/* The rssp_approval_cb; ctx is the ci_app. */
void ci_app_cb(void *ctx, const rssp_approval *ap);
/* Waits up to timeout_ms for the callback; 1 when it came. */
int ci_app_wait_code(ci_app *a, unsigned timeout_ms);
/* Joins the thread and destroys the sync objects. */
void ci_app_stop(ci_app *a);

/* ---- signing ---- */

/* One rssp_sign call, optionally on a thread of its own. */
typedef struct {
    rssp_client *c;
    rssp_sign_request req;
    crpki_err rc;
    crpki_error_info ei;
    rssp_signatures out;
    double t_start, t_end;
    int done; /* set (atomically) when rssp_sign returned */
    pthread_t th;
} ci_sign_call;

/* Fills call->req for cred (key type and bits from sim.json). */
void ci_sign_prepare(ci_sign_call *call, rssp_client *c, const h_cred *cred, rssp_sig_scheme scheme,
                     alg_hash_id hash, const uint8_t *hashes, size_t n, ci_app *app);
void ci_sign_run(ci_sign_call *call);
void ci_sign_start(ci_sign_call *call); /* on a thread */
void ci_sign_join(ci_sign_call *call);
void ci_sign_free(ci_sign_call *call);

/* Verifies every signature of call->out against cert with OpenSSL. */
void ci_verify_all_ok(const ci_sign_call *call, X509 *cert, alg_hash_id hash);

/* The user certificate as rssp_get_credential gives it (certs[0]),
 * cross-checked with the PEM file sim.json lists. Fails the test. */
X509 *ci_cred_cert_ok(rssp_client *c, const h_cred *cred);
X509 *ci_blob_cert(const rssp_blob *b);

alg_sig_scheme ci_scheme(rssp_sig_scheme s);
const h_cred *ci_cred(const char *user, alg_key_type kt, unsigned bits);

/* ---- the server's access log (one line per request, on completion) ---- */

/* The log's current size, 100 ms after the call (the line of a request
 * just answered is written once the response has gone): count only what
 * comes after. */
long ci_log_mark(void);
/* Lines after mark containing every one of the NULL-terminated needles. */
int ci_log_count(long mark, ...) __attribute__((sentinel));

/* Temporary directory under the harness's TMPDIR (malloc'ed); removed by
 * ci_rm_tree. */
char *ci_tempdir(void);
void ci_rm_tree(const char *path);

#endif
