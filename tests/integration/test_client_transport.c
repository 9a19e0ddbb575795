/* rssp_client's transport rules against crpki-rsspd: TLS is always
 * verified (the test CA only through ca_bundle), https only, connection
 * failures reported as such. */
#include "client_harness.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static crpki_err info_with(const rssp_options *o, crpki_error_info *ei, double *elapsed)
{
    rssp_client *c = NULL;
    memset(ei, 0, sizeof *ei);
    crpki_err rc = rssp_client_new(o, &c, ei);
    if (rc != CRPKI_OK)
        fail_msg("rssp_client_new(%s): %s, want OK (no network at creation)", o->service_url,
                 ci_describe(rc, ei));
    rssp_service_info i;
    memset(&i, 0, sizeof i);
    double t0 = h_now();
    rc = rssp_info(c, &i, ei);
    if (elapsed)
        *elapsed = h_now() - t0;
    rssp_service_info_free(&i);
    rssp_client_free(c);
    return rc;
}

static void with_the_test_ca_bundle_info_succeeds(void **state)
{
    (void)state;
    rssp_options o;
    ci_options(&o);
    crpki_error_info ei;
    crpki_err rc = info_with(&o, &ei, NULL);
    CI_EXPECT_RC(rc, CRPKI_OK, &ei);
}

static void without_ca_bundle_the_test_certificate_fails_with_tls(void **state)
{
    (void)state;
    rssp_options o;
    ci_options(&o);
    o.ca_bundle = NULL;
    crpki_error_info ei;
    double el;
    crpki_err rc = info_with(&o, &ei, &el);
    CI_EXPECT_RC(rc, CRPKI_E_TLS, &ei);
    assert_int_equal(ei.code, CRPKI_E_TLS);
    print_message("      no CA bundle -> %s in %.0f ms\n", ci_describe(rc, &ei), el * 1e3);
    if (el > 10)
        fail_msg("a TLS verification failure took %.1f s (retried?)", el);
}

static void with_another_ca_as_bundle_fails_with_tls(void **state)
{
    (void)state;
    rssp_options o;
    ci_options(&o);
    o.ca_bundle = h_sim_data()->registrar_ca; /* a CA, but not the TLS one */
    crpki_error_info ei;
    crpki_err rc = info_with(&o, &ei, NULL);
    CI_EXPECT_RC(rc, CRPKI_E_TLS, &ei);
}

static void http_service_url_is_refused_at_creation(void **state)
{
    (void)state;
    char url[64];
    snprintf(url, sizeof url, "http://localhost:%d", h_port());
    rssp_options o;
    ci_options(&o);
    o.service_url = url;
    rssp_client *c = NULL;
    crpki_error_info ei;
    memset(&ei, 0, sizeof ei);
    long mark = ci_log_mark();
    crpki_err rc = rssp_client_new(&o, &c, &ei);
    CI_EXPECT_RC(rc, CRPKI_E_INVALID_ARG, &ei);
    if (c != NULL)
        fail_msg("rssp_client_new failed but handed out a client");
    if (!strstr(ei.detail, "service_url"))
        fail_msg("ei.detail \"%s\" does not name service_url", ei.detail);
    h_sleep_ms(50);
    assert_int_equal(ci_log_count(mark, "POST", NULL), 0);
}

static void missing_or_malformed_service_url_is_refused_at_creation(void **state)
{
    (void)state;
    const char *bad[] = {NULL, "", "localhost:443", "ftp://localhost", "https://", "HTTP://x"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        rssp_options o;
        ci_options(&o);
        o.service_url = bad[i];
        rssp_client *c = NULL;
        crpki_error_info ei;
        memset(&ei, 0, sizeof ei);
        crpki_err rc = rssp_client_new(&o, &c, &ei);
        if (rc != CRPKI_E_INVALID_ARG)
            fail_msg("service_url \"%s\": want CRPKI_E_INVALID_ARG, got %s",
                     bad[i] ? bad[i] : "(null)", ci_describe(rc, &ei));
        assert_null(c);
    }
}

static void closed_port_fails_with_network(void **state)
{
    (void)state;
    rssp_options o;
    ci_options(&o);
    o.service_url = "https://localhost:1";
    o.max_retries = 1;
    crpki_error_info ei;
    double el;
    crpki_err rc = info_with(&o, &ei, &el);
    CI_EXPECT_RC(rc, CRPKI_E_NETWORK, &ei);
    print_message("      closed port -> %s in %.0f ms\n", crpki_err_name(rc), el * 1e3);
    if (el > 20)
        fail_msg("connection refused took %.1f s", el);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(with_the_test_ca_bundle_info_succeeds),
        cmocka_unit_test(without_ca_bundle_the_test_certificate_fails_with_tls),
        cmocka_unit_test(with_another_ca_as_bundle_fails_with_tls),
        cmocka_unit_test(http_service_url_is_refused_at_creation),
        cmocka_unit_test(missing_or_malformed_service_url_is_refused_at_creation),
        cmocka_unit_test(closed_port_fails_with_network),
    };
    return cmocka_run_group_tests_name("client_transport", tests, h_group_setup, h_group_teardown);
}
