#include "ksp_router.h"

#include <stdio.h>

int rt_failures;

int rt_load(rt_router *r)
{
    r->dll = LoadLibraryW(L"crpkiksp.dll");
    if (!r->dll) {
        fprintf(stderr, "LoadLibrary(crpkiksp.dll) failed: %lu\n", GetLastError());
        return -1;
    }
    r->get =
        (GetKeyStorageInterfaceFn)(void (*)(void))GetProcAddress(r->dll, "GetKeyStorageInterface");
    if (!r->get) {
        fprintf(stderr, "crpkiksp.dll does not export GetKeyStorageInterface\n");
        return -1;
    }
    NTSTATUS s = r->get(RT_PROVIDER, &r->t, 0);
    if (s != 0 || !r->t) {
        fprintf(stderr, "GetKeyStorageInterface failed: 0x%08lx\n", (unsigned long)s);
        return -1;
    }
    return 0;
}

void rt_expect_at(const char *file, int line, const char *call, SECURITY_STATUS got,
                  SECURITY_STATUS want)
{
    if (got == want)
        return;
    rt_failures++;
    fprintf(stderr, "%s:%d: %s returned 0x%08lx, expected 0x%08lx\n", file, line, call,
            (unsigned long)got, (unsigned long)want);
}

void rt_check_at(const char *file, int line, const char *what, int ok)
{
    if (ok)
        return;
    rt_failures++;
    fprintf(stderr, "%s:%d: check failed: %s\n", file, line, what);
}
