/* config: strict parse of every key, machine + user files, limits, save. */
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
#endif

#include "crpki/config.h"
#include "base/platform/plat_str.h"
#include "base/log/log.h"
#include "base/platform/plat_acl.h"
#include "base/platform/plat_fs.h"
#include "base/platform/plat_machine.h"
#include "core/config/config_internal.h"
#include "testutil.h"

typedef struct {
    char *dir;
    char *user;    /* dir/config.json */
    char *machine; /* dir/machine.json */
} fixture;

static int setup(void **state)
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

static int teardown(void **state)
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

static crpki_err load_user_text(fixture *f, const char *json, crpki_config *cfg,
                                crpki_error_info *ei)
{
    assert_int_equal(tu_write_str(f->user, json), 0);
    return crpki_config_load_files(NULL, f->user, f->dir, cfg, ei);
}

/* json must be refused with exactly detail. */
static void expect_refused(fixture *f, const char *json, const char *detail)
{
    crpki_config cfg;
    crpki_error_info ei;
    crpki_err r = load_user_text(f, json, &cfg, &ei);
    if (r != CRPKI_E_CONFIG || strcmp(ei.detail, detail) != 0)
        print_error("for %s\n  got %s \"%s\"\n  want \"%s\"\n", json, crpki_err_name(r), ei.detail,
                    detail);
    assert_int_equal(r, CRPKI_E_CONFIG);
    assert_int_equal(ei.code, CRPKI_E_CONFIG);
    assert_string_equal(ei.detail, detail);
}

static void expect_loaded(fixture *f, const char *json, crpki_config *cfg)
{
    crpki_error_info ei;
    crpki_err r = load_user_text(f, json, cfg, &ei);
    if (r != CRPKI_OK)
        print_error("for %s: %s \"%s\"\n", json, crpki_err_name(r), ei.detail);
    assert_int_equal(r, CRPKI_OK);
}

static void assert_defaults(const crpki_config *c)
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

/* ---- files present or not --------------------------------------------------- */

static void missing_files_give_defaults(void **state)
{
    fixture *f = *state;
    crpki_config cfg;
    crpki_error_info ei;
    assert_int_equal(crpki_config_load_files(f->machine, f->user, f->dir, &cfg, &ei), CRPKI_OK);
    assert_defaults(&cfg);
    assert_string_equal(cfg.home, f->dir);
    crpki_config_free(&cfg);
    assert_int_equal(crpki_config_load_files(NULL, NULL, NULL, &cfg, &ei), CRPKI_OK);
    assert_defaults(&cfg);
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
    expect_loaded(f, "{}", &cfg);
    assert_defaults(&cfg);
    crpki_config_free(&cfg);
}

static void every_key_valid_is_taken(void **state)
{
    fixture *f = *state;
    crpki_config cfg;
    expect_loaded(f,
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
    expect_refused(*state, "{\"service_url\": \"http://rssp.example.jp\"}",
                   "config.json: service_url: expected an https:// URL (plain http is not "
                   "allowed)");
    expect_refused(*state, "{\"service_url\": \"HTTP://rssp.example.jp\"}",
                   "config.json: service_url: expected an https:// URL (plain http is not "
                   "allowed)");
}

static void service_url_malformed_is_refused(void **state)
{
    fixture *f = *state;
    expect_refused(f, "{\"service_url\": 443}", "config.json: service_url: expected a string");
    expect_refused(f, "{\"service_url\": \"\"}",
                   "config.json: service_url: expected a non-empty string");
    expect_refused(f, "{\"service_url\": \"ftp://x\"}",
                   "config.json: service_url: expected an https:// URL");
    expect_refused(f, "{\"service_url\": \"rssp.example.jp\"}",
                   "config.json: service_url: expected an https:// URL");
    expect_refused(f, "{\"service_url\": \"https://\"}",
                   "config.json: service_url: expected an https:// URL with a host name");
    expect_refused(f, "{\"service_url\": \"https://u:p@rssp.example.jp\"}",
                   "config.json: service_url: must not contain user information (user@)");
    expect_refused(f, "{\"service_url\": \"https://rssp.example.jp/?a=1\"}",
                   "config.json: service_url: must not contain a query or fragment");
    expect_refused(f, "{\"service_url\": \"https://rssp.example.jp:0\"}",
                   "config.json: service_url: bad port (expected 1-65535)");
    expect_refused(f, "{\"service_url\": \"https://rssp.example.jp:65536\"}",
                   "config.json: service_url: bad port (expected 1-65535)");
    expect_refused(f, "{\"service_url\": \"https://rssp.example.jp:\"}",
                   "config.json: service_url: bad port (expected 1-65535)");
    expect_refused(f, "{\"service_url\": \"https://rssp example.jp\"}",
                   "config.json: service_url: contains characters not allowed in a URL");
    expect_refused(f, "{\"service_url\": \"https://rssp.example.jp\\n\"}",
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
        expect_loaded(f, cases[i].json, &cfg);
        assert_string_equal(cfg.service_url, cases[i].url);
        crpki_config_free(&cfg);
    }
}

static void ca_bundle_of_wrong_type_is_refused(void **state)
{
    expect_refused(*state, "{\"ca_bundle\": [\"a.pem\"]}",
                   "config.json: ca_bundle: expected a string");
    expect_refused(*state, "{\"ca_bundle\": \"\"}",
                   "config.json: ca_bundle: expected a non-empty string");
}

/* ---- proxy ------------------------------------------------------------------- */

static void proxy_none_and_system_are_taken(void **state)
{
    fixture *f = *state;
    crpki_config cfg;
    expect_loaded(f, "{\"proxy\": \"none\"}", &cfg);
    assert_int_equal(cfg.proxy_mode, RSSP_PROXY_NONE);
    crpki_config_free(&cfg);
    expect_loaded(f, "{\"proxy\": \"system\"}", &cfg);
    assert_int_equal(cfg.proxy_mode, RSSP_PROXY_SYSTEM);
    crpki_config_free(&cfg);
    expect_loaded(f, "{\"proxy\": {\"host\": \"10.0.0.1\", \"port\": 3128}}", &cfg);
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
    expect_loaded(f, "{\"proxy\": {\"host\": \"p\", \"port\": 8080, \"allow_basic\": true}}", &cfg);
    assert_int_equal(cfg.proxy_allow_basic, 1);
    crpki_config_client_options(&cfg, &o);
    assert_int_equal(o.proxy_allow_basic, 1);
    crpki_config_free(&cfg);
    expect_loaded(f, "{\"proxy\": {\"host\": \"p\", \"port\": 8080, \"allow_basic\": false}}",
                  &cfg);
    assert_int_equal(cfg.proxy_allow_basic, 0);
    crpki_config_client_options(&cfg, &o);
    assert_int_equal(o.proxy_allow_basic, 0);
    crpki_config_free(&cfg);
    const char *want = "config.json: proxy.allow_basic: expected true or false";
    expect_refused(f, "{\"proxy\": {\"host\": \"p\", \"port\": 8080, \"allow_basic\": 1}}", want);
    expect_refused(f, "{\"proxy\": {\"host\": \"p\", \"port\": 8080, \"allow_basic\": \"yes\"}}",
                   want);
}

static void proxy_of_wrong_form_is_refused(void **state)
{
    fixture *f = *state;
    const char *want = "config.json: proxy: expected \"none\", \"system\" or an object "
                       "{\"host\", \"port\", \"user\"}";
    expect_refused(f, "{\"proxy\": \"direct\"}", want);
    expect_refused(f, "{\"proxy\": \"None\"}", want);
    expect_refused(f, "{\"proxy\": 8080}", want);
    expect_refused(f, "{\"proxy\": [\"proxy\", 8080]}", want);
    expect_refused(f, "{\"proxy\": true}", want);
}

static void proxy_port_out_of_range_or_not_integer_is_refused(void **state)
{
    fixture *f = *state;
    const char *want = "config.json: proxy.port: expected an integer 1-65535";
    expect_refused(f, "{\"proxy\": {\"host\": \"p\", \"port\": 0}}", want);
    expect_refused(f, "{\"proxy\": {\"host\": \"p\", \"port\": 65536}}", want);
    expect_refused(f, "{\"proxy\": {\"host\": \"p\", \"port\": -1}}", want);
    expect_refused(f, "{\"proxy\": {\"host\": \"p\", \"port\": 80.5}}", want);
    expect_refused(f, "{\"proxy\": {\"host\": \"p\", \"port\": \"8080\"}}", want);
    expect_refused(f, "{\"proxy\": {\"host\": \"p\", \"port\": null}}", want);
    crpki_config cfg;
    expect_loaded(f, "{\"proxy\": {\"host\": \"p\", \"port\": 65535}}", &cfg);
    assert_int_equal(cfg.proxy_port, 65535);
    crpki_config_free(&cfg);
    expect_loaded(f, "{\"proxy\": {\"host\": \"p\", \"port\": 1}}", &cfg);
    assert_int_equal(cfg.proxy_port, 1);
    crpki_config_free(&cfg);
}

static void proxy_object_missing_or_bad_members_is_refused(void **state)
{
    fixture *f = *state;
    expect_refused(f, "{\"proxy\": {\"port\": 8080}}",
                   "config.json: proxy.host: required in the proxy object");
    expect_refused(f, "{\"proxy\": {\"host\": \"p\"}}",
                   "config.json: proxy.port: required in the proxy object");
    expect_refused(f, "{\"proxy\": {\"host\": 1, \"port\": 8080}}",
                   "config.json: proxy.host: expected a string");
    expect_refused(f, "{\"proxy\": {\"host\": \"http://p\", \"port\": 8080}}",
                   "config.json: proxy.host: expected a host name or address (no scheme, no "
                   "port)");
    expect_refused(f, "{\"proxy\": {\"host\": \"p\", \"port\": 8080, \"user\": 5}}",
                   "config.json: proxy.user: expected a string");
    expect_refused(f, "{\"proxy\": {\"host\": \"p\", \"port\": 8080, \"password\": \"s\"}}",
                   "config.json: proxy.password: not allowed in config.json (set it with "
                   "crpki-mgmt: it is kept protected in the token store)");
    expect_refused(f, "{\"proxy\": {\"host\": \"p\", \"port\": 8080, \"port\": 8081}}",
                   "config.json: proxy.port: duplicate key");
}

static void proxy_unknown_member_is_ignored_with_a_warning(void **state)
{
    fixture *f = *state;
    crpki_config cfg;
    expect_loaded(f, "{\"proxy\": {\"host\": \"p\", \"port\": 8080, \"type\": \"http\"}}", &cfg);
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
            expect_refused(f, json, want);
        }
    }
    crpki_config cfg;
    expect_loaded(f,
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
    expect_refused(f, "{\"approval_ui\": \"popup\"}", want);
    expect_refused(f, "{\"approval_ui\": \"Dialog\"}", want);
    expect_refused(f, "{\"approval_ui\": 1}", want);
    static const char *const names[] = {"dialog", "console", "none"};
    for (int i = 0; i < 3; i++) {
        char json[64];
        snprintf(json, sizeof json, "{\"approval_ui\": \"%s\"}", names[i]);
        crpki_config cfg;
        expect_loaded(f, json, &cfg);
        assert_int_equal(cfg.approval_ui, i);
        crpki_config_free(&cfg);
    }
}

static void log_level_unknown_name_is_refused(void **state)
{
    fixture *f = *state;
    const char *want =
        "config.json: log_level: expected \"error\", \"warn\", \"info\" or \"debug\"";
    expect_refused(f, "{\"log_level\": \"warning\"}", want);
    expect_refused(f, "{\"log_level\": \"trace\"}", want);
    expect_refused(f, "{\"log_level\": 3}", want);
    static const char *const names[] = {"error", "warn", "info", "debug"};
    for (int i = 0; i < 4; i++) {
        char json[64];
        snprintf(json, sizeof json, "{\"log_level\": \"%s\"}", names[i]);
        crpki_config cfg;
        expect_loaded(f, json, &cfg);
        assert_int_equal(cfg.log_level, i);
        crpki_config_free(&cfg);
    }
}

/* ---- unknown keys, null, duplicates --------------------------------------------- */

static void unknown_key_is_ignored_with_a_warning_in_the_log(void **state)
{
    fixture *f = *state;
    crpki_config cfg;
    expect_loaded(f, "{\"service_url\": \"https://a.example\", \"colour\": \"blue\", \"x\\ny\": 1}",
                  &cfg);
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
    assert_defaults(&cfg);
    assert_true(crpki_config_fixed(&cfg, "proxy"));
    crpki_config_free(&cfg);
}

static void duplicate_key_is_refused(void **state)
{
    expect_refused(*state, "{\"log_level\": \"info\", \"log_level\": \"debug\"}",
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
    assert_int_equal(load_user_text(f, json, &cfg, &ei), CRPKI_E_CONFIG);
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
    expect_refused(*state, "[]", "config.json: expected a JSON object {...} at the top");
    expect_refused(*state, "\"https://x\"", "config.json: expected a JSON object {...} at the top");
}

static void invalid_utf8_is_refused(void **state)
{
    fixture *f = *state;
    expect_refused(f, "{\"ca_bundle\": \"\xff.pem\"}",
                   "config.json: not valid UTF-8 text (byte 16)");
    /* Shift_JIS "証明書" as Notepad of old would save it */
    expect_refused(f, "{\"ca_bundle\": \"\x8f\xd8\x96\xbe\x8f\x91.pem\"}",
                   "config.json: not valid UTF-8 text (byte 16)");
    /* overlong '/' and a UTF-16 surrogate */
    expect_refused(f, "{\"ca_bundle\": \"\xc0\xaf\"}",
                   "config.json: not valid UTF-8 text (byte 16)");
    expect_refused(f, "{\"ca_bundle\": \"\xed\xa0\x80\"}",
                   "config.json: not valid UTF-8 text (byte 16)");
    crpki_config cfg;
    expect_loaded(f, "{\"ca_bundle\": \"C:\\\\証明書\\\\社内CA.pem\"}", &cfg);
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
    expect_loaded(f, "\xEF\xBB\xBF{\"log_level\": \"info\"}\r\n", &cfg);
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
    expect_refused(f, big, "config.json: larger than 65536 bytes");
    big[n - 2] = '}';
    big[n - 1] = 0; /* exactly the limit: fine */
    crpki_config cfg;
    expect_loaded(f, big, &cfg);
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
    expect_loaded(f,
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
        assert_int_equal(load_user_text(f, bad[i], &cfg, &ei), CRPKI_E_CONFIG);
        assert_non_null(strstr(ei.detail, "trusted_roots"));
    }
}

/* ---- machine + user ------------------------------------------------------------------ */

/* The administrator's file fixes what it sets, key by key; the user's file
 * has the rest (a machine file is a policy, not a default). */
static void machine_file_fixes_what_it_sets_key_by_key(void **state)
{
    fixture *f = *state;
    assert_int_equal(tu_write_str(f->machine,
                                  "{\"service_url\": \"https://rssp.example.jp\",\n"
                                  " \"ca_bundle\": \"/etc/corp.pem\", \"proxy\": \"none\",\n"
                                  " \"connect_timeout_s\": 20, \"log_level\": \"info\"}"),
                     0);
    assert_int_equal(tu_write_str(f->user, "{\"connect_timeout_s\": 5,\n \"proxy\": {\"host\": "
                                           "\"proxy.corp\", \"port\": 8080},\n"
                                           " \"approval_timeout_s\": 60}"),
                     0);
    crpki_config cfg;
    crpki_error_info ei;
    assert_int_equal(crpki_config_load_files(f->machine, f->user, f->dir, &cfg, &ei), CRPKI_OK);
    assert_string_equal(cfg.service_url, "https://rssp.example.jp"); /* machine */
    assert_string_equal(cfg.ca_bundle, "/etc/corp.pem");             /* machine */
    assert_int_equal(cfg.log_level, CRPKI_LOG_INFO);                 /* machine */
    assert_int_equal(cfg.connect_timeout_s, 20);                     /* machine over user */
    assert_int_equal(cfg.proxy_mode, RSSP_PROXY_NONE);               /* machine over user */
    assert_null(cfg.proxy_host);
    assert_int_equal(cfg.approval_timeout_s, 60); /* user: the machine is silent */
    assert_int_equal(cfg.request_timeout_s, 30);  /* neither: default */
    assert_true(crpki_config_fixed(&cfg, "service_url"));
    assert_true(crpki_config_fixed(&cfg, "proxy"));
    assert_true(crpki_config_fixed(&cfg, "connect_timeout_s"));
    assert_false(crpki_config_fixed(&cfg, "approval_timeout_s"));
    assert_false(crpki_config_fixed(&cfg, "request_timeout_s"));
    assert_false(crpki_config_fixed(&cfg, "no_such_key"));
    crpki_config_free(&cfg);

    /* the machine's explicit proxy stands over the user's "none" */
    assert_int_equal(tu_write_str(f->machine, "{\"proxy\": {\"host\": \"m\", \"port\": 1, "
                                              "\"user\": \"u\"}}"),
                     0);
    assert_int_equal(tu_write_str(f->user, "{\"proxy\": \"none\"}"), 0);
    assert_int_equal(crpki_config_load_files(f->machine, f->user, f->dir, &cfg, &ei), CRPKI_OK);
    assert_int_equal(cfg.proxy_mode, RSSP_PROXY_EXPLICIT);
    assert_string_equal(cfg.proxy_host, "m");
    assert_string_equal(cfg.proxy_user, "u");
    assert_int_equal(cfg.proxy_port, 1);
    crpki_config_free(&cfg);
}

/* The administrator's service URL is known as such, and saving
 * the user's settings never copies it into config.json (so a later change
 * of the machine file reaches the user); a URL of the user's own is saved. */
static void machine_service_url_is_kept_out_of_the_users_file(void **state)
{
    fixture *f = *state;
    assert_int_equal(tu_write_str(f->machine, "{\"service_url\": \"https://rssp.example.jp\"}"), 0);
    assert_int_equal(tu_write_str(f->user, "{\"connect_timeout_s\": 5}"), 0);
    crpki_config cfg;
    crpki_error_info ei;
    assert_int_equal(crpki_config_load_files(f->machine, f->user, f->dir, &cfg, &ei), CRPKI_OK);
    assert_string_equal(cfg.machine_service_url, "https://rssp.example.jp");
    cfg.proxy_mode = RSSP_PROXY_NONE;
    assert_int_equal(crpki_config_save(&cfg, &ei), CRPKI_OK);
    crpki_config_free(&cfg);
    /* the file saved is f->dir/config.json: read with no machine file */
    char path[600];
    snprintf(path, sizeof path, "%s/config.json", f->dir);
    assert_int_equal(crpki_config_load_files(NULL, path, f->dir, &cfg, &ei), CRPKI_OK);
    assert_null(cfg.service_url);
    assert_null(cfg.machine_service_url);
    assert_int_equal(cfg.proxy_mode, RSSP_PROXY_NONE);
    assert_int_equal(cfg.connect_timeout_s, 5);
    /* a URL of the user's own is saved, and counts only where no
     * administrator fixed one */
    cfg.service_url = plat_strdup("https://own.example.jp");
    assert_int_equal(crpki_config_save(&cfg, &ei), CRPKI_OK);
    crpki_config_free(&cfg);
    assert_int_equal(crpki_config_load_files(NULL, path, f->dir, &cfg, &ei), CRPKI_OK);
    assert_string_equal(cfg.service_url, "https://own.example.jp");
    crpki_config_free(&cfg);
    assert_int_equal(crpki_config_load_files(f->machine, path, f->dir, &cfg, &ei), CRPKI_OK);
    assert_string_equal(cfg.service_url, "https://rssp.example.jp");
    assert_string_equal(cfg.machine_service_url, "https://rssp.example.jp");
    crpki_config_free(&cfg);
}

/* The machine file applies to every user; one that anyone but
 * an administrator can change is ignored, said in machine_ignored and the
 * warnings. The verdict is plat_admin_only's (test_plat_acl); here, that
 * the load follows it. As root (CI) both ways are made; a user's own file
 * is always refused. */
static void machine_file_is_ignored_unless_only_administrators_can_change_it(void **state)
{
    fixture *f = *state;
    assert_int_equal(tu_write_str(f->machine, "{\"service_url\": \"https://planted.example\", "
                                              "\"approval_ui\": \"none\"}"),
                     0);
    char why[200];
    int trusted = plat_admin_only(f->machine, why, sizeof why) == 1 &&
                  plat_admin_only(f->dir, why, sizeof why) == 1;
    crpki_config cfg;
    crpki_error_info ei;
    assert_int_equal(config_load_at(f->machine, f->user, f->dir, &cfg, &ei), CRPKI_OK);
    if (trusted) {
        assert_string_equal(cfg.service_url, "https://planted.example");
        assert_null(cfg.machine_ignored);
    } else {
        print_message("      ignored: %s\n", cfg.machine_ignored ? cfg.machine_ignored : "?");
        assert_null(cfg.service_url);
        assert_int_not_equal(cfg.approval_ui, CRPKI_UI_NONE);
        assert_non_null(cfg.machine_ignored);
        assert_non_null(strstr(cfg.warnings, "machine config.json ignored"));
    }
    crpki_config_free(&cfg);
#ifndef _WIN32
    if (trusted) { /* root: now let everyone write it */
        assert_int_equal(chmod(f->machine, 0666), 0);
        assert_int_equal(config_load_at(f->machine, f->user, f->dir, &cfg, &ei), CRPKI_OK);
        assert_null(cfg.service_url);
        assert_int_not_equal(cfg.approval_ui, CRPKI_UI_NONE);
        assert_non_null(strstr(cfg.machine_ignored, "writable by everyone"));
        assert_non_null(strstr(cfg.warnings, "machine config.json ignored"));
        crpki_config_free(&cfg);
        assert_int_equal(chmod(f->machine, 0644), 0);
        assert_int_equal(chmod(f->dir, 0777), 0); /* or the folder: a file can be put there */
        assert_int_equal(config_load_at(f->machine, f->user, f->dir, &cfg, &ei), CRPKI_OK);
        assert_null(cfg.service_url);
        assert_non_null(cfg.machine_ignored);
        crpki_config_free(&cfg);
        assert_int_equal(chmod(f->dir, 0700), 0);
    }
#endif
    /* no machine file: nothing to say */
    remove(f->machine);
    assert_int_equal(config_load_at(f->machine, f->user, f->dir, &cfg, &ei), CRPKI_OK);
    assert_null(cfg.machine_ignored);
    crpki_config_free(&cfg);
}

/* The machine-wide URL and CA set as an administrator deploys
 * them (crpki-mgmt service set --machine): on Linux the file, folder and CA
 * copy root's alone; on Windows the values of HKLM\SOFTWARE\CrpkiRemoteSign
 * (this test runs alone in its prefix: RUN_SERIAL) and the CA copy. Either
 * way the load honours them; bad input is refused with nothing written; an
 * existing machine file's keys are kept. As root / an administrator (CI,
 * Wine) it is written; otherwise refused with "run as ...". */
static void machine_settings_written_by_an_administrator_are_honoured(void **state)
{
    fixture *f = *state;
    char *mdir = plat_path_join(f->dir, "machine");
    char *mfile = plat_path_join(mdir, "config.json");
    char *mca = plat_path_join(mdir, "ca-bundle.pem");
    char *ca = plat_path_join(f->dir, "ca.pem");
    char *key = plat_path_join(f->dir, "key.pem");
    char *junk = plat_path_join(f->dir, "junk.pem");
    const char *pem = "-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n";
    assert_int_equal(tu_write_str(ca, pem), 0);
    assert_int_equal(tu_write_str(key,
                                  "-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n"
                                  "-----BEGIN PRIVATE KEY-----\nMIIE\n-----END PRIVATE KEY-----\n"),
                     0);
    assert_int_equal(tu_write_str(junk, "not a certificate"), 0);
    assert_int_equal(plat_mkdir_p(mdir, PLAT_FILE_PUBLIC, NULL), CRPKI_OK);
    /* what the administrator had already: kept */
    assert_int_equal(tu_write_str(mfile, "{\"service_url\": \"https://old.example.jp\", "
                                         "\"proxy\": \"none\"}"),
                     0);
    crpki_error_info ei;
    /* refused before anything is written */
    assert_int_equal(config_save_machine_at(mfile, "http://rssp.example.jp", NULL, NULL, &ei),
                     CRPKI_E_CONFIG);
    assert_non_null(strstr(ei.detail, "service_url"));
    assert_int_equal(config_save_machine_at(mfile, "https://rssp.example.jp", junk, NULL, &ei),
                     CRPKI_E_CONFIG);
    assert_non_null(strstr(ei.detail, "not a PEM certificate file"));
    assert_int_equal(config_save_machine_at(mfile, "https://rssp.example.jp", key, NULL, &ei),
                     CRPKI_E_CONFIG);
    assert_non_null(strstr(ei.detail, "private key"));
    assert_int_equal(config_save_machine_at(mfile, "", NULL, NULL, &ei), CRPKI_E_INVALID_ARG);
    char *text = tu_read(mfile, NULL);
    assert_non_null(strstr(text, "old.example.jp"));
    free(text);
    char why[300], *v = NULL;
    assert_int_equal(plat_machine_get(PLAT_MACHINE_SERVICE_URL, &v, why, sizeof why), 0);

    char *where = NULL;
    crpki_err r = config_save_machine_at(mfile, "https://rssp.example.jp", ca, &where, &ei);
    char *probe = plat_path_join(f->dir, "probe");
    assert_int_equal(tu_write_str(probe, "x"), 0);
    int admin = plat_admin_lock(probe, why, sizeof why) == 1;
    crpki_error_info nei;
    int store = plat_machine_set("Probe", NULL, &nei) != CRPKI_E_NOT_SUPPORTED;
    print_message("      %s, %s: %s\n", admin ? "administrator" : "not an administrator",
                  store ? "machine store" : "machine file", r == CRPKI_OK ? "written" : ei.detail);
    if (!admin) {
        assert_int_equal(r, CRPKI_E_IO);
        assert_non_null(strstr(ei.detail, "run as"));
    } else {
        assert_int_equal(r, CRPKI_OK);
        assert_string_equal(where, store ? PLAT_MACHINE_STORE : mfile);
        text = tu_read(mca, NULL);
        assert_string_equal(text, pem);
        free(text);
        crpki_config cfg;
        if (store) {
            /* the values, not the file (which this test wrote: not an
               administrator's under Wine, whose files are the user's) */
            assert_int_equal(plat_machine_get(PLAT_MACHINE_SERVICE_URL, &v, why, sizeof why), 1);
            assert_string_equal(v, "https://rssp.example.jp");
            free(v);
            assert_int_equal(plat_machine_get(PLAT_MACHINE_CA_BUNDLE, &v, why, sizeof why), 1);
            assert_string_equal(v, mca);
            free(v);
            text = tu_read(mfile, NULL);
            assert_non_null(strstr(text, "old.example.jp")); /* untouched */
            free(text);
            remove(mfile);
        } else {
            assert_int_equal(plat_admin_only(mdir, why, sizeof why), 1);
            assert_int_equal(plat_admin_only(mfile, why, sizeof why), 1);
            assert_int_equal(plat_admin_only(mca, why, sizeof why), 1);
        }
        assert_int_equal(config_load_at(mfile, f->user, f->dir, &cfg, &ei), CRPKI_OK);
        assert_null(cfg.machine_ignored);
        assert_string_equal(cfg.service_url, "https://rssp.example.jp");
        assert_string_equal(cfg.machine_service_url, "https://rssp.example.jp");
        assert_string_equal(cfg.ca_bundle, mca);
        assert_int_equal(cfg.proxy_mode, store ? RSSP_PROXY_SYSTEM : RSSP_PROXY_NONE);
        crpki_config_free(&cfg);
        /* the user's own file cannot take the administrator's URL away from
           the tool's view: machine_service_url stays */
        assert_int_equal(tu_write_str(f->user, "{\"log_level\": \"info\"}"), 0);
        assert_int_equal(config_load_at(mfile, f->user, f->dir, &cfg, &ei), CRPKI_OK);
        assert_string_equal(cfg.machine_service_url, "https://rssp.example.jp");
        crpki_config_free(&cfg);
        /* again without a CA: the copy stays named */
        assert_int_equal(config_save_machine_at(mfile, "https://other.example.jp", NULL, NULL, &ei),
                         CRPKI_OK);
        assert_int_equal(config_load_at(mfile, f->user, f->dir, &cfg, &ei), CRPKI_OK);
        assert_string_equal(cfg.service_url, "https://other.example.jp");
        assert_string_equal(cfg.ca_bundle, mca);
        crpki_config_free(&cfg);
        /* a machine file that does not load is refused, not overwritten */
        assert_int_equal(tu_write_str(mfile, "{\"approval_ui\": \"sometimes\"}"), 0);
        assert_int_equal(config_save_machine_at(mfile, "https://rssp.example.jp", NULL, NULL, &ei),
                         CRPKI_E_CONFIG);
        assert_non_null(strstr(ei.detail, "approval_ui"));
        text = tu_read(mfile, NULL);
        assert_non_null(strstr(text, "sometimes"));
        free(text);
#ifdef _WIN32
        /* values in a key others may change are not the administrator's */
        assert_int_equal(tu_machine_key_sddl(L"O:BAD:P(A;CI;KA;;;BA)(A;CI;KA;;;SY)(A;CI;KA;;;BU)"),
                         0);
        remove(mfile);
        assert_int_equal(config_load_at(mfile, f->user, f->dir, &cfg, &ei), CRPKI_OK);
        assert_null(cfg.service_url);
        assert_null(cfg.machine_service_url);
        assert_non_null(cfg.machine_ignored);
        assert_non_null(strstr(cfg.machine_ignored, "writable by S-1-5-32-545"));
        assert_non_null(strstr(cfg.warnings, "machine settings ignored"));
        crpki_config_free(&cfg);
        assert_int_equal(tu_machine_key_sddl(L"O:BAD:P(A;CI;KA;;;BA)(A;CI;KA;;;SY)(A;CI;KR;;;BU)"),
                         0);
#endif
        if (store) { /* leave the prefix as it was */
            assert_int_equal(plat_machine_set(PLAT_MACHINE_SERVICE_URL, NULL, &ei), CRPKI_OK);
            assert_int_equal(plat_machine_set(PLAT_MACHINE_CA_BUNDLE, NULL, &ei), CRPKI_OK);
            assert_int_equal(plat_machine_get(PLAT_MACHINE_SERVICE_URL, &v, why, sizeof why), 0);
        }
    }
    free(where);
    free(probe);
    free(mdir);
    free(mfile);
    free(mca);
    free(ca);
    free(key);
    free(junk);
}

static void ca_bundle_must_be_a_local_path(void **state)
{
    fixture *f = *state;
    const char *want = "config.json: ca_bundle: expected a local file path, not a network path";
    expect_refused(f, "{\"ca_bundle\": \"\\\\\\\\fileserver\\\\share\\\\ca.pem\"}", want);
    expect_refused(f, "{\"ca_bundle\": \"//fileserver/share/ca.pem\"}", want);
    expect_refused(f, "{\"ca_bundle\": \"\\\\\\\\?\\\\UNC\\\\fs\\\\ca.pem\"}", want);
    expect_refused(f, "{\"ca_bundle\": \"https://ca.example/root.pem\"}",
                   "config.json: ca_bundle: expected a local file path, not a URL");
    crpki_config cfg;
    expect_loaded(f, "{\"ca_bundle\": \"C:\\\\ProgramData\\\\Corp\\\\root.pem\"}", &cfg);
    crpki_config_free(&cfg);
    expect_loaded(f, "{\"ca_bundle\": \"/etc/ssl/corp.pem\"}", &cfg);
    crpki_config_free(&cfg);
}

static void bad_machine_file_is_refused_and_named(void **state)
{
    fixture *f = *state;
    assert_int_equal(tu_write_str(f->machine, "{\"approval_timeout_s\": 0}"), 0);
    crpki_config cfg;
    crpki_error_info ei;
    assert_int_equal(crpki_config_load_files(f->machine, f->user, f->dir, &cfg, &ei),
                     CRPKI_E_CONFIG);
    assert_string_equal(ei.detail, "machine config.json: approval_timeout_s: expected an integer "
                                   "1-3600 (seconds)");
    /* out was released: freeing again is harmless */
    crpki_config_free(&cfg);
}

static void unreadable_config_path_is_an_io_error(void **state)
{
    fixture *f = *state;
    /* a directory where the file should be */
    char *d = plat_path_join(f->dir, "adir");
    assert_int_equal(plat_mkdir_p(d, PLAT_FILE_PUBLIC, NULL), CRPKI_OK);
    crpki_config cfg;
    crpki_error_info ei;
    crpki_err r = crpki_config_load_files(NULL, d, NULL, &cfg, &ei);
    assert_true(r == CRPKI_E_IO || r == CRPKI_E_CONFIG);
    assert_int_equal(ei.code, r);
    free(d);
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
    expect_loaded(f,
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

int tu_child_main(const char *role, const char *arg)
{
    (void)role;
    (void)arg;
    return 2;
}

#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)

#ifdef _WIN32
/* Group Policy (HKLM\\SOFTWARE\\Policies\\CrpkiRemoteSign, as the ADMX writes
 * it) wins over the machine's values and the user's file, and fixes what it
 * sets; in a key others may change it is ignored, and said so. */
static void group_policy_wins_and_fixes_what_it_sets(void **state)
{
    fixture *f = *state;
    crpki_error_info ei;
    assert_int_equal(tu_write_str(f->user, "{\"service_url\": \"https://user.example.jp\", "
                                           "\"proxy\": \"none\", \"connect_timeout_s\": 5}"),
                     0);
    assert_int_equal(plat_machine_set(PLAT_MACHINE_SERVICE_URL, "https://machine.example.jp", &ei),
                     CRPKI_OK);
    assert_int_equal(tu_policy_set(L"ServiceUrl", L"https://policy.example.jp", 0), 0);
    assert_int_equal(tu_policy_set(L"Proxy", L"proxy.corp:8080", 0), 0);
    assert_int_equal(tu_policy_set(L"ProxySignOn", NULL, 0), 0);
    assert_int_equal(
        tu_policy_set(L"TrustedRoots",
                      L"00112233445566778899AABBCCDDEEFF00112233445566778899AABBCCDDEEFF; "
                      L"ab:cd:ef:01:23:45:67:89:ab:cd:ef:01:23:45:67:89:ab:cd:ef:01:23:45:67:89:ab:"
                      L"cd:ef:01:23:45:67:89",
                      0),
        0);
    crpki_config cfg;
    assert_int_equal(config_load_at(f->machine, f->user, f->dir, &cfg, &ei), CRPKI_OK);
    assert_string_equal(cfg.service_url, "https://policy.example.jp");
    assert_string_equal(cfg.machine_service_url, "https://policy.example.jp");
    assert_int_equal(cfg.proxy_mode, RSSP_PROXY_EXPLICIT);
    assert_string_equal(cfg.proxy_host, "proxy.corp");
    assert_int_equal(cfg.proxy_port, 8080);
    assert_false(cfg.proxy_sign_on);
    assert_int_equal(cfg.ntrusted_roots, 2);
    assert_string_equal(cfg.trusted_roots[0],
                        "00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff");
    assert_int_equal(cfg.connect_timeout_s, 5); /* the user's: no policy for it */
    assert_true(crpki_config_fixed(&cfg, "service_url"));
    assert_true(crpki_config_fixed(&cfg, "proxy"));
    assert_true(crpki_config_fixed(&cfg, "proxy_sign_on"));
    assert_true(crpki_config_fixed(&cfg, "trusted_roots"));
    assert_false(crpki_config_fixed(&cfg, "connect_timeout_s"));
    assert_null(cfg.machine_ignored);
    crpki_config_free(&cfg);

    /* a policy value the product cannot use is an error that names it */
    assert_int_equal(tu_policy_set(L"Proxy", L"proxy.corp", 0), 0);
    assert_int_equal(config_load_at(f->machine, f->user, f->dir, &cfg, &ei), CRPKI_E_CONFIG);
    assert_non_null(strstr(ei.detail, "Group Policy"));
    assert_non_null(strstr(ei.detail, "proxy.port"));
    assert_int_equal(tu_policy_set(L"Proxy", L"system", 0), 0);

    /* a policy key anyone may change is not the administrator's */
    assert_int_equal(tu_policy_key_sddl(L"O:BAD:P(A;CI;KA;;;BA)(A;CI;KA;;;SY)(A;CI;KA;;;BU)"), 0);
    assert_int_equal(config_load_at(f->machine, f->user, f->dir, &cfg, &ei), CRPKI_OK);
    assert_string_equal(cfg.service_url, "https://machine.example.jp");
    assert_non_null(cfg.warnings);
    assert_non_null(strstr(cfg.warnings, "Group Policy ignored"));
    assert_non_null(strstr(cfg.machine_ignored, "writable by S-1-5-32-545"));
    crpki_config_free(&cfg);

    assert_int_equal(tu_policy_clear(), 0);
    assert_int_equal(plat_machine_set(PLAT_MACHINE_SERVICE_URL, NULL, &ei), CRPKI_OK);
    assert_int_equal(config_load_at(f->machine, f->user, f->dir, &cfg, &ei), CRPKI_OK);
    assert_string_equal(cfg.service_url, "https://user.example.jp");
    assert_false(crpki_config_fixed(&cfg, "service_url"));
    crpki_config_free(&cfg);
}
#endif

int main(void)
{
    const struct CMUnitTest tests[] = {
        T(missing_files_give_defaults),
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
        T(machine_file_fixes_what_it_sets_key_by_key),
        T(machine_service_url_is_kept_out_of_the_users_file),
        T(bad_machine_file_is_refused_and_named),
        T(machine_file_is_ignored_unless_only_administrators_can_change_it),
        T(machine_settings_written_by_an_administrator_are_honoured),
#ifdef _WIN32
        T(group_policy_wins_and_fixes_what_it_sets),
#endif
        T(ca_bundle_must_be_a_local_path),
        T(unreadable_config_path_is_an_io_error),
        T(save_then_load_round_trips_every_key),
        T(save_writes_only_keys_that_differ_from_defaults),
        T(save_refuses_values_a_load_would_refuse),
        T(client_options_carry_the_configuration),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
