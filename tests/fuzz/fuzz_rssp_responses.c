/* Fuzzes rssp_client's response parsers (rssp_client/rc_parse.h): the first
 * byte picks the parser, the rest is the body, in a buffer of exactly its
 * size (no terminator: an over-read is an ASan error). Whatever parses must
 * satisfy the parser's promises; whatever fails must leave nothing behind. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "rc_parse.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check_printable(const char *s)
{
    if (!s || !*s)
        abort();
    for (; *s; s++)
        if ((unsigned char)*s < 0x21 || (unsigned char)*s > 0x7E)
            abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1)
        return 0;
    unsigned sel = data[0] % 8;
    size_t len = size - 1;
    char *body = malloc(len ? len : 1);
    if (!body)
        return 0;
    memcpy(body, data + 1, len);
    char err[256];
    switch (sel) {
    case 0: {
        char e[64], d[160];
        if (rc_parse_error(body, len, e, sizeof e, d, sizeof d) == 0)
            check_printable(e);
        else if (e[0])
            abort();
        break;
    }
    case 1: {
        rssp_tokens t;
        if (rc_parse_tokens(body, len, 1000, &t, err, sizeof err) == 0) {
            check_printable(t.access_token);
            check_printable(t.refresh_token);
            if (t.access_expires_at <= 1000)
                abort();
        } else if (t.access_token || t.refresh_token || t.scope) {
            abort();
        }
        rssp_tokens_free(&t);
        break;
    }
    case 2: {
        rssp_service_info i;
        if (rc_parse_info(body, len, &i, err, sizeof err) == 0) {
            if (!i.name || !i.specs || i.max_signatures == 0)
                abort();
        } else if (i.name || i.specs || i.region) {
            abort();
        }
        rssp_service_info_free(&i);
        break;
    }
    case 3: {
        char **ids;
        size_t n;
        if (rc_parse_list(body, len, &ids, &n, err, sizeof err) == 0) {
            for (size_t i = 0; i < n; i++)
                check_printable(ids[i]);
            rssp_free_strings(ids, n);
        } else if (ids || n) {
            abort();
        }
        break;
    }
    case 4: {
        rssp_credential c;
        if (rc_parse_credential(body, len, "cred", &c, err, sizeof err) == 0) {
            if (!c.id || c.ncerts == 0 || !c.certs || c.nalgos == 0 || c.key_bits == 0 ||
                (c.key_type == RSSP_KEY_EC) != (c.curve_oid != NULL))
                abort();
            for (size_t i = 0; i < c.ncerts; i++)
                if (!rc_der_is_sequence(c.certs[i].der, c.certs[i].len))
                    abort();
        } else if (c.id || c.certs || c.algos) {
            abort();
        }
        rssp_credential_free(&c);
        break;
    }
    case 5: {
        rc_authz a;
        if (rc_parse_authorize(body, len, &a, err, sizeof err) == 0) {
            check_printable(a.handle);
            if (strlen(a.code) != 4 || strspn(a.code, "0123456789") != 4 || a.expires_in == 0)
                abort();
        } else if (a.handle) {
            abort();
        }
        rc_authz_free(&a);
        break;
    }
    case 6:
    case 7: {
        rc_check c;
        int status = sel == 6 ? 200 : 202;
        if (rc_parse_check(status, body, len, &c, err, sizeof err) == 0) {
            if (c.approved != (status == 200) || (c.approved && !c.sad))
                abort();
            if (c.sad)
                check_printable(c.sad);
        } else if (c.sad) {
            abort();
        }
        rc_check_free(&c);
        break;
    }
    }
    free(body);
    return 0;
}
