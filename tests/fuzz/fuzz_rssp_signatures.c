/* Fuzzes the signHash parser and the DER checks of rssp_client: byte 0 picks
 * the key (RSA 1024/2048/3072/4096, EC 256/384/521), byte 1 the number of
 * hashes (1-8), the rest is the body. Accepted signatures must have exactly
 * the promised count and shape. The raw input also goes through the DER
 * checks directly. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "rc_parse.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static const struct {
        rssp_key_type type;
        unsigned bits;
    } KEYS[] = {{RSSP_KEY_RSA, 1024}, {RSSP_KEY_RSA, 2048}, {RSSP_KEY_RSA, 3072},
                {RSSP_KEY_RSA, 4096}, {RSSP_KEY_EC, 256},   {RSSP_KEY_EC, 384},
                {RSSP_KEY_EC, 521}};
    if (size < 2)
        return 0;
    /* the DER checks on the raw bytes */
    uint8_t *raw = malloc(size);
    if (!raw)
        return 0;
    memcpy(raw, data, size);
    int seq = rc_der_is_sequence(raw, size);
    if (rc_der_ecdsa_sig_ok(raw, size, 32) && (!seq || !rc_der_ecdsa_sig_ok(raw, size, 66)))
        abort(); /* what fits P-256 fits P-521, and is a SEQUENCE */
    free(raw);

    unsigned k = data[0] % (sizeof KEYS / sizeof KEYS[0]);
    size_t n = 1 + data[1] % 8;
    size_t len = size - 2;
    char *body = malloc(len ? len : 1);
    if (!body)
        return 0;
    memcpy(body, data + 2, len);
    rssp_signatures s;
    char err[256];
    if (rc_parse_signatures(body, len, n, KEYS[k].type, KEYS[k].bits, &s, err, sizeof err) == 0) {
        if (s.n != n || !s.sigs)
            abort();
        size_t kb = (KEYS[k].bits + 7) / 8;
        for (size_t i = 0; i < n; i++) {
            if (KEYS[k].type == RSSP_KEY_RSA && s.sigs[i].len != kb)
                abort();
            if (KEYS[k].type == RSSP_KEY_EC &&
                !rc_der_ecdsa_sig_ok(s.sigs[i].der, s.sigs[i].len, kb))
                abort();
        }
    } else if (s.sigs || s.n) {
        abort();
    }
    rssp_signatures_free(&s);
    free(body);
    return 0;
}
