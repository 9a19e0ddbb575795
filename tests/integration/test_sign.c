/* The signing path end to end: authorize -> approval code typed in the app
 * (crpki-rsspd approve) -> authorizeCheck -> signHash, for every key type,
 * hash and signature scheme; every signature is verified with OpenSSL
 * against the issued certificate. docs/protocol.md "signatures/signHash". */
#include "harness.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static h_tokens tok;

static int teardown(void **state)
{
    h_tokens_free(&tok);
    return h_group_teardown(state);
}

static const char *bearer(void)
{
    if (!tok.access)
        h_login_ok("user1", &tok);
    return tok.access;
}

static const alg_hash_id HASHES[] = {CRPKI_HASH_SHA1, CRPKI_HASH_SHA256, CRPKI_HASH_SHA384,
                                     CRPKI_HASH_SHA512};

/* The key's signAlgo that implies hash (sha256WithRSAEncryption, ...). */
static const char *implied_algo(alg_key_type kt, alg_hash_id hash)
{
    for (const char *const *o = alg_sigalgs_for_key(kt); *o; o++) {
        const alg_sigalg_info *si = alg_sigalg_by_oid(*o);
        if (si && si->hash == hash)
            return si->oid;
    }
    return NULL;
}

static const h_cred *cred_of(const char *user, alg_key_type kt, unsigned bits)
{
    const h_user *u = h_user_by_id(user);
    for (size_t i = 0; u && i < u->ncreds; i++)
        if (u->creds[i].key_type == kt && u->creds[i].key_bits == bits)
            return &u->creds[i];
    fail_msg("sim.json: %s has no %s-%u credential", user, kt == CRPKI_KEY_RSA ? "RSA" : "EC",
             bits);
    return NULL;
}

static int g_signatures; /* made in this program, for the audit test */
static int g_verified;   /* checked with OpenSSL */

/* One signature of a fresh random hash; verified against cert. */
static void sign_and_verify(const char *tokn, const h_cred *c, X509 *cert, alg_hash_id hash,
                            const char *algo, alg_sig_scheme scheme)
{
    const alg_hash_info *h = alg_hash_by_id(hash);
    uint8_t digest[64];
    h_random(digest, h->len);
    char *params = NULL;
    if (scheme == CRPKI_PAD_PSS)
        params = h_pss_params_b64(hash, (unsigned)h->len);
    uint8_t *sig = NULL;
    size_t sl = 0;
    h_sign_flow_ok(tokn, c->id, hash, algo, params, digest, 1, &sig, &sl, NULL);
    g_signatures++;
    if (c->key_type == CRPKI_KEY_RSA && sl != c->key_bits / 8)
        fail_msg("%s %s %s: RSA signature of %zu bytes, want the modulus length %u", c->id, h->name,
                 algo, sl, c->key_bits / 8);
    if (!h_verify_sig(cert, scheme, hash, (unsigned)h->len, digest, h->len, sig, sl))
        fail_msg("%s (%s-%u) %s signAlgo %s: signature does not verify", c->id,
                 c->key_type == CRPKI_KEY_RSA ? "RSA" : "EC", c->key_bits, h->name, algo);
    g_verified++;
    /* negative controls: the verifier is not vacuous */
    digest[0] ^= 1;
    if (h_verify_sig(cert, scheme, hash, (unsigned)h->len, digest, h->len, sig, sl))
        fail_msg("harness: a signature verified over another hash");
    digest[0] ^= 1;
    sig[sl / 2] ^= 0x10;
    if (h_verify_sig(cert, scheme, hash, (unsigned)h->len, digest, h->len, sig, sl))
        fail_msg("harness: a corrupted signature verified");
    if (scheme == CRPKI_PAD_PSS && h->len != 32) {
        sig[sl / 2] ^= 0x10;
        /* and PSS was really made with salt = hash length */
        if (h_verify_sig(cert, scheme, hash, 32, digest, h->len, sig, sl))
            fail_msg("harness: a PSS signature verified with another salt length");
    }
    free(sig);
    free(params);
}

static void sign_every_hash_and_scheme(const h_cred *c)
{
    const char *t = bearer();
    X509 *cert = h_cred_cert_ok(t, c);
    if (!h_verify_chain(cert))
        fail_msg("certificate of %s does not chain to the registrar CA", c->id);
    for (size_t i = 0; i < sizeof HASHES / sizeof HASHES[0]; i++) {
        if (c->key_type == CRPKI_KEY_RSA) {
            sign_and_verify(t, c, cert, HASHES[i], CRPKI_OID_RSA_ENCRYPTION, CRPKI_PAD_PKCS1);
            sign_and_verify(t, c, cert, HASHES[i], implied_algo(CRPKI_KEY_RSA, HASHES[i]),
                            CRPKI_PAD_PKCS1);
            sign_and_verify(t, c, cert, HASHES[i], CRPKI_OID_RSASSA_PSS, CRPKI_PAD_PSS);
        } else {
            sign_and_verify(t, c, cert, HASHES[i], CRPKI_OID_EC_PUBLIC_KEY, CRPKI_PAD_ECDSA);
            sign_and_verify(t, c, cert, HASHES[i], implied_algo(CRPKI_KEY_EC, HASHES[i]),
                            CRPKI_PAD_ECDSA);
        }
    }
    X509_free(cert);
}

static void rsa2048_every_hash_pkcs1_and_pss_signatures_verify(void **state)
{
    (void)state;
    sign_every_hash_and_scheme(cred_of("user1", CRPKI_KEY_RSA, 2048));
}

static void rsa3072_every_hash_pkcs1_and_pss_signatures_verify(void **state)
{
    (void)state;
    sign_every_hash_and_scheme(cred_of("user1", CRPKI_KEY_RSA, 3072));
}

static void p256_every_hash_ecdsa_signatures_verify(void **state)
{
    (void)state;
    sign_every_hash_and_scheme(cred_of("user1", CRPKI_KEY_EC, 256));
}

static void user2_rsa2048_signature_verifies(void **state)
{
    (void)state;
    h_tokens t2;
    h_login_ok("user2", &t2);
    const h_cred *c = cred_of("user2", CRPKI_KEY_RSA, 2048);
    X509 *cert = h_cred_cert_ok(t2.access, c);
    sign_and_verify(t2.access, c, cert, CRPKI_HASH_SHA256, CRPKI_OID_RSA_ENCRYPTION,
                    CRPKI_PAD_PKCS1);
    X509_free(cert);
    h_tokens_free(&t2);
}

static void pss_with_salt_zero_verifies(void **state)
{
    (void)state;
    const char *t = bearer();
    const h_cred *c = cred_of("user1", CRPKI_KEY_RSA, 2048);
    X509 *cert = h_cred_cert_ok(t, c);
    uint8_t digest[32];
    h_random(digest, sizeof digest);
    char *params = h_pss_params_b64(CRPKI_HASH_SHA256, 0);
    uint8_t *sig;
    size_t sl;
    h_sign_flow_ok(t, c->id, CRPKI_HASH_SHA256, CRPKI_OID_RSASSA_PSS, params, digest, 1, &sig, &sl,
                   NULL);
    g_signatures++;
    assert_true(h_verify_sig(cert, CRPKI_PAD_PSS, CRPKI_HASH_SHA256, 0, digest, 32, sig, sl));
    free(sig);
    free(params);
    X509_free(cert);
}

static void signhash_without_hash_oid_when_signalgo_implies_it_verifies(void **state)
{
    (void)state;
    const char *t = bearer();
    const h_cred *c = cred_of("user1", CRPKI_KEY_EC, 256);
    X509 *cert = h_cred_cert_ok(t, c);
    const alg_hash_info *h = alg_hash_by_id(CRPKI_HASH_SHA384);
    uint8_t digest[48];
    h_random(digest, sizeof digest);
    h_approval a;
    h_authorize_ok(t, c->id, h->oid, digest, 1, h->len, &a);
    assert_int_equal(h_approve(a.code), 0);
    char *sad = h_wait_sad_ok(t, a.handle);
    h_resp r;
    h_sign_hash(t, c->id, sad, NULL, digest, 1, h->len, "1.2.840.10045.4.3.3", NULL, &r);
    H_EXPECT_STATUS(&r, 200);
    g_signatures++;
    uint8_t *sig;
    size_t sl;
    h_resp_signatures_ok(&r, 1, &sig, &sl);
    if (!h_verify_sig(cert, CRPKI_PAD_ECDSA, CRPKI_HASH_SHA384, 0, digest, 48, sig, sl))
        fail_msg("ecdsa-with-SHA384 without hashAlgorithmOID: signature does not verify");
    free(sig);
    h_resp_free(&r);
    free(sad);
    h_approval_free(&a);
    X509_free(cert);
}

static char *g_batch_handle;
static const h_cred *g_batch_cred;
static uint8_t g_batch_digests[5 * 32];

static void batch_of_five_in_one_approval_all_verify(void **state)
{
    (void)state;
    const char *t = bearer();
    const h_cred *c = cred_of("user1", CRPKI_KEY_RSA, 3072);
    X509 *cert = h_cred_cert_ok(t, c);
    uint8_t *digests = g_batch_digests;
    h_random(digests, sizeof g_batch_digests);
    uint8_t *sigs[5];
    size_t lens[5];
    h_sign_flow_ok(t, c->id, CRPKI_HASH_SHA256, "1.2.840.113549.1.1.11", NULL, digests, 5, sigs,
                   lens, &g_batch_handle);
    g_signatures += 5;
    g_batch_cred = c;
    for (size_t i = 0; i < 5; i++) {
        if (!h_verify_sig(cert, CRPKI_PAD_PKCS1, CRPKI_HASH_SHA256, 0, digests + i * 32, 32,
                          sigs[i], lens[i]))
            fail_msg("batch signature %zu does not verify over hash %zu (order kept?)", i, i);
        free(sigs[i]);
    }
    X509_free(cert);
}

static void audit_json_lists_every_signature(void **state)
{
    (void)state;
    if (!g_batch_handle)
        skip();
    cJSON *j = h_audit_json();
    if (!j)
        fail_msg("crpki-rsspd audit --json did not print JSON");
    const cJSON *arr;
    int n = h_json_records(j, &arr);
    print_message("%d signatures made, %d verified one by one with OpenSSL\n", g_signatures,
                  g_verified);
    if (n < g_signatures)
        fail_msg("audit --json has %d records, this test made %d signatures", n, g_signatures);
    if (!cJSON_IsArray(j))
        fail_msg("audit --json is not an array");
    int batch = 0;
    const cJSON *e;
    cJSON_ArrayForEach(e, arr)
    {
        static const char *const fields[] = {
            "id",   "time",     "user",       "credentialID",   "hashAlgorithmOID",
            "hash", "signAlgo", "approvalId", "approvalHandle", "approvalCode"};
        for (size_t f = 0; f < sizeof fields / sizeof fields[0]; f++)
            if (!cJSON_GetObjectItemCaseSensitive(e, fields[f]))
                fail_msg("audit record without %s: %s", fields[f], cJSON_PrintUnformatted(e));
        const char *tm = h_jstr(e, "time");
        /* ISO 8601 UTC: 2026-11-21T14:46:48Z (fractions allowed) */
        if (!tm || strlen(tm) < 20 || tm[4] != '-' || tm[7] != '-' || tm[10] != 'T' ||
            tm[13] != ':' || tm[16] != ':' || tm[strlen(tm) - 1] != 'Z')
            fail_msg("audit time \"%s\" is not ISO 8601 UTC", tm ? tm : "(none)");
        const char *handle = h_jstr(e, "approvalHandle");
        if (handle && strcmp(handle, g_batch_handle) == 0) {
            batch++;
            assert_string_equal(h_jstr(e, "credentialID"), g_batch_cred->id);
            assert_string_equal(h_jstr(e, "user"), "user1");
            assert_string_equal(h_jstr(e, "hashAlgorithmOID"), "2.16.840.1.101.3.4.2.1");
            assert_string_equal(h_jstr(e, "signAlgo"), "1.2.840.113549.1.1.11");
            if (!h_json_has_string(e, g_batch_cred->id))
                fail_msg("audit record of the batch does not name credential %s", g_batch_cred->id);
            if (!h_json_has_string(e, "user1"))
                fail_msg("audit record of the batch does not name user1");
            if (!h_json_has_string(e, "1.2.840.113549.1.1.11"))
                fail_msg("audit record of the batch does not name the signAlgo");
            int hash_found = 0;
            for (int i = 0; i < 5; i++) {
                char *b = base64_encode_alloc(g_batch_digests + 32 * i, 32);
                hash_found += h_json_has_string(e, b);
                free(b);
            }
            if (hash_found != 1)
                fail_msg("audit record of the batch does not name one of its hashes (base64)");
        }
    }
    if (batch != 5) {
        char *s = cJSON_Print(j);
        fail_msg("audit --json: %d records of approval %s, want 5:\n%.2000s", batch, g_batch_handle,
                 s);
    }
    cJSON_Delete(j);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(rsa2048_every_hash_pkcs1_and_pss_signatures_verify),
        cmocka_unit_test(rsa3072_every_hash_pkcs1_and_pss_signatures_verify),
        cmocka_unit_test(p256_every_hash_ecdsa_signatures_verify),
        cmocka_unit_test(user2_rsa2048_signature_verifies),
        cmocka_unit_test(pss_with_salt_zero_verifies),
        cmocka_unit_test(signhash_without_hash_oid_when_signalgo_implies_it_verifies),
        cmocka_unit_test(batch_of_five_in_one_approval_all_verify),
        cmocka_unit_test(audit_json_lists_every_signature),
    };
    return cmocka_run_group_tests_name("integration: signing", tests, h_group_setup, teardown);
}
