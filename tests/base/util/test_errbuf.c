#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <string.h>

#include "base/util/errbuf.h"

static void errf_replaces_content(void **state)
{
    (void)state;
    char err[32] = "old message";
    errbuf_set(err, sizeof err, "key %s: %d", "port", 7);
    assert_string_equal(err, "key port: 7");
}

static void errf_truncates_to_buffer_and_terminates(void **state)
{
    (void)state;
    char err[8];
    memset(err, 'x', sizeof err);
    errbuf_set(err, sizeof err, "%s", "0123456789");
    assert_string_equal(err, "0123456");
}

static void errf_with_null_or_empty_buffer_writes_nothing(void **state)
{
    (void)state;
    errbuf_set(NULL, 10, "x");
    char err[4] = "abc";
    errbuf_set(err, 0, "zzz");
    assert_string_equal(err, "abc");
    errbuf_append(NULL, 10, "x");
    errbuf_append(err, 0, "zzz");
    assert_string_equal(err, "abc");
}

static void append_adds_after_content_and_truncates(void **state)
{
    (void)state;
    char err[12] = "abc";
    errbuf_append(err, sizeof err, " (%s)", "d");
    assert_string_equal(err, "abc (d)");
    errbuf_append(err, sizeof err, "%s", "efghijk");
    assert_string_equal(err, "abc (d)efgh");
    errbuf_append(err, sizeof err, "%s", "more"); /* full: unchanged */
    assert_string_equal(err, "abc (d)efgh");
}

static void append_to_unterminated_full_buffer_is_safe(void **state)
{
    (void)state;
    char err[4];
    memset(err, 'x', sizeof err); /* no terminator within errsz */
    errbuf_append(err, sizeof err, "y");
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
