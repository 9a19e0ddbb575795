/* Client integration test helpers, see client_harness.h. */
#include "client_harness.h"

#include <errno.h>
#include <ftw.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

static char *xstrdup(const char *s)
{
    char *p = strdup(s);
    if (!p)
        abort();
    return p;
}

/* ------------------------------------------------------------------ */
/* client                                                              */

void ci_options(rssp_options *o)
{
    memset(o, 0, sizeof *o);
    o->service_url = h_base_url();
    o->ca_bundle = h_sim_data()->tls_ca;
    o->proxy_mode = RSSP_PROXY_NONE;
}

rssp_client *ci_client_ok(const rssp_options *o)
{
    rssp_options dflt;
    if (!o) {
        ci_options(&dflt);
        o = &dflt;
    }
    rssp_client *c = NULL;
    crpki_error_info ei;
    memset(&ei, 0, sizeof ei);
    crpki_err rc = rssp_client_new(o, &c, &ei);
    if (rc != CRPKI_OK || !c)
        fail_msg("rssp_client_new(%s): %s", o->service_url, ci_describe(rc, &ei));
    return c;
}

const char *ci_describe(crpki_err rc, const crpki_error_info *ei)
{
    static _Thread_local char buf[512];
    if (!ei) {
        snprintf(buf, sizeof buf, "%s", crpki_err_name(rc));
        return buf;
    }
    snprintf(buf, sizeof buf, "%s (ei: %s, HTTP %d, error \"%.64s\", detail \"%.256s\")",
             crpki_err_name(rc), crpki_err_name(ei->code), ei->http_status, ei->service_error,
             ei->detail);
    return buf;
}

void ci_expect_rc(crpki_err rc, crpki_err want, const crpki_error_info *ei, const char *file,
                  int line)
{
    if (rc == want)
        return;
    print_error("%s:%d: want %s, got %s\n", file, line, crpki_err_name(want), ci_describe(rc, ei));
    _fail(file, line);
}

/* ------------------------------------------------------------------ */
/* login                                                               */

char *ci_browser(const char *url, const char *user, const char *password, const char *consent,
                 long *status)
{
    *status = 0;
    const char *base = h_base_url();
    size_t bl = strlen(base);
    if (strncmp(url, base, bl) != 0 || url[bl] != '/')
        fail_msg("authorization URL %s is not on the service %s", url, base);
    const char *q = strchr(url, '?');
    if (!q)
        fail_msg("authorization URL %s has no query", url);
    /* the browser opens the URL: the login page */
    h_resp r;
    h_get(url + bl, NULL, &r);
    if (r.cc != CURLE_OK || r.status != 200) {
        *status = r.cc == CURLE_OK ? r.status : -1;
        print_error("GET %s: HTTP %ld %.300s\n", url, r.status, r.body ? r.body : "");
        h_resp_free(&r);
        return NULL;
    }
    if (!r.content_type || !strstr(r.content_type, "text/html") || !strstr(r.body, "<form"))
        fail_msg("GET %s: want the HTML login form, got %s", url, r.body);
    h_resp_free(&r);
    /* the user fills in the form; its hidden fields are the query's parameters */
    char *u = h_urlencode(user), *pw = h_urlencode(password), *co = h_urlencode(consent);
    size_t n = strlen(q + 1) + strlen(u) + strlen(pw) + strlen(co) + 64;
    char *form = malloc(n);
    if (!form)
        abort();
    snprintf(form, n, "%s&username=%s&password=%s&consent=%s", q + 1, u, pw, co);
    h_post_form("/oauth2/authorize", form, NULL, &r);
    free(form);
    free(u);
    free(pw);
    free(co);
    char *loc = NULL;
    *status = r.cc == CURLE_OK ? r.status : -1;
    if (r.cc == CURLE_OK && r.status == 302 && r.location)
        loc = xstrdup(r.location);
    h_resp_free(&r);
    return loc;
}

void ci_redirect_uri(char *buf, size_t n)
{
    uint8_t rnd[2];
    h_random(rnd, sizeof rnd);
    snprintf(buf, n, "http://127.0.0.1:%d/callback", 40000 + (rnd[0] << 8 | rnd[1]) % 10000);
}

void ci_login_ok(rssp_client *c, const char *user, rssp_tokens *out)
{
    const h_user *u = h_user_by_id(user);
    assert_non_null(u);
    char ru[64];
    ci_redirect_uri(ru, sizeof ru);
    rssp_login *login = NULL;
    crpki_error_info ei;
    memset(&ei, 0, sizeof ei);
    crpki_err rc = rssp_login_begin(c, ru, &login, &ei);
    CI_EXPECT_RC(rc, CRPKI_OK, &ei);
    assert_non_null(login);
    const char *url = rssp_login_url(login);
    assert_non_null(url);
    long st;
    char *loc = ci_browser(url, u->id, u->password, "approve", &st);
    if (!loc)
        fail_msg("login form: want 302, got %ld", st);
    memset(out, 0, sizeof *out);
    rc = rssp_login_finish(c, login, loc, out, &ei);
    CI_EXPECT_RC(rc, CRPKI_OK, &ei);
    if (!out->access_token || !out->access_token[0] || !out->refresh_token ||
        !out->refresh_token[0])
        fail_msg("rssp_login_finish: OK without access and refresh tokens");
    free(loc);
    rssp_login_free(login);
}

/* ------------------------------------------------------------------ */
/* token source                                                        */

static crpki_err copy_out(const char *s, char *buf, size_t bufsz)
{
    size_t n = strlen(s);
    if (n + 1 > bufsz)
        return CRPKI_E_BUFFER_TOO_SMALL;
    memcpy(buf, s, n + 1);
    return CRPKI_OK;
}

static crpki_err ts_get(void *ctx, char *buf, size_t bufsz)
{
    ci_tokens *t = ctx;
    pthread_mutex_lock(&t->mu);
    t->gets++;
    crpki_err rc = t->access ? copy_out(t->access, buf, bufsz) : CRPKI_E_NOT_LOGGED_IN;
    pthread_mutex_unlock(&t->mu);
    return rc;
}

static crpki_err ts_refresh(void *ctx, const char *refused, char *buf, size_t bufsz)
{
    ci_tokens *t = ctx;
    pthread_mutex_lock(&t->mu);
    t->refreshes++;
    crpki_err rc = CRPKI_OK;
    if (!t->refresh) {
        rc = CRPKI_E_NOT_LOGGED_IN;
    } else if (!t->access || !refused || strcmp(refused, t->access) == 0) {
        rssp_tokens nt;
        memset(&nt, 0, sizeof nt);
        crpki_error_info ei;
        rc = rssp_refresh(t->c, t->refresh, &nt, &ei);
        if (rc == CRPKI_OK && nt.access_token && nt.refresh_token) {
            free(t->access);
            free(t->refresh);
            t->access = xstrdup(nt.access_token);
            t->refresh = xstrdup(nt.refresh_token);
        } else if (rc == CRPKI_OK) {
            rc = CRPKI_E_PROTOCOL;
        }
        rssp_tokens_free(&nt);
    } /* else another thread refreshed already: hand out its token */
    t->last_refresh_rc = rc;
    if (rc == CRPKI_OK)
        rc = copy_out(t->access, buf, bufsz);
    pthread_mutex_unlock(&t->mu);
    return rc;
}

void ci_tokens_init(ci_tokens *t, rssp_client *c, const rssp_tokens *from)
{
    memset(t, 0, sizeof *t);
    pthread_mutex_init(&t->mu, NULL);
    t->c = c;
    t->access = from && from->access_token ? xstrdup(from->access_token) : NULL;
    t->refresh = from && from->refresh_token ? xstrdup(from->refresh_token) : NULL;
    rssp_token_source src = {t, ts_get, ts_refresh};
    rssp_client_set_token_source(c, &src);
}

void ci_tokens_free(ci_tokens *t)
{
    free(t->access);
    free(t->refresh);
    pthread_mutex_destroy(&t->mu);
    memset(t, 0, sizeof *t);
}

/* ------------------------------------------------------------------ */
/* the gBizID app                                                      */

static void *app_thread(void *arg)
{
    ci_app *a = arg;
    pthread_mutex_lock(&a->mu);
    while (a->ncb == 0 && !a->stop)
        pthread_cond_wait(&a->cv, &a->mu);
    if (a->ncb == 0) {
        pthread_mutex_unlock(&a->mu);
        return NULL;
    }
    char code[16];
    memcpy(code, a->code, sizeof code);
    pthread_mutex_unlock(&a->mu);
    if (a->delay_ms)
        h_sleep_ms(a->delay_ms);
    double t0 = h_now();
    int rc = a->action == CI_DENY ? h_deny(code) : h_approve(code);
    double t1 = h_now();
    pthread_mutex_lock(&a->mu);
    a->acted = 1;
    a->act_rc = rc;
    a->t_act_start = t0;
    a->t_act_end = t1;
    pthread_cond_broadcast(&a->cv);
    pthread_mutex_unlock(&a->mu);
    return NULL;
}

void ci_app_start(ci_app *a, ci_action action, unsigned delay_ms)
{
    memset(a, 0, sizeof *a);
    a->action = action;
    a->delay_ms = delay_ms;
    pthread_mutex_init(&a->mu, NULL);
    pthread_cond_init(&a->cv, NULL);
    if (action != CI_MANUAL) {
        if (pthread_create(&a->th, NULL, app_thread, a) != 0)
            abort();
        a->started = 1;
    }
}

void ci_app_cb(void *ctx, const rssp_approval *ap)
{
    ci_app *a = ctx;
    double now = h_now();
    pthread_mutex_lock(&a->mu);
    a->ncb++;
    if (a->ncb == 1) {
        a->t_cb = now;
        snprintf(a->code, sizeof a->code, "%s", ap && ap->approval_code ? ap->approval_code : "");
        const char *s = a->code;
        a->code_is_4_digits = strlen(s) == 4;
        for (int i = 0; i < 4 && a->code_is_4_digits; i++)
            if (s[i] < '0' || s[i] > '9')
                a->code_is_4_digits = 0;
        if (ap) {
            a->expires_in_s = ap->expires_in_s;
            snprintf(a->description, sizeof a->description, "%s",
                     ap->description ? ap->description : "");
            snprintf(a->credential_id, sizeof a->credential_id, "%s",
                     ap->credential_id ? ap->credential_id : "");
            a->num_hashes = ap->num_hashes;
        }
    }
    pthread_cond_broadcast(&a->cv);
    pthread_mutex_unlock(&a->mu);
}

int ci_app_wait_code(ci_app *a, unsigned timeout_ms)
{
    struct timespec dl;
    clock_gettime(CLOCK_REALTIME, &dl);
    dl.tv_sec += timeout_ms / 1000;
    dl.tv_nsec += (long)(timeout_ms % 1000) * 1000000L;
    if (dl.tv_nsec >= 1000000000L) {
        dl.tv_sec++;
        dl.tv_nsec -= 1000000000L;
    }
    pthread_mutex_lock(&a->mu);
    while (a->ncb == 0)
        if (pthread_cond_timedwait(&a->cv, &a->mu, &dl) == ETIMEDOUT)
            break;
    int got = a->ncb > 0;
    pthread_mutex_unlock(&a->mu);
    return got;
}

void ci_app_stop(ci_app *a)
{
    pthread_mutex_lock(&a->mu);
    a->stop = 1;
    pthread_cond_broadcast(&a->cv);
    pthread_mutex_unlock(&a->mu);
    if (a->started)
        pthread_join(a->th, NULL);
    a->started = 0;
    pthread_cond_destroy(&a->cv);
    pthread_mutex_destroy(&a->mu);
}

/* ------------------------------------------------------------------ */
/* signing                                                             */

alg_sig_scheme ci_scheme(rssp_sig_scheme s)
{
    switch (s) {
    case RSSP_SIG_RSA_PKCS1:
        return CRPKI_PAD_PKCS1;
    case RSSP_SIG_RSA_PSS:
        return CRPKI_PAD_PSS;
    case RSSP_SIG_ECDSA:
        return CRPKI_PAD_ECDSA;
    }
    return (alg_sig_scheme)0;
}

const h_cred *ci_cred(const char *user, alg_key_type kt, unsigned bits)
{
    const h_user *u = h_user_by_id(user);
    for (size_t i = 0; u && i < u->ncreds; i++)
        if (u->creds[i].key_type == kt && u->creds[i].key_bits == bits)
            return &u->creds[i];
    return NULL;
}

void ci_sign_prepare(ci_sign_call *call, rssp_client *c, const h_cred *cred, rssp_sig_scheme scheme,
                     alg_hash_id hash, const uint8_t *hashes, size_t n, ci_app *app)
{
    memset(call, 0, sizeof *call);
    const alg_hash_info *hi = alg_hash_by_id(hash);
    assert_non_null(hi);
    call->c = c;
    rssp_sign_request *r = &call->req;
    r->credential_id = cred->id;
    r->key_type = cred->key_type == CRPKI_KEY_EC ? RSSP_KEY_EC : RSSP_KEY_RSA;
    r->key_bits = cred->key_bits;
    r->scheme = scheme;
    r->hash_oid = hi->oid;
    r->pss_salt_len = scheme == RSSP_SIG_RSA_PSS ? (unsigned)hi->len : 0;
    r->hashes = hashes;
    r->num_hashes = n;
    r->description = "統合テスト: 登記申請書.pdf に署名";
    r->timeout_ms = 60000;
    r->on_approval = app ? ci_app_cb : NULL;
    r->cb_ctx = app;
    call->rc = CRPKI_E__COUNT;
}

void ci_sign_run(ci_sign_call *call)
{
    memset(&call->ei, 0, sizeof call->ei);
    call->t_start = h_now();
    call->rc = rssp_sign(call->c, &call->req, &call->out, &call->ei);
    call->t_end = h_now();
    __atomic_store_n(&call->done, 1, __ATOMIC_RELEASE);
}

static void *sign_thread(void *arg)
{
    ci_sign_run(arg);
    return NULL;
}

void ci_sign_start(ci_sign_call *call)
{
    if (pthread_create(&call->th, NULL, sign_thread, call) != 0)
        abort();
}

void ci_sign_join(ci_sign_call *call)
{
    pthread_join(call->th, NULL);
}

void ci_sign_free(ci_sign_call *call)
{
    rssp_signatures_free(&call->out);
    memset(&call->out, 0, sizeof call->out);
}

void ci_verify_all_ok(const ci_sign_call *call, X509 *cert, alg_hash_id hash)
{
    const rssp_sign_request *r = &call->req;
    const alg_hash_info *hi = alg_hash_by_id(hash);
    assert_non_null(hi);
    if (call->out.n != r->num_hashes || !call->out.sigs)
        fail_msg("rssp_sign: %zu signatures for %zu hashes", call->out.n, r->num_hashes);
    for (size_t i = 0; i < r->num_hashes; i++) {
        const rssp_blob *s = &call->out.sigs[i];
        if (r->key_type == RSSP_KEY_RSA && s->len != r->key_bits / 8)
            fail_msg("RSA-%u signature %zu is %zu bytes, want %u", r->key_bits, i, s->len,
                     r->key_bits / 8);
        if (!h_verify_sig(cert, ci_scheme(r->scheme), hash, r->pss_salt_len,
                          r->hashes + i * hi->len, hi->len, s->der, s->len))
            fail_msg("signature %zu of %zu (%s, scheme %d, %s) does not verify with OpenSSL", i,
                     r->num_hashes, r->credential_id, (int)r->scheme, hi->name);
    }
}

X509 *ci_blob_cert(const rssp_blob *b)
{
    if (!b || !b->der)
        return NULL;
    const unsigned char *p = b->der;
    X509 *x = d2i_X509(NULL, &p, (long)b->len);
    if (x && p != b->der + b->len) {
        X509_free(x);
        x = NULL;
    }
    return x;
}

X509 *ci_cred_cert_ok(rssp_client *c, const h_cred *cred)
{
    rssp_credential cr;
    memset(&cr, 0, sizeof cr);
    crpki_error_info ei;
    crpki_err rc = rssp_get_credential(c, cred->id, &cr, &ei);
    CI_EXPECT_RC(rc, CRPKI_OK, &ei);
    if (cr.ncerts < 1)
        fail_msg("rssp_get_credential(%s): no certificate", cred->id);
    X509 *x = ci_blob_cert(&cr.certs[0]);
    if (!x)
        fail_msg("rssp_get_credential(%s): certs[0] is not DER X.509", cred->id);
    X509 *pem = h_load_pem_cert(cred->cert);
    if (!pem)
        fail_msg("cannot read %s", cred->cert);
    if (X509_cmp(x, pem) != 0)
        fail_msg("rssp_get_credential(%s): certs[0] differs from %s", cred->id, cred->cert);
    X509_free(pem);
    rssp_credential_free(&cr);
    return x;
}

/* ------------------------------------------------------------------ */
/* server log                                                          */

long ci_log_mark(void)
{
    /* the line of a request just answered may not be written yet */
    h_sleep_ms(100);
    struct stat st;
    if (stat(h_server_log(), &st) != 0)
        return 0;
    return (long)st.st_size;
}

int ci_log_count(long mark, ...)
{
    const char *needles[8];
    size_t nn = 0;
    va_list ap;
    va_start(ap, mark);
    for (const char *s = va_arg(ap, const char *); s && nn < 8; s = va_arg(ap, const char *))
        needles[nn++] = s;
    va_end(ap);
    FILE *f = fopen(h_server_log(), "r");
    if (!f)
        return 0;
    if (fseek(f, mark, SEEK_SET) != 0) {
        fclose(f);
        return 0;
    }
    char line[1024];
    int count = 0;
    while (fgets(line, sizeof line, f)) {
        size_t i = 0;
        while (i < nn && strstr(line, needles[i]))
            i++;
        if (i == nn)
            count++;
    }
    fclose(f);
    return count;
}

/* ------------------------------------------------------------------ */
/* temporary directories                                               */

char *ci_tempdir(void)
{
    const char *tmp = getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp";
    char path[PATH_MAX];
    snprintf(path, sizeof path, "%s/crpki-cint-XXXXXX", tmp);
    if (!mkdtemp(path))
        fail_msg("mkdtemp %s: %s", path, strerror(errno));
    return xstrdup(path);
}

static int rm_cb(const char *path, const struct stat *sb, int flag, struct FTW *ftw)
{
    (void)sb;
    (void)flag;
    (void)ftw;
    return remove(path) != 0 && errno != ENOENT ? -1 : 0;
}

void ci_rm_tree(const char *path)
{
    if (path && path[0] && !getenv("CRPKI_ITEST_KEEP"))
        nftw(path, rm_cb, 16, FTW_DEPTH | FTW_PHYS);
}
