/* The CSP core's signatures (and verification, randomness, the output
 * protocol, threads), through the fake backend (csp_core_fixture.h). Each
 * error path asserts the exact csp_code. */
#include "csp_core_fixture.h"

/* ---- signatures ---- */

static void verify_with_openssl(const uint8_t *sig_le, size_t n, alg_hash_id hid,
                                const uint8_t *digest, size_t dlen)
{
    uint8_t be[512];
    csp_reverse(be, sig_le, n);
    EVP_PKEY_CTX *c = EVP_PKEY_CTX_new(g_user_key, NULL);
    assert_non_null(c);
    assert_true(EVP_PKEY_verify_init(c) > 0);
    assert_true(EVP_PKEY_CTX_set_rsa_padding(c, RSA_PKCS1_PADDING) > 0);
    assert_true(EVP_PKEY_CTX_set_signature_md(c, md_of(hid)) > 0);
    assert_int_equal(EVP_PKEY_verify(c, be, n, digest, dlen), 1);
    EVP_PKEY_CTX_free(c);
}

static void test_sign_each_hash_little_endian_and_verify(void **state)
{
    static const struct {
        uint32_t alg;
        alg_hash_id hid;
    } A[] = {{CSP_CALG_SHA_256, CRPKI_HASH_SHA256},
             {CSP_CALG_SHA_384, CRPKI_HASH_SHA384},
             {CSP_CALG_SHA_512, CRPKI_HASH_SHA512}};
    uintptr_t p = acquire(NULL, 0), k;
    csp_status st;
    assert_int_equal(csp_get_user_key(p, CSP_AT_SIGNATURE, &k, &st), CSP_OK);
    for (size_t i = 0; i < sizeof(A) / sizeof(A[0]); i++) {
        uintptr_t h = hash_of(p, A[i].alg, "document");
        uint8_t sig[256], digest[64];
        uint32_t n = 0;
        int before = g_fake.signs;
        assert_int_equal(csp_sign_hash(p, h, CSP_AT_SIGNATURE, NULL, 0, NULL, &n, &st), CSP_OK);
        assert_int_equal(n, 256);
        n = 255;
        assert_int_equal(csp_sign_hash(p, h, CSP_AT_SIGNATURE, NULL, 0, sig, &n, &st),
                         CSP_E_MORE_DATA);
        assert_int_equal(n, 256);
        assert_int_equal(g_fake.signs, before); /* size rules never sign */
        assert_int_equal(csp_sign_hash(p, h, CSP_AT_SIGNATURE, NULL, 0, sig, &n, &st), CSP_OK);
        assert_int_equal(n, 256);
        assert_int_equal(g_fake.signs, before + 1);
        assert_int_equal(g_fake.last.hash, A[i].hid);
        assert_int_equal(g_fake.last.scheme, CRPKI_PAD_PKCS1);
        uint32_t dl = sizeof(digest);
        assert_int_equal(csp_get_hash_param(p, h, CSP_HP_HASHVAL, digest, &dl, 0, &st), CSP_OK);
        verify_with_openssl(sig, n, A[i].hid, digest, dl);
        assert_int_equal(csp_verify_signature(p, h, sig, n, k, 0, &st), CSP_OK);
        sig[100] ^= 1;
        assert_int_equal(csp_verify_signature(p, h, sig, n, k, 0, &st), CSP_E_BAD_SIGNATURE);
        assert_int_equal(csp_verify_signature(p, h, sig, n - 1, k, 0, &st), CSP_E_BAD_SIGNATURE);
        assert_int_equal(csp_verify_signature(p, h, NULL, n, k, 0, &st), CSP_E_INVALID_ARG);
        assert_int_equal(csp_verify_signature(p, h, sig, n, k, CSP_CRYPT_X931_FORMAT, &st),
                         CSP_E_BAD_FLAGS);
        assert_int_equal(csp_verify_signature(p, h, sig, n, h, 0, &st), CSP_E_BAD_KEY);
    }
    release(p);
}

static void test_verify_with_imported_public_key_and_hashval(void **state)
{
    uintptr_t p = acquire(ID_RSA, 0), k;
    csp_status st;
    assert_int_equal(csp_get_user_key(p, CSP_AT_SIGNATURE, &k, &st), CSP_OK);
    uint8_t blob[300], digest[32], sig[256];
    uint32_t bn = sizeof(blob), n = sizeof(sig);
    assert_int_equal(csp_export_key(p, k, 0, CSP_PUBLICKEYBLOB, 0, blob, &bn, &st), CSP_OK);
    /* HP_HASHVAL: the application hashed elsewhere */
    assert_int_equal(crypto_digest(CRPKI_HASH_SHA256, "elsewhere", 9, digest, sizeof(digest)),
                     CRPKI_OK);
    uintptr_t h;
    assert_int_equal(csp_create_hash(p, CSP_CALG_SHA_256, 0, 0, &h, &st), CSP_OK);
    assert_int_equal(csp_set_hash_param(p, h, CSP_HP_HASHVAL, digest, 32, 0, &st), CSP_OK);
    assert_int_equal(csp_sign_hash(p, h, CSP_AT_SIGNATURE, "contract.pdf", 0, sig, &n, &st),
                     CSP_OK);
    assert_memory_equal(g_fake.last_digest, digest, 32);
    assert_string_equal(g_fake.last_what, "contract.pdf");
    verify_with_openssl(sig, n, CRPKI_HASH_SHA256, digest, 32);
    /* in a verification context, with the key imported from the blob */
    uintptr_t q = acquire(NULL, CSP_CRYPT_VERIFYCONTEXT), v, hv;
    assert_int_equal(csp_import_key(q, blob, bn, 0, 0, &v, &st), CSP_OK);
    assert_int_equal(csp_create_hash(q, CSP_CALG_SHA_256, 0, 0, &hv, &st), CSP_OK);
    assert_int_equal(csp_hash_data(q, hv, (const uint8_t *)"elsewhere", 9, 0, &st), CSP_OK);
    assert_int_equal(csp_verify_signature(q, hv, sig, n, v, 0, &st), CSP_OK);
    /* a key of another context of this CSP verifies too (read-only use) */
    assert_int_equal(csp_verify_signature(p, h, sig, n, v, 0, &st), CSP_OK);
    uint32_t kn = sizeof(blob);
    assert_int_equal(csp_get_key_param(q, v, CSP_KP_ALGID, blob, &kn, 0, &st), CSP_OK);
    assert_int_equal(csp_get_u32le(blob), CSP_CALG_RSA_SIGN);
    release(q);
    release(p);
}

static void test_sign_refusals_never_reach_the_service(void **state)
{
    uintptr_t p = acquire(NULL, 0);
    csp_status st;
    uint8_t sig[256];
    uint32_t n = sizeof(sig);
    uintptr_t h = hash_of(p, CSP_CALG_SHA_256, "x");
    assert_int_equal(csp_sign_hash(p, h, CSP_AT_SIGNATURE, NULL, 0x100, sig, &n, &st),
                     CSP_E_BAD_FLAGS);
    assert_int_equal(csp_sign_hash(p, h, CSP_AT_SIGNATURE, NULL, CSP_CRYPT_NOHASHOID, sig, &n, &st),
                     CSP_E_BAD_FLAGS);
    assert_int_equal(csp_sign_hash(p, h, CSP_AT_KEYEXCHANGE, NULL, 0, sig, &n, &st), CSP_E_NO_KEY);
    assert_int_equal(csp_sign_hash(p, h, CSP_AT_SIGNATURE, NULL, 0, sig, NULL, &st),
                     CSP_E_INVALID_ARG);
    assert_int_equal(csp_sign_hash(p, 0, CSP_AT_SIGNATURE, NULL, 0, sig, &n, &st), CSP_E_BAD_HASH);
    uintptr_t m = hash_of(p, CSP_CALG_MD5, "x"), s3 = hash_of(p, CSP_CALG_SSL3_SHAMD5, "x");
    uintptr_t s1 = hash_of(p, CSP_CALG_SHA1, "x"); /* hashed, never signed */
    assert_int_equal(csp_sign_hash(p, s1, CSP_AT_SIGNATURE, NULL, 0, sig, &n, &st),
                     CSP_E_BAD_ALGID);
    assert_int_equal(csp_sign_hash(p, m, CSP_AT_SIGNATURE, NULL, 0, sig, &n, &st), CSP_E_BAD_ALGID);
    assert_int_equal(csp_sign_hash(p, s3, CSP_AT_SIGNATURE, NULL, 0, sig, &n, &st),
                     CSP_E_BAD_ALGID);
    assert_int_equal(g_fake.signs, 0);
    release(p);
}

static void test_sign_passes_silent_window_prompt_and_maps_outcomes(void **state)
{
    uintptr_t p = acquire(NULL, CSP_CRYPT_SILENT);
    csp_status st;
    uint8_t sig[256];
    uint32_t n = sizeof(sig);
    assert_int_equal(csp_set_prov_param(p, CSP_PP_CLIENT_HWND, (void *)0x4321, 0, &st), CSP_OK);
    assert_int_equal(csp_set_prov_param(p, CSP_PP_UI_PROMPT, "tax return", 0, &st), CSP_OK);
    uintptr_t h = hash_of(p, CSP_CALG_SHA_256, "x");
    g_fake.sign_err = CRPKI_E_SILENT;
    assert_int_equal(csp_sign_hash(p, h, CSP_AT_SIGNATURE, NULL, 0, sig, &n, &st), CSP_E_CORE);
    assert_int_equal(st.core, CRPKI_E_SILENT);
    assert_int_equal(g_fake.last_silent, 1);
    assert_ptr_equal(g_fake.last_window, (void *)0x4321);
    assert_string_equal(g_fake.last_what, "tax return");
    const crpki_err outcomes[] = {CRPKI_E_DENIED,    CRPKI_E_APPROVAL_EXPIRED,
                                  CRPKI_E_CANCELLED, CRPKI_E_DEADLINE,
                                  CRPKI_E_NETWORK,   CRPKI_E_NOT_LOGGED_IN};
    for (size_t i = 0; i < sizeof(outcomes) / sizeof(outcomes[0]); i++) {
        g_fake.sign_err = outcomes[i];
        n = sizeof(sig);
        assert_int_equal(csp_sign_hash(p, h, CSP_AT_SIGNATURE, NULL, 0, sig, &n, &st), CSP_E_CORE);
        assert_int_equal(st.core, outcomes[i]);
    }
    release(p);
    p = acquire(NULL, 0);
    h = hash_of(p, CSP_CALG_SHA_384, "y");
    g_fake.sign_err = CRPKI_OK;
    n = sizeof(sig);
    assert_int_equal(csp_sign_hash(p, h, CSP_AT_SIGNATURE, NULL, 0, sig, &n, &st), CSP_OK);
    assert_int_equal(g_fake.last_silent, 0);
    assert_null(g_fake.last_window);
    assert_string_equal(g_fake.last_what, "(null)");
    release(p);
}

static void *win_resolver(csp_fnptr raw)
{
    return (void *)0x777;
}

static void test_window_comes_from_the_vtable_resolver(void **state)
{
    csp_window_src w = {win_resolver, NULL};
    uintptr_t p = 0;
    csp_status st;
    assert_int_equal(csp_acquire_context(&p, NULL, 0, &w, &st), CSP_OK);
    uintptr_t h = hash_of(p, CSP_CALG_SHA_256, "x");
    uint8_t sig[256];
    uint32_t n = sizeof(sig);
    assert_int_equal(csp_sign_hash(p, h, CSP_AT_SIGNATURE, NULL, 0, sig, &n, &st), CSP_OK);
    assert_ptr_equal(g_fake.last_window, (void *)0x777);
    release(p);
}

static void test_random_and_unsupported(void **state)
{
    uintptr_t p = acquire(NULL, CSP_CRYPT_VERIFYCONTEXT);
    csp_status st;
    uint8_t a[32] = {0}, b[32] = {0};
    assert_int_equal(csp_gen_random(p, 32, a, &st), CSP_OK);
    assert_int_equal(csp_gen_random(p, 32, b, &st), CSP_OK);
    assert_memory_not_equal(a, b, 32);
    assert_int_equal(csp_gen_random(p, 0, NULL, &st), CSP_OK);
    assert_int_equal(csp_gen_random(p, 4, NULL, &st), CSP_E_INVALID_ARG);
    assert_int_equal(csp_unsupported("CPGenKey", &st), CSP_E_NOT_SUPPORTED);
    assert_non_null(strstr(st.why, "CPGenKey"));
    release(p);
}

static void test_out_protocol_helper(void **state)
{
    csp_status st;
    uint8_t b[8];
    uint32_t n = 0;
    int fits;
    assert_int_equal(csp_out_check(6, NULL, &n, &fits, &st), CSP_OK);
    assert_int_equal(n, 6);
    assert_int_equal(fits, 0);
    n = 5;
    assert_int_equal(csp_out_bytes("abcdef", 6, b, &n, &st), CSP_E_MORE_DATA);
    assert_int_equal(n, 6);
    n = 8;
    assert_int_equal(csp_out_bytes("abcdef", 6, b, &n, &st), CSP_OK);
    assert_int_equal(n, 6);
    assert_memory_equal(b, "abcdef", 6);
    assert_int_equal(csp_out_u32(1, b, NULL, &st), CSP_E_INVALID_ARG);
    uint8_t r[5] = {1, 2, 3, 4, 5};
    csp_reverse(r, r, 5);
    assert_memory_equal(r, "\5\4\3\2\1", 5);
}

/* ---- threads ---- */

static uintptr_t g_shared_prov, g_shared_hash;

static void worker(void *arg)
{
    csp_status st;
    uint8_t v[32];
    for (int i = 0; i < 200; i++) {
        uintptr_t p = 0, h = 0, d = 0;
        if (csp_acquire_context(&p, NULL, CSP_CRYPT_VERIFYCONTEXT, NULL, &st) != CSP_OK)
            continue;
        if (csp_create_hash(p, CSP_CALG_SHA_256, 0, 0, &h, &st) == CSP_OK) {
            csp_hash_data(p, h, (const uint8_t *)"x", 1, 0, &st);
            csp_duplicate_hash(p, h, NULL, 0, &d, &st);
            uint32_t n = sizeof(v);
            csp_get_hash_param(p, d, CSP_HP_HASHVAL, v, &n, 0, &st);
        }
        /* the shared hash may be gone at any moment: an error, never a crash */
        csp_hash_data(g_shared_prov, g_shared_hash, (const uint8_t *)"y", 1, 0, &st);
        csp_release_context(p, 0, &st);
    }
}

static void test_threads_share_the_handle_table(void **state)
{
    g_shared_prov = acquire(NULL, CSP_CRYPT_VERIFYCONTEXT);
    g_shared_hash = hash_of(g_shared_prov, CSP_CALG_SHA1, "shared");
    plat_thread *t[4];
    for (int i = 0; i < 4; i++)
        t[i] = plat_thread_start(worker, NULL);
    plat_sleep_ms(5);
    csp_status st;
    assert_int_equal(csp_destroy_hash(g_shared_prov, g_shared_hash, &st), CSP_OK);
    for (int i = 0; i < 4; i++)
        plat_thread_join(t[i]);
    release(g_shared_prov);
}

static const struct CMUnitTest tests[] = {
    T(test_sign_each_hash_little_endian_and_verify),
    T(test_verify_with_imported_public_key_and_hashval),
    T(test_sign_refusals_never_reach_the_service),
    T(test_sign_passes_silent_window_prompt_and_maps_outcomes),
    T(test_window_comes_from_the_vtable_resolver),
    T(test_random_and_unsupported),
    T(test_out_protocol_helper),
    T(test_threads_share_the_handle_table),
};

CSP_FIXTURE_MAIN(tests)
