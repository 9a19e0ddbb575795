/* p11_test_os: what loading the module and forking mean on this OS, for
 * test_p11_module (p11_test_os_posix.c: dlopen, fork; p11_test_os_win.c:
 * LoadLibrary, and Windows has no fork). */
#ifndef CRPKI_TESTS_PKCS11_P11_TEST_OS_H
#define CRPKI_TESTS_PKCS11_P11_TEST_OS_H

/* Loads the module; its C_GetFunctionList, or NULL after a message. */
void *p11t_load(const char *path);
void p11t_unload(void);
/* Runs fn in a forked child: 0 when the child exited 0, 1 when it did not
 * (or hung for 60 s: SIGALRM), -1 where the OS has no fork. */
int p11t_in_child(int (*fn)(void));
/* The same, judged by what the child reports through a pipe, not by its
 * exit status: a child forked while another thread of the parent was
 * allocating exits with that thread's blocks unreachable, which valgrind and
 * LeakSanitizer count against it. 0 when fn returned 0 within timeout_s, 1
 * when it failed or hung, -1 without fork. */
int p11t_in_child_reports(int (*fn)(void), unsigned timeout_s);

#endif
