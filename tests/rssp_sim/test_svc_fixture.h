/* Fixture of the service unit tests (test_oauth.c, test_csc_*.c): one test
 * data directory made by `crpki-rsspd init` per program, a fresh state.db and
 * service per test, a controllable clock, and helpers that play the browser,
 * the driver and the gBizID app by calling rsspd_service_handle directly. */
#ifndef RSSP_SIM_TEST_SVC_FIXTURE_H
#define RSSP_SIM_TEST_SVC_FIXTURE_H

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <cjson/cJSON.h>

#include "service.h"
#include "simcfg.h"
#include "svc.h"

#define SHA1_OID   "1.3.14.3.2.26"
#define SHA256_OID "2.16.840.1.101.3.4.2.1"
#define SHA384_OID "2.16.840.1.101.3.4.2.2"
#define SHA512_OID "2.16.840.1.101.3.4.2.3"
#define MD5_OID    "1.2.840.113549.2.5"

#define PKCE_VERIFIER  "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk"
#define PKCE_CHALLENGE "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM"
#define REDIRECT_URI   "http://127.0.0.1:8765/callback"

extern rsspd_service *tsf_svc;
extern simcfg tsf_cfg;
extern const char *tsf_dir;

/* cmocka group setup/teardown: init the directory (skips nothing: fails if
 * SoftHSM2 is missing). */
int tsf_group_setup(void **state);
int tsf_group_teardown(void **state);
/* Per test: delete state.db, open the service with default options (or
 * these) and a fake clock at the current wall time. */
int tsf_setup(void **state);
int tsf_setup_opts(const rsspd_options *opt);
int tsf_teardown(void **state);
/* Closes and reopens the service on the same state.db (a restart). */
void tsf_restart(void);

void tsf_clock_set(int64_t ms);
void tsf_clock_advance(int64_t ms);
int64_t tsf_clock_now(void);

typedef struct {
    rsspd_response r;
    cJSON *json; /* parsed body when JSON */
} tsf_resp;

void tsf_call(const char *method, const char *path, const char *query, const char *auth,
              const char *ctype, const void *body, size_t body_len, tsf_resp *out);
/* POST JSON with "Authorization: Bearer <access>" (access NULL: none). */
void tsf_post_json(const char *path, const char *access, const char *body, tsf_resp *out);
void tsf_post_form(const char *path, const char *body, tsf_resp *out);
void tsf_resp_free(tsf_resp *r);

/* Asserts status, error code and (when given) that error_description
 * contains `desc`. Frees r. */
void tsf_expect_error(tsf_resp *r, int status, const char *error, const char *desc);
const char *tsf_str(const cJSON *j, const char *name);
double tsf_num(const cJSON *j, const char *name);

/* The login form of user, posted like a browser; returns the code (caller
 * frees). */
char *tsf_login_code(const char *user, const char *password, const char *state);
/* Complete login: access and refresh tokens (43 characters each). */
void tsf_login(const char *user, char access[64], char refresh[64]);
const char *tsf_password(const char *user);

/* The first credential of user with that key type and size. */
const simcfg_credential *tsf_cred(const char *user, alg_key_type type, unsigned bits);

/* JSON array of base64 hashes (caller frees). */
char *tsf_hashes_json(const uint8_t *hashes, size_t n, size_t hlen);
void tsf_random(uint8_t *out, size_t n);

/* credentials/authorize that must succeed: handle and code. */
void tsf_authorize(const char *access, const char *cred, const char *hash_oid,
                   const uint8_t *hashes, size_t n, size_t hlen, char handle[64], char code[5]);
/* The gBizID app approves or denies ("approve"/"deny") at the fake clock's
 * time, through its own connection to state.db: the exit code `crpki-rsspd
 * approve|deny` would have (0, or 3 when no pending approval has the code). */
int tsf_admin(const char *verb, const char *code);
/* The real command `crpki-rsspd approve|deny --dir DIR --code CODE`, in
 * process (it uses the wall clock): its exit code. */
int tsf_admin_cli(const char *verb, const char *code);
/* authorizeCheck (wait) that must answer 200: the SAD. */
void tsf_get_sad(const char *access, const char *handle, long wait, char sad[64]);
/* authorize + approve + SAD. */
void tsf_approved_sad(const char *access, const char *cred, const char *hash_oid,
                      const uint8_t *hashes, size_t n, size_t hlen, char sad[64]);

/* signatures/signHash body (params_b64 may be NULL, hash_oid may be NULL). */
char *tsf_sign_body(const char *cred, const char *sad, const uint8_t *hashes, size_t n, size_t hlen,
                    const char *hash_oid, const char *sign_algo, const char *params_b64);

#endif
