/* signing_sign against the reference service (crpki_service_test:
 * linux and under Wine; the phone file plays the gBizID app). Modes:
 *   sign    every key of user1 with each scheme it takes, approved by the
 *           phone, artifacts left for the driver's OpenSSL; the same digest
 *           twice is one approval; silent fails without an approval; deny;
 *           cancel from another thread; the description names the program
 *   expire  (--approval-ttl 2) an ignored request: CRPKI_E_APPROVAL_EXPIRED
 *   down    (STOP_SERVICE) CRPKI_E_NETWORK within the deadline
 *   console (UI console) the approval shown on the console end to end: what
 *           it prints goes to the driver's log, so the phone log (code,
 *           action, description) and the session's result are checked; then
 *           the login revoked: the login error, nothing asked of the phone
 *   dialog  (win64, UI dialog, XVFB) the dialog as the user sees it: the
 *           code the phone got, what and the program, the countdown going
 *           down; the phone approves afterwards, the dialog goes when the
 *           signature returns */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "core/crypto/crypto.h"
#include "core/history/history.h"
#include "base/platform/plat_thread.h"
#include "core/signing/signing.h"
#include "login_form.h"
#include "svctest.h"
#ifdef _WIN32
#include <stdatomic.h>

#include "svctest_dialog.h"
#include "core/ui/ui_internal.h" /* CRPKI_UI_ID_*: the dialog's controls */
#endif

static signing_session *S;
static catalog_entry keys[3];
static size_t nkeys;
static unsigned artifacts;

/* ---- the signing record: one line per attempt -------------------------------- */

static size_t record_count(void)
{
    history_list l;
    crpki_error_info ei;
    assert_int_equal(history_read(getenv("CRPKI_HOME"), 0, &l, &ei), CRPKI_OK);
    assert_int_equal(l.broken, 0);
    size_t n = l.n;
    history_list_free(&l);
    return n;
}

/* The newest record: its outcome and code, what was signed, this program's
 * full path, the approval code when one was asked (want_code). */
static void expect_record(const char *outcome, crpki_err code, const char *what, int want_code,
                          int ndigests)
{
    history_list l;
    crpki_error_info ei;
    assert_int_equal(history_read(getenv("CRPKI_HOME"), 0, &l, &ei), CRPKI_OK);
    assert_true(l.n > 0);
    const cJSON *o = l.v[l.n - 1].json;
    const char *got = cJSON_GetObjectItemCaseSensitive(o, "outcome")->valuestring;
    if (strcmp(got, outcome) != 0)
        fail_msg("the newest record is %s, not %s", got, outcome);
    assert_string_equal(cJSON_GetObjectItemCaseSensitive(o, "code")->valuestring,
                        crpki_err_name(code));
    assert_string_equal(cJSON_GetObjectItemCaseSensitive(o, "what")->valuestring, what);
    const char *prog = cJSON_GetObjectItemCaseSensitive(o, "program")->valuestring;
    if (!strstr(prog, "test_signing_svc") || !(strchr(prog, '/') || strchr(prog, '\\')))
        fail_msg("program '%s' is not this program's full path", prog);
    const char *ac = cJSON_GetObjectItemCaseSensitive(o, "approval_code")->valuestring;
    if (want_code)
        assert_int_equal(strlen(ac), 4);
    else
        assert_string_equal(ac, "");
    assert_int_equal(cJSON_GetArraySize(cJSON_GetObjectItemCaseSensitive(o, "digests")), ndigests);
    if (ndigests > 1)
        assert_int_equal((int)cJSON_GetNumberValue(cJSON_GetObjectItemCaseSensitive(o, "count")),
                         ndigests);
    history_list_free(&l);
}

static int group_setup(void **state)
{
    (void)state;
    svctest_env("CRPKI_HOME");
    crpki_error_info ei;
    if (signing_open(NULL, &S, &ei) != CRPKI_OK) {
        fprintf(stderr, "signing_open: %s\n", ei.detail);
        return -1;
    }
    char **ids;
    size_t n;
    if (signing_list_keys(S, CRPKI_CAT_CSP, &ids, &n, &ei) != CRPKI_OK || n != 3) {
        fprintf(stderr, "user1 should have 3 keys selected\n");
        return -1;
    }
    for (size_t i = 0; i < n; i++)
        if (signing_find_key(S, ids[i], CRPKI_CAT_CSP, &keys[nkeys++], &ei) != CRPKI_OK)
            return -1;
    signing_free_ids(ids, n);
    return 0;
}

static int group_teardown(void **state)
{
    (void)state;
    for (size_t i = 0; i < nkeys; i++)
        catalog_entry_free(&keys[i]);
    signing_close(S);
    return 0;
}

static const catalog_entry *key_of(alg_key_type t, unsigned bits)
{
    for (size_t i = 0; i < nkeys; i++)
        if (keys[i].key_type == t && keys[i].key_bits == bits)
            return &keys[i];
    fail_msg("user1 has no %s-%u key", t == CRPKI_KEY_RSA ? "RSA" : "EC", bits);
    return NULL;
}

static crpki_err sign(const catalog_entry *k, alg_sig_scheme sc, alg_hash_id h, unsigned salt,
                      const uint8_t *dg, const char *what, int silent, unsigned timeout_ms,
                      uint8_t *sig, size_t *n, crpki_error_info *ei)
{
    signing_params p = {
        k, sc, h, salt, dg, alg_hash_by_id(h)->len, what, silent, NULL, timeout_ms,
    };
    *n = 1024;
    return signing_sign(S, &p, sig, n, ei);
}

/* ---- sign ------------------------------------------------------------------------ */

static void each_key_and_scheme_signs_with_the_phone_approving(void **state)
{
    (void)state;
    static const struct {
        alg_key_type type;
        unsigned bits;
        alg_sig_scheme sc;
        alg_hash_id h;
        unsigned salt;
    } cases[] = {
        {CRPKI_KEY_RSA, 2048, CRPKI_PAD_PKCS1, CRPKI_HASH_SHA256, 0},
        {CRPKI_KEY_RSA, 2048, CRPKI_PAD_PKCS1, CRPKI_HASH_SHA384, 0},
        {CRPKI_KEY_RSA, 2048, CRPKI_PAD_PKCS1, CRPKI_HASH_SHA512, 0},
        {CRPKI_KEY_RSA, 2048, CRPKI_PAD_PSS, CRPKI_HASH_SHA256, 32},
        {CRPKI_KEY_RSA, 3072, CRPKI_PAD_PKCS1, CRPKI_HASH_SHA256, 0},
        {CRPKI_KEY_RSA, 3072, CRPKI_PAD_PKCS1, CRPKI_HASH_SHA384, 0},
        {CRPKI_KEY_RSA, 3072, CRPKI_PAD_PKCS1, CRPKI_HASH_SHA512, 0},
        {CRPKI_KEY_RSA, 3072, CRPKI_PAD_PSS, CRPKI_HASH_SHA384, 48},
        {CRPKI_KEY_EC, 256, CRPKI_PAD_ECDSA, CRPKI_HASH_SHA256, 0},
        {CRPKI_KEY_EC, 256, CRPKI_PAD_ECDSA, CRPKI_HASH_SHA384, 0},
    };
    svctest_phone("approve 0");
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        const catalog_entry *k = key_of(cases[i].type, cases[i].bits);
        const alg_hash_info *hi = alg_hash_by_id(cases[i].h);
        uint8_t dg[64], sig[1024];
        crypto_random(dg, hi->len);
        size_t n;
        crpki_error_info ei;
        int before = svctest_phone_log_count();
        crpki_err e =
            sign(k, cases[i].sc, cases[i].h, cases[i].salt, dg, "matrix.pdf", 0, 0, sig, &n, &ei);
        if (e != CRPKI_OK)
            fail_msg("case %u: %s (%s)", (unsigned)i, crpki_err_name(e), ei.detail);
        assert_int_equal(svctest_phone_log_count(), before + 1);
        assert_int_equal(n, catalog_entry_sig_len(k)); /* RSA: modulus, EC: r||s */

        /* the driver's OpenSSL wants ECDSA in DER; RSA as is */
        uint8_t der[160];
        const uint8_t *out = sig;
        size_t outlen = n;
        if (cases[i].sc == CRPKI_PAD_ECDSA) {
            outlen = sizeof der;
            assert_int_equal(crypto_ecdsa_p1363_to_der(sig, n, der, &outlen), CRPKI_OK);
            out = der;
        }
        char name[64], opts[160], lower[16];
        size_t j = 0;
        for (; hi->name[j] && j < sizeof lower - 1; j++)
            lower[j] =
                (char)(hi->name[j] >= 'A' && hi->name[j] <= 'Z' ? hi->name[j] + 32 : hi->name[j]);
        lower[j] = '\0';
        snprintf(name, sizeof name, "%02u-%s%u-%s-%s", (unsigned)i,
                 cases[i].type == CRPKI_KEY_RSA ? "rsa" : "p", cases[i].bits,
                 cases[i].sc == CRPKI_PAD_PKCS1 ? "pkcs1"
                 : cases[i].sc == CRPKI_PAD_PSS ? "pss"
                                                : "ecdsa",
                 lower);
        if (cases[i].sc == CRPKI_PAD_PSS)
            snprintf(opts, sizeof opts, "digest:%s\nrsa_padding_mode:pss\nrsa_pss_saltlen:%u\n",
                     lower, cases[i].salt);
        else
            snprintf(opts, sizeof opts, "digest:%s\n", lower);
        svctest_write_sig(name, k->cert.der, k->cert.len, dg, hi->len, out, outlen, opts);
        artifacts++;
    }
    svctest_expect_artifacts(artifacts);
}

static void the_same_digest_twice_is_one_approval(void **state)
{
    (void)state;
    svctest_phone("approve 0");
    const catalog_entry *k = key_of(CRPKI_KEY_RSA, 2048);
    uint8_t dg[32], s1[1024], s2[1024];
    crypto_random(dg, sizeof dg);
    size_t n1, n2;
    crpki_error_info ei;
    int before = svctest_phone_log_count();
    size_t records = record_count();
    assert_int_equal(
        sign(k, CRPKI_PAD_PSS, CRPKI_HASH_SHA256, 32, dg, "twice.pdf", 0, 0, s1, &n1, &ei),
        CRPKI_OK);
    /* the second call, as CryptSignMessage makes it: even silent */
    assert_int_equal(
        sign(k, CRPKI_PAD_PSS, CRPKI_HASH_SHA256, 32, dg, "twice.pdf", 1, 0, s2, &n2, &ei),
        CRPKI_OK);
    assert_int_equal(svctest_phone_log_count(), before + 1);
    /* one signature, one record: the cached answer is not a new one */
    assert_int_equal(record_count(), records + 1);
    expect_record("signed", CRPKI_OK, "twice.pdf", 1, 1);
    assert_int_equal(n1, n2);
    assert_memory_equal(s1, s2, n1);
    /* another scheme over the same digest is another signature */
    assert_int_equal(
        sign(k, CRPKI_PAD_PKCS1, CRPKI_HASH_SHA256, 0, dg, "twice.pdf", 0, 0, s2, &n2, &ei),
        CRPKI_OK);
    assert_int_equal(svctest_phone_log_count(), before + 2);
}

/* Twenty documents, one approval: one request to the phone,
 * twenty signatures each verified (here by the driver's OpenSSL too), one
 * signing record listing the twenty digests; more than the credential's
 * multisign is refused before any request. */
static void twenty_hashes_under_one_approval(void **state)
{
    (void)state;
    svctest_phone("approve 0");
    const catalog_entry *k = key_of(CRPKI_KEY_RSA, 2048);
    enum { N = 20 };
    uint8_t hashes[N * 32], sigs[N * 256];
    size_t lens[N];
    crypto_random(hashes, sizeof hashes);
    int before = svctest_phone_log_count();
    size_t records = record_count();
    signing_params p = {.key = k,
                        .scheme = CRPKI_PAD_PKCS1,
                        .hash = CRPKI_HASH_SHA256,
                        .digest_len = 32,
                        .what = "20 件: 請求書01.pdf, 請求書02.pdf, …"};
    crpki_error_info ei;
    const char *names[N];
    char namebuf[N][32];
    for (int i = 0; i < N; i++) {
        snprintf(namebuf[i], sizeof namebuf[i], "請求書%02d.pdf", i + 1);
        names[i] = namebuf[i];
    }
    crpki_err e = signing_sign_many(S, &p, hashes, N, names, sigs, 256, lens, &ei);
    if (e != CRPKI_OK)
        fail_msg("signing_sign_many: %s (%s)", crpki_err_name(e), ei.detail);
    assert_int_equal(svctest_phone_log_count(), before + 1);
    char line[512];
    assert_int_equal(svctest_phone_log_last_line(line, sizeof line), 0);
    assert_non_null(strstr(line, " 20 approve ")); /* the phone saw twenty */
    for (int i = 0; i < N; i++) {
        assert_int_equal(lens[i], 256);
        char name[32];
        snprintf(name, sizeof name, "many-%02d", i);
        svctest_write_sig(name, k->cert.der, k->cert.len, hashes + 32 * i, 32, sigs + 256 * i, 256,
                          "digest:sha256\n");
        artifacts++;
    }
    /* no two the same: each is the signature of its own hash */
    assert_memory_not_equal(sigs, sigs + 256, 256);
    svctest_expect_artifacts(artifacts);
    /* one record per document, each with its name, digest and the batch's size */
    assert_int_equal(record_count(), records + N);
    expect_record("signed", CRPKI_OK, "請求書20.pdf", 1, 1);
    history_list l;
    assert_int_equal(history_read(getenv("CRPKI_HOME"), 0, &l, &ei), CRPKI_OK);
    const cJSON *last = l.v[l.n - 1].json;
    assert_int_equal((int)cJSON_GetNumberValue(cJSON_GetObjectItemCaseSensitive(last, "count")), N);
    char hex[65];
    for (int j = 0; j < 32; j++)
        snprintf(hex + 2 * j, 3, "%02x", hashes[32 * (N - 1) + j]);
    assert_string_equal(
        cJSON_GetArrayItem(cJSON_GetObjectItemCaseSensitive(last, "digests"), 0)->valuestring, hex);
    history_list_free(&l);
    /* more than the credential takes at once: refused, nothing asked */
    uint8_t big[65 * 32];
    crypto_random(big, sizeof big);
    uint8_t *bigsigs = malloc(65 * 256);
    size_t biglens[65];
    assert_int_equal(signing_sign_many(S, &p, big, 65, NULL, bigsigs, 256, biglens, &ei),
                     CRPKI_E_INVALID_ARG);
    assert_non_null(strstr(ei.detail, "at most 64"));
    assert_int_equal(svctest_phone_log_count(), before + 1);
    free(bigsigs);
}

static void silent_fails_without_an_approval(void **state)
{
    (void)state;
    svctest_phone("approve 0");
    uint8_t dg[32], sig[1024];
    crypto_random(dg, sizeof dg);
    size_t n;
    crpki_error_info ei;
    int before = svctest_phone_log_count();
    assert_int_equal(sign(key_of(CRPKI_KEY_EC, 256), CRPKI_PAD_ECDSA, CRPKI_HASH_SHA256, 0, dg,
                          "silent.pdf", 1, 0, sig, &n, &ei),
                     CRPKI_E_SILENT);
    assert_int_equal(svctest_phone_log_count(), before);
    expect_record("error", CRPKI_E_SILENT, "silent.pdf", 0, 1);
}

static void the_description_names_the_program_and_what(void **state)
{
    (void)state;
    svctest_phone("approve 0");
    uint8_t dg[32], sig[1024];
    crypto_random(dg, sizeof dg);
    size_t n;
    crpki_error_info ei;
    assert_int_equal(sign(key_of(CRPKI_KEY_RSA, 3072), CRPKI_PAD_PKCS1, CRPKI_HASH_SHA256, 0, dg,
                          "登記申請書 (2024).xml", 0, 0, sig, &n, &ei),
                     CRPKI_OK);
    char desc[512], want[512];
    assert_int_equal(svctest_phone_log_last(desc, sizeof desc), 0);
    assert_non_null(strstr(signing_program(), "test_signing_svc"));
    /* the program with its publisher as verified (Windows), the name alone on POSIX */
    assert_non_null(strstr(signing_program_label(), signing_program()));
    snprintf(want, sizeof want, "%s: 登記申請書 (2024).xml", signing_program_label());
    assert_string_equal(desc, want);
}

static void deny_in_the_app_is_denied(void **state)
{
    (void)state;
    svctest_phone("deny 300");
    uint8_t dg[32], sig[1024];
    crypto_random(dg, sizeof dg);
    size_t n;
    crpki_error_info ei;
    int before = svctest_phone_log_count();
    assert_int_equal(sign(key_of(CRPKI_KEY_RSA, 2048), CRPKI_PAD_PKCS1, CRPKI_HASH_SHA256, 0, dg,
                          "deny.pdf", 0, 0, sig, &n, &ei),
                     CRPKI_E_DENIED);
    assert_int_equal(svctest_phone_log_count(), before + 1);
    char line[512];
    assert_int_equal(svctest_phone_log_last_line(line, sizeof line), 0);
    assert_non_null(strstr(line, " 1 deny "));
    expect_record("denied", CRPKI_E_DENIED, "deny.pdf", 1, 1);
    /* a denial is not cached: the next try asks again */
    svctest_phone("approve 0");
    assert_int_equal(sign(key_of(CRPKI_KEY_RSA, 2048), CRPKI_PAD_PKCS1, CRPKI_HASH_SHA256, 0, dg,
                          "deny.pdf", 0, 0, sig, &n, &ei),
                     CRPKI_OK);
    assert_int_equal(svctest_phone_log_count(), before + 2);
}

static uint64_t cancelled_at;
static void canceller(void *arg)
{
    (void)arg;
    plat_sleep_ms(1500);
    cancelled_at = svctest_now_ms();
    signing_cancel(S);
}

static void cancel_from_another_thread_returns_promptly(void **state)
{
    (void)state;
    svctest_phone("ignore");
    uint8_t dg[32], sig[1024];
    crypto_random(dg, sizeof dg);
    size_t n;
    crpki_error_info ei;
    plat_thread *t = plat_thread_start(canceller, NULL);
    assert_non_null(t);
    crpki_err e = sign(key_of(CRPKI_KEY_EC, 256), CRPKI_PAD_ECDSA, CRPKI_HASH_SHA256, 0, dg,
                       "cancel.pdf", 0, 60000, sig, &n, &ei);
    uint64_t back = svctest_now_ms();
    plat_thread_join(t);
    assert_int_equal(e, CRPKI_E_CANCELLED);
    expect_record("cancelled", CRPKI_E_CANCELLED, "cancel.pdf", 1, 1);
    if (back - cancelled_at > 1000)
        fail_msg("returned %llu ms after the cancel", (unsigned long long)(back - cancelled_at));
}

/* ---- expire / down -------------------------------------------------------------------- */

static void ignored_request_expires(void **state)
{
    (void)state;
    svctest_phone("ignore");
    uint8_t dg[32], sig[1024];
    crypto_random(dg, sizeof dg);
    size_t n;
    crpki_error_info ei;
    uint64_t t0 = svctest_now_ms();
    crpki_err e = sign(key_of(CRPKI_KEY_RSA, 2048), CRPKI_PAD_PKCS1, CRPKI_HASH_SHA256, 0, dg,
                       "expire.pdf", 0, 30000, sig, &n, &ei);
    uint64_t dt = svctest_now_ms() - t0;
    if (e != CRPKI_E_APPROVAL_EXPIRED)
        fail_msg("%s (%s)", crpki_err_name(e), ei.detail);
    assert_true(dt >= 1500 && dt < 15000);
    assert_int_equal(svctest_phone_log_count(), 1);
    expect_record("expired", CRPKI_E_APPROVAL_EXPIRED, "expire.pdf", 1, 1);
}

static void service_down_is_a_network_error_within_the_deadline(void **state)
{
    (void)state;
    uint8_t dg[32], sig[1024];
    crypto_random(dg, sizeof dg);
    size_t n;
    crpki_error_info ei;
    uint64_t t0 = svctest_now_ms();
    crpki_err e = sign(key_of(CRPKI_KEY_RSA, 2048), CRPKI_PAD_PKCS1, CRPKI_HASH_SHA256, 0, dg,
                       "down.pdf", 0, 6000, sig, &n, &ei);
    uint64_t dt = svctest_now_ms() - t0;
    if (e != CRPKI_E_NETWORK)
        fail_msg("%s (%s)", crpki_err_name(e), ei.detail);
    if (dt > 12000) /* late only by a busy machine, not by another round of retries */
        fail_msg("took %llu ms with a 6000 ms deadline", (unsigned long long)dt);
    assert_int_equal(svctest_phone_log_count(), 0);
    expect_record("error", CRPKI_E_NETWORK, "down.pdf", 0, 1);
}

/* ---- console / dialog: the approval UI of the configuration -------------------- */

/* The approval code of the last request the phone got (the log line's first
 * field). */
static void phone_code(char *code, size_t n)
{
    char line[512];
    assert_int_equal(svctest_phone_log_last_line(line, sizeof line), 0);
    snprintf(code, n, "%.*s", (int)strcspn(line, " "), line);
}

/* One RSA-2048 PKCS#1 signature over a fresh digest, left for OpenSSL. */
static void verified_artifact(const char *name, const uint8_t *dg, const uint8_t *sig, size_t n)
{
    const catalog_entry *k = key_of(CRPKI_KEY_RSA, 2048);
    svctest_write_sig(name, k->cert.der, k->cert.len, dg, 32, sig, n, "digest:sha256\n");
    artifacts++;
}

static void console_approval_signs_and_denial_fails(void **state)
{
    (void)state;
    /* the configuration crpki-test-setup wrote: this is the console path */
    assert_int_equal(signing_config(S)->approval_ui, CRPKI_UI_CONSOLE);
    const catalog_entry *k = key_of(CRPKI_KEY_RSA, 2048);
    uint8_t dg[32], sig[1024];
    size_t n;
    crpki_error_info ei;
    char line[512], want[512], code[16];

    svctest_phone("approve 500");
    crypto_random(dg, sizeof dg);
    int before = svctest_phone_log_count();
    crpki_err e =
        sign(k, CRPKI_PAD_PKCS1, CRPKI_HASH_SHA256, 0, dg, "console.pdf", 0, 30000, sig, &n, &ei);
    if (e != CRPKI_OK)
        fail_msg("approve: %s (%s)", crpki_err_name(e), ei.detail);
    assert_int_equal(svctest_phone_log_count(), before + 1);
    assert_int_equal(n, 256);
    verified_artifact("console-approved", dg, sig, n);
    assert_int_equal(svctest_phone_log_last_line(line, sizeof line), 0);
    phone_code(code, sizeof code);
    assert_int_equal(strlen(code), 4);
    snprintf(want, sizeof want, " %s 1 approve %s: console.pdf", k->credential_id,
             signing_program_label());
    if (!strstr(line, want))
        fail_msg("phone log '%s' lacks '%s'", line, want);

    svctest_phone("deny 300");
    crypto_random(dg, sizeof dg);
    e = sign(k, CRPKI_PAD_PKCS1, CRPKI_HASH_SHA256, 0, dg, "console-deny.pdf", 0, 30000, sig, &n,
             &ei);
    assert_int_equal(e, CRPKI_E_DENIED);
    assert_int_equal(svctest_phone_log_count(), before + 2);
    assert_int_equal(svctest_phone_log_last_line(line, sizeof line), 0);
    assert_non_null(strstr(line, " 1 deny "));
    svctest_expect_artifacts(artifacts);
}

/* The login ended at the service: on the console there is nothing to choose,
 * so the signature fails as it did (ui_recovery_open writes the one line with
 * the fix; tests/core/ui/test_ui.c reads it), nothing reaches the phone. */
static void revoked_login_fails_with_the_login_error(void **state)
{
    (void)state;
    assert_int_equal(login_revoke(getenv("CRPKI_HOME")), 0);
    const catalog_entry *k = key_of(CRPKI_KEY_RSA, 2048);
    uint8_t dg[32], sig[1024];
    size_t n;
    crpki_error_info ei;
    crypto_random(dg, sizeof dg);
    int before = svctest_phone_log_count();
    crpki_err e =
        sign(k, CRPKI_PAD_PKCS1, CRPKI_HASH_SHA256, 0, dg, "revoked.pdf", 0, 30000, sig, &n, &ei);
    if (e != CRPKI_E_NOT_LOGGED_IN)
        fail_msg("%s (%s)", crpki_err_name(e), ei.detail);
    assert_int_equal(svctest_phone_log_count(), before);
    expect_record("error", CRPKI_E_NOT_LOGGED_IN, "revoked.pdf", 0, 1);
}

#ifdef _WIN32
typedef struct {
    uint8_t dg[32], sig[1024];
    size_t n;
    crpki_err e;
    crpki_error_info ei;
    atomic_int done;
    uint64_t returned_at;
} bg_sign;

static void sign_in_background(void *arg)
{
    bg_sign *b = arg;
    b->e = sign(key_of(CRPKI_KEY_RSA, 2048), CRPKI_PAD_PKCS1, CRPKI_HASH_SHA256, 0, b->dg,
                "dialog.pdf", 0, 60000, b->sig, &b->n, &b->ei);
    b->returned_at = svctest_now_ms();
    atomic_store(&b->done, 1);
}

/* Seconds left in "有効期限: 残り M:SS"; -1 when it does not read so. */
static int countdown_seconds(const char *text)
{
    const char *p = strstr(text, "残り ");
    unsigned m, sec;
    if (!p || sscanf(p + strlen("残り "), "%u:%u", &m, &sec) != 2)
        return -1;
    return (int)(m * 60 + sec);
}

static void dialog_shows_the_code_counts_down_and_goes_with_the_signature(void **state)
{
    (void)state;
    assert_int_equal(signing_config(S)->approval_ui, CRPKI_UI_DIALOG);
    /* the phone approves once the checks below are done: they take ~2 s
       after the dialog appears, which a loaded machine may delay by seconds */
    svctest_phone("approve 12000");
    static bg_sign b;
    crypto_random(b.dg, sizeof b.dg);
    int before = svctest_phone_log_count();
    plat_thread *t = plat_thread_start(sign_in_background, &b);
    assert_non_null(t);
    void *dlg = svctest_dialog_wait(20000);
    if (!dlg) {
        plat_thread_join(t);
        fail_msg("no CrpkiApprovalDialog of this process within 20 s (sign: %s)",
                 crpki_err_name(b.e));
    }
    char text[512], code[16], want[512];
    assert_int_equal(svctest_dialog_text(dlg, CRPKI_UI_ID_CODE, text, sizeof text), 0);
    assert_int_equal(svctest_phone_log_count(), before + 1);
    phone_code(code, sizeof code);
    assert_string_equal(text, code);
    snprintf(want, sizeof want, "署名する内容: %s: dialog.pdf", signing_program_label());
    assert_int_equal(svctest_dialog_text(dlg, CRPKI_UI_ID_WHAT, text, sizeof text), 0);
    assert_string_equal(text, want);
    /* the full path: C:\...\test_signing_svc.exe */
    snprintf(want, sizeof want, "要求元プログラム: %s", signing_program_path());
    assert_int_equal(svctest_dialog_text(dlg, CRPKI_UI_ID_PROGRAM, text, sizeof text), 0);
    assert_string_equal(text, want);

    char c1[128], c2[128];
    assert_int_equal(svctest_dialog_text(dlg, CRPKI_UI_ID_COUNTDOWN, c1, sizeof c1), 0);
    plat_sleep_ms(1500);
    assert_int_equal(svctest_dialog_text(dlg, CRPKI_UI_ID_COUNTDOWN, c2, sizeof c2), 0);
    int s1 = countdown_seconds(c1), s2 = countdown_seconds(c2);
    if (s1 <= 0 || s2 < 0 || s2 >= s1)
        fail_msg("countdown '%s' then, 1.5 s later, '%s'", c1, c2);
    /* all of that while the request waited for the phone */
    assert_int_equal(atomic_load(&b.done), 0);

    /* the dialog stays until the call returns, and goes with it */
    while (svctest_dialog_alive(dlg) && !atomic_load(&b.done))
        plat_sleep_ms(10);
    uint64_t gone_at = svctest_now_ms();
    plat_thread_join(t);
    if (b.e != CRPKI_OK)
        fail_msg("sign: %s (%s)", crpki_err_name(b.e), b.ei.detail);
    assert_false(svctest_dialog_alive(dlg));
    assert_int_equal(svctest_dialog_count(), 0);
    if (b.returned_at > gone_at + 1000)
        fail_msg("the dialog went %llu ms before the signature returned",
                 (unsigned long long)(b.returned_at - gone_at));
    assert_int_equal(svctest_phone_log_count(), before + 1);
    char line[512];
    assert_int_equal(svctest_phone_log_last_line(line, sizeof line), 0);
    assert_non_null(strstr(line, " 1 approve "));
    verified_artifact("dialog-approved", b.dg, b.sig, b.n);
    svctest_expect_artifacts(artifacts);
}
#endif

int main(int argc, char **argv)
{
    const char *mode = argc > 1 ? argv[1] : "sign";
    const struct CMUnitTest sign_tests[] = {
        cmocka_unit_test(each_key_and_scheme_signs_with_the_phone_approving),
        cmocka_unit_test(the_same_digest_twice_is_one_approval),
        cmocka_unit_test(twenty_hashes_under_one_approval),
        cmocka_unit_test(silent_fails_without_an_approval),
        cmocka_unit_test(the_description_names_the_program_and_what),
        cmocka_unit_test(deny_in_the_app_is_denied),
        cmocka_unit_test(cancel_from_another_thread_returns_promptly),
    };
    const struct CMUnitTest expire_tests[] = {cmocka_unit_test(ignored_request_expires)};
    const struct CMUnitTest down_tests[] = {
        cmocka_unit_test(service_down_is_a_network_error_within_the_deadline)};
    const struct CMUnitTest console_tests[] = {
        cmocka_unit_test(console_approval_signs_and_denial_fails),
        cmocka_unit_test(revoked_login_fails_with_the_login_error)};
    if (strcmp(mode, "sign") == 0)
        return cmocka_run_group_tests_name("session_sign", sign_tests, group_setup, group_teardown);
    if (strcmp(mode, "expire") == 0)
        return cmocka_run_group_tests_name("session_expire", expire_tests, group_setup,
                                           group_teardown);
    if (strcmp(mode, "down") == 0)
        return cmocka_run_group_tests_name("session_down", down_tests, group_setup, group_teardown);
    if (strcmp(mode, "console") == 0)
        return cmocka_run_group_tests_name("session_console", console_tests, group_setup,
                                           group_teardown);
#ifdef _WIN32
    const struct CMUnitTest dialog_tests[] = {
        cmocka_unit_test(dialog_shows_the_code_counts_down_and_goes_with_the_signature)};
    if (strcmp(mode, "dialog") == 0)
        return cmocka_run_group_tests_name("session_dialog", dialog_tests, group_setup,
                                           group_teardown);
#endif
    fprintf(stderr, "usage: test_signing_svc sign|expire|down|console|dialog\n");
    return 2;
}
