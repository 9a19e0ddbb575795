/* crpki-testproxy --dir DIR [--offer none|basic|digest|sign-on] [--port N]
 * [--dns NAME]: the test
 * proxy of testproxy.h as a program, for tests that run under Wine (a
 * Windows program cannot start a POSIX thread in its own process). It
 * writes DIR/port once it listens; a test switches the offer by writing
 * DIR/offer; DIR/stats holds the counters ("tunnels N", "auth_headers N",
 * "gets N", "scheme S", "user U", "domain D", one per line) and DIR/seen.log
 * every request head. --dns NAME also answers DNS queries on 127.0.0.1:53
 * (UDP): NAME has the address 127.0.0.1, every other name does not exist;
 * the WPAD test's namespaces point resolv.conf here, as a company's DNS
 * names wpad.<domain>. Runs until SIGTERM or SIGINT. */
#define _POSIX_C_SOURCE 200809L

#include <arpa/inet.h>
#include <netinet/in.h>
#include <pthread.h>
#include <signal.h>
#include <strings.h>
#include <sys/socket.h>
#include <unistd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "testproxy.h"

static volatile sig_atomic_t STOP;

static void on_signal(int s)
{
    (void)s;
    STOP = 1;
}

/* ---- a DNS server of one name ------------------------------------------------ */

static const char *DNS_NAME;

/* The question's name as dotted text (no compression in questions); the
 * offset after it, or 0 when malformed. */
static size_t qname(const unsigned char *m, size_t n, size_t at, char *out, size_t cap)
{
    size_t o = 0;
    while (at < n && m[at]) {
        size_t l = m[at++];
        if (l > 63 || at + l > n || o + l + 2 > cap)
            return 0;
        if (o)
            out[o++] = '.';
        memcpy(out + o, m + at, l);
        o += l;
        at += l;
    }
    out[o] = '\0';
    return at < n ? at + 1 : 0;
}

static void *dns_loop(void *arg)
{
    int fd = *(int *)arg;
    unsigned char q[512], r[600];
    for (;;) {
        struct sockaddr_in from;
        socklen_t fl = sizeof from;
        ssize_t n = recvfrom(fd, q, sizeof q, 0, (struct sockaddr *)&from, &fl);
        if (n < 0)
            return NULL;
        char name[256];
        size_t end = n >= 12 ? qname(q, (size_t)n, 12, name, sizeof name) : 0;
        if (!end || end + 4 > (size_t)n)
            continue;
        unsigned qtype = (unsigned)q[end] << 8 | q[end + 1];
        int known = strcasecmp(name, DNS_NAME) == 0;
        size_t len = end + 4;
        memcpy(r, q, len);
        r[2] = 0x84 | (q[2] & 0x01); /* response, authoritative, RD echoed */
        r[3] = known ? 0x80 : 0x83;  /* RA; NXDOMAIN for every other name */
        r[6] = r[7] = r[8] = r[9] = r[10] = r[11] = 0;
        if (known && qtype == 1) { /* A: 127.0.0.1, TTL 60 */
            static const unsigned char A[] = {0xC0, 0x0C, 0, 1, 0,   1, 0, 0,
                                              0,    60,   0, 4, 127, 0, 0, 1};
            memcpy(r + len, A, sizeof A);
            len += sizeof A;
            r[7] = 1;
        }
        sendto(fd, r, len, 0, (struct sockaddr *)&from, fl);
    }
}

static int dns_start(const char *name)
{
    static int fd;
    DNS_NAME = name;
    fd = socket(AF_INET, SOCK_DGRAM, 0);
    struct sockaddr_in a = {
        .sin_family = AF_INET, .sin_port = htons(53), .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
    pthread_t th;
    if (fd < 0 || bind(fd, (struct sockaddr *)&a, sizeof a) != 0 ||
        pthread_create(&th, NULL, dns_loop, &fd) != 0)
        return -1;
    pthread_detach(th);
    return 0;
}

static int write_file(const char *dir, const char *name, const char *text)
{
    char path[4096], tmp[4200];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    snprintf(tmp, sizeof tmp, "%s.tmp", path);
    FILE *f = fopen(tmp, "w");
    if (!f)
        return -1;
    int ok = fputs(text, f) >= 0;
    ok = fclose(f) == 0 && ok;
    return ok && rename(tmp, path) == 0 ? 0 : -1;
}

/* The offer DIR/offer names, applied to p; its value, or cur when the file
 * is absent or unreadable. */
static int read_offer(const char *dir, testproxy *p, int cur)
{
    char path[4096], buf[32] = "";
    snprintf(path, sizeof path, "%s/offer", dir);
    FILE *f = fopen(path, "r");
    if (!f)
        return cur;
    if (fgets(buf, sizeof buf, f)) {
        buf[strcspn(buf, "\r\n ")] = '\0';
        int o = tp_offer_parse(buf);
        if (o >= 0 && o != cur) {
            tp_set_offer(p, (tp_offer)o);
            cur = o;
        }
    }
    fclose(f);
    return cur;
}

int main(int argc, char **argv)
{
    const char *dir = NULL, *offer = "none";
    int port = 0;
    const char *dns = NULL;
    for (int i = 1; i + 1 < argc; i += 2) {
        if (strcmp(argv[i], "--dir") == 0)
            dir = argv[i + 1];
        else if (strcmp(argv[i], "--offer") == 0)
            offer = argv[i + 1];
        else if (strcmp(argv[i], "--port") == 0)
            port = atoi(argv[i + 1]);
        else if (strcmp(argv[i], "--dns") == 0)
            dns = argv[i + 1];
    }
    int o = tp_offer_parse(offer);
    if (!dir || o < 0) {
        fprintf(stderr, "usage: crpki-testproxy --dir DIR [--offer none|basic|digest|sign-on] "
                        "[--port N] [--dns NAME]\n");
        return 2;
    }
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_signal;
    sigaction(SIGTERM, &sa, NULL);
    sigaction(SIGINT, &sa, NULL);
    if (dns && dns_start(dns) != 0) {
        fprintf(stderr, "crpki-testproxy: cannot answer DNS on 127.0.0.1:53\n");
        return 1;
    }
    testproxy *p = tp_start_on((tp_offer)o, dir, port);
    if (!p) {
        fprintf(stderr, "crpki-testproxy: cannot listen\n");
        return 1;
    }
    char buf[512];
    snprintf(buf, sizeof buf, "%d\n", tp_port(p));
    if (write_file(dir, "port", buf) != 0) {
        fprintf(stderr, "crpki-testproxy: cannot write %s/port\n", dir);
        return 1;
    }
    static const char *const OFFER[] = {"none", "basic", "digest", "sign-on"};
    tp_stats last;
    memset(&last, 0xFF, sizeof last);
    int cur = o, last_offer = -1;
    while (!STOP) {
        cur = read_offer(dir, p, cur);
        tp_stats s;
        tp_stats_get(p, &s);
        if (memcmp(&s, &last, sizeof s) != 0 || cur != last_offer) {
            snprintf(buf, sizeof buf,
                     "offer %s\ntunnels %d\nauth_headers %d\ngets %d\nscheme %s\nuser %s\n"
                     "domain %s\n",
                     OFFER[cur], s.tunnels, s.auth_headers, s.gets, s.scheme, s.user, s.domain);
            write_file(dir, "stats", buf);
            last = s;
            last_offer = cur;
        }
        struct timespec ts = {0, 20 * 1000 * 1000};
        nanosleep(&ts, NULL);
    }
    return tp_stop(p) == 0 ? 0 : 1;
}
