/* Benchmark (not a test): what rssp_client adds on top of the service.
 *
 * 1. Overhead: RSA-2048 signatures through rssp_sign with auto-approval
 *    (`serve --auto-approve 0`), against the same three HTTPS requests
 *    (authorize, authorizeCheck, signHash) made by a bare libcurl loop on a
 *    warm keep-alive connection, measured alternately in the same run.
 *    Target: client time per signature <= 1.2x the bare loop's.
 * 2. Approval latency: the representative approves (`crpki-rsspd approve
 *    --code`, 300 ms after the code is shown, so the long poll is held) ->
 *    rssp_sign returns the signature. Measured from just before spawning
 *    approve and from its exit; approve's own run time printed beside.
 *    Targets on loopback: p50 < 50 ms, p99 < 200 ms. The bare loop's long
 *    poll measured the same way for comparison.
 * 3. Batch: 100 RSA-2048 hashes under one approval, rssp_sign's wall time
 *    from the approval to the signatures (target < 1 s), median of 5.
 * 4. Cancel: rssp_cancel_trigger from another thread while rssp_sign holds
 *    the long poll -> rssp_sign returns CRPKI_E_CANCELLED (p50/max of 10).
 *
 * The service advertises authorizeIdempotency, so rssp_sign sends authorize
 * (with a requestID) on its kept-alive connection; the bare loop with a new
 * connection for each authorize shows what the older rule cost.
 *
 * usage: crpki-client-bench [SECONDS] [SAMPLES]   (default 10 s, 50 samples)
 * Needs CRPKI_RSSPD_FIXTURE (a directory made by `crpki-rsspd init`);
 * bench/run-client-bench sets everything up. */
#include "client_harness.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define SHA256_OID       "2.16.840.1.101.3.4.2.1"
#define DESCRIPTION      "client benchmark"
#define APPROVE_DELAY_MS 300

/* ------------------------------------------------------------------ */
/* the bare libcurl loop                                               */

typedef struct {
    char *buf;
    size_t len, cap;
} membuf;

static size_t write_cb(char *p, size_t sz, size_t nm, void *ud)
{
    membuf *m = ud;
    size_t n = sz * nm;
    if (m->len + n + 1 > m->cap) {
        size_t cap = m->cap ? m->cap * 2 : 8192;
        while (cap < m->len + n + 1)
            cap *= 2;
        char *nb = realloc(m->buf, cap);
        if (!nb)
            return 0;
        m->buf = nb;
        m->cap = cap;
    }
    memcpy(m->buf + m->len, p, n);
    m->len += n;
    m->buf[m->len] = 0;
    return n;
}

typedef struct {
    CURL *h;
    struct curl_slist *hdrs, *resolve;
    char url_authorize[128], url_check[128], url_sign[128];
    membuf mb;
    const char *cred;
    int fresh_authorize; /* authorize on a new connection (rssp_client's rule when the
                            service cannot deduplicate authorize) */
} bare;

static void bare_init(bare *b, const char *access, const char *cred)
{
    memset(b, 0, sizeof *b);
    b->cred = cred;
    b->h = curl_easy_init();
    if (!b->h)
        abort();
    snprintf(b->url_authorize, sizeof b->url_authorize, "%s/csc/v2/credentials/authorize",
             h_base_url());
    snprintf(b->url_check, sizeof b->url_check, "%s/csc/v2/credentials/authorizeCheck",
             h_base_url());
    snprintf(b->url_sign, sizeof b->url_sign, "%s/csc/v2/signatures/signHash", h_base_url());
    char res[64], auth[512];
    snprintf(res, sizeof res, "localhost:%d:127.0.0.1", h_port());
    b->resolve = curl_slist_append(NULL, res);
    snprintf(auth, sizeof auth, "Authorization: Bearer %s", access);
    b->hdrs = curl_slist_append(NULL, "Content-Type: application/json; charset=utf-8");
    b->hdrs = curl_slist_append(b->hdrs, auth);
    curl_easy_setopt(b->h, CURLOPT_RESOLVE, b->resolve);
    curl_easy_setopt(b->h, CURLOPT_CAINFO, h_sim_data()->tls_ca);
    curl_easy_setopt(b->h, CURLOPT_HTTPHEADER, b->hdrs);
    curl_easy_setopt(b->h, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(b->h, CURLOPT_TIMEOUT, 60L);
    curl_easy_setopt(b->h, CURLOPT_WRITEFUNCTION, write_cb);
    curl_easy_setopt(b->h, CURLOPT_WRITEDATA, &b->mb);
    curl_easy_setopt(b->h, CURLOPT_POST, 1L);
}

static void bare_free(bare *b)
{
    curl_easy_cleanup(b->h);
    curl_slist_free_all(b->hdrs);
    curl_slist_free_all(b->resolve);
    free(b->mb.buf);
}

static cJSON *bare_post(bare *b, const char *url, const char *body, long want)
{
    b->mb.len = 0;
    curl_easy_setopt(b->h, CURLOPT_URL, url);
    curl_easy_setopt(b->h, CURLOPT_POSTFIELDS, body);
    curl_easy_setopt(b->h, CURLOPT_POSTFIELDSIZE, (long)strlen(body));
    CURLcode cc = curl_easy_perform(b->h);
    long status = 0;
    if (cc == CURLE_OK)
        curl_easy_getinfo(b->h, CURLINFO_RESPONSE_CODE, &status);
    if (cc != CURLE_OK || status != want) {
        fprintf(stderr, "bench: POST %s: curl %d, HTTP %ld, want %ld: %s\n", url, (int)cc, status,
                want, b->mb.buf ? b->mb.buf : "");
        exit(1);
    }
    cJSON *j = cJSON_ParseWithLength(b->mb.buf, b->mb.len);
    if (!j) {
        fprintf(stderr, "bench: POST %s: not JSON\n", url);
        exit(1);
    }
    return j;
}

static char *hashes_json(const uint8_t *hashes, size_t n)
{
    size_t cap = n * 50 + 8, len = 0;
    char *s = malloc(cap);
    if (!s)
        abort();
    s[len++] = '[';
    for (size_t i = 0; i < n; i++) {
        char b64[64];
        base64_encode(hashes + i * 32, 32, b64, sizeof b64);
        len += (size_t)snprintf(s + len, cap - len, "%s\"%s\"", i ? "," : "", b64);
    }
    s[len++] = ']';
    s[len] = 0;
    return s;
}

/* One bare round: authorize -> (app) -> authorizeCheck(wait) -> signHash.
 * app: NULL with auto-approval, else the code is handed to it. Returns the
 * number of signatures decoded. */
static size_t bare_round(bare *b, const uint8_t *hashes, size_t n, ci_app *app, double *t_end)
{
    char *hj = hashes_json(hashes, n);
    size_t cap = strlen(hj) + 1024;
    char *body = malloc(cap);
    if (!body)
        abort();
    snprintf(body, cap,
             "{\"credentialID\":\"%s\",\"numSignatures\":%zu,\"hashes\":%s,"
             "\"hashAlgorithmOID\":\"" SHA256_OID "\",\"description\":\"" DESCRIPTION "\","
             "\"authData\":[{\"id\":\"gbizid_app\"}]}",
             b->cred, n, hj);
    if (b->fresh_authorize)
        curl_easy_setopt(b->h, CURLOPT_FRESH_CONNECT, 1L);
    cJSON *a = bare_post(b, b->url_authorize, body, 202);
    curl_easy_setopt(b->h, CURLOPT_FRESH_CONNECT, 0L);
    const char *handle = h_jstr(a, "handle"), *code = h_jstr(a, "approvalCode");
    if (!handle || !code) {
        fprintf(stderr, "bench: authorize without handle/approvalCode\n");
        exit(1);
    }
    if (app) {
        rssp_approval ap = {code, 120, DESCRIPTION, b->cred, n};
        ci_app_cb(app, &ap);
    }
    char check[512];
    snprintf(check, sizeof check, "{\"handle\":\"%s\",\"wait\":30}", handle);
    char *sad = NULL;
    for (;;) {
        b->mb.len = 0;
        curl_easy_setopt(b->h, CURLOPT_URL, b->url_check);
        curl_easy_setopt(b->h, CURLOPT_POSTFIELDS, check);
        curl_easy_setopt(b->h, CURLOPT_POSTFIELDSIZE, (long)strlen(check));
        long status = 0;
        if (curl_easy_perform(b->h) != CURLE_OK)
            exit(1);
        curl_easy_getinfo(b->h, CURLINFO_RESPONSE_CODE, &status);
        if (status == 202)
            continue;
        cJSON *c = cJSON_ParseWithLength(b->mb.buf, b->mb.len);
        const char *s = c ? h_jstr(c, "SAD") : NULL;
        if (status != 200 || !s) {
            fprintf(stderr, "bench: authorizeCheck HTTP %ld: %s\n", status, b->mb.buf);
            exit(1);
        }
        sad = strdup(s);
        cJSON_Delete(c);
        break;
    }
    snprintf(body, cap,
             "{\"credentialID\":\"%s\",\"SAD\":\"%s\",\"hashes\":%s,"
             "\"hashAlgorithmOID\":\"" SHA256_OID "\",\"signAlgo\":\"" CRPKI_OID_RSA_ENCRYPTION
             "\"}",
             b->cred, sad, hj);
    cJSON *s = bare_post(b, b->url_sign, body, 200);
    const cJSON *arr = cJSON_GetObjectItemCaseSensitive(s, "signatures"), *e;
    size_t got = 0;
    cJSON_ArrayForEach(e, arr)
    {
        uint8_t sig[512];
        size_t sl;
        if (!cJSON_IsString(e) ||
            base64_decode(e->valuestring, strlen(e->valuestring), sig, sizeof sig, &sl) != 0 ||
            sl != 256) {
            fprintf(stderr, "bench: bad signature in signHash response\n");
            exit(1);
        }
        got++;
    }
    if (t_end)
        *t_end = h_now();
    cJSON_Delete(s);
    cJSON_Delete(a);
    free(sad);
    free(body);
    free(hj);
    return got;
}

/* ------------------------------------------------------------------ */
/* the client                                                          */

static void quiet_cb(void *ctx, const rssp_approval *a)
{
    (void)ctx;
    (void)a;
}

static size_t client_round(rssp_client *c, const h_cred *cred, const uint8_t *hashes, size_t n,
                           ci_app *app, ci_sign_call *call)
{
    ci_sign_prepare(call, c, cred, RSSP_SIG_RSA_PKCS1, CRPKI_HASH_SHA256, hashes, n, app);
    call->req.description = DESCRIPTION;
    if (!app)
        call->req.on_approval = quiet_cb;
    ci_sign_run(call);
    if (call->rc != CRPKI_OK) {
        fprintf(stderr, "bench: rssp_sign: %s\n", ci_describe(call->rc, &call->ei));
        exit(1);
    }
    size_t got = call->out.n;
    return got;
}

/* ------------------------------------------------------------------ */

typedef struct {
    double secs;
    size_t sigs;
    long requests;
} rate_acc;

static void run_bare(bare *b, double secs, rate_acc *acc)
{
    uint8_t hash[32];
    long mark = ci_log_mark();
    double t0 = h_now();
    while (h_now() - t0 < secs) {
        h_random(hash, sizeof hash);
        acc->sigs += bare_round(b, hash, 1, NULL, NULL);
    }
    acc->secs += h_now() - t0;
    h_sleep_ms(50);
    acc->requests += ci_log_count(mark, "POST /csc/v2/", NULL);
}

static void run_client(rssp_client *c, const h_cred *cred, double secs, rate_acc *acc)
{
    uint8_t hash[32];
    long mark = ci_log_mark();
    double t0 = h_now();
    while (h_now() - t0 < secs) {
        h_random(hash, sizeof hash);
        ci_sign_call call;
        acc->sigs += client_round(c, cred, hash, 1, NULL, &call);
        ci_sign_free(&call);
    }
    acc->secs += h_now() - t0;
    h_sleep_ms(50);
    acc->requests += ci_log_count(mark, "POST /csc/v2/", NULL);
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

/* nearest-rank percentile of sorted v */
static double pct(const double *v, size_t n, double p)
{
    size_t k = (size_t)ceil(p / 100.0 * (double)n);
    return v[k ? k - 1 : 0];
}

typedef struct {
    double *from_spawn, *from_exit, *approve_run;
    size_t n;
} lat_samples;

static void lat_print(const char *what, lat_samples *s)
{
    qsort(s->from_spawn, s->n, sizeof(double), cmp_double);
    qsort(s->from_exit, s->n, sizeof(double), cmp_double);
    qsort(s->approve_run, s->n, sizeof(double), cmp_double);
    printf("  %s, %zu samples (ms)         p50      p99      max\n", what, s->n);
    printf("    approve spawned -> signature   %7.1f  %7.1f  %7.1f\n", pct(s->from_spawn, s->n, 50),
           pct(s->from_spawn, s->n, 99), s->from_spawn[s->n - 1]);
    printf("    approve exited  -> signature   %7.1f  %7.1f  %7.1f\n", pct(s->from_exit, s->n, 50),
           pct(s->from_exit, s->n, 99), s->from_exit[s->n - 1]);
    printf("    approve command's own run time %7.1f  %7.1f  %7.1f\n",
           pct(s->approve_run, s->n, 50), pct(s->approve_run, s->n, 99), s->approve_run[s->n - 1]);
}

static void lat_alloc(lat_samples *s, size_t n)
{
    s->from_spawn = calloc(n, sizeof(double));
    s->from_exit = calloc(n, sizeof(double));
    s->approve_run = calloc(n, sizeof(double));
    if (!s->from_spawn || !s->from_exit || !s->approve_run)
        abort();
    s->n = 0;
}

static void lat_free(lat_samples *s)
{
    free(s->from_spawn);
    free(s->from_exit);
    free(s->approve_run);
}

static void lat_add(lat_samples *s, const ci_app *app, double t_end)
{
    if (!app->acted || app->act_rc != 0) {
        fprintf(stderr, "bench: approve --code %s failed (%d)\n", app->code, app->act_rc);
        exit(1);
    }
    s->from_spawn[s->n] = (t_end - app->t_act_start) * 1e3;
    s->from_exit[s->n] = (t_end - app->t_act_end) * 1e3;
    s->approve_run[s->n] = (app->t_act_end - app->t_act_start) * 1e3;
    s->n++;
}

static void restart(const char *const *args)
{
    if (h_server_restart_same_port(args) != 0) {
        fprintf(stderr, "bench: crpki-rsspd did not restart\n");
        exit(1);
    }
}

int main(int argc, char **argv)
{
    double secs = argc > 1 ? atof(argv[1]) : 10;
    long samples = argc > 2 ? atol(argv[2]) : 50;
    if (secs <= 0 || secs > 600 || samples < 1 || samples > 10000) {
        fprintf(stderr, "usage: crpki-client-bench [SECONDS 1-600] [SAMPLES 1-10000]\n");
        return 2;
    }
    if (h_env_init() != 0)
        return 1;
    const char *const auto_args[] = {"--auto-approve", "0", "--access-ttl", "86400", NULL};
    if (h_server_start(auto_args) != 0)
        return 1;
    const h_cred *cred = ci_cred("user1", CRPKI_KEY_RSA, 2048);
    if (!cred) {
        fprintf(stderr, "bench: user1 has no RSA-2048 credential\n");
        return 1;
    }
    rssp_client *c = ci_client_ok(NULL);
    rssp_tokens tk;
    ci_login_ok(c, "user1", &tk);
    ci_tokens ts;
    ci_tokens_init(&ts, c, &tk);
    X509 *cert = h_load_pem_cert(cred->cert);

    /* correctness first: one signature of each path verifies */
    {
        uint8_t hash[32];
        h_random(hash, sizeof hash);
        ci_sign_call call;
        client_round(c, cred, hash, 1, NULL, &call);
        ci_verify_all_ok(&call, cert, CRPKI_HASH_SHA256);
        ci_sign_free(&call);
    }

    /* 1. overhead */
    bare b;
    bare_init(&b, tk.access_token, cred->id);
    bare bf;
    bare_init(&bf, tk.access_token, cred->id);
    bf.fresh_authorize = 1;
    rate_acc warm = {0}, ab = {0}, ac = {0}, af = {0};
    run_bare(&b, 1.0, &warm);
    run_bare(&bf, 1.0, &warm);
    run_client(c, cred, 1.0, &warm);
    for (int r = 0; r < 2; r++) {
        run_bare(&b, secs / 2, &ab);
        run_client(c, cred, secs / 2, &ac);
        run_bare(&bf, secs / 2, &af);
    }
    bare_free(&bf);
    double bare_ms = 1e3 * ab.secs / (double)ab.sigs, client_ms = 1e3 * ac.secs / (double)ac.sigs;
    printf("RSA-2048, SHA-256, PKCS#1 v1.5, 1 hash per approval, auto-approval, HTTPS keep-alive, "
           "%.0f s each, alternating\n",
           secs);
    printf("  bare libcurl loop (3 requests)   : %8.1f sig/s  %6.2f ms/sig  %.2f requests/sig\n",
           ab.sigs / ab.secs, bare_ms, (double)ab.requests / (double)ab.sigs);
    printf("  rssp_sign                        : %8.1f sig/s  %6.2f ms/sig  %.2f requests/sig\n",
           ac.sigs / ac.secs, client_ms, (double)ac.requests / (double)ac.sigs);
    printf("  client / bare time per signature : %.3fx  (target <= 1.2x) %s\n", client_ms / bare_ms,
           client_ms / bare_ms <= 1.2 ? "ok" : "OVER TARGET");
    double fresh_ms = 1e3 * af.secs / (double)af.sigs;
    printf("  bare loop, authorize on a new connection each time (rssp_client's rule\n"
           "  against a service without authorizeIdempotency):\n"
           "                                   : %8.1f sig/s  %6.2f ms/sig  client / this %.3fx\n",
           af.sigs / af.secs, fresh_ms, client_ms / fresh_ms);

    /* 2. approval latency */
    const char *const manual_args[] = {"--max-signatures", "128", "--access-ttl", "86400", NULL};
    restart(manual_args);
    lat_samples lc, lb;
    lat_alloc(&lc, (size_t)samples);
    lat_alloc(&lb, (size_t)samples);
    for (long i = 0; i < samples; i++) {
        uint8_t hash[32];
        h_random(hash, sizeof hash);
        ci_app app;
        ci_app_start(&app, CI_APPROVE, APPROVE_DELAY_MS);
        ci_sign_call call;
        client_round(c, cred, hash, 1, &app, &call);
        ci_app_stop(&app);
        lat_add(&lc, &app, call.t_end);
        ci_sign_free(&call);

        h_random(hash, sizeof hash);
        ci_app_start(&app, CI_APPROVE, APPROVE_DELAY_MS);
        double t_end;
        bare_round(&b, hash, 1, &app, &t_end);
        ci_app_stop(&app);
        lat_add(&lb, &app, t_end);
    }
    printf("\nApproval latency (approve %d ms after the code is shown; loopback)\n",
           APPROVE_DELAY_MS);
    lat_print("rssp_sign", &lc);
    lat_print("bare long poll", &lb);
    double p50 = pct(lc.from_spawn, lc.n, 50), p99 = pct(lc.from_spawn, lc.n, 99);
    double p50e = pct(lc.from_exit, lc.n, 50), p99e = pct(lc.from_exit, lc.n, 99);
    printf("  targets p50 < 50 ms, p99 < 200 ms: from spawn %s/%s, from exit %s/%s; "
           "client / bare p50 (from exit) %.2fx\n",
           p50 < 50 ? "ok" : "OVER", p99 < 200 ? "ok" : "OVER", p50e < 50 ? "ok" : "OVER",
           p99e < 200 ? "ok" : "OVER", p50e / pct(lb.from_exit, lb.n, 50));
    lat_free(&lc);
    lat_free(&lb);

    /* 3. batch of 100 */
    enum { BATCH = 100, RUNS = 5 };
    uint8_t *hashes = malloc(BATCH * 32);
    if (!hashes)
        abort();
    double bt_spawn[RUNS], bt_exit[RUNS], bt_bare[RUNS];
    for (int r = 0; r < RUNS; r++) {
        h_random(hashes, BATCH * 32);
        ci_app app;
        ci_app_start(&app, CI_APPROVE, APPROVE_DELAY_MS);
        ci_sign_call call;
        size_t got = client_round(c, cred, hashes, BATCH, &app, &call);
        ci_app_stop(&app);
        if (got != BATCH) {
            fprintf(stderr, "bench: %zu signatures for %d hashes\n", got, BATCH);
            return 1;
        }
        if (r == 0)
            ci_verify_all_ok(&call, cert, CRPKI_HASH_SHA256);
        bt_spawn[r] = call.t_end - app.t_act_start;
        bt_exit[r] = call.t_end - app.t_act_end;
        ci_sign_free(&call);

        h_random(hashes, BATCH * 32);
        ci_app_start(&app, CI_APPROVE, APPROVE_DELAY_MS);
        double t_end;
        bare_round(&b, hashes, BATCH, &app, &t_end);
        ci_app_stop(&app);
        bt_bare[r] = t_end - app.t_act_end;
    }
    qsort(bt_spawn, RUNS, sizeof(double), cmp_double);
    qsort(bt_exit, RUNS, sizeof(double), cmp_double);
    qsort(bt_bare, RUNS, sizeof(double), cmp_double);
    printf("\nBatch: %d RSA-2048 hashes under one approval, median of %d\n", BATCH, RUNS);
    printf("  rssp_sign, approve spawned -> %d signatures : %7.1f ms (%.2f ms/sig)\n", BATCH,
           bt_spawn[RUNS / 2] * 1e3, bt_spawn[RUNS / 2] * 1e3 / BATCH);
    printf("  rssp_sign, approve exited  -> %d signatures : %7.1f ms  (target < 1000 ms) %s\n",
           BATCH, bt_exit[RUNS / 2] * 1e3, bt_exit[RUNS / 2] < 1.0 ? "ok" : "OVER TARGET");
    printf("  bare loop, approve exited  -> %d signatures : %7.1f ms  client / bare %.2fx\n", BATCH,
           bt_bare[RUNS / 2] * 1e3, bt_exit[RUNS / 2] / bt_bare[RUNS / 2]);

    /* 4. cancel during a held long poll */
    enum { CANCELS = 10 };
    double cl[CANCELS];
    for (int r = 0; r < CANCELS; r++) {
        uint8_t hash[32];
        h_random(hash, sizeof hash);
        ci_app app;
        ci_app_start(&app, CI_MANUAL, 0);
        rssp_cancel *cn = rssp_cancel_new();
        if (!cn)
            abort();
        ci_sign_call call;
        ci_sign_prepare(&call, c, cred, RSSP_SIG_RSA_PKCS1, CRPKI_HASH_SHA256, hash, 1, &app);
        call.req.cancel = cn;
        ci_sign_start(&call);
        if (!ci_app_wait_code(&app, 10000)) {
            fprintf(stderr, "bench: no approval code within 10 s\n");
            return 1;
        }
        h_sleep_ms(APPROVE_DELAY_MS); /* the long poll is held by now */
        double t_trigger = h_now();
        rssp_cancel_trigger(cn);
        ci_sign_join(&call);
        ci_app_stop(&app);
        if (call.rc != CRPKI_E_CANCELLED) {
            fprintf(stderr, "bench: cancel gave %s\n", ci_describe(call.rc, &call.ei));
            return 1;
        }
        cl[r] = (call.t_end - t_trigger) * 1e3;
        ci_sign_free(&call);
        rssp_cancel_free(cn);
    }
    qsort(cl, CANCELS, sizeof(double), cmp_double);
    printf("\nCancel: rssp_cancel_trigger during a held long poll -> CRPKI_E_CANCELLED, %d runs\n",
           CANCELS);
    printf("  p50 %.2f ms, max %.2f ms\n", pct(cl, CANCELS, 50), cl[CANCELS - 1]);

    free(hashes);
    bare_free(&b);
    X509_free(cert);
    ci_tokens_free(&ts);
    rssp_tokens_free(&tk);
    rssp_client_free(c);
    h_server_stop();
    return 0;
}
