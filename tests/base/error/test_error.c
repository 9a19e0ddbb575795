#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <string.h>

#include "crpki/error.h"

static void every_code_has_name_english_and_japanese_text(void **state)
{
    (void)state;
    for (int e = 0; e < CRPKI_E__COUNT; e++) {
        const char *name = crpki_err_name((crpki_err)e);
        assert_string_not_equal(name, "CRPKI_E_UNKNOWN");
        assert_true(strncmp(name, "CRPKI_", 6) == 0);
        assert_true(strlen(crpki_strerror((crpki_err)e)) > 0);
        /* Japanese text: at least one multi-byte UTF-8 sequence */
        const unsigned char *ja = (const unsigned char *)crpki_strerror_ja((crpki_err)e);
        int mb = 0;
        for (; *ja; ja++)
            mb |= *ja >= 0xE0;
        assert_true(mb);
    }
}

static void names_are_unique(void **state)
{
    (void)state;
    for (int a = 0; a < CRPKI_E__COUNT; a++)
        for (int b = a + 1; b < CRPKI_E__COUNT; b++)
            assert_string_not_equal(crpki_err_name((crpki_err)a), crpki_err_name((crpki_err)b));
}

static void out_of_range_code_gets_generic_text_not_null(void **state)
{
    (void)state;
    assert_string_equal(crpki_err_name((crpki_err)-1), "CRPKI_E_UNKNOWN");
    assert_string_equal(crpki_err_name(CRPKI_E__COUNT), "CRPKI_E_UNKNOWN");
    assert_non_null(crpki_strerror((crpki_err)9999));
    assert_non_null(crpki_strerror_ja((crpki_err)9999));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(every_code_has_name_english_and_japanese_text),
        cmocka_unit_test(names_are_unique),
        cmocka_unit_test(out_of_range_code_gets_generic_text_not_null),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
