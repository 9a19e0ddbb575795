/* Fuzzes what rssp_client reads from text it did not write: the browser's
 * redirect (rc_authz_response_parse), redirect URIs and service URLs it is
 * given, Retry-After headers. Byte 0 picks the function; the rest is a
 * NUL-terminated string. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "rc_backoff.h"
#include "rc_url.h"
#include "rc_util.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1)
        return 0;
    char *s = malloc(size);
    if (!s)
        return 0;
    memcpy(s, data + 1, size - 1);
    s[size - 1] = '\0';
    char err[256];
    switch (data[0] % 4) {
    case 0: {
        rc_authz_response r;
        if (rc_authz_response_parse(s, &r, err, sizeof err) == 0) {
            /* decoded values never hold a NUL before their end: nothing to check
             * beyond them being strings; exercise them */
            size_t t = 0;
            if (r.code)
                t += strlen(r.code);
            if (r.state)
                t += strlen(r.state);
            if (t > size)
                abort();
        } else if (r.code || r.state || r.error || r.error_description) {
            abort();
        }
        rc_authz_response_free(&r);
        break;
    }
    case 1:
        if (rc_redirect_uri_ok(s) && strncmp(s, "http://", 7) != 0)
            abort();
        break;
    case 2: {
        char *base = NULL, *host = NULL;
        if (rc_service_url_parse(s, &base, &host, err, sizeof err) == 0) {
            if (strncmp(base, "https://", 8) != 0 || !*host)
                abort();
            /* no query, fragment or user info ('@' is fine in the path) */
            size_t auth = strcspn(base + 8, "/");
            if (strchr(base, '?') || strchr(base, '#') || memchr(base + 8, '@', auth))
                abort();
        } else if (base || host) {
            abort();
        }
        free(base);
        free(host);
        break;
    }
    case 3: {
        long v = rc_parse_retry_after(s, 1700000000);
        if (v < -1 || v > 86400)
            abort();
        break;
    }
    }
    free(s);
    return 0;
}
