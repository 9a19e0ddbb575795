/* Integration test harness, see harness.h. */
#include "harness.h"

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

static struct {
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
} H;

static void *xmalloc(size_t n)
{
    void *p = malloc(n ? n : 1);
    if (!p) {
        fprintf(stderr, "harness: out of memory\n");
        abort();
    }
    return p;
}

static char *xstrdup(const char *s)
{
    size_t n = strlen(s) + 1;
    char *p = xmalloc(n);
    memcpy(p, s, n);
    return p;
}

static char *xasprintf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static char *xasprintf(const char *fmt, ...)
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

/* ------------------------------------------------------------------ */
/* HTTPS client                                                        */

/* Other threads get a handle of their own (h_thread_done frees it). */
static _Thread_local CURL *t_curl;
static _Thread_local int t_is_other;

static CURL *thread_curl(void)
{
    if (!t_is_other && H.curl)
        return H.curl;
    t_is_other = 1;
    if (!t_curl)
        t_curl = curl_easy_init();
    return t_curl;
}

void h_thread_begin(void)
{
    t_is_other = 1;
}

void h_thread_done(void)
{
    if (t_curl)
        curl_easy_cleanup(t_curl);
    t_curl = NULL;
}

typedef struct {
    char *buf;
    size_t len, cap;
} membuf;

static size_t write_cb(char *p, size_t sz, size_t nm, void *ud)
{
    membuf *m = ud;
    size_t n = sz * nm;
    if (m->len + n + 1 > m->cap) {
        size_t cap = m->cap ? m->cap : 4096;
        while (cap < m->len + n + 1)
            cap *= 2;
        char *nb = realloc(m->buf, cap);
        if (!nb)
            return 0;
        m->buf = nb;
        m->cap = cap;
    }
    memcpy(m->buf + m->len, p, n);
    m->len += n;
    m->buf[m->len] = 0;
    return n;
}

static char *header_value(const char *line, size_t n, const char *name)
{
    size_t nl = strlen(name);
    if (n <= nl + 1 || strncasecmp(line, name, nl) != 0 || line[nl] != ':')
        return NULL;
    const char *v = line + nl + 1, *e = line + n;
    while (v < e && (*v == ' ' || *v == '\t'))
        v++;
    while (e > v && (e[-1] == '\r' || e[-1] == '\n' || e[-1] == ' '))
        e--;
    char *out = xmalloc((size_t)(e - v) + 1);
    memcpy(out, v, (size_t)(e - v));
    out[e - v] = 0;
    return out;
}

static size_t header_cb(char *p, size_t sz, size_t nm, void *ud)
{
    h_resp *r = ud;
    size_t n = sz * nm;
    if (n >= 5 && strncmp(p, "HTTP/", 5) == 0) {
        /* a new response (e.g. after 100 Continue): forget the old headers */
        char **all[] = {&r->location,      &r->retry_after,  &r->www_authenticate,
                        &r->cache_control, &r->content_type, &r->allow};
        for (size_t i = 0; i < 6; i++) {
            free(*all[i]);
            *all[i] = NULL;
        }
        return n;
    }
    static const char *const names[] = {"Location",      "Retry-After",  "WWW-Authenticate",
                                        "Cache-Control", "Content-Type", "Allow"};
    char **slots[] = {&r->location,      &r->retry_after,  &r->www_authenticate,
                      &r->cache_control, &r->content_type, &r->allow};
    for (size_t i = 0; i < 6; i++) {
        char *v = header_value(p, n, names[i]);
        if (v) {
            free(*slots[i]);
            *slots[i] = v;
        }
    }
    return n;
}

void h_resp_free(h_resp *r)
{
    free(r->body);
    cJSON_Delete(r->json);
    free(r->location);
    free(r->retry_after);
    free(r->www_authenticate);
    free(r->cache_control);
    free(r->content_type);
    free(r->allow);
    memset(r, 0, sizeof *r);
}

void h_request(const char *method, const char *path, const char *content_type, const void *body,
               size_t body_len, const char *bearer, h_resp *r)
{
    char *auth = bearer ? xasprintf("Bearer %s", bearer) : NULL;
    h_request_auth(method, path, content_type, body, body_len, auth, r);
    free(auth);
}

void h_request_auth(const char *method, const char *path, const char *content_type,
                    const void *body, size_t body_len, const char *authorization, h_resp *r)
{
    memset(r, 0, sizeof *r);
    snprintf(r->what, sizeof r->what, "%s %.140s", method, path);
    CURL *c = thread_curl();
    curl_easy_reset(c);
    char *url = xasprintf("%s%s", H.base_url, path);
    membuf mb = {0};
    struct curl_slist *hdrs = NULL;
    if (content_type) {
        char *h = xasprintf("Content-Type: %s", content_type);
        hdrs = curl_slist_append(hdrs, h);
        free(h);
    } else {
        /* no Content-Type at all (curl would add a form type to a POST) */
        hdrs = curl_slist_append(hdrs, "Content-Type:");
    }
    if (authorization) {
        char *h = xasprintf("Authorization: %s", authorization);
        hdrs = curl_slist_append(hdrs, h);
        free(h);
    }
    curl_easy_setopt(c, CURLOPT_URL, url);
    curl_easy_setopt(c, CURLOPT_RESOLVE, H.resolve);
    curl_easy_setopt(c, CURLOPT_CAINFO, H.sim.tls_ca);
    curl_easy_setopt(c, CURLOPT_SSL_VERIFYPEER, 1L);
    curl_easy_setopt(c, CURLOPT_SSL_VERIFYHOST, 2L);
    curl_easy_setopt(c, CURLOPT_FOLLOWLOCATION, 0L);
    curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT, 10L);
    curl_easy_setopt(c, CURLOPT_TIMEOUT, 60L);
    curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, write_cb);
    curl_easy_setopt(c, CURLOPT_WRITEDATA, &mb);
    curl_easy_setopt(c, CURLOPT_HEADERFUNCTION, header_cb);
    curl_easy_setopt(c, CURLOPT_HEADERDATA, r);
    if (strcmp(method, "GET") == 0) {
        curl_easy_setopt(c, CURLOPT_HTTPGET, 1L);
    } else if (strcmp(method, "POST") == 0) {
        curl_easy_setopt(c, CURLOPT_POST, 1L);
        curl_easy_setopt(c, CURLOPT_POSTFIELDS, body ? body : "");
        curl_easy_setopt(c, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)(body ? body_len : 0));
    } else {
        curl_easy_setopt(c, CURLOPT_CUSTOMREQUEST, method);
        if (body) {
            curl_easy_setopt(c, CURLOPT_POSTFIELDS, body);
            curl_easy_setopt(c, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)body_len);
        }
    }
    curl_easy_setopt(c, CURLOPT_HTTPHEADER, hdrs);
    double t0 = h_now();
    r->cc = curl_easy_perform(c);
    r->elapsed_s = h_now() - t0;
    if (r->cc == CURLE_OK)
        curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &r->status);
    r->body = mb.buf ? mb.buf : xstrdup("");
    r->body_len = mb.len;
    if (r->body_len)
        r->json = cJSON_ParseWithLength(r->body, r->body_len);
    /* the handle keeps pointers to these until the next reset */
    curl_easy_setopt(c, CURLOPT_HTTPHEADER, NULL);
    curl_easy_setopt(c, CURLOPT_POSTFIELDS, NULL);
    curl_slist_free_all(hdrs);
    free(url);
}

void h_post_json(const char *path, const char *json, const char *bearer, h_resp *r)
{
    h_request("POST", path, "application/json; charset=utf-8", json, strlen(json), bearer, r);
}

void h_post_cjson(const char *path, cJSON *j, const char *bearer, h_resp *r)
{
    char *s = cJSON_PrintUnformatted(j);
    cJSON_Delete(j);
    h_post_json(path, s, bearer, r);
    free(s);
}

void h_post_form(const char *path, const char *form, const char *bearer, h_resp *r)
{
    h_request("POST", path, "application/x-www-form-urlencoded", form, strlen(form), bearer, r);
}

void h_get(const char *path_and_query, const char *bearer, h_resp *r)
{
    h_request("GET", path_and_query, NULL, NULL, 0, bearer, r);
}

char *h_urlencode(const char *s)
{
    char *e = curl_easy_escape(NULL, s, 0);
    char *out = xstrdup(e);
    curl_free(e);
    return out;
}

char *h_query_param(const char *url, const char *name)
{
    const char *q = strchr(url, '?');
    if (!q)
        return NULL;
    q++;
    size_t nl = strlen(name);
    while (*q) {
        const char *amp = strchr(q, '&');
        size_t seg = amp ? (size_t)(amp - q) : strlen(q);
        if (seg > nl && strncmp(q, name, nl) == 0 && q[nl] == '=') {
            int outlen = 0;
            char *tmp = xmalloc(seg - nl);
            memcpy(tmp, q + nl + 1, seg - nl - 1);
            tmp[seg - nl - 1] = 0;
            for (char *p = tmp; *p; p++)
                if (*p == '+')
                    *p = ' ';
            char *d = curl_easy_unescape(NULL, tmp, 0, &outlen);
            free(tmp);
            char *out = xstrdup(d ? d : "");
            curl_free(d);
            return out;
        }
        if (!amp)
            break;
        q = amp + 1;
    }
    return NULL;
}

const char *h_jstr(const cJSON *j, const char *name)
{
    const cJSON *m = cJSON_GetObjectItemCaseSensitive(j, name);
    return cJSON_IsString(m) ? m->valuestring : NULL;
}

double h_jnum(const cJSON *j, const char *name, double dflt)
{
    const cJSON *m = cJSON_GetObjectItemCaseSensitive(j, name);
    return cJSON_IsNumber(m) ? m->valuedouble : dflt;
}

static void describe(const h_resp *r, const char *want, const char *file, int line)
{
    if (r->cc != CURLE_OK)
        print_error("%s:%d: %s: want %s, got transport error %d (%s)\n", file, line, r->what, want,
                    (int)r->cc, curl_easy_strerror(r->cc));
    else
        print_error("%s:%d: %s: want %s, got HTTP %ld body: %.600s\n", file, line, r->what, want,
                    r->status, r->body ? r->body : "");
}

void h_expect_status(const h_resp *r, long status, const char *file, int line)
{
    if (r->cc != CURLE_OK || r->status != status) {
        char want[32];
        snprintf(want, sizeof want, "HTTP %ld", status);
        describe(r, want, file, line);
        _fail(file, line);
    }
    if (r->json && status < 300 && cJSON_GetObjectItemCaseSensitive(r->json, "error")) {
        describe(r, "a success body without \"error\"", file, line);
        _fail(file, line);
    }
}

void h_expect_error(const h_resp *r, long status, const char *error, const char *file, int line)
{
    const char *got = r->json ? h_jstr(r->json, "error") : NULL;
    const char *desc = r->json ? h_jstr(r->json, "error_description") : NULL;
    if (r->cc != CURLE_OK || r->status != status || !got || strcmp(got, error) != 0 || !desc) {
        char want[96];
        snprintf(want, sizeof want, "HTTP %ld {error:%s, error_description}", status, error);
        describe(r, want, file, line);
        _fail(file, line);
    }
}

/* ------------------------------------------------------------------ */
/* OAuth                                                               */

void h_tokens_free(h_tokens *t)
{
    free(t->access);
    free(t->refresh);
    memset(t, 0, sizeof *t);
}

void h_pkce_new(h_pkce *p)
{
    uint8_t rnd[32], dig[32], st[16];
    memset(p, 0, sizeof *p);
    h_random(rnd, sizeof rnd);
    base64url_encode(rnd, sizeof rnd, p->verifier, sizeof p->verifier);
    EVP_Digest(p->verifier, strlen(p->verifier), dig, NULL, EVP_sha256(), NULL);
    base64url_encode(dig, sizeof dig, p->challenge, sizeof p->challenge);
    h_random(st, sizeof st);
    base64url_encode(st, sizeof st, p->state, sizeof p->state);
    snprintf(p->redirect_uri, sizeof p->redirect_uri, "http://127.0.0.1:%d/callback",
             40000 + (int)(rnd[0] % 200));
}

char *h_authorize_query(const h_pkce *p)
{
    char *ru = h_urlencode(p->redirect_uri), *st = h_urlencode(p->state);
    char *cid = h_urlencode(H.sim.client_id);
    char *q = xasprintf("response_type=code&client_id=%s&redirect_uri=%s&code_challenge=%s"
                        "&code_challenge_method=S256&state=%s&scope=service",
                        cid, ru, p->challenge, st);
    free(ru);
    free(st);
    free(cid);
    return q;
}

void h_login_form(const h_pkce *p, const char *user, const char *password, const char *consent,
                  h_resp *r)
{
    char *q = h_authorize_query(p);
    char *path = xasprintf("/oauth2/authorize?%s", q);
    h_get(path, NULL, r);
    free(path);
    if (r->cc != CURLE_OK || r->status != 200) {
        free(q);
        return; /* the caller sees the GET's failure */
    }
    h_resp_free(r);
    char *u = h_urlencode(user), *pw = h_urlencode(password), *co = h_urlencode(consent);
    char *form = xasprintf("%s&username=%s&password=%s&consent=%s", q, u, pw, co);
    h_post_form("/oauth2/authorize", form, NULL, r);
    free(form);
    free(u);
    free(pw);
    free(co);
    free(q);
}

char *h_login_code_ok(const char *user, h_pkce *p)
{
    const h_user *u = h_user_by_id(user);
    assert_non_null(u);
    h_pkce_new(p);
    h_resp r;
    h_login_form(p, u->id, u->password, "approve", &r);
    H_EXPECT_STATUS(&r, 302);
    assert_non_null(r.location);
    if (strncmp(r.location, p->redirect_uri, strlen(p->redirect_uri)) != 0)
        fail_msg("Location %s does not start with the redirect_uri %s", r.location,
                 p->redirect_uri);
    char *state = h_query_param(r.location, "state");
    char *code = h_query_param(r.location, "code");
    if (!state || strcmp(state, p->state) != 0)
        fail_msg("state not echoed: Location %s", r.location);
    if (!code || !code[0])
        fail_msg("no code in Location %s", r.location);
    free(state);
    h_resp_free(&r);
    return code;
}

void h_token_exchange(const char *code, const char *redirect_uri, const char *verifier, h_resp *r)
{
    char *c = h_urlencode(code), *ru = h_urlencode(redirect_uri), *v = h_urlencode(verifier);
    char *cid = h_urlencode(H.sim.client_id);
    char *form = xasprintf("grant_type=authorization_code&code=%s&redirect_uri=%s&client_id=%s"
                           "&code_verifier=%s",
                           c, ru, cid, v);
    h_post_form("/oauth2/token", form, NULL, r);
    free(form);
    free(c);
    free(ru);
    free(v);
    free(cid);
}

void h_refresh(const char *refresh_token, h_resp *r)
{
    char *t = h_urlencode(refresh_token), *cid = h_urlencode(H.sim.client_id);
    char *form = xasprintf("grant_type=refresh_token&refresh_token=%s&client_id=%s", t, cid);
    h_post_form("/oauth2/token", form, NULL, r);
    free(form);
    free(t);
    free(cid);
}

void h_tokens_from(const h_resp *r, h_tokens *t)
{
    H_EXPECT_STATUS(r, 200);
    assert_non_null(r->json);
    const char *at = h_jstr(r->json, "access_token"), *rt = h_jstr(r->json, "refresh_token");
    const char *tt = h_jstr(r->json, "token_type");
    if (!at || !rt || !tt || strcmp(tt, "Bearer") != 0)
        fail_msg("token response lacks access_token/refresh_token/Bearer: %s", r->body);
    memset(t, 0, sizeof *t);
    t->access = xstrdup(at);
    t->refresh = xstrdup(rt);
    t->expires_in = (long)h_jnum(r->json, "expires_in", -1);
}

void h_login_ok(const char *user, h_tokens *t)
{
    h_pkce p;
    char *code = h_login_code_ok(user, &p);
    h_resp r;
    h_token_exchange(code, p.redirect_uri, p.verifier, &r);
    h_tokens_from(&r, t);
    h_resp_free(&r);
    free(code);
}

/* ------------------------------------------------------------------ */
/* signing                                                             */

void h_approval_free(h_approval *a)
{
    free(a->handle);
    free(a->code);
    memset(a, 0, sizeof *a);
}

cJSON *h_hashes_json(const uint8_t *hashes, size_t n, size_t len)
{
    cJSON *a = cJSON_CreateArray();
    for (size_t i = 0; i < n; i++) {
        char *b = base64_encode_alloc(hashes + i * len, len);
        cJSON_AddItemToArray(a, cJSON_CreateString(b));
        free(b);
    }
    return a;
}

void h_authorize(const char *bearer, const char *cred, const char *hash_oid, const uint8_t *hashes,
                 size_t n, size_t len, h_resp *r)
{
    cJSON *j = cJSON_CreateObject();
    cJSON_AddStringToObject(j, "credentialID", cred);
    cJSON_AddNumberToObject(j, "numSignatures", (double)n);
    cJSON_AddItemToObject(j, "hashes", h_hashes_json(hashes, n, len));
    cJSON_AddStringToObject(j, "hashAlgorithmOID", hash_oid);
    cJSON_AddStringToObject(j, "description", "統合テスト: 登記申請書.pdf");
    cJSON *ad = cJSON_AddArrayToObject(j, "authData");
    cJSON *g = cJSON_CreateObject();
    cJSON_AddStringToObject(g, "id", "gbizid_app");
    cJSON_AddItemToArray(ad, g);
    h_post_cjson("/csc/v2/credentials/authorize", j, bearer, r);
}

static int is_4_digits(const char *s)
{
    if (!s || strlen(s) != 4)
        return 0;
    for (int i = 0; i < 4; i++)
        if (s[i] < '0' || s[i] > '9')
            return 0;
    return 1;
}

void h_authorize_ok(const char *bearer, const char *cred, const char *hash_oid,
                    const uint8_t *hashes, size_t n, size_t len, h_approval *a)
{
    h_resp r;
    h_authorize(bearer, cred, hash_oid, hashes, n, len, &r);
    H_EXPECT_STATUS(&r, 202);
    const char *handle = h_jstr(r.json, "handle"), *code = h_jstr(r.json, "approvalCode");
    if (!handle || !handle[0] || !is_4_digits(code))
        fail_msg("authorize: want {handle, approvalCode: 4 digits}, got %s", r.body);
    memset(a, 0, sizeof *a);
    a->handle = xstrdup(handle);
    a->code = xstrdup(code);
    a->expires_in = (long)h_jnum(r.json, "expiresIn", -1);
    a->interval = (long)h_jnum(r.json, "interval", -1);
    h_resp_free(&r);
}

void h_check(const char *bearer, const char *handle, int wait, h_resp *r)
{
    cJSON *j = cJSON_CreateObject();
    cJSON_AddStringToObject(j, "handle", handle);
    cJSON_AddNumberToObject(j, "wait", wait);
    h_post_cjson("/csc/v2/credentials/authorizeCheck", j, bearer, r);
}

char *h_wait_sad_ok(const char *bearer, const char *handle)
{
    double end = h_now() + 20;
    while (h_now() < end) {
        h_resp r;
        h_check(bearer, handle, 5, &r);
        if (r.cc == CURLE_OK && r.status == 202) {
            h_resp_free(&r);
            continue;
        }
        H_EXPECT_STATUS(&r, 200);
        const char *sad = h_jstr(r.json, "SAD"), *st = h_jstr(r.json, "status");
        if (!sad || !sad[0] || !st || strcmp(st, "approved") != 0)
            fail_msg("authorizeCheck: want {status: approved, SAD}, got %s", r.body);
        char *out = xstrdup(sad);
        h_resp_free(&r);
        return out;
    }
    fail_msg("authorizeCheck: still pending after 20 s");
    return NULL;
}

void h_sign_hash(const char *bearer, const char *cred, const char *sad, const char *hash_oid,
                 const uint8_t *hashes, size_t n, size_t len, const char *sign_algo,
                 const char *params_b64, h_resp *r)
{
    cJSON *j = cJSON_CreateObject();
    cJSON_AddStringToObject(j, "credentialID", cred);
    cJSON_AddStringToObject(j, "SAD", sad);
    cJSON_AddItemToObject(j, "hashes", h_hashes_json(hashes, n, len));
    if (hash_oid)
        cJSON_AddStringToObject(j, "hashAlgorithmOID", hash_oid);
    cJSON_AddStringToObject(j, "signAlgo", sign_algo);
    if (params_b64)
        cJSON_AddStringToObject(j, "signAlgoParams", params_b64);
    h_post_cjson("/csc/v2/signatures/signHash", j, bearer, r);
}

void h_resp_signatures_ok(const h_resp *r, size_t n, uint8_t **sigs, size_t *lens)
{
    H_EXPECT_STATUS(r, 200);
    const cJSON *arr = cJSON_GetObjectItemCaseSensitive(r->json, "signatures");
    if (!cJSON_IsArray(arr) || (size_t)cJSON_GetArraySize(arr) != n)
        fail_msg("signHash: want %zu signatures, got %s", n, r->body);
    for (size_t i = 0; i < n; i++) {
        const cJSON *s = cJSON_GetArrayItem(arr, (int)i);
        if (!cJSON_IsString(s))
            fail_msg("signHash: signature %zu is not a string", i);
        size_t sl = strlen(s->valuestring);
        sigs[i] = xmalloc(base64_decoded_max(sl) + 1);
        if (base64_decode(s->valuestring, sl, sigs[i], base64_decoded_max(sl) + 1, &lens[i]) != 0)
            fail_msg("signHash: signature %zu is not strict base64: %s", i, s->valuestring);
    }
}

/* DER helpers for RSASSA-PSS-params */
static size_t der_hdr(uint8_t *out, uint8_t tag, size_t len)
{
    out[0] = tag;
    if (len < 128) {
        out[1] = (uint8_t)len;
        return 2;
    }
    out[1] = 0x81;
    out[2] = (uint8_t)len;
    return 3;
}

char *h_pss_params_b64(alg_hash_id hash, unsigned salt)
{
    const alg_hash_info *h = alg_hash_by_id(hash);
    if (!h)
        return NULL;
    /* AlgorithmIdentifier of the hash = DigestInfo prefix minus its SEQUENCE
     * header (2 bytes) and the OCTET STRING header (2 bytes). */
    const uint8_t *alg = h->digestinfo_prefix + 2;
    size_t alg_len = h->digestinfo_prefix_len - 4;
    static const uint8_t mgf1_oid[] = {0x06, 0x09, 0x2a, 0x86, 0x48, 0x86,
                                       0xf7, 0x0d, 0x01, 0x01, 0x08};
    uint8_t inner[128], der[160];
    size_t n = 0;
    /* DER: members equal to their DEFAULT (sha1, mgf1SHA1, 20) are omitted */
    if (hash != CRPKI_HASH_SHA1) {
        n += der_hdr(inner + n, 0xa0, alg_len);
        memcpy(inner + n, alg, alg_len);
        n += alg_len;
        size_t mgf_seq = sizeof mgf1_oid + alg_len;
        n += der_hdr(inner + n, 0xa1, mgf_seq + 2);
        n += der_hdr(inner + n, 0x30, mgf_seq);
        memcpy(inner + n, mgf1_oid, sizeof mgf1_oid);
        n += sizeof mgf1_oid;
        memcpy(inner + n, alg, alg_len);
        n += alg_len;
    }
    if (salt != 20) {
        n += der_hdr(inner + n, 0xa2, 3);
        inner[n++] = 0x02;
        inner[n++] = 0x01;
        inner[n++] = (uint8_t)salt; /* salts here are < 128 */
    }
    size_t d = der_hdr(der, 0x30, n);
    memcpy(der + d, inner, n);
    return base64_encode_alloc(der, d + n);
}

void h_sign_flow_ok(const char *bearer, const char *cred, alg_hash_id hash, const char *sign_algo,
                    const char *params_b64, const uint8_t *hashes, size_t n, uint8_t **sigs,
                    size_t *lens, char **handle_out)
{
    const alg_hash_info *h = alg_hash_by_id(hash);
    assert_non_null(h);
    h_approval a;
    h_authorize_ok(bearer, cred, h->oid, hashes, n, h->len, &a);
    int rc = h_approve(a.code);
    if (rc != 0)
        fail_msg("crpki-rsspd approve --code %s exited %d, want 0", a.code, rc);
    char *sad = h_wait_sad_ok(bearer, a.handle);
    h_resp r;
    h_sign_hash(bearer, cred, sad, h->oid, hashes, n, h->len, sign_algo, params_b64, &r);
    h_resp_signatures_ok(&r, n, sigs, lens);
    h_resp_free(&r);
    free(sad);
    if (handle_out)
        *handle_out = xstrdup(a.handle);
    h_approval_free(&a);
}

/* ------------------------------------------------------------------ */
/* verification                                                        */

X509 *h_load_pem_cert(const char *path)
{
    FILE *f = fopen(path, "r");
    if (!f)
        return NULL;
    X509 *x = PEM_read_X509(f, NULL, NULL, NULL);
    fclose(f);
    return x;
}

X509 *h_der_cert(const char *b64)
{
    size_t sl = strlen(b64), dl = 0;
    uint8_t *der = xmalloc(base64_decoded_max(sl) + 1);
    if (base64_decode(b64, sl, der, base64_decoded_max(sl) + 1, &dl) != 0) {
        free(der);
        return NULL;
    }
    const unsigned char *p = der;
    X509 *x = d2i_X509(NULL, &p, (long)dl);
    if (x && p != der + dl) {
        X509_free(x);
        x = NULL;
    }
    free(der);
    return x;
}

X509 *h_cred_cert_ok(const char *bearer, const h_cred *cred)
{
    cJSON *j = cJSON_CreateObject();
    cJSON_AddStringToObject(j, "credentialID", cred->id);
    cJSON_AddStringToObject(j, "certificates", "single");
    h_resp r;
    h_post_cjson("/csc/v2/credentials/info", j, bearer, &r);
    H_EXPECT_STATUS(&r, 200);
    const cJSON *cert = cJSON_GetObjectItemCaseSensitive(r.json, "cert");
    const cJSON *certs = cJSON_GetObjectItemCaseSensitive(cert, "certificates");
    const cJSON *c0 = cJSON_GetArrayItem(certs, 0);
    if (!cJSON_IsString(c0))
        fail_msg("credentials/info: no cert.certificates[0]: %s", r.body);
    X509 *x = h_der_cert(c0->valuestring);
    if (!x)
        fail_msg("credentials/info: cert.certificates[0] is not base64 DER X.509");
    h_resp_free(&r);
    X509 *pem = h_load_pem_cert(cred->cert);
    if (!pem)
        fail_msg("cannot read %s listed in sim.json", cred->cert);
    if (X509_cmp(x, pem) != 0)
        fail_msg("credentials/info certificate differs from %s", cred->cert);
    X509_free(pem);
    return x;
}

int h_verify_sig(X509 *cert, alg_sig_scheme scheme, alg_hash_id hash, unsigned pss_salt,
                 const uint8_t *hash_val, size_t hash_len, const uint8_t *sig, size_t sig_len)
{
    const alg_hash_info *h = alg_hash_by_id(hash);
    EVP_PKEY *pk = X509_get0_pubkey(cert);
    if (!h || !pk)
        return 0;
    const EVP_MD *md = EVP_get_digestbyname(h->name);
    EVP_PKEY_CTX *ctx = EVP_PKEY_CTX_new(pk, NULL);
    int ok = ctx && md && EVP_PKEY_verify_init(ctx) == 1;
    if (ok && scheme == CRPKI_PAD_PKCS1) {
        ok = EVP_PKEY_get_base_id(pk) == EVP_PKEY_RSA && sig_len == (size_t)EVP_PKEY_get_size(pk) &&
             EVP_PKEY_CTX_set_rsa_padding(ctx, RSA_PKCS1_PADDING) == 1 &&
             EVP_PKEY_CTX_set_signature_md(ctx, md) == 1;
    } else if (ok && scheme == CRPKI_PAD_PSS) {
        ok = EVP_PKEY_get_base_id(pk) == EVP_PKEY_RSA && sig_len == (size_t)EVP_PKEY_get_size(pk) &&
             EVP_PKEY_CTX_set_rsa_padding(ctx, RSA_PKCS1_PSS_PADDING) == 1 &&
             EVP_PKEY_CTX_set_signature_md(ctx, md) == 1 &&
             EVP_PKEY_CTX_set_rsa_mgf1_md(ctx, md) == 1 &&
             EVP_PKEY_CTX_set_rsa_pss_saltlen(ctx, (int)pss_salt) == 1;
    } else if (ok && scheme == CRPKI_PAD_ECDSA) {
        ok = EVP_PKEY_get_base_id(pk) == EVP_PKEY_EC;
    } else {
        ok = 0;
    }
    if (ok)
        ok = EVP_PKEY_verify(ctx, sig, sig_len, hash_val, hash_len) == 1;
    EVP_PKEY_CTX_free(ctx);
    return ok;
}

int h_verify_chain(X509 *cert)
{
    X509 *ca = h_load_pem_cert(H.sim.registrar_ca);
    if (!ca)
        return 0;
    X509_STORE *st = X509_STORE_new();
    X509_STORE_CTX *ctx = X509_STORE_CTX_new();
    int ok = st && ctx && X509_STORE_add_cert(st, ca) == 1 &&
             X509_STORE_CTX_init(ctx, st, cert, NULL) == 1;
    if (ok) {
        ok = X509_verify_cert(ctx) == 1;
        if (!ok)
            print_error("X509_verify_cert: %s\n",
                        X509_verify_cert_error_string(X509_STORE_CTX_get_error(ctx)));
    }
    X509_STORE_CTX_free(ctx);
    X509_STORE_free(st);
    X509_free(ca);
    return ok;
}
