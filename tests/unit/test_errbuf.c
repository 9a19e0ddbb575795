#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <string.h>

#include "util/errbuf.h"

static void errf_replaces_content(void **state)
{
    (void)state;
    char err[32] = "old message";
    crpki_errf(err, sizeof err, "key %s: %d", "port", 7);
    assert_string_equal(err, "key port: 7");
}

static void errf_truncates_to_buffer_and_terminates(void **state)
{
    (void)state;
    char err[8];
    memset(err, 'x', sizeof err);
    crpki_errf(err, sizeof err, "%s", "0123456789");
    assert_string_equal(err, "0123456");
}

static void errf_with_null_or_empty_buffer_writes_nothing(void **state)
{
    (void)state;
    crpki_errf(NULL, 10, "x");
    char err[4] = "abc";
    crpki_errf(err, 0, "zzz");
    assert_string_equal(err, "abc");
    crpki_errf_append(NULL, 10, "x");
    crpki_errf_append(err, 0, "zzz");
    assert_string_equal(err, "abc");
}

static void append_adds_after_content_and_truncates(void **state)
{
    (void)state;
    char err[12] = "abc";
    crpki_errf_append(err, sizeof err, " (%s)", "d");
    assert_string_equal(err, "abc (d)");
    crpki_errf_append(err, sizeof err, "%s", "efghijk");
    assert_string_equal(err, "abc (d)efgh");
    crpki_errf_append(err, sizeof err, "%s", "more"); /* full: unchanged */
    assert_string_equal(err, "abc (d)efgh");
}

static void append_to_unterminated_full_buffer_is_safe(void **state)
{
    (void)state;
    char err[4];
    memset(err, 'x', sizeof err); /* no terminator within errsz */
    crpki_errf_append(err, sizeof err, "y");
    assert_memory_equal(err, "xxxx", 4);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(errf_replaces_content),
        cmocka_unit_test(errf_truncates_to_buffer_and_terminates),
        cmocka_unit_test(errf_with_null_or_empty_buffer_writes_nothing),
        cmocka_unit_test(append_adds_after_content_and_truncates),
        cmocka_unit_test(append_to_unterminated_full_buffer_is_safe),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
