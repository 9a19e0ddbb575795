#include "cspt.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

HMODULE cspt_load_and_register(const char *path)
{
    char win[MAX_PATH * 2];
    if (path[0] == '/')
        snprintf(win, sizeof(win), "Z:%s", path);
    else
        snprintf(win, sizeof(win), "%s", path);
    for (char *p = win; *p; p++)
        if (*p == '/')
            *p = '\\';
    HMODULE m = LoadLibraryA(win);
    if (!m) {
        fprintf(stderr, "LoadLibrary(%s): %lu\n", win, (unsigned long)GetLastError());
        exit(2);
    }
    HRESULT(WINAPI * reg)
    (void) = (HRESULT(WINAPI *)(void))(void *)cspt_proc(m, "DllRegisterServer");
    HRESULT hr = reg();
    if (hr != S_OK) {
        fprintf(stderr, "DllRegisterServer: 0x%08lx\n", (unsigned long)hr);
        exit(2);
    }
    return m;
}

FARPROC cspt_proc(HMODULE m, const char *name)
{
    FARPROC f = GetProcAddress(m, name);
    if (!f) {
        fprintf(stderr, "crpkicsp.dll does not export %s\n", name);
        exit(2);
    }
    return f;
}

const char *cspt_fresh_home(void)
{
    static char home[MAX_PATH];
    DWORD n = GetEnvironmentVariableA("CRPKI_HOME", home, sizeof(home));
    if (n > 0 && n < sizeof(home))
        return home;
    char tmp[MAX_PATH];
    GetTempPathA(sizeof(tmp), tmp);
    snprintf(home, sizeof(home), "%scrpki-csp-%lu-%lu", tmp, (unsigned long)GetCurrentProcessId(),
             (unsigned long)GetTickCount());
    CreateDirectoryA(home, NULL);
    SetEnvironmentVariableA("CRPKI_HOME", home);
    return home;
}

void cspt_hex(const char *hex, uint8_t *out, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        unsigned v = 0;
        sscanf(hex + 2 * i, "%2x", &v);
        out[i] = (uint8_t)v;
    }
}

void cspt_reverse(uint8_t *p, size_t n)
{
    for (size_t i = 0; i < n / 2; i++) {
        uint8_t t = p[i];
        p[i] = p[n - 1 - i];
        p[n - 1 - i] = t;
    }
}
