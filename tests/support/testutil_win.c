#define WIN32_LEAN_AND_MEAN
#include <windows.h>
#include <shellapi.h>

#include "testutil.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <wchar.h>

#include "base/platform/plat_utf16_win.h"

char *tu_tempdir(const char *name_hint)
{
    static LONG counter;
    wchar_t base[MAX_PATH + 1];
    DWORD n = GetTempPathW(MAX_PATH + 1, base);
    if (n == 0 || n > MAX_PATH)
        return NULL;
    wchar_t *hint = plat_utf8_to_wide(name_hint ? name_hint : "t");
    if (!hint)
        return NULL;
    wchar_t dir[2 * MAX_PATH];
    swprintf(dir, 2 * MAX_PATH, L"%lscrpki-core-%ls-%lu-%ld-%lu", base, hint,
             (unsigned long)GetCurrentProcessId(), (long)InterlockedIncrement(&counter),
             (unsigned long)GetTickCount());
    free(hint);
    if (!CreateDirectoryW(dir, NULL))
        return NULL;
    return plat_wide_to_utf8(dir);
}

static void rmtree_w(const wchar_t *dir)
{
    size_t n = wcslen(dir);
    wchar_t *pat = malloc((n + 3) * sizeof *pat);
    if (!pat)
        return;
    swprintf(pat, n + 3, L"%ls\\*", dir);
    WIN32_FIND_DATAW fd;
    HANDLE h = FindFirstFileW(pat, &fd);
    free(pat);
    if (h != INVALID_HANDLE_VALUE) {
        do {
            if (!wcscmp(fd.cFileName, L".") || !wcscmp(fd.cFileName, L".."))
                continue;
            size_t m = n + wcslen(fd.cFileName) + 2;
            wchar_t *child = malloc(m * sizeof *child);
            if (!child)
                continue;
            swprintf(child, m, L"%ls\\%ls", dir, fd.cFileName);
            if (fd.dwFileAttributes & FILE_ATTRIBUTE_DIRECTORY) {
                rmtree_w(child);
            } else {
                SetFileAttributesW(child, FILE_ATTRIBUTE_NORMAL);
                DeleteFileW(child);
            }
            free(child);
        } while (FindNextFileW(h, &fd));
        FindClose(h);
    }
    RemoveDirectoryW(dir);
}

void tu_rmtree(const char *dir)
{
    wchar_t *w = plat_utf8_to_wide(dir);
    if (w)
        rmtree_w(w);
    free(w);
}

static FILE *open_utf8(const char *path, const wchar_t *mode)
{
    wchar_t *w = plat_utf8_to_wide(path);
    FILE *f = w ? _wfopen(w, mode) : NULL;
    free(w);
    return f;
}

int tu_write(const char *path, const void *data, size_t n)
{
    FILE *f = open_utf8(path, L"wb");
    if (!f)
        return -1;
    int ok = fwrite(data, 1, n, f) == n;
    return fclose(f) == 0 && ok ? 0 : -1;
}

char *tu_read(const char *path, size_t *n)
{
    FILE *f = open_utf8(path, L"rb");
    if (!f)
        return NULL;
    size_t cap = 4096, len = 0, got;
    char *buf = malloc(cap + 1);
    while (buf && (got = fread(buf + len, 1, cap - len, f)) > 0) {
        len += got;
        if (len == cap) {
            char *nb = realloc(buf, cap * 2 + 1);
            if (!nb) {
                free(buf);
                buf = NULL;
                break;
            }
            buf = nb;
            cap *= 2;
        }
    }
    fclose(f);
    if (buf) {
        buf[len] = 0;
        if (n)
            *n = len;
    }
    return buf;
}

int tu_exists(const char *path)
{
    wchar_t *w = plat_utf8_to_wide(path);
    DWORD a = w ? GetFileAttributesW(w) : INVALID_FILE_ATTRIBUTES;
    free(w);
    return a != INVALID_FILE_ATTRIBUTES;
}

int tu_count_entries(const char *dir, const char *part)
{
    size_t n = strlen(dir);
    char *pat = malloc(n + 3);
    if (!pat)
        return -1;
    snprintf(pat, n + 3, "%s\\*", dir);
    wchar_t *w = plat_utf8_to_wide(pat);
    free(pat);
    if (!w)
        return -1;
    WIN32_FIND_DATAW fd;
    HANDLE h = FindFirstFileW(w, &fd);
    free(w);
    if (h == INVALID_HANDLE_VALUE)
        return -1;
    int count = 0;
    do {
        char *name = plat_wide_to_utf8(fd.cFileName);
        if (name && strstr(name, part))
            count++;
        free(name);
    } while (FindNextFileW(h, &fd));
    FindClose(h);
    return count;
}

int tu_file_mode(const char *path)
{
    (void)path;
    return -1;
}

int tu_chmod(const char *path, int mode)
{
    (void)path;
    (void)mode;
    return -1;
}

/* argv of main() is in the ANSI code page: take the wide command line */
int tu_child_dispatch(int argc, char **argv)
{
    (void)argc;
    (void)argv;
    int wargc = 0;
    wchar_t **wargv = CommandLineToArgvW(GetCommandLineW(), &wargc);
    if (!wargv)
        return -1;
    int rc = -1;
    if (wargc >= 4 && wcscmp(wargv[1], L"--tu-child") == 0) {
        char *role = plat_wide_to_utf8(wargv[2]);
        char *arg = plat_wide_to_utf8(wargv[3]);
        rc = role && arg ? tu_child_main(role, arg) : 100;
        free(role);
        free(arg);
    }
    LocalFree(wargv);
    return rc;
}

struct tu_proc {
    HANDLE h;
};

tu_proc *tu_spawn(const char *role, const char *arg)
{
    wchar_t exe[MAX_PATH + 1];
    DWORD n = GetModuleFileNameW(NULL, exe, MAX_PATH + 1);
    if (n == 0 || n > MAX_PATH)
        return NULL;
    wchar_t *wrole = plat_utf8_to_wide(role), *warg = plat_utf8_to_wide(arg);
    tu_proc *p = NULL;
    if (wrole && warg) {
        size_t m = wcslen(exe) + wcslen(wrole) + wcslen(warg) + 32;
        wchar_t *cmd = malloc(m * sizeof *cmd);
        if (cmd) {
            swprintf(cmd, m, L"\"%ls\" --tu-child %ls \"%ls\"", exe, wrole, warg);
            STARTUPINFOW si;
            PROCESS_INFORMATION pi;
            memset(&si, 0, sizeof si);
            si.cb = sizeof si;
            if (CreateProcessW(exe, cmd, NULL, NULL, FALSE, 0, NULL, NULL, &si, &pi)) {
                CloseHandle(pi.hThread);
                p = malloc(sizeof *p);
                if (p)
                    p->h = pi.hProcess;
                else
                    CloseHandle(pi.hProcess);
            }
            free(cmd);
        }
    }
    free(wrole);
    free(warg);
    return p;
}

int tu_wait(tu_proc *p)
{
    if (!p)
        return -1;
    DWORD code = (DWORD)-1;
    if (WaitForSingleObject(p->h, INFINITE) != WAIT_OBJECT_0 || !GetExitCodeProcess(p->h, &code))
        code = (DWORD)-1;
    CloseHandle(p->h);
    free(p);
    return (int)code;
}
