/* client: creation of an rssp_client from its options, and its token
 * source. The calls themselves live in rc_oauth.c, rc_csc.c and rc_sign.c. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "crpki/rssp_client.h"
#include "base/error/fail.h"
#include "rc_client.h"
#include "rc_errmap.h"
#include "base/platform/plat_thread.h"
#include "base/platform/plat_clock.h"
#include "base/platform/plat_random.h"
#include "rc_transport.h"
#include "rc_url.h"
#include "rc_util.h"

#ifndef CRPKI_VERSION
#define CRPKI_VERSION "0"
#endif

#define DEFAULT_CONNECT_MS 10000u
#define DEFAULT_REQUEST_MS 30000u
#define DEFAULT_RETRIES    4u
#define MAX_TIMEOUT_MS     3600000u
#define MAX_RETRIES        20u

static int host_chars_ok(const char *h)
{
    if (!h || !*h || strlen(h) > 253)
        return 0;
    for (const char *p = h; *p; p++) {
        char c = *p;
        if (!((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
              c == '-' || c == '.' || c == '_' || c == ':'))
            return 0;
    }
    return 1;
}

/* A header-safe value: printable ASCII and spaces, no CR/LF. */
static int header_value_ok(const char *s, size_t max)
{
    if (!s || !*s || strlen(s) > max)
        return 0;
    for (const unsigned char *p = (const unsigned char *)s; *p; p++)
        if (*p < 0x20 || *p > 0x7E)
            return 0;
    return 1;
}

static crpki_err check_options(const rssp_options *o, crpki_error_info *ei)
{
    if (o->ca_bundle && !*o->ca_bundle)
        return fail_with(ei, CRPKI_E_INVALID_ARG, "ca_bundle: empty (NULL for none)");
    switch (o->proxy_mode) {
    case RSSP_PROXY_NONE:
    case RSSP_PROXY_SYSTEM:
        break;
    case RSSP_PROXY_EXPLICIT:
        if (!host_chars_ok(o->proxy_host))
            return fail_with(ei, CRPKI_E_INVALID_ARG,
                             "proxy_host: missing or not a host name or address");
        if (o->proxy_port < 1 || o->proxy_port > 65535)
            return fail_with(ei, CRPKI_E_INVALID_ARG, "proxy_port: not 1-65535");
        if (o->proxy_password && !o->proxy_user)
            return fail_with(ei, CRPKI_E_INVALID_ARG, "proxy_password: given without proxy_user");
        if (o->proxy_user &&
            (!*o->proxy_user || strchr(o->proxy_user, '\r') || strchr(o->proxy_user, '\n')))
            return fail_with(ei, CRPKI_E_INVALID_ARG, "proxy_user: empty or holds a line break");
        break;
    default:
        return fail_with(ei, CRPKI_E_INVALID_ARG, "proxy_mode: unknown value");
    }
    if (o->connect_timeout_ms > MAX_TIMEOUT_MS)
        return fail_with(ei, CRPKI_E_INVALID_ARG, "connect_timeout_ms: more than one hour");
    if (o->request_timeout_ms > MAX_TIMEOUT_MS)
        return fail_with(ei, CRPKI_E_INVALID_ARG, "request_timeout_ms: more than one hour");
    if (o->max_retries > MAX_RETRIES)
        return fail_with(ei, CRPKI_E_INVALID_ARG, "max_retries: more than %u", MAX_RETRIES);
    if (o->client_id && (!rc_printable_token(o->client_id) || strlen(o->client_id) > 128))
        return fail_with(ei, CRPKI_E_INVALID_ARG, "client_id: empty, too long or not printable");
    if (o->user_agent && !header_value_ok(o->user_agent, 256))
        return fail_with(ei, CRPKI_E_INVALID_ARG,
                         "user_agent: empty, too long or not printable ASCII");
    return CRPKI_OK;
}

crpki_err rssp_client_new(const rssp_options *opt, rssp_client **out, crpki_error_info *ei)
{
    if (out)
        *out = NULL;
    if (!opt || !out)
        return fail_with(ei, CRPKI_E_INVALID_ARG, "rssp_client_new: NULL options or output");
    char *base = NULL, *host = NULL, err[200];
    if (rc_service_url_parse(opt->service_url, &base, &host, err, sizeof err) < 0)
        return fail_with(ei, CRPKI_E_INVALID_ARG, "%s", err);
    crpki_err e = check_options(opt, ei);
    if (e != CRPKI_OK) {
        free(base);
        free(host);
        return e;
    }
    rssp_client *c = calloc(1, sizeof *c);
    strbuf proxy = {0};
    if (!c)
        goto oom;
    c->base_url = base;
    c->host = host;
    base = host = NULL;
    c->client_id = plat_strdup(opt->client_id ? opt->client_id : "crpki-driver");
    c->request_timeout_ms = opt->request_timeout_ms ? opt->request_timeout_ms : DEFAULT_REQUEST_MS;
    c->max_retries = opt->max_retries ? opt->max_retries : DEFAULT_RETRIES;
    c->lock = plat_mutex_new();
    if (!c->client_id || !c->lock)
        goto oom;
    if (plat_random_bytes(&c->rng, sizeof c->rng) < 0)
        c->rng = (uint64_t)plat_now_ms() ^ (uint64_t)(uintptr_t)c;

    if (opt->proxy_mode == RSSP_PROXY_EXPLICIT) {
        strbuf_puts(&proxy, "http://");
        int v6 = strchr(opt->proxy_host, ':') != NULL;
        if (v6)
            strbuf_puts(&proxy, "[");
        strbuf_puts(&proxy, opt->proxy_host);
        if (v6)
            strbuf_puts(&proxy, "]");
        char port[8];
        snprintf(port, sizeof port, ":%u", opt->proxy_port);
        strbuf_puts(&proxy, port);
        if (proxy.oom)
            goto oom;
    }
    char ua[64];
    snprintf(ua, sizeof ua, "crpki/%s", CRPKI_VERSION);
    rc_transport_opts to = {0};
    to.base_url = c->base_url;
    to.host = c->host;
    to.ca_bundle = opt->ca_bundle;
    to.proxy_mode = opt->proxy_mode;
    to.proxy_url = proxy.p;
    to.proxy_user = opt->proxy_mode == RSSP_PROXY_EXPLICIT ? opt->proxy_user : NULL;
    to.proxy_allow_basic = opt->proxy_allow_basic != 0;
    to.proxy_no_sign_on = opt->proxy_no_sign_on != 0;
    to.proxy_password = opt->proxy_mode == RSSP_PROXY_EXPLICIT ? opt->proxy_password : NULL;
    to.connect_timeout_ms = opt->connect_timeout_ms ? opt->connect_timeout_ms : DEFAULT_CONNECT_MS;
    to.user_agent = opt->user_agent ? opt->user_agent : ua;
    e = rc_transport_new(&to, &c->tr, ei);
    strbuf_free(&proxy);
    if (e != CRPKI_OK) {
        rssp_client_free(c);
        return e;
    }
    *out = c;
    if (ei)
        memset(ei, 0, sizeof *ei);
    return CRPKI_OK;
oom:
    free(base);
    free(host);
    strbuf_free(&proxy);
    rssp_client_free(c);
    return fail_with(ei, CRPKI_E_NO_MEMORY, "out of memory");
}

void rssp_client_free(rssp_client *c)
{
    if (!c)
        return;
    rc_transport_free(c->tr);
    plat_mutex_free(c->lock);
    free(c->base_url);
    free(c->host);
    free(c->client_id);
    free(c);
}

int rc_client_authz_idem(rssp_client *c)
{
    plat_mutex_lock(c->lock);
    int v = c->authz_idem;
    plat_mutex_unlock(c->lock);
    return v;
}

void rc_client_set_authz_idem(rssp_client *c, int v)
{
    plat_mutex_lock(c->lock);
    c->authz_idem = v;
    plat_mutex_unlock(c->lock);
}

void rssp_client_set_token_source(rssp_client *c, const rssp_token_source *src)
{
    if (!c)
        return;
    plat_mutex_lock(c->lock);
    if (src) {
        c->ts = *src;
        c->has_ts = 1;
    } else {
        memset(&c->ts, 0, sizeof c->ts);
        c->has_ts = 0;
    }
    plat_mutex_unlock(c->lock);
}

crpki_err rssp_client_route(rssp_client *c, rssp_route *out, crpki_error_info *ei)
{
    if (!out)
        return fail_with(ei, CRPKI_E_INVALID_ARG, "rssp_client_route: NULL output");
    memset(out, 0, sizeof *out);
    if (!c)
        return fail_with(ei, CRPKI_E_INVALID_ARG, "rssp_client_route: NULL client");
    return rc_transport_route(c->tr, out, ei);
}
