#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdlib.h>
#include <string.h>

#include "base/util/base64.h"

/* RFC 4648 §10 test vectors */
static const char *const PLAIN[] = {"", "f", "fo", "foo", "foob", "fooba", "foobar"};
static const char *const ENC[] = {"", "Zg==", "Zm8=", "Zm9v", "Zm9vYg==", "Zm9vYmE=", "Zm9vYmFy"};

static void encode_matches_rfc4648_vectors(void **state)
{
    (void)state;
    for (size_t i = 0; i < 7; i++) {
        char out[16];
        size_t n = base64_encode((const uint8_t *)PLAIN[i], strlen(PLAIN[i]), out, sizeof out);
        assert_int_equal(n, strlen(ENC[i]));
        assert_string_equal(out, ENC[i]);
        assert_int_equal(base64_encoded_len(strlen(PLAIN[i])), strlen(ENC[i]));
    }
}

static void decode_roundtrips_rfc4648_vectors(void **state)
{
    (void)state;
    for (size_t i = 0; i < 7; i++) {
        uint8_t out[16];
        size_t n = 99;
        assert_int_equal(base64_decode(ENC[i], strlen(ENC[i]), out, sizeof out, &n), 0);
        assert_int_equal(n, strlen(PLAIN[i]));
        assert_memory_equal(out, PLAIN[i], n);
    }
}

static void decode_rejects_malformed_input(void **state)
{
    (void)state;
    const char *bad[] = {"Zg",   "Zg=",  "Z===",     "====",     "Zm9v\n", "Zm 9",
                         "Zh==", "Zm9=", "Zm9vY===", "Zg==Zg==", "Zm-v",   "Zm_v"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        uint8_t out[16];
        size_t n;
        assert_int_equal(base64_decode(bad[i], strlen(bad[i]), out, sizeof out, &n), -1);
    }
}

static void decode_fails_when_output_too_small(void **state)
{
    (void)state;
    uint8_t out[5];
    size_t n;
    assert_int_equal(base64_decode("Zm9vYmFy", 8, out, sizeof out, &n), -1);
    assert_int_equal(base64_decode("Zm9vYmE=", 8, out, sizeof out, &n), 0);
    assert_int_equal(n, 5);
}

static void url_variant_is_unpadded_and_uses_url_alphabet(void **state)
{
    (void)state;
    const uint8_t in[] = {0xfb, 0xff, 0xfe};
    char out[8];
    assert_int_equal(base64url_encode(in, 3, out, sizeof out), 4);
    assert_string_equal(out, "-__-");
    assert_int_equal(base64url_encode(in, 2, out, sizeof out), 3);
    assert_string_equal(out, "-_8");
    uint8_t dec[4];
    size_t n;
    assert_int_equal(base64url_decode("-_8", 3, dec, sizeof dec, &n), 0);
    assert_int_equal(n, 2);
    assert_memory_equal(dec, in, 2);
    assert_int_equal(base64url_decode("-_8=", 4, dec, sizeof dec, &n), -1);
    assert_int_equal(base64url_decode("+/8", 3, dec, sizeof dec, &n), -1);
    assert_int_equal(base64url_decode("-_9", 3, dec, sizeof dec, &n), -1); /* stray bits */
}

static void all_byte_values_roundtrip(void **state)
{
    (void)state;
    uint8_t in[256];
    for (int i = 0; i < 256; i++)
        in[i] = (uint8_t)i;
    for (size_t len = 0; len <= 256; len += 17) {
        char *s = base64_encode_alloc(in, len);
        assert_non_null(s);
        uint8_t out[256];
        size_t n;
        assert_int_equal(base64_decode(s, strlen(s), out, sizeof out, &n), 0);
        assert_int_equal(n, len);
        assert_memory_equal(out, in, len);
        assert_true(base64_decoded_max(strlen(s)) >= len);
        free(s);
    }
}

static void encode_refuses_short_buffer(void **state)
{
    (void)state;
    char out[4];
    assert_int_equal(base64_encode((const uint8_t *)"foo", 3, out, sizeof out), 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(encode_matches_rfc4648_vectors),
        cmocka_unit_test(decode_roundtrips_rfc4648_vectors),
        cmocka_unit_test(decode_rejects_malformed_input),
        cmocka_unit_test(decode_fails_when_output_too_small),
        cmocka_unit_test(url_variant_is_unpadded_and_uses_url_alphabet),
        cmocka_unit_test(all_byte_values_roundtrip),
        cmocka_unit_test(encode_refuses_short_buffer),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
