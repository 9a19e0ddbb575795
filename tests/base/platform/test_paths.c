/* Where the per-user state directory and the machine-wide file are:
 * CRPKI_HOME first, then the platform's place (docs/architecture.md). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdlib.h>
#include <string.h>

#include "crpki/config.h"
#include "base/platform/plat_env.h"
#include "base/platform/plat_fs.h"
#include "testutil.h"

static const char *const SAVED[] = {"CRPKI_HOME", "XDG_CONFIG_HOME", "HOME", "APPDATA"};
#define NSAVED (sizeof SAVED / sizeof SAVED[0])

typedef struct {
    char *old[NSAVED];
    char *dir;
} fixture;

static int setup(void **state)
{
    fixture *f = calloc(1, sizeof *f);
    if (!f)
        return -1;
    for (size_t i = 0; i < NSAVED; i++)
        f->old[i] = plat_getenv(SAVED[i]);
    f->dir = tu_tempdir("paths");
    plat_setenv("CRPKI_HOME", NULL);
    *state = f;
    return f->dir ? 0 : -1;
}

static int teardown(void **state)
{
    fixture *f = *state;
    for (size_t i = 0; i < NSAVED; i++) {
        plat_setenv(SAVED[i], f->old[i]);
        free(f->old[i]);
    }
    tu_rmtree(f->dir);
    free(f->dir);
    free(f);
    return 0;
}

static char *home_dir(void)
{
    char *h = NULL;
    crpki_error_info ei;
    crpki_err r = crpki_home_dir(&h, &ei);
    if (r != CRPKI_OK)
        print_error("crpki_home_dir: %s %s\n", crpki_err_name(r), ei.detail);
    assert_int_equal(r, CRPKI_OK);
    assert_non_null(h);
    return h;
}

static void crpki_home_wins_over_everything(void **state)
{
    (void)state;
    assert_int_equal(plat_setenv("CRPKI_HOME", "/srv/crpki-test-home"), 0);
    plat_setenv("XDG_CONFIG_HOME", "/xdg");
    char *h = home_dir();
    assert_string_equal(h, "/srv/crpki-test-home");
    free(h);
}

static void crpki_home_in_japanese_is_kept_as_utf8(void **state)
{
    fixture *f = *state;
    char *jp = plat_path_join(f->dir, "山田太郎の設定");
    assert_int_equal(plat_setenv("CRPKI_HOME", jp), 0);
    char *h = home_dir();
    assert_string_equal(h, jp);
    /* and config load/save works there */
    crpki_config cfg;
    crpki_error_info ei;
    assert_int_equal(crpki_config_load(NULL, &cfg, &ei), CRPKI_OK);
    assert_string_equal(cfg.home, jp);
    cfg.request_timeout_s = 42;
    assert_int_equal(crpki_config_save(&cfg, &ei), CRPKI_OK);
    crpki_config_free(&cfg);
    assert_int_equal(crpki_config_load(NULL, &cfg, &ei), CRPKI_OK);
    assert_int_equal(cfg.request_timeout_s, 42);
    crpki_config_free(&cfg);
    char *file = plat_path_join(jp, "config.json");
    assert_true(tu_exists(file));
    free(file);
    free(h);
    free(jp);
}

static void empty_crpki_home_is_ignored(void **state)
{
    (void)state;
    plat_setenv("CRPKI_HOME", "");
    char *h = home_dir();
    assert_true(strlen(h) > 0);
    free(h);
}

static void machine_config_path_is_the_platform_one(void **state)
{
    (void)state;
    char *p = NULL;
    crpki_error_info ei;
    assert_int_equal(plat_machine_config_path(&p, &ei), CRPKI_OK);
#ifdef _WIN32
    const char *tail = "\\CrpkiRemoteSign\\config.json";
    assert_true(strlen(p) > strlen(tail));
    assert_string_equal(p + strlen(p) - strlen(tail), tail);
#else
    assert_string_equal(p, "/etc/crpki/config.json");
#endif
    free(p);
}

#ifdef _WIN32
static void windows_default_is_roaming_appdata_crpkiremotesign(void **state)
{
    (void)state;
    char *h = home_dir();
    const char *tail = "\\CrpkiRemoteSign";
    assert_true(strlen(h) > strlen(tail) + 3);
    assert_string_equal(h + strlen(h) - strlen(tail), tail);
    /* SHGetKnownFolderPath(FOLDERID_RoamingAppData) is what %APPDATA% says */
    char *appdata = plat_getenv("APPDATA");
    assert_non_null(appdata);
    char *want = plat_path_join(appdata, "CrpkiRemoteSign");
    assert_true(_stricmp(h, want) == 0);
    free(want);
    free(appdata);
    free(h);
}
#else
static void xdg_config_home_gives_its_crpki_directory(void **state)
{
    (void)state;
    plat_setenv("XDG_CONFIG_HOME", "/home/u/.xdg");
    plat_setenv("HOME", "/home/u");
    char *h = home_dir();
    assert_string_equal(h, "/home/u/.xdg/crpki");
    free(h);
}

static void relative_xdg_config_home_is_ignored(void **state)
{
    (void)state;
    plat_setenv("XDG_CONFIG_HOME", "relative/dir");
    plat_setenv("HOME", "/home/u");
    char *h = home_dir();
    assert_string_equal(h, "/home/u/.config/crpki");
    free(h);
}

static void no_xdg_falls_back_to_home_dot_config(void **state)
{
    (void)state;
    plat_setenv("XDG_CONFIG_HOME", NULL);
    plat_setenv("HOME", "/home/山田");
    char *h = home_dir();
    assert_string_equal(h, "/home/山田/.config/crpki");
    free(h);
}

static void no_home_falls_back_to_the_passwd_entry(void **state)
{
    (void)state;
    plat_setenv("XDG_CONFIG_HOME", NULL);
    plat_setenv("HOME", NULL);
    char *h = home_dir();
    assert_true(h[0] == '/');
    const char *tail = "/.config/crpki";
    assert_string_equal(h + strlen(h) - strlen(tail), tail);
    free(h);
}
#endif

int tu_child_main(const char *role, const char *arg)
{
    (void)role;
    (void)arg;
    return 2;
}

#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)

int main(void)
{
    const struct CMUnitTest tests[] = {
        T(crpki_home_wins_over_everything),
        T(crpki_home_in_japanese_is_kept_as_utf8),
        T(empty_crpki_home_is_ignored),
        T(machine_config_path_is_the_platform_one),
#ifdef _WIN32
        T(windows_default_is_roaming_appdata_crpkiremotesign),
#else
        T(xdg_config_home_gives_its_crpki_directory),
        T(relative_xdg_config_home_is_ignored),
        T(no_xdg_falls_back_to_home_dot_config),
        T(no_home_falls_back_to_the_passwd_entry),
#endif
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
