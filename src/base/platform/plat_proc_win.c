#define WIN32_LEAN_AND_MEAN
#include <windows.h>

#include "base/platform/plat_proc.h"

#include <stdlib.h>
#include <wchar.h>

#include "base/platform/plat_utf16_win.h"

/* The module file name of the process, whole (malloc'ed), or NULL. */
static wchar_t *module_path(void)
{
    /* Long paths: grow the buffer until the name fits (the API truncates
     * silently and returns the buffer size). */
    for (DWORD cap = MAX_PATH; cap <= 32768; cap *= 2) {
        wchar_t *w = malloc((size_t)cap * sizeof *w);
        if (!w)
            return NULL;
        DWORD n = GetModuleFileNameW(NULL, w, cap);
        if (n == 0) {
            free(w);
            return NULL;
        }
        if (n < cap)
            return w;
        free(w);
    }
    return NULL;
}

char *plat_exe_name(void)
{
    wchar_t *w = module_path();
    if (!w)
        return NULL;
    const wchar_t *name = w;
    for (const wchar_t *p = w; *p; p++)
        if (*p == L'\\' || *p == L'/')
            name = p + 1;
    char *r = *name ? plat_wide_to_utf8(name) : NULL;
    free(w);
    return r;
}

char *plat_exe_path(void)
{
    wchar_t *w = module_path();
    char *r = w && *w ? plat_wide_to_utf8(w) : NULL;
    free(w);
    return r;
}

int plat_pin_module(const void *addr)
{
    HMODULE self;
    return GetModuleHandleExW(GET_MODULE_HANDLE_EX_FLAG_FROM_ADDRESS |
                                  GET_MODULE_HANDLE_EX_FLAG_PIN,
                              (LPCWSTR)addr, &self)
               ? 0
               : -1;
}
