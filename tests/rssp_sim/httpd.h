/* httpd: the reference service's HTTPS transport (libmicrohttpd + GnuTLS).
 * It turns each HTTP request into an rsspd_request, hands it to
 * rsspd_service_handle and sends back the rsspd_response; it adds nothing of
 * the protocol but the transport's own answers (413 for a body over
 * RSSPD_MAX_BODY, and the injected faults of `serve --fault-*`).
 *
 * Life cycle, in two steps so that the service can be told its own URL:
 *   rsspd_httpd_create   binds and listens (port 0 picks one)
 *   rsspd_httpd_port     the port actually bound -> base_url for the service
 *   rsspd_httpd_start    starts serving with that service (thread per connection)
 *   rsspd_httpd_stop     stops, joins every connection thread and frees.
 * Call rsspd_service_shutdown before rsspd_httpd_stop so that long polls
 * return; injected hangs are cut short by the stop itself. */
#ifndef RSSP_SIM_HTTPD_H
#define RSSP_SIM_HTTPD_H

#include <stddef.h>
#include <stdint.h>
#include <sys/socket.h>

#include "service.h"

/* Fault injection (all off when zero). Applied after the request body was
 * read and before the service sees the request, only to requests whose path
 * starts with path_prefix (NULL or "": every path). Per matching request, in
 * this order: hang (sleep hang_ms with probability hang_pct %, then go on),
 * drop (close the connection without a response), 503, 429. Each enabled
 * switch rolls its own die from one seeded generator shared by all threads,
 * so a sequence of requests sent one after another is reproducible. */
typedef struct {
    unsigned pct_503;
    unsigned pct_429;
    unsigned retry_after_s; /* Retry-After of injected 503/429 (0 is sent as 1) */
    unsigned hang_ms;
    unsigned hang_pct; /* probability of a hang when hang_ms > 0 */
    unsigned pct_drop;
    const char *path_prefix;
    uint64_t seed;
} rsspd_faults;

/* One access-log line (no newline): method, path without query, status, ms.
 * Never bodies, query strings, tokens or the Authorization header. */
typedef void (*rsspd_httpd_log_fn)(void *arg, const char *line);

typedef struct {
    const char *listen;       /* "ADDR:PORT": IPv4, [IPv6] or localhost; NULL = 127.0.0.1:0 */
    const char *tls_cert_pem; /* server certificate chain, PEM text (not a path) */
    const char *tls_key_pem;  /* its private key, PEM text */
    unsigned conn_timeout_s;  /* idle connection timeout; 0 = 60 */
    rsspd_faults faults;
    rsspd_httpd_log_fn log; /* NULL: stderr, "crpki-rsspd: " prefixed */
    void *log_arg;
} rsspd_httpd_config;

typedef struct rsspd_httpd rsspd_httpd;

/* Parses "ADDR:PORT" (numeric IPv4, "[IPv6]", or "localhost" = 127.0.0.1;
 * PORT 0-65535, 0 = any free port). Returns 0, or -1 with a message. */
int rsspd_httpd_parse_listen(const char *s, struct sockaddr_storage *ss, socklen_t *sslen,
                             char *err, size_t errsz);

/* Validates cfg, binds and listens. cfg's strings are copied. Returns 0, or
 * -1 with a message (bad address, address in use, TLS material missing). */
int rsspd_httpd_create(const rsspd_httpd_config *cfg, rsspd_httpd **out, char *err, size_t errsz);

/* The TCP port bound (the real one when cfg->listen asked for port 0). */
unsigned rsspd_httpd_port(const rsspd_httpd *h);

/* Starts serving requests with svc (TLS 1.2+, thread per connection,
 * keep-alive). Returns 0, or -1 with a message (e.g. the key does not load). */
int rsspd_httpd_start(rsspd_httpd *h, rsspd_service *svc, char *err, size_t errsz);

/* Stops accepting, wakes injected hangs, closes every connection, waits for
 * every request thread and frees h. Safe on NULL and on a never-started h. */
void rsspd_httpd_stop(rsspd_httpd *h);

#endif
