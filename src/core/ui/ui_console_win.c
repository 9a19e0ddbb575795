#define WIN32_LEAN_AND_MEAN
#include <windows.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <wchar.h>

#include "base/platform/plat_utf16_win.h"
#include "core/ui/ui_internal.h"

void ui_console_write(const char *utf8)
{
    HANDLE h = GetStdHandle(STD_ERROR_HANDLE);
    DWORD mode;
    if (h && h != INVALID_HANDLE_VALUE && GetConsoleMode(h, &mode)) {
        /* A real console: UTF-16, so the Japanese survives any code page. */
        wchar_t *w = plat_utf8_to_wide(utf8);
        if (w) {
            DWORD done;
            WriteConsoleW(h, w, (DWORD)wcslen(w), &done, NULL);
            free(w);
            return;
        }
    }
    /* A pipe or file (scripts, tests): the UTF-8 bytes as they are. */
    fputs(utf8, stderr);
    fflush(stderr);
}
