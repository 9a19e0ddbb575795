/* rssp_sign against crpki-rsspd with the representative approving the code
 * in the gBizID app (`crpki-rsspd approve --code`, from a thread): every key
 * type, hash and scheme, and a batch of 100 hashes under one approval; each
 * signature verified with OpenSSL against the credential's certificate. */
#include "client_harness.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static rssp_client *C;
static ci_tokens T;

static int setup(void **state)
{
    (void)state;
    if (h_env_init() != 0)
        return -1;
    const char *const args[] = {"--max-signatures", "128", NULL};
    return h_server_start(args);
}

static int teardown(void **state)
{
    if (C) {
        rssp_client_free(C);
        ci_tokens_free(&T);
    }
    return h_group_teardown(state);
}

static rssp_client *client(void)
{
    if (!C) {
        C = ci_client_ok(NULL);
        rssp_tokens tk;
        ci_login_ok(C, "user1", &tk);
        ci_tokens_init(&T, C, &tk);
        rssp_tokens_free(&tk);
    }
    return C;
}

typedef struct {
    const char *name;
    alg_key_type kt;
    unsigned bits;
    rssp_sig_scheme scheme;
    alg_hash_id hash;
} sign_case;

/* Signs n random hashes with the app approving; verifies every signature
 * and what the approval callback was told. Returns the approval code. */
static void sign_approved_ok(rssp_client *c, const char *user, const h_cred *cred,
                             rssp_sig_scheme scheme, alg_hash_id hash, size_t n, X509 *cert,
                             char *code_out, size_t code_sz)
{
    const alg_hash_info *hi = alg_hash_by_id(hash);
    uint8_t *hashes = malloc(n * hi->len);
    assert_non_null(hashes);
    h_random(hashes, n * hi->len);
    ci_app app;
    ci_app_start(&app, CI_APPROVE, 0);
    ci_sign_call call;
    ci_sign_prepare(&call, c, cred, scheme, hash, hashes, n, &app);
    long mark = ci_log_mark();
    ci_sign_run(&call);
    ci_app_stop(&app);
    CI_EXPECT_RC(call.rc, CRPKI_OK, &call.ei);
    if (app.ncb != 1)
        fail_msg("approval callback called %u times, want once", app.ncb);
    if (!app.code_is_4_digits)
        fail_msg("approval code \"%s\" is not 4 digits", app.code);
    if (!app.acted || app.act_rc != 0)
        fail_msg("approve --code %s exited %d", app.code, app.act_rc);
    assert_string_equal(app.credential_id, cred->id);
    assert_int_equal(app.num_hashes, n);
    assert_string_equal(app.description, call.req.description);
    if (app.expires_in_s < 100 || app.expires_in_s > 120)
        fail_msg("approval expires_in_s %u, want about 120", app.expires_in_s);
    ci_verify_all_ok(&call, cert, hash);
    h_sleep_ms(50);
    int auths = ci_log_count(mark, "POST /csc/v2/credentials/authorize ", NULL);
    if (auths != 1)
        fail_msg("%d authorize requests for one sign call", auths);
    (void)user;
    if (code_out)
        snprintf(code_out, code_sz, "%s", app.code);
    ci_sign_free(&call);
    free(hashes);
}

static void sign_case_test(void **state)
{
    const sign_case *sc = *state;
    rssp_client *c = client();
    const h_cred *cred = ci_cred("user1", sc->kt, sc->bits);
    assert_non_null(cred);
    X509 *cert = ci_cred_cert_ok(c, cred);
    sign_approved_ok(c, "user1", cred, sc->scheme, sc->hash, 1, cert, NULL, 0);
    X509_free(cert);
}

#define RSA_CASES(bits)                                                                            \
    {"sign_rsa" #bits "_pkcs1_sha256_approved_by_code_verifies", CRPKI_KEY_RSA, bits,              \
     RSSP_SIG_RSA_PKCS1, CRPKI_HASH_SHA256},                                                       \
        {"sign_rsa" #bits "_pkcs1_sha384_approved_by_code_verifies", CRPKI_KEY_RSA, bits,          \
         RSSP_SIG_RSA_PKCS1, CRPKI_HASH_SHA384},                                                   \
        {"sign_rsa" #bits "_pkcs1_sha512_approved_by_code_verifies", CRPKI_KEY_RSA, bits,          \
         RSSP_SIG_RSA_PKCS1, CRPKI_HASH_SHA512},                                                   \
        {"sign_rsa" #bits "_pss_sha256_approved_by_code_verifies", CRPKI_KEY_RSA, bits,            \
         RSSP_SIG_RSA_PSS, CRPKI_HASH_SHA256},                                                     \
        {"sign_rsa" #bits "_pss_sha384_approved_by_code_verifies", CRPKI_KEY_RSA, bits,            \
         RSSP_SIG_RSA_PSS, CRPKI_HASH_SHA384},                                                     \
    {                                                                                              \
        "sign_rsa" #bits "_pss_sha512_approved_by_code_verifies", CRPKI_KEY_RSA, bits,             \
            RSSP_SIG_RSA_PSS, CRPKI_HASH_SHA512                                                    \
    }

static const sign_case CASES[] = {
    RSA_CASES(2048),
    RSA_CASES(3072),
    {"sign_p256_ecdsa_sha256_approved_by_code_verifies", CRPKI_KEY_EC, 256, RSSP_SIG_ECDSA,
     CRPKI_HASH_SHA256},
    {"sign_p256_ecdsa_sha384_approved_by_code_verifies", CRPKI_KEY_EC, 256, RSSP_SIG_ECDSA,
     CRPKI_HASH_SHA384},
    {"sign_p256_ecdsa_sha512_approved_by_code_verifies", CRPKI_KEY_EC, 256, RSSP_SIG_ECDSA,
     CRPKI_HASH_SHA512},
};
#define NCASES (sizeof CASES / sizeof CASES[0])

static void batch_of_100_hashes_under_one_approval_all_verify(void **state)
{
    (void)state;
    rssp_client *c = client();
    const h_cred *cred = ci_cred("user1", CRPKI_KEY_RSA, 2048);
    X509 *cert = ci_cred_cert_ok(c, cred);
    rssp_credential cr;
    memset(&cr, 0, sizeof cr);
    crpki_error_info ei;
    CI_EXPECT_RC(rssp_get_credential(c, cred->id, &cr, &ei), CRPKI_OK, &ei);
    if (cr.multisign < 100)
        fail_msg("multisign %u with --max-signatures 128", cr.multisign);
    rssp_credential_free(&cr);
    cJSON *before = h_audit_json();
    int n_before = h_json_records(before, NULL);
    cJSON_Delete(before);
    char code[16];
    sign_approved_ok(c, "user1", cred, RSSP_SIG_RSA_PKCS1, CRPKI_HASH_SHA256, 100, cert, code,
                     sizeof code);
    /* one approval covers all 100 in the audit log */
    cJSON *after = h_audit_json();
    const cJSON *arr = NULL;
    int n_after = h_json_records(after, &arr);
    assert_int_equal(n_after - n_before, 100);
    int same_code = 0, ids_differ = 0;
    char first[64] = "";
    const cJSON *rec;
    cJSON_ArrayForEach(rec, arr)
    {
        const char *rc = h_jstr(rec, "approvalCode");
        if (!rc || strcmp(rc, code) != 0)
            continue;
        const cJSON *aid = cJSON_GetObjectItemCaseSensitive(rec, "approvalId");
        char idbuf[64];
        if (cJSON_IsNumber(aid))
            snprintf(idbuf, sizeof idbuf, "%.0f", aid->valuedouble);
        else
            snprintf(idbuf, sizeof idbuf, "%s", cJSON_IsString(aid) ? aid->valuestring : "");
        if (++same_code == 1)
            snprintf(first, sizeof first, "%s", idbuf);
        else if (strcmp(first, idbuf) != 0)
            ids_differ = 1;
    }
    if (same_code != 100 || ids_differ)
        fail_msg("audit: %d records with approval code %s (want 100), approvalIds differ: %d",
                 same_code, code, ids_differ);
    cJSON_Delete(after);
    X509_free(cert);
}

static void second_user_signs_with_own_credential(void **state)
{
    (void)state;
    rssp_client *c = ci_client_ok(NULL);
    rssp_tokens tk;
    ci_login_ok(c, "user2", &tk);
    ci_tokens ts;
    ci_tokens_init(&ts, c, &tk);
    const h_cred *cred = &h_user_by_id("user2")->creds[0];
    X509 *cert = ci_cred_cert_ok(c, cred);
    sign_approved_ok(c, "user2", cred, RSSP_SIG_RSA_PKCS1, CRPKI_HASH_SHA256, 3, cert, NULL, 0);
    X509_free(cert);
    ci_tokens_free(&ts);
    rssp_tokens_free(&tk);
    rssp_client_free(c);
}

static void audit_records_the_signed_hash(void **state)
{
    (void)state;
    rssp_client *c = client();
    const h_cred *cred = ci_cred("user1", CRPKI_KEY_EC, 256);
    uint8_t hash[32];
    h_random(hash, sizeof hash);
    ci_app app;
    ci_app_start(&app, CI_APPROVE, 0);
    ci_sign_call call;
    ci_sign_prepare(&call, c, cred, RSSP_SIG_ECDSA, CRPKI_HASH_SHA256, hash, 1, &app);
    ci_sign_run(&call);
    ci_app_stop(&app);
    CI_EXPECT_RC(call.rc, CRPKI_OK, &call.ei);
    char *b64 = base64_encode_alloc(hash, sizeof hash);
    cJSON *a = h_audit_json();
    if (!h_json_has_string(a, b64))
        fail_msg("audit log lacks the signed hash %s", b64);
    cJSON_Delete(a);
    free(b64);
    ci_sign_free(&call);
}

static void mismatched_scheme_for_key_is_refused_before_any_approval(void **state)
{
    (void)state;
    rssp_client *c = client();
    uint8_t hash[32];
    h_random(hash, sizeof hash);
    struct {
        alg_key_type kt;
        unsigned bits;
        rssp_sig_scheme scheme;
    } bad[] = {{CRPKI_KEY_RSA, 2048, RSSP_SIG_ECDSA},
               {CRPKI_KEY_EC, 256, RSSP_SIG_RSA_PKCS1},
               {CRPKI_KEY_EC, 256, RSSP_SIG_RSA_PSS}};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        const h_cred *cred = ci_cred("user1", bad[i].kt, bad[i].bits);
        ci_app app;
        ci_app_start(&app, CI_MANUAL, 0);
        ci_sign_call call;
        ci_sign_prepare(&call, c, cred, bad[i].scheme, CRPKI_HASH_SHA256, hash, 1, &app);
        call.req.timeout_ms = 5000; /* nobody approves, should it get that far */
        long mark = ci_log_mark();
        ci_sign_run(&call);
        ci_app_stop(&app);
        if (call.rc == CRPKI_OK)
            fail_msg("scheme %d on a %s key: OK", (int)bad[i].scheme,
                     bad[i].kt == CRPKI_KEY_EC ? "EC" : "RSA");
        print_message("      scheme %d on %s key -> %s\n", (int)bad[i].scheme,
                      bad[i].kt == CRPKI_KEY_EC ? "EC" : "RSA", crpki_err_name(call.rc));
        h_sleep_ms(50);
        int auths = ci_log_count(mark, "/csc/v2/credentials/authorize ", NULL);
        if (app.ncb != 0 || auths != 0)
            fail_msg("scheme %d on the wrong key: the user was asked to approve (%u callbacks, "
                     "%d authorize requests) for a signature that cannot be made",
                     (int)bad[i].scheme, app.ncb, auths);
        ci_sign_free(&call);
    }
}

static void unknown_credential_gives_unknown_credential_without_callback(void **state)
{
    (void)state;
    rssp_client *c = client();
    h_cred fake = *ci_cred("user1", CRPKI_KEY_RSA, 2048);
    fake.id = "cred-0000000000000000";
    uint8_t hash[32];
    h_random(hash, sizeof hash);
    ci_app app;
    ci_app_start(&app, CI_MANUAL, 0);
    ci_sign_call call;
    ci_sign_prepare(&call, c, &fake, RSSP_SIG_RSA_PKCS1, CRPKI_HASH_SHA256, hash, 1, &app);
    call.req.timeout_ms = 5000;
    ci_sign_run(&call);
    ci_app_stop(&app);
    CI_EXPECT_RC(call.rc, CRPKI_E_UNKNOWN_CREDENTIAL, &call.ei);
    assert_int_equal(app.ncb, 0);
    ci_sign_free(&call);
}

static void invalid_requests_are_refused_without_network(void **state)
{
    (void)state;
    rssp_client *c = client();
    const h_cred *cred = ci_cred("user1", CRPKI_KEY_RSA, 2048);
    uint8_t hash[64];
    h_random(hash, sizeof hash);
    long mark = ci_log_mark();
    for (int k = 0; k < 7; k++) {
        ci_sign_call call;
        ci_sign_prepare(&call, c, cred, RSSP_SIG_RSA_PKCS1, CRPKI_HASH_SHA256, hash, 1, NULL);
        call.req.timeout_ms = 5000;
        const char *what = "";
        switch (k) {
        case 0:
            call.req.num_hashes = 0;
            what = "num_hashes 0";
            break;
        case 1:
            call.req.hashes = NULL;
            what = "hashes NULL";
            break;
        case 2:
            call.req.hash_oid = "1.2.840.113549.2.5"; /* MD5 */
            what = "MD5";
            break;
        case 3:
            call.req.credential_id = NULL;
            what = "credential_id NULL";
            break;
        case 4: /* SHA-1: collisions are practical, never signed */
            call.req.hash_oid = "1.3.14.3.2.26";
            what = "SHA-1 PKCS1";
            break;
        case 5:
            call.req.hash_oid = "1.3.14.3.2.26";
            call.req.scheme = RSSP_SIG_RSA_PSS;
            what = "SHA-1 PSS";
            break;
        case 6:
            call.req.hash_oid = "1.2.840.113549.2.5";
            call.req.scheme = RSSP_SIG_RSA_PSS;
            what = "MD5 PSS";
            break;
        }
        ci_sign_run(&call);
        if (call.rc == CRPKI_OK)
            fail_msg("rssp_sign with %s: OK", what);
        if (k >= 4 && call.rc != CRPKI_E_UNSUPPORTED_ALG)
            fail_msg("rssp_sign with %s: %s, not CRPKI_E_UNSUPPORTED_ALG", what,
                     crpki_err_name(call.rc));
        print_message("      %s -> %s\n", what, crpki_err_name(call.rc));
        ci_sign_free(&call);
    }
    h_sleep_ms(50);
    assert_int_equal(ci_log_count(mark, "/csc/v2/credentials/authorize ", NULL), 0);
}

int main(void)
{
    struct CMUnitTest tests[NCASES + 6];
    size_t n = 0;
    for (size_t i = 0; i < NCASES; i++) {
        tests[n] = (struct CMUnitTest)cmocka_unit_test_prestate(sign_case_test, (void *)&CASES[i]);
        tests[n].name = CASES[i].name;
        n++;
    }
    const struct CMUnitTest more[] = {
        cmocka_unit_test(batch_of_100_hashes_under_one_approval_all_verify),
        cmocka_unit_test(second_user_signs_with_own_credential),
        cmocka_unit_test(audit_records_the_signed_hash),
        cmocka_unit_test(mismatched_scheme_for_key_is_refused_before_any_approval),
        cmocka_unit_test(unknown_credential_gives_unknown_credential_without_callback),
        cmocka_unit_test(invalid_requests_are_refused_without_network),
    };
    for (size_t i = 0; i < sizeof more / sizeof more[0]; i++)
        tests[n++] = more[i];
    return _cmocka_run_group_tests("client_sign", tests, n, setup, teardown);
}
