/* The client through an explicit proxy that asks for authentication
 * (issue 15 #5). The proxy is reached over plain http://, so Basic would put
 * the password on the wire readable: the client offers it only by
 * Negotiate, NTLM or Digest unless rssp_options.proxy_allow_basic says so.
 *
 * The proxy is a small HTTP CONNECT proxy in this file (a real tunnel to the
 * harness's crpki-rsspd once authenticated) that records every byte it was
 * sent before the tunnel, so a test can say the password never crossed. */
#include "client_harness.h"

#include <arpa/inet.h>
#include <netdb.h>
#include <netinet/in.h>
#include <openssl/evp.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#define USER     "tanaka"
#define PASSWORD "Passw0rd-of-the-domain"
#define REALM    "corp"
#define NONCE    "4f1c2a9b7e"

typedef enum { OFFER_BASIC, OFFER_DIGEST_AND_BASIC } offer;

typedef struct {
    int lfd;
    int port;
    offer offer;
    pthread_t th;
    pthread_mutex_t mu;
    char seen[16384]; /* every request head the proxy read, concatenated */
    size_t seen_len;
    int auth_headers; /* Proxy-Authorization headers received */
    int tunnels;      /* CONNECTs let through */
    int active;       /* connections being served */
} proxy;

static void seen_add(proxy *p, const char *s, size_t n)
{
    pthread_mutex_lock(&p->mu);
    if (n > sizeof p->seen - 1 - p->seen_len)
        n = sizeof p->seen - 1 - p->seen_len;
    memcpy(p->seen + p->seen_len, s, n);
    p->seen_len += n;
    p->seen[p->seen_len] = '\0';
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
    snprintf(buf, sizeof buf, "%s:%s:%s", user, REALM, PASSWORD);
    md5_hex(buf, ha1);
    snprintf(buf, sizeof buf, "%s:%s", method, uri);
    md5_hex(buf, ha2);
    snprintf(buf, sizeof buf, "%s:%s:%s:%s:%s:%s", ha1, nonce, nc, cnonce, qop, ha2);
    md5_hex(buf, want);
    return strcmp(user, USER) == 0 && strcmp(nonce, NONCE) == 0 && strcmp(resp, want) == 0;
}

static int basic_ok(const char *h)
{
    unsigned char want[128];
    int n = EVP_EncodeBlock(want, (const unsigned char *)USER ":" PASSWORD,
                            (int)strlen(USER ":" PASSWORD));
    return n > 0 && strncmp(h, "Basic ", 6) == 0 && strcmp(h + 6, (const char *)want) == 0;
}

static int connect_to(const char *hostport)
{
    char host[256];
    const char *colon = strrchr(hostport, ':');
    if (!colon || (size_t)(colon - hostport) >= sizeof host)
        return -1;
    memcpy(host, hostport, (size_t)(colon - hostport));
    host[colon - hostport] = '\0';
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

typedef struct {
    proxy *p;
    int fd;
} conn;

static void *serve(void *arg)
{
    conn *cn = arg;
    proxy *p = cn->p;
    int fd = cn->fd;
    free(cn);
    char head[8192], target[300], auth[2048];
    while (read_head(fd, head, sizeof head) > 0) {
        seen_add(p, head, strlen(head));
        if (sscanf(head, "CONNECT %299s HTTP/1.1", target) != 1)
            break;
        int has = header(head, "Proxy-Authorization", auth, sizeof auth);
        int ok = 0;
        if (has) {
            pthread_mutex_lock(&p->mu);
            p->auth_headers++;
            pthread_mutex_unlock(&p->mu);
            ok = p->offer == OFFER_BASIC ? basic_ok(auth) : digest_ok(auth, "CONNECT");
        }
        if (!ok) {
            char r[512];
            int n = p->offer == OFFER_BASIC
                        ? snprintf(r, sizeof r,
                                   "HTTP/1.1 407 Proxy Authentication Required\r\n"
                                   "Proxy-Authenticate: Basic realm=\"" REALM "\"\r\n"
                                   "Content-Length: 0\r\n\r\n")
                        : snprintf(r, sizeof r,
                                   "HTTP/1.1 407 Proxy Authentication Required\r\n"
                                   "Proxy-Authenticate: Basic realm=\"" REALM "\"\r\n"
                                   "Proxy-Authenticate: Digest realm=\"" REALM "\", nonce=\"" NONCE
                                   "\", qop=\"auth\", algorithm=MD5\r\n"
                                   "Content-Length: 0\r\n\r\n");
            if (send(fd, r, (size_t)n, MSG_NOSIGNAL) != n)
                break;
            continue; /* the same connection may try again with credentials */
        }
        int up = connect_to(target);
        const char *r = up >= 0 ? "HTTP/1.1 200 Connection established\r\n\r\n"
                                : "HTTP/1.1 502 Bad Gateway\r\nContent-Length: 0\r\n\r\n";
        if (send(fd, r, strlen(r), MSG_NOSIGNAL) > 0 && up >= 0) {
            pthread_mutex_lock(&p->mu);
            p->tunnels++;
            pthread_mutex_unlock(&p->mu);
            relay(fd, up);
        }
        if (up >= 0)
            close(up);
        break;
    }
    close(fd);
    pthread_mutex_lock(&p->mu);
    p->active--;
    pthread_mutex_unlock(&p->mu);
    return NULL;
}

static void *accept_loop(void *arg)
{
    proxy *p = arg;
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
        p->active++;
        pthread_mutex_unlock(&p->mu);
        if (pthread_create(&th, NULL, serve, cn) != 0) {
            close(fd);
            free(cn);
            pthread_mutex_lock(&p->mu);
            p->active--;
            pthread_mutex_unlock(&p->mu);
            continue;
        }
        pthread_detach(th);
    }
}

static void proxy_start(proxy *p, offer o)
{
    memset(p, 0, sizeof *p);
    pthread_mutex_init(&p->mu, NULL);
    p->offer = o;
    p->lfd = socket(AF_INET, SOCK_STREAM, 0);
    assert_true(p->lfd >= 0);
    struct sockaddr_in a = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
    socklen_t al = sizeof a;
    assert_int_equal(bind(p->lfd, (struct sockaddr *)&a, sizeof a), 0);
    assert_int_equal(listen(p->lfd, 16), 0);
    assert_int_equal(getsockname(p->lfd, (struct sockaddr *)&a, &al), 0);
    p->port = ntohs(a.sin_port);
    assert_int_equal(pthread_create(&p->th, NULL, accept_loop, p), 0);
}

static void proxy_stop(proxy *p)
{
    shutdown(p->lfd, SHUT_RDWR);
    close(p->lfd);
    pthread_join(p->th, NULL);
    /* the client closed its connections: each relay ends within moments */
    for (int i = 0; i < 200; i++) {
        pthread_mutex_lock(&p->mu);
        int active = p->active;
        pthread_mutex_unlock(&p->mu);
        if (!active)
            break;
        h_sleep_ms(50);
    }
    assert_int_equal(p->active, 0);
    pthread_mutex_destroy(&p->mu);
}

/* The password in clear or as Basic's base64 anywhere the proxy read. */
static int password_crossed(proxy *p)
{
    unsigned char b64[128];
    EVP_EncodeBlock(b64, (const unsigned char *)USER ":" PASSWORD, (int)strlen(USER ":" PASSWORD));
    pthread_mutex_lock(&p->mu);
    int crossed = strstr(p->seen, PASSWORD) || strstr(p->seen, (const char *)b64);
    pthread_mutex_unlock(&p->mu);
    return crossed;
}

static crpki_err info_through(proxy *p, int allow_basic, crpki_error_info *ei)
{
    rssp_options o;
    ci_options(&o);
    o.proxy_mode = RSSP_PROXY_EXPLICIT;
    o.proxy_host = "127.0.0.1";
    o.proxy_port = (unsigned)p->port;
    o.proxy_user = USER;
    o.proxy_password = PASSWORD;
    o.proxy_allow_basic = allow_basic;
    o.max_retries = 1;
    rssp_client *c = ci_client_ok(&o);
    rssp_service_info i;
    memset(&i, 0, sizeof i);
    memset(ei, 0, sizeof *ei);
    crpki_err rc = rssp_info(c, &i, ei);
    rssp_service_info_free(&i);
    rssp_client_free(c);
    return rc;
}

static void a_basic_only_proxy_never_gets_the_password_by_default(void **state)
{
    (void)state;
    proxy p;
    proxy_start(&p, OFFER_BASIC);
    crpki_error_info ei;
    crpki_err rc = info_through(&p, 0, &ei);
    CI_EXPECT_RC(rc, CRPKI_E_PROXY, &ei);
    print_message("      basic-only proxy -> %s\n", ci_describe(rc, &ei));
    if (!strstr(ei.detail, "only Basic"))
        fail_msg("the reason does not say the proxy offered only Basic: %s", ei.detail);
    assert_int_equal(p.auth_headers, 0);
    assert_int_equal(p.tunnels, 0);
    assert_false(password_crossed(&p));
    proxy_stop(&p);
}

static void a_basic_only_proxy_gets_it_when_the_configuration_allows_basic(void **state)
{
    (void)state;
    proxy p;
    proxy_start(&p, OFFER_BASIC);
    crpki_error_info ei;
    crpki_err rc = info_through(&p, 1, &ei);
    CI_EXPECT_RC(rc, CRPKI_OK, &ei);
    assert_true(p.auth_headers >= 1);
    assert_true(p.tunnels >= 1);
    assert_true(password_crossed(&p)); /* what allow_basic means: documented */
    proxy_stop(&p);
}

static void a_proxy_offering_digest_gets_digest_never_the_password(void **state)
{
    (void)state;
    for (int allow = 0; allow <= 1; allow++) {
        proxy p;
        proxy_start(&p, OFFER_DIGEST_AND_BASIC);
        crpki_error_info ei;
        crpki_err rc = info_through(&p, allow, &ei);
        CI_EXPECT_RC(rc, CRPKI_OK, &ei);
        assert_true(p.tunnels >= 1);
        if (password_crossed(&p))
            fail_msg("allow_basic %d: the password crossed to a proxy offering Digest", allow);
        proxy_stop(&p);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(a_basic_only_proxy_never_gets_the_password_by_default),
        cmocka_unit_test(a_basic_only_proxy_gets_it_when_the_configuration_allows_basic),
        cmocka_unit_test(a_proxy_offering_digest_gets_digest_never_the_password),
    };
    return cmocka_run_group_tests_name("client_proxy", tests, h_group_setup, h_group_teardown);
}
