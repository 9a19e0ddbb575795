/* SADs: single use, bound to the exact hashes and the credential, expiring,
 * never stored in clear. docs/protocol.md "signatures/signHash". */
#include "approval_common.h"

#include <openssl/rsa.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void sad_reuse_is_invalid_sad_and_check_says_consumed(void **state)
{
    (void)state;
    uint8_t d[32];
    h_random(d, sizeof d);
    h_approval a;
    char *sad = approved_sad(t1(), rsa1(), SHA256_OID, d, 1, 32, &a);
    /* the same SAD is returned by further checks until used (wait out the
     * interval: a wait:0 check right after another one is slow_down) */
    h_sleep_ms(1100);
    h_resp r;
    h_check(t1(), a.handle, 0, &r);
    H_EXPECT_STATUS(&r, 200);
    assert_non_null(h_jstr(r.json, "SAD"));
    assert_string_equal(h_jstr(r.json, "SAD"), sad);
    h_resp_free(&r);

    h_sign_hash(t1(), rsa1(), sad, SHA256_OID, d, 1, 32, SHA256_RSA, NULL, &r);
    H_EXPECT_STATUS(&r, 200);
    h_resp_free(&r);
    h_sign_hash(t1(), rsa1(), sad, SHA256_OID, d, 1, 32, SHA256_RSA, NULL, &r);
    H_EXPECT_ERROR(&r, 400, "invalid_sad");
    h_resp_free(&r);
    h_sleep_ms(1100); /* interval */
    h_check(t1(), a.handle, 0, &r);
    H_EXPECT_ERROR(&r, 400, "invalid_request");
    h_resp_free(&r);
    free(sad);
    h_approval_free(&a);
}

static void sad_with_other_hashes_is_invalid_sad_and_still_works_after(void **state)
{
    (void)state;
    uint8_t d[2 * 32], other[2 * 32], swapped[2 * 32];
    h_random(d, sizeof d);
    h_random(other, sizeof other);
    memcpy(swapped, d + 32, 32);
    memcpy(swapped + 32, d, 32);
    h_approval a;
    char *sad = approved_sad(t1(), rsa1(), SHA256_OID, d, 2, 32, &a);
    h_resp r;
    h_sign_hash(t1(), rsa1(), sad, SHA256_OID, other, 2, 32, SHA256_RSA, NULL, &r);
    H_EXPECT_ERROR(&r, 400, "invalid_sad");
    h_resp_free(&r);
    h_sign_hash(t1(), rsa1(), sad, SHA256_OID, swapped, 2, 32, SHA256_RSA, NULL, &r);
    H_EXPECT_ERROR(&r, 400, "invalid_sad");
    h_resp_free(&r);
    h_sign_hash(t1(), rsa1(), sad, SHA256_OID, d, 1, 32, SHA256_RSA, NULL, &r);
    H_EXPECT_ERROR(&r, 400, "invalid_sad"); /* a subset of the approved list */
    h_resp_free(&r);
    /* a hash algorithm other than the approved one, same bytes */
    uint8_t d48[2 * 48];
    h_random(d48, sizeof d48);
    h_sign_hash(t1(), rsa1(), sad, SHA384_OID, d48, 2, 48, SHA384_RSA, NULL, &r);
    H_EXPECT_ERROR(&r, 400, "invalid_sad");
    h_resp_free(&r);
    /* failed signHash calls did not consume the SAD */
    h_sign_hash(t1(), rsa1(), sad, SHA256_OID, d, 2, 32, SHA256_RSA, NULL, &r);
    H_EXPECT_STATUS(&r, 200);
    uint8_t *sigs[2];
    size_t lens[2];
    h_resp_signatures_ok(&r, 2, sigs, lens);
    X509 *cert = h_cred_cert_ok(t1(), cred("user1", CRPKI_KEY_RSA));
    for (int i = 0; i < 2; i++) {
        assert_true(h_verify_sig(cert, CRPKI_PAD_PKCS1, CRPKI_HASH_SHA256, 0, d + 32 * i, 32,
                                 sigs[i], lens[i]));
        free(sigs[i]);
    }
    X509_free(cert);
    h_resp_free(&r);
    free(sad);
    h_approval_free(&a);
}

static void sad_for_another_credential_is_invalid_sad(void **state)
{
    (void)state;
    const h_user *u = h_user_by_id("user1");
    assert_true(u->ncreds >= 2);
    const char *c0 = u->creds[0].id, *c1 = NULL;
    for (size_t i = 1; i < u->ncreds; i++)
        if (u->creds[i].key_type == u->creds[0].key_type)
            c1 = u->creds[i].id;
    assert_non_null(c1);
    uint8_t d[32];
    h_random(d, sizeof d);
    h_approval a;
    char *sad = approved_sad(t1(), c0, SHA256_OID, d, 1, 32, &a);
    const char *algo =
        u->creds[0].key_type == CRPKI_KEY_RSA ? CRPKI_OID_RSA_ENCRYPTION : CRPKI_OID_EC_PUBLIC_KEY;
    h_resp r;
    h_sign_hash(t1(), c1, sad, SHA256_OID, d, 1, 32, algo, NULL, &r);
    H_EXPECT_ERROR(&r, 400, "invalid_sad");
    h_resp_free(&r);
    /* another user presenting the SAD on their own credential */
    h_sign_hash(t2(), cred("user2", CRPKI_KEY_RSA)->id, sad, SHA256_OID, d, 1, 32,
                CRPKI_OID_RSA_ENCRYPTION, NULL, &r);
    H_EXPECT_ERROR(&r, 400, "invalid_sad");
    h_resp_free(&r);
    /* and still good for the approved credential */
    h_sign_hash(t1(), c0, sad, SHA256_OID, d, 1, 32, algo, NULL, &r);
    H_EXPECT_STATUS(&r, 200);
    h_resp_free(&r);
    free(sad);
    h_approval_free(&a);
}

static void unknown_sad_is_invalid_sad(void **state)
{
    (void)state;
    uint8_t d[32];
    h_random(d, sizeof d);
    h_resp r;
    h_sign_hash(t1(), rsa1(), "bm90LWEtc2Fk", SHA256_OID, d, 1, 32, SHA256_RSA, NULL, &r);
    H_EXPECT_ERROR(&r, 400, "invalid_sad");
    h_resp_free(&r);
}

static int db_contains(const char *needle)
{
    static const char *const files[] = {"state.db", "state.db-wal", "state.db-journal"};
    int found = 0;
    for (size_t f = 0; f < 3 && !found; f++) {
        char path[4200];
        snprintf(path, sizeof path, "%s/%s", h_dir(), files[f]);
        FILE *fp = fopen(path, "rb");
        if (!fp)
            continue;
        size_t nl = strlen(needle), cap = 1 << 20, n = 0, got;
        char *buf = malloc(cap);
        assert_non_null(buf);
        while ((got = fread(buf + n, 1, cap - n, fp)) > 0) {
            n += got;
            if (n == cap) {
                cap *= 2;
                buf = realloc(buf, cap);
                assert_non_null(buf);
            }
        }
        fclose(fp);
        for (size_t i = 0; !found && nl <= n && i <= n - nl; i++)
            found = memcmp(buf + i, needle, nl) == 0;
        free(buf);
    }
    return found;
}

static void sads_and_handles_are_not_stored_in_clear(void **state)
{
    (void)state;
    uint8_t d[32];
    h_random(d, sizeof d);
    h_approval a;
    char *sad = approved_sad(t1(), rsa1(), SHA256_OID, d, 1, 32, &a);
    if (db_contains(sad))
        fail_msg("state.db holds a SAD in clear");
    if (db_contains(a.handle))
        fail_msg("state.db holds an approval handle in clear");
    /* sanity: the database is where we look */
    if (!db_contains(rsa1()))
        fail_msg("harness: credential ID not found in state.db, wrong file?");
    free(sad);
    h_approval_free(&a);
}

static void sad_ttl_3_sad_expires_and_is_invalid_sad(void **state)
{
    (void)state;
    /* SADs live 3 s from the approval: the check that fetches the SAD
       after the approve command has 3 s, not 1, on a busy machine */
    const char *args[] = {"--sad-ttl", "3", NULL};
    assert_int_equal(h_server_restart(args), 0);
    uint8_t d[32];
    h_random(d, sizeof d);
    h_approval a;
    h_authorize_ok(t1(), rsa1(), SHA256_OID, d, 1, 32, &a);
    assert_int_equal(h_approve(a.code), 0);
    h_resp r;
    h_check(t1(), a.handle, 5, &r);
    H_EXPECT_STATUS(&r, 200);
    int left = (int)h_jnum(r.json, "expiresIn", -1);
    if (left < 1 || left > 3)
        fail_msg("SAD expiresIn %d, want 1-3 (--sad-ttl 3)", left);
    char *sad = strdup(h_jstr(r.json, "SAD"));
    h_resp_free(&r);
    h_sleep_ms(3100); /* the approval was before the SAD was fetched */
    h_sign_hash(t1(), rsa1(), sad, SHA256_OID, d, 1, 32, SHA256_RSA, NULL, &r);
    H_EXPECT_ERROR(&r, 400, "invalid_sad");
    h_resp_free(&r);
    /* approved, but the SAD expired unused */
    h_check(t1(), a.handle, 0, &r);
    H_EXPECT_ERROR(&r, 400, "expired_token");
    h_resp_free(&r);
    free(sad);
    h_approval_free(&a);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(sad_reuse_is_invalid_sad_and_check_says_consumed),
        cmocka_unit_test(sad_with_other_hashes_is_invalid_sad_and_still_works_after),
        cmocka_unit_test(sad_for_another_credential_is_invalid_sad),
        cmocka_unit_test(unknown_sad_is_invalid_sad),
        cmocka_unit_test(sads_and_handles_are_not_stored_in_clear),
        /* restarts the server with other options */
        cmocka_unit_test(sad_ttl_3_sad_expires_and_is_invalid_sad),
    };
    return cmocka_run_group_tests_name("integration: SADs", tests, h_group_setup, teardown);
}
