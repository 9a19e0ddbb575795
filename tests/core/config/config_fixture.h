/* The fixture of the config tests (test_config.c, test_config_machine.c):
 * a scratch directory with a user file and a machine file, and the checks
 * both use. */
#ifndef CRPKI_TESTS_CORE_CONFIG_FIXTURE_H
#define CRPKI_TESTS_CORE_CONFIG_FIXTURE_H

#include "crpki/config.h"

typedef struct {
    char *dir;
    char *user;    /* dir/config.json */
    char *machine; /* dir/machine.json */
} fixture;

int cfgt_setup(void **state);
int cfgt_teardown(void **state);
/* json written as the user's file and loaded alone. */
crpki_err cfgt_load_user_text(fixture *f, const char *json, crpki_config *cfg,
                              crpki_error_info *ei);
/* json must be refused with exactly detail. */
void cfgt_expect_refused(fixture *f, const char *json, const char *detail);
void cfgt_expect_loaded(fixture *f, const char *json, crpki_config *cfg);
void cfgt_assert_defaults(const crpki_config *c);

#define T(fn) cmocka_unit_test_setup_teardown(fn, cfgt_setup, cfgt_teardown)

#endif
