/* rssp_sign against crpki-rsspd injecting faults (serve --fault-*): every
 * sign call either succeeds after retries within its deadline or returns a
 * documented error within the deadline, and never makes the service create
 * a second approval for one call (authorize carries a requestID the service
 * deduplicates, so a repeat after a drop or a timeout gets the first
 * approval back; the user is never sent a second code). Counted from the
 * service's access log (one line per request: method, path, status; a 202
 * answered for a repeated requestID is logged "requestID repeated" too) and
 * checked against the audit log.
 *
 * One program; its arguments pick the scenarios (every one whose name
 * contains an argument; none: all), so that ctest runs them as several
 * tests each well within a minute (tests/integration/CMakeLists.txt). The
 * audit check runs after whatever was picked. */
#include "client_harness.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static rssp_client *C;       /* default request timeout */
static rssp_client *C_short; /* request_timeout_ms 1000 */
static ci_tokens T, T_short;

static int setup(void **state)
{
    if (h_group_setup(state) != 0)
        return -1;
    return 0;
}

static int teardown(void **state)
{
    if (C) {
        rssp_client_free(C);
        ci_tokens_free(&T);
    }
    if (C_short) {
        rssp_client_free(C_short);
        ci_tokens_free(&T_short);
    }
    return h_group_teardown(state);
}

/* Logs in (before any fault is switched on: the browser does not retry). */
static rssp_client *client(int short_timeout)
{
    rssp_client **c = short_timeout ? &C_short : &C;
    ci_tokens *t = short_timeout ? &T_short : &T;
    if (!*c) {
        rssp_options o;
        ci_options(&o);
        if (short_timeout)
            o.request_timeout_ms = 1000;
        *c = ci_client_ok(&o);
        rssp_tokens tk;
        ci_login_ok(*c, "user1", &tk);
        ci_tokens_init(t, *c, &tk);
        rssp_tokens_free(&tk);
    }
    return *c;
}

typedef struct {
    const char *args[12];
    unsigned signs;
    unsigned timeout_ms;
    int short_request_timeout;
    unsigned settle_ms; /* after each call: hung requests of the call finish */
    crpki_err allowed[6];
    int min_ok;              /* at least this many must succeed */
    unsigned min_elapsed_ms; /* a failed call must not give up before this */
    unsigned max_elapsed_ms; /* ... nor end after this (0: the deadline's check only) */
    int authz_busy_sent;     /* > 0: a failed call sent authorize exactly this often, all
                                answered 503/429 */
} scenario;

static int allowed(const scenario *s, crpki_err rc)
{
    if (rc == CRPKI_OK)
        return 1;
    for (size_t i = 0; i < sizeof s->allowed / sizeof s->allowed[0]; i++)
        if (s->allowed[i] != CRPKI_OK && s->allowed[i] == rc)
            return 1;
    return 0;
}

#define AUTHZ "POST /csc/v2/credentials/authorize "

/* Approval codes pending now (`crpki-rsspd pending --json`), as a cJSON
 * array of strings (caller deletes). */
static cJSON *pending_codes(void)
{
    cJSON *p = h_pending_json(), *out = cJSON_CreateArray();
    if (!p)
        fail_msg("crpki-rsspd pending --json failed");
    const cJSON *arr = NULL, *rec;
    h_json_records(p, &arr);
    cJSON_ArrayForEach(rec, arr)
    {
        const char *code = h_jstr(rec, "approvalCode");
        if (code)
            cJSON_AddItemToArray(out, cJSON_CreateString(code));
    }
    cJSON_Delete(p);
    return out;
}

static void run_scenario(const scenario *s)
{
    rssp_client *c = client(s->short_request_timeout);
    const h_cred *cred = ci_cred("user1", CRPKI_KEY_RSA, 2048);
    X509 *cert = h_load_pem_cert(cred->cert);
    assert_non_null(cert);
    if (h_server_restart_same_port(s->args) != 0)
        fail_msg("crpki-rsspd did not start with the fault options");
    cJSON *pending_before = pending_codes();
    int orphans = 0; /* approvals made for a call that never showed their code */
    unsigned ok = 0, hist[CRPKI_E__COUNT] = {0};
    double worst = 0;
    int resent_after_drop = 0, retried_after_busy = 0;
    for (unsigned i = 0; i < s->signs; i++) {
        uint8_t hash[32];
        h_random(hash, sizeof hash);
        ci_app app;
        ci_app_start(&app, CI_APPROVE, 0);
        ci_sign_call call;
        ci_sign_prepare(&call, c, cred, RSSP_SIG_RSA_PKCS1, CRPKI_HASH_SHA256, hash, 1, &app);
        call.req.timeout_ms = s->timeout_ms;
        long mark = ci_log_mark();
        ci_sign_run(&call);
        ci_app_stop(&app);
        h_sleep_ms(s->settle_ms ? s->settle_ms : 100);
        double el = call.t_end - call.t_start;
        if (el > worst)
            worst = el;
        /* approvals created: 202 answers less those given to a repeat */
        int repeats = ci_log_count(mark, "requestID repeated", NULL);
        int created = ci_log_count(mark, AUTHZ, " 202 ", NULL) - repeats;
        int sent = ci_log_count(mark, AUTHZ, NULL);
        int dropped = ci_log_count(mark, AUTHZ, "(dropped)", NULL);
        int busy =
            ci_log_count(mark, AUTHZ, " 503 ", NULL) + ci_log_count(mark, AUTHZ, " 429 ", NULL);
        if (dropped > 0 && sent > dropped)
            resent_after_drop++;
        if (busy > 0 && sent > busy)
            retried_after_busy++;
        print_message("      sign %u: %-26s %6.0f ms  authorize sent %d (new approvals: %d, "
                      "repeats: %d, dropped %d, 503/429: %d)  callbacks %u\n",
                      i, crpki_err_name(call.rc), el * 1e3, sent, created, repeats, dropped, busy,
                      app.ncb);
        if (created > 1)
            fail_msg("sign %u: the service created %d approvals for one sign call", i, created);
        if (app.ncb > 1)
            fail_msg("sign %u: approval callback called %u times", i, app.ncb);
        if (app.ncb == 1 && created != 1)
            fail_msg("sign %u: a code was shown but the log has %d approvals", i, created);
        if (app.ncb == 0 && created == 1)
            orphans++; /* e.g. authorize answered after the client's request timeout */
        if (!allowed(s, call.rc))
            fail_msg("sign %u: %s is not an outcome documented for this fault", i,
                     ci_describe(call.rc, &call.ei));
        if (el * 1e3 > s->timeout_ms + 1500.0)
            fail_msg("sign %u: %s after %.1f s, deadline %.1f s", i, crpki_err_name(call.rc), el,
                     s->timeout_ms / 1e3);
        if (call.rc != CRPKI_OK && el * 1e3 < s->min_elapsed_ms)
            fail_msg("sign %u: %s after %.1f s, gave up before %.1f s (deadline %.1f s)", i,
                     ci_describe(call.rc, &call.ei), el, s->min_elapsed_ms / 1e3,
                     s->timeout_ms / 1e3);
        if (call.rc != CRPKI_OK && s->max_elapsed_ms && el * 1e3 > s->max_elapsed_ms)
            fail_msg("sign %u: %s after %.1f s, want by %.1f s", i, ci_describe(call.rc, &call.ei),
                     el, s->max_elapsed_ms / 1e3);
        if (s->authz_busy_sent > 0 && call.rc != CRPKI_OK &&
            (sent != s->authz_busy_sent || busy != sent))
            fail_msg("sign %u: authorize sent %d times (503/429: %d), want %d (1 + max_retries)", i,
                     sent, busy, s->authz_busy_sent);
        if (call.rc == CRPKI_OK) {
            ok++;
            assert_int_equal(app.ncb, 1);
            ci_verify_all_ok(&call, cert, CRPKI_HASH_SHA256);
        } else {
            assert_int_equal(call.out.n, 0);
        }
        hist[call.rc < CRPKI_E__COUNT ? call.rc : CRPKI_E_INTERNAL]++;
        ci_sign_free(&call);
    }
    print_message("      %u/%u succeeded, slowest %.1f s (deadline %.1f s); authorize re-sent "
                  "after a drop in %d call(s), after 503/429 in %d call(s)\n",
                  ok, s->signs, worst, s->timeout_ms / 1e3, resent_after_drop, retried_after_busy);
    for (int e = 1; e < CRPKI_E__COUNT; e++)
        if (hist[e])
            print_message("        %s: %u\n", crpki_err_name((crpki_err)e), hist[e]);
    /* pending --json: the only approvals left pending are the orphans (every
     * code shown was approved by the app) */
    cJSON *pending_after = pending_codes();
    int new_pending = 0;
    const cJSON *pc;
    cJSON_ArrayForEach(pc, pending_after)
    {
        if (!h_json_has_string(pending_before, pc->valuestring))
            new_pending++;
    }
    cJSON_Delete(pending_before);
    cJSON_Delete(pending_after);
    print_message("      pending --json: %d new pending approval(s), %d orphan(s) in the log\n",
                  new_pending, orphans);
    if (new_pending != orphans)
        fail_msg("%d new pending approvals, want %d (one approval per sign call)", new_pending,
                 orphans);
    if (ok < (unsigned)s->min_ok)
        fail_msg("only %u of %u signs succeeded, want >= %d", ok, s->signs, s->min_ok);
    X509_free(cert);
}

/* Back to a service without faults, whatever the scenario did. */
static int no_faults(void **state)
{
    (void)state;
    return h_server_restart_same_port(NULL);
}

/* Every successful sign of the program is one approval in the audit log. */
static void audit_has_one_approval_per_signature(void **state)
{
    (void)state;
    cJSON *a = h_audit_json();
    const cJSON *arr = NULL, *rec;
    int n = h_json_records(a, &arr);
    assert_true(n >= 0);
    /* each record is one signature of one hash: approval codes may be
     * reused over time, approval IDs may not */
    int dup = 0;
    cJSON_ArrayForEach(rec, arr)
    {
        const cJSON *id = cJSON_GetObjectItemCaseSensitive(rec, "approvalId");
        const cJSON *other;
        cJSON_ArrayForEach(other, arr)
        {
            if (other == rec)
                break;
            const cJSON *oid = cJSON_GetObjectItemCaseSensitive(other, "approvalId");
            if (cJSON_Compare(id, oid, 1))
                dup++;
        }
    }
    print_message("      audit: %d signatures, %d sharing an approval\n", n, dup);
    if (dup)
        fail_msg("%d signatures share an approval (one hash per sign call here)", dup);
    cJSON_Delete(a);
}

#define SCENARIO_TEST(fn, ...)                                                                     \
    static void fn(void **state)                                                                   \
    {                                                                                              \
        (void)state;                                                                               \
        static const scenario s = __VA_ARGS__;                                                     \
        run_scenario(&s);                                                                          \
    }

/* 503/429 on every request kind, authorize included (retried honouring
 * Retry-After: the service did not process it): a sign succeeds, or, when
 * authorize drew 503/429 on all 1 + max_retries (4) tries (1 in 32 at 50 %),
 * ends CRPKI_E_BUSY with no approval made. Which requests the dice hit
 * depends on how many checks the polls took, so on the machine's speed: the
 * test may not count on the seed alone. */
SCENARIO_TEST(fault_503_half_of_requests_signs_succeed_or_busy_after_the_retries,
              {.args = {"--fault-503", "50", "--fault-seed", "7", NULL},
               .signs = 6,
               .timeout_ms = 30000,
               .allowed = {CRPKI_E_BUSY},
               .min_ok = 4,
               .authz_busy_sent = 5})

SCENARIO_TEST(fault_429_half_of_requests_signs_succeed_or_busy_after_the_retries,
              {.args = {"--fault-429", "50", "--fault-seed", "11", NULL},
               .signs = 6,
               .timeout_ms = 30000,
               .allowed = {CRPKI_E_BUSY},
               .min_ok = 4,
               .authz_busy_sent = 5})

SCENARIO_TEST(fault_503_half_of_signhash_only_retried_with_the_same_sad_succeeds,
              {.args = {"--fault-503", "50", "--fault-path", "/csc/v2/signatures", "--fault-seed",
                        "3", NULL},
               .signs = 5,
               .timeout_ms = 30000,
               .allowed = {CRPKI_E_BUSY},
               .min_ok = 4})

/* authorize retried max_retries (4) times 1 s apart (Retry-After), then
 * CRPKI_E_BUSY; no approval created, no code shown */
SCENARIO_TEST(fault_503_always_on_authorize_gives_busy_after_the_retries_and_no_code,
              {.args = {"--fault-503", "100", "--fault-path", "/csc/v2/credentials/authorize",
                        NULL},
               .signs = 2,
               .timeout_ms = 20000,
               .allowed = {CRPKI_E_BUSY},
               .min_ok = 0,
               .min_elapsed_ms = 3500,
               .authz_busy_sent = 5})

/* ... and with a deadline shorter than the retries: BUSY just before it */
SCENARIO_TEST(fault_503_always_on_authorize_short_deadline_gives_busy_near_the_deadline,
              {.args = {"--fault-503", "100", "--fault-path", "/csc/v2/credentials/authorize",
                        NULL},
               .signs = 1,
               .timeout_ms = 2500,
               .allowed = {CRPKI_E_BUSY, CRPKI_E_DEADLINE},
               .min_ok = 0,
               .min_elapsed_ms = 1000})

/* after the approval, signHash answered 503 on every attempt: retried until
 * the deadline (the SAD lives 60 s), not given up after max_retries */
SCENARIO_TEST(fault_503_always_on_signhash_retried_until_the_deadline,
              {.args = {"--fault-503", "100", "--fault-path", "/csc/v2/signatures", NULL},
               .signs = 2,
               .timeout_ms = 10000,
               .allowed = {CRPKI_E_BUSY},
               .min_ok = 0,
               .min_elapsed_ms = 8000})

SCENARIO_TEST(fault_429_always_on_authorizecheck_ends_within_deadline_with_one_approval,
              {.args = {"--fault-429", "100", "--fault-path", "/csc/v2/credentials/authorizeCheck",
                        NULL},
               .signs = 2,
               .timeout_ms = 10000,
               .allowed = {CRPKI_E_BUSY, CRPKI_E_DEADLINE},
               .min_ok = 0})

/* ... or until the SAD expires (expiresIn of authorizeCheck: 4 s here), when
 * that comes before the deadline */
SCENARIO_TEST(fault_503_always_on_signhash_retried_until_the_sad_expires,
              {.args = {"--fault-503", "100", "--fault-path", "/csc/v2/signatures", "--sad-ttl",
                        "4", NULL},
               .signs = 1,
               .timeout_ms = 30000,
               .allowed = {CRPKI_E_BUSY},
               .min_ok = 0,
               .min_elapsed_ms = 2500,
               .max_elapsed_ms = 6500})

SCENARIO_TEST(fault_drop_30pct_each_sign_succeeds_or_fails_within_deadline_one_approval,
              {.args = {"--fault-drop", "30", "--fault-seed", "5", NULL},
               .signs = 8,
               .timeout_ms = 30000,
               .allowed = {CRPKI_E_NETWORK, CRPKI_E_BUSY, CRPKI_E_TIMEOUT, CRPKI_E_SERVICE,
                           CRPKI_E_PROTOCOL},
               .min_ok = 3})

SCENARIO_TEST(fault_hang_2s_half_of_requests_signs_succeed,
              {.args = {"--fault-hang", "2000", "--fault-hang-pct", "50", "--fault-seed", "9",
                        NULL},
               .signs = 4,
               .timeout_ms = 40000,
               .settle_ms = 2500,
               .allowed = {0},
               .min_ok = 4})

SCENARIO_TEST(
    fault_hang_2s_past_1s_request_timeout_never_creates_two_approvals,
    {.args = {"--fault-hang", "2000", "--fault-hang-pct", "50", "--fault-seed", "13", NULL},
     .signs = 6,
     .timeout_ms = 30000,
     .short_request_timeout = 1,
     .settle_ms = 2500,
     /* a signHash that timed out on the client may still have used the SAD */
     .allowed = {CRPKI_E_TIMEOUT, CRPKI_E_NETWORK, CRPKI_E_DEADLINE, CRPKI_E_SAD_REJECTED},
     .min_ok = 1})

SCENARIO_TEST(fault_drop_always_on_authorizecheck_ends_within_deadline_with_one_approval,
              {.args = {"--fault-drop", "100", "--fault-path", "/csc/v2/credentials/authorizeCheck",
                        NULL},
               .signs = 2,
               .timeout_ms = 8000,
               .allowed = {CRPKI_E_NETWORK, CRPKI_E_DEADLINE, CRPKI_E_PROTOCOL, CRPKI_E_SERVICE},
               .min_ok = 0})

static const struct CMUnitTest SCENARIOS[] = {
    cmocka_unit_test_teardown(fault_503_half_of_requests_signs_succeed_or_busy_after_the_retries,
                              no_faults),
    cmocka_unit_test_teardown(fault_429_half_of_requests_signs_succeed_or_busy_after_the_retries,
                              no_faults),
    cmocka_unit_test_teardown(fault_503_half_of_signhash_only_retried_with_the_same_sad_succeeds,
                              no_faults),
    cmocka_unit_test_teardown(
        fault_503_always_on_authorize_gives_busy_after_the_retries_and_no_code, no_faults),
    cmocka_unit_test_teardown(
        fault_503_always_on_authorize_short_deadline_gives_busy_near_the_deadline, no_faults),
    cmocka_unit_test_teardown(fault_503_always_on_signhash_retried_until_the_deadline, no_faults),
    cmocka_unit_test_teardown(fault_503_always_on_signhash_retried_until_the_sad_expires,
                              no_faults),
    cmocka_unit_test_teardown(
        fault_429_always_on_authorizecheck_ends_within_deadline_with_one_approval, no_faults),
    cmocka_unit_test_teardown(
        fault_drop_30pct_each_sign_succeeds_or_fails_within_deadline_one_approval, no_faults),
    cmocka_unit_test_teardown(fault_hang_2s_half_of_requests_signs_succeed, no_faults),
    cmocka_unit_test_teardown(fault_hang_2s_past_1s_request_timeout_never_creates_two_approvals,
                              no_faults),
    cmocka_unit_test_teardown(
        fault_drop_always_on_authorizecheck_ends_within_deadline_with_one_approval, no_faults),
};
#define N_SCENARIOS (sizeof SCENARIOS / sizeof SCENARIOS[0])

int main(int argc, char **argv)
{
    struct CMUnitTest picked[N_SCENARIOS + 1];
    size_t n = 0;
    for (size_t i = 0; i < N_SCENARIOS; i++) {
        int take = argc < 2;
        for (int k = 1; k < argc && !take; k++)
            take = strstr(SCENARIOS[i].name, argv[k]) != NULL;
        if (take)
            picked[n++] = SCENARIOS[i];
    }
    if (n == 0) {
        fprintf(stderr, "test_client_faults: no scenario matches the arguments\n");
        return 2;
    }
    picked[n++] = (struct CMUnitTest)cmocka_unit_test(audit_has_one_approval_per_signature);
    /* the group setup logs in before any fault is on */
    return _cmocka_run_group_tests("client_faults", picked, n, setup, teardown);
}
