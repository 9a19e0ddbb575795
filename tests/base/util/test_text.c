#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "base/util/text.h"

static void control_characters_and_del_are_found(void **state)
{
    (void)state;
    assert_true(text_no_controls("株式会社テスト商事 CN=Yamada"));
    assert_true(text_no_controls(""));
    assert_false(text_no_controls("a\tb"));
    assert_false(text_no_controls("a\x1f"));
    assert_false(text_no_controls("a\x7f"));
}

static void hex_needs_one_digit_or_more(void **state)
{
    (void)state;
    assert_true(text_is_hex("0123456789abcdefABCDEF"));
    assert_false(text_is_hex(""));
    assert_false(text_is_hex("12g4"));
    assert_false(text_is_hex("0x12"));
}

static void gentime_is_fourteen_digits_and_z(void **state)
{
    (void)state;
    assert_true(text_is_gentime("20250401000000Z"));
    assert_false(text_is_gentime("20250401000000"));
    assert_false(text_is_gentime("2025040100000Z"));
    assert_false(text_is_gentime("202504010000000Z"));
    assert_false(text_is_gentime("2025-4-01000000Z"));
    assert_false(text_is_gentime("20250401000000z"));
}

/* Days since 1970 and back: known dates, and every day of 1900-2100. */
static void civil_days_round_trip(void **state)
{
    (void)state;
    assert_int_equal(text_days_from_civil(1970, 1, 1), 0);
    assert_int_equal(text_days_from_civil(2025, 12, 4), 20426);
    assert_int_equal(text_days_from_civil(2000, 3, 1), 11017);
    int64_t y;
    unsigned m, d;
    text_civil_from_days(20426, &y, &m, &d);
    assert_true(y == 2025 && m == 12 && d == 4);
    for (int64_t k = text_days_from_civil(1900, 1, 1); k <= text_days_from_civil(2100, 12, 31);
         k++) {
        text_civil_from_days(k, &y, &m, &d);
        assert_int_equal(text_days_from_civil(y, m, d), k);
    }
}

/* RFC 4514 names as the service sends them, to what a person reads. */
static void dn_attributes_and_display_name(void **state)
{
    (void)state;
    char b[64];
    assert_true(text_dn_attr("CN=山田 太郎,O=株式会社テスト,C=JP", "cn", b, sizeof b));
    assert_string_equal(b, "山田 太郎");
    assert_true(text_dn_attr("CN=山田 太郎,O=株式会社テスト,C=JP", "O", b, sizeof b));
    assert_string_equal(b, "株式会社テスト");
    /* escapes: a comma and a plus inside values, a hex pair, multi-valued RDN */
    assert_true(text_dn_attr("CN=Sato\\, Jiro+SN=x,O=A\\+B \\e6\\9d\\b1", "O", b, sizeof b));
    assert_string_equal(b, "A+B 東");
    assert_true(text_dn_attr("CN=Sato\\, Jiro+SN=x,O=A", "SN", b, sizeof b));
    assert_string_equal(b, "x");
    assert_true(text_dn_attr("CN=Sato\\, Jiro", "CN", b, sizeof b));
    assert_string_equal(b, "Sato, Jiro");
    /* absent, hex-encoded, broken */
    assert_false(text_dn_attr("C=JP", "CN", b, sizeof b));
    assert_string_equal(b, "");
    assert_false(text_dn_attr("CN=#0c03616263", "CN", b, sizeof b));
    assert_false(text_dn_attr("garbage", "CN", b, sizeof b));
    assert_false(text_dn_attr(NULL, "CN", b, sizeof b));
    /* cut on a character boundary: 山 is 3 bytes, 4 bytes of room keep one */
    char s4[5];
    assert_true(text_dn_attr("CN=山田", "CN", s4, sizeof s4));
    assert_string_equal(s4, "山");
    text_dn_display("CN=山田 太郎,O=株式会社テスト,C=JP", b, sizeof b);
    assert_string_equal(b, "山田 太郎 (株式会社テスト)");
    text_dn_display("CN=山田 太郎,C=JP", b, sizeof b);
    assert_string_equal(b, "山田 太郎");
    text_dn_display("O=株式会社テスト", b, sizeof b);
    assert_string_equal(b, "株式会社テスト");
    text_dn_display("C=JP", b, sizeof b);
    assert_string_equal(b, "C=JP");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(control_characters_and_del_are_found),
        cmocka_unit_test(hex_needs_one_digit_or_more),
        cmocka_unit_test(gentime_is_fourteen_digits_and_z),
        cmocka_unit_test(civil_days_round_trip),
        cmocka_unit_test(dn_attributes_and_display_name),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
