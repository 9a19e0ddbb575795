/* rssp_client without a service: option validation, no network at
 * creation, request validation before any network, the token source, and
 * cancellation of a wait from another thread (the curl_multi_wakeup path
 * that makes rssp_cancel_trigger end a long poll), with its latency. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "crpki/rssp_client.h"
#include "base/platform/plat_thread.h"
#include "rc_client.h"
#include "rc_sign.h"
#include "rc_transport.h"
#include "base/platform/plat_clock.h"

#define NOWHERE "https://127.0.0.1:9"

static rssp_options opts(void)
{
    rssp_options o;
    memset(&o, 0, sizeof o);
    o.service_url = NOWHERE;
    o.connect_timeout_ms = 300;
    o.max_retries = 1;
    return o;
}

static crpki_err try_new(const rssp_options *o, crpki_error_info *ei)
{
    rssp_client *c = (rssp_client *)1;
    crpki_err e = rssp_client_new(o, &c, ei);
    if (e == CRPKI_OK)
        rssp_client_free(c);
    else
        assert_null(c);
    return e;
}

static void valid_options_create_a_client_without_network(void **state)
{
    (void)state;
    rssp_options o = opts();
    crpki_error_info ei;
    memset(&ei, 0x55, sizeof ei);
    rssp_client *c = NULL;
    /* 127.0.0.1:9 has no service: creation must not notice */
    assert_int_equal(rssp_client_new(&o, &c, &ei), CRPKI_OK);
    assert_non_null(c);
    assert_int_equal(ei.code, CRPKI_OK);
    assert_string_equal(c->base_url, NOWHERE);
    assert_string_equal(c->client_id, "crpki-driver");
    assert_int_equal(c->request_timeout_ms, 30000);
    assert_int_equal(c->max_retries, 1);
    rssp_client_free(c);
    rssp_client_free(NULL);
    /* every documented default */
    o.max_retries = 0;
    o.connect_timeout_ms = 0;
    o.proxy_mode = RSSP_PROXY_SYSTEM;
    o.ca_bundle = "/nonexistent/ca.pem"; /* not read at creation */
    o.user_agent = "app/1.0 (test)";
    o.client_id = "other-client";
    assert_int_equal(rssp_client_new(&o, &c, &ei), CRPKI_OK);
    assert_int_equal(c->max_retries, 4);
    assert_string_equal(c->client_id, "other-client");
    rssp_client_free(c);
    o = opts();
    o.proxy_mode = RSSP_PROXY_EXPLICIT;
    o.proxy_host = "proxy.corp";
    o.proxy_port = 8080;
    o.proxy_user = "u";
    o.proxy_password = "secret";
    assert_int_equal(try_new(&o, &ei), CRPKI_OK);
    o.proxy_host = "::1";
    o.proxy_user = NULL;
    o.proxy_password = NULL;
    assert_int_equal(try_new(&o, &ei), CRPKI_OK);
}

static void bad_options_are_invalid_arg_naming_the_option(void **state)
{
    (void)state;
    static const struct {
        const char *what;
        const char *service_url;
        int mode;
        const char *phost;
        unsigned pport;
        const char *puser, *ppass;
        unsigned cto, rto, retries;
        const char *ca, *cid, *ua;
    } ROWS[] = {
        {"service_url", "http://localhost:8443", 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0},
        {"service_url", NULL, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0},
        {"service_url", "https://h/x?y", 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0},
        {"proxy_mode", NOWHERE, 7, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0},
        {"proxy_host", NOWHERE, RSSP_PROXY_EXPLICIT, NULL, 8080, 0, 0, 0, 0, 0, 0, 0, 0},
        {"proxy_host", NOWHERE, RSSP_PROXY_EXPLICIT, "a b", 8080, 0, 0, 0, 0, 0, 0, 0, 0},
        {"proxy_port", NOWHERE, RSSP_PROXY_EXPLICIT, "p", 0, 0, 0, 0, 0, 0, 0, 0, 0},
        {"proxy_port", NOWHERE, RSSP_PROXY_EXPLICIT, "p", 70000, 0, 0, 0, 0, 0, 0, 0, 0},
        {"proxy_password", NOWHERE, RSSP_PROXY_EXPLICIT, "p", 1, NULL, "pw", 0, 0, 0, 0, 0, 0},
        {"proxy_user", NOWHERE, RSSP_PROXY_EXPLICIT, "p", 1, "a\r\nX: y", "pw", 0, 0, 0, 0, 0, 0},
        {"connect_timeout_ms", NOWHERE, 0, 0, 0, 0, 0, 3600001, 0, 0, 0, 0, 0},
        {"request_timeout_ms", NOWHERE, 0, 0, 0, 0, 0, 0, 3600001, 0, 0, 0, 0},
        {"max_retries", NOWHERE, 0, 0, 0, 0, 0, 0, 0, 21, 0, 0, 0},
        {"ca_bundle", NOWHERE, 0, 0, 0, 0, 0, 0, 0, 0, "", 0, 0},
        {"client_id", NOWHERE, 0, 0, 0, 0, 0, 0, 0, 0, 0, "a b", 0},
        {"user_agent", NOWHERE, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, "x\r\nInjected: 1"},
    };
    for (size_t i = 0; i < sizeof ROWS / sizeof ROWS[0]; i++) {
        rssp_options o;
        memset(&o, 0, sizeof o);
        o.service_url = ROWS[i].service_url;
        o.proxy_mode = (rssp_proxy_mode)ROWS[i].mode;
        o.proxy_host = ROWS[i].phost;
        o.proxy_port = ROWS[i].pport;
        o.proxy_user = ROWS[i].puser;
        o.proxy_password = ROWS[i].ppass;
        o.connect_timeout_ms = ROWS[i].cto;
        o.request_timeout_ms = ROWS[i].rto;
        o.max_retries = ROWS[i].retries;
        o.ca_bundle = ROWS[i].ca;
        o.client_id = ROWS[i].cid;
        o.user_agent = ROWS[i].ua;
        crpki_error_info ei;
        crpki_err e = try_new(&o, &ei);
        if (e != CRPKI_E_INVALID_ARG || ei.code != CRPKI_E_INVALID_ARG ||
            strncmp(ei.detail, ROWS[i].what, strlen(ROWS[i].what)) != 0)
            fail_msg("row %u (%s): %s \"%s\"", (unsigned)i, ROWS[i].what, crpki_err_name(e),
                     ei.detail);
        /* the password is never echoed */
        assert_null(strstr(ei.detail, "pw"));
    }
    rssp_client *c;
    assert_int_equal(rssp_client_new(NULL, &c, NULL), CRPKI_E_INVALID_ARG);
    rssp_options o = opts();
    assert_int_equal(rssp_client_new(&o, NULL, NULL), CRPKI_E_INVALID_ARG);
}

static rssp_sign_request sign_req(const uint8_t *hashes)
{
    rssp_sign_request r;
    memset(&r, 0, sizeof r);
    r.credential_id = "cred-0123456789abcdef";
    r.key_type = RSSP_KEY_RSA;
    r.key_bits = 2048;
    r.scheme = RSSP_SIG_RSA_PKCS1;
    r.hash_oid = "2.16.840.1.101.3.4.2.1";
    r.hashes = hashes;
    r.num_hashes = 1;
    return r;
}

static void sign_request_validation_happens_before_any_network(void **state)
{
    (void)state;
    static uint8_t h[64];
    char err[160];
    rssp_sign_request r = sign_req(h);
    assert_int_equal(rc_sign_check_request(&r, err, sizeof err), CRPKI_OK);
#define BAD(field_change, want, prefix)                                                            \
    do {                                                                                           \
        r = sign_req(h);                                                                           \
        field_change;                                                                              \
        crpki_err e_ = rc_sign_check_request(&r, err, sizeof err);                                 \
        if (e_ != (want) || strncmp(err, prefix, strlen(prefix)) != 0)                             \
            fail_msg("%s: got %s \"%s\"", #field_change, crpki_err_name(e_), err);                 \
    } while (0)
    BAD(r.credential_id = NULL, CRPKI_E_INVALID_ARG, "credential_id");
    BAD(r.credential_id = "", CRPKI_E_INVALID_ARG, "credential_id");
    BAD(r.credential_id = "a b", CRPKI_E_INVALID_ARG, "credential_id");
    BAD(r.key_type = (rssp_key_type)0, CRPKI_E_INVALID_ARG, "key_type");
    BAD(r.key_bits = 512, CRPKI_E_INVALID_ARG, "key_bits");
    BAD(r.scheme = RSSP_SIG_ECDSA, CRPKI_E_INVALID_ARG, "scheme");
    BAD((r.key_type = RSSP_KEY_EC, r.key_bits = 256), CRPKI_E_INVALID_ARG, "scheme");
    BAD((r.key_type = RSSP_KEY_EC, r.key_bits = 1024, r.scheme = RSSP_SIG_ECDSA),
        CRPKI_E_INVALID_ARG, "key_bits");
    BAD(r.hash_oid = NULL, CRPKI_E_INVALID_ARG, "hash_oid");
    BAD(r.hash_oid = "1.2.840.113549.2.5", CRPKI_E_UNSUPPORTED_ALG, "hash_oid");
    BAD(r.hash_oid = "1.2.3.4", CRPKI_E_UNSUPPORTED_ALG, "hash_oid");
    /* PSS: emLen 256 - hLen 32 - 2 = 222 is the largest salt for RSA-2048/SHA-256 */
    BAD((r.scheme = RSSP_SIG_RSA_PSS, r.pss_salt_len = 223), CRPKI_E_INVALID_ARG, "pss_salt_len");
    r = sign_req(h);
    r.scheme = RSSP_SIG_RSA_PSS;
    r.pss_salt_len = 222;
    assert_int_equal(rc_sign_check_request(&r, err, sizeof err), CRPKI_OK);
    BAD(r.hashes = NULL, CRPKI_E_INVALID_ARG, "hashes");
    BAD(r.num_hashes = 0, CRPKI_E_INVALID_ARG, "hashes");
    BAD(r.num_hashes = 1025, CRPKI_E_INVALID_ARG, "hashes");
    static char longdesc[258];
    memset(longdesc, 'x', 257);
    BAD(r.description = longdesc, CRPKI_E_INVALID_ARG, "description");
    BAD(r.description = "line\nbreak", CRPKI_E_INVALID_ARG, "description");
    BAD(r.description = "\xff", CRPKI_E_INVALID_ARG, "description");
    r = sign_req(h);
    r.description = "\xe5\xa5\x91\xe7\xb4\x84\xe6\x9b\xb8.pdf"; /* 契約書.pdf */
    assert_int_equal(rc_sign_check_request(&r, err, sizeof err), CRPKI_OK);
    assert_int_equal(rc_sign_check_request(NULL, err, sizeof err), CRPKI_E_INVALID_ARG);
#undef BAD

    /* through rssp_sign: refused at once, no approval callback */
    rssp_options o = opts();
    rssp_client *c;
    crpki_error_info ei;
    assert_int_equal(rssp_client_new(&o, &c, &ei), CRPKI_OK);
    rssp_signatures out;
    r = sign_req(h);
    r.key_bits = 100;
    assert_int_equal(rssp_sign(c, &r, &out, &ei), CRPKI_E_INVALID_ARG);
    assert_int_equal(ei.code, CRPKI_E_INVALID_ARG);
    assert_non_null(strstr(ei.detail, "key_bits"));
    assert_null(out.sigs);
    assert_int_equal(rssp_sign(c, NULL, &out, &ei), CRPKI_E_INVALID_ARG);
    assert_int_equal(rssp_sign(c, &r, NULL, &ei), CRPKI_E_INVALID_ARG);
    rssp_client_free(c);
}

static unsigned access_calls;
static crpki_err no_token(void *ctx, char *buf, size_t bufsz)
{
    (void)ctx;
    (void)buf;
    (void)bufsz;
    access_calls++;
    return CRPKI_E_NOT_LOGGED_IN;
}
static crpki_err bad_token(void *ctx, char *buf, size_t bufsz)
{
    (void)ctx;
    snprintf(buf, bufsz, "tok\r\nX-Injected: 1");
    return CRPKI_OK;
}

static void csc_calls_without_a_token_are_not_logged_in_without_network(void **state)
{
    (void)state;
    rssp_options o = opts();
    rssp_client *c;
    crpki_error_info ei;
    assert_int_equal(rssp_client_new(&o, &c, &ei), CRPKI_OK);
    char **ids;
    size_t n;
    /* no token source at all */
    assert_int_equal(rssp_list_credentials(c, &ids, &n, &ei), CRPKI_E_NOT_LOGGED_IN);
    assert_null(ids);
    /* a source without a token */
    rssp_token_source ts = {NULL, no_token, NULL};
    rssp_client_set_token_source(c, &ts);
    rssp_credential cr;
    assert_int_equal(rssp_get_credential(c, "cred-1", &cr, &ei), CRPKI_E_NOT_LOGGED_IN);
    assert_int_equal(access_calls, 1);
    static uint8_t h[32];
    rssp_sign_request r = sign_req(h);
    rssp_signatures out;
    assert_int_equal(rssp_sign(c, &r, &out, &ei), CRPKI_E_NOT_LOGGED_IN);
    assert_int_equal(access_calls, 2);
    /* a token that would inject a header is refused before sending */
    ts.get_access = bad_token;
    rssp_client_set_token_source(c, &ts);
    assert_int_equal(rssp_list_credentials(c, &ids, &n, &ei), CRPKI_E_TOKEN_STORE);
    assert_null(strstr(ei.detail, "Injected"));
    rssp_client_set_token_source(c, NULL);
    assert_int_equal(rssp_list_credentials(c, &ids, &n, &ei), CRPKI_E_NOT_LOGGED_IN);
    assert_int_equal(rssp_get_credential(c, "a b", &cr, &ei), CRPKI_E_INVALID_ARG);
    rssp_client_set_token_source(NULL, &ts);
    rssp_client_free(c);
}

static void free_functions_accept_null_and_zeroed_structures(void **state)
{
    (void)state;
    rssp_tokens t;
    rssp_service_info i;
    rssp_credential cr;
    rssp_signatures s;
    memset(&t, 0, sizeof t);
    memset(&i, 0, sizeof i);
    memset(&cr, 0, sizeof cr);
    memset(&s, 0, sizeof s);
    rssp_tokens_free(&t);
    rssp_service_info_free(&i);
    rssp_credential_free(&cr);
    rssp_signatures_free(&s);
    rssp_tokens_free(NULL);
    rssp_service_info_free(NULL);
    rssp_credential_free(NULL);
    rssp_signatures_free(NULL);
    rssp_free_strings(NULL, 3);
    rssp_cancel_free(NULL);
    rssp_cancel_trigger(NULL);
    assert_false(rssp_cancel_is_triggered(NULL));
}

static void pre_triggered_cancel_gives_cancelled_before_any_network(void **state)
{
    (void)state;
    rssp_options o = opts();
    rssp_client *c;
    crpki_error_info ei;
    assert_int_equal(rssp_client_new(&o, &c, &ei), CRPKI_OK);
    rssp_cancel *cn = rssp_cancel_new();
    assert_non_null(cn);
    assert_false(rssp_cancel_is_triggered(cn));
    rssp_cancel_trigger(cn);
    rssp_cancel_trigger(cn);
    assert_true(rssp_cancel_is_triggered(cn));
    static uint8_t h[32];
    rssp_sign_request r = sign_req(h);
    r.cancel = cn;
    rssp_signatures out;
    int64_t t0 = plat_now_ms();
    assert_int_equal(rssp_sign(c, &r, &out, &ei), CRPKI_E_CANCELLED);
    assert_int_equal(ei.code, CRPKI_E_CANCELLED);
    assert_true(plat_now_ms() - t0 < 500);
    rssp_cancel_free(cn);
    rssp_client_free(c);
}

typedef struct {
    rssp_cancel *cn;
    unsigned delay_ms;
    int64_t triggered_us;
} trigger_arg;

static void trigger_later(void *arg)
{
    trigger_arg *a = arg;
    plat_sleep_ms(a->delay_ms);
    a->triggered_us = plat_now_us();
    rssp_cancel_trigger(a->cn);
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

static void cancel_from_another_thread_ends_a_wait_within_100ms(void **state)
{
    (void)state;
    rssp_options o = opts();
    rssp_client *c;
    crpki_error_info ei;
    assert_int_equal(rssp_client_new(&o, &c, &ei), CRPKI_OK);
    /* no fallback polling within the test's time: only curl_multi_wakeup can
     * end the wait early */
    rc_transport_set_poll_ms(c->tr, 10000);
    double lat[5];
    for (int round = 0; round < 5; round++) {
        rssp_cancel *cn = rssp_cancel_new();
        trigger_arg a = {cn, 150 + 37 * (unsigned)round, 0};
        plat_thread *th = plat_thread_start(trigger_later, &a);
        assert_non_null(th);
        int64_t t0 = plat_now_us();
        crpki_err e = rc_transport_sleep(c->tr, 20000, cn, 0, &ei);
        int64_t t1 = plat_now_us();
        plat_thread_join(th);
        assert_int_equal(e, CRPKI_E_CANCELLED);
        lat[round] = (double)(t1 - a.triggered_us) / 1000.0;
        print_message("      cancel latency %.2f ms (woken after %.0f ms)\n", lat[round],
                      (double)(t1 - t0) / 1000.0);
        rssp_cancel_free(cn);
        /* a cancel that is never triggered does not disturb the next wait */
        rssp_cancel *idle = rssp_cancel_new();
        assert_int_equal(rc_transport_sleep(c->tr, 20, idle, 0, &ei), CRPKI_OK);
        rssp_cancel_free(idle);
    }
    qsort(lat, 5, sizeof lat[0], cmp_double);
    /* the median is the promise (~100 ms); the worst only guards against a
     * wait that ran on to its end on a loaded machine */
    if (lat[2] >= 100.0 || lat[4] >= 1000.0)
        fail_msg("cancel latency median %.1f ms, worst %.1f ms", lat[2], lat[4]);
    rssp_client_free(c);
}

static void deadline_ends_a_wait_on_time(void **state)
{
    (void)state;
    rssp_options o = opts();
    rssp_client *c;
    crpki_error_info ei;
    assert_int_equal(rssp_client_new(&o, &c, &ei), CRPKI_OK);
    int64_t t0 = plat_now_ms();
    assert_int_equal(rc_transport_sleep(c->tr, 20000, NULL, t0 + 300, &ei), CRPKI_E_DEADLINE);
    int64_t el = plat_now_ms() - t0;
    assert_true(el >= 290 && el < 1500);
    /* a wait shorter than the deadline just sleeps */
    t0 = plat_now_ms();
    assert_int_equal(rc_transport_sleep(c->tr, 120, NULL, t0 + 5000, &ei), CRPKI_OK);
    el = plat_now_ms() - t0;
    assert_true(el >= 115 && el < 1500);
    rssp_client_free(c);
}

static void closed_port_gives_network_after_the_retries(void **state)
{
    (void)state;
    rssp_options o = opts();
    o.max_retries = 2;
    rssp_client *c;
    crpki_error_info ei;
    assert_int_equal(rssp_client_new(&o, &c, &ei), CRPKI_OK);
    rssp_service_info info;
    int64_t t0 = plat_now_ms();
    crpki_err e = rssp_info(c, &info, &ei);
    int64_t el = plat_now_ms() - t0;
    if (e != CRPKI_E_NETWORK)
        fail_msg("info on a closed port: %s \"%s\"", crpki_err_name(e), ei.detail);
    assert_int_equal(ei.code, CRPKI_E_NETWORK);
    assert_int_equal(ei.http_status, 0);
    assert_non_null(strstr(ei.detail, "/csc/v2/info"));
    assert_null(info.name);
    /* two retries: at most 200 + 400 ms of backoff plus three 300 ms attempts */
    assert_true(el < 10000);
    rssp_client_free(c);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(valid_options_create_a_client_without_network),
        cmocka_unit_test(bad_options_are_invalid_arg_naming_the_option),
        cmocka_unit_test(sign_request_validation_happens_before_any_network),
        cmocka_unit_test(csc_calls_without_a_token_are_not_logged_in_without_network),
        cmocka_unit_test(free_functions_accept_null_and_zeroed_structures),
        cmocka_unit_test(pre_triggered_cancel_gives_cancelled_before_any_network),
        cmocka_unit_test(cancel_from_another_thread_ends_a_wait_within_100ms),
        cmocka_unit_test(deadline_ends_a_wait_on_time),
        cmocka_unit_test(closed_port_gives_network_after_the_retries),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
