/* log_write: crpki.log lines, level filter, CRPKI_LOG_LEVEL, length cap,
 * and no interleaving between threads or processes. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/log/log.h"
#include "base/platform/plat_env.h"
#include "base/platform/plat_fs.h"
#include "base/platform/plat_thread.h"
#include "testutil.h"

#ifndef _WIN32
#include <sys/wait.h>
#include <unistd.h>
#endif

typedef struct {
    char *dir;
    char *file;
} fixture;

static int setup(void **state)
{
    fixture *f = calloc(1, sizeof *f);
    if (!f)
        return -1;
    f->dir = tu_tempdir("log");
    f->file = f->dir ? plat_path_join(f->dir, "crpki.log") : NULL;
    plat_setenv("CRPKI_LOG_LEVEL", NULL);
    *state = f;
    return f->file ? 0 : -1;
}

static int teardown(void **state)
{
    fixture *f = *state;
    log_close();
    plat_setenv("CRPKI_LOG_LEVEL", NULL);
    tu_rmtree(f->dir);
    free(f->dir);
    free(f->file);
    free(f);
    return 0;
}

/* The log's lines, as a NULL-terminated array of malloc'ed strings (each
 * without its newline); *n their count. The file must end with a newline. */
static char **read_lines(const char *file, size_t *n)
{
    size_t len = 0;
    char *text = tu_read(file, &len);
    *n = 0;
    if (!text)
        return calloc(1, sizeof(char *));
    assert_true(len == 0 || text[len - 1] == '\n');
    size_t cap = 16;
    char **lines = malloc(cap * sizeof *lines);
    for (char *p = text; *p;) {
        char *nl = strchr(p, '\n');
        assert_non_null(nl);
        if (*n + 1 >= cap)
            lines = realloc(lines, (cap *= 2) * sizeof *lines);
        size_t l = (size_t)(nl - p);
        lines[*n] = malloc(l + 1);
        memcpy(lines[*n], p, l);
        lines[*n][l] = 0;
        (*n)++;
        p = nl + 1;
    }
    lines[*n] = NULL;
    free(text);
    return lines;
}

static void free_lines(char **lines)
{
    for (char **l = lines; *l; l++)
        free(*l);
    free(lines);
}

/* "YYYY-MM-DDTHH:MM:SS.mmm+HH:MM LEVEL [pid:tid] module: message": returns
 * the message, checks the rest. */
static const char *check_line(const char *line, const char *level, unsigned long pid,
                              const char *module)
{
    int y, mo, d, h, mi, s, ms, oh, om, used = 0;
    char sign;
    assert_int_equal(sscanf(line, "%4d-%2d-%2dT%2d:%2d:%2d.%3d%c%2d:%2d %n", &y, &mo, &d, &h, &mi,
                            &s, &ms, &sign, &oh, &om, &used),
                     10);
    assert_true(y >= 2024 && mo >= 1 && mo <= 12 && d >= 1 && d <= 31);
    assert_true(sign == '+' || sign == '-');
    assert_int_equal(used, 30);
    const char *p = line + used;
    char lv[8];
    snprintf(lv, sizeof lv, "%-5s ", level);
    assert_memory_equal(p, lv, 6);
    p += 6;
    unsigned long lpid = 0, ltid = 0;
    int n2 = 0;
    assert_int_equal(sscanf(p, "[%lu:%lu] %n", &lpid, &ltid, &n2), 2);
    if (pid)
        assert_int_equal(lpid, pid);
    assert_true(ltid != 0);
    p += n2;
    size_t ml = strlen(module);
    assert_memory_equal(p, module, ml);
    assert_memory_equal(p + ml, ": ", 2);
    return p + ml + 2;
}

static void log_before_open_writes_nothing_and_never_crashes(void **state)
{
    fixture *f = *state;
    assert_false(log_enabled(CRPKI_LOG_ERROR));
    log_write(CRPKI_LOG_ERROR, "test", "nowhere %d", 1);
    log_write(CRPKI_LOG_ERROR, NULL, "no module");
    log_close();
    assert_false(tu_exists(f->file));
}

static void log_line_has_time_level_pid_thread_module_and_message(void **state)
{
    fixture *f = *state;
    log_open(f->dir, CRPKI_LOG_INFO);
    log_write(CRPKI_LOG_INFO, "auth", "hello %d", 42);
    log_write(CRPKI_LOG_ERROR, NULL, "no module");
    log_close();
    size_t n;
    char **lines = read_lines(f->file, &n);
    assert_int_equal(n, 2);
    assert_string_equal(check_line(lines[0], "INFO", plat_pid(), "auth"), "hello 42");
    assert_string_equal(check_line(lines[1], "ERROR", plat_pid(), "-"), "no module");
    free_lines(lines);
}

static void level_filter_drops_less_severe_messages(void **state)
{
    fixture *f = *state;
    log_open(f->dir, CRPKI_LOG_WARN);
    assert_true(log_enabled(CRPKI_LOG_ERROR));
    assert_true(log_enabled(CRPKI_LOG_WARN));
    assert_false(log_enabled(CRPKI_LOG_INFO));
    assert_false(log_enabled(CRPKI_LOG_DEBUG));
    assert_false(log_enabled((crpki_log_level)99));
    log_write(CRPKI_LOG_DEBUG, "t", "debug");
    log_write(CRPKI_LOG_INFO, "t", "info");
    log_write(CRPKI_LOG_WARN, "t", "warn");
    log_write(CRPKI_LOG_ERROR, "t", "error");
    log_write((crpki_log_level)7, "t", "bogus level");
    log_close();
    size_t n;
    char **lines = read_lines(f->file, &n);
    assert_int_equal(n, 2);
    assert_string_equal(check_line(lines[0], "WARN", 0, "t"), "warn");
    assert_string_equal(check_line(lines[1], "ERROR", 0, "t"), "error");
    free_lines(lines);
}

static void env_log_level_overrides_the_configured_level(void **state)
{
    fixture *f = *state;
    plat_setenv("CRPKI_LOG_LEVEL", "debug");
    log_open(f->dir, CRPKI_LOG_ERROR);
    assert_true(log_enabled(CRPKI_LOG_DEBUG));
    plat_setenv("CRPKI_LOG_LEVEL", "ERROR");
    log_open(f->dir, CRPKI_LOG_DEBUG);
    assert_false(log_enabled(CRPKI_LOG_WARN));
    assert_true(log_enabled(CRPKI_LOG_ERROR));
}

static void env_log_level_unknown_value_is_ignored(void **state)
{
    fixture *f = *state;
    plat_setenv("CRPKI_LOG_LEVEL", "loud");
    log_open(f->dir, CRPKI_LOG_INFO);
    assert_true(log_enabled(CRPKI_LOG_INFO));
    assert_false(log_enabled(CRPKI_LOG_DEBUG));
}

static void env_log_level_is_read_once_at_open(void **state)
{
    fixture *f = *state;
    plat_setenv("CRPKI_LOG_LEVEL", "debug");
    log_open(f->dir, CRPKI_LOG_ERROR);
    plat_setenv("CRPKI_LOG_LEVEL", "error");
    log_write(CRPKI_LOG_DEBUG, "t", "still debug");
    log_close();
    size_t n;
    char **lines = read_lines(f->file, &n);
    assert_int_equal(n, 1);
    assert_string_equal(check_line(lines[0], "DEBUG", 0, "t"), "still debug");
    free_lines(lines);
}

static int valid_utf8(const char *s)
{
    const unsigned char *p = (const unsigned char *)s;
    while (*p) {
        int k = *p < 0x80 ? 0 : *p >= 0xF0 ? 3 : *p >= 0xE0 ? 2 : *p >= 0xC2 ? 1 : -1;
        if (k < 0)
            return 0;
        p++;
        for (; k > 0; k--, p++)
            if ((*p & 0xC0) != 0x80)
                return 0;
    }
    return 1;
}

static void long_message_is_cut_to_one_line_at_a_character_boundary(void **state)
{
    fixture *f = *state;
    size_t big = 10000;
    char *msg = malloc(big + 1);
    /* "署" is 3 bytes: the cut falls inside one for some prefix lengths */
    for (size_t i = 0; i + 3 <= big; i += 3)
        memcpy(msg + i, "\xE7\xBD\xB2", 3);
    msg[big - big % 3] = 0;
    log_open(f->dir, CRPKI_LOG_INFO);
    log_write(CRPKI_LOG_INFO, "t", "%s", msg);
    log_write(CRPKI_LOG_INFO, "t", "x%s", msg);
    log_write(CRPKI_LOG_INFO, "t", "xy%s", msg);
    log_write(CRPKI_LOG_INFO, "t", "after");
    log_close();
    free(msg);
    size_t n;
    char **lines = read_lines(f->file, &n);
    assert_int_equal(n, 4);
    for (int i = 0; i < 3; i++) {
        size_t l = strlen(lines[i]);
        assert_true(l + 1 <= 2048);
        assert_true(l > 1900);
        assert_string_equal(lines[i] + l - 3, "...");
        assert_true(valid_utf8(lines[i]));
    }
    assert_string_equal(check_line(lines[3], "INFO", 0, "t"), "after");
    free_lines(lines);
}

static void control_characters_never_split_a_line(void **state)
{
    fixture *f = *state;
    log_open(f->dir, CRPKI_LOG_INFO);
    log_write(CRPKI_LOG_INFO, "t", "a\nb\r\nc\td%ce", 1);
    log_close();
    size_t n;
    char **lines = read_lines(f->file, &n);
    assert_int_equal(n, 1);
    assert_string_equal(check_line(lines[0], "INFO", 0, "t"), "a b  c d?e");
    free_lines(lines);
}

static void reopen_switches_file_and_close_stops_writing(void **state)
{
    fixture *f = *state;
    char *dir2 = plat_path_join(f->dir, "second");
    char *file2 = plat_path_join(dir2, "crpki.log");
    log_open(f->dir, CRPKI_LOG_INFO);
    log_write(CRPKI_LOG_INFO, "t", "one");
    log_open(dir2, CRPKI_LOG_INFO); /* creates the directory */
    log_write(CRPKI_LOG_INFO, "t", "two");
    log_close();
    assert_false(log_enabled(CRPKI_LOG_ERROR));
    log_write(CRPKI_LOG_ERROR, "t", "three");
    size_t n1, n2;
    char **l1 = read_lines(f->file, &n1), **l2 = read_lines(file2, &n2);
    assert_int_equal(n1, 1);
    assert_int_equal(n2, 1);
    assert_string_equal(check_line(l2[0], "INFO", 0, "t"), "two");
    free_lines(l1);
    free_lines(l2);
    free(dir2);
    free(file2);
}

static void open_in_unusable_directory_leaves_logging_off(void **state)
{
    fixture *f = *state;
    char *blocker = plat_path_join(f->dir, "file");
    assert_int_equal(tu_write_str(blocker, "x"), 0);
    char *home = plat_path_join(blocker, "sub");
    log_open(home, CRPKI_LOG_DEBUG);
    assert_false(log_enabled(CRPKI_LOG_ERROR));
    log_write(CRPKI_LOG_ERROR, "t", "lost");
    log_open(NULL, CRPKI_LOG_DEBUG);
    assert_false(log_enabled(CRPKI_LOG_ERROR));
    free(home);
    free(blocker);
}

/* ---- concurrency ---------------------------------------------------------- */

#define WRITERS   6
#define PER_WRITE 200
#define FILLER                                                                                     \
    "abcdefghijklmnopqrstuvwxyz0123456789abcdefghijklmnopqrstuvwxyz0123456789abcdefghijklmnopqrst" \
    "uvwxyz0123456789abcdefghijklmnopqrstuvwxyz0123456789abcdefghijklmnopqrstuvwxyz0123456789"

static void write_lines(const char *who, int idx)
{
    for (int i = 0; i < PER_WRITE; i++)
        log_write(CRPKI_LOG_INFO, "mt", "%s %d line %d %s end", who, idx, i, FILLER);
}

static void writer_thread(void *arg)
{
    write_lines("thread", (int)(intptr_t)arg);
}

/* Every line whole, and each (who, idx, i) exactly once. */
static void check_concurrent_lines(const char *file, const char *who, int writers)
{
    size_t n;
    char **lines = read_lines(file, &n);
    assert_int_equal(n, (size_t)writers * PER_WRITE);
    unsigned char *seen = calloc((size_t)writers * PER_WRITE, 1);
    for (size_t k = 0; k < n; k++) {
        const char *msg = check_line(lines[k], "INFO", 0, "mt");
        char w[16], fill[256], end[8];
        int idx = -1, i = -1;
        assert_int_equal(sscanf(msg, "%15s %d line %d %255s %7s", w, &idx, &i, fill, end), 5);
        assert_string_equal(w, who);
        assert_string_equal(fill, FILLER);
        assert_string_equal(end, "end");
        assert_true(idx >= 0 && idx < writers && i >= 0 && i < PER_WRITE);
        assert_int_equal(seen[idx * PER_WRITE + i]++, 0);
    }
    free(seen);
    free_lines(lines);
}

static void concurrent_threads_never_interleave_lines(void **state)
{
    fixture *f = *state;
    log_open(f->dir, CRPKI_LOG_INFO);
    plat_thread *t[WRITERS];
    for (int i = 0; i < WRITERS; i++)
        assert_non_null(t[i] = plat_thread_start(writer_thread, (void *)(intptr_t)i));
    for (int i = 0; i < WRITERS; i++)
        plat_thread_join(t[i]);
    log_close();
    check_concurrent_lines(f->file, "thread", WRITERS);
}

/* procs children ROLE0, ROLE1, ... (tu_child_main) started together on dir
 * ("go"), each exiting 0. */
static void run_writers(const char *dir, const char *role_prefix, int procs)
{
    tu_proc *p[8];
    char role[16];
    assert_true(procs <= 8);
    for (int i = 0; i < procs; i++) {
        snprintf(role, sizeof role, "%s%d", role_prefix, i);
        assert_non_null(p[i] = tu_spawn(role, dir));
    }
    char *go = plat_path_join(dir, "go");
    assert_int_equal(tu_write_str(go, "go"), 0);
    free(go);
    for (int i = 0; i < procs; i++)
        assert_int_equal(tu_wait(p[i]), 0);
}

/* ---- the cap (issue 28 N15) ---------------------------------------------- */

#define CAP       8192
#define CAP_LINES 3000

static uint64_t size_of(const char *path)
{
    plat_stamp st;
    return plat_file_stamp(path, &st) ? st.v[2] : 0;
}

static void capped_lines(const char *who, int n)
{
    for (int i = 0; i < n; i++)
        log_write(CRPKI_LOG_INFO, "cap", "%s line %d %s end", who, i, FILLER);
}

/* An application failing in a loop: thousands of lines, and the two files
 * together never above twice the cap; the newest lines kept, in order. */
static void the_log_stays_under_its_cap(void **state)
{
    fixture *f = *state;
    char *old = plat_path_join(f->dir, LOG_OLD_FILE);
    log_set_max_bytes(CAP);
    log_open(f->dir, CRPKI_LOG_INFO);
    uint64_t most = 0;
    for (int i = 0; i < CAP_LINES; i++) {
        log_write(CRPKI_LOG_INFO, "cap", "one line %d %s end", i, FILLER);
        uint64_t now = size_of(f->file) + size_of(old);
        most = now > most ? now : most;
        assert_true(size_of(f->file) <= CAP);
    }
    log_close();
    log_set_max_bytes(0);
    assert_true(most <= 2 * CAP);
    size_t n, m;
    char **cur = read_lines(f->file, &n), **prev = read_lines(old, &m);
    assert_true(n > 0 && m > 0);
    int last = -1, first = -1, prev_last = -1;
    sscanf(check_line(cur[n - 1], "INFO", 0, "cap"), "one line %d", &last);
    sscanf(check_line(cur[0], "INFO", 0, "cap"), "one line %d", &first);
    sscanf(check_line(prev[m - 1], "INFO", 0, "cap"), "one line %d", &prev_last);
    assert_int_equal(last, CAP_LINES - 1);  /* the newest is there */
    assert_int_equal(prev_last, first - 1); /* nothing lost between the two */
    free_lines(cur);
    free_lines(prev);
    free(old);
}

static void processes_writing_at_once_stay_under_the_cap(void **state)
{
    fixture *f = *state;
    enum { PROCS = 3 };
    run_writers(f->dir, "capped", PROCS);
    char *old = plat_path_join(f->dir, LOG_OLD_FILE);
    /* a line per process may land past a move another one just made */
    assert_true(size_of(f->file) <= CAP + PROCS * 512);
    assert_true(size_of(old) <= CAP + PROCS * 512);
    size_t n;
    char **lines = read_lines(f->file, &n);
    for (size_t k = 0; k < n; k++) /* every line whole */
        assert_non_null(strstr(check_line(lines[k], "INFO", 0, "cap"), " end"));
    free_lines(lines);
    free(old);
}

#ifndef _WIN32
/* ---- fork (issue 28 N3) --------------------------------------------------- */

/* each child costs a second under valgrind; the PKCS#11 module's test forks
   50 while a thread signs */
#define CHILDREN_FORKED 20

static volatile int g_logging_stop;
/* global: reachable from a child's memory too (valgrind in the children) */
static plat_thread *g_busy;

static void log_busily(void *arg)
{
    (void)arg;
    static char big[1800];
    memset(big, 'x', sizeof big - 1);
    while (!g_logging_stop)
        log_write(CRPKI_LOG_INFO, "busy", "%s", big);
}

/* A child forked while another thread of the parent is inside the log's
 * lock must still log: the lock a thread the child does not have held at
 * the fork would never be released (the log's lock; the C library's
 * time-zone lock, which the log's clock therefore keeps to once an hour).
 * Each child is given 10 s. */
static void a_child_forked_while_another_thread_logs_can_log(void **state)
{
    fixture *f = *state;
    log_open(f->dir, CRPKI_LOG_INFO);
    g_logging_stop = 0;
    g_busy = plat_thread_start(log_busily, NULL);
    assert_non_null(g_busy);
    int failed = 0;
    for (int i = 0; i < CHILDREN_FORKED; i++) {
        fflush(NULL);
        pid_t pid = fork();
        if (pid == 0) {
            alarm(10);
            log_open(f->dir, CRPKI_LOG_INFO);
            log_write(CRPKI_LOG_INFO, "child", "forked child %d", i);
            log_close();
            _exit(0);
        }
        int st = 0;
        if (pid < 0 || waitpid(pid, &st, 0) != pid || !WIFEXITED(st) || WEXITSTATUS(st) != 0)
            failed++;
    }
    g_logging_stop = 1;
    plat_thread_join(g_busy);
    g_busy = NULL;
    log_close();
    if (failed)
        fail_msg("%d of %d children hung or failed", failed, CHILDREN_FORKED);
}
#endif

int tu_child_main(const char *role, const char *arg)
{
    if (strncmp(role, "capped", 6) == 0) {
        char *go = plat_path_join(arg, "go");
        int ok = tu_wait_for_file(go, 20000);
        free(go);
        if (!ok)
            return 3;
        log_set_max_bytes(CAP);
        log_open(arg, CRPKI_LOG_INFO);
        capped_lines(role, CAP_LINES / 3);
        log_close();
        return 0;
    }
    if (strncmp(role, "writer", 6) != 0)
        return 2;
    char *go = plat_path_join(arg, "go");
    int ok = tu_wait_for_file(go, 20000);
    free(go);
    if (!ok)
        return 3;
    log_open(arg, CRPKI_LOG_INFO);
    write_lines("proc", role[6] - '0');
    log_close();
    return 0;
}

static void concurrent_processes_never_interleave_lines(void **state)
{
    fixture *f = *state;
    enum { PROCS = 3 };
    run_writers(f->dir, "writer", PROCS);
    check_concurrent_lines(f->file, "proc", PROCS);
}

int main(int argc, char **argv)
{
    int child = tu_child_dispatch(argc, argv);
    if (child >= 0)
        return child;
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(log_before_open_writes_nothing_and_never_crashes, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(log_line_has_time_level_pid_thread_module_and_message,
                                        setup, teardown),
        cmocka_unit_test_setup_teardown(level_filter_drops_less_severe_messages, setup, teardown),
        cmocka_unit_test_setup_teardown(env_log_level_overrides_the_configured_level, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(env_log_level_unknown_value_is_ignored, setup, teardown),
        cmocka_unit_test_setup_teardown(env_log_level_is_read_once_at_open, setup, teardown),
        cmocka_unit_test_setup_teardown(long_message_is_cut_to_one_line_at_a_character_boundary,
                                        setup, teardown),
        cmocka_unit_test_setup_teardown(control_characters_never_split_a_line, setup, teardown),
        cmocka_unit_test_setup_teardown(reopen_switches_file_and_close_stops_writing, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(open_in_unusable_directory_leaves_logging_off, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(concurrent_threads_never_interleave_lines, setup, teardown),
        cmocka_unit_test_setup_teardown(concurrent_processes_never_interleave_lines, setup,
                                        teardown),
#ifndef _WIN32
        cmocka_unit_test_setup_teardown(a_child_forked_while_another_thread_logs_can_log, setup,
                                        teardown),
#endif
        cmocka_unit_test_setup_teardown(the_log_stays_under_its_cap, setup, teardown),
        cmocka_unit_test_setup_teardown(processes_writing_at_once_stay_under_the_cap, setup,
                                        teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
