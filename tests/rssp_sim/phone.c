/* phone: the simulated gBizID app (phone.h). */
#define _POSIX_C_SOURCE 200809L

#include "phone.h"

#include <errno.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define PHONE_MAX_FILE 4096
#define PHONE_MAX_MS   3600000u

const char *phone_kind_name(phone_kind k)
{
    switch (k) {
    case PHONE_APPROVE:
        return "approve";
    case PHONE_DENY:
        return "deny";
    case PHONE_IGNORE:
        return "ignore";
    case PHONE_INVALID:
        return "invalid";
    case PHONE_NONE:
    default:
        return "none";
    }
}

static int is_blank(char c)
{
    return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

/* Plain decimal in [0, PHONE_MAX_MS] spanning exactly [s, end). */
static int parse_ms(const char *s, const char *end, unsigned *out)
{
    if (s == end || end - s > 7)
        return -1;
    unsigned v = 0;
    for (const char *p = s; p < end; p++) {
        if (*p < '0' || *p > '9')
            return -1;
        v = v * 10 + (unsigned)(*p - '0');
    }
    if (v > PHONE_MAX_MS)
        return -1;
    *out = v;
    return 0;
}

phone_action phone_parse(const char *text)
{
    phone_action a = {PHONE_NONE, 0};
    if (!text)
        return a;
    const char *s = text, *e = text + strlen(text);
    while (s < e && is_blank(*s))
        s++;
    while (e > s && is_blank(e[-1]))
        e--;
    if (s == e)
        return a;
    const char *w = s;
    while (w < e && !is_blank(*w))
        w++;
    size_t wl = (size_t)(w - s);
    const char *arg = w;
    while (arg < e && (*arg == ' ' || *arg == '\t'))
        arg++;
    a.kind = PHONE_INVALID;
    if (wl == 6 && memcmp(s, "ignore", 6) == 0) {
        if (arg == e)
            a.kind = PHONE_IGNORE;
    } else if ((wl == 7 && memcmp(s, "approve", 7) == 0) ||
               (wl == 4 && memcmp(s, "deny", 4) == 0)) {
        if (parse_ms(arg, e, &a.ms) == 0)
            a.kind = wl == 7 ? PHONE_APPROVE : PHONE_DENY;
        else
            a.ms = 0;
    }
    return a;
}

/* ---- the phone's thread ----------------------------------------------------------- */

typedef struct pending {
    struct pending *next;
    int64_t due_ms; /* CLOCK_MONOTONIC */
    char code[8];
    int approve;
} pending;

struct rsspd_phone {
    char *file, *log_file;
    phone_decide_fn decide;
    void *ctx;
    pthread_mutex_t mu; /* guards the list, stop and log appends */
    pthread_cond_t cv;  /* CLOCK_MONOTONIC */
    pending *head;      /* sorted by due_ms */
    int stop;
    pthread_t thread;
};

static int64_t mono_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static void *phone_main(void *arg)
{
    rsspd_phone *p = arg;
    pthread_mutex_lock(&p->mu);
    while (!p->stop) {
        if (!p->head) {
            pthread_cond_wait(&p->cv, &p->mu);
            continue;
        }
        int64_t now = mono_ms();
        if (p->head->due_ms > now) {
            struct timespec ts;
            int64_t due = p->head->due_ms;
            ts.tv_sec = (time_t)(due / 1000);
            ts.tv_nsec = (long)(due % 1000) * 1000000L;
            pthread_cond_timedwait(&p->cv, &p->mu, &ts);
            continue;
        }
        pending *d = p->head;
        p->head = d->next;
        /* The store has its own lock: decide without ours, so authorize
         * (which takes ours to schedule) never waits for the database. */
        pthread_mutex_unlock(&p->mu);
        if (p->decide(p->ctx, d->code, d->approve) != 0)
            fprintf(stderr, "crpki-rsspd: phone: approval %s no longer pending; not %s\n", d->code,
                    d->approve ? "approved" : "denied");
        free(d);
        pthread_mutex_lock(&p->mu);
    }
    pthread_mutex_unlock(&p->mu);
    return NULL;
}

int phone_open(const char *file, phone_decide_fn decide, void *ctx, rsspd_phone **out, char *err,
               size_t errsz)
{
    *out = NULL;
    rsspd_phone *p = calloc(1, sizeof *p);
    size_t n = file ? strlen(file) : 0;
    if (!p || !file || !decide || !*file) {
        free(p);
        snprintf(err, errsz, "%s", p ? "--phone: no file" : "out of memory");
        return -1;
    }
    p->file = strdup(file);
    p->log_file = malloc(n + sizeof ".log");
    if (!p->file || !p->log_file) {
        free(p->file);
        free(p->log_file);
        free(p);
        snprintf(err, errsz, "out of memory");
        return -1;
    }
    snprintf(p->log_file, n + sizeof ".log", "%s.log", file);
    p->decide = decide;
    p->ctx = ctx;
    pthread_condattr_t ca;
    pthread_condattr_init(&ca);
    pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
    pthread_mutex_init(&p->mu, NULL);
    pthread_cond_init(&p->cv, &ca);
    pthread_condattr_destroy(&ca);
    int rc = pthread_create(&p->thread, NULL, phone_main, p);
    if (rc != 0) {
        snprintf(err, errsz, "--phone: cannot start its thread: %s", strerror(rc));
        pthread_cond_destroy(&p->cv);
        pthread_mutex_destroy(&p->mu);
        free(p->file);
        free(p->log_file);
        free(p);
        return -1;
    }
    *out = p;
    return 0;
}

/* FILE's content (NUL-terminated, malloc'ed), or NULL when absent. */
static char *read_phone_file(const char *path)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    char *buf = malloc(PHONE_MAX_FILE + 1);
    size_t n = buf ? fread(buf, 1, PHONE_MAX_FILE, f) : 0;
    fclose(f);
    if (buf)
        buf[n] = '\0';
    return buf;
}

void phone_on_authorize(rsspd_phone *p, const char *code, const char *credential_id,
                        long num_signatures, const char *description)
{
    if (!p || !code)
        return;
    char *text = read_phone_file(p->file);
    phone_action a = phone_parse(text);
    if (a.kind == PHONE_INVALID)
        fprintf(stderr, "crpki-rsspd: phone: %s: cannot read '%.80s'; doing nothing\n", p->file,
                text ? text : "");
    free(text);

    /* One line per approval; the description may not break it. */
    const char *d = description ? description : "";
    char *desc = strdup(d);
    if (desc)
        for (char *c = desc; *c; c++)
            if ((unsigned char)*c < 0x20 || *c == 0x7f)
                *c = ' ';
    pthread_mutex_lock(&p->mu);
    FILE *lf = fopen(p->log_file, "ab");
    if (lf) {
        fprintf(lf, "%s %s %ld %s %s\n", code, credential_id ? credential_id : "-", num_signatures,
                phone_kind_name(a.kind), desc ? desc : "");
        if (fclose(lf) != 0)
            fprintf(stderr, "crpki-rsspd: phone: cannot write %s: %s\n", p->log_file,
                    strerror(errno));
    } else {
        fprintf(stderr, "crpki-rsspd: phone: cannot open %s: %s\n", p->log_file, strerror(errno));
    }
    free(desc);

    if (a.kind == PHONE_APPROVE || a.kind == PHONE_DENY) {
        pending *n = calloc(1, sizeof *n);
        if (n) {
            n->due_ms = mono_ms() + a.ms;
            snprintf(n->code, sizeof n->code, "%s", code);
            n->approve = a.kind == PHONE_APPROVE;
            pending **at = &p->head;
            while (*at && (*at)->due_ms <= n->due_ms)
                at = &(*at)->next;
            n->next = *at;
            *at = n;
            pthread_cond_signal(&p->cv);
        } else {
            fprintf(stderr, "crpki-rsspd: phone: out of memory; approval %s not decided\n", code);
        }
    }
    pthread_mutex_unlock(&p->mu);
}

void phone_close(rsspd_phone *p)
{
    if (!p)
        return;
    pthread_mutex_lock(&p->mu);
    p->stop = 1;
    pthread_cond_signal(&p->cv);
    pthread_mutex_unlock(&p->mu);
    pthread_join(p->thread, NULL);
    while (p->head) {
        pending *n = p->head->next;
        free(p->head);
        p->head = n;
    }
    pthread_cond_destroy(&p->cv);
    pthread_mutex_destroy(&p->mu);
    free(p->file);
    free(p->log_file);
    free(p);
}
