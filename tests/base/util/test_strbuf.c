#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdlib.h>
#include <string.h>

#include "base/util/strbuf.h"

static void appends_grow_the_buffer_and_keep_it_terminated(void **state)
{
    (void)state;
    strbuf b = {0};
    strbuf_puts(&b, "");
    assert_non_null(b.p);
    assert_string_equal(b.p, "");
    for (int i = 0; i < 1000; i++)
        strbuf_puts(&b, "0123456789");
    strbuf_put(&b, "a\0b", 3);
    assert_false(b.oom);
    assert_int_equal(b.len, 10003);
    assert_true(b.cap > b.len);
    assert_memory_equal(b.p + 9990, "0123456789a\0b", 14);
    assert_int_equal(b.p[b.len], '\0');
    strbuf_free(&b);
    assert_null(b.p);
    assert_int_equal(b.len, 0);
    assert_int_equal(b.cap, 0);
}

static void a_failed_append_is_sticky(void **state)
{
    (void)state;
    strbuf b = {0};
    strbuf_puts(&b, "abc");
    strbuf_put(&b, "x", SIZE_MAX - 8); /* cannot be allocated */
    assert_true(b.oom);
    strbuf_puts(&b, "def");
    assert_true(b.oom);
    assert_int_equal(b.len, 3);
    assert_string_equal(b.p, "abc");
    strbuf_free(&b);
    assert_false(b.oom);
}

static void a_kept_buffer_belongs_to_the_caller(void **state)
{
    (void)state;
    strbuf b = {0};
    strbuf_puts(&b, "山田 太郎");
    char *s = b.p;
    assert_string_equal(s, "山田 太郎");
    free(s);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(appends_grow_the_buffer_and_keep_it_terminated),
        cmocka_unit_test(a_failed_append_is_sticky),
        cmocka_unit_test(a_kept_buffer_belongs_to_the_caller),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
