/* crpki-testproxy --dir DIR [--offer none|basic|digest|sign-on]: the test
 * proxy of testproxy.h as a program, for tests that run under Wine (a
 * Windows program cannot start a POSIX thread in its own process). It
 * writes DIR/port once it listens; a test switches the offer by writing
 * DIR/offer; DIR/stats holds the counters ("tunnels N", "auth_headers N",
 * "gets N", "scheme S", "user U", "domain D", one per line) and DIR/seen.log
 * every request head. Runs until SIGTERM or SIGINT. */
#define _POSIX_C_SOURCE 200809L

#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "testproxy.h"

static volatile sig_atomic_t STOP;

static void on_signal(int s)
{
    (void)s;
    STOP = 1;
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
    for (int i = 1; i + 1 < argc; i += 2) {
        if (strcmp(argv[i], "--dir") == 0)
            dir = argv[i + 1];
        else if (strcmp(argv[i], "--offer") == 0)
            offer = argv[i + 1];
    }
    int o = tp_offer_parse(offer);
    if (!dir || o < 0) {
        fprintf(stderr, "usage: crpki-testproxy --dir DIR [--offer none|basic|digest|sign-on]\n");
        return 2;
    }
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_signal;
    sigaction(SIGTERM, &sa, NULL);
    sigaction(SIGINT, &sa, NULL);
    testproxy *p = tp_start((tp_offer)o, dir);
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
