/* crpki_auth_new: auth bound to the real rssp_client (no service needed: the
 * service URL points at a closed port). What the client asks of the token
 * source, and what auth does when the client's calls fail. The refresh
 * against the reference service itself is in
 * tests/integration/test_client_tokens.c. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/auth/tokstore.h"
#include "crpki/auth.h"
#include "base/platform/plat_fs.h"
#include "testutil.h"

typedef struct {
    char *dir;
    rssp_client *client;
    crpki_auth *auth;
} fixture;

static int setup(void **state)
{
    fixture *f = calloc(1, sizeof *f);
    if (!f)
        return -1;
    f->dir = tu_tempdir("authc");
    rssp_options o;
    memset(&o, 0, sizeof o);
    o.service_url = "https://localhost:1"; /* nothing listens there */
    o.proxy_mode = RSSP_PROXY_NONE;
    o.connect_timeout_ms = 2000;
    o.request_timeout_ms = 2000;
    o.max_retries = 1;
    crpki_error_info ei;
    if (!f->dir || rssp_client_new(&o, &f->client, &ei) != CRPKI_OK) {
        print_error("rssp_client_new: %s\n", ei.detail);
        return -1;
    }
    if (crpki_auth_new(f->dir, f->client, &f->auth, &ei) != CRPKI_OK) {
        print_error("crpki_auth_new: %s\n", ei.detail);
        return -1;
    }
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    fixture *f = *state;
    crpki_auth_free(f->auth);
    rssp_client_free(f->client);
    tu_rmtree(f->dir);
    free(f->dir);
    free(f);
    return 0;
}

static void store(fixture *f, long left)
{
    int64_t now = (int64_t)time(NULL);
    tokstore ts = {(char *)"AT-1", (char *)"RT-1", now + left, now - 3600, NULL};
    crpki_error_info ei;
    assert_int_equal(tokstore_save(f->dir, &ts, &ei), CRPKI_OK);
}

static void client_call_without_login_is_not_logged_in_without_network(void **state)
{
    fixture *f = *state;
    char **ids = NULL;
    size_t n = 0;
    crpki_error_info ei;
    assert_int_equal(rssp_list_credentials(f->client, &ids, &n, &ei), CRPKI_E_NOT_LOGGED_IN);
}

static void client_call_with_a_fresh_token_goes_to_the_network(void **state)
{
    fixture *f = *state;
    store(f, 3600);
    char **ids = NULL;
    size_t n = 0;
    crpki_error_info ei;
    crpki_err r = rssp_list_credentials(f->client, &ids, &n, &ei);
    /* the token was taken from the store: the failure is the connection's */
    assert_true(r == CRPKI_E_NETWORK || r == CRPKI_E_TIMEOUT);
}

static void refresh_with_unreachable_service_keeps_the_store(void **state)
{
    fixture *f = *state;
    store(f, -10);
    char **ids = NULL;
    size_t n = 0;
    crpki_error_info ei;
    crpki_err r = rssp_list_credentials(f->client, &ids, &n, &ei);
    assert_true(r == CRPKI_E_NETWORK || r == CRPKI_E_TIMEOUT);
    tokstore ts;
    assert_int_equal(tokstore_load(f->dir, &ts, NULL, &ei), CRPKI_OK);
    assert_string_equal(ts.refresh_token, "RT-1");
    tokstore_clear(&ts);
}

static void logout_with_unreachable_service_deletes_the_tokens(void **state)
{
    fixture *f = *state;
    store(f, 3600);
    crpki_error_info ei;
    crpki_err r = crpki_auth_logout(f->auth, &ei);
    assert_true(r == CRPKI_E_NETWORK || r == CRPKI_E_TIMEOUT);
    assert_non_null(strstr(ei.detail, "local tokens deleted"));
    crpki_auth_status st;
    assert_int_equal(crpki_auth_get_status(f->auth, &st, &ei), CRPKI_OK);
    assert_false(st.logged_in);
}

static void freed_auth_is_unbound_from_the_client(void **state)
{
    fixture *f = *state;
    store(f, 3600);
    crpki_auth_free(f->auth);
    f->auth = NULL;
    char **ids = NULL;
    size_t n = 0;
    crpki_error_info ei;
    /* no call into freed memory (ASan): the client has no token source */
    assert_int_equal(rssp_list_credentials(f->client, &ids, &n, &ei), CRPKI_E_NOT_LOGGED_IN);
}

static void auth_without_client_is_invalid_arg(void **state)
{
    fixture *f = *state;
    crpki_auth *a = NULL;
    crpki_error_info ei;
    assert_int_equal(crpki_auth_new(f->dir, NULL, &a, &ei), CRPKI_E_INVALID_ARG);
    assert_null(a);
}

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
        T(client_call_without_login_is_not_logged_in_without_network),
        T(client_call_with_a_fresh_token_goes_to_the_network),
        T(refresh_with_unreachable_service_keeps_the_store),
        T(logout_with_unreachable_service_deletes_the_tokens),
        T(freed_auth_is_unbound_from_the_client),
        T(auth_without_client_is_invalid_arg),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
