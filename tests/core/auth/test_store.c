/* The token store and what it stands on: atomic replace, protection at rest
 * (POSIX 0600 + refusal of exposed stores; Windows DPAPI, under Wine too),
 * and the cross-process lock. */
#ifndef _WIN32
#define _POSIX_C_SOURCE 200809L /* symlink, chown, setrlimit */
#endif
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "core/auth/tokstore.h"
#include "base/platform/plat_fs.h"
#include "base/platform/plat_protect.h"
#include "base/platform/plat_thread.h"
#include "base/platform/plat_clock.h"
#include "base/platform/plat_xlock.h"
#include "testutil.h"

#ifndef _WIN32
#include <sys/resource.h>
#include <signal.h>
#include <unistd.h>
#endif

typedef struct {
    char *dir;
    char *store; /* dir/tokens.dat */
} fixture;

static int setup(void **state)
{
    fixture *f = calloc(1, sizeof *f);
    if (!f)
        return -1;
    f->dir = tu_tempdir("store");
    f->store = f->dir ? plat_path_join(f->dir, "tokens.dat") : NULL;
    *state = f;
    return f->store ? 0 : -1;
}

static int teardown(void **state)
{
    fixture *f = *state;
    plat_fs_set_fault(PLAT_FAULT_NONE);
    tu_rmtree(f->dir);
    free(f->dir);
    free(f->store);
    free(f);
    return 0;
}

static tokstore sample(const char *access, const char *refresh)
{
    tokstore ts;
    memset(&ts, 0, sizeof ts);
    ts.access_token = (char *)access;
    ts.refresh_token = (char *)refresh;
    ts.access_expires_at = 1900000000;
    ts.saved_at = 1800000000;
    return ts;
}

/* ---- atomic replace ----------------------------------------------------------- */

static void atomic_write_replaces_content_and_leaves_no_temp(void **state)
{
    fixture *f = *state;
    char *p = plat_path_join(f->dir, "file.txt");
    crpki_error_info ei;
    assert_int_equal(plat_write_file_atomic(p, "old", 3, PLAT_FILE_PUBLIC, &ei), CRPKI_OK);
    assert_int_equal(plat_write_file_atomic(p, "new!", 4, PLAT_FILE_PUBLIC, &ei), CRPKI_OK);
    char *text = tu_read(p, NULL);
    assert_string_equal(text, "new!");
    free(text);
    assert_int_equal(tu_count_entries(f->dir, ".tmp"), 0);
    free(p);
}

static void failed_write_keeps_old_content_and_leaves_no_temp(void **state)
{
    fixture *f = *state;
    char *p = plat_path_join(f->dir, "file.txt");
    crpki_error_info ei;
    assert_int_equal(plat_write_file_atomic(p, "old content", 11, PLAT_FILE_PUBLIC, &ei), CRPKI_OK);
    static const plat_fault faults[] = {PLAT_FAULT_WRITE, PLAT_FAULT_RENAME};
    for (int i = 0; i < 2; i++) {
        plat_fs_set_fault(faults[i]);
        assert_int_equal(plat_write_file_atomic(p, "new content!", 12, PLAT_FILE_PUBLIC, &ei),
                         CRPKI_E_IO);
        assert_non_null(strstr(ei.detail, "old content kept"));
        plat_fs_set_fault(PLAT_FAULT_NONE);
        char *text = tu_read(p, NULL);
        assert_string_equal(text, "old content");
        free(text);
        assert_int_equal(tu_count_entries(f->dir, ".tmp"), 0);
    }
    free(p);
}

static void failed_store_save_keeps_the_old_login(void **state)
{
    fixture *f = *state;
    crpki_error_info ei;
    tokstore ts = sample("AT-old", "RT-old");
    assert_int_equal(tokstore_save(f->dir, &ts, &ei), CRPKI_OK);
    plat_fs_set_fault(PLAT_FAULT_WRITE);
    ts = sample("AT-new", "RT-new");
    assert_int_equal(tokstore_save(f->dir, &ts, &ei), CRPKI_E_IO);
    plat_fs_set_fault(PLAT_FAULT_NONE);
    tokstore back;
    int present = 0;
    assert_int_equal(tokstore_load(f->dir, &back, &present, &ei), CRPKI_OK);
    assert_true(present);
    assert_string_equal(back.access_token, "AT-old");
    assert_string_equal(back.refresh_token, "RT-old");
    tokstore_clear(&back);
    assert_int_equal(tu_count_entries(f->dir, ".tmp"), 0);
}

#ifndef _WIN32
/* A real failure, not the seam: a file size limit makes write(2) fail. */
static int child_write_over_limit(const char *path)
{
    signal(SIGXFSZ, SIG_IGN);
    struct rlimit rl = {16, 16};
    if (setrlimit(RLIMIT_FSIZE, &rl) != 0)
        return 3;
    static char big[4096];
    memset(big, 'n', sizeof big);
    crpki_error_info ei;
    crpki_err r = plat_write_file_atomic(path, big, sizeof big, PLAT_FILE_PRIVATE, &ei);
    return r == CRPKI_E_IO ? 0 : 4;
}

static void write_over_file_size_limit_keeps_old_content(void **state)
{
    fixture *f = *state;
    char *p = plat_path_join(f->dir, "file.txt");
    crpki_error_info ei;
    assert_int_equal(plat_write_file_atomic(p, "old", 3, PLAT_FILE_PRIVATE, &ei), CRPKI_OK);
    assert_int_equal(tu_wait(tu_spawn("fsize", p)), 0);
    char *text = tu_read(p, NULL);
    assert_string_equal(text, "old");
    free(text);
    assert_int_equal(tu_count_entries(f->dir, ".tmp"), 0);
    free(p);
}
#endif

/* ---- the store ----------------------------------------------------------------- */

static void store_round_trips_every_member(void **state)
{
    fixture *f = *state;
    char *home = plat_path_join(f->dir, "ユーザー\\佐藤"); /* a nested Japanese home */
    for (char *c = home; *c; c++)
        if (*c == '\\')
            *c = plat_path_sep;
    crpki_error_info ei;
    tokstore ts = sample("AT-1", "RT-1");
    ts.proxy_password = (char *)"pässwörd 秘密";
    assert_int_equal(tokstore_save(home, &ts, &ei), CRPKI_OK);
    tokstore back;
    int present = 0;
    assert_int_equal(tokstore_load(home, &back, &present, &ei), CRPKI_OK);
    assert_true(present);
    assert_string_equal(back.access_token, "AT-1");
    assert_string_equal(back.refresh_token, "RT-1");
    assert_string_equal(back.proxy_password, "pässwörd 秘密");
    assert_int_equal(back.access_expires_at, 1900000000);
    assert_int_equal(back.saved_at, 1800000000);
    tokstore_clear(&back);
    assert_null(back.access_token);
    /* absent store: present 0, nothing */
    assert_int_equal(tokstore_remove(home, &ei), CRPKI_OK);
    assert_int_equal(tokstore_remove(home, &ei), CRPKI_OK);
    assert_int_equal(tokstore_load(home, &back, &present, &ei), CRPKI_OK);
    assert_false(present);
    assert_true(tokstore_is_empty(&back));
    free(home);
}

/* Issue 28 N8: saving leaves no copy of a secret in freed heap (a crash dump
 * of the application the DLL lives in carries its heap): every block cJSON
 * frees while the store is written is searched for the tokens. */
static const char *const LEAK_SECRETS[] = {"AT-secret-7c1e9b", "RT-secret-52d0aa",
                                           "proxy-secret-913f"};
static int g_leaks;

/* The blocks cJSON has now and their sizes (a side table, so that a block
 * freed with plain free() elsewhere is still a plain malloc block). */
static struct {
    void *p;
    size_t n;
} g_blocks[4096];

static void *hk_malloc(size_t n)
{
    void *p = malloc(n);
    for (size_t i = 0; p && i < sizeof g_blocks / sizeof g_blocks[0]; i++)
        if (!g_blocks[i].p) {
            g_blocks[i].p = p;
            g_blocks[i].n = n;
            break;
        }
    return p;
}

static void hk_free(void *q)
{
    for (size_t i = 0; q && i < sizeof g_blocks / sizeof g_blocks[0]; i++) {
        if (g_blocks[i].p != q)
            continue;
        for (size_t s = 0; s < 3; s++) {
            size_t k = strlen(LEAK_SECRETS[s]);
            for (size_t j = 0; j + k <= g_blocks[i].n; j++)
                if (memcmp((char *)q + j, LEAK_SECRETS[s], k) == 0)
                    g_leaks++;
        }
        g_blocks[i].p = NULL;
        break;
    }
    free(q);
}

static void saving_leaves_no_secret_in_freed_heap(void **state)
{
    fixture *f = *state;
    crpki_error_info ei;
    tokstore ts = sample(LEAK_SECRETS[0], LEAK_SECRETS[1]);
    ts.proxy_password = (char *)LEAK_SECRETS[2];
    cJSON_Hooks hooks = {hk_malloc, hk_free};
    cJSON_InitHooks(&hooks);
    g_leaks = 0;
    crpki_err e = tokstore_save(f->dir, &ts, &ei);
    cJSON_InitHooks(NULL);
    assert_int_equal(e, CRPKI_OK);
    assert_int_equal(g_leaks, 0);
    tokstore back;
    int present = 0;
    assert_int_equal(tokstore_load(f->dir, &back, &present, &ei), CRPKI_OK);
    assert_string_equal(back.refresh_token, LEAK_SECRETS[1]);
    tokstore_clear(&back);
}

static void damaged_store_is_refused(void **state)
{
    fixture *f = *state;
    crpki_error_info ei;
    static const struct {
        const char *json, *detail;
    } cases[] = {
        {"not json", "tokens.dat: damaged (not JSON): log in again"},
        {"{}", "tokens.dat: damaged (no version): log in again"},
        {"[1]", "tokens.dat: damaged (no version): log in again"},
        {"{\"version\":1,\"access_token\":5}",
         "tokens.dat: damaged (a member of the wrong type): log in again"},
        {"{\"version\":1,\"access_expires_at\":\"soon\"}",
         "tokens.dat: damaged (a member of the wrong type): log in again"},
        {"{\"version\":2,\"access_token\":\"x\"}",
         "tokens.dat: format version 2, this driver reads version 1 (written by another version "
         "of the driver?): log in again"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        /* sealed as the driver would, so only the content is wrong */
        assert_int_equal(plat_protect_write(f->store, (const uint8_t *)cases[i].json,
                                            strlen(cases[i].json), &ei),
                         CRPKI_OK);
        tokstore back;
        assert_int_equal(tokstore_load(f->dir, &back, NULL, &ei), CRPKI_E_TOKEN_STORE);
        assert_string_equal(ei.detail, cases[i].detail);
        assert_null(back.access_token);
    }
}

#ifndef _WIN32
static void posix_store_is_created_0600_in_a_0700_home(void **state)
{
    fixture *f = *state;
    char *home = plat_path_join(f->dir, "new-home");
    crpki_error_info ei;
    tokstore ts = sample("AT", "RT");
    assert_int_equal(tokstore_save(home, &ts, &ei), CRPKI_OK);
    char *store = plat_path_join(home, "tokens.dat");
    assert_int_equal(tu_file_mode(store), 0600);
    assert_int_equal(tu_file_mode(home), 0700);
    /* sealing is the identity on POSIX: the file is the JSON */
    char *text = tu_read(store, NULL);
    assert_non_null(strstr(text, "\"refresh_token\":\"RT\""));
    free(text);
    free(store);
    free(home);
}

static void posix_store_readable_by_others_is_refused(void **state)
{
    fixture *f = *state;
    crpki_error_info ei;
    tokstore ts = sample("AT", "RT");
    assert_int_equal(tokstore_save(f->dir, &ts, &ei), CRPKI_OK);
    static const struct {
        int mode;
        const char *detail;
    } cases[] = {
        {0644, "tokens.dat has mode 0644: other users may read it; refusing it (chmod 600 it or "
               "log in again)"},
        {0640, "tokens.dat has mode 0640: other users may read it; refusing it (chmod 600 it or "
               "log in again)"},
        {0602, "tokens.dat has mode 0602: other users may read it; refusing it (chmod 600 it or "
               "log in again)"},
    };
    tokstore back;
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        assert_int_equal(tu_chmod(f->store, cases[i].mode), 0);
        assert_int_equal(tokstore_load(f->dir, &back, NULL, &ei), CRPKI_E_TOKEN_STORE);
        assert_int_equal(ei.code, CRPKI_E_TOKEN_STORE);
        assert_string_equal(ei.detail, cases[i].detail);
    }
    assert_int_equal(tu_chmod(f->store, 0400), 0);
    assert_int_equal(tokstore_load(f->dir, &back, NULL, &ei), CRPKI_OK);
    assert_string_equal(back.refresh_token, "RT");
    tokstore_clear(&back);
}

static void posix_store_as_symlink_is_refused(void **state)
{
    fixture *f = *state;
    char *real = plat_path_join(f->dir, "elsewhere.dat");
    crpki_error_info ei;
    assert_int_equal(plat_protect_write(real, (const uint8_t *)"{\"version\":1}", 13, &ei),
                     CRPKI_OK);
    assert_int_equal(symlink(real, f->store), 0);
    tokstore back;
    assert_int_equal(tokstore_load(f->dir, &back, NULL, &ei), CRPKI_E_TOKEN_STORE);
    assert_non_null(strstr(ei.detail, "symbolic link"));
    free(real);
}

static void posix_store_owned_by_another_user_is_refused(void **state)
{
    fixture *f = *state;
    if (geteuid() != 0)
        skip(); /* only root can give a file away */
    crpki_error_info ei;
    tokstore ts = sample("AT", "RT");
    assert_int_equal(tokstore_save(f->dir, &ts, &ei), CRPKI_OK);
    assert_int_equal(chown(f->store, 65534, 65534), 0);
    tokstore back;
    assert_int_equal(tokstore_load(f->dir, &back, NULL, &ei), CRPKI_E_TOKEN_STORE);
    assert_non_null(strstr(ei.detail, "owned by uid 65534"));
}
#else
static void dpapi_seal_round_trips_and_hides_the_content(void **state)
{
    (void)state;
    static const char secret[] = "{\"refresh_token\":\"RT-very-secret\"}";
    uint8_t *blob = NULL, *back = NULL;
    size_t blen = 0, n = 0;
    crpki_error_info ei;
    crpki_err r = plat_protect_seal((const uint8_t *)secret, sizeof secret - 1, &blob, &blen, &ei);
    if (r != CRPKI_OK)
        print_error("CryptProtectData: %s\n", ei.detail);
    assert_int_equal(r, CRPKI_OK);
    assert_true(blen > sizeof secret);
    for (size_t i = 0; i + 8 <= blen; i++)
        assert_false(memcmp(blob + i, "RT-very-", 8) == 0);
    assert_int_equal(plat_protect_unseal(blob, blen, &back, &n, &ei), CRPKI_OK);
    assert_int_equal(n, sizeof secret - 1);
    assert_memory_equal(back, secret, n);
    free(back);
    free(blob);
}

static void dpapi_tampered_or_truncated_blob_is_refused(void **state)
{
    fixture *f = *state;
    crpki_error_info ei;
    tokstore ts = sample("AT", "RT-secret");
    assert_int_equal(tokstore_save(f->dir, &ts, &ei), CRPKI_OK);
    size_t n = 0;
    char *blob = tu_read(f->store, &n);
    assert_non_null(blob);
    assert_null(strstr(blob, "RT-secret"));
    uint8_t *out = NULL;
    size_t outn = 0;
    /* every byte of the sealed data and of its MAC matters: flip one at
     * several places and nothing unseals */
    size_t places[] = {n / 2, n - 30, n - 1};
    for (size_t i = 0; i < sizeof places / sizeof places[0]; i++) {
        blob[places[i]] ^= 0x5a;
        crpki_err r = plat_protect_unseal((const uint8_t *)blob, n, &out, &outn, &ei);
        if (r == CRPKI_OK)
            print_error("a flipped byte at %lu of %lu unsealed\n", (unsigned long)places[i],
                        (unsigned long)n);
        assert_int_equal(r, CRPKI_E_TOKEN_STORE);
        blob[places[i]] ^= 0x5a;
    }
    assert_int_equal(tu_write(f->store, blob, n - 10), 0);
    tokstore back;
    assert_int_equal(tokstore_load(f->dir, &back, NULL, &ei), CRPKI_E_TOKEN_STORE);
    assert_non_null(strstr(ei.detail, "CryptUnprotectData failed"));
    free(blob);
}

static void dpapi_plaintext_store_is_refused(void **state)
{
    fixture *f = *state;
    assert_int_equal(tu_write_str(f->store, "{\"version\":1,\"refresh_token\":\"RT\"}"), 0);
    tokstore back;
    crpki_error_info ei;
    assert_int_equal(tokstore_load(f->dir, &back, NULL, &ei), CRPKI_E_TOKEN_STORE);
}
#endif

/* ---- the cross-process lock --------------------------------------------------------- */

/* What the "die" child leaves behind, reachable (valgrind: no leak). */
static plat_xlock *volatile g_abandoned;

/* Child roles: "hold" takes the lock, says so (dir/held), keeps it until
 * dir/release appears; "die" takes it and exits without releasing. */
static int child_hold(const char *dir, int die)
{
    plat_xlock *l;
    crpki_error_info ei;
    if (plat_xlock_acquire(dir, 10000, &l, &ei) != CRPKI_OK)
        return 3;
    char *held = plat_path_join(dir, "held"), *rel = plat_path_join(dir, "release");
    int rc = tu_write_str(held, "1") == 0 ? 0 : 4;
    if (!die) {
        if (!tu_wait_for_file(rel, 30000))
            rc = 5;
        plat_xlock_release(l);
    } else {
        g_abandoned = l;
    }
    free(held);
    free(rel);
    return rc; /* "die": exits holding it */
}

int tu_child_main(const char *role, const char *arg)
{
    if (strcmp(role, "hold") == 0)
        return child_hold(arg, 0);
    if (strcmp(role, "die") == 0)
        return child_hold(arg, 1);
#ifndef _WIN32
    if (strcmp(role, "fsize") == 0)
        return child_write_over_limit(arg);
#endif
    return 2;
}

static void lock_held_by_another_process_times_out_then_is_taken(void **state)
{
    fixture *f = *state;
    tu_proc *p = tu_spawn("hold", f->dir);
    assert_non_null(p);
    char *held = plat_path_join(f->dir, "held"), *rel = plat_path_join(f->dir, "release");
    assert_true(tu_wait_for_file(held, 30000));
    plat_xlock *l = NULL;
    crpki_error_info ei;
    int64_t t0 = plat_now_ms();
    assert_int_equal(plat_xlock_acquire(f->dir, 300, &l, &ei), CRPKI_E_LOCK);
    assert_true(plat_now_ms() - t0 >= 250);
    assert_int_equal(ei.code, CRPKI_E_LOCK);
    assert_null(l);
    assert_int_equal(tu_write_str(rel, "1"), 0);
    assert_int_equal(plat_xlock_acquire(f->dir, 20000, &l, &ei), CRPKI_OK);
    plat_xlock_release(l);
    assert_int_equal(tu_wait(p), 0);
    free(held);
    free(rel);
}

static void lock_of_a_process_that_died_holding_it_is_taken(void **state)
{
    fixture *f = *state;
    assert_int_equal(tu_wait(tu_spawn("die", f->dir)), 0);
    plat_xlock *l = NULL;
    crpki_error_info ei;
    /* POSIX: the kernel dropped the flock; Windows: WAIT_ABANDONED */
    assert_int_equal(plat_xlock_acquire(f->dir, 5000, &l, &ei), CRPKI_OK);
    plat_xlock_release(l);
}

typedef struct {
    const char *dir;
    crpki_err r;
    uint64_t waited_ms;
} try_arg;

static void try_lock_thread(void *p)
{
    try_arg *a = p;
    plat_xlock *l = NULL;
    crpki_error_info ei;
    int64_t t0 = plat_now_ms();
    a->r = plat_xlock_acquire(a->dir, 200, &l, &ei);
    a->waited_ms = plat_now_ms() - t0;
    plat_xlock_release(l);
}

static void lock_excludes_another_thread_of_the_same_process(void **state)
{
    fixture *f = *state;
    plat_xlock *l;
    crpki_error_info ei;
    assert_int_equal(plat_xlock_acquire(f->dir, 1000, &l, &ei), CRPKI_OK);
    try_arg a = {f->dir, CRPKI_OK, 0};
    plat_thread *t = plat_thread_start(try_lock_thread, &a);
    assert_non_null(t);
    plat_thread_join(t);
    assert_int_equal(a.r, CRPKI_E_LOCK);
    assert_true(a.waited_ms >= 150);
    plat_xlock_release(l);
    t = plat_thread_start(try_lock_thread, &a);
    plat_thread_join(t);
    assert_int_equal(a.r, CRPKI_OK);
}

static void lock_name_is_per_home(void **state)
{
    fixture *f = *state;
    char *n1 = plat_xlock_name(f->dir);
    char *other = plat_path_join(f->dir, "other");
    char *n2 = plat_xlock_name(other);
    assert_string_not_equal(n1, n2);
#ifdef _WIN32
    assert_int_equal(strlen(n1), strlen("Local\\CrpkiRemoteSign-") + 16);
    assert_memory_equal(n1, "Local\\CrpkiRemoteSign-", 22);
    /* spelling does not matter: case, '/' and a trailing separator */
    char *alt = plat_path_join(f->dir, "");
    for (char *c = alt; *c; c++) {
        if (*c == '\\')
            *c = '/';
        else if (*c >= 'a' && *c <= 'z')
            *c = (char)(*c - 32);
    }
    char *n3 = plat_xlock_name(alt);
    assert_string_equal(n1, n3);
    free(n3);
    free(alt);
#else
    char *want = plat_path_join(f->dir, "tokens.lock");
    assert_string_equal(n1, want);
    free(want);
    plat_xlock *l;
    crpki_error_info ei;
    assert_int_equal(plat_xlock_acquire(f->dir, 1000, &l, &ei), CRPKI_OK);
    assert_int_equal(tu_file_mode(n1), 0600);
    plat_xlock_release(l);
#endif
    free(n1);
    free(n2);
    free(other);
}

#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)

int main(int argc, char **argv)
{
    int child = tu_child_dispatch(argc, argv);
    if (child >= 0)
        return child;
    const struct CMUnitTest tests[] = {
        T(atomic_write_replaces_content_and_leaves_no_temp),
        T(failed_write_keeps_old_content_and_leaves_no_temp),
        T(failed_store_save_keeps_the_old_login),
#ifndef _WIN32
        T(write_over_file_size_limit_keeps_old_content),
#endif
        T(store_round_trips_every_member),
        T(saving_leaves_no_secret_in_freed_heap),
        T(damaged_store_is_refused),
#ifndef _WIN32
        T(posix_store_is_created_0600_in_a_0700_home),
        T(posix_store_readable_by_others_is_refused),
        T(posix_store_as_symlink_is_refused),
        T(posix_store_owned_by_another_user_is_refused),
#else
        T(dpapi_seal_round_trips_and_hides_the_content),
        T(dpapi_tampered_or_truncated_blob_is_refused),
        T(dpapi_plaintext_store_is_refused),
#endif
        T(lock_held_by_another_process_times_out_then_is_taken),
        T(lock_of_a_process_that_died_holding_it_is_taken),
        T(lock_excludes_another_thread_of_the_same_process),
        T(lock_name_is_per_home),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
