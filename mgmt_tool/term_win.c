/* term on Windows: the UI language, WriteConsoleW on a console (UTF-8
 * bytes through a pipe or file). */
#include "term.h"

#include <fcntl.h>
#include <io.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <windows.h>

#include "base/platform/plat_utf16_win.h"

int term_lang_ja(void)
{
    return PRIMARYLANGID(GetUserDefaultUILanguage()) == LANG_JAPANESE;
}

void term_write(int err, const char *utf8, size_t len)
{
    FILE *f = err ? stderr : stdout;
    HANDLE h = GetStdHandle(err ? STD_ERROR_HANDLE : STD_OUTPUT_HANDLE);
    DWORD mode;
    if (h != INVALID_HANDLE_VALUE && h != NULL && GetConsoleMode(h, &mode)) {
        char *s = malloc(len + 1);
        wchar_t *w = NULL;
        if (s) {
            memcpy(s, utf8, len);
            s[len] = '\0';
            w = plat_utf8_to_wide(s);
        }
        free(s);
        if (w) {
            fflush(f);
            DWORD done;
            WriteConsoleW(h, w, (DWORD)wcslen(w), &done, NULL);
            free(w);
            return;
        }
    }
    fwrite(utf8, 1, len, f);
    fflush(f);
}

void term_stdout_binary(void)
{
    fflush(stdout);
    _setmode(_fileno(stdout), _O_BINARY);
}

int term_read_secret(char *buf, size_t n)
{
    HANDLE h = GetStdHandle(STD_INPUT_HANDLE);
    DWORD mode = 0;
    int con = h != INVALID_HANDLE_VALUE && GetConsoleMode(h, &mode);
    if (con)
        SetConsoleMode(h, mode & ~(DWORD)ENABLE_ECHO_INPUT);
    char *r = fgets(buf, (int)n, stdin);
    if (con) {
        SetConsoleMode(h, mode);
        fputc('\n', stderr);
    }
    if (!r)
        return -1;
    buf[strcspn(buf, "\r\n")] = '\0';
    return 0;
}
