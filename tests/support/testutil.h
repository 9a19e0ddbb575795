/* testutil: what the core unit tests need of the machine, one implementation
 * per platform (testutil_posix.c, testutil_win.c): scratch directories,
 * whole-file reads and writes on UTF-8 paths, and child processes running
 * this same test program in a given role (fork on POSIX; CreateProcessW of
 * the program itself on Windows, which Wine runs too). */
#ifndef CRPKI_TESTUTIL_H
#define CRPKI_TESTUTIL_H

#include <stddef.h>

/* A fresh empty directory under the system's temp directory; name_hint (may
 * be NULL) becomes part of its name (UTF-8, e.g. Japanese). malloc'ed. */
char *tu_tempdir(const char *name_hint);
/* Removes dir and everything below it. */
void tu_rmtree(const char *dir);

int tu_write(const char *path, const void *data, size_t n); /* 0 or -1 */
int tu_write_str(const char *path, const char *s);
/* The file's content, NUL-terminated, malloc'ed; NULL if absent. */
char *tu_read(const char *path, size_t *n);
int tu_exists(const char *path);
/* How many entries of dir have a name containing part. */
int tu_count_entries(const char *dir, const char *part);

/* POSIX: the file's permission bits; -1 elsewhere or on error. */
int tu_file_mode(const char *path);
int tu_chmod(const char *path, int mode); /* POSIX only; 0 or -1 */

#ifdef _WIN32
#include <wchar.h>
/* Gives HKLM\SOFTWARE\CrpkiRemoteSign (64-bit view; it must exist) the owner
 * and DACL of sddl, e.g. one that lets Users change it. 0 or -1. */
int tu_machine_key_sddl(const wchar_t *sddl);
/* The same for HKLM\SOFTWARE\Policies\CrpkiRemoteSign. */
int tu_policy_key_sddl(const wchar_t *sddl);
/* Group Policy's values as gpupdate leaves them: a REG_SZ (text) or, text
 * NULL, a REG_DWORD (dword) under HKLM\SOFTWARE\Policies\CrpkiRemoteSign
 * (created). 0 or -1. tu_policy_clear removes the key. */
int tu_policy_set(const wchar_t *name, const wchar_t *text, unsigned long dword);
int tu_policy_clear(void);
/* How many characters of the visible text of the child controls of window
 * top (an HWND) the control's font has no glyph for - a box on the screen
 * (the title bar is the system's); each named in report ("U+0041 in \"OK\"
 * (face)"). The font: each control's own (WM_GETFONT), or, face not NULL,
 * that face (for another process's window, whose font handle is not ours).
 * Prints the faces used. */
int tu_window_missing_glyphs(void *top, const wchar_t *face, char *report, size_t n);
#endif

/* ---- child processes -------------------------------------------------------- */

/* Each test program that spawns children defines this: the child's work for
 * role (with arg), returning its exit code (0 success). It must not use
 * cmocka assertions. */
int tu_child_main(const char *role, const char *arg);

/* Call first in main(): when this process is a child, runs tu_child_main and
 * returns its exit code; otherwise -1. */
int tu_child_dispatch(int argc, char **argv);

typedef struct tu_proc tu_proc;
tu_proc *tu_spawn(const char *role, const char *arg);
/* Waits for the child; its exit code (-1 if it could not be waited for). */
int tu_wait(tu_proc *p);

/* Waits until path exists (polling), up to timeout_ms: 1 if it appeared. */
int tu_wait_for_file(const char *path, unsigned timeout_ms);

#endif
