/* service: lifecycle of the reference service and the router from
 * (method, path) to the endpoint handlers of oauth.c and csc.c. */
#define _POSIX_C_SOURCE 200809L

#include "service.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <openssl/rand.h>

#include "svc.h"
#include "base/util/base64.h"

void rsspd_options_default(rsspd_options *opt)
{
    memset(opt, 0, sizeof *opt);
    opt->access_ttl_s = 300;
    opt->refresh_ttl_s = 30u * 24 * 3600;
    opt->approval_ttl_s = 120;
    opt->sad_ttl_s = 60;
    opt->interval_s = 1;
    opt->max_signatures = 64;
    opt->auto_approve_ms = -1;
    opt->base_url = NULL;
}

/* ---- clock, randomness ----------------------------------------------------------- */

static int64_t wall_clock(void *ctx)
{
    (void)ctx;
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

void rsspd_service_set_clock(rsspd_service *svc, svc_clock_fn clock, void *ctx)
{
    svc->clock = clock ? clock : wall_clock;
    svc->clock_ctx = clock ? ctx : NULL;
}

int64_t svc_now(const rsspd_service *svc)
{
    return svc->clock(svc->clock_ctx);
}

int64_t svc_monotonic_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

void svc_sleep_ms(unsigned ms)
{
    struct timespec ts = {(time_t)(ms / 1000), (long)(ms % 1000) * 1000000L};
    while (nanosleep(&ts, &ts) != 0 && errno == EINTR) {
    }
}

int svc_random_token(char out[44])
{
    uint8_t raw[32];
    if (RAND_bytes(raw, sizeof raw) != 1)
        return -1;
    return base64url_encode(raw, sizeof raw, out, 44) == 43 ? 0 : -1;
}

const svc_cred *svc_find_cred(const rsspd_service *svc, const char *id, const char *user)
{
    if (!id || !user)
        return NULL;
    for (size_t i = 0; i < svc->ncreds; i++)
        if (strcmp(svc->creds[i].cfg->id, id) == 0)
            return strcmp(svc->creds[i].owner->id, user) == 0 ? &svc->creds[i] : NULL;
    return NULL;
}

/* ---- responses --------------------------------------------------------------------- */

static const char JSON_TYPE[] = "application/json; charset=utf-8";
static const char HTML_TYPE[] = "text/html; charset=utf-8";
static const char OOM_BODY[] =
    "{\"error\":\"server_error\",\"error_description\":\"out of memory\"}";

void svc_server_error(rsspd_response *rsp)
{
    rsspd_response_error(rsp, 500, "server_error", "internal error; the request had no effect");
}

void svc_json(rsspd_response *rsp, int status, cJSON *obj)
{
    char *text = obj ? cJSON_PrintUnformatted(obj) : NULL;
    cJSON_Delete(obj);
    if (!text) {
        free(rsp->body);
        rsp->status = 500;
        rsp->content_type = JSON_TYPE;
        rsp->body = strdup(OOM_BODY);
        rsp->body_len = rsp->body ? strlen(rsp->body) : 0;
        rsp->no_store = 1;
        return;
    }
    free(rsp->body);
    rsp->status = status;
    rsp->content_type = JSON_TYPE;
    rsp->body = text;
    rsp->body_len = strlen(text);
    rsp->no_store = 1;
}

void rsspd_response_error(rsspd_response *rsp, int status, const char *error,
                          const char *description)
{
    cJSON *o = cJSON_CreateObject();
    if (o && (!cJSON_AddStringToObject(o, "error", error ? error : "server_error") ||
              !cJSON_AddStringToObject(o, "error_description", description ? description : ""))) {
        cJSON_Delete(o);
        o = NULL;
    }
    svc_json(rsp, status, o);
}

void svc_error(rsspd_response *rsp, const req_err *e)
{
    rsspd_response_error(rsp, e->status, e->error, e->desc);
}

void svc_html(rsspd_response *rsp, int status, char *html)
{
    free(rsp->body);
    rsp->body = NULL;
    if (!html) {
        rsspd_response_error(rsp, 500, "server_error", "out of memory");
        return;
    }
    rsp->status = status;
    rsp->content_type = HTML_TYPE;
    rsp->body = html;
    rsp->body_len = strlen(html);
    rsp->no_store = 1;
}

void rsspd_response_free(rsspd_response *rsp)
{
    if (!rsp)
        return;
    free(rsp->body);
    free(rsp->location);
    free(rsp->www_authenticate);
    memset(rsp, 0, sizeof *rsp);
}

/* The phone's decision: what `crpki-rsspd approve|deny` does. */
static int phone_decide(void *ctx, const char *code, int approve)
{
    rsspd_service *svc = ctx;
    return store_approval_decide(svc->st, code, approve, svc_now(svc)) == STORE_OK ? 0 : -1;
}

/* ---- lifecycle ----------------------------------------------------------------------- */

int rsspd_service_open(const char *dir, const rsspd_options *opt, rsspd_service **out, char *err,
                       size_t errsz)
{
    *out = NULL;
    rsspd_options dflt;
    if (!opt) {
        rsspd_options_default(&dflt);
        opt = &dflt;
    }
    if (!dir || opt->access_ttl_s == 0 || opt->refresh_ttl_s == 0 || opt->approval_ttl_s == 0 ||
        opt->sad_ttl_s == 0 || opt->interval_s == 0 || opt->max_signatures == 0 ||
        opt->max_signatures > 1000) {
        snprintf(err, errsz, "invalid service options");
        return -1;
    }
    rsspd_service *svc = calloc(1, sizeof *svc);
    if (!svc) {
        snprintf(err, errsz, "out of memory");
        return -1;
    }
    svc->opt = *opt;
    svc->opt.base_url = NULL;
    svc->clock = wall_clock;
    svc->poll_ms = 25;
    atomic_init(&svc->stopping, 0);
    if (opt->base_url && !(svc->base_url = strdup(opt->base_url))) {
        snprintf(err, errsz, "out of memory");
        goto fail_nocfg;
    }
    svc->opt.base_url = svc->base_url;
    svc->opt.phone_file = NULL; /* the phone keeps its own copy */
    if (simcfg_load(dir, &svc->cfg, err, errsz) < 0)
        goto fail_nocfg;
    if (svc->cfg.softhsm2_conf && setenv("SOFTHSM2_CONF", svc->cfg.softhsm2_conf, 1) != 0) {
        snprintf(err, errsz, "setenv SOFTHSM2_CONF failed");
        goto fail;
    }
    if (cred_load_all(svc, err, errsz) < 0)
        goto fail;
    if (p11_open(svc->cfg.pkcs11_module, svc->cfg.token_label, svc->cfg.user_pin, &svc->tok, err,
                 errsz) < 0)
        goto fail;
    size_t plen = strlen(svc->cfg.dir) + sizeof "/state.db";
    char *path = malloc(plen);
    if (!path) {
        snprintf(err, errsz, "out of memory");
        goto fail;
    }
    snprintf(path, plen, "%s/state.db", svc->cfg.dir);
    int r = store_open(path, &svc->st, err, errsz);
    free(path);
    if (r < 0)
        goto fail;
    if (opt->phone_file &&
        phone_open(opt->phone_file, phone_decide, svc, &svc->phone, err, errsz) < 0)
        goto fail;
    *out = svc;
    return 0;
fail:
    rsspd_service_close(svc);
    return -1;
fail_nocfg:
    free(svc->base_url);
    free(svc);
    return -1;
}

void rsspd_service_shutdown(rsspd_service *svc)
{
    if (svc)
        atomic_store(&svc->stopping, 1);
}

void rsspd_service_close(rsspd_service *svc)
{
    if (!svc)
        return;
    phone_close(svc->phone); /* before the store its decisions write to */
    store_close(svc->st);
    if (svc->tok)
        p11_close(svc->tok);
    cred_free_all(svc);
    simcfg_free(&svc->cfg);
    free(svc->base_url);
    free(svc);
}

/* ---- router ---------------------------------------------------------------------------- */

typedef void (*handler)(rsspd_service *, const rsspd_request *, rsspd_response *);

static const struct route {
    const char *path;
    handler get;
    handler post;
    const char *allow;
} ROUTES[] = {
    {"/oauth2/authorize", oauth_authorize, oauth_authorize, "GET, POST"},
    {"/oauth2/token", NULL, oauth_token, "POST"},
    {"/oauth2/revoke", NULL, oauth_revoke, "POST"},
    {"/csc/v2/info", NULL, csc_info, "POST"},
    {"/csc/v2/credentials/list", NULL, csc_credentials_list, "POST"},
    {"/csc/v2/credentials/info", NULL, csc_credentials_info, "POST"},
    {"/csc/v2/credentials/authorize", NULL, csc_credentials_authorize, "POST"},
    {"/csc/v2/credentials/authorizeCheck", NULL, csc_credentials_authorize_check, "POST"},
    {"/csc/v2/signatures/signHash", NULL, csc_signatures_sign_hash, "POST"},
};

void rsspd_service_handle(rsspd_service *svc, const rsspd_request *req, rsspd_response *rsp)
{
    memset(rsp, 0, sizeof *rsp);
    if (!svc || !req) {
        svc_server_error(rsp);
        return;
    }
    if (!req->path || (req->body_len > 0 && !req->body)) {
        rsspd_response_error(rsp, 400, "invalid_request", "malformed request");
        return;
    }
    if (req->body_len > RSSPD_MAX_BODY) {
        rsspd_response_error(rsp, 413, "request_too_large", "request body over 1 MiB");
        return;
    }
    for (size_t i = 0; i < sizeof ROUTES / sizeof ROUTES[0]; i++) {
        const struct route *r = &ROUTES[i];
        if (strcmp(req->path, r->path) != 0)
            continue;
        handler h = NULL;
        if (req->method && strcmp(req->method, "GET") == 0)
            h = r->get;
        else if (req->method && strcmp(req->method, "POST") == 0)
            h = r->post;
        if (!h) {
            rsspd_response_error(rsp, 405, "method_not_allowed",
                                 "method not allowed for this path");
            rsp->allow = r->allow;
            return;
        }
        h(svc, req, rsp);
        return;
    }
    rsspd_response_error(rsp, 404, "not_found", "unknown path");
}
