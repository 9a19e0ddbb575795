#include "rc_proxy_auto.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/platform/plat_net.h"
#include "base/platform/plat_once.h"
#include "base/platform/plat_thread.h"
#include "rc_util.h"

#define WAIT_STEP_MS 10

typedef struct entry {
    struct entry *next;
    char *url, *pac; /* pac NULL: WPAD */
    rc_autoconfig_fn ask;
    void *ask_ctx;
    plat_thread *th;
    /* written by the worker, under LOCK */
    int done, rc;
    char *list, *found, *why;
} entry;

static plat_mutex *LOCK;
static entry *HEAD;

static void init_lock(void)
{
    LOCK = plat_mutex_new();
}

static int plat_ask(void *ctx, const char *url, const char *pac_url, char **list, char **found,
                    char **why)
{
    (void)ctx;
    return plat_proxy_autoconfig(url, pac_url, list, found, why);
}

static void worker(void *arg)
{
    entry *e = arg;
    char *list = NULL, *found = NULL, *why = NULL;
    int rc = e->ask(e->ask_ctx, e->url, e->pac, &list, &found, &why);
    plat_mutex_lock(LOCK);
    e->rc = rc;
    e->list = list;
    e->found = found;
    e->why = why;
    e->done = 1;
    plat_mutex_unlock(LOCK);
}

static void entry_free(entry *e)
{
    if (e->th)
        plat_thread_join(e->th);
    free(e->url);
    free(e->pac);
    free(e->list);
    free(e->found);
    free(e->why);
    free(e);
}

static int same(const char *a, const char *b)
{
    return (!a && !b) || (a && b && strcmp(a, b) == 0);
}

/* The entry for the question, started when new. NULL: out of memory. */
static entry *find_or_start(const rc_proxy_auto_opts *o, const char *url, const char *pac)
{
    for (entry *e = HEAD; e; e = e->next)
        if (strcmp(e->url, url) == 0 && same(e->pac, pac))
            return e;
    entry *e = calloc(1, sizeof *e);
    if (!e)
        return NULL;
    e->url = plat_strdup(url);
    e->pac = pac ? plat_strdup(pac) : NULL;
    e->ask = o->ask ? o->ask : plat_ask;
    e->ask_ctx = o->ask_ctx;
    if (!e->url || (pac && !e->pac)) {
        entry_free(e);
        return NULL;
    }
    e->th = plat_thread_start(worker, e);
    if (!e->th) {
        e->done = 1;
        e->rc = 1;
        e->why = plat_strdup("cannot start a thread to run the script");
    }
    e->next = HEAD;
    HEAD = e;
    return e;
}

int rc_proxy_auto_ask(void *ctx, const char *url, const char *pac_url, char **list, char **found,
                      char **why)
{
    const rc_proxy_auto_opts *o = ctx;
    *list = NULL;
    *found = NULL;
    *why = NULL;
    plat_once_run(PLAT_ONCE_PROXY, init_lock);
    if (!LOCK)
        return -1;
    plat_mutex_lock(LOCK);
    entry *e = find_or_start(o, url, pac_url);
    plat_mutex_unlock(LOCK);
    if (!e)
        return -1;
    /* Entries leave the list only when done (rc_proxy_auto_forget), and
     * this one is not done until the wait below sees it so. */
    for (unsigned waited = 0;; waited += WAIT_STEP_MS) {
        plat_mutex_lock(LOCK);
        if (e->done) {
            int rc = e->rc;
            *list = e->list ? plat_strdup(e->list) : NULL;
            *found = e->found ? plat_strdup(e->found) : NULL;
            *why = e->why ? plat_strdup(e->why) : NULL;
            plat_mutex_unlock(LOCK);
            if ((e->list && !*list) || (e->found && !*found) || (e->why && !*why)) {
                free(*list);
                free(*found);
                free(*why);
                *list = *found = *why = NULL;
                return -1;
            }
            return rc;
        }
        plat_mutex_unlock(LOCK);
        if (waited >= o->wait_ms)
            break;
        plat_sleep_ms(WAIT_STEP_MS);
    }
    char buf[96];
    snprintf(buf, sizeof buf, "no answer within %u ms (still being looked up)", o->wait_ms);
    *why = plat_strdup(buf);
    return *why ? 1 : -1;
}

void rc_proxy_auto_forget(void)
{
    plat_once_run(PLAT_ONCE_PROXY, init_lock);
    if (!LOCK)
        return;
    entry *gone = NULL;
    plat_mutex_lock(LOCK);
    for (entry **pp = &HEAD; *pp;) {
        entry *e = *pp;
        if (e->done) {
            *pp = e->next;
            e->next = gone;
            gone = e;
        } else {
            pp = &e->next;
        }
    }
    plat_mutex_unlock(LOCK);
    while (gone) {
        entry *n = gone->next;
        entry_free(gone);
        gone = n;
    }
}
