/* testproxy: see testproxy.h. One thread accepts, one thread per connection. */
#define _GNU_SOURCE /* strcasestr, MSG_NOSIGNAL */

#include "testproxy.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netdb.h>
#include <netinet/in.h>
#include <openssl/evp.h>
#include <poll.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#define NONCE      "4f1c2a9b7e"
#define SEEN_MAX   65536
#define MAP_SUFFIX ".crpki.test"

struct testproxy {
    int lfd;
    int port;
    pthread_t th;
    pthread_mutex_t mu; /* guards everything below */
    tp_offer offer;
    char *dir;
    char seen[SEEN_MAX];
    size_t seen_len;
    tp_stats st;
};

static void seen_add(testproxy *p, const char *s)
{
    size_t n = strlen(s);
    pthread_mutex_lock(&p->mu);
    size_t room = sizeof p->seen - 1 - p->seen_len;
    memcpy(p->seen + p->seen_len, s, n < room ? n : room);
    p->seen_len += n < room ? n : room;
    p->seen[p->seen_len] = '\0';
    if (p->dir) {
        char path[4096];
        snprintf(path, sizeof path, "%s/seen.log", p->dir);
        FILE *f = fopen(path, "a");
        if (f) {
            fputs(s, f);
            fclose(f);
        }
    }
    pthread_mutex_unlock(&p->mu);
}

/* One request head (through the blank line), or -1 when the peer closed. */
static int read_head(int fd, char *buf, size_t cap)
{
    size_t n = 0;
    while (n < cap - 1) {
        ssize_t r = recv(fd, buf + n, 1, 0);
        if (r <= 0)
            return -1;
        n++;
        buf[n] = '\0';
        if (n >= 4 && memcmp(buf + n - 4, "\r\n\r\n", 4) == 0)
            return (int)n;
    }
    return -1;
}

/* The value of header name in head (case-insensitive name), copied to out. */
static int header(const char *head, const char *name, char *out, size_t cap)
{
    size_t nl = strlen(name);
    for (const char *l = strstr(head, "\r\n"); l && l[2]; l = strstr(l + 2, "\r\n")) {
        const char *h = l + 2;
        if (strncasecmp(h, name, nl) == 0 && h[nl] == ':') {
            h += nl + 1;
            while (*h == ' ')
                h++;
            const char *e = strstr(h, "\r\n");
            size_t len = (size_t)(e - h);
            if (len >= cap)
                return 0;
            memcpy(out, h, len);
            out[len] = '\0';
            return 1;
        }
    }
    return 0;
}

static void md5_hex(const char *s, char out[33])
{
    unsigned char d[16];
    unsigned int n = 0;
    EVP_Digest(s, strlen(s), d, &n, EVP_md5(), NULL);
    for (int i = 0; i < 16; i++)
        snprintf(out + 2 * i, 3, "%02x", d[i]);
}

/* key="value" or key=value from a Digest header. */
static int digest_param(const char *h, const char *key, char *out, size_t cap)
{
    size_t kl = strlen(key);
    for (const char *p = h; (p = strstr(p, key)) != NULL; p += kl) {
        if ((p != h && p[-1] != ' ' && p[-1] != ',') || p[kl] != '=')
            continue;
        const char *v = p + kl + 1, *e;
        if (*v == '"')
            e = strchr(++v, '"');
        else
            e = v + strcspn(v, ", ");
        if (!e || (size_t)(e - v) >= cap)
            return 0;
        memcpy(out, v, (size_t)(e - v));
        out[e - v] = '\0';
        return 1;
    }
    return 0;
}

/* RFC 7616 with qop=auth, MD5: the password proven, not sent. */
static int digest_ok(const char *h, const char *method)
{
    char user[64], uri[256], nonce[64], nc[16], cnonce[128], qop[16], resp[64];
    if (strncmp(h, "Digest ", 7) != 0 || !digest_param(h, "username", user, sizeof user) ||
        !digest_param(h, "uri", uri, sizeof uri) ||
        !digest_param(h, "nonce", nonce, sizeof nonce) || !digest_param(h, "nc", nc, sizeof nc) ||
        !digest_param(h, "cnonce", cnonce, sizeof cnonce) ||
        !digest_param(h, "qop", qop, sizeof qop) || !digest_param(h, "response", resp, sizeof resp))
        return 0;
    char buf[1024], ha1[33], ha2[33], want[33];
    snprintf(buf, sizeof buf, "%s:%s:%s", user, TP_REALM, TP_PASSWORD);
    md5_hex(buf, ha1);
    snprintf(buf, sizeof buf, "%s:%s", method, uri);
    md5_hex(buf, ha2);
    snprintf(buf, sizeof buf, "%s:%s:%s:%s:%s:%s", ha1, nonce, nc, cnonce, qop, ha2);
    md5_hex(buf, want);
    return strcmp(user, TP_USER) == 0 && strcmp(nonce, NONCE) == 0 && strcmp(resp, want) == 0;
}

static int basic_ok(const char *h)
{
    unsigned char want[128];
    int n = EVP_EncodeBlock(want, (const unsigned char *)TP_USER ":" TP_PASSWORD,
                            (int)strlen(TP_USER ":" TP_PASSWORD));
    return n > 0 && strncmp(h, "Basic ", 6) == 0 && strcmp(h + 6, (const char *)want) == 0;
}

/* ---- NTLM (MS-NLMP), the server's side of the handshake -------------------- */

static uint32_t le32(const unsigned char *b)
{
    return (uint32_t)b[0] | (uint32_t)b[1] << 8 | (uint32_t)b[2] << 16 | (uint32_t)b[3] << 24;
}

static void put16(unsigned char *b, unsigned v)
{
    b[0] = (unsigned char)v;
    b[1] = (unsigned char)(v >> 8);
}

static void put32(unsigned char *b, uint32_t v)
{
    put16(b, v & 0xFFFF);
    put16(b + 2, v >> 16);
}

/* A security buffer of msg (len bytes) as ASCII from UTF-16LE, into out. */
static int secbuf_text(const unsigned char *msg, size_t len, size_t at, char *out, size_t cap)
{
    if (at + 8 > len)
        return 0;
    size_t n = (size_t)msg[at] | (size_t)msg[at + 1] << 8, off = le32(msg + at + 4);
    if (off > len || n > len - off || n / 2 >= cap)
        return 0;
    for (size_t i = 0; i < n / 2; i++)
        out[i] = (char)msg[off + 2 * i];
    out[n / 2] = '\0';
    return 1;
}

/* The type-2 (challenge) message, base64 into out. */
static void ntlm_challenge(char *out, size_t cap)
{
    static const char DOMAIN[] = "CORP";
    unsigned char m[128] = "NTLMSSP";
    size_t dl = 2 * (sizeof DOMAIN - 1), hdr = 48;
    put32(m + 8, 2);
    put16(m + 12, (unsigned)dl); /* TargetName */
    put16(m + 14, (unsigned)dl);
    put32(m + 16, (uint32_t)hdr);
    /* UNICODE, REQUEST_TARGET, SIGN, SEAL, NTLM, ALWAYS_SIGN, TARGET_TYPE_DOMAIN,
     * EXTENDED_SESSIONSECURITY, TARGET_INFO, 128, KEY_EXCH, 56: what a
     * Windows server grants (a Negotiate client asks for signing and sealing) */
    put32(m + 20, 0x00000001u | 0x00000004u | 0x00000010u | 0x00000020u | 0x00000200u |
                      0x00008000u | 0x00010000u | 0x00080000u | 0x00800000u | 0x20000000u |
                      0x40000000u | 0x80000000u);
    for (int i = 0; i < 8; i++)
        m[24 + i] = (unsigned char)(0x11 * (i + 1)); /* the challenge */
    size_t ti = hdr + dl, til = 4 + dl + 4;          /* MsvAvNbDomainName, MsvAvEOL */
    put16(m + 40, (unsigned)til);
    put16(m + 42, (unsigned)til);
    put32(m + 44, (uint32_t)ti);
    for (size_t i = 0; i < sizeof DOMAIN - 1; i++) {
        m[hdr + 2 * i] = (unsigned char)DOMAIN[i];
        m[ti + 4 + 2 * i] = (unsigned char)DOMAIN[i];
    }
    put16(m + ti, 2);
    put16(m + ti + 2, (unsigned)dl);
    size_t total = ti + til;
    if (cap > 4 * ((total + 2) / 3))
        EVP_EncodeBlock((unsigned char *)out, m, (int)total);
}

typedef enum { NTLM_BAD, NTLM_NEGOTIATE, NTLM_AUTHENTICATED } ntlm_step;

/* "NTLM <b64>" or "Negotiate <b64>" carrying an NTLM message. */
static ntlm_step ntlm_read(testproxy *p, const char *auth)
{
    const char *sp = strchr(auth, ' ');
    if (!sp || (size_t)(sp - auth) >= sizeof p->st.scheme)
        return NTLM_BAD;
    pthread_mutex_lock(&p->mu);
    memcpy(p->st.scheme, auth, (size_t)(sp - auth));
    p->st.scheme[sp - auth] = '\0';
    pthread_mutex_unlock(&p->mu);
    if (strncmp(auth, "NTLM ", 5) != 0 && strncmp(auth, "Negotiate ", 10) != 0)
        return NTLM_BAD;
    unsigned char msg[2048];
    const char *b64 = sp + 1;
    size_t bl = strlen(b64);
    if (bl == 0 || bl % 4 || bl / 4 * 3 > sizeof msg)
        return NTLM_BAD;
    int n = EVP_DecodeBlock(msg, (const unsigned char *)b64, (int)bl);
    if (n < 12 || memcmp(msg, "NTLMSSP", 8) != 0)
        return NTLM_BAD; /* e.g. a Kerberos token in Negotiate: not taken here */
    size_t len = (size_t)n - (b64[bl - 1] == '=') - (b64[bl - 2] == '=');
    uint32_t type = le32(msg + 8);
    if (type == 1)
        return NTLM_NEGOTIATE;
    char user[64], domain[64];
    if (type != 3 || len < 64 || !secbuf_text(msg, len, 28, domain, sizeof domain) ||
        !secbuf_text(msg, len, 36, user, sizeof user))
        return NTLM_BAD;
    size_t ntlen = (size_t)msg[20] | (size_t)msg[21] << 8;
    pthread_mutex_lock(&p->mu);
    snprintf(p->st.user, sizeof p->st.user, "%s", user);
    snprintf(p->st.domain, sizeof p->st.domain, "%s", domain);
    pthread_mutex_unlock(&p->mu);
    return user[0] && ntlen > 0 ? NTLM_AUTHENTICATED : NTLM_BAD;
}

/* ---- tunnels and files ------------------------------------------------------ */

static int connect_to(const char *hostport)
{
    char host[256];
    const char *colon = strrchr(hostport, ':');
    if (!colon || (size_t)(colon - hostport) >= sizeof host)
        return -1;
    memcpy(host, hostport, (size_t)(colon - hostport));
    host[colon - hostport] = '\0';
    size_t hl = strlen(host), sl = strlen(MAP_SUFFIX);
    if (hl > sl && strcasecmp(host + hl - sl, MAP_SUFFIX) == 0)
        snprintf(host, sizeof host, "127.0.0.1");
    struct addrinfo hints = {.ai_socktype = SOCK_STREAM}, *ai = NULL;
    if (getaddrinfo(host, colon + 1, &hints, &ai) != 0)
        return -1;
    int fd = -1;
    for (struct addrinfo *a = ai; a && fd < 0; a = a->ai_next) {
        fd = socket(a->ai_family, SOCK_STREAM, 0);
        if (fd >= 0 && connect(fd, a->ai_addr, a->ai_addrlen) != 0) {
            close(fd);
            fd = -1;
        }
    }
    freeaddrinfo(ai);
    return fd;
}

static void relay(int a, int b)
{
    char buf[16384];
    for (;;) {
        struct pollfd p[2] = {{a, POLLIN, 0}, {b, POLLIN, 0}};
        if (poll(p, 2, 10000) <= 0)
            return;
        for (int i = 0; i < 2; i++) {
            if (!(p[i].revents & (POLLIN | POLLHUP | POLLERR)))
                continue;
            ssize_t n = recv(p[i].fd, buf, sizeof buf, 0);
            if (n <= 0 || send(p[1 - i].fd, buf, (size_t)n, MSG_NOSIGNAL) != n)
                return;
        }
    }
}

static int say(int fd, const char *s)
{
    size_t n = strlen(s);
    return send(fd, s, n, MSG_NOSIGNAL) == (ssize_t)n ? 0 : -1;
}

/* GET /NAME: the file NAME of the directory (no '/' or ".." in NAME). */
static void serve_file(testproxy *p, int fd, const char *path)
{
    char file[4096], *body = NULL;
    long len = -1;
    const char *name = path + 1;
    if (p->dir && path[0] == '/' && *name && !strchr(name, '/') && !strstr(name, "..")) {
        snprintf(file, sizeof file, "%s/%s", p->dir, name);
        FILE *f = fopen(file, "rb");
        if (f && fseek(f, 0, SEEK_END) == 0 && (len = ftell(f)) >= 0 && len < (1 << 20) &&
            fseek(f, 0, SEEK_SET) == 0 && (body = malloc((size_t)len + 1)) != NULL &&
            fread(body, 1, (size_t)len, f) != (size_t)len) {
            free(body);
            body = NULL;
        }
        if (f)
            fclose(f);
    }
    char head[256];
    if (!body) {
        say(fd, "HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\nConnection: close\r\n\r\n");
        return;
    }
    snprintf(head, sizeof head,
             "HTTP/1.1 200 OK\r\nContent-Type: application/x-ns-proxy-autoconfig\r\n"
             "Content-Length: %ld\r\nConnection: close\r\n\r\n",
             len);
    if (say(fd, head) == 0 && len > 0)
        send(fd, body, (size_t)len, MSG_NOSIGNAL);
    free(body);
    pthread_mutex_lock(&p->mu);
    p->st.gets++;
    pthread_mutex_unlock(&p->mu);
}

static void refuse(int fd, tp_offer offer, const char *challenge)
{
    char r[1024];
    switch (offer) {
    case TP_BASIC:
        snprintf(r, sizeof r,
                 "HTTP/1.1 407 Proxy Authentication Required\r\n"
                 "Proxy-Authenticate: Basic realm=\"" TP_REALM "\"\r\nContent-Length: 0\r\n\r\n");
        break;
    case TP_DIGEST_AND_BASIC:
        snprintf(r, sizeof r,
                 "HTTP/1.1 407 Proxy Authentication Required\r\n"
                 "Proxy-Authenticate: Basic realm=\"" TP_REALM "\"\r\n"
                 "Proxy-Authenticate: Digest realm=\"" TP_REALM "\", nonce=\"" NONCE
                 "\", qop=\"auth\", algorithm=MD5\r\nContent-Length: 0\r\n\r\n");
        break;
    default: /* TP_SIGN_ON: the offer, or the NTLM challenge in the scheme the client chose */
        if (challenge)
            snprintf(r, sizeof r,
                     "HTTP/1.1 407 Proxy Authentication Required\r\n"
                     "Proxy-Authenticate: %s\r\nContent-Length: 0\r\n\r\n",
                     challenge);
        else
            snprintf(r, sizeof r,
                     "HTTP/1.1 407 Proxy Authentication Required\r\n"
                     "Proxy-Authenticate: Negotiate\r\nProxy-Authenticate: NTLM\r\n"
                     "Proxy-Authenticate: Basic realm=\"" TP_REALM "\"\r\n"
                     "Content-Length: 0\r\n\r\n");
        break;
    }
    say(fd, r);
}

typedef struct {
    testproxy *p;
    int fd;
} conn;

/* 1: let the CONNECT through; 0: refused (answered, the connection stays);
 * -1: refused, close. */
static int authorize(testproxy *p, int fd, const char *head)
{
    pthread_mutex_lock(&p->mu);
    tp_offer offer = p->offer;
    pthread_mutex_unlock(&p->mu);
    if (offer == TP_NONE)
        return 1;
    char auth[4096];
    if (!header(head, "Proxy-Authorization", auth, sizeof auth)) {
        refuse(fd, offer, NULL);
        return 0;
    }
    pthread_mutex_lock(&p->mu);
    p->st.auth_headers++;
    pthread_mutex_unlock(&p->mu);
    if (offer == TP_BASIC)
        return basic_ok(auth) ? 1 : (refuse(fd, offer, NULL), 0);
    if (offer == TP_DIGEST_AND_BASIC)
        return digest_ok(auth, "CONNECT") ? 1 : (refuse(fd, offer, NULL), 0);
    ntlm_step st = ntlm_read(p, auth);
    if (st == NTLM_AUTHENTICATED)
        return 1;
    if (st == NTLM_NEGOTIATE) {
        char ch[512];
        size_t sl = (size_t)(strchr(auth, ' ') - auth);
        memcpy(ch, auth, sl);
        ch[sl] = ' ';
        ntlm_challenge(ch + sl + 1, sizeof ch - sl - 1);
        refuse(fd, offer, ch);
        return 0;
    }
    refuse(fd, offer, NULL);
    return -1;
}

static void *serve(void *arg)
{
    conn *cn = arg;
    testproxy *p = cn->p;
    int fd = cn->fd;
    free(cn);
    char head[8192], target[300], method[16];
    while (read_head(fd, head, sizeof head) > 0) {
        seen_add(p, head);
        if (sscanf(head, "%15s %299s HTTP/1.", method, target) != 2)
            break;
        if (strcmp(method, "GET") == 0) {
            serve_file(p, fd, target);
            break;
        }
        if (strcmp(method, "CONNECT") != 0)
            break;
        int a = authorize(p, fd, head);
        if (a < 0)
            break;
        if (a == 0)
            continue; /* the same connection may try again with credentials */
        int up = connect_to(target);
        const char *r = up >= 0 ? "HTTP/1.1 200 Connection established\r\n\r\n"
                                : "HTTP/1.1 502 Bad Gateway\r\nContent-Length: 0\r\n\r\n";
        if (say(fd, r) == 0 && up >= 0) {
            pthread_mutex_lock(&p->mu);
            p->st.tunnels++;
            pthread_mutex_unlock(&p->mu);
            relay(fd, up);
        }
        if (up >= 0)
            close(up);
        break;
    }
    close(fd);
    pthread_mutex_lock(&p->mu);
    p->st.active--;
    pthread_mutex_unlock(&p->mu);
    return NULL;
}

static void *accept_loop(void *arg)
{
    testproxy *p = arg;
    for (;;) {
        int fd = accept(p->lfd, NULL, NULL);
        if (fd < 0)
            return NULL; /* the listener was shut down */
        conn *cn = malloc(sizeof *cn);
        pthread_t th;
        if (!cn) {
            close(fd);
            continue;
        }
        cn->p = p;
        cn->fd = fd;
        pthread_mutex_lock(&p->mu);
        p->st.active++;
        pthread_mutex_unlock(&p->mu);
        if (pthread_create(&th, NULL, serve, cn) != 0) {
            close(fd);
            free(cn);
            pthread_mutex_lock(&p->mu);
            p->st.active--;
            pthread_mutex_unlock(&p->mu);
            continue;
        }
        pthread_detach(th);
    }
}

testproxy *tp_start(tp_offer offer, const char *dir)
{
    return tp_start_on(offer, dir, 0);
}

testproxy *tp_start_on(tp_offer offer, const char *dir, int port)
{
    testproxy *p = calloc(1, sizeof *p);
    if (!p)
        return NULL;
    pthread_mutex_init(&p->mu, NULL);
    p->offer = offer;
    p->dir = dir ? strdup(dir) : NULL;
    p->lfd = socket(AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in a = {.sin_family = AF_INET,
                            .sin_addr.s_addr = htonl(INADDR_LOOPBACK),
                            .sin_port = htons((uint16_t)port)};
    socklen_t al = sizeof a;
    int one = 1;
    if (p->lfd >= 0)
        setsockopt(p->lfd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    if (p->lfd < 0 || (dir && !p->dir) || bind(p->lfd, (struct sockaddr *)&a, sizeof a) != 0 ||
        listen(p->lfd, 64) != 0 || getsockname(p->lfd, (struct sockaddr *)&a, &al) != 0 ||
        pthread_create(&p->th, NULL, accept_loop, p) != 0) {
        if (p->lfd >= 0)
            close(p->lfd);
        free(p->dir);
        pthread_mutex_destroy(&p->mu);
        free(p);
        return NULL;
    }
    p->port = ntohs(a.sin_port);
    return p;
}

int tp_port(const testproxy *p)
{
    return p->port;
}

void tp_set_offer(testproxy *p, tp_offer offer)
{
    pthread_mutex_lock(&p->mu);
    p->offer = offer;
    pthread_mutex_unlock(&p->mu);
}

void tp_stats_get(testproxy *p, tp_stats *s)
{
    pthread_mutex_lock(&p->mu);
    *s = p->st;
    pthread_mutex_unlock(&p->mu);
}

char *tp_seen(testproxy *p)
{
    pthread_mutex_lock(&p->mu);
    char *s = strdup(p->seen);
    pthread_mutex_unlock(&p->mu);
    return s;
}

int tp_stop(testproxy *p)
{
    shutdown(p->lfd, SHUT_RDWR);
    close(p->lfd);
    pthread_join(p->th, NULL);
    /* the client closed its connections: each relay ends within moments */
    int active = 0;
    for (int i = 0; i < 200; i++) {
        pthread_mutex_lock(&p->mu);
        active = p->st.active;
        pthread_mutex_unlock(&p->mu);
        if (!active)
            break;
        struct timespec ts = {0, 50 * 1000 * 1000};
        nanosleep(&ts, NULL);
    }
    if (active)
        return -1; /* threads still use p: leave it */
    pthread_mutex_destroy(&p->mu);
    free(p->dir);
    free(p);
    return 0;
}

int tp_offer_parse(const char *s)
{
    static const char *const N[] = {"none", "basic", "digest", "sign-on"};
    for (int i = 0; i < 4; i++)
        if (strcmp(s, N[i]) == 0)
            return i;
    return -1;
}
