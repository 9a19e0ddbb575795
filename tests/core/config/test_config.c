/* config: strict parse of every key, limits, save (the machine-wide layers:
 * test_config_machine.c). */
#define _POSIX_C_SOURCE 200809L /* symlink */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#ifndef _WIN32
#include <sys/stat.h>
#include <unistd.h>
#endif

#include "crpki/config.h"
#include "base/platform/plat_str.h"
#include "base/log/log.h"
#include "base/platform/plat_acl.h"
#include "base/platform/plat_fs.h"
#include "base/platform/plat_machine.h"
#include "core/config/config_internal.h"
#include "config_fixture.h"
#include "testutil.h"

/* ---- files present or not --------------------------------------------------- */

static void missing_files_give_defaults(void **state)
{
    fixture *f = *state;
    crpki_config cfg;
    crpki_error_info ei;
    assert_int_equal(crpki_config_load_files(f->machine, f->user, f->dir, &cfg, &ei), CRPKI_OK);
    cfgt_assert_defaults(&cfg);
    assert_string_equal(cfg.home, f->dir);
    crpki_config_free(&cfg);
    assert_int_equal(crpki_config_load_files(NULL, NULL, NULL, &cfg, &ei), CRPKI_OK);
    cfgt_assert_defaults(&cfg);
    assert_null(cfg.home);
    crpki_config_free(&cfg);
    /* load() with a home: its config.json, absent here, and the machine file */
    assert_int_equal(crpki_config_load(f->dir, &cfg, &ei), CRPKI_OK);
    assert_string_equal(cfg.home, f->dir);
    crpki_config_free(&cfg);
}

static void empty_object_gives_defaults(void **state)
{
    fixture *f = *state;
    crpki_config cfg;
    cfgt_expect_loaded(f, "{}", &cfg);
    cfgt_assert_defaults(&cfg);
    crpki_config_free(&cfg);
}

static void every_key_valid_is_taken(void **state)
{
    fixture *f = *state;
    crpki_config cfg;
    cfgt_expect_loaded(f,
                       "{\"service_url\": \"https://rssp.example.jp:8443\",\n"
                       " \"ca_bundle\": \"/etc/ssl/corp-root.pem\",\n"
                       " \"proxy\": {\"host\": \"proxy.corp.example\", \"port\": 8080, \"user\": "
                       "\"tanaka\"},\n"
                       " \"connect_timeout_s\": 1, \"request_timeout_s\": 3600,\n"
                       " \"approval_timeout_s\": 300, \"approval_ui\": \"none\", \"log_level\": "
                       "\"debug\"}\n",
                       &cfg);
    assert_string_equal(cfg.service_url, "https://rssp.example.jp:8443");
    assert_string_equal(cfg.ca_bundle, "/etc/ssl/corp-root.pem");
    assert_int_equal(cfg.proxy_mode, RSSP_PROXY_EXPLICIT);
    assert_string_equal(cfg.proxy_host, "proxy.corp.example");
    assert_int_equal(cfg.proxy_port, 8080);
    assert_string_equal(cfg.proxy_user, "tanaka");
    assert_int_equal(cfg.connect_timeout_s, 1);
    assert_int_equal(cfg.request_timeout_s, 3600);
    assert_int_equal(cfg.approval_timeout_s, 300);
    assert_int_equal(cfg.approval_ui, CRPKI_UI_NONE);
    assert_int_equal(cfg.log_level, CRPKI_LOG_DEBUG);
    assert_null(cfg.warnings);
    crpki_config_free(&cfg);
}

/* ---- service_url ------------------------------------------------------------- */

static void service_url_http_is_refused(void **state)
{
    cfgt_expect_refused(*state, "{\"service_url\": \"http://rssp.example.jp\"}",
                        "config.json: service_url: expected an https:// URL (plain http is not "
                        "allowed)");
    cfgt_expect_refused(*state, "{\"service_url\": \"HTTP://rssp.example.jp\"}",
                        "config.json: service_url: expected an https:// URL (plain http is not "
                        "allowed)");
}

static void service_url_malformed_is_refused(void **state)
{
    fixture *f = *state;
    cfgt_expect_refused(f, "{\"service_url\": 443}", "config.json: service_url: expected a string");
    cfgt_expect_refused(f, "{\"service_url\": \"\"}",
                        "config.json: service_url: expected a non-empty string");
    cfgt_expect_refused(f, "{\"service_url\": \"ftp://x\"}",
                        "config.json: service_url: expected an https:// URL");
    cfgt_expect_refused(f, "{\"service_url\": \"rssp.example.jp\"}",
                        "config.json: service_url: expected an https:// URL");
    cfgt_expect_refused(f, "{\"service_url\": \"https://\"}",
                        "config.json: service_url: expected an https:// URL with a host name");
    cfgt_expect_refused(f, "{\"service_url\": \"https://u:p@rssp.example.jp\"}",
                        "config.json: service_url: must not contain user information (user@)");
    cfgt_expect_refused(f, "{\"service_url\": \"https://rssp.example.jp/?a=1\"}",
                        "config.json: service_url: must not contain a query or fragment");
    cfgt_expect_refused(f, "{\"service_url\": \"https://rssp.example.jp:0\"}",
                        "config.json: service_url: bad port (expected 1-65535)");
    cfgt_expect_refused(f, "{\"service_url\": \"https://rssp.example.jp:65536\"}",
                        "config.json: service_url: bad port (expected 1-65535)");
    cfgt_expect_refused(f, "{\"service_url\": \"https://rssp.example.jp:\"}",
                        "config.json: service_url: bad port (expected 1-65535)");
    cfgt_expect_refused(f, "{\"service_url\": \"https://rssp example.jp\"}",
                        "config.json: service_url: contains characters not allowed in a URL");
    cfgt_expect_refused(f, "{\"service_url\": \"https://rssp.example.jp\\n\"}",
                        "config.json: service_url: contains control characters");
}

static void service_url_forms_accepted_and_trailing_slash_dropped(void **state)
{
    fixture *f = *state;
    static const struct {
        const char *json, *url;
    } cases[] = {
        {"{\"service_url\": \"https://rssp.example.jp/\"}", "https://rssp.example.jp"},
        {"{\"service_url\": \"HTTPS://localhost:8443\"}", "HTTPS://localhost:8443"},
        {"{\"service_url\": \"https://127.0.0.1:1\"}", "https://127.0.0.1:1"},
        {"{\"service_url\": \"https://[::1]:8443//\"}", "https://[::1]:8443"},
        {"{\"service_url\": \"https://gw.example.jp/rssp/v1/\"}", "https://gw.example.jp/rssp/v1"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        crpki_config cfg;
        cfgt_expect_loaded(f, cases[i].json, &cfg);
        assert_string_equal(cfg.service_url, cases[i].url);
        crpki_config_free(&cfg);
    }
}

static void ca_bundle_of_wrong_type_is_refused(void **state)
{
    cfgt_expect_refused(*state, "{\"ca_bundle\": [\"a.pem\"]}",
                        "config.json: ca_bundle: expected a string");
    cfgt_expect_refused(*state, "{\"ca_bundle\": \"\"}",
                        "config.json: ca_bundle: expected a non-empty string");
}

/* ---- proxy ------------------------------------------------------------------- */

static void proxy_none_and_system_are_taken(void **state)
{
    fixture *f = *state;
    crpki_config cfg;
    cfgt_expect_loaded(f, "{\"proxy\": \"none\"}", &cfg);
    assert_int_equal(cfg.proxy_mode, RSSP_PROXY_NONE);
    crpki_config_free(&cfg);
    cfgt_expect_loaded(f, "{\"proxy\": \"system\"}", &cfg);
    assert_int_equal(cfg.proxy_mode, RSSP_PROXY_SYSTEM);
    crpki_config_free(&cfg);
    cfgt_expect_loaded(f, "{\"proxy\": {\"host\": \"10.0.0.1\", \"port\": 3128}}", &cfg);
    assert_int_equal(cfg.proxy_mode, RSSP_PROXY_EXPLICIT);
    assert_string_equal(cfg.proxy_host, "10.0.0.1");
    assert_int_equal(cfg.proxy_port, 3128);
    assert_null(cfg.proxy_user);
    assert_int_equal(cfg.proxy_allow_basic, 0); /* Basic only when the file says so */
    crpki_config_free(&cfg);
}

/* Basic is allowed only by an explicit proxy.allow_basic true. */
static void proxy_allow_basic_is_a_boolean_and_off_by_default(void **state)
{
    fixture *f = *state;
    crpki_config cfg;
    rssp_options o;
    cfgt_expect_loaded(f, "{\"proxy\": {\"host\": \"p\", \"port\": 8080, \"allow_basic\": true}}",
                       &cfg);
    assert_int_equal(cfg.proxy_allow_basic, 1);
    crpki_config_client_options(&cfg, &o);
    assert_int_equal(o.proxy_allow_basic, 1);
    crpki_config_free(&cfg);
    cfgt_expect_loaded(f, "{\"proxy\": {\"host\": \"p\", \"port\": 8080, \"allow_basic\": false}}",
                       &cfg);
    assert_int_equal(cfg.proxy_allow_basic, 0);
    crpki_config_client_options(&cfg, &o);
    assert_int_equal(o.proxy_allow_basic, 0);
    crpki_config_free(&cfg);
    const char *want = "config.json: proxy.allow_basic: expected true or false";
    cfgt_expect_refused(f, "{\"proxy\": {\"host\": \"p\", \"port\": 8080, \"allow_basic\": 1}}",
                        want);
    cfgt_expect_refused(
        f, "{\"proxy\": {\"host\": \"p\", \"port\": 8080, \"allow_basic\": \"yes\"}}", want);
}

static void proxy_of_wrong_form_is_refused(void **state)
{
    fixture *f = *state;
    const char *want = "config.json: proxy: expected \"none\", \"system\" or an object "
                       "{\"host\", \"port\", \"user\"}";
    cfgt_expect_refused(f, "{\"proxy\": \"direct\"}", want);
    cfgt_expect_refused(f, "{\"proxy\": \"None\"}", want);
    cfgt_expect_refused(f, "{\"proxy\": 8080}", want);
    cfgt_expect_refused(f, "{\"proxy\": [\"proxy\", 8080]}", want);
    cfgt_expect_refused(f, "{\"proxy\": true}", want);
}

static void proxy_port_out_of_range_or_not_integer_is_refused(void **state)
{
    fixture *f = *state;
    const char *want = "config.json: proxy.port: expected an integer 1-65535";
    cfgt_expect_refused(f, "{\"proxy\": {\"host\": \"p\", \"port\": 0}}", want);
    cfgt_expect_refused(f, "{\"proxy\": {\"host\": \"p\", \"port\": 65536}}", want);
    cfgt_expect_refused(f, "{\"proxy\": {\"host\": \"p\", \"port\": -1}}", want);
    cfgt_expect_refused(f, "{\"proxy\": {\"host\": \"p\", \"port\": 80.5}}", want);
    cfgt_expect_refused(f, "{\"proxy\": {\"host\": \"p\", \"port\": \"8080\"}}", want);
    cfgt_expect_refused(f, "{\"proxy\": {\"host\": \"p\", \"port\": null}}", want);
    crpki_config cfg;
    cfgt_expect_loaded(f, "{\"proxy\": {\"host\": \"p\", \"port\": 65535}}", &cfg);
    assert_int_equal(cfg.proxy_port, 65535);
    crpki_config_free(&cfg);
    cfgt_expect_loaded(f, "{\"proxy\": {\"host\": \"p\", \"port\": 1}}", &cfg);
    assert_int_equal(cfg.proxy_port, 1);
    crpki_config_free(&cfg);
}

static void proxy_object_missing_or_bad_members_is_refused(void **state)
{
    fixture *f = *state;
    cfgt_expect_refused(f, "{\"proxy\": {\"port\": 8080}}",
                        "config.json: proxy.host: required in the proxy object");
    cfgt_expect_refused(f, "{\"proxy\": {\"host\": \"p\"}}",
                        "config.json: proxy.port: required in the proxy object");
    cfgt_expect_refused(f, "{\"proxy\": {\"host\": 1, \"port\": 8080}}",
                        "config.json: proxy.host: expected a string");
    cfgt_expect_refused(f, "{\"proxy\": {\"host\": \"http://p\", \"port\": 8080}}",
                        "config.json: proxy.host: expected a host name or address (no scheme, no "
                        "port)");
    cfgt_expect_refused(f, "{\"proxy\": {\"host\": \"p\", \"port\": 8080, \"user\": 5}}",
                        "config.json: proxy.user: expected a string");
    cfgt_expect_refused(f, "{\"proxy\": {\"host\": \"p\", \"port\": 8080, \"password\": \"s\"}}",
                        "config.json: proxy.password: not allowed in config.json (set it with "
                        "crpki-mgmt: it is kept protected in the token store)");
    cfgt_expect_refused(f, "{\"proxy\": {\"host\": \"p\", \"port\": 8080, \"port\": 8081}}",
                        "config.json: proxy.port: duplicate key");
}

static void proxy_unknown_member_is_ignored_with_a_warning(void **state)
{
    fixture *f = *state;
    crpki_config cfg;
    cfgt_expect_loaded(f, "{\"proxy\": {\"host\": \"p\", \"port\": 8080, \"type\": \"http\"}}",
                       &cfg);
    assert_int_equal(cfg.proxy_mode, RSSP_PROXY_EXPLICIT);
    assert_string_equal(cfg.warnings, "config.json: proxy.type: unknown key ignored");
    crpki_config_free(&cfg);
}

/* ---- timeouts, enums ------------------------------------------------------------ */

static void timeouts_out_of_range_or_not_integer_are_refused(void **state)
{
    fixture *f = *state;
    static const char *const keys[] = {"connect_timeout_s", "request_timeout_s",
                                       "approval_timeout_s"};
    static const char *const bad_values[] = {"0",      "3601", "-5", "1.5",
                                             "\"10\"", "true", "[]", "1e9"};
    for (size_t k = 0; k < 3; k++) {
        for (size_t v = 0; v < sizeof bad_values / sizeof bad_values[0]; v++) {
            char json[128], want[128];
            snprintf(json, sizeof json, "{\"%s\": %s}", keys[k], bad_values[v]);
            snprintf(want, sizeof want, "config.json: %s: expected an integer 1-3600 (seconds)",
                     keys[k]);
            cfgt_expect_refused(f, json, want);
        }
    }
    crpki_config cfg;
    cfgt_expect_loaded(f,
                       "{\"connect_timeout_s\": 3600, \"request_timeout_s\": 1, "
                       "\"approval_timeout_s\": 60.0}",
                       &cfg);
    assert_int_equal(cfg.connect_timeout_s, 3600);
    assert_int_equal(cfg.request_timeout_s, 1);
    assert_int_equal(cfg.approval_timeout_s, 60);
    crpki_config_free(&cfg);
}

static void approval_ui_unknown_name_is_refused(void **state)
{
    fixture *f = *state;
    const char *want = "config.json: approval_ui: expected \"dialog\", \"console\" or \"none\"";
    cfgt_expect_refused(f, "{\"approval_ui\": \"popup\"}", want);
    cfgt_expect_refused(f, "{\"approval_ui\": \"Dialog\"}", want);
    cfgt_expect_refused(f, "{\"approval_ui\": 1}", want);
    static const char *const names[] = {"dialog", "console", "none"};
    for (int i = 0; i < 3; i++) {
        char json[64];
        snprintf(json, sizeof json, "{\"approval_ui\": \"%s\"}", names[i]);
        crpki_config cfg;
        cfgt_expect_loaded(f, json, &cfg);
        assert_int_equal(cfg.approval_ui, i);
        crpki_config_free(&cfg);
    }
}

static void log_level_unknown_name_is_refused(void **state)
{
    fixture *f = *state;
    const char *want =
        "config.json: log_level: expected \"error\", \"warn\", \"info\" or \"debug\"";
    cfgt_expect_refused(f, "{\"log_level\": \"warning\"}", want);
    cfgt_expect_refused(f, "{\"log_level\": \"trace\"}", want);
    cfgt_expect_refused(f, "{\"log_level\": 3}", want);
    static const char *const names[] = {"error", "warn", "info", "debug"};
    for (int i = 0; i < 4; i++) {
        char json[64];
        snprintf(json, sizeof json, "{\"log_level\": \"%s\"}", names[i]);
        crpki_config cfg;
        cfgt_expect_loaded(f, json, &cfg);
        assert_int_equal(cfg.log_level, i);
        crpki_config_free(&cfg);
    }
}

/* ---- unknown keys, null, duplicates --------------------------------------------- */

static void unknown_key_is_ignored_with_a_warning_in_the_log(void **state)
{
    fixture *f = *state;
    crpki_config cfg;
    cfgt_expect_loaded(
        f, "{\"service_url\": \"https://a.example\", \"colour\": \"blue\", \"x\\ny\": 1}", &cfg);
    assert_string_equal(cfg.service_url, "https://a.example");
    assert_string_equal(cfg.warnings, "config.json: colour: unknown key ignored\n"
                                      "config.json: x?y: unknown key ignored");
    crpki_config_open_log(&cfg);
    log_close();
    char *logf = plat_path_join(f->dir, "crpki.log");
    char *text = tu_read(logf, NULL);
    assert_non_null(text);
    assert_non_null(strstr(text, "WARN  ["));
    assert_non_null(strstr(text, "config: config.json: colour: unknown key ignored\n"));
    assert_non_null(strstr(text, "config: config.json: x?y: unknown key ignored\n"));
    free(text);
    free(logf);
    crpki_config_free(&cfg);
}

static void null_value_means_the_default(void **state)
{
    fixture *f = *state;
    /* the administrator's nulls reset what the user's file set (and fix it) */
    assert_int_equal(tu_write_str(f->user, "{\"ca_bundle\": \"/m.pem\", \"proxy\": \"none\", "
                                           "\"request_timeout_s\": 99, \"log_level\": "
                                           "\"debug\", \"approval_ui\": \"none\"}"),
                     0);
    assert_int_equal(tu_write_str(f->machine, "{\"ca_bundle\": null, \"proxy\": null, "
                                              "\"request_timeout_s\": null, \"log_level\": null, "
                                              "\"approval_ui\": null, \"service_url\": null}"),
                     0);
    crpki_config cfg;
    crpki_error_info ei;
    assert_int_equal(crpki_config_load_files(f->machine, f->user, NULL, &cfg, &ei), CRPKI_OK);
    cfgt_assert_defaults(&cfg);
    assert_true(crpki_config_fixed(&cfg, "proxy"));
    crpki_config_free(&cfg);
}

static void duplicate_key_is_refused(void **state)
{
    cfgt_expect_refused(*state, "{\"log_level\": \"info\", \"log_level\": \"debug\"}",
                        "config.json: log_level: duplicate key");
}

/* ---- the file as a whole ------------------------------------------------------------ */

/* json must be refused as invalid JSON at line (the column is cJSON's guess) */
static void expect_bad_json(fixture *f, const char *json, int line)
{
    crpki_config cfg;
    crpki_error_info ei;
    char want[64];
    snprintf(want, sizeof want, "config.json: invalid JSON at line %d, column ", line);
    assert_int_equal(cfgt_load_user_text(f, json, &cfg, &ei), CRPKI_E_CONFIG);
    if (strncmp(ei.detail, want, strlen(want)) != 0)
        print_error("for %s: got \"%s\"\n", json, ei.detail);
    assert_memory_equal(ei.detail, want, strlen(want));
    assert_true(atoi(ei.detail + strlen(want)) >= 1);
}

static void invalid_json_is_refused_with_line_and_column(void **state)
{
    fixture *f = *state;
    expect_bad_json(f, "{\n  \"log_level\": \"info\",\n  oops\n}", 3);
    expect_bad_json(f, "", 1);
    expect_bad_json(f, "{} {}", 1);
    expect_bad_json(f, "{\"log_level\": \"info\",}", 1);
    expect_bad_json(f, "{\"log_level\": \"info\"", 1);
    expect_bad_json(f, "{\"a\": [1, 2,\n\n\n 3 4]}", 4);
}

static void top_level_not_an_object_is_refused(void **state)
{
    cfgt_expect_refused(*state, "[]", "config.json: expected a JSON object {...} at the top");
    cfgt_expect_refused(*state, "\"https://x\"",
                        "config.json: expected a JSON object {...} at the top");
}

static void invalid_utf8_is_refused(void **state)
{
    fixture *f = *state;
    cfgt_expect_refused(f, "{\"ca_bundle\": \"\xff.pem\"}",
                        "config.json: not valid UTF-8 text (byte 16)");
    /* Shift_JIS "証明書" as Notepad of old would save it */
    cfgt_expect_refused(f, "{\"ca_bundle\": \"\x8f\xd8\x96\xbe\x8f\x91.pem\"}",
                        "config.json: not valid UTF-8 text (byte 16)");
    /* overlong '/' and a UTF-16 surrogate */
    cfgt_expect_refused(f, "{\"ca_bundle\": \"\xc0\xaf\"}",
                        "config.json: not valid UTF-8 text (byte 16)");
    cfgt_expect_refused(f, "{\"ca_bundle\": \"\xed\xa0\x80\"}",
                        "config.json: not valid UTF-8 text (byte 16)");
    crpki_config cfg;
    cfgt_expect_loaded(f, "{\"ca_bundle\": \"C:\\\\証明書\\\\社内CA.pem\"}", &cfg);
    assert_string_equal(cfg.ca_bundle, "C:\\証明書\\社内CA.pem");
    crpki_config_free(&cfg);
}

static void nul_byte_in_file_is_refused(void **state)
{
    fixture *f = *state;
    static const char text[] = "{\"log_level\": \"info\"}\0{}";
    assert_int_equal(tu_write(f->user, text, sizeof text - 1), 0);
    crpki_config cfg;
    crpki_error_info ei;
    assert_int_equal(crpki_config_load_files(NULL, f->user, NULL, &cfg, &ei), CRPKI_E_CONFIG);
    assert_string_equal(ei.detail, "config.json: not valid UTF-8 text (byte 22)");
}

static void utf8_bom_is_accepted(void **state)
{
    fixture *f = *state;
    crpki_config cfg;
    cfgt_expect_loaded(f, "\xEF\xBB\xBF{\"log_level\": \"info\"}\r\n", &cfg);
    assert_int_equal(cfg.log_level, CRPKI_LOG_INFO);
    crpki_config_free(&cfg);
}

static void oversized_file_is_refused(void **state)
{
    fixture *f = *state;
    size_t n = 64 * 1024 + 1;
    char *big = malloc(n + 1);
    memset(big, ' ', n);
    big[0] = '{';
    big[n - 1] = '}';
    big[n] = 0;
    cfgt_expect_refused(f, big, "config.json: larger than 65536 bytes");
    big[n - 2] = '}';
    big[n - 1] = 0; /* exactly the limit: fine */
    crpki_config cfg;
    cfgt_expect_loaded(f, big, &cfg);
    crpki_config_free(&cfg);
    free(big);
}

/* "trusted_roots": SHA-256 fingerprints as a certificate viewer shows them
 * (colons, either case), kept as 64 lower-case hex digits; anything else is
 * refused, naming the key. */
static void trusted_roots_are_sha256_fingerprints(void **state)
{
    fixture *f = *state;
    crpki_config cfg;
    cfgt_expect_loaded(
        f,
        "{\"trusted_roots\": [\"AB:CD:EF:01:23:45:67:89:AB:CD:EF:01:23:45:67:89:AB:CD:EF:"
        "01:23:45:67:89:AB:CD:EF:01:23:45:67:89\", "
        "\"00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff\"]}",
        &cfg);
    assert_int_equal(cfg.ntrusted_roots, 2);
    assert_string_equal(cfg.trusted_roots[0],
                        "abcdef0123456789abcdef0123456789abcdef0123456789abcdef0123456789");
    assert_string_equal(cfg.trusted_roots[1],
                        "00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff");
    crpki_error_info ei;
    assert_int_equal(crpki_config_save(&cfg, &ei), CRPKI_OK);
    crpki_config_free(&cfg);
    char path[600];
    snprintf(path, sizeof path, "%s/config.json", f->dir);
    assert_int_equal(crpki_config_load_files(NULL, path, f->dir, &cfg, &ei), CRPKI_OK);
    assert_int_equal(cfg.ntrusted_roots, 2);
    assert_string_equal(cfg.trusted_roots[1],
                        "00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff");
    crpki_config_free(&cfg);
    const char *bad[] = {
        "{\"trusted_roots\": \"abcd\"}", "{\"trusted_roots\": [\"abcd\"]}",
        "{\"trusted_roots\": [\"zz112233445566778899aabbccddeeff00112233445566778899"
        "aabbccddeeff\"]}",
        "{\"trusted_roots\": [42]}"};
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
        assert_int_equal(cfgt_load_user_text(f, bad[i], &cfg, &ei), CRPKI_E_CONFIG);
        assert_non_null(strstr(ei.detail, "trusted_roots"));
    }
}

/* ---- save ----------------------------------------------------------------------------- */

static void save_then_load_round_trips_every_key(void **state)
{
    fixture *f = *state;
    char *home = plat_path_join(f->dir, "ユーザー田中");
    crpki_config cfg, back;
    crpki_error_info ei;
    assert_int_equal(crpki_config_load_files(NULL, NULL, home, &cfg, &ei), CRPKI_OK);
    cfg.service_url = malloc(64);
    strcpy(cfg.service_url, "https://rssp.example.jp:8443");
    cfg.ca_bundle = malloc(64);
    strcpy(cfg.ca_bundle, "C:\\社内\\ca.pem");
    cfg.proxy_mode = RSSP_PROXY_EXPLICIT;
    cfg.proxy_host = malloc(32);
    strcpy(cfg.proxy_host, "proxy.corp");
    cfg.proxy_port = 3128;
    cfg.proxy_user = malloc(32);
    strcpy(cfg.proxy_user, "山田");
    cfg.proxy_allow_basic = 1;
    cfg.connect_timeout_s = 7;
    cfg.request_timeout_s = 70;
    cfg.approval_timeout_s = 700;
    cfg.approval_ui = CRPKI_UI_NONE;
    cfg.log_level = CRPKI_LOG_DEBUG;
    assert_int_equal(crpki_config_save(&cfg, &ei), CRPKI_OK);
    assert_int_equal(tu_count_entries(home, ".tmp"), 0);
#ifndef _WIN32
    assert_int_equal(tu_file_mode(home), 0700);
#endif
    assert_int_equal(crpki_config_load(home, &back, &ei), CRPKI_OK);
    assert_string_equal(back.home, home);
    assert_string_equal(back.service_url, cfg.service_url);
    assert_string_equal(back.ca_bundle, cfg.ca_bundle);
    assert_int_equal(back.proxy_mode, RSSP_PROXY_EXPLICIT);
    assert_string_equal(back.proxy_host, "proxy.corp");
    assert_int_equal(back.proxy_port, 3128);
    assert_string_equal(back.proxy_user, "山田");
    assert_int_equal(back.proxy_allow_basic, 1);
    assert_int_equal(back.connect_timeout_s, 7);
    assert_int_equal(back.request_timeout_s, 70);
    assert_int_equal(back.approval_timeout_s, 700);
    assert_int_equal(back.approval_ui, CRPKI_UI_NONE);
    assert_int_equal(back.log_level, CRPKI_LOG_DEBUG);
    crpki_config_free(&back);
    crpki_config_free(&cfg);
    free(home);
}

static void save_writes_only_keys_that_differ_from_defaults(void **state)
{
    fixture *f = *state;
    crpki_config cfg;
    crpki_error_info ei;
    assert_int_equal(crpki_config_load_files(NULL, NULL, f->dir, &cfg, &ei), CRPKI_OK);
    assert_int_equal(crpki_config_save(&cfg, &ei), CRPKI_OK);
    char *text = tu_read(f->user, NULL);
    assert_string_equal(text, "{\n}\n");
    free(text);
    cfg.proxy_mode = RSSP_PROXY_NONE;
    cfg.request_timeout_s = 45;
    assert_int_equal(crpki_config_save(&cfg, &ei), CRPKI_OK);
    text = tu_read(f->user, NULL);
    assert_non_null(strstr(text, "\"proxy\":\t\"none\""));
    assert_non_null(strstr(text, "\"request_timeout_s\":\t45"));
    assert_null(strstr(text, "connect_timeout_s"));
    assert_null(strstr(text, "log_level"));
    free(text);
    crpki_config_free(&cfg);
}

static void save_refuses_values_a_load_would_refuse(void **state)
{
    fixture *f = *state;
    crpki_config cfg;
    crpki_error_info ei;
    assert_int_equal(tu_write_str(f->user, "{\"log_level\": \"info\"}"), 0);
    assert_int_equal(crpki_config_load_files(NULL, f->user, f->dir, &cfg, &ei), CRPKI_OK);
    cfg.connect_timeout_s = 0;
    assert_int_equal(crpki_config_save(&cfg, &ei), CRPKI_E_INVALID_ARG);
    assert_non_null(strstr(ei.detail, "connect_timeout_s"));
    cfg.connect_timeout_s = 10;
    cfg.proxy_mode = RSSP_PROXY_EXPLICIT; /* no host */
    assert_int_equal(crpki_config_save(&cfg, &ei), CRPKI_E_INVALID_ARG);
    cfg.proxy_mode = RSSP_PROXY_NONE;
    cfg.service_url = malloc(32);
    strcpy(cfg.service_url, "http://x");
    assert_int_equal(crpki_config_save(&cfg, &ei), CRPKI_E_INVALID_ARG);
    /* the file on disk is untouched */
    char *text = tu_read(f->user, NULL);
    assert_string_equal(text, "{\"log_level\": \"info\"}");
    free(text);
    crpki_config_free(&cfg);
    crpki_config empty;
    memset(&empty, 0, sizeof empty);
    assert_int_equal(crpki_config_save(&empty, &ei), CRPKI_E_INVALID_ARG);
}

static void client_options_carry_the_configuration(void **state)
{
    fixture *f = *state;
    crpki_config cfg;
    cfgt_expect_loaded(f,
                       "{\"service_url\": \"https://a.example\", \"ca_bundle\": \"/ca.pem\", "
                       "\"proxy\": {\"host\": \"p\", \"port\": 8080, \"user\": \"u\"}, "
                       "\"connect_timeout_s\": 3, \"request_timeout_s\": 4}",
                       &cfg);
    rssp_options opt;
    memset(&opt, 0xAB, sizeof opt);
    crpki_config_client_options(&cfg, &opt);
    assert_ptr_equal(opt.service_url, cfg.service_url);
    assert_ptr_equal(opt.ca_bundle, cfg.ca_bundle);
    assert_int_equal(opt.proxy_mode, RSSP_PROXY_EXPLICIT);
    assert_string_equal(opt.proxy_host, "p");
    assert_int_equal(opt.proxy_port, 8080);
    assert_string_equal(opt.proxy_user, "u");
    assert_null(opt.proxy_password);
    assert_int_equal(opt.connect_timeout_ms, 3000);
    assert_int_equal(opt.request_timeout_ms, 4000);
    assert_int_equal(opt.max_retries, 0);
    assert_null(opt.client_id);
    assert_null(opt.user_agent);
    crpki_config_free(&cfg);
}

#ifndef _WIN32
/* Issue 28 N13: the user's own files decide what the user's programs do
 * (the service, the proxy, which key signs); one another user could have put
 * there is refused: writable by others, a symbolic link, a folder others may
 * write to. keys.json follows the same rule (catalog_parse.c). */
static void a_user_file_another_user_could_change_is_refused(void **state)
{
    fixture *f = *state;
    crpki_config cfg;
    crpki_error_info ei;
    assert_int_equal(tu_write_str(f->user, "{\"approval_ui\": \"none\"}"), 0);
    assert_int_equal(chmod(f->user, 0600), 0);
    assert_int_equal(crpki_config_load_files(NULL, f->user, f->dir, &cfg, &ei), CRPKI_OK);
    assert_int_equal(cfg.approval_ui, CRPKI_UI_NONE);
    crpki_config_free(&cfg);
    assert_int_equal(chmod(f->user, 0666), 0);
    assert_int_equal(crpki_config_load_files(NULL, f->user, f->dir, &cfg, &ei), CRPKI_E_CONFIG);
    assert_non_null(strstr(ei.detail, "writable by others"));
    assert_int_equal(chmod(f->user, 0600), 0);
    /* a symbolic link (to a file the user may not even own) */
    char *real = plat_path_join(f->dir, "elsewhere.json");
    assert_int_equal(tu_write_str(real, "{}"), 0);
    remove(f->user);
    assert_int_equal(symlink(real, f->user), 0);
    assert_int_equal(crpki_config_load_files(NULL, f->user, f->dir, &cfg, &ei), CRPKI_E_CONFIG);
    assert_non_null(strstr(ei.detail, "symbolic link"));
    remove(f->user);
    remove(real);
    free(real);
    /* the folder: anyone may put a file there */
    assert_int_equal(tu_write_str(f->user, "{}"), 0);
    assert_int_equal(chmod(f->dir, 0777), 0);
    assert_int_equal(crpki_config_load_files(NULL, f->user, f->dir, &cfg, &ei), CRPKI_E_CONFIG);
    assert_non_null(strstr(ei.detail, "folder"));
    assert_int_equal(chmod(f->dir, 0700), 0);
    remove(f->user);
}
#endif

int main(void)
{
    const struct CMUnitTest tests[] = {
        T(missing_files_give_defaults),
#ifndef _WIN32
        T(a_user_file_another_user_could_change_is_refused),
#endif
        T(empty_object_gives_defaults),
        T(every_key_valid_is_taken),
        T(service_url_http_is_refused),
        T(service_url_malformed_is_refused),
        T(service_url_forms_accepted_and_trailing_slash_dropped),
        T(ca_bundle_of_wrong_type_is_refused),
        T(proxy_none_and_system_are_taken),
        T(proxy_allow_basic_is_a_boolean_and_off_by_default),
        T(proxy_of_wrong_form_is_refused),
        T(proxy_port_out_of_range_or_not_integer_is_refused),
        T(proxy_object_missing_or_bad_members_is_refused),
        T(proxy_unknown_member_is_ignored_with_a_warning),
        T(timeouts_out_of_range_or_not_integer_are_refused),
        T(approval_ui_unknown_name_is_refused),
        T(log_level_unknown_name_is_refused),
        T(unknown_key_is_ignored_with_a_warning_in_the_log),
        T(null_value_means_the_default),
        T(duplicate_key_is_refused),
        T(invalid_json_is_refused_with_line_and_column),
        T(top_level_not_an_object_is_refused),
        T(invalid_utf8_is_refused),
        T(nul_byte_in_file_is_refused),
        T(utf8_bom_is_accepted),
        T(oversized_file_is_refused),
        T(trusted_roots_are_sha256_fingerprints),
        T(save_then_load_round_trips_every_key),
        T(save_writes_only_keys_that_differ_from_defaults),
        T(save_refuses_values_a_load_would_refuse),
        T(client_options_carry_the_configuration),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
