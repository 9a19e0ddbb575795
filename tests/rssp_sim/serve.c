/* `crpki-rsspd serve`: runs the reference service over HTTPS until SIGINT or
 * SIGTERM (docs/protocol.md, "The reference service").
 *
 * Order: block the stop signals (every thread inherits the mask, so only
 * sigwait below sees them) -> bind (the port is known, even for port 0) ->
 * open the service with base_url https://localhost:PORT -> start HTTPS ->
 * write DIR/port (tmp + rename) -> wait. Stop: rsspd_service_shutdown (long
 * polls return) -> stop HTTPS (joins every request thread) -> close the
 * service -> remove DIR/port. */
#define _POSIX_C_SOURCE 200809L

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "commands.h"
#include "httpd.h"
#include "serve.h"
#include "service.h"
#include "simcfg.h"

#define MAX_PEM (1024 * 1024)

/* Reads a whole PEM file into a NUL-terminated buffer. */
static char *read_text(const char *path, char *err, size_t errsz)
{
    FILE *f = fopen(path, "rb");
    if (!f) {
        snprintf(err, errsz, "cannot read %s: %s", path, strerror(errno));
        return NULL;
    }
    char *buf = malloc(MAX_PEM + 1);
    size_t n = buf ? fread(buf, 1, MAX_PEM + 1, f) : 0;
    int bad = !buf || ferror(f) || n > MAX_PEM || n == 0;
    fclose(f);
    if (bad) {
        snprintf(err, errsz, "cannot read %s: %s", path,
                 !buf     ? "out of memory"
                 : n == 0 ? "empty or unreadable"
                          : "too large");
        free(buf);
        return NULL;
    }
    buf[n] = '\0';
    return buf;
}

/* DIR/port, written atomically: readers see no file or the whole line. */
static int write_port_file(const char *path, unsigned port, char *err, size_t errsz)
{
    char tmp[4096];
    if (snprintf(tmp, sizeof tmp, "%s.tmp.%ld", path, (long)getpid()) >= (int)sizeof tmp) {
        snprintf(err, errsz, "directory name too long");
        return -1;
    }
    int fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    if (fd < 0) {
        snprintf(err, errsz, "cannot write %.300s: %s", tmp, strerror(errno));
        return -1;
    }
    char line[16];
    int n = snprintf(line, sizeof line, "%u\n", port);
    int ok = write(fd, line, (size_t)n) == n && fsync(fd) == 0;
    int saved = errno;
    if (close(fd) != 0 && ok) {
        ok = 0;
        saved = errno;
    }
    if (!ok || rename(tmp, path) != 0) {
        if (ok)
            saved = errno;
        snprintf(err, errsz, "cannot write %.300s: %s", path, strerror(saved));
        unlink(tmp);
        return -1;
    }
    return 0;
}

int rsspd_cmd_serve(int argc, char **argv)
{
    rsspd_serve_args a;
    char err[512];
    if (rsspd_serve_parse(argc, argv, &a, err, sizeof err) != 0) {
        fprintf(stderr, "crpki-rsspd serve: %s\n", err);
        fputs("Run 'crpki-rsspd serve --help' for the options.\n", stderr);
        return 2;
    }
    if (a.help) {
        rsspd_serve_usage(stdout);
        return 0;
    }

    /* Before any thread exists: SIGINT/SIGTERM only through sigwait, and a
     * client closing its end never kills the process. */
    sigset_t stop;
    sigemptyset(&stop);
    sigaddset(&stop, SIGINT);
    sigaddset(&stop, SIGTERM);
    pthread_sigmask(SIG_BLOCK, &stop, NULL);
    struct sigaction ign = {0};
    ign.sa_handler = SIG_IGN;
    sigaction(SIGPIPE, &ign, NULL);

    int rc = 1;
    simcfg cfg = {0};
    int cfg_loaded = 0;
    char *cert = NULL, *key = NULL;
    rsspd_httpd *h = NULL;
    rsspd_service *svc = NULL;
    char port_path[4096];
    snprintf(port_path, sizeof port_path, "%s/port", a.dir);

    if (simcfg_load(a.dir, &cfg, err, sizeof err) != 0)
        goto out;
    cfg_loaded = 1;
    if (!cfg.tls_cert_pem || !cfg.tls_key_pem) {
        snprintf(err, sizeof err, "sim.json has no TLS certificate or key");
        goto out;
    }
    if (!(cert = read_text(cfg.tls_cert_pem, err, sizeof err)) ||
        !(key = read_text(cfg.tls_key_pem, err, sizeof err)))
        goto out;

    rsspd_httpd_config hc = {
        .listen = a.listen,
        .tls_cert_pem = cert,
        .tls_key_pem = key,
        .faults = a.faults,
    };
    if (rsspd_httpd_create(&hc, &h, err, sizeof err) != 0)
        goto out;
    /* The key is in the server's copy now; do not keep a second one. */
    memset(key, 0, strlen(key));

    unsigned port = rsspd_httpd_port(h);
    char base_url[64];
    snprintf(base_url, sizeof base_url, "https://localhost:%u", port);
    a.opt.base_url = base_url;
    if (rsspd_service_open(a.dir, &a.opt, &svc, err, sizeof err) != 0)
        goto out;
    if (rsspd_httpd_start(h, svc, err, sizeof err) != 0)
        goto out;
    if (write_port_file(port_path, port, err, sizeof err) != 0)
        goto out;
    fprintf(stderr, "crpki-rsspd: listening on %s\n", base_url);

    int sig = 0;
    while (sigwait(&stop, &sig) != 0)
        ;
    fprintf(stderr, "crpki-rsspd: %s, stopping\n", sig == SIGINT ? "SIGINT" : "SIGTERM");
    unlink(port_path);
    rc = 0;

out:
    if (rc != 0)
        fprintf(stderr, "crpki-rsspd serve: %s\n", err);
    if (svc)
        rsspd_service_shutdown(svc);
    rsspd_httpd_stop(h);
    if (svc)
        rsspd_service_close(svc);
    if (key)
        memset(key, 0, strlen(key));
    free(key);
    free(cert);
    if (cfg_loaded)
        simcfg_free(&cfg);
    /* The stop signals stay blocked: a second SIGTERM during the shutdown
     * (a supervisor insisting) must not turn exit 0 into death by signal. */
    return rc;
}
