/* derw: DER as X.690 writes it, compared with known encodings (the OIDs as
 * OpenSSL encodes them); malformed OIDs mark the buffer failed. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdlib.h>
#include <string.h>

#include "base/util/derw.h"

static void expect_bytes(strbuf *b, const uint8_t *want, size_t n)
{
    assert_false(b->oom);
    assert_int_equal(b->len, n);
    assert_memory_equal(b->p, want, n);
    strbuf_free(b);
}

static void oids_encode_as_x690_says(void **state)
{
    (void)state;
    strbuf b = {0};
    derw_oid(&b, "1.2.840.113549.1.1.1"); /* rsaEncryption */
    static const uint8_t RSA[] = {0x06, 0x09, 0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x01, 0x01};
    expect_bytes(&b, RSA, sizeof RSA);
    derw_oid(&b, "2.16.840.1.101.3.4.2.1"); /* sha256: first arcs 2.16 = 96 */
    static const uint8_t SHA256[] = {0x06, 0x09, 0x60, 0x86, 0x48, 0x01,
                                     0x65, 0x03, 0x04, 0x02, 0x01};
    expect_bytes(&b, SHA256, sizeof SHA256);
    derw_oid(&b, "1.3.132.0.34"); /* secp384r1 */
    static const uint8_t P384[] = {0x06, 0x05, 0x2b, 0x81, 0x04, 0x00, 0x22};
    expect_bytes(&b, P384, sizeof P384);
    const char *bad[] = {"", "1", "1.", "3.1", "1.40", "1.2.x", "1..2", "a.b"};
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
        derw_oid(&b, bad[i]);
        assert_true(b.oom);
        strbuf_free(&b);
    }
}

static void lengths_integers_and_wrapping(void **state)
{
    (void)state;
    strbuf b = {0}, in = {0};
    uint8_t big[300];
    memset(big, 0xab, sizeof big);
    derw_tlv(&b, 0x04, big, sizeof big);
    assert_int_equal(b.len, 4 + sizeof big);
    assert_memory_equal(b.p, "\x04\x82\x01\x2c", 4);
    strbuf_free(&b);
    derw_uint(&b, 0);
    derw_uint(&b, 32);
    derw_uint(&b, 128); /* a leading zero keeps it positive */
    derw_uint(&b, 65536);
    static const uint8_t INTS[] = {0x02, 0x01, 0x00, 0x02, 0x01, 0x20, 0x02, 0x02,
                                   0x00, 0x80, 0x02, 0x03, 0x01, 0x00, 0x00};
    expect_bytes(&b, INTS, sizeof INTS);
    derw_uint(&in, 1);
    derw_wrap(&b, 0x30, &in);
    assert_null(in.p);
    static const uint8_t SEQ[] = {0x30, 0x03, 0x02, 0x01, 0x01};
    expect_bytes(&b, SEQ, sizeof SEQ);
    derw_algid(&b, "1.2.840.113549.1.1.1", 1);
    static const uint8_t ALG[] = {0x30, 0x0d, 0x06, 0x09, 0x2a, 0x86, 0x48, 0x86,
                                  0xf7, 0x0d, 0x01, 0x01, 0x01, 0x05, 0x00};
    expect_bytes(&b, ALG, sizeof ALG);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(oids_encode_as_x690_says),
        cmocka_unit_test(lengths_integers_and_wrapping),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
