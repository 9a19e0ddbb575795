/* connect_open: the one path from a configuration to a client and its login
 * state. No network: the checks are what it refuses, what it hands the
 * client (the route of the configured proxy, the password from the token
 * store), and that nothing is returned on a failure. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdlib.h>
#include <string.h>

#include "base/log/log.h"
#include "base/platform/plat_str.h"
#include "core/connect/connect.h"
#include "crpki/config.h"
#include "testutil.h"

static char *g_home;

static int setup(void **state)
{
    (void)state;
    g_home = tu_tempdir("connect");
    return g_home ? 0 : -1;
}

static int teardown(void **state)
{
    (void)state;
    log_close();
    tu_rmtree(g_home);
    free(g_home);
    return 0;
}

/* A configuration of g_home: the defaults, then service_url. */
static void config_with(crpki_config *cfg, const char *service_url)
{
    crpki_error_info ei;
    assert_int_equal(crpki_config_load_files(NULL, NULL, g_home, cfg, &ei), CRPKI_OK);
    cfg->service_url = service_url ? plat_strdup(service_url) : NULL;
}

static void refusals_return_nothing(void **state)
{
    (void)state;
    rssp_client *c = (rssp_client *)1;
    crpki_auth *a = (crpki_auth *)1;
    crpki_error_info ei;
    assert_int_equal(connect_open(NULL, &c, &a, &ei), CRPKI_E_INVALID_ARG);
    assert_null(c);
    assert_null(a);
    crpki_config cfg;
    config_with(&cfg, NULL);
    c = (rssp_client *)1;
    assert_int_equal(connect_open(&cfg, &c, &a, &ei), CRPKI_E_CONFIG);
    assert_non_null(strstr(ei.detail, "service_url"));
    assert_null(c);
    assert_null(a);
    /* a setting the client cannot use is the configuration's error */
    cfg.service_url = plat_strdup("https://rssp.example.jp");
    cfg.proxy_mode = RSSP_PROXY_EXPLICIT;
    cfg.proxy_host = plat_strdup("proxy corp");
    cfg.proxy_port = 8080;
    assert_int_equal(connect_open(&cfg, &c, &a, &ei), CRPKI_E_CONFIG);
    assert_non_null(strstr(ei.detail, "proxy_host"));
    assert_null(c);
    assert_null(a);
    crpki_config_free(&cfg);
}

static void the_client_gets_the_configured_route(void **state)
{
    (void)state;
    crpki_config cfg;
    config_with(&cfg, "https://rssp.example.jp");
    cfg.proxy_mode = RSSP_PROXY_EXPLICIT;
    cfg.proxy_host = plat_strdup("proxy.corp.example");
    cfg.proxy_port = 8080;
    cfg.proxy_user = plat_strdup("tanaka");
    /* the password from the token store, where crpki-mgmt proxy set keeps it */
    crpki_auth *off = NULL;
    crpki_error_info ei;
    assert_int_equal(crpki_auth_new_offline(g_home, &off, &ei), CRPKI_OK);
    assert_int_equal(crpki_auth_set_proxy_password(off, "pr0xy-s3cret", &ei), CRPKI_OK);
    crpki_auth_free(off);
    rssp_client *c = NULL;
    crpki_auth *a = NULL;
    assert_int_equal(connect_open(&cfg, &c, &a, &ei), CRPKI_OK);
    assert_non_null(c);
    assert_non_null(a);
    rssp_route r;
    assert_int_equal(rssp_client_route(c, &r, &ei), CRPKI_OK);
    assert_int_equal(r.from, RSSP_ROUTE_EXPLICIT);
    assert_string_equal(r.proxy, "proxy.corp.example:8080");
    assert_int_equal(r.count, 1);
    assert_false(r.sign_on); /* a password is stored: it is offered, not the sign-on */
    rssp_route_free(&r);
    connect_close(c, a);

    /* none: direct, whatever the environment says */
    cfg.proxy_mode = RSSP_PROXY_NONE;
    assert_int_equal(connect_open(&cfg, &c, &a, &ei), CRPKI_OK);
    assert_int_equal(rssp_client_route(c, &r, &ei), CRPKI_OK);
    assert_int_equal(r.from, RSSP_ROUTE_DIRECT);
    assert_null(r.proxy);
    rssp_route_free(&r);
    connect_close(c, a);
    connect_close(NULL, NULL);
    crpki_config_free(&cfg);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(refusals_return_nothing, setup, teardown),
        cmocka_unit_test_setup_teardown(the_client_gets_the_configured_route, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

int tu_child_main(const char *role, const char *arg)
{
    (void)role;
    (void)arg;
    return 2;
}
