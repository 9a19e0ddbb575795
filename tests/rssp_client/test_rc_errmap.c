/* The error mapping tables (rc_errmap.h), row by row, as docs/client.md
 * prints them. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <curl/curl.h>

#include "rc_errmap.h"
#include "base/error/fail.h"

static void service_errors_map_to_their_codes(void **state)
{
    (void)state;
    static const struct {
        int status;
        const char *error;
        crpki_err want;
    } ROWS[] = {
        {400, "invalid_credential", CRPKI_E_UNKNOWN_CREDENTIAL},
        {400, "unsupported_algorithm", CRPKI_E_UNSUPPORTED_ALG},
        {400, "invalid_hash", CRPKI_E_BAD_HASH},
        {400, "access_denied", CRPKI_E_DENIED},
        {400, "expired_token", CRPKI_E_APPROVAL_EXPIRED},
        {400, "invalid_sad", CRPKI_E_SAD_REJECTED},
        {400, "invalid_grant", CRPKI_E_NOT_LOGGED_IN},
        {400, "invalid_request", CRPKI_E_INVALID_ARG},
        {413, "request_too_large", CRPKI_E_INVALID_ARG},
        {400, "slow_down", CRPKI_E_BUSY},
        {400, "unsupported_grant_type", CRPKI_E_SERVICE},
        {400, "something_new", CRPKI_E_SERVICE},
        {400, "", CRPKI_E_SERVICE},
        {400, NULL, CRPKI_E_SERVICE},
        {401, "invalid_token", CRPKI_E_UNAUTHORIZED},
        {401, "invalid_client", CRPKI_E_UNAUTHORIZED},
        {401, NULL, CRPKI_E_UNAUTHORIZED},
        {404, "not_found", CRPKI_E_SERVICE},
        {405, "method_not_allowed", CRPKI_E_SERVICE},
        {429, "too_many_requests", CRPKI_E_BUSY},
        {503, "temporarily_unavailable", CRPKI_E_BUSY},
        {503, NULL, CRPKI_E_BUSY},
        {500, "server_error", CRPKI_E_SERVICE},
        {502, NULL, CRPKI_E_SERVICE},
        {504, NULL, CRPKI_E_SERVICE},
        /* a 5xx is the service's failure whatever its error member says */
        {500, "invalid_request", CRPKI_E_SERVICE},
        {302, NULL, CRPKI_E_PROTOCOL},
        {101, NULL, CRPKI_E_PROTOCOL},
        {200, NULL, CRPKI_OK},
        {202, NULL, CRPKI_OK},
    };
    for (size_t i = 0; i < sizeof ROWS / sizeof ROWS[0]; i++) {
        crpki_err got = rc_map_http(ROWS[i].status, ROWS[i].error);
        if (got != ROWS[i].want)
            fail_msg("HTTP %d %s -> %s, want %s", ROWS[i].status,
                     ROWS[i].error ? ROWS[i].error : "(none)", crpki_err_name(got),
                     crpki_err_name(ROWS[i].want));
    }
}

static void curl_results_map_to_transport_codes(void **state)
{
    (void)state;
    static const struct {
        CURLcode cc;
        int proxy;
        long connect_code;
        crpki_err want;
    } ROWS[] = {
        {CURLE_OK, 0, 0, CRPKI_OK},
        {CURLE_COULDNT_CONNECT, 0, 0, CRPKI_E_NETWORK},
        {CURLE_COULDNT_CONNECT, 1, 0, CRPKI_E_PROXY},
        {CURLE_COULDNT_RESOLVE_HOST, 0, 0, CRPKI_E_NETWORK},
        {CURLE_COULDNT_RESOLVE_PROXY, 1, 0, CRPKI_E_PROXY},
        {CURLE_PROXY, 1, 0, CRPKI_E_PROXY},
        {CURLE_RECV_ERROR, 1, 407, CRPKI_E_PROXY},
        {CURLE_RECV_ERROR, 1, 200, CRPKI_E_NETWORK},
        {CURLE_SEND_ERROR, 0, 0, CRPKI_E_NETWORK},
        {CURLE_RECV_ERROR, 0, 0, CRPKI_E_NETWORK},
        {CURLE_GOT_NOTHING, 0, 0, CRPKI_E_NETWORK},
        {CURLE_PARTIAL_FILE, 0, 0, CRPKI_E_NETWORK},
        {CURLE_OPERATION_TIMEDOUT, 0, 0, CRPKI_E_TIMEOUT},
        {CURLE_SSL_CONNECT_ERROR, 0, 0, CRPKI_E_TLS},
        {CURLE_PEER_FAILED_VERIFICATION, 0, 0, CRPKI_E_TLS},
        {CURLE_SSL_CACERT_BADFILE, 0, 0, CRPKI_E_TLS},
        {CURLE_SSL_CERTPROBLEM, 0, 0, CRPKI_E_TLS},
        {CURLE_SSL_CIPHER, 0, 0, CRPKI_E_TLS},
        {CURLE_FILESIZE_EXCEEDED, 0, 0, CRPKI_E_PROTOCOL},
        {CURLE_WRITE_ERROR, 0, 0, CRPKI_E_PROTOCOL},
        {CURLE_WEIRD_SERVER_REPLY, 0, 0, CRPKI_E_PROTOCOL},
        {CURLE_OUT_OF_MEMORY, 0, 0, CRPKI_E_NO_MEMORY},
        {CURLE_UNSUPPORTED_PROTOCOL, 0, 0, CRPKI_E_INTERNAL},
        {CURLE_URL_MALFORMAT, 0, 0, CRPKI_E_INTERNAL},
    };
    for (size_t i = 0; i < sizeof ROWS / sizeof ROWS[0]; i++) {
        crpki_err got = rc_map_curl(ROWS[i].cc, ROWS[i].proxy, ROWS[i].connect_code);
        if (got != ROWS[i].want)
            fail_msg("curl %d (proxy %d, CONNECT %ld) -> %s, want %s", (int)ROWS[i].cc,
                     ROWS[i].proxy, ROWS[i].connect_code, crpki_err_name(got),
                     crpki_err_name(ROWS[i].want));
    }
}

static void only_connection_phase_failures_count_as_never_sent(void **state)
{
    (void)state;
    assert_true(rc_curl_before_send(CURLE_COULDNT_CONNECT));
    assert_true(rc_curl_before_send(CURLE_COULDNT_RESOLVE_HOST));
    assert_true(rc_curl_before_send(CURLE_COULDNT_RESOLVE_PROXY));
    assert_false(rc_curl_before_send(CURLE_SEND_ERROR));
    assert_false(rc_curl_before_send(CURLE_RECV_ERROR));
    assert_false(rc_curl_before_send(CURLE_GOT_NOTHING));
    assert_false(rc_curl_before_send(CURLE_OPERATION_TIMEDOUT));
    assert_false(rc_curl_before_send(CURLE_OK));
}

static void transient_failures_are_connection_failures_not_tls_or_size(void **state)
{
    (void)state;
    assert_true(rc_curl_transient(CURLE_COULDNT_CONNECT));
    assert_true(rc_curl_transient(CURLE_GOT_NOTHING));
    assert_true(rc_curl_transient(CURLE_RECV_ERROR));
    assert_true(rc_curl_transient(CURLE_SEND_ERROR));
    assert_true(rc_curl_transient(CURLE_OPERATION_TIMEDOUT));
    assert_false(rc_curl_transient(CURLE_PEER_FAILED_VERIFICATION));
    assert_false(rc_curl_transient(CURLE_SSL_CONNECT_ERROR));
    assert_false(rc_curl_transient(CURLE_FILESIZE_EXCEEDED));
    assert_false(rc_curl_transient(CURLE_COULDNT_RESOLVE_PROXY));
    assert_false(rc_curl_transient(CURLE_OUT_OF_MEMORY));
}

static void fail_with_fills_the_info_and_accepts_null(void **state)
{
    (void)state;
    crpki_error_info ei;
    ei.http_status = 500;
    ei.service_error[0] = 'x';
    ei.service_error[1] = '\0';
    assert_int_equal(fail_with(&ei, CRPKI_E_TLS, "POST %s: %d", "/csc/v2/info", 60), CRPKI_E_TLS);
    assert_int_equal(ei.code, CRPKI_E_TLS);
    assert_int_equal(ei.http_status, 0);
    assert_string_equal(ei.service_error, "");
    assert_string_equal(ei.detail, "POST /csc/v2/info: 60");
    assert_int_equal(fail_with(NULL, CRPKI_E_BUSY, "x"), CRPKI_E_BUSY);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(service_errors_map_to_their_codes),
        cmocka_unit_test(curl_results_map_to_transport_codes),
        cmocka_unit_test(only_connection_phase_failures_count_as_never_sent),
        cmocka_unit_test(transient_failures_are_connection_failures_not_tls_or_size),
        cmocka_unit_test(fail_with_fills_the_info_and_accepts_null),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
