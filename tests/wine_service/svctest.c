/* svctest: helpers of the service test programs (svctest.h). */
#include "svctest.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/platform/plat_env.h"
#include "base/platform/plat_fs.h"
#include "base/platform/plat_str.h"
#include "base/platform/plat_thread.h"
#include "base/platform/plat_clock.h"
#include "base/util/base64.h"

#define MAX_ENV      16
#define MAX_LOG_SIZE (4u * 1024 * 1024)

static void die(const char *what, const char *detail)
{
    fprintf(stderr, "svctest: %s%s%s\n", what, detail ? ": " : "", detail ? detail : "");
    fflush(stderr);
    abort();
}

/* Values are kept for the life of the process: callers hold the pointers. */
static struct {
    const char *name;
    char *value;
} env_cache[MAX_ENV];
static plat_mutex *env_mu;

const char *svctest_env(const char *name)
{
    /* Test programs call this first from the main thread: the lazy mutex
     * is made before any thread of theirs exists. */
    if (!env_mu && !(env_mu = plat_mutex_new()))
        die("out of memory", NULL);
    plat_mutex_lock(env_mu);
    const char *r = NULL;
    size_t i;
    for (i = 0; i < MAX_ENV && env_cache[i].name; i++)
        if (strcmp(env_cache[i].name, name) == 0) {
            r = env_cache[i].value;
            break;
        }
    if (!r) {
        char *v = plat_getenv(name);
        if (!v) {
            plat_mutex_unlock(env_mu);
            die("environment variable not set (run this through crpki_service_test)", name);
        }
        if (i == MAX_ENV) {
            plat_mutex_unlock(env_mu);
            die("too many environment variables", name);
        }
        env_cache[i].name = name;
        env_cache[i].value = v;
        r = v;
    }
    plat_mutex_unlock(env_mu);
    return r;
}

char *svctest_path(const char *dir, const char *name)
{
    char *p = plat_path_join(dir, name);
    if (!p)
        die("out of memory", NULL);
    return p;
}

uint64_t svctest_now_ms(void)
{
    return (uint64_t)plat_now_ms(); /* monotonic: never negative */
}

static void write_file(const char *path, const void *data, size_t len)
{
    crpki_error_info ei;
    memset(&ei, 0, sizeof ei);
    if (plat_write_file_atomic(path, data, len, PLAT_FILE_PUBLIC, &ei) != CRPKI_OK) {
        fprintf(stderr, "svctest: cannot write %s: %s\n", path, ei.detail);
        die("write failed", path);
    }
}

void svctest_phone(const char *line)
{
    const char *path = svctest_env("CRPKI_TEST_PHONE");
    if (!line || !*line) {
        write_file(path, "", 0);
        return;
    }
    size_t n = strlen(line);
    char *buf = malloc(n + 2);
    if (!buf)
        die("out of memory", NULL);
    memcpy(buf, line, n);
    buf[n] = '\n';
    write_file(path, buf, n + 1);
    free(buf);
}

/* One request to the driver's operator: "VERB ARG", its exit status. */
static int operator_request(const char *verb, const char *code, unsigned timeout_ms)
{
    static unsigned seq;
    const char *dir = svctest_env("CRPKI_TEST_OPERATOR");
    char name[32], line[64];
    snprintf(name, sizeof name, "%u.req", ++seq);
    char *req = svctest_path(dir, name);
    snprintf(name, sizeof name, "%u.rc", seq);
    char *rcp = svctest_path(dir, name);
    int n = snprintf(line, sizeof line, "%s %s\n", verb, code);
    write_file(req, line, (size_t)n);
    int rc = -1;
    for (uint64_t end = svctest_now_ms() + timeout_ms; svctest_now_ms() < end;) {
        uint8_t *data = NULL;
        size_t len = 0;
        crpki_error_info ei;
        memset(&ei, 0, sizeof ei);
        if (plat_read_file(rcp, 64, &data, &len, NULL, &ei) == CRPKI_OK) {
            rc = atoi((char *)data);
            free(data);
            break;
        }
        plat_sleep_ms(50);
    }
    free(req);
    free(rcp);
    return rc;
}

int svctest_rsspd_decide(const char *verb, const char *code, unsigned timeout_ms)
{
    return operator_request(verb, code, timeout_ms);
}

int svctest_service_start(unsigned timeout_ms)
{
    return operator_request("start", "-", timeout_ms);
}

/* PHONE.log, or NULL when the service wrote none yet. */
static char *read_phone_log(void)
{
    const char *phone = svctest_env("CRPKI_TEST_PHONE");
    size_t pl = strlen(phone);
    char *path = malloc(pl + sizeof ".log");
    if (!path)
        die("out of memory", NULL);
    memcpy(path, phone, pl);
    memcpy(path + pl, ".log", sizeof ".log");
    uint8_t *data = NULL;
    size_t len = 0;
    crpki_error_info ei;
    memset(&ei, 0, sizeof ei);
    crpki_err e = plat_read_file(path, MAX_LOG_SIZE, &data, &len, NULL, &ei);
    if (e != CRPKI_OK) {
        fprintf(stderr, "svctest: cannot read %s: %s\n", path, ei.detail);
        die("read failed", path);
    }
    free(path);
    return (char *)data;
}

int svctest_phone_log_count(void)
{
    char *log = read_phone_log();
    int n = 0;
    for (const char *p = log; p && *p; p++)
        if (*p == '\n')
            n++;
    free(log);
    return n;
}

int svctest_phone_log_last_line(char *line, size_t n)
{
    char *log = read_phone_log();
    if (!log || !*log) {
        free(log);
        return -1;
    }
    size_t len = strlen(log);
    if (log[len - 1] == '\n')
        log[--len] = '\0';
    char *start = strrchr(log, '\n');
    start = start ? start + 1 : log;
    if (n > 0)
        snprintf(line, n, "%s", start);
    free(log);
    return 0;
}

int svctest_phone_log_last(char *desc, size_t n)
{
    char line[2048];
    if (svctest_phone_log_last_line(line, sizeof line) != 0)
        return -1;
    /* <code> <credentialID> <numSignatures> <action> <description> */
    const char *p = line;
    for (int spaces = 0; spaces < 4; spaces++) {
        p = strchr(p, ' ');
        if (!p)
            die("malformed phone log line", line);
        p++;
    }
    if (n > 0)
        snprintf(desc, n, "%s", p);
    return 0;
}

void svctest_write_artifact(const char *name, const char *ext, const void *data, size_t len)
{
    size_t fl = strlen(name) + 1 + strlen(ext) + 1;
    char *file = malloc(fl);
    if (!file)
        die("out of memory", NULL);
    snprintf(file, fl, "%s.%s", name, ext);
    char *path = svctest_path(svctest_env("CRPKI_TEST_OUT"), file);
    write_file(path, data, len);
    free(path);
    free(file);
}

void svctest_write_sig(const char *name, const uint8_t *cert_der, size_t cert_len,
                       const uint8_t *digest, size_t digest_len, const uint8_t *sig, size_t sig_len,
                       const char *pkeyopts)
{
    char *b64 = base64_encode_alloc(cert_der, cert_len);
    if (!b64)
        die("out of memory", NULL);
    size_t bl = strlen(b64);
    size_t cap = bl + bl / 64 + 128;
    char *pem = malloc(cap);
    if (!pem)
        die("out of memory", NULL);
    size_t o = (size_t)snprintf(pem, cap, "-----BEGIN CERTIFICATE-----\n");
    for (size_t i = 0; i < bl; i += 64) {
        size_t k = bl - i < 64 ? bl - i : 64;
        memcpy(pem + o, b64 + i, k);
        o += k;
        pem[o++] = '\n';
    }
    o += (size_t)snprintf(pem + o, cap - o, "-----END CERTIFICATE-----\n");
    svctest_write_artifact(name, "cert.pem", pem, o);
    svctest_write_artifact(name, "digest", digest, digest_len);
    svctest_write_artifact(name, "pkeyopt", pkeyopts ? pkeyopts : "",
                           pkeyopts ? strlen(pkeyopts) : 0);
    /* The .sig last: the driver verifies what has a .sig. */
    svctest_write_artifact(name, "sig", sig, sig_len);
    free(pem);
    free(b64);
}

void svctest_expect_artifacts(unsigned n)
{
    char buf[32];
    int len = snprintf(buf, sizeof buf, "%u\n", n);
    char *path = svctest_path(svctest_env("CRPKI_TEST_OUT"), "expected-count");
    write_file(path, buf, (size_t)len);
    free(path);
}

int svctest_read_file(const char *path, uint8_t **data, size_t *len)
{
    crpki_error_info ei;
    memset(&ei, 0, sizeof ei);
    *data = NULL;
    *len = 0;
    crpki_err e = plat_read_file(path, 64u * 1024 * 1024, data, len, NULL, &ei);
    if (e != CRPKI_OK) {
        fprintf(stderr, "svctest: cannot read %s: %s\n", path, ei.detail);
        return -1;
    }
    if (!*data) {
        fprintf(stderr, "svctest: %s does not exist\n", path);
        return -1;
    }
    return 0;
}
