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

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(control_characters_and_del_are_found),
        cmocka_unit_test(hex_needs_one_digit_or_more),
        cmocka_unit_test(gentime_is_fourteen_digits_and_z),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
