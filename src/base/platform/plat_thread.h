/* thread: the few process and thread primitives the core needs, one
 * implementation per platform (plat_thread_posix.c, plat_thread_win.c). */
#ifndef CRPKI_BASE_PLATFORM_PLAT_THREAD_H
#define CRPKI_BASE_PLATFORM_PLAT_THREAD_H

#include <stdint.h>

/* A non-recursive mutex between the threads of this process. */
typedef struct plat_mutex plat_mutex;
plat_mutex *plat_mutex_new(void); /* NULL when out of memory */
void plat_mutex_free(plat_mutex *m);
void plat_mutex_lock(plat_mutex *m);
void plat_mutex_unlock(plat_mutex *m);

/* A thread running fn(arg); joined (and freed) by plat_thread_join. */
typedef struct plat_thread plat_thread;
plat_thread *plat_thread_start(void (*fn)(void *arg), void *arg); /* NULL on failure */
void plat_thread_join(plat_thread *t);

/* Runs fn in the child after a fork (pthread_atfork), where only the
 * forking thread lives: to drop locks another thread may have held. 0 or
 * -1. Windows has no fork: nothing to do. */
int plat_at_fork_child(void (*fn)(void));

unsigned long plat_pid(void);
unsigned long plat_tid(void); /* the OS thread id (gettid / GetCurrentThreadId) */
void plat_sleep_ms(unsigned ms);

/* Wall-clock time now, local, with the offset from UTC. */
typedef struct {
    int year, month, day, hour, min, sec, msec;
    int utc_offset_min; /* e.g. +540 for JST */
} plat_localtime;
void plat_localtime_now(plat_localtime *t);

#endif
