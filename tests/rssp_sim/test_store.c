/* store: state.db alone (no token, no service): codes, token families,
 * approvals, audit; persistence and a second connection like another
 * process's. */
#define _POSIX_C_SOURCE 200809L

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "store.h"
#include "test_util.h"

#define T0 1800000000000LL /* a fixed "now", ms */

static char *g_dir;
static char g_path[4096];
static store *g_st;

static int setup(void **state)
{
    (void)state;
    g_dir = tu_mkdtemp("rsspd-store");
    if (!g_dir)
        return -1;
    snprintf(g_path, sizeof g_path, "%s/state.db", g_dir);
    char err[256];
    if (store_open(g_path, &g_st, err, sizeof err) != 0) {
        fprintf(stderr, "%s\n", err);
        return -1;
    }
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    store_close(g_st);
    g_st = NULL;
    tu_rm_rf(g_dir);
    free(g_dir);
    return 0;
}

static void reopen(void)
{
    store_close(g_st);
    char err[256];
    assert_int_equal(store_open(g_path, &g_st, err, sizeof err), 0);
}

static void h(const char *s, uint8_t out[STORE_HASH_LEN])
{
    store_hash(s, strlen(s), out);
}

typedef struct {
    uint8_t a[STORE_HASH_LEN], r[STORE_HASH_LEN];
    store_tokens tk;
} toks;

static void mk(toks *t, const char *tag, int64_t now)
{
    char s[64];
    snprintf(s, sizeof s, "access-%s", tag);
    h(s, t->a);
    snprintf(s, sizeof s, "refresh-%s", tag);
    h(s, t->r);
    t->tk = (store_tokens){t->a, now + 300000, t->r, now + 86400000};
}

static void new_code(const char *code, int64_t now)
{
    uint8_t ch[STORE_HASH_LEN];
    h(code, ch);
    store_code_new c = {"user1", "crpki-driver", "http://127.0.0.1:1/cb", "CHAL", "service"};
    assert_int_equal(store_code_create(g_st, ch, &c, now, now + 60000), STORE_OK);
}

static store_rc exchange(const char *code, const char *chal, const char *ru, const toks *t,
                         int64_t now)
{
    uint8_t ch[STORE_HASH_LEN];
    h(code, ch);
    char *user = NULL, *scope = NULL;
    store_rc rc =
        store_code_exchange(g_st, ch, "crpki-driver", ru, chal, now, &t->tk, &user, &scope);
    if (rc == STORE_OK) {
        assert_string_equal(user, "user1");
        assert_string_equal(scope, "service");
    } else {
        assert_null(user);
        assert_null(scope);
    }
    free(user);
    free(scope);
    return rc;
}

static store_rc access_rc(const uint8_t *a, int64_t now)
{
    char *user = NULL;
    store_rc rc = store_access_check(g_st, a, now, &user);
    free(user);
    return rc;
}

static store_rc refresh(const uint8_t *r, const toks *t, int64_t now)
{
    char *user = NULL, *scope = NULL;
    store_rc rc = store_refresh(g_st, r, "crpki-driver", now, &t->tk, &user, &scope);
    free(user);
    free(scope);
    return rc;
}

static void database_file_is_private_and_wal(void **state)
{
    (void)state;
    struct stat st;
    assert_int_equal(stat(g_path, &st), 0);
    assert_int_equal(st.st_mode & 077, 0);
    char wal[4200];
    snprintf(wal, sizeof wal, "%s-wal", g_path);
    toks t;
    mk(&t, "x", T0);
    new_code("c", T0);
    assert_int_equal(stat(wal, &st), 0); /* journal_mode=WAL */
}

static void code_exchange_once_then_reuse_revokes_its_family(void **state)
{
    (void)state;
    toks t1, t2;
    mk(&t1, "1", T0);
    mk(&t2, "2", T0);
    new_code("code1", T0);
    assert_int_equal(exchange("code1", "CHAL", "http://127.0.0.1:1/cb", &t1, T0 + 1), STORE_OK);
    assert_int_equal(access_rc(t1.a, T0 + 2), STORE_OK);
    assert_int_equal(exchange("code1", "CHAL", "http://127.0.0.1:1/cb", &t2, T0 + 3), STORE_REUSED);
    assert_int_equal(access_rc(t1.a, T0 + 4), STORE_REVOKED);
    assert_int_equal(access_rc(t2.a, T0 + 4), STORE_NOTFOUND); /* nothing issued the 2nd time */
    assert_int_equal(refresh(t1.r, &t2, T0 + 5), STORE_REVOKED);
}

static void code_exchange_mismatch_or_expiry_fails_and_spends_the_code(void **state)
{
    (void)state;
    toks t;
    mk(&t, "1", T0);
    new_code("a", T0);
    assert_int_equal(exchange("a", "OTHER", "http://127.0.0.1:1/cb", &t, T0), STORE_MISMATCH);
    assert_int_equal(exchange("a", "CHAL", "http://127.0.0.1:1/cb", &t, T0), STORE_REUSED);
    new_code("b", T0);
    assert_int_equal(exchange("b", "CHAL", "http://127.0.0.1:2/cb", &t, T0), STORE_MISMATCH);
    new_code("c", T0);
    assert_int_equal(exchange("c", "CHAL", "http://127.0.0.1:1/cb", &t, T0 + 60000), STORE_EXPIRED);
    assert_int_equal(exchange("nope", "CHAL", "http://127.0.0.1:1/cb", &t, T0), STORE_NOTFOUND);
}

static void refresh_rotates_and_reuse_of_rotated_token_revokes_family(void **state)
{
    (void)state;
    toks t1, t2, t3;
    mk(&t1, "1", T0);
    mk(&t2, "2", T0 + 10);
    mk(&t3, "3", T0 + 20);
    new_code("code", T0);
    assert_int_equal(exchange("code", "CHAL", "http://127.0.0.1:1/cb", &t1, T0), STORE_OK);
    assert_int_equal(refresh(t1.r, &t2, T0 + 10), STORE_OK);
    assert_int_equal(access_rc(t1.a, T0 + 11), STORE_OK); /* old access lives its TTL */
    assert_int_equal(access_rc(t2.a, T0 + 11), STORE_OK);
    assert_int_equal(refresh(t1.r, &t3, T0 + 20), STORE_REUSED); /* theft */
    assert_int_equal(access_rc(t1.a, T0 + 21), STORE_REVOKED);
    assert_int_equal(access_rc(t2.a, T0 + 21), STORE_REVOKED);
    assert_int_equal(refresh(t2.r, &t3, T0 + 22), STORE_REVOKED);
    assert_int_equal(access_rc(t3.a, T0 + 23), STORE_NOTFOUND);
    /* an access token is not a refresh token */
    assert_int_equal(refresh(t2.a, &t3, T0 + 24), STORE_NOTFOUND);
}

static void tokens_expire_and_revoke_is_family_wide(void **state)
{
    (void)state;
    toks t1, t2;
    mk(&t1, "1", T0);
    mk(&t2, "2", T0);
    new_code("code", T0);
    assert_int_equal(exchange("code", "CHAL", "http://127.0.0.1:1/cb", &t1, T0), STORE_OK);
    assert_int_equal(access_rc(t1.a, T0 + 299999), STORE_OK);
    assert_int_equal(access_rc(t1.a, T0 + 300000), STORE_EXPIRED);
    assert_int_equal(refresh(t1.r, &t2, T0 + 86400000), STORE_EXPIRED);
    assert_int_equal(store_revoke(g_st, t1.r, "other-client", T0), STORE_NOTFOUND);
    assert_int_equal(store_revoke(g_st, t1.r, "crpki-driver", T0), STORE_OK);
    assert_int_equal(access_rc(t1.a, T0 + 1), STORE_REVOKED);
    assert_int_equal(store_revoke(g_st, t1.a, "crpki-driver", T0), STORE_NOTFOUND); /* again */
}

static store_rc new_approval(const char *handle, int64_t now, int64_t auto_at, char code[5],
                             int64_t *id)
{
    uint8_t hh[STORE_HASH_LEN], sh[STORE_HASH_LEN];
    char sad[64];
    snprintf(sad, sizeof sad, "sad-%s", handle);
    h(handle, hh);
    h(sad, sh);
    uint8_t hashes[64];
    memset(hashes, 7, sizeof hashes);
    uint8_t enc[43] = {0};
    store_approval_new a = {"user1",  "cred1",      "2.16.840.1.101.3.4.2.1",
                            hashes,   64,           2,
                            "請求書", now + 120000, auto_at,
                            enc,      sizeof enc};
    return store_approval_create(g_st, hh, sh, &a, now, code, id);
}

static void get(const char *handle, store_approval *a)
{
    uint8_t hh[STORE_HASH_LEN];
    h(handle, hh);
    assert_int_equal(store_approval_by_handle(g_st, hh, a), STORE_OK);
}

static void approval_state_machine_pending_approved_denied_expired(void **state)
{
    (void)state;
    char c1[5], c2[5], c3[5];
    assert_int_equal(new_approval("h1", T0, -1, c1, NULL), STORE_OK);
    assert_int_equal(new_approval("h2", T0, -1, c2, NULL), STORE_OK);
    assert_int_equal(new_approval("h3", T0, -1, c3, NULL), STORE_OK);
    store_approval a;
    get("h1", &a);
    assert_int_equal(a.num, 2);
    assert_int_equal(a.hashes_len, 64);
    assert_string_equal(a.description, "請求書");
    assert_int_equal(store_approval_state(&a, T0, NULL), APPROVAL_PENDING);
    assert_int_equal(store_approval_state(&a, T0 + 120000, NULL), APPROVAL_EXPIRED);
    store_approval_free(&a);

    assert_int_equal(store_approval_decide(g_st, c1, 1, T0 + 5000), STORE_OK);
    assert_int_equal(store_approval_decide(g_st, c1, 0, T0 + 5001), STORE_NOTFOUND);
    get("h1", &a);
    int64_t at = 0;
    assert_int_equal(store_approval_state(&a, T0 + 200000, &at), APPROVAL_APPROVED);
    assert_int_equal(at, T0 + 5000);
    assert_int_equal(store_approval_consume(g_st, &a, "h1", "1.2.840.113549.1.1.11", 32, T0 + 6000),
                     STORE_OK);
    assert_int_equal(store_approval_consume(g_st, &a, "h1", "1.2.840.113549.1.1.11", 32, T0 + 6001),
                     STORE_CONFLICT);
    assert_int_equal(store_approval_refresh(g_st, &a), STORE_OK);
    assert_int_equal(store_approval_state(&a, T0 + 6002, NULL), APPROVAL_CONSUMED);
    store_approval_free(&a);

    assert_int_equal(store_approval_decide(g_st, c2, 0, T0 + 5000), STORE_OK);
    get("h2", &a);
    assert_int_equal(store_approval_state(&a, T0 + 5000, NULL), APPROVAL_DENIED);
    assert_int_equal(store_approval_consume(g_st, &a, "h2", "x", 32, T0 + 6000), STORE_CONFLICT);
    store_approval_free(&a);

    /* expired: the app can no longer decide it */
    assert_int_equal(store_approval_decide(g_st, c3, 1, T0 + 120000), STORE_NOTFOUND);
}

static void auto_approval_applies_at_its_time_unless_decided_before(void **state)
{
    (void)state;
    char c1[5], c2[5], c3[5];
    assert_int_equal(new_approval("a1", T0, T0 + 1500, c1, NULL), STORE_OK);
    assert_int_equal(new_approval("a2", T0, T0 + 1500, c2, NULL), STORE_OK);
    assert_int_equal(new_approval("a3", T0, T0 + 999999, c3, NULL), STORE_OK); /* after expiry */
    store_approval a;
    get("a1", &a);
    assert_int_equal(store_approval_state(&a, T0 + 1499, NULL), APPROVAL_PENDING);
    int64_t at = 0;
    assert_int_equal(store_approval_state(&a, T0 + 1500, &at), APPROVAL_APPROVED);
    assert_int_equal(at, T0 + 1500);
    /* the app cannot decide an auto-approved request any more */
    assert_int_equal(store_approval_decide(g_st, c1, 0, T0 + 1500), STORE_NOTFOUND);
    assert_int_equal(store_approval_consume(g_st, &a, "a1", "x", 32, T0 + 1499), STORE_CONFLICT);
    assert_int_equal(store_approval_consume(g_st, &a, "a1", "x", 32, T0 + 1500), STORE_OK);
    store_approval_free(&a);
    assert_int_equal(store_approval_decide(g_st, c2, 0, T0 + 1000), STORE_OK);
    get("a2", &a);
    assert_int_equal(store_approval_state(&a, T0 + 2000, NULL), APPROVAL_DENIED);
    store_approval_free(&a);
    get("a3", &a);
    assert_int_equal(store_approval_state(&a, T0 + 120000, NULL), APPROVAL_EXPIRED);
    store_approval_free(&a);
}

static void approval_codes_are_4_digits_and_unique_among_pending(void **state)
{
    (void)state;
    enum { N = 300 };
    static char codes[N][5];
    for (int i = 0; i < N; i++) {
        char hd[16];
        snprintf(hd, sizeof hd, "u%d", i);
        assert_int_equal(new_approval(hd, T0, -1, codes[i], NULL), STORE_OK);
        assert_int_equal(strlen(codes[i]), 4);
        assert_int_equal(strspn(codes[i], "0123456789"), 4);
    }
    for (int i = 0; i < N; i++)
        for (int k = i + 1; k < N; k++)
            assert_string_not_equal(codes[i], codes[k]);
}

typedef struct {
    int n;
    char code[5];
    char handle[64];
} lctx;

static void on_pending(void *c, const store_approval *a)
{
    lctx *l = c;
    l->n++;
    snprintf(l->code, sizeof l->code, "%s", a->code);
}

static void on_audit(void *c, const store_audit_row *r)
{
    lctx *l = c;
    l->n++;
    snprintf(l->handle, sizeof l->handle, "%s", r->approval_handle);
    assert_string_equal(r->hash_b64, "BwcHBwcHBwcHBwcHBwcHBwcHBwcHBwcHBwcHBwcHBwc=");
}

static void state_persists_and_another_connection_sees_decisions(void **state)
{
    (void)state;
    char code[5];
    int64_t id;
    assert_int_equal(new_approval("p1", T0, -1, code, &id), STORE_OK);
    reopen();
    lctx l = {0};
    assert_int_equal(store_pending_list(g_st, T0 + 1, on_pending, &l), STORE_OK);
    assert_int_equal(l.n, 1);
    assert_string_equal(l.code, code);
    /* another "process" approves */
    store *other;
    char err[256];
    assert_int_equal(store_open(g_path, &other, err, sizeof err), 0);
    assert_int_equal(store_approval_decide(other, code, 1, T0 + 2), STORE_OK);
    store_close(other);
    store_approval a;
    get("p1", &a);
    assert_int_equal(a.id, id);
    assert_int_equal(store_approval_state(&a, T0 + 3, NULL), APPROVAL_APPROVED);
    assert_int_equal(
        store_approval_consume(g_st, &a, "handle-p1", "1.2.840.113549.1.1.11", 32, T0 + 4),
        STORE_OK);
    store_approval_free(&a);
    l.n = 0;
    assert_int_equal(store_pending_list(g_st, T0 + 5, on_pending, &l), STORE_OK);
    assert_int_equal(l.n, 0);
    reopen();
    l.n = 0;
    assert_int_equal(store_audit_list(g_st, on_audit, &l), STORE_OK);
    assert_int_equal(l.n, 2);
    assert_string_equal(l.handle, "handle-p1");
}

static void open_fails_on_a_directory_that_does_not_exist(void **state)
{
    (void)state;
    store *st = NULL;
    char err[256];
    assert_int_equal(store_open("/nonexistent-dir/state.db", &st, err, sizeof err), -1);
    assert_null(st);
}

#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown)

int main(void)
{
    const struct CMUnitTest tests[] = {
        T(database_file_is_private_and_wal),
        T(code_exchange_once_then_reuse_revokes_its_family),
        T(code_exchange_mismatch_or_expiry_fails_and_spends_the_code),
        T(refresh_rotates_and_reuse_of_rotated_token_revokes_family),
        T(tokens_expire_and_revoke_is_family_wide),
        T(approval_state_machine_pending_approved_denied_expired),
        T(auto_approval_applies_at_its_time_unless_decided_before),
        T(approval_codes_are_4_digits_and_unique_among_pending),
        T(state_persists_and_another_connection_sees_decisions),
        T(open_fails_on_a_directory_that_does_not_exist),
    };
    return cmocka_run_group_tests_name("rsspd store", tests, NULL, NULL);
}
