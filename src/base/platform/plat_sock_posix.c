/* plat_sock over BSD sockets. */
#define _POSIX_C_SOURCE 200809L
#include "base/platform/plat_sock.h"

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <poll.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

int plat_sock_listen_loopback(plat_sock_t *out, unsigned *port)
{
    int s = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (s < 0)
        return -1;
    struct sockaddr_in a;
    memset(&a, 0, sizeof a);
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    a.sin_port = 0;
    socklen_t al = sizeof a;
    if (bind(s, (struct sockaddr *)&a, sizeof a) != 0 || listen(s, 4) != 0 ||
        getsockname(s, (struct sockaddr *)&a, &al) != 0) {
        close(s);
        return -1;
    }
    *out = s;
    *port = ntohs(a.sin_port);
    return 0;
}

int plat_sock_wait_any(const plat_sock_t *s, size_t n, unsigned timeout_ms, unsigned char *ready)
{
    struct pollfd p[PLAT_SOCK_MAX_WAIT];
    if (n > PLAT_SOCK_MAX_WAIT)
        return -1;
    for (size_t i = 0; i < n; i++)
        p[i] = (struct pollfd){(int)s[i], POLLIN, 0};
    int r;
    do
        r = poll(p, (nfds_t)n, (int)timeout_ms);
    while (r < 0 && errno == EINTR);
    if (r < 0)
        return -1;
    int count = 0;
    for (size_t i = 0; i < n; i++) {
        /* a hang-up or error reads as end of stream: the caller closes it */
        ready[i] = (p[i].revents & (POLLIN | POLLHUP | POLLERR)) != 0;
        count += ready[i];
    }
    return count;
}

plat_sock_t plat_sock_accept(plat_sock_t s)
{
    int c;
    do
        c = accept((int)s, NULL, NULL);
    while (c < 0 && errno == EINTR);
    return c < 0 ? PLAT_SOCK_NONE : c;
}

long plat_sock_recv(plat_sock_t s, char *buf, size_t n)
{
    ssize_t r;
    do
        r = recv((int)s, buf, n, 0);
    while (r < 0 && errno == EINTR);
    return (long)r;
}

int plat_sock_send_all(plat_sock_t s, const char *buf, size_t n)
{
    while (n > 0) {
        ssize_t r = send((int)s, buf, n, MSG_NOSIGNAL);
        if (r < 0 && errno == EINTR)
            continue;
        if (r <= 0)
            return -1;
        buf += r;
        n -= (size_t)r;
    }
    return 0;
}

void plat_sock_close(plat_sock_t s)
{
    if (s != PLAT_SOCK_NONE)
        close((int)s);
}
