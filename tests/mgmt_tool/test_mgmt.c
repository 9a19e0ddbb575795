/* crpki-mgmt end to end on Linux, against crpki-rsspd (the integration
 * harness starts it on a copy of the fixture): the real executable is run
 * with its own CRPKI_HOME, a scripted browser (browser.sh) for the login,
 * `crpki-rsspd approve` for the signatures, OpenSSL to verify the CMS.
 * The tests run in order and share the login. */
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

/* ---- tests --------------------------------------------------------------- */

static void login_denied_in_browser_exits_6(void **state)
{
    (void)state;
    set_browser("deny");
    run_result r;
    RUN(&r, "--json", "login", "--timeout", "60");
    expect_exit(&r, 6, "login denied");
    assert_string_equal(jstr(jget(r.json, "error"), "code"), "CRPKI_E_DENIED");
    run_free(&r);
}

static void login_times_out_cleanly(void **state)
{
    (void)state;
    setenv("BROWSER", "true", 1); /* a browser that never comes back */
    double t0 = h_now();
    run_result r;
    RUN(&r, "--json", "login", "--timeout", "2");
    double dt = h_now() - t0;
    expect_exit(&r, 6, "login timeout");
    assert_string_equal(jstr(jget(r.json, "error"), "code"), "CRPKI_E_DEADLINE");
    if (dt < 1.9 || dt > 10)
        fail_msg("login --timeout 2 returned after %.1f s", dt);
    /* the URL is always printed */
    assert_non_null(strstr(r.err, "/oauth2/authorize?"));
    run_free(&r);
}

static void login_with_scripted_browser(void **state)
{
    (void)state;
    set_browser("approve");
    run_result r;
    RUN(&r, "--json", "login", "--timeout", "60");
    expect_exit(&r, 0, "login");
    assert_true(cJSON_IsTrue(jget(r.json, "ok")));
    assert_true(cJSON_IsTrue(jget(r.json, "logged_in")));
    assert_non_null(strstr(r.err, "/oauth2/authorize?"));
    assert_non_null(strstr(r.err, "code_challenge_method=S256"));
    /* the page the browser was shown (written just after crpki-mgmt answered) */
    char *page = NULL;
    for (int i = 0; i < 50 && !(page = slurp(g_page)); i++)
        h_sleep_ms(100);
    assert_non_null(page);
    assert_non_null(strstr(page, "ログインが完了しました。このウィンドウを閉じて"));
    free(page);
    /* tokens stored (0600), never printed */
    char path[400];
    snprintf(path, sizeof path, "%s/tokens.dat", g_home);
    struct stat st;
    assert_int_equal(stat(path, &st), 0);
    assert_int_equal(st.st_mode & 0777, 0600);
    char *tok = slurp(path);
    cJSON *tj = cJSON_Parse(tok);
    assert_non_null(tj);
    const char *at = jstr(tj, "access_token"), *rt = jstr(tj, "refresh_token");
    assert_non_null(at);
    assert_non_null(rt);
    assert_null(strstr(r.out, at));
    assert_null(strstr(r.err, at));
    assert_null(strstr(r.out, rt));
    assert_null(strstr(r.err, rt));
    cJSON_Delete(tj);
    free(tok);
    run_free(&r);
}

/* A silent connection held open and forged redirects (a wrong
 * state; an access_denied without state, as a web page could send) neither
 * end nor hold up the login: each is answered at once with an error page,
 * and the real redirect still logs in. */
static void login_goes_on_past_forged_and_silent_requests(void **state)
{
    (void)state;
    set_browser("approve");
    setenv("MGMT_TEST_HOSTILE", "1", 1);
    run_result r;
    RUN(&r, "--json", "login", "--timeout", "60");
    unsetenv("MGMT_TEST_HOSTILE");
    expect_exit(&r, 0, "login past forged requests");
    assert_true(cJSON_IsTrue(jget(r.json, "logged_in")));
    run_free(&r);
    char stray_path[400];
    snprintf(stray_path, sizeof stray_path, "%s.stray", g_page);
    char *page = NULL;
    for (int i = 0; i < 50 && !(page = slurp(g_page)); i++)
        h_sleep_ms(100);
    assert_non_null(page);
    assert_non_null(strstr(page, "ログインが完了しました。このウィンドウを閉じて"));
    free(page);
    char *stray = slurp(stray_path);
    assert_non_null(stray);
    print_message("      forged requests were answered:\n%.300s\n", stray);
    /* both answered (while the silent connection stayed open), both refused */
    const char *first = strstr(stray, "status 400");
    assert_non_null(first);
    assert_non_null(strstr(first + 1, "status 400"));
    assert_non_null(strstr(stray, "実行中のログインのものではありません"));
    free(stray);
    unlink(stray_path);
}

static void certs_lists_japanese_subjects(void **state)
{
    (void)state;
    run_result r;
    RUN(&r, "--lang", "ja", "certs");
    expect_exit(&r, 0, "certs (ja)");
    assert_non_null(strstr(r.out, "山田 太郎"));
    assert_non_null(strstr(r.out, "株式会社テスト商事"));
    assert_non_null(strstr(r.out, "主体者"));
    assert_non_null(strstr(r.out, "RSA 2048"));
    assert_non_null(strstr(r.out, "EC P-256"));
    run_free(&r);

    RUN(&r, "--json", "certs");
    expect_exit(&r, 0, "certs --json");
    const cJSON *arr = jget(r.json, "credentials");
    const h_user *u = user1();
    assert_int_equal(cJSON_GetArraySize(arr), (int)u->ncreds);
    for (size_t i = 0; i < u->ncreds; i++) {
        const cJSON *o = cJSON_GetArrayItem(arr, (int)i);
        int found = 0;
        for (size_t k = 0; k < u->ncreds; k++)
            found |= strcmp(jstr(o, "id"), u->creds[k].id) == 0;
        assert_true(found);
        assert_int_equal((int)cJSON_GetNumberValue(jget(o, "index")), (int)i + 1);
        assert_non_null(strstr(jstr(o, "subject"), "山田 太郎"));
        assert_string_equal(jstr(o, "status"), "valid");
        assert_int_equal(cJSON_GetArraySize(jget(o, "providers")), 0);
    }
    run_free(&r);
}

/* The credential ID at 1-based index of `certs --json`. */
static char *cred_at(int index)
{
    run_result r;
    RUN(&r, "--json", "certs");
    expect_exit(&r, 0, "certs --json");
    const cJSON *o = cJSON_GetArrayItem(jget(r.json, "credentials"), index - 1);
    assert_non_null(o);
    char *id = strdup(jstr(o, "id"));
    run_free(&r);
    return id;
}

static void use_writes_the_key_catalog(void **state)
{
    (void)state;
    char *id = cred_at(1);
    run_result r;
    RUN(&r, "--json", "use", "1", "--provider", "both");
    expect_exit(&r, 0, "use 1");
    assert_string_equal(jstr(r.json, "credential_id"), id);
    assert_false(cJSON_IsTrue(jget(r.json, "store_installed"))); /* Linux: no store */
    run_free(&r);
    char path[400];
    snprintf(path, sizeof path, "%s/keys.json", g_home);
    char *keys = slurp(path);
    assert_non_null(keys);
    assert_non_null(strstr(keys, id));
    free(keys);
    RUN(&r, "--json", "certs");
    const cJSON *o = cJSON_GetArrayItem(jget(r.json, "credentials"), 0);
    assert_int_equal(cJSON_GetArraySize(jget(o, "providers")), 2);
    assert_true(cJSON_IsTrue(jget(o, "default_csp")));
    assert_true(cJSON_IsTrue(jget(o, "default_ksp")));
    run_free(&r);
    /* by ID, the EC key for the KSP only */
    char *ec = cred_at(3);
    RUN(&r, "use", ec, "--provider", "ksp");
    expect_exit(&r, 0, "use EC for ksp");
    run_free(&r);
    RUN(&r, "--json", "use", "cred-0000000000000000");
    expect_exit(&r, 7, "use unknown");
    assert_string_equal(jstr(jget(r.json, "error"), "code"), "CRPKI_E_UNKNOWN_CREDENTIAL");
    run_free(&r);
    RUN(&r, "use", "9");
    expect_exit(&r, 7, "use index out of range");
    run_free(&r);

    /* trusted_roots: a chain to another root is refused, the registrar's
     * own root (by its SHA-256 fingerprint, colons as a viewer shows it) is
     * accepted */
    FILE *cf = fopen(h_sim_data()->registrar_ca, "r");
    assert_non_null(cf);
    X509 *root = PEM_read_X509(cf, NULL, NULL, NULL);
    fclose(cf);
    assert_non_null(root);
    unsigned char md[32];
    unsigned mdlen = 0;
    assert_true(X509_digest(root, EVP_sha256(), md, &mdlen) && mdlen == 32);
    X509_free(root);
    char fp[100] = "", cfgpath[400], text[2048];
    for (int i = 0; i < 32; i++)
        snprintf(fp + strlen(fp), sizeof fp - strlen(fp), "%s%02X", i ? ":" : "", md[i]);
    snprintf(cfgpath, sizeof cfgpath, "%s/config.json", g_home);
    const char *pins[] = {"0000000000000000000000000000000000000000000000000000000000000000", fp};
    for (int k = 0; k < 2; k++) {
        snprintf(text, sizeof text,
                 "{\"service_url\": \"%s\", \"ca_bundle\": \"%s\", \"approval_ui\": \"console\","
                 " \"trusted_roots\": [\"%s\"]}\n",
                 h_base_url(), h_sim_data()->tls_ca, pins[k]);
        spit(cfgpath, text);
        RUN(&r, "--json", "use", "1");
        if (k == 0) {
            expect_exit(&r, 7, "use under a root that is not pinned");
            assert_string_equal(jstr(jget(r.json, "error"), "code"), "CRPKI_E_BAD_CERT");
            assert_non_null(strstr(jstr(jget(r.json, "error"), "detail"), "trusted_roots"));
        } else {
            expect_exit(&r, 0, "use under the pinned registrar root");
        }
        run_free(&r);
    }
    write_config(g_home);
    free(ec);
    free(id);
}

/* The description of the pending approval with code, as the phone shows
 * it (`crpki-rsspd pending --json`), malloc'ed; NULL when not pending. */
static char *pending_description(const char *code)
{
    cJSON *p = h_pending_json();
    const cJSON *arr = NULL, *o;
    char *d = NULL;
    if (p && h_json_records(p, &arr) > 0)
        cJSON_ArrayForEach(o, arr)
        {
            const char *c = jstr(o, "approvalCode"), *desc = jstr(o, "description");
            if (c && strcmp(c, code) == 0 && desc)
                d = strdup(desc);
        }
    cJSON_Delete(p);
    return d;
}

/* Runs `crpki-mgmt sign ARGS`, checks the approval names want_what (the
 * file's base name) after the program (NULL: not checked), approves the
 * code it prints. */
/* The approval code a crpki-mgmt child printed on its stderr (err_path)
 * so far: 1 and code set when it is there. */
static int approval_code_in(const char *err_path, char code[8])
{
    char *err = slurp(err_path);
    const char *p = err ? strstr(err, "CRPKI-APPROVAL-CODE: ") : NULL;
    int found = p && strlen(p) >= 25;
    if (found)
        snprintf(code, 8, "%.4s", p + 21);
    free(err);
    return found;
}

static void sign_and_approve_what(run_result *r, const char *const *args, const char *want_what)
{
    char o[400], e[400];
    snprintf(o, sizeof o, "%s/sign.out", g_tmp);
    snprintf(e, sizeof e, "%s/sign.err", g_tmp);
    pid_t pid = spawn_mgmt(args, NULL, o, e);
    char code[8] = "";
    for (int i = 0; i < 300 && !approval_code_in(e, code); i++)
        h_sleep_ms(100);
    if (!code[0]) {
        kill(pid, SIGTERM);
        finish(pid, o, e, r);
        fail_msg("no CRPKI-APPROVAL-CODE line within 30 s\nstderr:\n%s", r->err);
    }
    if (want_what) {
        char want[300];
        snprintf(want, sizeof want, "crpki-mgmt: %s", want_what);
        char *d = pending_description(code);
        if (!d || strcmp(d, want) != 0) {
            kill(pid, SIGTERM);
            finish(pid, o, e, r);
            fail_msg("approval %s: description '%s', want '%s'", code, d ? d : "(none)", want);
        }
        free(d);
    }
    assert_int_equal(h_approve(code), 0);
    finish(pid, o, e, r);
}

static int openssl_verify(const char *p7s, const char *content)
{
    char cmd[1200];
    snprintf(cmd, sizeof cmd,
             "openssl cms -verify -binary -inform DER -in '%s' -content '%s' -CAfile '%s' "
             "-purpose any -out /dev/null 2>'%s/verify.err'",
             p7s, content, h_sim_data()->registrar_ca, g_tmp);
    int st = system(cmd);
    return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

static void sign_makes_a_cms_openssl_verifies(void **state)
{
    (void)state;
    char doc[400], p7s[420], other[400];
    snprintf(doc, sizeof doc, "%s/申請書.txt", g_tmp);
    snprintf(p7s, sizeof p7s, "%s/申請書.txt.p7s", g_tmp);
    snprintf(other, sizeof other, "%s/other.txt", g_tmp);
    spit(doc, "登記申請書: 株式会社テスト商事\n");
    spit(other, "something else\n");
    run_result r;
    const char *args[] = {"--json", "sign", doc, NULL};
    /* the phone shows the program and the file's name, not its directories */
    sign_and_approve_what(&r, args, "申請書.txt");
    expect_exit(&r, 0, "sign (RSA, CSP default)");
    assert_string_equal(jstr(r.json, "out"), p7s);
    run_free(&r);
    if (openssl_verify(p7s, doc) != 0) {
        char e[420];
        snprintf(e, sizeof e, "%s/verify.err", g_tmp);
        char *t = slurp(e);
        fail_msg("openssl cms -verify failed: %s", t ? t : "");
    }
    /* the signature covers the content: another file does not verify */
    assert_int_not_equal(openssl_verify(p7s, other), 0);
    /* signed attributes as promised */
    char cmd[1600];
    snprintf(cmd, sizeof cmd, "openssl cms -cmsout -print -inform DER -in '%s' >'%s/print.txt'",
             p7s, g_tmp);
    assert_int_equal(system(cmd), 0);
    snprintf(cmd, sizeof cmd, "%s/print.txt", g_tmp);
    char *printed = slurp(cmd);
    assert_non_null(printed);
    assert_non_null(strstr(printed, "signingTime"));
    assert_non_null(strstr(printed, "messageDigest"));
    assert_non_null(strstr(printed, "contentType"));
    free(printed);

    /* ECDSA through the KSP's selection, --out given */
    char p7s_ec[420];
    snprintf(p7s_ec, sizeof p7s_ec, "%s/ec.p7s", g_tmp);
    const char *args_ec[] = {"sign", doc, "--provider", "ksp", "--out", p7s_ec, NULL};
    sign_and_approve_what(&r, args_ec, "申請書.txt");
    expect_exit(&r, 0, "sign (EC, KSP)");
    run_free(&r);
    assert_int_equal(openssl_verify(p7s_ec, doc), 0);
}

/* Twenty files, one approval, twenty CMS files OpenSSL verifies,
 * one signing record of twenty digests. */
static void sign_twenty_files_under_one_approval(void **state)
{
    (void)state;
    enum { N = 20 };
    char files[N][400];
    const char *args[N + 5] = {"--json", "--lang", "ja", "sign"};
    for (int i = 0; i < N; i++) {
        snprintf(files[i], sizeof files[i], "%s/請求書%02d.txt", g_tmp, i + 1);
        char body[64];
        snprintf(body, sizeof body, "請求書 %d: 株式会社テスト商事\n", i + 1);
        spit(files[i], body);
        args[4 + i] = files[i];
    }
    args[4 + N] = NULL;
    run_result r;
    sign_and_approve_what(&r, args, NULL);
    expect_exit(&r, 0, "sign of 20 files");
    assert_int_equal((int)cJSON_GetNumberValue(jget(r.json, "approvals")), 1);
    /* one approval code shown for all twenty */
    int codes = 0;
    for (const char *p = r.err; (p = strstr(p, "CRPKI-APPROVAL-CODE: ")) != NULL; p++)
        codes++;
    assert_int_equal(codes, 1);
    const cJSON *fs = jget(r.json, "files");
    assert_int_equal(cJSON_GetArraySize(fs), N);
    for (int i = 0; i < N; i++) {
        const cJSON *f = cJSON_GetArrayItem(fs, i);
        assert_true(cJSON_IsTrue(jget(f, "signed")));
        if (openssl_verify(jstr(f, "out"), files[i]) != 0)
            fail_msg("openssl cms -verify failed for %s", jstr(f, "out"));
    }
    /* each CMS covers its own file only */
    assert_int_not_equal(openssl_verify(jstr(cJSON_GetArrayItem(fs, 0), "out"), files[1]), 0);
    run_free(&r);
    /* the record: twenty lines, one per file (newest first), one approval code */
    RUN(&r, "--json", "history");
    const cJSON *recs = jget(r.json, "records");
    const char *code0 = jstr(cJSON_GetArrayItem(recs, 0), "approval_code");
    assert_int_equal(strlen(code0), 4);
    for (int i = 0; i < N; i++) {
        const cJSON *rec = cJSON_GetArrayItem(recs, i);
        char want[32];
        snprintf(want, sizeof want, "請求書%02d.txt", N - i);
        assert_string_equal(jstr(rec, "outcome"), "signed");
        assert_string_equal(jstr(rec, "what"), want);
        assert_string_equal(jstr(rec, "approval_code"), code0);
        assert_int_equal((int)cJSON_GetNumberValue(jget(rec, "count")), N);
        assert_int_equal(cJSON_GetArraySize(jget(rec, "digests")), 1);
    }
    run_free(&r);
}

/* Eight processes signing at once leave eight whole records. */
static void eight_processes_signing_at_once_leave_eight_records(void **state)
{
    (void)state;
    enum { P = 8 };
    run_result r;
    RUN(&r, "--json", "history");
    int before = cJSON_GetArraySize(jget(r.json, "records"));
    run_free(&r);
    pid_t pid[P];
    char doc[P][400], o[P][400], e[P][400], code[P][8];
    for (int i = 0; i < P; i++) {
        snprintf(doc[i], sizeof doc[i], "%s/parallel%d.txt", g_tmp, i);
        snprintf(o[i], sizeof o[i], "%s/parallel%d.out", g_tmp, i);
        snprintf(e[i], sizeof e[i], "%s/parallel%d.err", g_tmp, i);
        spit(doc[i], "parallel\n");
        const char *args[] = {"sign", doc[i], NULL};
        pid[i] = spawn_mgmt(args, NULL, o[i], e[i]);
        code[i][0] = '\0';
    }
    /* approve each as its code shows up */
    for (int round = 0, left = P; round < 600 && left > 0; round++) {
        for (int i = 0; i < P; i++) {
            if (code[i][0])
                continue;
            if (approval_code_in(e[i], code[i])) {
                assert_int_equal(h_approve(code[i]), 0);
                left--;
            }
        }
        h_sleep_ms(50);
    }
    for (int i = 0; i < P; i++) {
        finish(pid[i], o[i], e[i], &r);
        expect_exit(&r, 0, "one of eight parallel signs");
        run_free(&r);
    }
    RUN(&r, "--json", "history");
    assert_int_equal(cJSON_GetArraySize(jget(r.json, "records")), before + P);
    assert_int_equal((int)cJSON_GetNumberValue(jget(r.json, "broken_lines")), 0);
    run_free(&r);
}

static void sign_with_an_unreadable_file_signs_nothing(void **state)
{
    (void)state;
    char a[400], missing[400], b[400];
    snprintf(a, sizeof a, "%s/first.txt", g_tmp);
    snprintf(missing, sizeof missing, "%s/no-such-file.txt", g_tmp);
    snprintf(b, sizeof b, "%s/last.txt", g_tmp);
    spit(a, "a\n");
    spit(b, "b\n");
    run_result r;
    RUN(&r, "--json", "sign", a, missing, b);
    assert_int_not_equal(r.exit_code, 0);
    assert_null(strstr(r.err, "CRPKI-APPROVAL-CODE")); /* nothing was sent */
    assert_non_null(strstr(jstr(jget(r.json, "error"), "detail"), "no-such-file.txt"));
    run_free(&r);
    char p7s[420];
    snprintf(p7s, sizeof p7s, "%s.p7s", a);
    assert_null(slurp(p7s));
}

static void sign_denied_exits_6(void **state)
{
    (void)state;
    char doc[400];
    snprintf(doc, sizeof doc, "%s/deny.txt", g_tmp);
    spit(doc, "deny me\n");
    char o[400], e[400];
    snprintf(o, sizeof o, "%s/sign.out", g_tmp);
    snprintf(e, sizeof e, "%s/sign.err", g_tmp);
    const char *args[] = {"--json", "sign", doc, NULL};
    pid_t pid = spawn_mgmt(args, NULL, o, e);
    char code[8] = "";
    for (int i = 0; i < 300 && !approval_code_in(e, code); i++)
        h_sleep_ms(100);
    assert_true(code[0] != '\0');
    assert_int_equal(h_deny(code), 0);
    run_result r;
    finish(pid, o, e, &r);
    expect_exit(&r, 6, "sign denied");
    assert_string_equal(jstr(jget(r.json, "error"), "code"), "CRPKI_E_DENIED");
    run_free(&r);
}

/* The signing record after the test signatures above (signed,
 * then denied): newest first, as JSON and as CSV for Excel. */
static void history_lists_the_signatures_newest_first(void **state)
{
    (void)state;
    run_result r;
    RUN(&r, "--json", "history");
    expect_exit(&r, 0, "history");
    const cJSON *recs = jget(r.json, "records");
    assert_true(cJSON_GetArraySize(recs) >= 2);
    const cJSON *newest = cJSON_GetArrayItem(recs, 0), *before = cJSON_GetArrayItem(recs, 1);
    assert_string_equal(jstr(newest, "outcome"), "denied");
    assert_string_equal(jstr(before, "outcome"), "signed");
    assert_non_null(strstr(jstr(newest, "program"), "crpki-mgmt"));
    assert_int_equal(strlen(jstr(before, "approval_code")), 4);
    assert_int_equal((int)cJSON_GetNumberValue(jget(r.json, "broken_lines")), 0);
    run_free(&r);
    char csv[420];
    snprintf(csv, sizeof csv, "%s/history.csv", g_tmp);
    RUN(&r, "--lang", "ja", "history", "--csv", csv);
    expect_exit(&r, 0, "history --csv");
    assert_non_null(strstr(r.out, "拒否"));
    run_free(&r);
    char *text = slurp(csv);
    assert_non_null(text);
    assert_memory_equal(text, "\xEF\xBB\xBF\"日時(UTC)\"", strlen("\xEF\xBB\xBF\"日時(UTC)\""));
    assert_non_null(strstr(text, "\"署名済み\""));
    assert_non_null(strstr(text, "\r\n"));
    free(text);
    RUN(&r, "--lang", "ja", "history", "--since", "2999-01-01");
    expect_exit(&r, 0, "history --since the future");
    assert_non_null(strstr(r.out, "署名の記録はありません"));
    run_free(&r);
    RUN(&r, "history", "--since", "yesterday");
    expect_exit(&r, 2, "history --since with a bad date");
    run_free(&r);
    RUN(&r, "--json", "history", "--outcome", "denied");
    expect_exit(&r, 0, "history --outcome denied");
    recs = jget(r.json, "records");
    assert_true(cJSON_GetArraySize(recs) >= 1);
    for (int i = 0; i < cJSON_GetArraySize(recs); i++)
        assert_string_equal(jstr(cJSON_GetArrayItem(recs, i), "outcome"), "denied");
    run_free(&r);
    RUN(&r, "history", "--outcome", "maybe");
    expect_exit(&r, 2, "history --outcome maybe");
    run_free(&r);
}

static void export_cert_matches_the_service(void **state)
{
    (void)state;
    char *id = cred_at(1);
    const h_cred *cred = NULL;
    for (size_t k = 0; k < user1()->ncreds; k++)
        if (strcmp(user1()->creds[k].id, id) == 0)
            cred = &user1()->creds[k];
    assert_non_null(cred);
    char der[400], pem[400], ca[400], cmd[1600];
    snprintf(der, sizeof der, "%s/user.cer", g_tmp);
    snprintf(pem, sizeof pem, "%s/user.pem", g_tmp);
    snprintf(ca, sizeof ca, "%s/ca.pem", g_tmp);
    run_result r;
    RUN(&r, "export-cert", "--out", der);
    expect_exit(&r, 0, "export-cert DER");
    run_free(&r);
    RUN(&r, "export-cert", "--pem", "--out", pem);
    expect_exit(&r, 0, "export-cert PEM");
    run_free(&r);
    RUN(&r, "export-cert", "--ca", "--pem", "--out", ca);
    expect_exit(&r, 0, "export-cert --ca");
    run_free(&r);
    /* the same certificate as the service's PEM, in both forms; the CA is
       the registrar CA */
    snprintf(cmd, sizeof cmd,
             "a=$(openssl x509 -in '%s' -outform DER | sha256sum) && "
             "b=$(openssl x509 -inform DER -in '%s' -outform DER | sha256sum) && "
             "c=$(openssl x509 -in '%s' -outform DER | sha256sum) && "
             "d=$(openssl x509 -in '%s' -outform DER | sha256sum) && "
             "e=$(openssl x509 -in '%s' -outform DER | sha256sum) && "
             "[ \"$a\" = \"$b\" ] && [ \"$a\" = \"$c\" ] && [ \"$d\" = \"$e\" ]",
             cred->cert, der, pem, ca, h_sim_data()->registrar_ca);
    assert_int_equal(system(cmd), 0);
    /* PEM to stdout */
    RUN(&r, "export-cert", "--pem");
    expect_exit(&r, 0, "export-cert PEM stdout");
    assert_non_null(strstr(r.out, "-----BEGIN CERTIFICATE-----\n"));
    run_free(&r);
    free(id);
}

static void status_healthy(void **state)
{
    (void)state;
    run_result r;
    RUN(&r, "--json", "status");
    expect_exit(&r, 0, "status healthy");
    assert_true(cJSON_IsTrue(jget(r.json, "ok")));
    const cJSON *c;
    cJSON_ArrayForEach(c, jget(r.json, "checks"))
    {
        if (!cJSON_IsTrue(jget(c, "ok")))
            fail_msg("check %s failed: %s", jstr(c, "name"), jstr(c, "detail"));
    }
    const cJSON *svc = jget(r.json, "service");
    assert_true(cJSON_GetNumberValue(jget(svc, "latency_ms")) > 0);
    assert_true(cJSON_IsTrue(jget(jget(r.json, "login"), "verified")));
    assert_int_equal(cJSON_GetArraySize(jget(r.json, "certificates")), 2);
    assert_non_null(strstr(jstr(jget(r.json, "paths"), "log"), "crpki.log"));
    run_free(&r);
    RUN(&r, "--lang", "ja", "status");
    expect_exit(&r, 0, "status healthy (ja)");
    assert_non_null(strstr(r.out, "すべて正常です"));
    run_free(&r);
}

static void status_unhealthy_when_service_stopped(void **state)
{
    (void)state;
    assert_true(h_server_stop() >= 0);
    run_result r;
    RUN(&r, "--json", "status");
    expect_exit(&r, 8, "status, service stopped");
    assert_false(cJSON_IsTrue(jget(r.json, "ok")));
    int service_ng = 0;
    const cJSON *c;
    cJSON_ArrayForEach(c, jget(r.json, "checks"))
    {
        if (strcmp(jstr(c, "name"), "service") == 0 && cJSON_IsFalse(jget(c, "ok"))) {
            service_ng = 1;
            assert_non_null(strstr(jstr(c, "fix"), "proxy"));
        }
    }
    assert_true(service_ng);
    run_free(&r);
    RUN(&r, "--lang", "ja", "status");
    expect_exit(&r, 8, "status, service stopped (ja)");
    assert_non_null(strstr(r.out, "[NG] 署名サービス"));
    assert_non_null(strstr(r.out, "対処:"));
    run_free(&r);
    assert_int_equal(h_server_start_on_port(g_port, NULL), 0);
}

static void logout_revokes_at_the_service(void **state)
{
    (void)state;
    char path[400];
    snprintf(path, sizeof path, "%s/tokens.dat", g_home);
    char *tok = slurp(path);
    cJSON *tj = cJSON_Parse(tok);
    assert_non_null(tj);
    char *rt = strdup(jstr(tj, "refresh_token"));
    cJSON_Delete(tj);
    free(tok);

    run_result r;
    RUN(&r, "--json", "--lang", "ja", "logout", "--remove-certs");
    expect_exit(&r, 0, "logout");
    assert_true(cJSON_IsTrue(jget(r.json, "revoked")));
    assert_int_equal((int)cJSON_GetNumberValue(jget(r.json, "removed")), 2);
    assert_non_null(strstr(r.err, "署名が終わってから")); /* §5.6.1 */
    run_free(&r);

    /* the old refresh token no longer works at the service */
    h_resp hr;
    h_refresh(rt, &hr);
    H_EXPECT_ERROR(&hr, 400, "invalid_grant");
    h_resp_free(&hr);
    free(rt);
    tok = slurp(path);
    if (tok) {
        assert_null(strstr(tok, "refresh_token"));
        free(tok);
    }
    RUN(&r, "--json", "status");
    expect_exit(&r, 8, "status after logout");
    assert_int_equal(cJSON_GetArraySize(jget(r.json, "certificates")), 0);
    run_free(&r);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(login_denied_in_browser_exits_6),
        cmocka_unit_test(login_times_out_cleanly),
        cmocka_unit_test(login_with_scripted_browser),
        cmocka_unit_test(login_goes_on_past_forged_and_silent_requests),
        cmocka_unit_test(certs_lists_japanese_subjects),
        cmocka_unit_test(use_writes_the_key_catalog),
        cmocka_unit_test(sign_makes_a_cms_openssl_verifies),
        cmocka_unit_test(sign_twenty_files_under_one_approval),
        cmocka_unit_test(sign_with_an_unreadable_file_signs_nothing),
        cmocka_unit_test(eight_processes_signing_at_once_leave_eight_records),
        cmocka_unit_test(sign_denied_exits_6),
        cmocka_unit_test(history_lists_the_signatures_newest_first),
        cmocka_unit_test(export_cert_matches_the_service),
        cmocka_unit_test(status_healthy),
        cmocka_unit_test(status_unhealthy_when_service_stopped),
        cmocka_unit_test(logout_revokes_at_the_service),
    };
    return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
