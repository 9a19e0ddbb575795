#include "prov_capiblob.h"

#include <stdlib.h>

static void put32le(uint8_t *p, uint32_t v)
{
    p[0] = (uint8_t)v;
    p[1] = (uint8_t)(v >> 8);
    p[2] = (uint8_t)(v >> 16);
    p[3] = (uint8_t)(v >> 24);
}

crpki_err prov_capi_blob_build(const crypto_pubkey_info *k, uint32_t alg, uint8_t **out,
                               size_t *len)
{
    *out = NULL;
    *len = 0;
    if (k->type != CRPKI_KEY_RSA || k->elen > 4 || k->nlen == 0)
        return CRPKI_E_NOT_SUPPORTED;
    size_t mlen = ((size_t)k->bits + 7) / 8;
    if (mlen < k->nlen) /* leading zero bytes in n: keep every byte given */
        mlen = k->nlen;
    uint32_t pubexp = 0;
    for (size_t i = 0; i < k->elen; i++)
        pubexp = pubexp << 8 | k->e[i];
    uint8_t *b = calloc(1, PROV_CAPI_HEADER_LEN + mlen);
    if (!b)
        return CRPKI_E_NO_MEMORY;
    b[0] = PROV_CAPI_PUBLICKEYBLOB;
    b[1] = PROV_CAPI_BLOB_VERSION;
    put32le(b + 4, alg);
    put32le(b + 8, PROV_CAPI_RSA1_MAGIC);
    put32le(b + 12, (uint32_t)(mlen * 8));
    put32le(b + 16, pubexp);
    for (size_t i = 0; i < k->nlen; i++) /* little-endian, zero-padded at the top */
        b[PROV_CAPI_HEADER_LEN + i] = k->n[k->nlen - 1 - i];
    *out = b;
    *len = PROV_CAPI_HEADER_LEN + mlen;
    return CRPKI_OK;
}
