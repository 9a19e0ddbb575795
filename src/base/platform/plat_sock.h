/* plat_sock: the few socket calls the login's loopback listener
 * (core/auth/auth_loopback.h) needs, over BSD sockets (plat_sock_posix.c) or
 * Winsock (plat_sock_win.c). */
#ifndef CRPKI_BASE_PLATFORM_PLAT_SOCK_H
#define CRPKI_BASE_PLATFORM_PLAT_SOCK_H

#include <stddef.h>
#include <stdint.h>

typedef intptr_t plat_sock_t; /* SOCKET is pointer-sized on win64 */
#define PLAT_SOCK_NONE ((plat_sock_t)-1)

/* A listening TCP socket on 127.0.0.1, port chosen by the OS. */
int plat_sock_listen_loopback(plat_sock_t *out, unsigned *port);
/* Waits until one of s[0..n) is readable (n <= PLAT_SOCK_MAX_WAIT): ready[i] set
 * for each readable one. The count ready, 0 timed out, -1 error. */
#define PLAT_SOCK_MAX_WAIT 32
int plat_sock_wait_any(const plat_sock_t *s, size_t n, unsigned timeout_ms, unsigned char *ready);
plat_sock_t plat_sock_accept(plat_sock_t s);
/* bytes read, 0 at end, -1 error */
long plat_sock_recv(plat_sock_t s, char *buf, size_t n);
/* 0 when all sent */
int plat_sock_send_all(plat_sock_t s, const char *buf, size_t n);
void plat_sock_close(plat_sock_t s);

#endif
