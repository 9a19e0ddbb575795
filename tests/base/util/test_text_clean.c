/* text_clean (src/base/util/text_clean.h): the one cleaning of displayed
 * text, over the table of hostile strings the approval dialog's test also
 * reads back from the window (tests/support/hostile_text.h); its cuts on
 * character boundaries; text_dn_display, which cleans a DN's holder and
 * company after undoing its escapes. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <string.h>

#include "base/util/text.h"
#include "base/util/text_clean.h"
#include "base/util/utf8.h"
#include "hostile_text.h"

static void every_hostile_string_reads_as_what_it_says(void **state)
{
    (void)state;
    int bad = 0;
    for (size_t i = 0; i < HOSTILE_TEXT_COUNT; i++) {
        const hostile_text *h = &HOSTILE_TEXT[i];
        char out[256];
        size_t n = text_clean(h->in, out, sizeof out);
        if (strcmp(out, h->want) != 0 || n != strlen(h->want) || !utf8_valid(out, n)) {
            print_error("%s: got \"%s\" (%u bytes), want \"%s\"\n", h->name, out, (unsigned)n,
                        h->want);
            bad++;
        }
        /* cleaning is idempotent: clean text stays as it is */
        char again[256];
        text_clean(out, again, sizeof again);
        if (strcmp(again, out) != 0) {
            print_error("%s: cleaning twice gave \"%s\"\n", h->name, again);
            bad++;
        }
    }
    assert_int_equal(bad, 0);
}

static void cut_on_a_character_boundary_and_never_overflows(void **state)
{
    (void)state;
    char out[8];
    memset(out, 'x', sizeof out);
    /* three 3-byte characters into 7 bytes: two fit */
    assert_int_equal(text_clean("あいう", out, 7), 6);
    assert_string_equal(out, "あい");
    assert_int_equal(out[7], 'x');
    assert_int_equal(text_clean("あいう", out, 3), 0);
    assert_string_equal(out, "");
    assert_int_equal(text_clean(NULL, out, sizeof out), 0);
    assert_string_equal(out, "");
    assert_int_equal(text_clean("abc", out, 0), 0);
    assert_int_equal(out[0], '\0'); /* untouched by outsz 0: the earlier "" */
}

static void parts_join_with_one_space_and_no_end_space(void **state)
{
    (void)state;
    char out[64];
    size_t len = 0;
    out[0] = '\0';
    text_clean_append(out, 63, &len, "  program.exe  ");
    text_clean_append(out, 63, &len, ": ");
    text_clean_append(out, 63, &len, "  what\xe2\x80\xae  ");
    len = text_clean_end(out, len);
    assert_string_equal(out, "program.exe : what");
    assert_int_equal(len, strlen(out));
}

static void a_dn_shows_its_holder_and_company_cleaned(void **state)
{
    (void)state;
    char out[256];
    /* escaped bytes: 山田, then a right-to-left override; an O that starts
       with a byte that is not UTF-8 (the dialog once failed to open on it) */
    text_dn_display(
        "CN=\\E5\\B1\\B1\\E7\\94\\B0\\E2\\80\\AE  x,O=\\FF株式会社\xe2\x80\xa8テスト,C=JP", out,
        sizeof out);
    assert_string_equal(out, "山田 x (?株式会社 テスト)");
    text_dn_display("CN=\xe3\x85\xa4,O=株式会社テスト", out, sizeof out); /* a filler CN */
    assert_string_equal(out, "株式会社テスト");
    text_dn_display("C=JP,\xe2\x80\xaeST=x", out, sizeof out); /* no CN, no O: the DN */
    assert_string_equal(out, "C=JP,ST=x");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(every_hostile_string_reads_as_what_it_says),
        cmocka_unit_test(cut_on_a_character_boundary_and_never_overflows),
        cmocka_unit_test(parts_join_with_one_space_and_no_end_space),
        cmocka_unit_test(a_dn_shows_its_holder_and_company_cleaned),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
