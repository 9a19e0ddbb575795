/* sock over BSD sockets. */
#define _POSIX_C_SOURCE 200809L
#include "sock.h"

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <poll.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

int sock_listen_loopback(sock_t *out, unsigned *port)
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

int sock_wait_readable(sock_t s, unsigned timeout_ms)
{
    struct pollfd p = {(int)s, POLLIN, 0};
    for (;;) {
        int r = poll(&p, 1, (int)timeout_ms);
        if (r < 0 && errno == EINTR)
            continue;
        return r < 0 ? -1 : r > 0;
    }
}

sock_t sock_accept(sock_t s)
{
    int c;
    do
        c = accept((int)s, NULL, NULL);
    while (c < 0 && errno == EINTR);
    return c < 0 ? SOCK_NONE : c;
}

long sock_recv(sock_t s, char *buf, size_t n)
{
    ssize_t r;
    do
        r = recv((int)s, buf, n, 0);
    while (r < 0 && errno == EINTR);
    return (long)r;
}

int sock_send_all(sock_t s, const char *buf, size_t n)
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

void sock_close(sock_t s)
{
    if (s != SOCK_NONE)
        close((int)s);
}
