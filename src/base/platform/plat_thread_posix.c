#define _GNU_SOURCE /* gettid, tm_gmtoff */
#include "base/platform/plat_thread.h"

#include <errno.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdlib.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include "base/util/text.h" /* text_civil_from_days */

struct plat_mutex {
    pthread_mutex_t m;
};

plat_mutex *plat_mutex_new(void)
{
    plat_mutex *m = malloc(sizeof *m);
    if (!m)
        return NULL;
    if (pthread_mutex_init(&m->m, NULL) != 0) {
        free(m);
        return NULL;
    }
    return m;
}

void plat_mutex_free(plat_mutex *m)
{
    if (!m)
        return;
    pthread_mutex_destroy(&m->m);
    free(m);
}

void plat_mutex_lock(plat_mutex *m)
{
    pthread_mutex_lock(&m->m);
}

void plat_mutex_unlock(plat_mutex *m)
{
    pthread_mutex_unlock(&m->m);
}

struct plat_thread {
    pthread_t t;
    void (*fn)(void *);
    void *arg;
};

static void *thread_main(void *p)
{
    plat_thread *t = p;
    t->fn(t->arg);
    return NULL;
}

plat_thread *plat_thread_start(void (*fn)(void *arg), void *arg)
{
    plat_thread *t = malloc(sizeof *t);
    if (!t)
        return NULL;
    t->fn = fn;
    t->arg = arg;
    if (pthread_create(&t->t, NULL, thread_main, t) != 0) {
        free(t);
        return NULL;
    }
    return t;
}

void plat_thread_join(plat_thread *t)
{
    if (!t)
        return;
    pthread_join(t->t, NULL);
    free(t);
}

int plat_at_fork_child(void (*fn)(void))
{
    return pthread_atfork(NULL, NULL, fn) == 0 ? 0 : -1;
}

unsigned long plat_pid(void)
{
    return (unsigned long)getpid();
}

unsigned long plat_tid(void)
{
    return (unsigned long)syscall(SYS_gettid);
}

void plat_sleep_ms(unsigned ms)
{
    struct timespec ts = {.tv_sec = ms / 1000, .tv_nsec = (long)(ms % 1000) * 1000000L};
    while (nanosleep(&ts, &ts) != 0 && errno == EINTR)
        ;
}

/* The offset from UTC of the hour g_off_hour (UTC hours since 1970):
 * localtime_r once an hour (offsets change on hour boundaries), the rest by
 * arithmetic. localtime_r takes the C library's time-zone lock; a child
 * forked while another thread held it would wait forever for it at its
 * first log line, so the log's clock keeps to it as little as it can. */
static atomic_llong g_off_hour = -1;
static atomic_int g_off_s;

void plat_localtime_now(plat_localtime *t)
{
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    int64_t s = ts.tv_sec, hour = s >= 0 ? s / 3600 : -1 - (-1 - s) / 3600;
    if (atomic_load(&g_off_hour) != hour) {
        time_t now = (time_t)s;
        struct tm tm;
        atomic_store(&g_off_s, localtime_r(&now, &tm) ? (int)tm.tm_gmtoff : 0);
        atomic_store(&g_off_hour, hour);
    }
    int off = atomic_load(&g_off_s);
    int64_t local = s + off, days = local >= 0 ? local / 86400 : -1 - (-1 - local) / 86400;
    int64_t rem = local - days * 86400, y;
    unsigned m, d;
    text_civil_from_days(days, &y, &m, &d);
    t->year = (int)y;
    t->month = (int)m;
    t->day = (int)d;
    t->hour = (int)(rem / 3600);
    t->min = (int)(rem % 3600 / 60);
    t->sec = (int)(rem % 60);
    t->msec = (int)(ts.tv_nsec / 1000000L);
    t->utc_offset_min = off / 60;
}
