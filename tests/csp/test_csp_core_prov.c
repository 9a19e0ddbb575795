/* The CSP core's contexts and provider parameters, through the fake backend
 * (csp_core_fixture.h). Each error path asserts the exact csp_code. */
#include "csp_core_fixture.h"

/* ---- contexts ---- */

static void test_acquire_default_container_is_the_catalog_default(void **state)
{
    uintptr_t p = acquire(NULL, 0);
    uint8_t buf[64];
    uint32_t n = sizeof(buf);
    csp_status st;
    assert_int_equal(csp_get_prov_param(p, CSP_PP_CONTAINER, buf, &n, 0, &st), CSP_OK);
    assert_string_equal((char *)buf, ID_RSA);
    assert_int_equal(n, strlen(ID_RSA) + 1);
    release(p);
    p = acquire("", 0);
    release(p);
    p = acquire(ID_RSA, CSP_CRYPT_SILENT | CSP_CRYPT_MACHINE_KEYSET);
    release(p);
}

static void test_acquire_flag_rules_give_the_documented_codes(void **state)
{
    assert_int_equal(acquire_code("no-such-credential", 0), CSP_E_BAD_KEYSET);
    assert_int_equal(acquire_code(ID_EC, 0), CSP_E_BAD_KEYSET); /* PROV_RSA_FULL: RSA only */
    assert_int_equal(acquire_code(ID_RSA, CSP_CRYPT_VERIFYCONTEXT), CSP_E_BAD_FLAGS);
    assert_int_equal(acquire_code(ID_RSA, CSP_CRYPT_NEWKEYSET), CSP_E_EXISTS);
    assert_int_equal(acquire_code(NULL, CSP_CRYPT_NEWKEYSET), CSP_E_EXISTS);
    assert_int_equal(acquire_code("new-one", CSP_CRYPT_NEWKEYSET), CSP_E_BAD_FLAGS);
    assert_int_equal(acquire_code("no-such", CSP_CRYPT_DELETEKEYSET), CSP_E_BAD_KEYSET);
    assert_int_equal(acquire_code(ID_RSA, CSP_CRYPT_DELETEKEYSET), CSP_E_BAD_FLAGS);
    assert_int_equal(acquire_code(NULL, CSP_CRYPT_DELETEKEYSET | CSP_CRYPT_NEWKEYSET),
                     CSP_E_BAD_FLAGS);
    assert_int_equal(acquire_code(NULL, 0x10000000u), CSP_E_BAD_FLAGS); /* part of VERIFYCONTEXT */
    assert_int_equal(acquire_code(NULL, 0x00000100u), CSP_E_BAD_FLAGS);
    assert_int_equal(acquire_code(NULL, CSP_CRYPT_VERIFYCONTEXT), CSP_OK);
    assert_int_equal(acquire_code("", CSP_CRYPT_VERIFYCONTEXT | CSP_CRYPT_NEWKEYSET), CSP_OK);
    assert_int_equal(acquire_code(NULL, CSP_CRYPT_DEFAULT_CONTAINER_OPTIONAL), CSP_OK);
    csp_status st;
    assert_int_equal(csp_acquire_context(NULL, NULL, 0, NULL, &st), CSP_E_INVALID_ARG);
}

static void test_release_twice_or_forged_is_bad_uid(void **state)
{
    uintptr_t p = acquire(NULL, 0);
    csp_status st;
    assert_int_equal(csp_release_context(p, 1, &st), CSP_E_BAD_FLAGS); /* released anyway */
    assert_int_equal(csp_release_context(p, 0, &st), CSP_E_BAD_UID);
    assert_int_equal(csp_release_context(0, 0, &st), CSP_E_BAD_UID);
    assert_int_equal(csp_release_context(0xdeadbeefu, 0, &st), CSP_E_BAD_UID);
    assert_int_equal(csp_release_context(p ^ 1u, 0, &st), CSP_E_BAD_UID);
}

static void test_stale_and_wrong_kind_handles_are_refused_everywhere(void **state)
{
    uintptr_t p = acquire(NULL, 0), h = hash_of(p, CSP_CALG_SHA_256, "x"), k = 0;
    csp_status st;
    assert_int_equal(csp_get_user_key(p, CSP_AT_SIGNATURE, &k, &st), CSP_OK);
    uint8_t buf[512];
    uint32_t n = sizeof(buf);
    /* a hash handle where a provider is expected, and the other way */
    assert_int_equal(csp_get_prov_param(h, CSP_PP_NAME, buf, &n, 0, &st), CSP_E_BAD_UID);
    assert_int_equal(csp_hash_data(p, p, buf, 1, 0, &st), CSP_E_BAD_HASH);
    assert_int_equal(csp_hash_data(p, k, buf, 1, 0, &st), CSP_E_BAD_HASH);
    assert_int_equal(csp_get_key_param(p, h, CSP_KP_ALGID, buf, &n, 0, &st), CSP_E_BAD_KEY);
    /* a hash of another context is foreign */
    uintptr_t p2 = acquire(NULL, CSP_CRYPT_VERIFYCONTEXT);
    assert_int_equal(csp_hash_data(p2, h, buf, 1, 0, &st), CSP_E_BAD_HASH);
    assert_int_equal(csp_get_key_param(p2, k, CSP_KP_ALGID, buf, &n, 0, &st), CSP_E_BAD_KEY);
    n = sizeof(buf);
    assert_int_equal(csp_sign_hash(p2, h, CSP_AT_SIGNATURE, NULL, 0, buf, &n, &st), CSP_E_NO_KEY);
    /* destroyed objects */
    assert_int_equal(csp_destroy_hash(p, h, &st), CSP_OK);
    assert_int_equal(csp_destroy_hash(p, h, &st), CSP_E_BAD_HASH);
    assert_int_equal(csp_hash_data(p, h, buf, 1, 0, &st), CSP_E_BAD_HASH);
    n = sizeof(buf);
    assert_int_equal(csp_get_hash_param(p, h, CSP_HP_HASHVAL, buf, &n, 0, &st), CSP_E_BAD_HASH);
    assert_int_equal(csp_destroy_key(p, k, &st), CSP_OK);
    assert_int_equal(csp_destroy_key(p, k, &st), CSP_E_BAD_KEY);
    n = sizeof(buf);
    assert_int_equal(csp_export_key(p, k, 0, CSP_PUBLICKEYBLOB, 0, buf, &n, &st), CSP_E_BAD_KEY);
    /* a released provider */
    release(p);
    release(p2);
    n = sizeof(buf);
    assert_int_equal(csp_get_prov_param(p, CSP_PP_NAME, buf, &n, 0, &st), CSP_E_BAD_UID);
    uintptr_t h2;
    assert_int_equal(csp_create_hash(p, CSP_CALG_SHA1, 0, 0, &h2, &st), CSP_E_BAD_UID);
    assert_int_equal(csp_get_user_key(p, CSP_AT_SIGNATURE, &k, &st), CSP_E_BAD_UID);
    assert_int_equal(csp_gen_random(p, 4, buf, &st), CSP_E_BAD_UID);
    assert_int_equal(csp_set_prov_param(p, CSP_PP_UI_PROMPT, "x", 0, &st), CSP_E_BAD_UID);
    assert_int_equal(csp_import_key(p, buf, 20, 0, 0, &k, &st), CSP_E_BAD_UID);
    n = sizeof(buf);
    assert_int_equal(csp_sign_hash(p, h, CSP_AT_SIGNATURE, NULL, 0, buf, &n, &st), CSP_E_BAD_UID);
}

static void test_release_destroys_what_the_context_owns(void **state)
{
    uintptr_t p = acquire(NULL, 0), k;
    csp_status st;
    hash_of(p, CSP_CALG_SHA1, "a");
    hash_of(p, CSP_CALG_SSL3_SHAMD5, "b");
    assert_int_equal(csp_get_user_key(p, CSP_AT_SIGNATURE, &k, &st), CSP_OK);
    assert_int_equal(csp_handle_live(CSP_KIND_HASH), 2);
    assert_int_equal(csp_handle_live(CSP_KIND_KEY), 1);
    release(p); /* check_no_leak verifies nothing is left */
}

/* ---- provider parameters ---- */

static void test_prov_params_follow_the_size_protocol(void **state)
{
    uintptr_t p = acquire(NULL, 0);
    csp_status st;
    uint8_t buf[128];
    uint32_t n = 0;
    assert_int_equal(csp_get_prov_param(p, CSP_PP_NAME, NULL, &n, 0, &st), CSP_OK);
    assert_int_equal(n, sizeof(CSP_PROV_NAME));
    n = 5;
    assert_int_equal(csp_get_prov_param(p, CSP_PP_NAME, buf, &n, 0, &st), CSP_E_MORE_DATA);
    assert_int_equal(n, sizeof(CSP_PROV_NAME));
    n = sizeof(buf);
    assert_int_equal(csp_get_prov_param(p, CSP_PP_NAME, buf, &n, 0, &st), CSP_OK);
    assert_string_equal((char *)buf, CSP_PROV_NAME);
    const struct {
        uint32_t param, value;
    } dwords[] = {{CSP_PP_VERSION, CSP_PROV_VERSION},
                  {CSP_PP_IMPTYPE, CSP_CRYPT_IMPL_MIXED},
                  {CSP_PP_PROVTYPE, CSP_PROV_RSA_FULL},
                  {CSP_PP_KEYSPEC, CSP_AT_SIGNATURE}};
    for (size_t i = 0; i < sizeof(dwords) / sizeof(dwords[0]); i++) {
        n = 3;
        assert_int_equal(csp_get_prov_param(p, dwords[i].param, buf, &n, 0, &st), CSP_E_MORE_DATA);
        assert_int_equal(n, 4);
        assert_int_equal(csp_get_prov_param(p, dwords[i].param, buf, &n, 0, &st), CSP_OK);
        assert_int_equal(csp_get_u32le(buf), dwords[i].value);
    }
    n = sizeof(buf);
    assert_int_equal(csp_get_prov_param(p, CSP_PP_UNIQUE_CONTAINER, buf, &n, 0, &st), CSP_OK);
    assert_string_equal((char *)buf, ID_RSA);
    n = sizeof(buf);
    assert_int_equal(csp_get_prov_param(p, 9999, buf, &n, 0, &st), CSP_E_BAD_TYPE);
    assert_int_equal(csp_get_prov_param(p, CSP_PP_USER_CERTSTORE, buf, &n, 0, &st),
                     CSP_E_BAD_TYPE); /* a Windows object: the shim builds it */
    assert_int_equal(csp_get_prov_param(p, CSP_PP_NAME, buf, &n, CSP_CRYPT_FIRST, &st),
                     CSP_E_BAD_FLAGS);
    assert_int_equal(csp_get_prov_param(p, CSP_PP_NAME, buf, NULL, 0, &st), CSP_E_INVALID_ARG);
    release(p);
    p = acquire(NULL, CSP_CRYPT_VERIFYCONTEXT);
    n = sizeof(buf);
    assert_int_equal(csp_get_prov_param(p, CSP_PP_CONTAINER, buf, &n, 0, &st), CSP_OK);
    assert_string_equal((char *)buf, "");
    release(p);
}

static void test_enum_containers_lists_rsa_keys_then_no_more_items(void **state)
{
    uintptr_t p = acquire(NULL, CSP_CRYPT_VERIFYCONTEXT);
    csp_status st;
    uint8_t buf[128];
    uint32_t n = 0;
    assert_int_equal(csp_get_prov_param(p, CSP_PP_ENUMCONTAINERS, NULL, &n, CSP_CRYPT_FIRST, &st),
                     CSP_OK);
    assert_int_equal(n, strlen(ID_RSA) + 1);
    n = 2;
    assert_int_equal(csp_get_prov_param(p, CSP_PP_ENUMCONTAINERS, buf, &n, 0, &st),
                     CSP_E_MORE_DATA);
    n = sizeof(buf);
    assert_int_equal(csp_get_prov_param(p, CSP_PP_ENUMCONTAINERS, buf, &n, 0, &st), CSP_OK);
    assert_string_equal((char *)buf, ID_RSA); /* the EC key is skipped */
    n = sizeof(buf);
    assert_int_equal(csp_get_prov_param(p, CSP_PP_ENUMCONTAINERS, buf, &n, 0, &st),
                     CSP_E_NO_MORE_ITEMS);
    n = sizeof(buf);
    assert_int_equal(csp_get_prov_param(p, CSP_PP_ENUMCONTAINERS, buf, &n, CSP_CRYPT_FIRST, &st),
                     CSP_OK);
    assert_string_equal((char *)buf, ID_RSA);
    assert_int_equal(csp_get_prov_param(p, CSP_PP_ENUMCONTAINERS, buf, &n, 0x100, &st),
                     CSP_E_BAD_FLAGS);
    release(p);
}

static void test_enum_algs_layouts_and_cursor(void **state)
{
    uintptr_t p = acquire(NULL, 0);
    csp_status st;
    uint8_t b[CSP_ENUMALGS_EX_SIZE];
    uint32_t n = 0;
    assert_int_equal(csp_get_prov_param(p, CSP_PP_ENUMALGS, NULL, &n, CSP_CRYPT_FIRST, &st),
                     CSP_OK);
    assert_int_equal(n, CSP_ENUMALGS_SIZE);
    n = 4;
    assert_int_equal(csp_get_prov_param(p, CSP_PP_ENUMALGS, b, &n, 0, &st), CSP_E_MORE_DATA);
    int seen_sha256 = 0, seen_rsa = 0, count = 0;
    for (;;) {
        n = sizeof(b);
        csp_code c = csp_get_prov_param(p, CSP_PP_ENUMALGS, b, &n, 0, &st);
        if (c == CSP_E_NO_MORE_ITEMS)
            break;
        assert_int_equal(c, CSP_OK);
        assert_int_equal(n, CSP_ENUMALGS_SIZE);
        count++;
        uint32_t alg = csp_get_u32le(b), namelen = csp_get_u32le(b + 8);
        assert_int_equal(strlen((char *)b + 12) + 1, namelen);
        if (alg == CSP_CALG_SHA_256) {
            seen_sha256 = 1;
            assert_int_equal(csp_get_u32le(b + 4), 256);
            assert_string_equal((char *)b + 12, "SHA-256");
        }
        if (alg == CSP_CALG_RSA_SIGN) {
            seen_rsa = 1;
            assert_int_equal(csp_get_u32le(b + 4), 2048); /* the context's key */
        }
    }
    assert_int_equal(count, 7);
    assert_true(seen_sha256 && seen_rsa);
    n = sizeof(b);
    assert_int_equal(csp_get_prov_param(p, CSP_PP_ENUMALGS_EX, b, &n, CSP_CRYPT_FIRST, &st),
                     CSP_OK);
    assert_int_equal(n, CSP_ENUMALGS_EX_SIZE);
    assert_int_equal(csp_get_u32le(b), CSP_CALG_SHA1);
    assert_int_equal(csp_get_u32le(b + 16), 0); /* SHA-1 hashes and verifies, never signs */
    assert_int_equal(csp_get_u32le(b + 20), 6);
    assert_string_equal((char *)b + 24, "SHA-1");
    assert_int_equal(csp_get_u32le(b + 44), strlen("Secure Hash Algorithm (SHA-1)") + 1);
    assert_string_equal((char *)b + 48, "Secure Hash Algorithm (SHA-1)");
    release(p);
}

static void test_set_prov_param_takes_window_and_prompt_only(void **state)
{
    uintptr_t p = acquire(NULL, 0);
    csp_status st;
    assert_int_equal(csp_set_prov_param(p, CSP_PP_CLIENT_HWND, (void *)0x1234, 0, &st), CSP_OK);
    assert_int_equal(csp_set_prov_param(p, CSP_PP_UI_PROMPT, "invoice 42", 0, &st), CSP_OK);
    assert_int_equal(csp_set_prov_param(p, CSP_PP_UI_PROMPT, "x", 1, &st), CSP_E_BAD_FLAGS);
    assert_int_equal(csp_set_prov_param(p, 33 /* PP_SIGNATURE_PIN */, "0000", 0, &st),
                     CSP_E_BAD_TYPE);
    release(p);
}

static void test_prov_certs_give_user_and_registrar_ca(void **state)
{
    uintptr_t p = acquire(NULL, 0);
    csp_status st;
    csp_cert_set s;
    assert_int_equal(csp_prov_certs(p, 0, &s, &st), CSP_OK);
    assert_int_equal(s.n, 2);
    assert_memory_equal(s.v[0].der, g_user_der, g_user_len);
    assert_string_equal(s.v[0].container, ID_RSA);
    assert_memory_equal(s.v[1].der, g_ca_der, g_ca_len);
    assert_null(s.v[1].container);
    csp_cert_set_free(&s);
    assert_int_equal(csp_prov_certs(p, 1, &s, &st), CSP_OK);
    assert_int_equal(s.n, 1);
    assert_memory_equal(s.v[0].der, g_ca_der, g_ca_len);
    csp_cert_set_free(&s);
    release(p);
    p = acquire(NULL, CSP_CRYPT_VERIFYCONTEXT);
    assert_int_equal(csp_prov_certs(p, 0, &s, &st), CSP_OK); /* every RSA key, CA once */
    assert_int_equal(s.n, 2);
    csp_cert_set_free(&s);
    release(p);
    assert_int_equal(csp_prov_certs(p, 0, &s, &st), CSP_E_BAD_UID);
}

static const struct CMUnitTest tests[] = {
    T(test_acquire_default_container_is_the_catalog_default),
    T(test_acquire_flag_rules_give_the_documented_codes),
    T(test_release_twice_or_forged_is_bad_uid),
    T(test_stale_and_wrong_kind_handles_are_refused_everywhere),
    T(test_release_destroys_what_the_context_owns),
    T(test_prov_params_follow_the_size_protocol),
    T(test_enum_containers_lists_rsa_keys_then_no_more_items),
    T(test_enum_algs_layouts_and_cursor),
    T(test_set_prov_param_takes_window_and_prompt_only),
    T(test_prov_certs_give_user_and_registrar_ca),
};

CSP_FIXTURE_MAIN(tests)
