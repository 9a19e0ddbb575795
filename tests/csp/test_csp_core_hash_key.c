/* The CSP core's hashes and keys, through the fake backend
 * (csp_core_fixture.h). Each error path asserts the exact csp_code. */
#include "csp_core_fixture.h"

/* ---- hashes ---- */

static void test_hash_vectors_for_every_algorithm(void **state)
{
    static const struct {
        uint32_t alg;
        const char *hex;
    } V[] = {
        {CSP_CALG_MD5, "900150983cd24fb0d6963f7d28e17f72"},
        {CSP_CALG_SHA1, "a9993e364706816aba3e25717850c26c9cd0d89d"},
        {CSP_CALG_SHA_256, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"},
        {CSP_CALG_SHA_384,
         "cb00753f45a35e8bb5a03d699ac65007272c32ab0eded1631a8b605a43ff5bed8086072b"
         "a1e7cc2358baeca134c825a7"},
        {CSP_CALG_SHA_512,
         "ddaf35a193617abacc417349ae20413112e6fa4e89a97ea20a9eeee64b55d39a2192992a"
         "274fc1a836ba3c23a3feebbd454d4423643ce80e2a9ac94fa54ca49f"},
        {CSP_CALG_SSL3_SHAMD5,
         "900150983cd24fb0d6963f7d28e17f72a9993e364706816aba3e25717850c26c9cd0d89d"},
    };
    uintptr_t p = acquire(NULL, CSP_CRYPT_VERIFYCONTEXT);
    csp_status st;
    for (size_t i = 0; i < sizeof(V) / sizeof(V[0]); i++) {
        uintptr_t h = hash_of(p, V[i].alg, "a");
        assert_int_equal(csp_hash_data(p, h, (const uint8_t *)"bc", 2, 0, &st), CSP_OK);
        uint8_t want[64], got[64];
        size_t len = strlen(V[i].hex) / 2;
        hex_to(V[i].hex, want, len);
        uint32_t n = 0;
        assert_int_equal(csp_get_hash_param(p, h, CSP_HP_HASHVAL, NULL, &n, 0, &st), CSP_OK);
        assert_int_equal(n, len);
        assert_int_equal(csp_hash_data(p, h, NULL, 0, 0, &st), CSP_OK); /* still open */
        n = 4;
        assert_int_equal(csp_get_hash_param(p, h, CSP_HP_HASHVAL, got, &n, 0, &st),
                         CSP_E_MORE_DATA);
        assert_int_equal(n, len);
        n = sizeof(got);
        assert_int_equal(csp_get_hash_param(p, h, CSP_HP_HASHVAL, got, &n, 0, &st), CSP_OK);
        assert_int_equal(n, len);
        assert_memory_equal(got, want, len);
        n = sizeof(got);
        assert_int_equal(csp_get_hash_param(p, h, CSP_HP_HASHSIZE, got, &n, 0, &st), CSP_OK);
        assert_int_equal(csp_get_u32le(got), len);
        n = sizeof(got);
        assert_int_equal(csp_get_hash_param(p, h, CSP_HP_ALGID, got, &n, 0, &st), CSP_OK);
        assert_int_equal(csp_get_u32le(got), V[i].alg);
        assert_int_equal(csp_hash_data(p, h, (const uint8_t *)"x", 1, 0, &st),
                         CSP_E_BAD_HASH_STATE);
        assert_int_equal(csp_destroy_hash(p, h, &st), CSP_OK);
    }
    release(p);
}

static void test_hash_error_battery(void **state)
{
    uintptr_t p = acquire(NULL, CSP_CRYPT_VERIFYCONTEXT), h = 0;
    csp_status st;
    uint8_t buf[64] = {0};
    uint32_t n = sizeof(buf);
    assert_int_equal(csp_create_hash(p, 0x8001 /* MD2 */, 0, 0, &h, &st), CSP_E_BAD_ALGID);
    assert_int_equal(csp_create_hash(p, CSP_CALG_RSA_SIGN, 0, 0, &h, &st), CSP_E_BAD_ALGID);
    assert_int_equal(csp_create_hash(p, 0x8009 /* HMAC */, 0, 0, &h, &st), CSP_E_BAD_ALGID);
    assert_int_equal(csp_create_hash(p, CSP_CALG_SHA1, 7, 0, &h, &st), CSP_E_BAD_KEY);
    assert_int_equal(csp_create_hash(p, CSP_CALG_SHA1, 0, 1, &h, &st), CSP_E_BAD_FLAGS);
    assert_int_equal(csp_create_hash(p, CSP_CALG_SHA1, 0, 0, NULL, &st), CSP_E_INVALID_ARG);
    h = hash_of(p, CSP_CALG_SHA_256, "abc");
    assert_int_equal(csp_hash_data(p, h, buf, 1, 1 /* CRYPT_USERDATA */, &st), CSP_E_BAD_FLAGS);
    assert_int_equal(csp_hash_data(p, h, NULL, 5, 0, &st), CSP_E_INVALID_ARG);
    assert_int_equal(csp_get_hash_param(p, h, CSP_HP_HASHVAL, buf, NULL, 0, &st),
                     CSP_E_INVALID_ARG);
    assert_int_equal(csp_get_hash_param(p, h, CSP_HP_HASHVAL, buf, &n, 1, &st), CSP_E_BAD_FLAGS);
    assert_int_equal(csp_get_hash_param(p, h, 99, buf, &n, 0, &st), CSP_E_BAD_TYPE);
    assert_int_equal(csp_set_hash_param(p, h, CSP_HP_HASHSIZE, buf, 4, 0, &st), CSP_E_BAD_TYPE);
    assert_int_equal(csp_set_hash_param(p, h, CSP_HP_HASHVAL, buf, 32, 1, &st), CSP_E_BAD_FLAGS);
    assert_int_equal(csp_set_hash_param(p, h, CSP_HP_HASHVAL, NULL, 32, 0, &st), CSP_E_INVALID_ARG);
    assert_int_equal(csp_set_hash_param(p, h, CSP_HP_HASHVAL, buf, 20, 0, &st), CSP_E_BAD_LEN);
    assert_int_equal(csp_set_hash_param(p, h, CSP_HP_HASHVAL, buf, 48, 0, &st), CSP_E_BAD_LEN);
    uintptr_t d;
    assert_int_equal(csp_duplicate_hash(p, h, &d, 0, &d, &st), CSP_E_INVALID_ARG);
    assert_int_equal(csp_duplicate_hash(p, h, NULL, 1, &d, &st), CSP_E_BAD_FLAGS);
    release(p);
}

static void test_hashval_set_and_duplicate(void **state)
{
    uintptr_t p = acquire(NULL, CSP_CRYPT_VERIFYCONTEXT);
    csp_status st;
    uint8_t v[32], got[32];
    for (int i = 0; i < 32; i++)
        v[i] = (uint8_t)i;
    uintptr_t h = hash_of(p, CSP_CALG_SHA_256, "ignored");
    assert_int_equal(csp_set_hash_param(p, h, CSP_HP_HASHVAL, v, 32, 0, &st), CSP_OK);
    uint32_t n = sizeof(got);
    assert_int_equal(csp_get_hash_param(p, h, CSP_HP_HASHVAL, got, &n, 0, &st), CSP_OK);
    assert_memory_equal(got, v, 32);
    assert_int_equal(csp_hash_data(p, h, v, 1, 0, &st), CSP_E_BAD_HASH_STATE);
    /* a duplicate of an open hash continues independently */
    uintptr_t a = hash_of(p, CSP_CALG_SHA1, "a"), b;
    assert_int_equal(csp_duplicate_hash(p, a, NULL, 0, &b, &st), CSP_OK);
    assert_int_equal(csp_hash_data(p, a, (const uint8_t *)"bc", 2, 0, &st), CSP_OK);
    assert_int_equal(csp_hash_data(p, b, (const uint8_t *)"bc", 2, 0, &st), CSP_OK);
    uint8_t ha[20], hb[20], want[20];
    hex_to("a9993e364706816aba3e25717850c26c9cd0d89d", want, 20);
    n = 20;
    assert_int_equal(csp_get_hash_param(p, a, CSP_HP_HASHVAL, ha, &n, 0, &st), CSP_OK);
    n = 20;
    assert_int_equal(csp_get_hash_param(p, b, CSP_HP_HASHVAL, hb, &n, 0, &st), CSP_OK);
    assert_memory_equal(ha, want, 20);
    assert_memory_equal(hb, want, 20);
    /* a duplicate of a finished hash keeps the value */
    uintptr_t c;
    assert_int_equal(csp_duplicate_hash(p, h, NULL, 0, &c, &st), CSP_OK);
    n = sizeof(got);
    assert_int_equal(csp_get_hash_param(p, c, CSP_HP_HASHVAL, got, &n, 0, &st), CSP_OK);
    assert_memory_equal(got, v, 32);
    release(p);
}

/* ---- keys ---- */

static void test_user_key_params_and_public_blob(void **state)
{
    uintptr_t p = acquire(NULL, 0), k;
    csp_status st;
    assert_int_equal(csp_get_user_key(p, CSP_AT_KEYEXCHANGE, &k, &st), CSP_E_NO_KEY);
    assert_int_equal(csp_get_user_key(p, 0, &k, &st), CSP_E_NO_KEY);
    assert_int_equal(csp_get_user_key(p, CSP_AT_SIGNATURE, NULL, &st), CSP_E_INVALID_ARG);
    assert_int_equal(csp_get_user_key(p, CSP_AT_SIGNATURE, &k, &st), CSP_OK);
    uint8_t buf[2048];
    uint32_t n = sizeof(buf);
    assert_int_equal(csp_get_key_param(p, k, CSP_KP_ALGID, buf, &n, 0, &st), CSP_OK);
    assert_int_equal(csp_get_u32le(buf), CSP_CALG_RSA_SIGN);
    assert_int_equal(csp_get_key_param(p, k, CSP_KP_KEYLEN, buf, &n, 0, &st), CSP_OK);
    assert_int_equal(csp_get_u32le(buf), 2048);
    assert_int_equal(csp_get_key_param(p, k, CSP_KP_BLOCKLEN, buf, &n, 0, &st), CSP_OK);
    assert_int_equal(csp_get_u32le(buf), 2048);
    assert_int_equal(csp_get_key_param(p, k, CSP_KP_PERMISSIONS, buf, &n, 0, &st), CSP_OK);
    assert_int_equal(csp_get_u32le(buf), CSP_CRYPT_READ);
    n = 0;
    assert_int_equal(csp_get_key_param(p, k, CSP_KP_CERTIFICATE, NULL, &n, 0, &st), CSP_OK);
    assert_int_equal(n, g_user_len);
    n = 10;
    assert_int_equal(csp_get_key_param(p, k, CSP_KP_CERTIFICATE, buf, &n, 0, &st), CSP_E_MORE_DATA);
    assert_int_equal(n, g_user_len);
    assert_int_equal(csp_get_key_param(p, k, CSP_KP_CERTIFICATE, buf, &n, 0, &st), CSP_OK);
    assert_memory_equal(buf, g_user_der, g_user_len);
    assert_int_equal(csp_get_key_param(p, k, 99, buf, &n, 0, &st), CSP_E_BAD_TYPE);
    assert_int_equal(csp_get_key_param(p, k, CSP_KP_ALGID, buf, &n, 1, &st), CSP_E_BAD_FLAGS);
    assert_int_equal(csp_get_key_param(p, k, CSP_KP_ALGID, buf, NULL, 0, &st), CSP_E_INVALID_ARG);
    assert_int_equal(csp_set_key_param(p, k, CSP_KP_CERTIFICATE, buf, 0, &st), CSP_E_BAD_TYPE);
    assert_int_equal(csp_set_key_param(p, k, CSP_KP_ALGID, buf, 1, &st), CSP_E_BAD_FLAGS);
    /* PUBLICKEYBLOB: header, RSA1, bits, e, little-endian modulus */
    n = 0;
    assert_int_equal(csp_export_key(p, k, 0, CSP_PUBLICKEYBLOB, 0, NULL, &n, &st), CSP_OK);
    assert_int_equal(n, 20 + 256);
    n = 100;
    assert_int_equal(csp_export_key(p, k, 0, CSP_PUBLICKEYBLOB, 0, buf, &n, &st), CSP_E_MORE_DATA);
    assert_int_equal(n, 276);
    assert_int_equal(csp_export_key(p, k, 0, CSP_PUBLICKEYBLOB, 0, buf, &n, &st), CSP_OK);
    assert_int_equal(buf[0], CSP_PUBLICKEYBLOB);
    assert_int_equal(buf[1], CSP_CUR_BLOB_VERSION);
    assert_int_equal(csp_get_u32le(buf + 4), CSP_CALG_RSA_SIGN);
    assert_int_equal(csp_get_u32le(buf + 8), CSP_RSA1_MAGIC);
    assert_int_equal(csp_get_u32le(buf + 12), 2048);
    assert_int_equal(csp_get_u32le(buf + 16), 65537);
    BIGNUM *bn = NULL;
    assert_true(EVP_PKEY_get_bn_param(g_user_key, "n", &bn));
    uint8_t nbe[256];
    assert_int_equal(BN_bn2binpad(bn, nbe, 256), 256);
    BN_free(bn);
    uint8_t nle[256];
    csp_reverse(nle, nbe, 256);
    assert_memory_equal(buf + 20, nle, 256);
    assert_int_equal(csp_export_key(p, k, 0, CSP_PRIVATEKEYBLOB, 0, buf, &n, &st),
                     CSP_E_BAD_KEY_STATE);
    assert_int_equal(csp_export_key(p, k, 0, 1 /* SIMPLEBLOB */, 0, buf, &n, &st), CSP_E_BAD_TYPE);
    assert_int_equal(csp_export_key(p, k, 0, CSP_PUBLICKEYBLOB, 1, buf, &n, &st), CSP_E_BAD_FLAGS);
    assert_int_equal(csp_export_key(p, k, k, CSP_PUBLICKEYBLOB, 0, buf, &n, &st), CSP_E_BAD_KEY);
    assert_int_equal(csp_export_key(p, k, 0, CSP_PUBLICKEYBLOB, 0, buf, NULL, &st),
                     CSP_E_INVALID_ARG);
    /* a duplicate exports the same blob */
    uintptr_t d;
    uint8_t blob2[300];
    uint32_t n2 = sizeof(blob2);
    assert_int_equal(csp_duplicate_key(p, k, NULL, 0, &d, &st), CSP_OK);
    assert_int_equal(csp_export_key(p, d, 0, CSP_PUBLICKEYBLOB, 0, blob2, &n2, &st), CSP_OK);
    assert_memory_equal(blob2, buf, 276);
    assert_int_equal(csp_duplicate_key(p, k, &d, 0, &d, &st), CSP_E_INVALID_ARG);
    assert_int_equal(csp_duplicate_key(p, k, NULL, 2, &d, &st), CSP_E_BAD_FLAGS);
    release(p);
    p = acquire(NULL, CSP_CRYPT_VERIFYCONTEXT);
    assert_int_equal(csp_get_user_key(p, CSP_AT_SIGNATURE, &k, &st), CSP_E_NO_KEY);
    release(p);
}

static void test_import_rejects_malformed_blobs(void **state)
{
    uintptr_t p = acquire(NULL, 0), k, v, good;
    csp_status st;
    uint8_t blob[300];
    uint32_t n = sizeof(blob);
    assert_int_equal(csp_get_user_key(p, CSP_AT_SIGNATURE, &k, &st), CSP_OK);
    assert_int_equal(csp_export_key(p, k, 0, CSP_PUBLICKEYBLOB, 0, blob, &n, &st), CSP_OK);
    uintptr_t q = acquire(NULL, CSP_CRYPT_VERIFYCONTEXT);
    assert_int_equal(csp_import_key(q, blob, n, 0, 0, &good, &st), CSP_OK);
    uint8_t b[300];
    memcpy(b, blob, n);
    b[0] = CSP_PRIVATEKEYBLOB;
    assert_int_equal(csp_import_key(q, b, n, 0, 0, &v, &st), CSP_E_BAD_TYPE);
    memcpy(b, blob, n);
    b[1] = 3;
    assert_int_equal(csp_import_key(q, b, n, 0, 0, &v, &st), CSP_E_BAD_VER);
    memcpy(b, blob, n);
    csp_put_u32le(b + 4, 0x6610 /* CALG_AES_256 */);
    assert_int_equal(csp_import_key(q, b, n, 0, 0, &v, &st), CSP_E_BAD_ALGID);
    memcpy(b, blob, n);
    b[8] = 'X';
    assert_int_equal(csp_import_key(q, b, n, 0, 0, &v, &st), CSP_E_BAD_DATA);
    assert_int_equal(csp_import_key(q, blob, n - 1, 0, 0, &v, &st), CSP_E_BAD_DATA);
    assert_int_equal(csp_import_key(q, blob, 7, 0, 0, &v, &st), CSP_E_BAD_DATA);
    assert_int_equal(csp_import_key(q, blob, 0, 0, 0, &v, &st), CSP_E_INVALID_ARG);
    assert_int_equal(csp_import_key(q, NULL, n, 0, 0, &v, &st), CSP_E_INVALID_ARG);
    assert_int_equal(csp_import_key(q, blob, n, 0, 0, NULL, &st), CSP_E_INVALID_ARG);
    assert_int_equal(csp_import_key(q, blob, n, 5, 0, &v, &st), CSP_E_BAD_KEY);
    assert_int_equal(csp_import_key(q, blob, n, 0, 0x40, &v, &st), CSP_E_BAD_FLAGS);
    memcpy(b, blob, n);
    csp_put_u32le(b + 16, 0);
    assert_int_equal(csp_import_key(q, b, n, 0, 0, &v, &st), CSP_E_BAD_DATA);
    n = 300;
    assert_int_equal(csp_get_key_param(q, good, CSP_KP_CERTIFICATE, blob, &n, 0, &st),
                     CSP_E_BAD_TYPE);
    release(q);
    release(p);
}

static const struct CMUnitTest tests[] = {
    T(test_hash_vectors_for_every_algorithm), T(test_hash_error_battery),
    T(test_hashval_set_and_duplicate),        T(test_user_key_params_and_public_blob),
    T(test_import_rejects_malformed_blobs),
};

CSP_FIXTURE_MAIN(tests)
