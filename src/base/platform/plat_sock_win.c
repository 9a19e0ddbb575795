/* plat_sock over Winsock. */
#include "base/platform/plat_sock.h"

#include <string.h>
#include <winsock2.h>
#include <ws2tcpip.h>

int plat_sock_listen_loopback(plat_sock_t *out, unsigned *port)
{
    WSADATA wd;
    if (WSAStartup(MAKEWORD(2, 2), &wd) != 0)
        return -1;
    SOCKET s = socket(AF_INET, SOCK_STREAM, IPPROTO_TCP);
    if (s == INVALID_SOCKET)
        return -1;
    /* no other program may take over the port while we listen */
    BOOL excl = TRUE;
    setsockopt(s, SOL_SOCKET, SO_EXCLUSIVEADDRUSE, (const char *)&excl, sizeof excl);
    struct sockaddr_in a;
    memset(&a, 0, sizeof a);
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    int al = sizeof a;
    if (bind(s, (struct sockaddr *)&a, sizeof a) != 0 || listen(s, 4) != 0 ||
        getsockname(s, (struct sockaddr *)&a, &al) != 0) {
        closesocket(s);
        return -1;
    }
    *out = (plat_sock_t)s;
    *port = ntohs(a.sin_port);
    return 0;
}

int plat_sock_wait_any(const plat_sock_t *s, size_t n, unsigned timeout_ms, unsigned char *ready)
{
    fd_set rd; /* FD_SETSIZE is 64 on Windows: PLAT_SOCK_MAX_WAIT fits */
    if (n > PLAT_SOCK_MAX_WAIT)
        return -1;
    FD_ZERO(&rd);
    for (size_t i = 0; i < n; i++)
        FD_SET((SOCKET)s[i], &rd);
    struct timeval tv = {(long)(timeout_ms / 1000), (long)(timeout_ms % 1000) * 1000};
    int r = select(0, &rd, NULL, NULL, &tv);
    if (r == SOCKET_ERROR)
        return -1;
    int count = 0;
    for (size_t i = 0; i < n; i++) {
        ready[i] = FD_ISSET((SOCKET)s[i], &rd) != 0;
        count += ready[i];
    }
    return count;
}

plat_sock_t plat_sock_accept(plat_sock_t s)
{
    SOCKET c = accept((SOCKET)s, NULL, NULL);
    return c == INVALID_SOCKET ? PLAT_SOCK_NONE : (plat_sock_t)c;
}

long plat_sock_recv(plat_sock_t s, char *buf, size_t n)
{
    int r = recv((SOCKET)s, buf, (int)n, 0);
    return r == SOCKET_ERROR ? -1 : r;
}

int plat_sock_send_all(plat_sock_t s, const char *buf, size_t n)
{
    while (n > 0) {
        int r = send((SOCKET)s, buf, (int)n, 0);
        if (r == SOCKET_ERROR || r <= 0)
            return -1;
        buf += r;
        n -= (size_t)r;
    }
    return 0;
}

void plat_sock_close(plat_sock_t s)
{
    if (s != PLAT_SOCK_NONE)
        closesocket((SOCKET)s);
}
