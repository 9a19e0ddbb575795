/* term: the console pieces that differ per platform (term_posix.c,
 * term_win.c): the user's language, writing UTF-8 text (WriteConsoleW on a
 * Windows console, so Japanese shows whatever the code page), binary stdout. */
#ifndef CRPKI_MGMT_TOOL_TERM_H
#define CRPKI_MGMT_TOOL_TERM_H

#include <stddef.h>

/* 1 when the user's UI language is Japanese: LC_ALL, LC_MESSAGES, LANG on
 * POSIX (the first set one); GetUserDefaultUILanguage on Windows. */
int term_lang_ja(void);

/* Writes UTF-8 text to stdout (err 0) or stderr (err 1) and flushes. */
void term_write(int err, const char *utf8, size_t len);

/* stdout takes raw bytes (no CRLF translation on Windows). */
void term_stdout_binary(void);

/* Reads one line from stdin without echo when it is a terminal (a
 * password); the newline is dropped. 0, or -1 at end of input. */
int term_read_secret(char *buf, size_t n);

#endif
