/* log: crpki.log, one line per event, appended with one write so that lines
 * of concurrent threads and processes never interleave. Nothing here may fail
 * its caller: every failure just means a line is not written. */
#include "base/log/log.h"

#include <stdarg.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/platform/plat_env.h"
#include "base/platform/plat_fs.h"
#include "base/platform/plat_thread.h"
#include "base/util/utf8.h"

/* The longest line written, newline included; longer messages are cut at a
 * UTF-8 character boundary and end with "...". */
#define LOG_LINE_MAX 2048

#define LEVEL_OFF (-1)

/* Process-wide, the module's whole state: the file (under g_mu) and the
 * level (read without the lock by log_enabled). */
static _Atomic(plat_mutex *) g_mu;
static atomic_int g_level = LEVEL_OFF;
static plat_append *g_file;
static char *g_path, *g_old_path; /* crpki.log, crpki.1.log of the open file */
static plat_stamp g_opened;       /* which file g_file writes: its identity */
static size_t g_max_bytes;        /* 0: LOG_MAX_BYTES */

static const char *const LEVEL_NAMES[] = {"ERROR", "WARN", "INFO", "DEBUG"};

/* A forked child's copy of its parent's lock: kept reachable, never used
 * (a thread the child does not have may have held it at the fork). */
static plat_mutex *volatile g_parent_mu;

static void log_after_fork(void)
{
    plat_mutex *fresh = plat_mutex_new();
    if (!fresh)
        return;
    g_parent_mu = atomic_exchange(&g_mu, fresh);
}

/* Created on first use; a lost race frees its own. The winner sets the
 * fork rule: a child starts with a lock of its own (the PKCS#11 module's
 * children log through C_Initialize). */
static plat_mutex *log_mutex(void)
{
    plat_mutex *m = atomic_load(&g_mu);
    if (m)
        return m;
    plat_mutex *fresh = plat_mutex_new();
    if (!fresh)
        return NULL;
    plat_mutex *expected = NULL;
    if (!atomic_compare_exchange_strong(&g_mu, &expected, fresh)) {
        plat_mutex_free(fresh);
        return expected;
    }
    plat_at_fork_child(log_after_fork);
    return fresh;
}

static int ascii_ieq(const char *a, const char *b)
{
    for (; *a && *b; a++, b++) {
        char ca = *a >= 'A' && *a <= 'Z' ? (char)(*a + 32) : *a;
        if (ca != *b)
            return 0;
    }
    return *a == *b;
}

/* CRPKI_LOG_LEVEL: error|warn|info|debug (any case, "warning" too); -2 when
 * unset or not one of those. */
static int env_level(void)
{
    char *v = plat_getenv("CRPKI_LOG_LEVEL");
    int lvl = -2;
    if (v) {
        if (ascii_ieq(v, "error"))
            lvl = CRPKI_LOG_ERROR;
        else if (ascii_ieq(v, "warn") || ascii_ieq(v, "warning"))
            lvl = CRPKI_LOG_WARN;
        else if (ascii_ieq(v, "info"))
            lvl = CRPKI_LOG_INFO;
        else if (ascii_ieq(v, "debug"))
            lvl = CRPKI_LOG_DEBUG;
        free(v);
    }
    return lvl;
}

void log_open(const char *home, crpki_log_level level)
{
    int lvl = env_level();
    if (lvl == -2)
        lvl = (int)level;
    if (lvl < CRPKI_LOG_ERROR)
        lvl = CRPKI_LOG_ERROR;
    if (lvl > CRPKI_LOG_DEBUG)
        lvl = CRPKI_LOG_DEBUG;
    plat_mutex *m = log_mutex();
    if (!m)
        return;
    plat_append *f = NULL;
    char *path = NULL, *old_path = NULL;
    plat_stamp st;
    memset(&st, 0, sizeof st);
    if (home && *home) {
        path = plat_path_join(home, LOG_FILE);
        old_path = plat_path_join(home, LOG_OLD_FILE);
        if (path && old_path) {
            (void)plat_mkdir_p(home, PLAT_FILE_PRIVATE, NULL);
            f = plat_append_open(path, PLAT_FILE_PRIVATE);
            plat_file_stamp(path, &st);
        }
    }
    if (!f) {
        free(path);
        free(old_path);
        path = old_path = NULL;
    }
    plat_mutex_lock(m);
    plat_append *old = g_file;
    char *op = g_path, *oo = g_old_path;
    g_file = f;
    g_path = path;
    g_old_path = old_path;
    g_opened = st;
    atomic_store(&g_level, f ? lvl : LEVEL_OFF);
    plat_mutex_unlock(m);
    plat_append_close(old);
    free(op);
    free(oo);
}

void log_set_max_bytes(size_t bytes)
{
    g_max_bytes = bytes;
}

/* Before a line of len bytes, under g_mu: the file at the path is the one
 * g_file writes (another process may have moved it on: then it is reopened)
 * and the line fits under the cap (else the file moves on to crpki.1.log and
 * a new one starts). Best effort, as all logging. */
static void keep_under_cap(size_t len)
{
    size_t max = g_max_bytes ? g_max_bytes : LOG_MAX_BYTES;
    plat_stamp st;
    int exists = plat_file_stamp(g_path, &st);
    int same = exists && st.v[0] == g_opened.v[0] && st.v[1] == g_opened.v[1];
    if (same && st.v[2] + len <= max)
        return;
    if (same) { /* ours and full: move it on */
        crpki_error_info ignore;
        plat_rename(g_path, g_old_path, &ignore);
    }
    plat_append *f = plat_append_open(g_path, PLAT_FILE_PRIVATE);
    if (!f)
        return; /* keep writing where we were */
    plat_append_close(g_file);
    g_file = f;
    plat_file_stamp(g_path, &g_opened);
}

void log_close(void)
{
    plat_mutex *m = atomic_load(&g_mu);
    if (!m)
        return;
    plat_mutex_lock(m);
    plat_append *old = g_file;
    char *op = g_path, *oo = g_old_path;
    g_file = NULL;
    g_path = g_old_path = NULL;
    atomic_store(&g_level, LEVEL_OFF);
    plat_mutex_unlock(m);
    plat_append_close(old);
    free(op);
    free(oo);
}

int log_enabled(crpki_log_level level)
{
    int cur = atomic_load(&g_level);
    return cur != LEVEL_OFF && (int)level >= CRPKI_LOG_ERROR && (int)level <= cur;
}

void log_write(crpki_log_level level, const char *module, const char *fmt, ...)
{
    if (!fmt || !log_enabled(level))
        return;
    char line[LOG_LINE_MAX];
    plat_localtime t;
    plat_localtime_now(&t);
    int off = t.utc_offset_min < 0 ? -t.utc_offset_min : t.utc_offset_min;
    int n = snprintf(line, sizeof line,
                     "%04d-%02d-%02dT%02d:%02d:%02d.%03d%c%02d:%02d %-5s [%lu:%lu] %.32s: ", t.year,
                     t.month, t.day, t.hour, t.min, t.sec, t.msec, t.utc_offset_min < 0 ? '-' : '+',
                     off / 60, off % 60, LEVEL_NAMES[level], plat_pid(), plat_tid(),
                     module ? module : "-");
    if (n < 0 || (size_t)n >= sizeof line - 8)
        return;
    size_t head = (size_t)n;
    /* room for the message, then "..." and the newline */
    size_t room = sizeof line - head - 4;
    va_list ap;
    va_start(ap, fmt);
    int m = vsnprintf(line + head, room + 1, fmt, ap);
    va_end(ap);
    if (m < 0)
        return;
    size_t len;
    if ((size_t)m > room) {
        /* no half of a multi-byte character before the "..." */
        len = head + utf8_boundary(line + head, room);
        memcpy(line + len, "...", 3);
        len += 3;
    } else {
        len = head + (size_t)m;
    }
    /* one event, one line: no control character of the message survives */
    for (size_t i = head; i < len; i++) {
        unsigned char c = (unsigned char)line[i];
        if (c == '\n' || c == '\r' || c == '\t')
            line[i] = ' ';
        else if (c < 0x20 || c == 0x7f)
            line[i] = '?';
    }
    line[len++] = '\n';

    plat_mutex *mu = log_mutex();
    if (!mu)
        return;
    plat_mutex_lock(mu);
    if (g_file) {
        keep_under_cap(len);
        (void)plat_append_write(g_file, line, len);
    }
    plat_mutex_unlock(mu);
}
