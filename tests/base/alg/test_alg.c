#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <string.h>

#include "base/alg/alg.h"

static void hash_lookup_by_oid_name_and_id_agree(void **state)
{
    (void)state;
    const alg_hash_info *h = alg_hash_by_oid("2.16.840.1.101.3.4.2.1");
    assert_non_null(h);
    assert_int_equal(h->id, CRPKI_HASH_SHA256);
    assert_int_equal(h->len, 32);
    assert_ptr_equal(alg_hash_by_name("SHA256"), h);
    assert_ptr_equal(alg_hash_by_id(CRPKI_HASH_SHA256), h);
    assert_null(alg_hash_by_oid("2.16.840.1.101.3.4.2.99"));
    assert_null(alg_hash_by_oid(NULL));
    assert_null(alg_hash_by_id(CRPKI_HASH_NONE));
}

/* Each DigestInfo prefix must be a well-formed DER SEQUENCE whose total
 * length covers exactly prefix + digest, ending in OCTET STRING of len. */
static void digestinfo_prefixes_are_consistent_der(void **state)
{
    (void)state;
    alg_hash_id ids[] = {CRPKI_HASH_MD5, CRPKI_HASH_SHA1, CRPKI_HASH_SHA256, CRPKI_HASH_SHA384,
                         CRPKI_HASH_SHA512};
    for (size_t i = 0; i < 5; i++) {
        const alg_hash_info *h = alg_hash_by_id(ids[i]);
        assert_non_null(h);
        const uint8_t *p = h->digestinfo_prefix;
        size_t n = h->digestinfo_prefix_len;
        assert_int_equal(p[0], 0x30);
        assert_int_equal((size_t)p[1] + 2, n + h->len);
        assert_int_equal(p[n - 2], 0x04);
        assert_int_equal(p[n - 1], h->len);
    }
}

/* Only the SHA-2 hashes are signed; SHA-1 and MD5 never. */
static void only_sha2_hashes_are_signable(void **state)
{
    (void)state;
    assert_false(alg_hash_signable(CRPKI_HASH_NONE));
    assert_false(alg_hash_signable(CRPKI_HASH_MD5));
    assert_false(alg_hash_signable(CRPKI_HASH_SHA1));
    assert_true(alg_hash_signable(CRPKI_HASH_SHA256));
    assert_true(alg_hash_signable(CRPKI_HASH_SHA384));
    assert_true(alg_hash_signable(CRPKI_HASH_SHA512));
    assert_false(alg_hash_signable((alg_hash_id)99));
}

static void digestinfo_sha256_matches_rfc8017(void **state)
{
    (void)state;
    uint8_t digest[32];
    memset(digest, 0xab, sizeof digest);
    uint8_t out[64];
    size_t n = alg_digestinfo(CRPKI_HASH_SHA256, digest, 32, out, sizeof out);
    assert_int_equal(n, 51);
    static const uint8_t want[] = {0x30, 0x31, 0x30, 0x0d, 0x06, 0x09, 0x60, 0x86, 0x48, 0x01,
                                   0x65, 0x03, 0x04, 0x02, 0x01, 0x05, 0x00, 0x04, 0x20};
    assert_memory_equal(out, want, sizeof want);
    assert_memory_equal(out + 19, digest, 32);
}

static void digestinfo_rejects_wrong_length_and_short_buffer(void **state)
{
    (void)state;
    uint8_t digest[32] = {0};
    uint8_t out[64];
    assert_int_equal(alg_digestinfo(CRPKI_HASH_SHA256, digest, 31, out, sizeof out), 0);
    assert_int_equal(alg_digestinfo(CRPKI_HASH_SHA256, digest, 32, out, 50), 0);
    assert_int_equal(alg_digestinfo(CRPKI_HASH_NONE, digest, 32, out, sizeof out), 0);
}

static void digestinfo_is_read_back_only_when_exact(void **state)
{
    (void)state;
    uint8_t digest[64], di[128];
    memset(digest, 0x5a, sizeof digest);
    static const alg_hash_id ids[] = {CRPKI_HASH_SHA1, CRPKI_HASH_SHA256, CRPKI_HASH_SHA384,
                                      CRPKI_HASH_SHA512};
    for (size_t i = 0; i < sizeof ids / sizeof ids[0]; i++) {
        size_t hl = alg_hash_by_id(ids[i])->len;
        size_t n = alg_digestinfo(ids[i], digest, hl, di, sizeof di);
        const alg_hash_info *h = alg_hash_by_digestinfo(di, n);
        assert_non_null(h);
        assert_int_equal(h->id, ids[i]);
        assert_null(alg_hash_by_digestinfo(di, n - 1)); /* truncated */
        assert_null(alg_hash_by_digestinfo(di, n + 1)); /* trailing byte */
        di[3] ^= 1;                                     /* another prefix */
        assert_null(alg_hash_by_digestinfo(di, n));
    }
    assert_null(alg_hash_by_digestinfo(digest, 32)); /* a bare hash */
    assert_null(alg_hash_by_digestinfo(NULL, 51));
}

static void sigalgs_map_to_key_scheme_and_hash(void **state)
{
    (void)state;
    const alg_sigalg_info *s = alg_sigalg_by_oid("1.2.840.113549.1.1.11");
    assert_non_null(s);
    assert_int_equal(s->key, CRPKI_KEY_RSA);
    assert_int_equal(s->scheme, CRPKI_PAD_PKCS1);
    assert_int_equal(s->hash, CRPKI_HASH_SHA256);
    s = alg_sigalg_by_oid("1.2.840.10045.4.3.2");
    assert_non_null(s);
    assert_int_equal(s->key, CRPKI_KEY_EC);
    assert_int_equal(s->scheme, CRPKI_PAD_ECDSA);
    s = alg_sigalg_by_oid(CRPKI_OID_RSASSA_PSS);
    assert_non_null(s);
    assert_int_equal(s->scheme, CRPKI_PAD_PSS);
    assert_null(alg_sigalg_by_oid("1.2.3"));
}

static void every_key_sigalg_is_in_the_table_with_that_key_type(void **state)
{
    (void)state;
    alg_key_type keys[] = {CRPKI_KEY_RSA, CRPKI_KEY_EC};
    for (size_t k = 0; k < 2; k++) {
        const char *const *l = alg_sigalgs_for_key(keys[k]);
        assert_non_null(l);
        size_t count = 0;
        for (; *l; l++, count++) {
            const alg_sigalg_info *s = alg_sigalg_by_oid(*l);
            assert_non_null(s);
            assert_int_equal(s->key, keys[k]);
        }
        assert_true(count >= 4);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(hash_lookup_by_oid_name_and_id_agree),
        cmocka_unit_test(digestinfo_prefixes_are_consistent_der),
        cmocka_unit_test(digestinfo_sha256_matches_rfc8017),
        cmocka_unit_test(only_sha2_hashes_are_signable),
        cmocka_unit_test(digestinfo_rejects_wrong_length_and_short_buffer),
        cmocka_unit_test(digestinfo_is_read_back_only_when_exact),
        cmocka_unit_test(sigalgs_map_to_key_scheme_and_hash),
        cmocka_unit_test(every_key_sigalg_is_in_the_table_with_that_key_type),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
