/* auth: the token source over the store with a fake refresh grant (the
 * service operations are replaceable: auth_new_with_ops), including
 * refreshers racing in two processes and in threads. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/auth/auth_internal.h"
#include "core/auth/tokstore.h"
#include "base/platform/plat_fs.h"
#include "base/platform/plat_thread.h"
#include "base/platform/plat_xlock.h"
#include "testutil.h"

/* ---- the fake service ------------------------------------------------------------ */

/* Its state lives in files of svc_dir, so that children share it:
 *   current_rt  the one refresh token it accepts (rotated on every use)
 *   calls       one line per refresh or revoke call */
typedef struct {
    char *svc_dir;
    unsigned delay_ms;        /* inside refresh: widens the race window */
    crpki_err refresh_result; /* CRPKI_OK: behave; else fail with it */
    crpki_err revoke_result;
    int no_rotation; /* answer without a new refresh token */
    int no_expiry;   /* answer with access_expires_at 0 */
} fake_svc;

static char *svc_file(const fake_svc *s, const char *name)
{
    return plat_path_join(s->svc_dir, name);
}

/* One write with O_APPEND (FILE_APPEND_DATA): no line is lost even if two
 * processes call at once, which is what the tests look for. */
static void svc_append_call(const fake_svc *s, const char *what, const char *token)
{
    char *p = svc_file(s, "calls");
    char line[128];
    int n = snprintf(line, sizeof line, "%s %s\n", what, token);
    plat_append *a = plat_append_open(p, PLAT_FILE_PRIVATE);
    if (a && n > 0)
        plat_append_write(a, line, (size_t)n);
    plat_append_close(a);
    free(p);
}

static void svc_set_current(const fake_svc *s, const char *rt)
{
    char *p = svc_file(s, "current_rt");
    tu_write_str(p, rt);
    free(p);
}

static char *svc_current(const fake_svc *s)
{
    char *p = svc_file(s, "current_rt");
    char *v = tu_read(p, NULL);
    free(p);
    return v;
}

static int svc_count_calls(const fake_svc *s, const char *what)
{
    char *p = svc_file(s, "calls");
    char *text = tu_read(p, NULL);
    free(p);
    int n = 0;
    for (char *c = text; c && *c;) {
        if (strncmp(c, what, strlen(what)) == 0)
            n++;
        char *nl = strchr(c, '\n');
        c = nl ? nl + 1 : c + strlen(c);
    }
    free(text);
    return n;
}

static char *dup_str(const char *s)
{
    char *d = malloc(strlen(s) + 1);
    strcpy(d, s);
    return d;
}

static crpki_err fake_refresh(void *ctx, const char *rt, rssp_tokens *out, crpki_error_info *ei)
{
    fake_svc *s = ctx;
    svc_append_call(s, "refresh", rt);
    if (s->delay_ms)
        plat_sleep_ms(s->delay_ms);
    if (s->refresh_result != CRPKI_OK) {
        ei->code = s->refresh_result;
        snprintf(ei->detail, sizeof ei->detail, "fake failure");
        return s->refresh_result;
    }
    char *cur = svc_current(s);
    int ok = cur && strcmp(cur, rt) == 0;
    free(cur);
    if (!ok) {
        /* a used (or unknown) refresh token: theft, the whole login dies */
        svc_set_current(s, "REVOKED");
        ei->code = CRPKI_E_NOT_LOGGED_IN;
        ei->http_status = 400;
        snprintf(ei->service_error, sizeof ei->service_error, "invalid_grant");
        snprintf(ei->detail, sizeof ei->detail, "refresh token refused (invalid_grant)");
        return CRPKI_E_NOT_LOGGED_IN;
    }
    int gen = atoi(rt + 3);
    char at[32], nrt[32];
    snprintf(at, sizeof at, "AT-%d", gen + 1);
    snprintf(nrt, sizeof nrt, "RT-%d", gen + 1);
    out->access_token = dup_str(at);
    out->refresh_token = s->no_rotation ? NULL : dup_str(nrt);
    out->access_expires_at = s->no_expiry ? 0 : (int64_t)time(NULL) + 3600;
    out->scope = dup_str("service");
    if (!s->no_rotation)
        svc_set_current(s, nrt);
    return CRPKI_OK;
}

static void fake_free_tokens(rssp_tokens *t)
{
    free(t->access_token);
    free(t->refresh_token);
    free(t->scope);
    memset(t, 0, sizeof *t);
}

static crpki_err fake_revoke(void *ctx, const char *token, crpki_error_info *ei)
{
    fake_svc *s = ctx;
    svc_append_call(s, "revoke", token);
    if (s->revoke_result != CRPKI_OK) {
        ei->code = s->revoke_result;
        snprintf(ei->detail, sizeof ei->detail, "cannot connect (fake)");
        return s->revoke_result;
    }
    svc_set_current(s, "REVOKED");
    return CRPKI_OK;
}

static crpki_auth *new_auth(const char *home, fake_svc *s)
{
    auth_ops ops = {s, fake_refresh, fake_free_tokens, fake_revoke, NULL};
    crpki_auth *a = NULL;
    crpki_error_info ei;
    if (auth_new_with_ops(home, &ops, &a, &ei) != CRPKI_OK)
        return NULL;
    return a;
}

/* ---- fixture ------------------------------------------------------------------------- */

typedef struct {
    char *dir;  /* base */
    char *home; /* dir/home */
    fake_svc svc;
    crpki_auth *auth;
} fixture;

static int setup(void **state)
{
    fixture *f = calloc(1, sizeof *f);
    if (!f)
        return -1;
    f->dir = tu_tempdir("auth");
    if (!f->dir)
        return -1;
    f->home = plat_path_join(f->dir, "home");
    f->svc.svc_dir = plat_path_join(f->dir, "svc");
    plat_mkdir_p(f->svc.svc_dir, PLAT_FILE_PRIVATE, NULL);
    f->auth = new_auth(f->home, &f->svc);
    *state = f;
    return f->auth ? 0 : -1;
}

static int teardown(void **state)
{
    fixture *f = *state;
    plat_fs_set_fault(PLAT_FAULT_NONE);
    crpki_auth_free(f->auth);
    tu_rmtree(f->dir);
    free(f->dir);
    free(f->home);
    free(f->svc.svc_dir);
    free(f);
    return 0;
}

/* A login as crpki-mgmt would save it: AT-1 / RT-1 expiring at now + ttl. */
static void login(fixture *f, long ttl)
{
    rssp_tokens t = {(char *)"AT-1", (char *)"RT-1", (int64_t)time(NULL) + ttl, NULL};
    crpki_error_info ei;
    assert_int_equal(crpki_auth_save_login(f->auth, &t, &ei), CRPKI_OK);
    svc_set_current(&f->svc, "RT-1");
}

static void expect_access(crpki_auth *a, const char *want)
{
    char buf[128];
    crpki_error_info ei;
    crpki_err r = auth_get_access(a, buf, sizeof buf, &ei);
    if (r != CRPKI_OK)
        print_error("get_access: %s %s\n", crpki_err_name(r), ei.detail);
    assert_int_equal(r, CRPKI_OK);
    assert_string_equal(buf, want);
}

static tokstore stored(fixture *f)
{
    tokstore ts;
    crpki_error_info ei;
    assert_int_equal(tokstore_load(f->home, &ts, NULL, &ei), CRPKI_OK);
    return ts;
}

/* ---- get_access / refresh ------------------------------------------------------------- */

static void no_store_is_not_logged_in(void **state)
{
    fixture *f = *state;
    char buf[64];
    crpki_error_info ei;
    assert_int_equal(auth_get_access(f->auth, buf, sizeof buf, &ei), CRPKI_E_NOT_LOGGED_IN);
    assert_int_equal(ei.code, CRPKI_E_NOT_LOGGED_IN);
    assert_int_equal(auth_refresh(f->auth, "AT-x", buf, sizeof buf, &ei), CRPKI_E_NOT_LOGGED_IN);
    crpki_auth_status st;
    assert_int_equal(crpki_auth_get_status(f->auth, &st, &ei), CRPKI_OK);
    assert_false(st.logged_in);
    assert_int_equal(st.access_expires_at, 0);
    assert_int_equal(svc_count_calls(&f->svc, "refresh"), 0);
}

static void fresh_token_is_returned_without_refresh(void **state)
{
    fixture *f = *state;
    login(f, 3600);
    expect_access(f->auth, "AT-1");
    expect_access(f->auth, "AT-1"); /* the cached read */
    assert_int_equal(svc_count_calls(&f->svc, "refresh"), 0);
}

/* A store as a refresh would leave it: AT-1 / RT-1, obtained `age` seconds
 * ago, expiring in `left` seconds. */
static void store_tokens(fixture *f, long age, long left)
{
    int64_t now = (int64_t)time(NULL);
    tokstore ts = {(char *)"AT-1", (char *)"RT-1", now + left, now - age, NULL};
    crpki_error_info ei;
    assert_int_equal(tokstore_save(f->home, &ts, &ei), CRPKI_OK);
    svc_set_current(&f->svc, "RT-1");
}

static void token_expiring_within_30_s_is_refreshed_first(void **state)
{
    fixture *f = *state;
    store_tokens(f, 3570, 20); /* an hour's token with 20 s left */
    expect_access(f->auth, "AT-2");
    assert_int_equal(svc_count_calls(&f->svc, "refresh RT-1"), 1);
}

static void token_with_more_than_30_s_left_is_used(void **state)
{
    fixture *f = *state;
    store_tokens(f, 3560, 40);
    expect_access(f->auth, "AT-1");
    assert_int_equal(svc_count_calls(&f->svc, "refresh"), 0);
}

static void short_lived_token_is_used_until_its_last_quarter(void **state)
{
    fixture *f = *state;
    store_tokens(f, 2, 6); /* lifetime 8 s: margin 2 s */
    expect_access(f->auth, "AT-1");
    store_tokens(f, 7, 1);
    expect_access(f->auth, "AT-2");
    assert_int_equal(svc_count_calls(&f->svc, "refresh"), 1);
}

static void expired_token_refreshes_and_saves_the_rotated_store(void **state)
{
    fixture *f = *state;
    crpki_error_info ei;
    assert_int_equal(crpki_auth_set_proxy_password(f->auth, "pw", &ei), CRPKI_OK);
    login(f, -100);
    int64_t t0 = (int64_t)time(NULL);
    expect_access(f->auth, "AT-2");
    tokstore ts = stored(f);
    assert_string_equal(ts.access_token, "AT-2");
    assert_string_equal(ts.refresh_token, "RT-2");
    assert_true(ts.access_expires_at >= t0 + 3590);
    assert_true(ts.saved_at >= t0);
    assert_string_equal(ts.proxy_password, "pw"); /* kept through the refresh */
    tokstore_clear(&ts);
    /* and now it is fresh: no second refresh */
    expect_access(f->auth, "AT-2");
    assert_int_equal(svc_count_calls(&f->svc, "refresh"), 1);
    assert_int_equal(tu_count_entries(f->home, ".tmp"), 0);
}

static void refused_token_is_refreshed_even_if_unexpired(void **state)
{
    fixture *f = *state;
    login(f, 3600);
    char buf[64];
    crpki_error_info ei;
    assert_int_equal(auth_refresh(f->auth, "AT-1", buf, sizeof buf, &ei), CRPKI_OK);
    assert_string_equal(buf, "AT-2");
    assert_int_equal(svc_count_calls(&f->svc, "refresh RT-1"), 1);
}

static void refused_token_already_replaced_by_another_process_is_not_refreshed(void **state)
{
    fixture *f = *state;
    login(f, 3600);
    expect_access(f->auth, "AT-1");
    /* another process refreshed meanwhile */
    tokstore ts = {(char *)"AT-7", (char *)"RT-7", (int64_t)time(NULL) + 3600, (int64_t)time(NULL),
                   NULL};
    crpki_error_info ei;
    assert_int_equal(tokstore_save(f->home, &ts, &ei), CRPKI_OK);
    char buf[64];
    assert_int_equal(auth_refresh(f->auth, "AT-1", buf, sizeof buf, &ei), CRPKI_OK);
    assert_string_equal(buf, "AT-7");
    assert_int_equal(svc_count_calls(&f->svc, "refresh"), 0);
}

static void store_replaced_by_another_process_is_seen_by_get_access(void **state)
{
    fixture *f = *state;
    login(f, 3600);
    expect_access(f->auth, "AT-1");
    tokstore ts = {(char *)"AT-9", (char *)"RT-9", (int64_t)time(NULL) + 3600, (int64_t)time(NULL),
                   NULL};
    crpki_error_info ei;
    assert_int_equal(tokstore_save(f->home, &ts, &ei), CRPKI_OK);
    expect_access(f->auth, "AT-9");
}

static void invalid_grant_logs_out_and_keeps_no_secret(void **state)
{
    fixture *f = *state;
    crpki_error_info ei;
    assert_int_equal(crpki_auth_set_proxy_password(f->auth, "proxy-pw", &ei), CRPKI_OK);
    login(f, -1);
    svc_set_current(&f->svc, "RT-someone-else"); /* RT-1 was rotated away */
    char buf[64];
    assert_int_equal(auth_get_access(f->auth, buf, sizeof buf, &ei), CRPKI_E_NOT_LOGGED_IN);
    assert_int_equal(ei.code, CRPKI_E_NOT_LOGGED_IN);
    assert_non_null(strstr(ei.detail, "log in again"));
    assert_string_equal(buf, "");
    tokstore ts = stored(f);
    assert_null(ts.access_token);
    assert_null(ts.refresh_token);
    assert_string_equal(ts.proxy_password, "proxy-pw");
    tokstore_clear(&ts);
    crpki_auth_status st;
    assert_int_equal(crpki_auth_get_status(f->auth, &st, &ei), CRPKI_OK);
    assert_false(st.logged_in);
    /* no second attempt with the dead token */
    assert_int_equal(auth_get_access(f->auth, buf, sizeof buf, &ei), CRPKI_E_NOT_LOGGED_IN);
    assert_int_equal(svc_count_calls(&f->svc, "refresh"), 1);
}

static void invalid_grant_without_proxy_password_deletes_the_store(void **state)
{
    fixture *f = *state;
    login(f, -1);
    svc_set_current(&f->svc, "RT-other");
    char buf[64];
    crpki_error_info ei;
    assert_int_equal(auth_refresh(f->auth, NULL, buf, sizeof buf, &ei), CRPKI_E_NOT_LOGGED_IN);
    char *p = plat_path_join(f->home, "tokens.dat");
    assert_false(tu_exists(p));
    free(p);
}

static void network_failure_during_refresh_keeps_the_store(void **state)
{
    fixture *f = *state;
    login(f, -1);
    f->svc.refresh_result = CRPKI_E_NETWORK;
    char buf[64];
    crpki_error_info ei;
    assert_int_equal(auth_get_access(f->auth, buf, sizeof buf, &ei), CRPKI_E_NETWORK);
    assert_string_equal(ei.detail, "fake failure");
    tokstore ts = stored(f);
    assert_string_equal(ts.access_token, "AT-1");
    assert_string_equal(ts.refresh_token, "RT-1");
    tokstore_clear(&ts);
    f->svc.refresh_result = CRPKI_OK;
    expect_access(f->auth, "AT-2"); /* the next try works */
}

static void refreshed_tokens_that_cannot_be_saved_are_an_error(void **state)
{
    fixture *f = *state;
    login(f, -1);
    plat_fs_set_fault(PLAT_FAULT_RENAME);
    char buf[64];
    crpki_error_info ei;
    assert_int_equal(auth_get_access(f->auth, buf, sizeof buf, &ei), CRPKI_E_IO);
    plat_fs_set_fault(PLAT_FAULT_NONE);
    tokstore ts = stored(f); /* the old store is whole */
    assert_string_equal(ts.refresh_token, "RT-1");
    tokstore_clear(&ts);
    assert_int_equal(tu_count_entries(f->home, ".tmp"), 0);
}

static void refresh_without_rotation_keeps_the_refresh_token(void **state)
{
    fixture *f = *state;
    login(f, -1);
    f->svc.no_rotation = 1;
    f->svc.no_expiry = 1;
    int64_t t0 = (int64_t)time(NULL);
    expect_access(f->auth, "AT-2");
    tokstore ts = stored(f);
    assert_string_equal(ts.refresh_token, "RT-1");
    /* no lifetime from the service: a short one, not "expired at once" */
    assert_true(ts.access_expires_at > t0 + 30 && ts.access_expires_at <= t0 + 61);
    tokstore_clear(&ts);
}

static void short_buffer_is_buffer_too_small(void **state)
{
    fixture *f = *state;
    login(f, 3600);
    char buf[4];
    crpki_error_info ei;
    assert_int_equal(auth_get_access(f->auth, buf, sizeof buf, &ei), CRPKI_E_BUFFER_TOO_SMALL);
    assert_int_equal(auth_get_access(f->auth, buf, 0, &ei), CRPKI_E_INVALID_ARG);
    assert_int_equal(auth_get_access(NULL, buf, sizeof buf, &ei), CRPKI_E_INVALID_ARG);
}

static void token_source_callbacks_serve_the_client(void **state)
{
    fixture *f = *state;
    login(f, 3600);
    rssp_token_source src;
    auth_token_source(f->auth, &src);
    assert_ptr_equal(src.ctx, f->auth);
    char buf[64];
    assert_int_equal(src.get_access(src.ctx, buf, sizeof buf), CRPKI_OK);
    assert_string_equal(buf, "AT-1");
    assert_int_equal(src.refresh(src.ctx, "AT-1", buf, sizeof buf), CRPKI_OK);
    assert_string_equal(buf, "AT-2");
}

static void damaged_store_is_token_store_error(void **state)
{
    fixture *f = *state;
    login(f, 3600);
    char *p = plat_path_join(f->home, "tokens.dat");
    assert_int_equal(tu_write_str(p, "garbage"), 0);
#ifndef _WIN32
    tu_chmod(p, 0600);
#endif
    char buf[64];
    crpki_error_info ei;
    assert_int_equal(auth_get_access(f->auth, buf, sizeof buf, &ei), CRPKI_E_TOKEN_STORE);
    crpki_auth_status st;
    assert_int_equal(crpki_auth_get_status(f->auth, &st, &ei), CRPKI_E_TOKEN_STORE);
    /* a new login repairs it */
    login(f, 3600);
    expect_access(f->auth, "AT-1");
    free(p);
}

/* ---- the lock ------------------------------------------------------------------------------ */

typedef struct {
    crpki_auth *auth;
    crpki_err r;
    char token[64];
} refresh_arg;

static void refresh_thread(void *p)
{
    refresh_arg *a = p;
    crpki_error_info ei;
    a->r = auth_get_access(a->auth, a->token, sizeof a->token, &ei);
}

static void refresh_while_the_lock_is_held_elsewhere_is_crpki_e_lock(void **state)
{
    fixture *f = *state;
    login(f, -1);
    auth_set_lock_timeout(f->auth, 200);
    plat_xlock *l;
    crpki_error_info ei;
    assert_int_equal(plat_xlock_acquire(f->home, 1000, &l, &ei), CRPKI_OK);
    /* another thread: a named mutex is recursive for its owner */
    refresh_arg a = {f->auth, CRPKI_OK, ""};
    plat_thread *t = plat_thread_start(refresh_thread, &a);
    plat_thread_join(t);
    plat_xlock_release(l);
    assert_int_equal(a.r, CRPKI_E_LOCK);
    assert_int_equal(svc_count_calls(&f->svc, "refresh"), 0);
}

#define THREADS 4

static void concurrent_threads_sharing_one_auth_refresh_once(void **state)
{
    fixture *f = *state;
    login(f, -1);
    f->svc.delay_ms = 200;
    refresh_arg a[THREADS];
    plat_thread *t[THREADS];
    for (int i = 0; i < THREADS; i++) {
        a[i] = (refresh_arg){f->auth, CRPKI_E_INTERNAL, ""};
        t[i] = plat_thread_start(refresh_thread, &a[i]);
    }
    for (int i = 0; i < THREADS; i++)
        plat_thread_join(t[i]);
    for (int i = 0; i < THREADS; i++) {
        assert_int_equal(a[i].r, CRPKI_OK);
        assert_string_equal(a[i].token, "AT-2");
    }
    assert_int_equal(svc_count_calls(&f->svc, "refresh"), 1);
}

static void concurrent_threads_with_their_own_auth_refresh_once(void **state)
{
    fixture *f = *state;
    login(f, -1);
    f->svc.delay_ms = 200;
    refresh_arg a[THREADS];
    plat_thread *t[THREADS];
    for (int i = 0; i < THREADS; i++) {
        a[i] = (refresh_arg){new_auth(f->home, &f->svc), CRPKI_E_INTERNAL, ""};
        assert_non_null(a[i].auth);
        t[i] = plat_thread_start(refresh_thread, &a[i]);
    }
    for (int i = 0; i < THREADS; i++) {
        plat_thread_join(t[i]);
        crpki_auth_free(a[i].auth);
    }
    for (int i = 0; i < THREADS; i++) {
        assert_int_equal(a[i].r, CRPKI_OK);
        assert_string_equal(a[i].token, "AT-2");
    }
    assert_int_equal(svc_count_calls(&f->svc, "refresh"), 1);
}

/* Child "refresher<N>" (arg: the base directory): waits for base/go, gets an
 * access token with its own crpki_auth, writes it to base/out<N>. */
int tu_child_main(const char *role, const char *arg)
{
    if (strncmp(role, "refresher", 9) != 0)
        return 2;
    char *home = plat_path_join(arg, "home"), *go = plat_path_join(arg, "go");
    char out_name[16];
    snprintf(out_name, sizeof out_name, "out%s", role + 9);
    char *out = plat_path_join(arg, out_name);
    fake_svc svc = {plat_path_join(arg, "svc"), 300, CRPKI_OK, CRPKI_OK, 0, 0};
    crpki_auth *a = new_auth(home, &svc);
    int rc = 0;
    if (!a || !tu_wait_for_file(go, 30000)) {
        rc = 3;
    } else {
        char buf[64];
        crpki_error_info ei;
        crpki_err r = auth_get_access(a, buf, sizeof buf, &ei);
        if (r != CRPKI_OK)
            snprintf(buf, sizeof buf, "error %s", crpki_err_name(r));
        rc = tu_write_str(out, buf) == 0 ? 0 : 4;
    }
    crpki_auth_free(a);
    free(svc.svc_dir);
    free(home);
    free(go);
    free(out);
    return rc;
}

static void concurrent_refreshers_in_two_processes_refresh_once_and_share_the_token(void **state)
{
    fixture *f = *state;
    login(f, -1);
    tu_proc *p1 = tu_spawn("refresher1", f->dir);
    tu_proc *p2 = tu_spawn("refresher2", f->dir);
    assert_non_null(p1);
    assert_non_null(p2);
    char *go = plat_path_join(f->dir, "go");
    assert_int_equal(tu_write_str(go, "go"), 0);
    free(go);
    assert_int_equal(tu_wait(p1), 0);
    assert_int_equal(tu_wait(p2), 0);
    for (int i = 1; i <= 2; i++) {
        char name[8];
        snprintf(name, sizeof name, "out%d", i);
        char *p = plat_path_join(f->dir, name);
        char *tok = tu_read(p, NULL);
        assert_non_null(tok);
        assert_string_equal(tok, "AT-2");
        free(tok);
        free(p);
    }
    assert_int_equal(svc_count_calls(&f->svc, "refresh"), 1);
    tokstore ts = stored(f);
    assert_string_equal(ts.refresh_token, "RT-2");
    tokstore_clear(&ts);
    char *cur = svc_current(&f->svc);
    assert_string_equal(cur, "RT-2"); /* not revoked as stolen */
    free(cur);
}

/* ---- login state ------------------------------------------------------------------------------
 */

static void save_login_then_status_reports_it(void **state)
{
    fixture *f = *state;
    int64_t t0 = (int64_t)time(NULL);
    login(f, 300);
    crpki_auth_status st;
    crpki_error_info ei;
    assert_int_equal(crpki_auth_get_status(f->auth, &st, &ei), CRPKI_OK);
    assert_true(st.logged_in);
    assert_true(st.access_expires_at >= t0 + 300 && st.access_expires_at <= t0 + 302);
    assert_true(st.saved_at >= t0);
#ifndef _WIN32
    char *p = plat_path_join(f->home, "tokens.dat");
    assert_int_equal(tu_file_mode(p), 0600);
    free(p);
#endif
    rssp_tokens bad = {NULL, (char *)"RT", 0, NULL};
    assert_int_equal(crpki_auth_save_login(f->auth, &bad, &ei), CRPKI_E_INVALID_ARG);
    assert_int_equal(crpki_auth_save_login(f->auth, NULL, &ei), CRPKI_E_INVALID_ARG);
}

static void logout_revokes_and_deletes_the_tokens(void **state)
{
    fixture *f = *state;
    login(f, 3600);
    crpki_error_info ei;
    assert_int_equal(crpki_auth_logout(f->auth, &ei), CRPKI_OK);
    assert_int_equal(svc_count_calls(&f->svc, "revoke RT-1"), 1);
    char *p = plat_path_join(f->home, "tokens.dat");
    assert_false(tu_exists(p));
    free(p);
    char buf[64];
    assert_int_equal(auth_get_access(f->auth, buf, sizeof buf, &ei), CRPKI_E_NOT_LOGGED_IN);
    /* logging out twice: nothing to revoke, fine */
    assert_int_equal(crpki_auth_logout(f->auth, &ei), CRPKI_OK);
    assert_int_equal(svc_count_calls(&f->svc, "revoke"), 1);
}

static void logout_with_unreachable_service_still_deletes_and_says_so(void **state)
{
    fixture *f = *state;
    login(f, 3600);
    f->svc.revoke_result = CRPKI_E_NETWORK;
    crpki_error_info ei;
    assert_int_equal(crpki_auth_logout(f->auth, &ei), CRPKI_E_NETWORK);
    assert_int_equal(ei.code, CRPKI_E_NETWORK);
    assert_string_equal(ei.detail, "local tokens deleted; revoking the login at the service "
                                   "failed: cannot connect (fake)");
    crpki_auth_status st;
    assert_int_equal(crpki_auth_get_status(f->auth, &st, &ei), CRPKI_OK);
    assert_false(st.logged_in);
}

static void logout_keeps_the_proxy_password(void **state)
{
    fixture *f = *state;
    crpki_error_info ei;
    assert_int_equal(crpki_auth_set_proxy_password(f->auth, "秘密のパスワード", &ei), CRPKI_OK);
    login(f, 3600);
    assert_int_equal(crpki_auth_logout(f->auth, &ei), CRPKI_OK);
    char *pw = NULL;
    assert_int_equal(crpki_auth_get_proxy_password(f->home, &pw, &ei), CRPKI_OK);
    assert_string_equal(pw, "秘密のパスワード");
    free(pw);
    tokstore ts = stored(f);
    assert_null(ts.access_token);
    assert_null(ts.refresh_token);
    tokstore_clear(&ts);
}

static void proxy_password_is_set_read_and_deleted(void **state)
{
    fixture *f = *state;
    crpki_error_info ei;
    char *pw = (char *)"x";
    assert_int_equal(crpki_auth_get_proxy_password(f->home, &pw, &ei), CRPKI_OK);
    assert_null(pw);
    assert_int_equal(crpki_auth_set_proxy_password(f->auth, "p@ss", &ei), CRPKI_OK);
    login(f, 3600); /* a login keeps it */
    assert_int_equal(crpki_auth_get_proxy_password(f->home, &pw, &ei), CRPKI_OK);
    assert_string_equal(pw, "p@ss");
    free(pw);
    assert_int_equal(crpki_auth_set_proxy_password(f->auth, NULL, &ei), CRPKI_OK);
    assert_int_equal(crpki_auth_get_proxy_password(f->home, &pw, &ei), CRPKI_OK);
    assert_null(pw);
    expect_access(f->auth, "AT-1"); /* the login is untouched */
    /* with no login either, the file goes */
    assert_int_equal(crpki_auth_set_proxy_password(f->auth, "p", &ei), CRPKI_OK);
    assert_int_equal(crpki_auth_logout(f->auth, &ei), CRPKI_OK);
    assert_int_equal(crpki_auth_set_proxy_password(f->auth, "", &ei), CRPKI_OK);
    char *p = plat_path_join(f->home, "tokens.dat");
    assert_false(tu_exists(p));
    free(p);
}

#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)

int main(int argc, char **argv)
{
    int child = tu_child_dispatch(argc, argv);
    if (child >= 0)
        return child;
    const struct CMUnitTest tests[] = {
        T(no_store_is_not_logged_in),
        T(fresh_token_is_returned_without_refresh),
        T(token_expiring_within_30_s_is_refreshed_first),
        T(token_with_more_than_30_s_left_is_used),
        T(short_lived_token_is_used_until_its_last_quarter),
        T(expired_token_refreshes_and_saves_the_rotated_store),
        T(refused_token_is_refreshed_even_if_unexpired),
        T(refused_token_already_replaced_by_another_process_is_not_refreshed),
        T(store_replaced_by_another_process_is_seen_by_get_access),
        T(invalid_grant_logs_out_and_keeps_no_secret),
        T(invalid_grant_without_proxy_password_deletes_the_store),
        T(network_failure_during_refresh_keeps_the_store),
        T(refreshed_tokens_that_cannot_be_saved_are_an_error),
        T(refresh_without_rotation_keeps_the_refresh_token),
        T(short_buffer_is_buffer_too_small),
        T(token_source_callbacks_serve_the_client),
        T(damaged_store_is_token_store_error),
        T(refresh_while_the_lock_is_held_elsewhere_is_crpki_e_lock),
        T(concurrent_threads_sharing_one_auth_refresh_once),
        T(concurrent_threads_with_their_own_auth_refresh_once),
        T(concurrent_refreshers_in_two_processes_refresh_once_and_share_the_token),
        T(save_login_then_status_reports_it),
        T(logout_revokes_and_deletes_the_tokens),
        T(logout_with_unreachable_service_still_deletes_and_says_so),
        T(logout_keeps_the_proxy_password),
        T(proxy_password_is_set_read_and_deleted),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
