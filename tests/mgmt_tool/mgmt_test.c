/* mgmt_test.h */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>

#include "harness.h"

#include "mgmt_test.h"

extern char **environ;

char g_tmp[256];  /* our own temporary directory */
char g_home[300]; /* CRPKI_HOME of the logged-in user */
char g_page[300]; /* what the scripted browser saw */
int g_port;

void run_free(run_result *r)
{
    free(r->out);
    free(r->err);
    cJSON_Delete(r->json);
    memset(r, 0, sizeof *r);
}

char *slurp(const char *path)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    fseek(f, 0, SEEK_END);
    long n = ftell(f);
    fseek(f, 0, SEEK_SET);
    char *s = malloc((size_t)n + 1);
    assert_non_null(s);
    size_t got = fread(s, 1, (size_t)n, f);
    s[got] = '\0';
    fclose(f);
    return s;
}

void spit(const char *path, const char *text)
{
    FILE *f = fopen(path, "wb");
    assert_non_null(f);
    fputs(text, f);
    fclose(f);
}

/* Starts crpki-mgmt ARGS (NULL-terminated) with stdin from in_file (or
 * /dev/null), stdout/stderr to files; returns the pid. */
pid_t spawn_mgmt(const char *const *args, const char *in_file, const char *out_path,
                 const char *err_path)
{
    const char *argv[40];
    int n = 0;
    argv[n++] = MGMT_EXE;
    for (int i = 0; args[i] && n < 38; i++)
        argv[n++] = args[i];
    argv[n] = NULL;
    posix_spawn_file_actions_t fa;
    posix_spawn_file_actions_init(&fa);
    posix_spawn_file_actions_addopen(&fa, 0, in_file ? in_file : "/dev/null", O_RDONLY, 0);
    posix_spawn_file_actions_addopen(&fa, 1, out_path, O_WRONLY | O_CREAT | O_TRUNC, 0600);
    posix_spawn_file_actions_addopen(&fa, 2, err_path, O_WRONLY | O_CREAT | O_TRUNC, 0600);
    pid_t pid;
    int rc = posix_spawn(&pid, MGMT_EXE, &fa, NULL, (char *const *)argv, environ);
    posix_spawn_file_actions_destroy(&fa);
    if (rc != 0)
        fail_msg("posix_spawn %s: %s", MGMT_EXE, strerror(rc));
    return pid;
}

void finish(pid_t pid, const char *out_path, const char *err_path, run_result *r)
{
    int st;
    while (waitpid(pid, &st, 0) < 0 && errno == EINTR)
        ;
    memset(r, 0, sizeof *r);
    r->exit_code = WIFEXITED(st) ? WEXITSTATUS(st) : -1;
    r->out = slurp(out_path);
    r->err = slurp(err_path);
    if (!r->out)
        r->out = calloc(1, 1);
    if (!r->err)
        r->err = calloc(1, 1);
    r->json = cJSON_Parse(r->out);
}

void run_in(run_result *r, const char *in_file, const char *const *args)
{
    char o[400], e[400];
    snprintf(o, sizeof o, "%s/out.txt", g_tmp);
    snprintf(e, sizeof e, "%s/err.txt", g_tmp);
    finish(spawn_mgmt(args, in_file, o, e), o, e, r);
}

void expect_exit(const run_result *r, int want, const char *what)
{
    if (r->exit_code != want)
        fail_msg("%s: exit %d, want %d\nstdout:\n%s\nstderr:\n%s", what, r->exit_code, want, r->out,
                 r->err);
}

const char *jstr(const cJSON *j, const char *name)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(j, name);
    return cJSON_IsString(v) ? v->valuestring : NULL;
}

const cJSON *jget(const cJSON *j, const char *name)
{
    return cJSON_GetObjectItemCaseSensitive(j, name);
}

void write_config(const char *home)
{
    char path[400], text[1024];
    mkdir(home, 0700);
    snprintf(path, sizeof path, "%s/config.json", home);
    snprintf(text, sizeof text,
             "{\"service_url\": \"%s\", \"ca_bundle\": \"%s\", \"approval_ui\": \"console\","
             " \"log_level\": \"debug\"}\n",
             h_base_url(), h_sim_data()->tls_ca);
    spit(path, text);
}

const h_user *user1(void)
{
    const h_user *u = h_user_by_id("user1");
    assert_non_null(u);
    return u;
}

void set_browser(const char *consent)
{
    setenv("BROWSER", "bash " MGMT_BROWSER_SH, 1);
    setenv("MGMT_TEST_CA", h_sim_data()->tls_ca, 1);
    setenv("MGMT_TEST_USER", user1()->id, 1);
    setenv("MGMT_TEST_PASSWORD", user1()->password, 1);
    setenv("MGMT_TEST_CONSENT", consent, 1);
    setenv("MGMT_TEST_PAGE", g_page, 1);
    unsetenv("MGMT_TEST_HOSTILE");
    unlink(g_page);
}

int group_setup(void **state)
{
    if (h_group_setup(state) != 0)
        return -1;
    g_port = h_port();
    snprintf(g_tmp, sizeof g_tmp, "/tmp/crpki-mgmt-test.XXXXXX");
    if (!mkdtemp(g_tmp))
        return -1;
    snprintf(g_home, sizeof g_home, "%s/home", g_tmp);
    snprintf(g_page, sizeof g_page, "%s/page.html", g_tmp);
    write_config(g_home);
    setenv("CRPKI_HOME", g_home, 1);
    setenv("LANG", "C.UTF-8", 1);
    unsetenv("LC_ALL");
    unsetenv("LC_MESSAGES");
    unsetenv("https_proxy");
    unsetenv("HTTPS_PROXY");
    return 0;
}

int group_teardown(void **state)
{
    if (g_tmp[0] && !getenv("CRPKI_ITEST_KEEP")) {
        char cmd[400];
        snprintf(cmd, sizeof cmd, "rm -rf '%s'", g_tmp);
        if (system(cmd) != 0)
            fprintf(stderr, "could not remove %s\n", g_tmp);
    }
    return h_group_teardown(state);
}
