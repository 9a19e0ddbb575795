/* What the crpki-mgmt end-to-end tests share (test_mgmt.c: login, certificates,
 * signing, history, logout; test_mgmt_settings.c: arguments, status, proxy):
 * a scratch directory and home, running crpki-mgmt and reading its JSON, the
 * scripted browser, the group setup against the integration harness. */
#ifndef CRPKI_TESTS_MGMT_TOOL_MGMT_TEST_H
#define CRPKI_TESTS_MGMT_TOOL_MGMT_TEST_H

#include <cJSON.h>
#include <sys/types.h>

#include "harness.h"

extern char g_tmp[256];  /* our own temporary directory */
extern char g_home[300]; /* CRPKI_HOME of the logged-in user */
extern char g_page[300]; /* what the scripted browser saw */
extern int g_port;

typedef struct {
    int exit_code;
    char *out, *err;
    cJSON *json; /* stdout parsed, when it is JSON */
} run_result;

void run_free(run_result *r);
char *slurp(const char *path);
void spit(const char *path, const char *text);
pid_t spawn_mgmt(const char *const *args, const char *in_file, const char *out_path,
                 const char *err_path);
void finish(pid_t pid, const char *out_path, const char *err_path, run_result *r);
void run_in(run_result *r, const char *in_file, const char *const *args);
void expect_exit(const run_result *r, int want, const char *what);
const char *jstr(const cJSON *j, const char *name);
const cJSON *jget(const cJSON *j, const char *name);
void write_config(const char *home);
const h_user *user1(void);
void set_browser(const char *consent);
int group_setup(void **state);
int group_teardown(void **state);

#define RUN(r, ...)                                                                                \
    do {                                                                                           \
        const char *const a_[] = {__VA_ARGS__, NULL};                                              \
        run_in((r), NULL, a_);                                                                     \
    } while (0)

#endif
