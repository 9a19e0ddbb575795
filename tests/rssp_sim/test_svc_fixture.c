#define _POSIX_C_SOURCE 200809L

#include "test_svc_fixture.h"

#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <openssl/rand.h>

#include "commands.h"
#include "req.h"
#include "test_util.h"
#include "base/util/base64.h"

rsspd_service *tsf_svc;
simcfg tsf_cfg;
const char *tsf_dir;

static char *g_dir;
static rsspd_options g_opt;
static _Atomic int64_t g_now;

static int64_t fake_clock(void *ctx)
{
    (void)ctx;
    return atomic_load(&g_now);
}

void tsf_clock_set(int64_t ms)
{
    atomic_store(&g_now, ms);
}

void tsf_clock_advance(int64_t ms)
{
    atomic_fetch_add(&g_now, ms);
}

int64_t tsf_clock_now(void)
{
    return atomic_load(&g_now);
}

static int64_t wall_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

int tsf_group_setup(void **state)
{
    (void)state;
    const char *module = tu_p11_module();
    if (!module) {
        fprintf(stderr, "no PKCS#11 module (SoftHSM2) to test with\n");
        return -1;
    }
    g_dir = tu_mkdtemp("rsspd-svc");
    if (!g_dir)
        return -1;
    char *argv[] = {"init", "--dir", g_dir, "--pkcs11-module", (char *)module, NULL};
    if (rsspd_cmd_init(5, argv) != 0)
        return -1;
    char err[256];
    if (simcfg_load(g_dir, &tsf_cfg, err, sizeof err) != 0) {
        fprintf(stderr, "simcfg_load: %s\n", err);
        return -1;
    }
    tsf_dir = g_dir;
    return 0;
}

int tsf_group_teardown(void **state)
{
    (void)state;
    simcfg_free(&tsf_cfg);
    if (g_dir && !getenv("TSF_KEEP"))
        tu_rm_rf(g_dir);
    free(g_dir);
    g_dir = NULL;
    return 0;
}

static void remove_state(void)
{
    static const char *const names[] = {"state.db", "state.db-wal", "state.db-shm"};
    for (size_t i = 0; i < 3; i++) {
        char p[4096];
        snprintf(p, sizeof p, "%s/%s", g_dir, names[i]);
        unlink(p);
    }
}

static int open_svc(void)
{
    char err[512];
    if (rsspd_service_open(g_dir, &g_opt, &tsf_svc, err, sizeof err) != 0) {
        fprintf(stderr, "rsspd_service_open: %s\n", err);
        return -1;
    }
    rsspd_service_set_clock(tsf_svc, fake_clock, NULL);
    return 0;
}

int tsf_setup_opts(const rsspd_options *opt)
{
    remove_state();
    g_opt = *opt;
    tsf_clock_set(wall_ms());
    return open_svc();
}

int tsf_setup(void **state)
{
    (void)state;
    rsspd_options o;
    rsspd_options_default(&o);
    o.base_url = "https://localhost:4443";
    return tsf_setup_opts(&o);
}

int tsf_teardown(void **state)
{
    (void)state;
    rsspd_service_close(tsf_svc);
    tsf_svc = NULL;
    return 0;
}

void tsf_restart(void)
{
    rsspd_service_close(tsf_svc);
    tsf_svc = NULL;
    assert_int_equal(open_svc(), 0);
}

/* ---- requests ------------------------------------------------------------------ */

void tsf_call(const char *method, const char *path, const char *query, const char *auth,
              const char *ctype, const void *body, size_t body_len, tsf_resp *out)
{
    memset(out, 0, sizeof *out);
    rsspd_request req = {method, path, query, auth, ctype, body, body_len};
    rsspd_service_handle(tsf_svc, &req, &out->r);
    assert_non_null(out->r.content_type);
    if (strncmp(out->r.content_type, "application/json", 16) == 0) {
        assert_non_null(out->r.body);
        out->json = cJSON_ParseWithLength(out->r.body, out->r.body_len);
        assert_non_null(out->json);
        /* every error is {error, error_description}; successes never carry error */
        const char *e = tsf_str(out->json, "error");
        if (out->r.status >= 400) {
            assert_non_null(e);
            assert_non_null(tsf_str(out->json, "error_description"));
        } else {
            assert_null(e);
        }
    }
}

void tsf_post_json(const char *path, const char *access, const char *body, tsf_resp *out)
{
    char auth[128];
    if (access)
        snprintf(auth, sizeof auth, "Bearer %s", access);
    tsf_call("POST", path, NULL, access ? auth : NULL, "application/json", body,
             body ? strlen(body) : 0, out);
}

void tsf_post_form(const char *path, const char *body, tsf_resp *out)
{
    tsf_call("POST", path, NULL, NULL, "application/x-www-form-urlencoded", body, strlen(body),
             out);
}

void tsf_resp_free(tsf_resp *r)
{
    cJSON_Delete(r->json);
    rsspd_response_free(&r->r);
    memset(r, 0, sizeof *r);
}

const char *tsf_str(const cJSON *j, const char *name)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(j, name);
    return cJSON_IsString(v) ? v->valuestring : NULL;
}

double tsf_num(const cJSON *j, const char *name)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(j, name);
    return cJSON_IsNumber(v) ? v->valuedouble : -1e9;
}

void tsf_expect_error(tsf_resp *r, int status, const char *error, const char *desc)
{
    if (r->r.status != status || !r->json || !tsf_str(r->json, "error") ||
        strcmp(tsf_str(r->json, "error"), error) != 0 ||
        (desc && (!tsf_str(r->json, "error_description") ||
                  !strstr(tsf_str(r->json, "error_description"), desc))))
        fail_msg("want %d %s (%s), got %d %.*s", status, error, desc ? desc : "", r->r.status,
                 (int)(r->r.body_len > 400 ? 400 : r->r.body_len),
                 r->r.body ? r->r.body : "(no body)");
    tsf_resp_free(r);
}

/* ---- OAuth flows ------------------------------------------------------------------- */

const char *tsf_password(const char *user)
{
    const simcfg_user *u = simcfg_find_user(&tsf_cfg, user);
    assert_non_null(u);
    return u->password;
}

static void form_add(char **buf, const char *k, const char *v)
{
    char *ev = req_pct_encode(v);
    assert_non_null(ev);
    size_t n = (*buf ? strlen(*buf) : 0) + strlen(k) + strlen(ev) + 3;
    char *nb = malloc(n);
    assert_non_null(nb);
    snprintf(nb, n, "%s%s%s=%s", *buf ? *buf : "", *buf ? "&" : "", k, ev);
    free(*buf);
    free(ev);
    *buf = nb;
}

char *tsf_login_code(const char *user, const char *password, const char *state)
{
    char *body = NULL;
    form_add(&body, "response_type", "code");
    form_add(&body, "client_id", "crpki-driver");
    form_add(&body, "redirect_uri", REDIRECT_URI);
    form_add(&body, "code_challenge", PKCE_CHALLENGE);
    form_add(&body, "code_challenge_method", "S256");
    form_add(&body, "state", state);
    form_add(&body, "username", user);
    form_add(&body, "password", password);
    form_add(&body, "consent", "approve");
    tsf_resp r;
    tsf_post_form("/oauth2/authorize", body, &r);
    free(body);
    assert_int_equal(r.r.status, 302);
    assert_non_null(r.r.location);
    const char *prefix = REDIRECT_URI "?code=";
    assert_true(strncmp(r.r.location, prefix, strlen(prefix)) == 0);
    const char *c = r.r.location + strlen(prefix);
    const char *amp = strchr(c, '&');
    assert_non_null(amp);
    char *code = strndup(c, (size_t)(amp - c));
    char *enc = req_pct_encode(state);
    assert_true(strncmp(amp, "&state=", 7) == 0);
    assert_string_equal(amp + 7, enc);
    free(enc);
    tsf_resp_free(&r);
    return code;
}

void tsf_login(const char *user, char access[64], char refresh[64])
{
    char *code = tsf_login_code(user, tsf_password(user), "st");
    char *body = NULL;
    form_add(&body, "grant_type", "authorization_code");
    form_add(&body, "code", code);
    form_add(&body, "redirect_uri", REDIRECT_URI);
    form_add(&body, "client_id", "crpki-driver");
    form_add(&body, "code_verifier", PKCE_VERIFIER);
    tsf_resp r;
    tsf_post_form("/oauth2/token", body, &r);
    free(body);
    free(code);
    assert_int_equal(r.r.status, 200);
    const char *at = tsf_str(r.json, "access_token"), *rt = tsf_str(r.json, "refresh_token");
    assert_non_null(at);
    assert_non_null(rt);
    assert_int_equal(strlen(at), 43);
    snprintf(access, 64, "%s", at);
    if (refresh)
        snprintf(refresh, 64, "%s", rt);
    tsf_resp_free(&r);
}

const simcfg_credential *tsf_cred(const char *user, alg_key_type type, unsigned bits)
{
    const simcfg_user *u = simcfg_find_user(&tsf_cfg, user);
    assert_non_null(u);
    for (size_t i = 0; i < u->ncreds; i++)
        if (u->creds[i].key_type == type && u->creds[i].key_bits == bits)
            return &u->creds[i];
    fail_msg("user %s has no %u-bit key of type %d", user, bits, (int)type);
    return NULL;
}

/* ---- CSC flows -------------------------------------------------------------------------- */

void tsf_random(uint8_t *out, size_t n)
{
    assert_int_equal(RAND_bytes(out, (int)n), 1);
}

char *tsf_hashes_json(const uint8_t *hashes, size_t n, size_t hlen)
{
    cJSON *a = cJSON_CreateArray();
    for (size_t i = 0; i < n; i++) {
        char *b = base64_encode_alloc(hashes + i * hlen, hlen);
        cJSON_AddItemToArray(a, cJSON_CreateString(b));
        free(b);
    }
    char *s = cJSON_PrintUnformatted(a);
    cJSON_Delete(a);
    assert_non_null(s);
    return s;
}

void tsf_authorize(const char *access, const char *cred, const char *hash_oid,
                   const uint8_t *hashes, size_t n, size_t hlen, char handle[64], char code[5])
{
    char *hj = tsf_hashes_json(hashes, n, hlen);
    size_t blen = strlen(hj) + 512;
    char *body = malloc(blen);
    snprintf(body, blen,
             "{\"credentialID\":\"%s\",\"numSignatures\":%zu,\"hashes\":%s,"
             "\"hashAlgorithmOID\":\"%s\",\"description\":\"請求書.pdf\","
             "\"authData\":[{\"id\":\"gbizid_app\"}]}",
             cred, n, hj, hash_oid);
    tsf_resp r;
    tsf_post_json("/csc/v2/credentials/authorize", access, body, &r);
    free(hj);
    free(body);
    if (r.r.status != 202)
        fail_msg("authorize: %d %s", r.r.status, r.r.body);
    const char *h = tsf_str(r.json, "handle"), *c = tsf_str(r.json, "approvalCode");
    assert_non_null(h);
    assert_non_null(c);
    assert_int_equal(strlen(c), 4);
    assert_int_equal(strspn(c, "0123456789"), 4);
    snprintf(handle, 64, "%s", h);
    snprintf(code, 5, "%s", c);
    tsf_resp_free(&r);
}

int tsf_admin(const char *verb, const char *code)
{
    char path[4096], err[256];
    snprintf(path, sizeof path, "%s/state.db", tsf_dir);
    store *st = NULL;
    if (store_open(path, &st, err, sizeof err) != 0)
        return 1;
    store_rc rc = store_approval_decide(st, code, strcmp(verb, "approve") == 0, tsf_clock_now());
    store_close(st);
    return rc == STORE_OK ? 0 : rc == STORE_NOTFOUND ? 3 : 1;
}

int tsf_admin_cli(const char *verb, const char *code)
{
    char *argv[] = {(char *)verb, "--dir", (char *)tsf_dir, "--code", (char *)code, NULL};
    fflush(stdout);
    int rc = strcmp(verb, "approve") == 0 ? rsspd_cmd_approve(5, argv) : rsspd_cmd_deny(5, argv);
    fflush(stdout);
    return rc;
}

void tsf_get_sad(const char *access, const char *handle, long wait, char sad[64])
{
    char body[256];
    snprintf(body, sizeof body, "{\"handle\":\"%s\",\"wait\":%ld}", handle, wait);
    tsf_resp r;
    tsf_post_json("/csc/v2/credentials/authorizeCheck", access, body, &r);
    if (r.r.status != 200)
        fail_msg("authorizeCheck: %d %s", r.r.status, r.r.body);
    assert_string_equal(tsf_str(r.json, "status"), "approved");
    const char *s = tsf_str(r.json, "SAD");
    assert_non_null(s);
    snprintf(sad, 64, "%s", s);
    tsf_resp_free(&r);
}

void tsf_approved_sad(const char *access, const char *cred, const char *hash_oid,
                      const uint8_t *hashes, size_t n, size_t hlen, char sad[64])
{
    char handle[64], code[5];
    tsf_authorize(access, cred, hash_oid, hashes, n, hlen, handle, code);
    assert_int_equal(tsf_admin("approve", code), 0);
    tsf_get_sad(access, handle, 0, sad);
}

char *tsf_sign_body(const char *cred, const char *sad, const uint8_t *hashes, size_t n, size_t hlen,
                    const char *hash_oid, const char *sign_algo, const char *params_b64)
{
    cJSON *o = cJSON_CreateObject();
    cJSON_AddStringToObject(o, "credentialID", cred);
    cJSON_AddStringToObject(o, "SAD", sad);
    char *hj = tsf_hashes_json(hashes, n, hlen);
    cJSON_AddItemToObject(o, "hashes", cJSON_Parse(hj));
    free(hj);
    if (hash_oid)
        cJSON_AddStringToObject(o, "hashAlgorithmOID", hash_oid);
    cJSON_AddStringToObject(o, "signAlgo", sign_algo);
    if (params_b64)
        cJSON_AddStringToObject(o, "signAlgoParams", params_b64);
    char *s = cJSON_PrintUnformatted(o);
    cJSON_Delete(o);
    return s;
}
