/* What the harness's own files share (harness.c, harness_http.c,
 * harness_oauth.c, harness_sign.c): the process-wide state and the
 * allocation helpers that fail the test instead of returning NULL. */
#ifndef CRPKI_TESTS_INTEGRATION_HARNESS_INTERNAL_H
#define CRPKI_TESTS_INTEGRATION_HARNESS_INTERNAL_H

#include <limits.h>
#include <sys/types.h>

#include "harness.h"

/* One server, one directory, one CURL handle per process. */
typedef struct {
    int ready;
    char top[PATH_MAX - 64]; /* mkdtemp directory */
    char dir[PATH_MAX];      /* top/data: the service's DIR */
    char log[PATH_MAX];      /* top/serve.log */
    const char *exe;
    volatile pid_t pid;
    int port;
    char base_url[64];
    CURL *curl; /* the main thread's handle */
    struct curl_slist *resolve;
    h_sim sim;
    cJSON *sim_json;
} harness_state;
extern harness_state H;

void *xmalloc(size_t n);
char *xstrdup(const char *s);
char *xasprintf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

#endif
