/* config_fixture.h */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/log/log.h"
#include "base/platform/plat_fs.h"
#include "config_fixture.h"
#include "testutil.h"

int cfgt_setup(void **state)
{
    fixture *f = calloc(1, sizeof *f);
    if (!f)
        return -1;
    f->dir = tu_tempdir("config");
    if (!f->dir)
        return -1;
    f->user = plat_path_join(f->dir, "config.json");
    f->machine = plat_path_join(f->dir, "machine.json");
    *state = f;
    return 0;
}

int cfgt_teardown(void **state)
{
    fixture *f = *state;
    log_close();
    tu_rmtree(f->dir);
    free(f->dir);
    free(f->user);
    free(f->machine);
    free(f);
    return 0;
}

crpki_err cfgt_load_user_text(fixture *f, const char *json, crpki_config *cfg, crpki_error_info *ei)
{
    assert_int_equal(tu_write_str(f->user, json), 0);
    return crpki_config_load_files(NULL, f->user, f->dir, cfg, ei);
}

void cfgt_expect_refused(fixture *f, const char *json, const char *detail)
{
    crpki_config cfg;
    crpki_error_info ei;
    crpki_err r = cfgt_load_user_text(f, json, &cfg, &ei);
    if (r != CRPKI_E_CONFIG || strcmp(ei.detail, detail) != 0)
        print_error("for %s\n  got %s \"%s\"\n  want \"%s\"\n", json, crpki_err_name(r), ei.detail,
                    detail);
    assert_int_equal(r, CRPKI_E_CONFIG);
    assert_int_equal(ei.code, CRPKI_E_CONFIG);
    assert_string_equal(ei.detail, detail);
}

void cfgt_expect_loaded(fixture *f, const char *json, crpki_config *cfg)
{
    crpki_error_info ei;
    crpki_err r = cfgt_load_user_text(f, json, cfg, &ei);
    if (r != CRPKI_OK)
        print_error("for %s: %s \"%s\"\n", json, crpki_err_name(r), ei.detail);
    assert_int_equal(r, CRPKI_OK);
}

void cfgt_assert_defaults(const crpki_config *c)
{
    assert_null(c->service_url);
    assert_null(c->ca_bundle);
    assert_int_equal(c->proxy_mode, RSSP_PROXY_SYSTEM);
    assert_null(c->proxy_host);
    assert_null(c->proxy_user);
    assert_int_equal(c->connect_timeout_s, 10);
    assert_int_equal(c->request_timeout_s, 30);
    assert_int_equal(c->approval_timeout_s, 180);
#ifdef _WIN32
    assert_int_equal(c->approval_ui, CRPKI_UI_DIALOG);
#else
    assert_int_equal(c->approval_ui, CRPKI_UI_CONSOLE);
#endif
    assert_int_equal(c->log_level, CRPKI_LOG_WARN);
    assert_null(c->warnings);
}

/* testutil.h's child entry: the config tests start no children */
int tu_child_main(const char *role, const char *arg)
{
    (void)role;
    (void)arg;
    return 2;
}
