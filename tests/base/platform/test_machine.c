/* plat_machine: the administrator's values for every user.
 * Windows (under Wine, in HKLM of the test's prefix: RUN_SERIAL): set, read
 * back, removed; an empty value is "not set"; a key that Users may write to
 * is not trusted, and the reason names who. POSIX: there is no such store
 * (the machine file is the place): nothing read, setting refused. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdlib.h>
#include <string.h>

#include "base/platform/plat_machine.h"

#include "testutil.h"

static void values_are_set_read_and_removed(void **state)
{
    (void)state;
    char why[300], *v = NULL;
    crpki_error_info ei;
    crpki_err r = plat_machine_set(PLAT_MACHINE_SERVICE_URL, "https://rssp.example.jp", &ei);
#ifdef _WIN32
    assert_int_equal(r, CRPKI_OK);
    assert_int_equal(plat_machine_get(PLAT_MACHINE_SERVICE_URL, &v, why, sizeof why), 1);
    assert_string_equal(v, "https://rssp.example.jp");
    free(v);
    /* Japanese survives (UTF-8 in, UTF-16 in the registry, UTF-8 out) */
    const char *ja = "C:\\ProgramData\\会社\\ルート.pem";
    assert_int_equal(plat_machine_set(PLAT_MACHINE_CA_BUNDLE, ja, &ei), CRPKI_OK);
    assert_int_equal(plat_machine_get(PLAT_MACHINE_CA_BUNDLE, &v, why, sizeof why), 1);
    assert_string_equal(v, ja);
    free(v);
    /* what an install without the property writes: not set */
    assert_int_equal(plat_machine_set(PLAT_MACHINE_CA_BUNDLE, "", &ei), CRPKI_OK);
    assert_int_equal(plat_machine_get(PLAT_MACHINE_CA_BUNDLE, &v, why, sizeof why), 0);
    assert_null(v);
    assert_int_equal(plat_machine_set(PLAT_MACHINE_SERVICE_URL, NULL, &ei), CRPKI_OK);
    assert_int_equal(plat_machine_set(PLAT_MACHINE_CA_BUNDLE, NULL, &ei), CRPKI_OK);
    assert_int_equal(plat_machine_set(PLAT_MACHINE_CA_BUNDLE, NULL, &ei), CRPKI_OK); /* absent */
    assert_int_equal(plat_machine_get(PLAT_MACHINE_SERVICE_URL, &v, why, sizeof why), 0);
    assert_null(v);
#else
    assert_int_equal(r, CRPKI_E_NOT_SUPPORTED);
    assert_int_equal(plat_machine_get(PLAT_MACHINE_SERVICE_URL, &v, why, sizeof why), 0);
    assert_null(v);
#endif
}

static void a_key_others_may_change_is_not_trusted(void **state)
{
    (void)state;
#ifdef _WIN32
    char why[300], *v = NULL;
    crpki_error_info ei;
    assert_int_equal(plat_machine_set(PLAT_MACHINE_SERVICE_URL, "https://planted.example", &ei),
                     CRPKI_OK);
    /* Users given the right to set values: a planted URL would reach everyone */
    assert_int_equal(tu_machine_key_sddl(L"O:BAD:P(A;CI;KA;;;BA)(A;CI;KA;;;SY)(A;CI;KA;;;BU)"), 0);
    assert_int_equal(plat_machine_get(PLAT_MACHINE_SERVICE_URL, &v, why, sizeof why), -1);
    assert_null(v);
    print_message("      %s\n", why);
    assert_non_null(strstr(why, "writable by S-1-5-32-545"));
    /* back to what HKLM\SOFTWARE gives: administrators change, Users read */
    assert_int_equal(tu_machine_key_sddl(L"O:BAD:P(A;CI;KA;;;BA)(A;CI;KA;;;SY)(A;CI;KR;;;BU)"), 0);
    assert_int_equal(plat_machine_get(PLAT_MACHINE_SERVICE_URL, &v, why, sizeof why), 1);
    assert_string_equal(v, "https://planted.example");
    free(v);
    assert_int_equal(plat_machine_set(PLAT_MACHINE_SERVICE_URL, NULL, &ei), CRPKI_OK);
#else
    print_message("      POSIX: no machine store; the file's rule is test_plat_acl's\n");
    char why[64], *v = NULL;
    assert_int_equal(plat_machine_get(PLAT_MACHINE_CA_BUNDLE, &v, why, sizeof why), 0);
#endif
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(values_are_set_read_and_removed),
        cmocka_unit_test(a_key_others_may_change_is_not_trusted),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
