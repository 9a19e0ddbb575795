/* p11_test_os for Windows: LoadLibrary; no fork. */
#include "p11_test_os.h"

#include <windows.h>

#include <stdio.h>

static HMODULE g_lib;

void *p11t_load(const char *path)
{
    g_lib = LoadLibraryA(path);
    if (!g_lib) {
        fprintf(stderr, "LoadLibrary %s: error %lu\n", path, (unsigned long)GetLastError());
        return NULL;
    }
    return (void *)GetProcAddress(g_lib, "C_GetFunctionList");
}

void p11t_unload(void)
{
    if (g_lib)
        FreeLibrary(g_lib);
    g_lib = NULL;
}

int p11t_in_child(int (*fn)(void))
{
    (void)fn;
    return -1;
}

int p11t_in_child_reports(int (*fn)(void), unsigned timeout_s)
{
    (void)fn, (void)timeout_s;
    return -1;
}
