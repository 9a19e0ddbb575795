#define _GNU_SOURCE /* gettid, tm_gmtoff */
#include "base/platform/plat_thread.h"

#include <errno.h>
#include <pthread.h>
#include <stdlib.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

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

void plat_localtime_now(plat_localtime *t)
{
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    time_t s = ts.tv_sec;
    struct tm tm;
    if (!localtime_r(&s, &tm)) {
        *t = (plat_localtime){1970, 1, 1, 0, 0, 0, 0, 0};
        return;
    }
    t->year = tm.tm_year + 1900;
    t->month = tm.tm_mon + 1;
    t->day = tm.tm_mday;
    t->hour = tm.tm_hour;
    t->min = tm.tm_min;
    t->sec = tm.tm_sec;
    t->msec = (int)(ts.tv_nsec / 1000000L);
    t->utc_offset_min = (int)(tm.tm_gmtoff / 60);
}
