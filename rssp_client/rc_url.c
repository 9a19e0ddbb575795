#include "rc_url.h"

#include <stdlib.h>
#include <string.h>

#include "rc_util.h"
#include "base/util/errbuf.h"

#define E(...) errbuf_set(err, errsz, __VA_ARGS__)

static int unreserved(int c)
{
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' ||
           c == '.' || c == '_' || c == '~';
}

static int path_char(int c)
{
    return c && (unreserved(c) || strchr("!$&'()*+,;=:@/", c) != NULL);
}

static int is_hex(int c)
{
    return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}

/* "1".."65535" without a leading zero; advances *p. */
static int parse_port(const char **p)
{
    const char *s = *p;
    if (*s < '1' || *s > '9')
        return 0;
    long port = 0;
    int n = 0;
    while (*s >= '0' && *s <= '9') {
        if (++n > 5)
            return 0;
        port = port * 10 + (*s - '0');
        s++;
    }
    if (port > 65535)
        return 0;
    *p = s;
    return 1;
}

int rc_service_url_parse(const char *url, char **base, char **host, char *err, size_t errsz)
{
    *base = *host = NULL;
    if (!url || !*url) {
        E("service_url: missing");
        return -1;
    }
    if (strlen(url) > 2048) {
        E("service_url: too long");
        return -1;
    }
    const char *p = url;
    static const char HTTPS[] = "https://";
    for (size_t i = 0; i < 8; i++) {
        char c = p[i];
        if (c >= 'A' && c <= 'Z')
            c = (char)(c - 'A' + 'a');
        if (c != HTTPS[i]) {
            E("service_url: must be https://");
            return -1;
        }
    }
    p += 8;
    const char *h0 = p, *h1;
    if (*p == '[') {
        p++;
        while (is_hex(*p) || *p == ':' || *p == '.')
            p++;
        if (*p != ']' || p == h0 + 1) {
            E("service_url: malformed IPv6 host");
            return -1;
        }
        h0++;
        h1 = p;
        p++;
    } else {
        while ((*p >= 'A' && *p <= 'Z') || (*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9') ||
               *p == '-' || *p == '.' || *p == '_')
            p++;
        h1 = p;
        if (h1 == h0) {
            E("service_url: missing host");
            return -1;
        }
    }
    if (*p == ':') {
        p++;
        if (!parse_port(&p)) {
            E("service_url: bad port");
            return -1;
        }
    }
    if (*p && *p != '/') {
        E("service_url: unexpected character after the host (user info, query or fragment are "
          "not allowed)");
        return -1;
    }
    for (const char *q = p; *q; q++) {
        if (*q == '%' && is_hex(q[1]) && is_hex(q[2])) {
            q += 2;
            continue;
        }
        if (!path_char((unsigned char)*q)) {
            E("service_url: the path holds a character that is not allowed (query or fragment?)");
            return -1;
        }
    }
    size_t blen = strlen(url);
    while (blen > (size_t)(p - url) && url[blen - 1] == '/')
        blen--;
    *base = rc_strndup(url, blen);
    *host = rc_strndup(h0, (size_t)(h1 - h0));
    if (!*base || !*host) {
        free(*base);
        free(*host);
        *base = *host = NULL;
        E("out of memory");
        return -1;
    }
    /* the scheme in lower case, for curl's protocol filter and readability */
    memcpy(*base, "https://", 8);
    return 0;
}

int rc_redirect_uri_ok(const char *uri)
{
    if (!uri)
        return 0;
    static const char *const PREFIX[] = {"http://127.0.0.1:", "http://localhost:", "http://[::1]:"};
    const char *p = NULL;
    for (size_t i = 0; i < 3; i++) {
        size_t l = strlen(PREFIX[i]);
        if (strncmp(uri, PREFIX[i], l) == 0) {
            p = uri + l;
            break;
        }
    }
    if (!p || !parse_port(&p) || *p != '/')
        return 0;
    int in_query = 0;
    size_t total = 0;
    for (; *p; p++) {
        if (++total > 1024)
            return 0;
        unsigned char c = (unsigned char)*p;
        if (c == '%') {
            if (!is_hex(p[1]) || !is_hex(p[2]))
                return 0;
            p += 2;
        } else if (c == '?') {
            if (in_query)
                return 0;
            in_query = 1;
        } else if (!path_char(c)) {
            return 0;
        }
    }
    return 1;
}

void rc_authz_response_free(rc_authz_response *r)
{
    if (!r)
        return;
    rc_free_secret(r->code);
    free(r->state);
    free(r->error);
    free(r->error_description);
    free(r->iss);
    memset(r, 0, sizeof *r);
}

int rc_authz_response_parse(const char *redirect, rc_authz_response *out, char *err, size_t errsz)
{
    memset(out, 0, sizeof *out);
    if (!redirect || !*redirect) {
        E("redirect: empty");
        return -1;
    }
    if (strlen(redirect) > 16384) {
        E("redirect: too long");
        return -1;
    }
    const char *q = strchr(redirect, '?');
    if (q) {
        q++;
    } else if (strstr(redirect, "://")) {
        E("redirect: the URL has no query");
        return -1;
    } else {
        q = redirect;
    }
    size_t qlen = strcspn(q, "#");
    const char *end = q + qlen;
    while (q < end) {
        const char *amp = memchr(q, '&', (size_t)(end - q));
        const char *pe = amp ? amp : end;
        if (pe == q) {
            E("redirect: empty parameter in the query");
            goto fail;
        }
        const char *eq = memchr(q, '=', (size_t)(pe - q));
        if (!eq) {
            E("redirect: parameter without '='");
            goto fail;
        }
        int oom = 0;
        char *name = rc_url_decode(q, (size_t)(eq - q), &oom);
        char *value = name ? rc_url_decode(eq + 1, (size_t)(pe - eq - 1), &oom) : NULL;
        if (!name || !value) {
            free(name);
            free(value);
            E("redirect: %s", oom ? "out of memory" : "malformed %-escape in the query");
            goto fail;
        }
        char **slot = strcmp(name, "code") == 0                ? &out->code
                      : strcmp(name, "state") == 0             ? &out->state
                      : strcmp(name, "error") == 0             ? &out->error
                      : strcmp(name, "error_description") == 0 ? &out->error_description
                      : strcmp(name, "iss") == 0               ? &out->iss
                                                               : NULL;
        if (slot && *slot) {
            E("redirect: parameter %s appears twice", name);
            free(name);
            rc_free_secret(value);
            goto fail;
        }
        free(name);
        if (slot)
            *slot = value;
        else
            rc_free_secret(value);
        q = amp ? amp + 1 : end;
        if (amp && q == end) {
            E("redirect: empty parameter in the query");
            goto fail;
        }
    }
    return 0;
fail:
    rc_authz_response_free(out);
    return -1;
}
