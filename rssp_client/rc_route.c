/* rc_route: a transport's way to the service: the route decided from the
 * mode (explicit, or the system's settings: the environment, Internet
 * Options, a PAC / WPAD script through rc_proxy_auto), the hop in use,
 * what a proxy is offered (a password by Negotiate / NTLM / Digest, or the
 * Windows sign-on), moving past a hop that cannot be reached, and telling
 * the route (rssp_client_route). Under the transport's lock where it says. */
#include <stdlib.h>
#include <string.h>

#include <curl/curl.h>

#include "base/error/fail.h"
#include "base/log/log.h"
#include "base/platform/plat_net.h"
#include "base/platform/plat_thread.h"
#include "rc_proxy.h"
#include "rc_proxy_auto.h"
#include "rc_transport.h"
#include "rc_transport_internal.h"
#include "rc_util.h"

#define LOG_MODULE "rssp"

static const char *env_first(const char *a, const char *b)
{
    const char *v = getenv(a);
    if (!v || !*v)
        v = getenv(b);
    return v && *v ? v : NULL;
}

crpki_err rc_route_decide(rc_transport *t, crpki_error_info *ei)
{
    rc_route_free(&t->route);
    t->hop = 0;
    if (t->proxy_mode == RSSP_PROXY_EXPLICIT) {
        t->route.from = RSSP_ROUTE_EXPLICIT;
        t->route.hops = calloc(1, sizeof *t->route.hops);
        if (t->route.hops && (t->route.hops[0] = plat_strdup(t->proxy_url)) != NULL)
            t->route.n = 1;
        return t->route.n ? CRPKI_OK : fail_with(ei, CRPKI_E_NO_MEMORY, "out of memory");
    }
    if (t->proxy_mode != RSSP_PROXY_SYSTEM)
        return CRPKI_OK;
    rc_proxy_sources src = {0};
    src.env_proxy = env_first("https_proxy", "HTTPS_PROXY");
    if (!src.env_proxy)
        src.env_proxy = env_first("all_proxy", "ALL_PROXY");
    src.env_no_proxy = env_first("no_proxy", "NO_PROXY");
    plat_proxy_settings ps = {0};
    if (!t->fake_settings && plat_proxy_settings_get(&ps) < 0)
        return fail_with(ei, CRPKI_E_NO_MEMORY, "out of memory");
    const plat_proxy_settings *use = t->fake_settings ? t->fake_settings : &ps;
    src.win_proxy = use->proxy;
    src.win_bypass = use->bypass;
    src.auto_detect = use->auto_detect;
    src.pac_url = use->pac_url;
    src.autoconfig = rc_proxy_auto_ask;
    src.ctx = &t->auto_opts;
    /* both scripts together within one connect timeout */
    int both = use->auto_detect && use->pac_url && *use->pac_url;
    t->auto_opts.wait_ms = both ? t->connect_timeout_ms / 2 : t->connect_timeout_ms;
    int r = rc_route_for(&src, t->base_url, t->host, &t->route);
    plat_proxy_settings_free(&ps);
    if (r < 0)
        return fail_with(ei, CRPKI_E_NO_MEMORY, "out of memory");
    return CRPKI_OK;
}

static const char *route_name(rssp_route_from f)
{
    static const char *const N[] = {"direct",
                                    "configured proxy",
                                    "environment",
                                    "Internet Options fixed proxy",
                                    "setup script (PAC)",
                                    "automatic detection (WPAD)"};
    return (unsigned)f < sizeof N / sizeof N[0] ? N[f] : "?";
}

/* The proxy in use ("http://h:p"), NULL: direct. Under t->lock. */
const char *rc_route_hop(const rc_transport *t)
{
    return t->hop < t->route.n ? t->route.hops[t->hop] : NULL;
}

void rc_route_log(const rc_transport *t)
{
    const char *hop = rc_route_hop(t);
    if (t->route.note)
        log_write(CRPKI_LOG_WARN, LOG_MODULE, "proxy: passed over %s", t->route.note);
    log_write(CRPKI_LOG_INFO, LOG_MODULE, "connections to the service: %s%s (%s%s%s)%s",
              hop ? "through proxy " : "direct", hop ? hop : "", route_name(t->route.from),
              t->route.script && *t->route.script ? " " : "",
              t->route.script ? t->route.script : "",
              t->sign_on && hop ? ", Windows sign-on offered" : "");
}

/* The proxy of this attempt (NULL: direct) and what it is offered. Set on
 * every request: the environment never decides behind our back, and a
 * pooled handle may have served another hop. */
void rc_route_proxy_options(const rc_transport *t, CURL *h, const char *hop)
{
    curl_easy_setopt(h, CURLOPT_PROXY, hop ? hop : "");
    curl_easy_setopt(h, CURLOPT_HTTPPROXYTUNNEL, hop ? 1L : 0L);
    curl_easy_setopt(h, CURLOPT_PROXYUSERNAME, NULL);
    curl_easy_setopt(h, CURLOPT_PROXYPASSWORD, NULL);
    curl_easy_setopt(h, CURLOPT_PROXYAUTH, (long)CURLAUTH_BASIC);
    if (!hop)
        return;
    if (t->proxy_mode == RSSP_PROXY_EXPLICIT && t->proxy_user &&
        (t->proxy_password || !t->sign_on)) {
        curl_easy_setopt(h, CURLOPT_PROXYUSERNAME, t->proxy_user);
        curl_easy_setopt(h, CURLOPT_PROXYPASSWORD, t->proxy_password ? t->proxy_password : "");
        curl_easy_setopt(h, CURLOPT_PROXYAUTH, t->proxy_auth);
    } else if (t->sign_on) {
        /* ":": SSPI's default credentials, the logged-on user's (libcurl's
         * documented way; no name or password of ours is involved) */
        curl_easy_setopt(h, CURLOPT_PROXYUSERPWD, ":");
        curl_easy_setopt(h, CURLOPT_PROXYAUTH, (long)(CURLAUTH_NEGOTIATE | CURLAUTH_NTLM));
    }
}

/* After an unreachable hop: the next one of the route (1: try it), or, the
 * route used up, a new decision before the next request (0). */
int rc_route_next_hop(rc_transport *t, size_t used)
{
    int again = 0;
    plat_mutex_lock(t->lock);
    if (t->hop == used && used + 1 < t->route.n) {
        log_write(CRPKI_LOG_WARN, LOG_MODULE, "proxy: %s cannot be reached; trying %s",
                  rc_route_hop(t) ? rc_route_hop(t) : "DIRECT",
                  t->route.hops[used + 1] ? t->route.hops[used + 1] : "DIRECT");
        t->hop = used + 1;
        again = 1;
    } else if (t->hop == used && t->proxy_mode == RSSP_PROXY_SYSTEM) {
        t->route_stale = 1;
    } else if (t->hop != used) {
        again = 1; /* another thread moved on meanwhile */
    }
    plat_mutex_unlock(t->lock);
    if (!again && t->proxy_mode == RSSP_PROXY_SYSTEM)
        rc_proxy_auto_forget();
    return again;
}

void rc_transport_fake_system_proxy(rc_transport *t, const plat_proxy_settings *s,
                                    rc_autoconfig_fn ask, void *ask_ctx)
{
    plat_mutex_lock(t->lock);
    t->fake_settings = s;
    t->auto_opts.ask = ask;
    t->auto_opts.ask_ctx = ask_ctx;
    t->route_stale = 1;
    plat_mutex_unlock(t->lock);
    rc_proxy_auto_forget();
}
