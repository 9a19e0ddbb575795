#define WIN32_LEAN_AND_MEAN
#include <windows.h>

#include "base/platform/plat_xlock.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <wchar.h>

#include "base/error/fail.h"
#include "base/platform/plat_utf16_win.h"

struct plat_xlock {
    HANDLE h;
};

/* "Local\CrpkiRemoteSign-" + 16 hex digits of FNV-1a 64 over the full path,
 * lower-cased (Windows paths are case-insensitive), '/' as '\', without a
 * trailing separator: one home, one mutex, however it is spelled. */
static wchar_t *mutex_name(const char *home)
{
    wchar_t *w = plat_utf8_to_wide(home);
    if (!w)
        return NULL;
    wchar_t *full = NULL;
    DWORD n = GetFullPathNameW(w, 0, NULL, NULL);
    if (n > 0) {
        full = malloc((size_t)n * sizeof *full);
        if (full && GetFullPathNameW(w, n, full, NULL) >= n) {
            free(full);
            full = NULL;
        }
    }
    if (full) {
        free(w);
        w = full;
    }
    size_t len = wcslen(w);
    for (size_t i = 0; i < len; i++)
        if (w[i] == L'/')
            w[i] = L'\\';
    while (len > 3 && w[len - 1] == L'\\')
        w[--len] = 0;
    if (len > 0)
        LCMapStringW(LOCALE_INVARIANT, LCMAP_LOWERCASE, w, (int)len, w, (int)len);
    uint64_t h = 0xcbf29ce484222325ULL;
    for (size_t i = 0; i < len; i++) {
        h ^= (uint16_t)w[i] & 0xff;
        h *= 0x100000001b3ULL;
        h ^= (uint16_t)w[i] >> 8;
        h *= 0x100000001b3ULL;
    }
    free(w);
    wchar_t *name = malloc(64 * sizeof *name);
    if (name)
        swprintf(name, 64, L"Local\\CrpkiRemoteSign-%08lx%08lx", (unsigned long)(h >> 32),
                 (unsigned long)(h & 0xffffffffu));
    return name;
}

char *plat_xlock_name(const char *home)
{
    wchar_t *w = mutex_name(home);
    char *s = plat_wide_to_utf8(w);
    free(w);
    return s;
}

crpki_err plat_xlock_acquire(const char *home, unsigned timeout_ms, plat_xlock **out,
                             crpki_error_info *ei)
{
    *out = NULL;
    wchar_t *name = mutex_name(home);
    if (!name)
        return fail_with(ei, CRPKI_E_LOCK, "%s: no lock name (path not valid UTF-8?)", home);
    HANDLE h = CreateMutexW(NULL, FALSE, name);
    DWORD e = GetLastError();
    free(name);
    if (!h)
        return fail_with(ei, CRPKI_E_LOCK, "CreateMutexW failed (error %lu)", (unsigned long)e);
    DWORD w = WaitForSingleObject(h, timeout_ms);
    /* WAIT_ABANDONED: a holder died holding it; the store is replaced
     * atomically, so what it left is consistent: take it */
    if (w != WAIT_OBJECT_0 && w != WAIT_ABANDONED) {
        e = GetLastError();
        CloseHandle(h);
        if (w == WAIT_TIMEOUT)
            return fail_with(ei, CRPKI_E_LOCK,
                             "token store lock still held by another process after %u ms",
                             timeout_ms);
        return fail_with(ei, CRPKI_E_LOCK, "WaitForSingleObject failed (error %lu)",
                         (unsigned long)e);
    }
    plat_xlock *l = malloc(sizeof *l);
    if (!l) {
        ReleaseMutex(h);
        CloseHandle(h);
        return fail_with(ei, CRPKI_E_NO_MEMORY, "lock");
    }
    l->h = h;
    *out = l;
    return CRPKI_OK;
}

void plat_xlock_release(plat_xlock *l)
{
    if (!l)
        return;
    ReleaseMutex(l->h);
    CloseHandle(l->h);
    free(l);
}
