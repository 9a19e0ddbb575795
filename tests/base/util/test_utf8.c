#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <string.h>

#include "base/util/utf8.h"

static void japanese_text_and_all_lengths_are_valid(void **state)
{
    (void)state;
    /* 商業登記 (3-byte), ¥ (2-byte), 😀 (4-byte), ASCII */
    const char *s = "商業登記 \xc2\xa5 \xf0\x9f\x98\x80 abc";
    assert_true(utf8_valid(s, strlen(s)));
    assert_int_equal(utf8_invalid_at(s, strlen(s)), strlen(s));
    assert_int_equal(utf8_char_len("a", 1), 1);
    assert_int_equal(utf8_char_len("\xc2\xa5", 2), 2);
    assert_int_equal(utf8_char_len("商", 3), 3);
    assert_int_equal(utf8_char_len("\xf0\x9f\x98\x80", 4), 4);
    /* the edges of the ranges */
    assert_true(utf8_valid("\xc2\x80", 2));         /* U+0080 */
    assert_true(utf8_valid("\xe0\xa0\x80", 3));     /* U+0800 */
    assert_true(utf8_valid("\xed\x9f\xbf", 3));     /* U+D7FF */
    assert_true(utf8_valid("\xee\x80\x80", 3));     /* U+E000 */
    assert_true(utf8_valid("\xf0\x90\x80\x80", 4)); /* U+10000 */
    assert_true(utf8_valid("\xf4\x8f\xbf\xbf", 4)); /* U+10FFFF */
    assert_true(utf8_valid("", 0));
    assert_true(utf8_valid("a\0b", 3)); /* U+0000 is well-formed */
}

static void each_malformed_class_is_refused_at_its_lead_byte(void **state)
{
    (void)state;
    static const struct {
        const char *s;
        size_t at;
    } BAD[] = {
        {"ab\xc0\xaf", 2},       /* overlong '/' (2 bytes) */
        {"\xc1\xbf", 0},         /* overlong U+007F */
        {"\xe0\x80\xaf", 0},     /* overlong (3 bytes) */
        {"\xf0\x80\x80\xaf", 0}, /* overlong (4 bytes) */
        {"日\xed\xa0\x80", 3},   /* high surrogate U+D800 */
        {"\xed\xbf\xbf", 0},     /* low surrogate U+DFFF */
        {"\xf4\x90\x80\x80", 0}, /* U+110000 */
        {"\xf5\x80\x80\x80", 0}, /* lead beyond F4 */
        {"\xff", 0},             /* never a lead */
        {"a\x80", 1},            /* stray continuation byte */
        {"本\xe6\x97", 3},       /* truncated 3-byte sequence */
        {"\xf0\x9f\x98", 0},     /* truncated 4-byte sequence */
        {"\xe6\x41\x41", 0},     /* continuation replaced by ASCII */
    };
    for (size_t i = 0; i < sizeof BAD / sizeof BAD[0]; i++) {
        size_t n = strlen(BAD[i].s);
        assert_false(utf8_valid(BAD[i].s, n));
        assert_int_equal(utf8_invalid_at(BAD[i].s, n), BAD[i].at);
        assert_int_equal(utf8_char_len(BAD[i].s + BAD[i].at, n - BAD[i].at), 0);
    }
    assert_int_equal(utf8_char_len("", 0), 0);
}

static void boundary_backs_off_a_split_character_only(void **state)
{
    (void)state;
    const char *s = "ab日本"; /* 2 + 3 + 3 bytes */
    assert_int_equal(utf8_boundary(s, 8), 8);
    assert_int_equal(utf8_boundary(s, 7), 5);
    assert_int_equal(utf8_boundary(s, 6), 5);
    assert_int_equal(utf8_boundary(s, 5), 5);
    assert_int_equal(utf8_boundary(s, 4), 2);
    assert_int_equal(utf8_boundary(s, 3), 2);
    assert_int_equal(utf8_boundary(s, 2), 2);
    assert_int_equal(utf8_boundary(s, 0), 0);
    assert_int_equal(utf8_boundary("\xf0\x9f\x98\x80", 3), 0);
    assert_int_equal(utf8_boundary("\xf0\x9f\x98\x80", 4), 4);
    /* bytes that start no character are left to the caller's sanitizing */
    assert_int_equal(utf8_boundary("a\x80\x80", 3), 3);
}

/* encode and decode agree at every length boundary and on each side of the
 * surrogates; the encoding is the well-formed one utf8_char_len accepts */
static void encode_and_decode_round_trip(void **state)
{
    (void)state;
    static const uint32_t CPS[] = {0x00,   0x41,   0x7F,   0x80,   0x7FF,   0x800,   0x627F,
                                   0xD7FF, 0xE000, 0xFFFD, 0xFFFF, 0x10000, 0x20BB7, 0x10FFFF};
    static const size_t LENS[] = {1, 1, 1, 2, 2, 3, 3, 3, 3, 3, 3, 4, 4, 4};
    for (size_t i = 0; i < sizeof CPS / sizeof CPS[0]; i++) {
        char b[4];
        size_t k = utf8_encode(CPS[i], b);
        assert_int_equal(k, LENS[i]);
        assert_int_equal(utf8_char_len(b, k), k);
        assert_int_equal(utf8_decode(b, k), CPS[i]);
    }
    char b[4];
    assert_int_equal(utf8_encode(0x627F, b), 3); /* 承 */
    assert_memory_equal(b, "\xe6\x89\xbf", 3);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(encode_and_decode_round_trip),
        cmocka_unit_test(japanese_text_and_all_lengths_are_valid),
        cmocka_unit_test(each_malformed_class_is_refused_at_its_lead_byte),
        cmocka_unit_test(boundary_backs_off_a_split_character_only),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
