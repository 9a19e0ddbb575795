#include "rc_proxy.h"

#include <stdlib.h>
#include <string.h>

#include "rc_util.h"

static char lower(char c)
{
    return (c >= 'A' && c <= 'Z') ? (char)(c - 'A' + 'a') : c;
}

static int ieq_n(const char *a, const char *b, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (lower(a[i]) != lower(b[i]))
            return 0;
    return 1;
}

/* Moves *p past separators (any of seps) to the next list item; its length,
 * 0 at the end of the list. */
static size_t next_item(const char **p, const char *seps)
{
    *p += strspn(*p, seps);
    return strcspn(*p, seps);
}

int rc_host_is_loopback(const char *host)
{
    if (!host)
        return 0;
    size_t n = strlen(host);
    if (n == 9 && ieq_n(host, "localhost", 9))
        return 1;
    if (n > 10 && ieq_n(host + n - 10, ".localhost", 10))
        return 1;
    if (strcmp(host, "::1") == 0)
        return 1;
    return strncmp(host, "127.", 4) == 0 && strspn(host, "0123456789.") == n;
}

int rc_noproxy_match(const char *host, const char *list)
{
    if (!host || !list)
        return 0;
    size_t hlen = strlen(host);
    while (hlen > 0 && host[hlen - 1] == '.')
        hlen--;
    size_t n;
    for (const char *p = list; (n = next_item(&p, ", \t")) != 0; p += n) {
        const char *e = p;
        size_t elen = n;
        if (elen == 1 && e[0] == '*')
            return 1;
        if (e[0] == '.') {
            e++;
            elen--;
        }
        while (elen > 0 && e[elen - 1] == '.')
            elen--;
        if (elen > 0 && elen <= hlen && ieq_n(host + hlen - elen, e, elen) &&
            (elen == hlen || host[hlen - elen - 1] == '.'))
            return 1;
    }
    return 0;
}

/* '*' matches any run of characters; case-insensitive. */
static int wild_match(const char *pat, size_t plen, const char *s)
{
    size_t pi = 0, si = 0, star = (size_t)-1, mark = 0, slen = strlen(s);
    while (si < slen) {
        if (pi < plen && pat[pi] == '*') {
            star = pi++;
            mark = si;
        } else if (pi < plen && lower(pat[pi]) == lower(s[si])) {
            pi++;
            si++;
        } else if (star != (size_t)-1) {
            pi = star + 1;
            si = ++mark;
        } else {
            return 0;
        }
    }
    while (pi < plen && pat[pi] == '*')
        pi++;
    return pi == plen;
}

int rc_wininet_bypass_match(const char *host, const char *list)
{
    if (!host || !list)
        return 0;
    size_t n;
    for (const char *p = list; (n = next_item(&p, "; \t\r\n")) != 0; p += n) {
        if (n == 7 && ieq_n(p, "<local>", 7)) {
            if (!strchr(host, '.') && !strchr(host, ':'))
                return 1;
        } else if (wild_match(p, n, host)) {
            return 1;
        }
    }
    return 0;
}

char *rc_wininet_pick(const char *list, int *oom)
{
    *oom = 0;
    if (!list)
        return NULL;
    const char *bare = NULL, *https = NULL;
    size_t bare_n = 0, https_n = 0;
    size_t n;
    for (const char *p = list; (n = next_item(&p, "; \t\r\n")) != 0; p += n) {
        const char *eq = memchr(p, '=', n);
        if (!eq) {
            if (!bare) {
                bare = p;
                bare_n = n;
            }
        } else if ((size_t)(eq - p) == 5 && ieq_n(p, "https", 5) && !https) {
            https = eq + 1;
            https_n = n - 6;
        }
    }
    const char *v = https ? https : bare;
    size_t vn = https ? https_n : bare_n;
    if (!v || vn == 0)
        return NULL;
    strbuf b = {0};
    /* "host:port" names an HTTP proxy (CONNECT); keep an explicit scheme */
    int has_scheme = 0;
    for (size_t i = 0; i + 3 <= vn; i++)
        if (memcmp(v + i, "://", 3) == 0)
            has_scheme = 1;
    if (!has_scheme)
        strbuf_puts(&b, "http://");
    strbuf_put(&b, v, vn);
    if (b.oom) {
        strbuf_free(&b);
        *oom = 1;
        return NULL;
    }
    return b.p;
}

void rc_route_free(rc_route *r)
{
    if (!r)
        return;
    for (size_t i = 0; i < r->n; i++)
        free(r->hops[i]);
    free(r->hops);
    free(r->script);
    free(r->note);
    memset(r, 0, sizeof *r);
}

/* Appends hop (taken; NULL: DIRECT). -1 out of memory (hop freed). */
static int add_hop(rc_route *r, char *hop)
{
    char **v = realloc(r->hops, (r->n + 1) * sizeof *v);
    if (!v) {
        free(hop);
        return -1;
    }
    r->hops = v;
    r->hops[r->n++] = hop;
    return 0;
}

int rc_route_add_list(rc_route *r, const char *list)
{
    size_t n;
    for (const char *p = list; p && (n = next_item(&p, "; \t\r\n")) != 0; p += n) {
        if (n == 5 && ieq_n(p, "PROXY", 5))
            continue; /* "PROXY h:p" spelled as the script wrote it */
        if (n == 6 && ieq_n(p, "DIRECT", 6)) {
            if (add_hop(r, NULL) < 0)
                return -1;
            continue;
        }
        char *item = malloc(n + 1);
        if (!item)
            return -1;
        memcpy(item, p, n);
        item[n] = '\0';
        int oom = 0;
        char *hop = rc_wininet_pick(item, &oom);
        free(item);
        if (oom || (hop && add_hop(r, hop) < 0))
            return -1;
    }
    return 0;
}

static int add_note(rc_route *r, const char *what, const char *why)
{
    strbuf b = {0};
    if (r->note) {
        strbuf_puts(&b, r->note);
        strbuf_puts(&b, "; ");
    }
    strbuf_puts(&b, what);
    strbuf_puts(&b, ": ");
    strbuf_puts(&b, why ? why : "no answer");
    if (b.oom) {
        strbuf_free(&b);
        return -1;
    }
    free(r->note);
    r->note = b.p;
    return 0;
}

/* Runs the script (pac_url, or WPAD's when NULL): 1 when it answered (the
 * route is set), 0 when passed over (noted), -1 out of memory. */
static int try_script(const rc_proxy_sources *src, const char *url, const char *pac_url,
                      rc_route *r)
{
    char *list = NULL, *why = NULL, *found = NULL;
    int rc = src->autoconfig(src->ctx, url, pac_url, &list, &found, &why);
    int out = -1;
    if (rc == 0) {
        r->from = pac_url ? RSSP_ROUTE_PAC : RSSP_ROUTE_WPAD;
        r->script = plat_strdup(pac_url ? pac_url : found ? found : "");
        out = r->script && rc_route_add_list(r, list) == 0 ? 1 : -1;
        /* a script that names only DIRECT leaves no hop: direct */
        if (out == 1 && r->n == 1 && !r->hops[0]) {
            free(r->hops);
            r->hops = NULL;
            r->n = 0;
        }
    } else if (rc == 1) {
        strbuf what = {0};
        strbuf_puts(&what, pac_url ? "setup script " : "automatic detection");
        if (pac_url)
            strbuf_puts(&what, pac_url);
        out = what.oom ? -1 : add_note(r, what.p, why) < 0 ? -1 : 0;
        strbuf_free(&what);
    }
    free(list);
    free(why);
    free(found);
    return out;
}

static int route_system(const rc_proxy_sources *src, const char *url, const char *host, rc_route *r)
{
    if (src->env_proxy && *src->env_proxy) {
        if (rc_noproxy_match(host, src->env_no_proxy))
            return 0;
        r->from = RSSP_ROUTE_ENVIRONMENT;
        char *hop = plat_strdup(src->env_proxy);
        return hop ? add_hop(r, hop) : -1;
    }
    if (src->autoconfig) {
        int got = 0;
        if (src->auto_detect)
            got = try_script(src, url, NULL, r);
        if (got == 0 && src->pac_url && *src->pac_url)
            got = try_script(src, url, src->pac_url, r);
        if (got != 0)
            return got < 0 ? -1 : 0;
    }
    if (src->win_proxy && *src->win_proxy) {
        r->from = RSSP_ROUTE_STATIC;
        if (rc_wininet_bypass_match(host, src->win_bypass))
            return 0;
        int oom = 0;
        char *hop = rc_wininet_pick(src->win_proxy, &oom);
        if (oom)
            return -1;
        return hop ? add_hop(r, hop) : 0;
    }
    return 0;
}

int rc_route_for(const rc_proxy_sources *src, const char *url, const char *host, rc_route *out)
{
    memset(out, 0, sizeof *out);
    if (rc_host_is_loopback(host))
        return 0;
    if (route_system(src, url, host, out) < 0) {
        rc_route_free(out);
        return -1;
    }
    return 0;
}

void rssp_route_free(rssp_route *r)
{
    if (!r)
        return;
    free(r->proxy);
    free(r->script);
    free(r->note);
    memset(r, 0, sizeof *r);
}
