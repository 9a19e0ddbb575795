/* Integration test harness, see harness.h. */
#include "harness_internal.h"

#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <limits.h>
#include <netinet/in.h>
#include <arpa/inet.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/rand.h>
#include <openssl/rsa.h>
#include <openssl/x509_vfy.h>

#include "base/util/base64.h"

#ifndef RSSPD_EXE
#error "RSSPD_EXE (path of crpki-rsspd) must be defined by the build"
#endif
#ifndef RSSPD_FIXTURE_DIR
#error "RSSPD_FIXTURE_DIR must be defined by the build"
#endif

extern char **environ;

/* ------------------------------------------------------------------ */
/* process-wide state: one server, one directory, one CURL handle      */

harness_state H;

void *xmalloc(size_t n)
{
    void *p = malloc(n ? n : 1);
    if (!p) {
        fprintf(stderr, "harness: out of memory\n");
        abort();
    }
    return p;
}

char *xstrdup(const char *s)
{
    size_t n = strlen(s) + 1;
    char *p = xmalloc(n);
    memcpy(p, s, n);
    return p;
}

char *xasprintf(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(NULL, 0, fmt, ap);
    va_end(ap);
    char *p = xmalloc((size_t)n + 1);
    va_start(ap, fmt);
    vsnprintf(p, (size_t)n + 1, fmt, ap);
    va_end(ap);
    return p;
}

double h_now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

void h_sleep_ms(unsigned ms)
{
    struct timespec ts = {(time_t)(ms / 1000), (long)(ms % 1000) * 1000000L};
    while (nanosleep(&ts, &ts) != 0 && errno == EINTR)
        ;
}

void h_random(uint8_t *buf, size_t n)
{
    if (RAND_bytes(buf, (int)n) != 1) {
        fprintf(stderr, "harness: RAND_bytes failed\n");
        abort();
    }
}

static char *read_file(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    size_t cap = 4096, n = 0;
    char *buf = xmalloc(cap);
    size_t got;
    while ((got = fread(buf + n, 1, cap - n - 1, f)) > 0) {
        n += got;
        if (cap - n - 1 == 0) {
            cap *= 2;
            char *nb = realloc(buf, cap);
            if (!nb)
                abort();
            buf = nb;
        }
    }
    fclose(f);
    buf[n] = 0;
    if (len)
        *len = n;
    return buf;
}

static int write_file(const char *path, const char *data, size_t len)
{
    FILE *f = fopen(path, "wb");
    if (!f)
        return -1;
    size_t w = fwrite(data, 1, len, f);
    int rc = fclose(f);
    return (w == len && rc == 0) ? 0 : -1;
}

static void print_server_log(void)
{
    char *log = read_file(H.log, NULL);
    fprintf(stderr, "---- crpki-rsspd log (%s) ----\n%s\n---- end of log ----\n", H.log,
            log ? log : "(none)");
    free(log);
}

/* ------------------------------------------------------------------ */
/* child processes                                                     */

/* Spawns argv with stdin from /dev/null; out_fd/err_fd: -1 to inherit. */
static pid_t spawn(const char *const *argv, int out_fd, int err_fd, const char *log_path)
{
    posix_spawn_file_actions_t fa;
    posix_spawn_file_actions_init(&fa);
    posix_spawn_file_actions_addopen(&fa, 0, "/dev/null", O_RDONLY, 0);
    if (log_path) {
        posix_spawn_file_actions_addopen(&fa, 1, log_path, O_WRONLY | O_CREAT | O_APPEND, 0600);
        posix_spawn_file_actions_adddup2(&fa, 1, 2);
    } else {
        if (out_fd >= 0)
            posix_spawn_file_actions_adddup2(&fa, out_fd, 1);
        if (err_fd >= 0)
            posix_spawn_file_actions_adddup2(&fa, err_fd, 2);
    }
    pid_t pid = -1;
    int rc = posix_spawn(&pid, argv[0], &fa, NULL, (char *const *)argv, environ);
    posix_spawn_file_actions_destroy(&fa);
    if (rc != 0) {
        fprintf(stderr, "harness: posix_spawn %s: %s\n", argv[0], strerror(rc));
        return -1;
    }
    return pid;
}

/* waitpid with a deadline; returns the status, or -1 on timeout. */
static int wait_deadline(pid_t pid, double seconds)
{
    double end = h_now() + seconds;
    for (;;) {
        int st;
        pid_t r = waitpid(pid, &st, WNOHANG);
        if (r == pid)
            return st;
        if (r < 0 && errno != EINTR)
            return -1;
        if (h_now() > end)
            return -1;
        h_sleep_ms(10);
    }
}

/* Runs argv to completion (at most timeout_s), capturing stdout/stderr. */
static int run_capture(const char *const *argv, double timeout_s, h_cmd *c)
{
    memset(c, 0, sizeof *c);
    c->exit_code = -1;
    int po[2], pe[2];
    if (pipe(po) != 0)
        return -1;
    if (pipe(pe) != 0) {
        close(po[0]);
        close(po[1]);
        return -1;
    }
    pid_t pid = spawn(argv, po[1], pe[1], NULL);
    close(po[1]);
    close(pe[1]);
    if (pid < 0) {
        close(po[0]);
        close(pe[0]);
        return -1;
    }
    size_t cap[2] = {4096, 4096}, len[2] = {0, 0};
    char *buf[2] = {xmalloc(cap[0]), xmalloc(cap[1])};
    struct pollfd pfd[2] = {{po[0], POLLIN, 0}, {pe[0], POLLIN, 0}};
    int open_fds = 2;
    double end = h_now() + timeout_s;
    while (open_fds > 0) {
        int left = (int)((end - h_now()) * 1000);
        if (left <= 0)
            break;
        int n = poll(pfd, 2, left);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            break;
        for (int i = 0; i < 2; i++) {
            if (pfd[i].fd < 0 || !(pfd[i].revents & (POLLIN | POLLHUP | POLLERR)))
                continue;
            if (cap[i] - len[i] < 1024) {
                cap[i] *= 2;
                char *nb = realloc(buf[i], cap[i]);
                if (!nb)
                    abort();
                buf[i] = nb;
            }
            ssize_t r = read(pfd[i].fd, buf[i] + len[i], cap[i] - len[i] - 1);
            if (r > 0) {
                len[i] += (size_t)r;
            } else if (r == 0 || errno != EINTR) {
                close(pfd[i].fd);
                pfd[i].fd = -1;
                open_fds--;
            }
        }
    }
    for (int i = 0; i < 2; i++) {
        if (pfd[i].fd >= 0)
            close(pfd[i].fd);
        buf[i][len[i]] = 0;
    }
    c->out = buf[0];
    c->err = buf[1];
    int st = wait_deadline(pid, open_fds > 0 ? 0.5 : timeout_s);
    if (st == -1) {
        kill(pid, SIGKILL);
        waitpid(pid, &st, 0);
        fprintf(stderr, "harness: %s %s timed out\n", argv[0], argv[1] ? argv[1] : "");
        return -1;
    }
    c->exit_code = WIFEXITED(st) ? WEXITSTATUS(st) : -1;
    return 0;
}

void h_cmd_free(h_cmd *c)
{
    free(c->out);
    free(c->err);
    c->out = c->err = NULL;
}

int h_run(h_cmd *c, const char *const *args)
{
    const char *argv[32];
    size_t n = 0;
    argv[n++] = H.exe;
    for (size_t i = 0; args[i] && n < 31; i++)
        argv[n++] = args[i];
    argv[n] = NULL;
    return run_capture(argv, 30, c);
}

static int admin_code(const char *verb, const char *code)
{
    const char *args[] = {verb, "--dir", H.dir, "--code", code, NULL};
    h_cmd c;
    if (h_run(&c, args) != 0) {
        h_cmd_free(&c);
        return -1;
    }
    int rc = c.exit_code;
    if (rc != 0 && rc != 3)
        fprintf(stderr, "harness: crpki-rsspd %s --code %s exited %d: %s%s\n", verb, code, rc,
                c.out, c.err);
    h_cmd_free(&c);
    return rc;
}

int h_approve(const char *code)
{
    return admin_code("approve", code);
}

int h_deny(const char *code)
{
    return admin_code("deny", code);
}

static cJSON *admin_json(const char *verb)
{
    const char *args[] = {verb, "--dir", H.dir, "--json", NULL};
    h_cmd c;
    cJSON *j = NULL;
    if (h_run(&c, args) == 0 && c.exit_code == 0)
        j = cJSON_Parse(c.out);
    if (!j)
        fprintf(stderr, "harness: crpki-rsspd %s --json: exit %d, stdout:\n%s\nstderr:\n%s\n", verb,
                c.exit_code, c.out ? c.out : "", c.err ? c.err : "");
    h_cmd_free(&c);
    return j;
}

cJSON *h_audit_json(void)
{
    return admin_json("audit");
}

cJSON *h_pending_json(void)
{
    return admin_json("pending");
}

int h_json_records(const cJSON *j, const cJSON **array)
{
    const cJSON *a = NULL;
    if (cJSON_IsArray(j)) {
        a = j;
    } else if (cJSON_IsObject(j)) {
        const cJSON *m;
        cJSON_ArrayForEach(m, j)
        {
            if (cJSON_IsArray(m)) {
                a = m;
                break;
            }
        }
    }
    if (array)
        *array = a;
    return a ? cJSON_GetArraySize(a) : -1;
}

int h_json_has_string(const cJSON *j, const char *s)
{
    if (!j)
        return 0;
    if (cJSON_IsString(j))
        return strcmp(j->valuestring, s) == 0;
    const cJSON *m;
    if (cJSON_IsArray(j) || cJSON_IsObject(j)) {
        cJSON_ArrayForEach(m, j)
        {
            if (h_json_has_string(m, s))
                return 1;
        }
    }
    return 0;
}

/* ------------------------------------------------------------------ */
/* directories                                                         */

static int rm_cb(const char *path, const struct stat *sb, int flag, struct FTW *ftw)
{
    (void)sb;
    (void)flag;
    (void)ftw;
    return remove(path) != 0 && errno != ENOENT ? -1 : 0;
}

static void rm_tree(const char *path)
{
    if (path[0])
        nftw(path, rm_cb, 16, FTW_DEPTH | FTW_PHYS);
}

/* Rewrites every occurrence of from by to in path (used for the SoftHSM2
 * configuration, which names the token directory absolutely). */
static int replace_in_file(const char *path, const char *from, const char *to)
{
    size_t len;
    char *s = read_file(path, &len);
    if (!s)
        return 0;
    size_t fl = strlen(from), tl = strlen(to), count = 0;
    for (char *p = strstr(s, from); p; p = strstr(p + fl, from))
        count++;
    if (count == 0) {
        free(s);
        return 0;
    }
    char *out = xmalloc(len + count * tl + 1), *o = out;
    const char *p = s;
    for (const char *q = strstr(p, from); q; q = strstr(p, from)) {
        memcpy(o, p, (size_t)(q - p));
        o += q - p;
        memcpy(o, to, tl);
        o += tl;
        p = q + fl;
    }
    size_t rest = strlen(p);
    memcpy(o, p, rest);
    o += rest;
    int rc = write_file(path, out, (size_t)(o - out));
    free(out);
    free(s);
    return rc;
}

static void atexit_cleanup(void)
{
    if (H.pid > 0)
        h_server_stop();
    if (H.ready && getenv("CRPKI_ITEST_VERBOSE"))
        print_server_log();
    if (H.ready && !getenv("CRPKI_ITEST_KEEP"))
        rm_tree(H.top);
    else if (H.ready)
        fprintf(stderr, "harness: kept %s\n", H.top);
    H.ready = 0;
}

static void on_signal(int sig)
{
    pid_t p = H.pid;
    if (p > 0)
        kill(p, SIGKILL);
    signal(sig, SIG_DFL);
    raise(sig);
}

/* ------------------------------------------------------------------ */
/* sim.json                                                            */

static char *abs_path(const char *rel)
{
    if (!rel)
        return NULL;
    if (rel[0] == '/')
        return xstrdup(rel);
    return xasprintf("%s/%s", H.dir, rel);
}

static char *jdup(const cJSON *o, const char *name)
{
    const char *s = h_jstr(o, name);
    return s ? xstrdup(s) : NULL;
}

static int load_sim(void)
{
    char *path = xasprintf("%s/sim.json", H.dir);
    char *text = read_file(path, NULL);
    if (!text) {
        fprintf(stderr, "harness: cannot read %s\n", path);
        free(path);
        return -1;
    }
    free(path);
    cJSON *j = cJSON_Parse(text);
    free(text);
    if (!j) {
        fprintf(stderr, "harness: sim.json is not JSON\n");
        return -1;
    }
    H.sim_json = j;
    h_sim *s = &H.sim;
    s->client_id = jdup(j, "client_id");
    const cJSON *tls = cJSON_GetObjectItemCaseSensitive(j, "tls");
    char *ca = jdup(tls, "ca");
    s->tls_ca = abs_path(ca ? ca : "tls/ca.pem");
    free(ca);
    char *reg = jdup(j, "registrar_ca");
    s->registrar_ca = abs_path(reg ? reg : "pki/registrar-ca.pem");
    free(reg);
    const cJSON *users = cJSON_GetObjectItemCaseSensitive(j, "users"), *u;
    cJSON_ArrayForEach(u, users)
    {
        if (s->nusers == H_MAX_USERS)
            break;
        h_user *hu = &s->users[s->nusers++];
        hu->id = jdup(u, "id");
        hu->password = jdup(u, "password");
        hu->name = jdup(u, "name");
        hu->company = jdup(u, "company");
        hu->title = jdup(u, "title");
        const cJSON *creds = cJSON_GetObjectItemCaseSensitive(u, "credentials"), *c;
        cJSON_ArrayForEach(c, creds)
        {
            if (hu->ncreds == H_MAX_CREDS)
                break;
            h_cred *hc = &hu->creds[hu->ncreds++];
            hc->id = jdup(c, "id");
            const char *kt = h_jstr(c, "key_type");
            hc->key_type = kt && strcmp(kt, "EC") == 0 ? CRPKI_KEY_EC : CRPKI_KEY_RSA;
            hc->key_bits = (unsigned)h_jnum(c, "key_bits", 0);
            hc->curve = jdup(c, "curve");
            char *cert = jdup(c, "cert");
            hc->cert = abs_path(cert);
            free(cert);
        }
    }
    if (!s->client_id || s->nusers < 2) {
        fprintf(stderr, "harness: sim.json lacks client_id or users\n");
        return -1;
    }
    return 0;
}

const h_sim *h_sim_data(void)
{
    return &H.sim;
}

const h_user *h_user_by_id(const char *id)
{
    for (size_t i = 0; i < H.sim.nusers; i++)
        if (H.sim.users[i].id && strcmp(H.sim.users[i].id, id) == 0)
            return &H.sim.users[i];
    return NULL;
}

int h_server_pid(void)
{
    return (int)H.pid;
}

const char *h_dir(void)
{
    return H.dir;
}

int h_port(void)
{
    return H.port;
}

const char *h_base_url(void)
{
    return H.base_url;
}

const char *h_server_log(void)
{
    return H.log;
}

CURL *h_curl(void)
{
    return H.curl;
}

/* ------------------------------------------------------------------ */
/* lifecycle                                                           */

int h_env_init(void)
{
    if (H.ready)
        return 0;
    H.exe = getenv("CRPKI_RSSPD") ? getenv("CRPKI_RSSPD") : RSSPD_EXE;
    const char *fixture =
        getenv("CRPKI_RSSPD_FIXTURE") ? getenv("CRPKI_RSSPD_FIXTURE") : RSSPD_FIXTURE_DIR;
    char fixture_abs[PATH_MAX];
    if (!realpath(fixture, fixture_abs)) {
        fprintf(stderr, "harness: fixture %s missing (run the rsspd_fixture_init test)\n", fixture);
        return -1;
    }
    char sim[PATH_MAX + 16];
    snprintf(sim, sizeof sim, "%s/sim.json", fixture_abs);
    if (access(sim, R_OK) != 0) {
        fprintf(stderr, "harness: %s missing (run the rsspd_fixture_init test)\n", sim);
        return -1;
    }
    const char *tmp = getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp";
    snprintf(H.top, sizeof H.top, "%s/crpki-itest-XXXXXX", tmp);
    if (!mkdtemp(H.top)) {
        fprintf(stderr, "harness: mkdtemp: %s\n", strerror(errno));
        return -1;
    }
    H.ready = 1;
    atexit(atexit_cleanup);
    signal(SIGINT, on_signal);
    signal(SIGTERM, on_signal);
    signal(SIGPIPE, SIG_IGN);
    snprintf(H.dir, sizeof H.dir, "%s/data", H.top);
    snprintf(H.log, sizeof H.log, "%s/serve.log", H.top);

    /* cp -a FIXTURE/. DIR: no shell, paths passed as arguments. */
    if (mkdir(H.dir, 0700) != 0)
        return -1;
    char src[PATH_MAX + 4];
    snprintf(src, sizeof src, "%s/.", fixture_abs);
    const char *cp[] = {"/bin/cp", "-a", "--", src, H.dir, NULL};
    h_cmd c;
    if (run_capture(cp, 60, &c) != 0 || c.exit_code != 0) {
        fprintf(stderr, "harness: cp -a failed: %s\n", c.err ? c.err : "");
        h_cmd_free(&c);
        return -1;
    }
    h_cmd_free(&c);
    /* A copy must not share state with the fixture. */
    char p[PATH_MAX + 32];
    const char *stale[] = {"state.db", "state.db-wal", "state.db-shm", "port"};
    for (size_t i = 0; i < sizeof stale / sizeof stale[0]; i++) {
        snprintf(p, sizeof p, "%s/%s", H.dir, stale[i]);
        unlink(p);
    }
    snprintf(p, sizeof p, "%s/softhsm2.conf", H.dir);
    replace_in_file(p, fixture_abs, H.dir);
    if (fixture[0] == '/' && strcmp(fixture, fixture_abs) != 0)
        replace_in_file(p, fixture, H.dir);

    if (load_sim() != 0)
        return -1;
    curl_global_init(CURL_GLOBAL_DEFAULT);
    H.curl = curl_easy_init();
    return H.curl ? 0 : -1;
}

static int read_port(void)
{
    char path[PATH_MAX + 8];
    snprintf(path, sizeof path, "%s/port", H.dir);
    char *s = read_file(path, NULL);
    if (!s)
        return 0;
    char *end;
    long port = strtol(s, &end, 10);
    int ok = end != s && port > 0 && port < 65536;
    free(s);
    if (!ok)
        return 0;
    /* the file may be half written: make sure something listens */
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    if (fd < 0)
        return 0;
    struct sockaddr_in sa;
    memset(&sa, 0, sizeof sa);
    sa.sin_family = AF_INET;
    sa.sin_port = htons((uint16_t)port);
    sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    int rc = connect(fd, (struct sockaddr *)&sa, sizeof sa);
    close(fd);
    return rc == 0 ? (int)port : 0;
}

/* Starts the server listening on listen ("127.0.0.1:PORT"). */
static int server_start_on(const char *listen, const char *const *extra)
{
    if (H.pid > 0)
        h_server_stop();
    char port_path[PATH_MAX + 8];
    snprintf(port_path, sizeof port_path, "%s/port", H.dir);
    unlink(port_path);
    const char *argv[48];
    size_t n = 0;
    argv[n++] = H.exe;
    argv[n++] = "serve";
    argv[n++] = "--dir";
    argv[n++] = H.dir;
    argv[n++] = "--listen";
    argv[n++] = listen;
    for (size_t i = 0; extra && extra[i] && n < 47; i++)
        argv[n++] = extra[i];
    argv[n] = NULL;
    FILE *lf = fopen(H.log, "a");
    if (lf) {
        fprintf(lf, "==== harness: starting");
        for (size_t i = 1; i < n; i++)
            fprintf(lf, " %s", argv[i]);
        fprintf(lf, "\n");
        fclose(lf);
    }
    pid_t pid = spawn(argv, -1, -1, H.log);
    if (pid < 0)
        return -1;
    H.pid = pid;
    double end = h_now() + 15;
    int port = 0;
    while (h_now() < end) {
        int st;
        if (waitpid(pid, &st, WNOHANG) == pid) {
            H.pid = 0;
            fprintf(stderr, "harness: crpki-rsspd serve exited (status 0x%x) before listening\n",
                    st);
            print_server_log();
            return -1;
        }
        if ((port = read_port()) > 0)
            break;
        h_sleep_ms(20);
    }
    if (port <= 0) {
        fprintf(stderr, "harness: %s/port did not appear within 15 s\n", H.dir);
        h_server_stop();
        print_server_log();
        return -1;
    }
    H.port = port;
    snprintf(H.base_url, sizeof H.base_url, "https://localhost:%d", port);
    /* localhost -> 127.0.0.1 only (the server listens on IPv4), the
     * certificate is still checked against the name localhost. */
    if (H.resolve)
        curl_slist_free_all(H.resolve);
    char res[64];
    snprintf(res, sizeof res, "localhost:%d:127.0.0.1", port);
    H.resolve = curl_slist_append(NULL, res);
    return 0;
}

int h_server_start(const char *const *extra)
{
    return server_start_on("127.0.0.1:0", extra);
}

int h_server_start_on_port(int port, const char *const *extra)
{
    if (port <= 0 || port > 65535)
        return -1;
    char listen[32];
    snprintf(listen, sizeof listen, "127.0.0.1:%d", port);
    /* The port was ours a moment ago (SO_REUSEADDR on the server); another
     * process could still take it in between: try a few times. */
    for (int attempt = 0; attempt < 5; attempt++) {
        if (server_start_on(listen, extra) == 0)
            return 0;
        h_sleep_ms(200);
    }
    return -1;
}

int h_server_restart_same_port(const char *const *extra)
{
    int port = H.port;
    if (port <= 0)
        return -1;
    h_server_stop();
    return h_server_start_on_port(port, extra);
}

int h_server_stop(void)
{
    pid_t pid = H.pid;
    if (pid <= 0)
        return -1;
    kill(pid, SIGTERM);
    int st = wait_deadline(pid, 5);
    if (st == -1) {
        fprintf(stderr, "harness: crpki-rsspd did not stop within 5 s of SIGTERM, killing\n");
        kill(pid, SIGKILL);
        waitpid(pid, &st, 0);
        st = -2;
    }
    H.pid = 0;
    H.port = 0;
    /* a new server gets a new port: drop pooled connections */
    if (H.curl) {
        curl_easy_cleanup(H.curl);
        H.curl = curl_easy_init();
    }
    return st;
}

int h_server_restart(const char *const *extra)
{
    h_server_stop();
    return h_server_start(extra);
}

int h_group_setup(void **state)
{
    (void)state;
    if (h_env_init() != 0)
        return -1;
    return h_server_start(NULL);
}

int h_group_teardown(void **state)
{
    (void)state;
    atexit_cleanup();
    return 0;
}
