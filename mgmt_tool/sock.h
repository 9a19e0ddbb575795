/* sock: the few socket calls the loopback listener needs, over BSD sockets
 * (sock_posix.c) or Winsock (sock_win.c). */
#ifndef CRPKI_MGMT_TOOL_SOCK_H
#define CRPKI_MGMT_TOOL_SOCK_H

#include <stddef.h>
#include <stdint.h>

typedef intptr_t sock_t; /* SOCKET is pointer-sized on win64 */
#define SOCK_NONE ((sock_t)-1)

/* A listening TCP socket on 127.0.0.1, port chosen by the OS. */
int sock_listen_loopback(sock_t *out, unsigned *port);
/* Waits until one of s[0..n) is readable (n <= SOCK_MAX_WAIT): ready[i] set
 * for each readable one. The count ready, 0 timed out, -1 error. */
#define SOCK_MAX_WAIT 32
int sock_wait_any(const sock_t *s, size_t n, unsigned timeout_ms, unsigned char *ready);
sock_t sock_accept(sock_t s);
/* bytes read, 0 at end, -1 error */
long sock_recv(sock_t s, char *buf, size_t n);
/* 0 when all sent */
int sock_send_all(sock_t s, const char *buf, size_t n);
void sock_close(sock_t s);

#endif
