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

#endif
