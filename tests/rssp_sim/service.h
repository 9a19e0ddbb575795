/* service: the reference service's logic behind one function. The HTTPS
 * transport (serve.c) turns each request into an rsspd_request and sends back
 * the rsspd_response; nothing here knows about sockets or TLS, so unit tests
 * and fuzzers drive the whole protocol without a network. */
#ifndef RSSP_SIM_SERVICE_H
#define RSSP_SIM_SERVICE_H

#include <stddef.h>
#include <stdint.h>

#define RSSPD_MAX_BODY (1024 * 1024) /* larger bodies: 413 request_too_large */
#define RSSPD_MAX_WAIT 30            /* longest authorizeCheck hold, seconds */

typedef struct {
    unsigned access_ttl_s;   /* default 300 */
    unsigned refresh_ttl_s;  /* default 30 days */
    unsigned approval_ttl_s; /* default 120 */
    unsigned sad_ttl_s;      /* default 60 */
    unsigned interval_s;     /* the polling interval (slow_down below it), default 1 */
    unsigned max_signatures; /* default 64 */
    int auto_approve_ms;     /* < 0: off; >= 0 approve that long after authorize */
    const char *base_url;    /* "https://localhost:PORT", for /csc/v2/info */
    const char *phone_file;  /* --phone: the simulated gBizID app (phone.h), or NULL */
} rsspd_options;

/* Fills the documented defaults (auto-approve off, base_url NULL). */
void rsspd_options_default(rsspd_options *opt);

typedef struct {
    const char *method;        /* "GET", "POST", ... */
    const char *path;          /* "/csc/v2/info", no query string */
    const char *query;         /* raw query string without '?', or NULL */
    const char *authorization; /* Authorization header value, or NULL */
    const char *content_type;  /* Content-Type header value, or NULL */
    const uint8_t *body;       /* may be NULL when body_len is 0 */
    size_t body_len;           /* the transport refuses > RSSPD_MAX_BODY itself */
} rsspd_request;

typedef struct {
    int status;               /* HTTP status */
    const char *content_type; /* static string */
    char *body;               /* malloc'ed, may be NULL */
    size_t body_len;
    char *location;         /* malloc'ed Location header (302), or NULL */
    char *www_authenticate; /* malloc'ed, or NULL */
    int retry_after_s;      /* > 0: send Retry-After */
    int no_store;           /* send Cache-Control: no-store */
    const char *allow;      /* static Allow header value (405), or NULL */
} rsspd_response;

typedef struct rsspd_service rsspd_service;

/* Loads DIR/sim.json, opens the token and DIR/state.db (created if absent).
 * Returns 0, or -1 with a message. */
int rsspd_service_open(const char *dir, const rsspd_options *opt, rsspd_service **out, char *err,
                       size_t errsz);

/* Handles one request; thread-safe; may block up to RSSPD_MAX_WAIT seconds
 * (long polling) unless rsspd_service_shutdown was called. Always fills rsp. */
void rsspd_service_handle(rsspd_service *svc, const rsspd_request *req, rsspd_response *rsp);

/* Makes blocked and future long polls return at once (for a clean stop). */
void rsspd_service_shutdown(rsspd_service *svc);
void rsspd_service_close(rsspd_service *svc);

/* Builds a JSON error response {error, error_description}. */
void rsspd_response_error(rsspd_response *rsp, int status, const char *error,
                          const char *description);
void rsspd_response_free(rsspd_response *rsp);

#endif
