#define WIN32_LEAN_AND_MEAN
#include <windows.h>

#include "base/platform/plat_thread.h"

#include <stdlib.h>

struct plat_mutex {
    SRWLOCK l;
};

plat_mutex *plat_mutex_new(void)
{
    plat_mutex *m = malloc(sizeof *m);
    if (!m)
        return NULL;
    InitializeSRWLock(&m->l);
    return m;
}

void plat_mutex_free(plat_mutex *m)
{
    free(m);
}

void plat_mutex_lock(plat_mutex *m)
{
    AcquireSRWLockExclusive(&m->l);
}

void plat_mutex_unlock(plat_mutex *m)
{
    ReleaseSRWLockExclusive(&m->l);
}

struct plat_thread {
    HANDLE h;
    void (*fn)(void *);
    void *arg;
};

static DWORD WINAPI thread_main(LPVOID p)
{
    plat_thread *t = p;
    t->fn(t->arg);
    return 0;
}

plat_thread *plat_thread_start(void (*fn)(void *arg), void *arg)
{
    plat_thread *t = malloc(sizeof *t);
    if (!t)
        return NULL;
    t->fn = fn;
    t->arg = arg;
    t->h = CreateThread(NULL, 0, thread_main, t, 0, NULL);
    if (!t->h) {
        free(t);
        return NULL;
    }
    return t;
}

void plat_thread_join(plat_thread *t)
{
    if (!t)
        return;
    WaitForSingleObject(t->h, INFINITE);
    CloseHandle(t->h);
    free(t);
}

int plat_at_fork_child(void (*fn)(void))
{
    (void)fn;
    return 0;
}

unsigned long plat_pid(void)
{
    return GetCurrentProcessId();
}

unsigned long plat_tid(void)
{
    return GetCurrentThreadId();
}

void plat_sleep_ms(unsigned ms)
{
    Sleep(ms);
}

static int64_t filetime_100ns(const SYSTEMTIME *st)
{
    FILETIME ft;
    if (!SystemTimeToFileTime(st, &ft))
        return 0;
    return (int64_t)(((uint64_t)ft.dwHighDateTime << 32) | ft.dwLowDateTime);
}

void plat_localtime_now(plat_localtime *t)
{
    SYSTEMTIME utc, loc;
    GetSystemTime(&utc);
    if (!SystemTimeToTzSpecificLocalTime(NULL, &utc, &loc))
        loc = utc;
    t->year = loc.wYear;
    t->month = loc.wMonth;
    t->day = loc.wDay;
    t->hour = loc.wHour;
    t->min = loc.wMinute;
    t->sec = loc.wSecond;
    t->msec = loc.wMilliseconds;
    /* both carry the same milliseconds: the difference is whole minutes */
    int64_t d = filetime_100ns(&loc) - filetime_100ns(&utc);
    t->utc_offset_min = (int)(d / (60 * 10000000LL));
}
