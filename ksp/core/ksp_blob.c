#include "ksp_blob.h"

#include <stdlib.h>
#include <string.h>

#include "ksp_out.h"
#include "ksp_u16.h"
#include "provider/prov_capiblob.h"

ksp_blob_type ksp_blob_type_of(const uint16_t *name)
{
    static const char *const PRIVATE[] = {
        "RSAPRIVATEBLOB",   "RSAFULLPRIVATEBLOB",   "ECCPRIVATEBLOB",   "ECCFULLPRIVATEBLOB",
        "PRIVATEBLOB",      "CAPIPRIVATEBLOB",      "PKCS8_PRIVATEKEY", "PKCS7_ENVELOPE",
        "OpaqueTransport",  "DHPRIVATEBLOB",        "DSAPRIVATEBLOB",   "CipherKeyBlob",
        "ProtectedKeyBlob", "V1CAPIDSAPRIVATEBLOB",
    };
    if (ksp_u16_eq_ascii(name, "RSAPUBLICBLOB"))
        return KSP_BLOB_RSAPUBLIC;
    if (ksp_u16_eq_ascii(name, "ECCPUBLICBLOB"))
        return KSP_BLOB_ECCPUBLIC;
    if (ksp_u16_eq_ascii(name, "PUBLICBLOB"))
        return KSP_BLOB_PUBLIC;
    if (ksp_u16_eq_ascii(name, "CAPIPUBLICBLOB"))
        return KSP_BLOB_LEGACY_RSAPUBLIC;
    for (size_t i = 0; i < sizeof PRIVATE / sizeof PRIVATE[0]; i++)
        if (ksp_u16_eq_ascii(name, PRIVATE[i]))
            return KSP_BLOB_PRIVATE;
    return KSP_BLOB_UNKNOWN;
}

static void put32(uint8_t *p, uint32_t v)
{
    memcpy(p, &v, 4);
}

static uint32_t get32(const uint8_t *p)
{
    uint32_t v;
    memcpy(&v, p, 4);
    return v;
}

static ksp_code type_check(ksp_blob_type *t, alg_key_type kt, ksp_status *st)
{
    if (*t == KSP_BLOB_PRIVATE)
        return ksp_fail(st, KSP_E_NOT_SUPPORTED,
                        "private key export: the key never leaves the service's HSM");
    if (*t == KSP_BLOB_UNKNOWN)
        return ksp_fail(st, KSP_E_BAD_TYPE, "unknown blob type");
    if (*t == KSP_BLOB_PUBLIC)
        *t = kt == CRPKI_KEY_RSA ? KSP_BLOB_RSAPUBLIC : KSP_BLOB_ECCPUBLIC;
    int rsa_blob = *t == KSP_BLOB_RSAPUBLIC || *t == KSP_BLOB_LEGACY_RSAPUBLIC;
    if ((kt == CRPKI_KEY_RSA) != rsa_blob)
        return ksp_fail(st, KSP_E_BAD_TYPE, "blob type does not fit a%s key",
                        kt == CRPKI_KEY_RSA ? "n RSA" : "n EC");
    return KSP_OK;
}

ksp_code ksp_blob_build(ksp_blob_type t, const crypto_pubkey_info *k, uint32_t legacy_alg,
                        uint8_t *out, size_t outsz, size_t *res, ksp_status *st)
{
    if (!k)
        return ksp_fail_core(st, CRPKI_E_INTERNAL, "no key material");
    ksp_code c = type_check(&t, k->type, st);
    if (c != KSP_OK)
        return c;
    size_t len;
    uint8_t *b;
    if (t == KSP_BLOB_RSAPUBLIC) {
        len = 24 + k->elen + k->nlen;
        if (!(b = calloc(1, len)))
            return ksp_fail_core(st, CRPKI_E_NO_MEMORY, "out of memory");
        put32(b, KSP_RSA1_MAGIC);
        put32(b + 4, k->bits);
        put32(b + 8, (uint32_t)k->elen);
        put32(b + 12, (uint32_t)k->nlen);
        memcpy(b + 24, k->e, k->elen);
        memcpy(b + 24 + k->elen, k->n, k->nlen);
    } else if (t == KSP_BLOB_ECCPUBLIC) {
        uint32_t magic = k->curve == CRPKI_CURVE_P256   ? KSP_ECS1_MAGIC
                         : k->curve == CRPKI_CURVE_P384 ? KSP_ECS3_MAGIC
                                                        : 0;
        if (!magic)
            return ksp_fail(st, KSP_E_NOT_SUPPORTED, "curve not supported");
        len = 8 + 2 * k->coord_len;
        if (!(b = calloc(1, len)))
            return ksp_fail_core(st, CRPKI_E_NO_MEMORY, "out of memory");
        put32(b, magic);
        put32(b + 4, (uint32_t)k->coord_len);
        memcpy(b + 8, k->x, k->coord_len);
        memcpy(b + 8 + k->coord_len, k->y, k->coord_len);
    } else { /* legacy: the CryptoAPI PUBLICKEYBLOB the CSP exports too */
        crpki_err e = prov_capi_blob_build(k, legacy_alg, &b, &len);
        if (e == CRPKI_E_NOT_SUPPORTED)
            return ksp_fail_core(st, e, "key does not fit a CryptoAPI PUBLICKEYBLOB");
        if (e != CRPKI_OK)
            return ksp_fail_core(st, e, "building the PUBLICKEYBLOB");
    }
    c = ksp_out_bytes(b, len, out, outsz, res, st);
    free(b);
    return c;
}

void ksp_blob_parsed_free(ksp_blob_parsed *p)
{
    if (!p)
        return;
    free(p->n);
    free(p->e);
    free(p->x);
    free(p->y);
    memset(p, 0, sizeof *p);
}

static uint8_t *dup_bytes(const uint8_t *p, size_t n)
{
    uint8_t *d = malloc(n ? n : 1);
    if (d && n)
        memcpy(d, p, n);
    return d;
}

static ksp_code parse_rsa(const uint8_t *in, size_t len, ksp_blob_parsed *o, ksp_status *st)
{
    if (len < 24)
        return ksp_fail(st, KSP_E_BAD_DATA, "RSA public blob shorter than its header");
    uint32_t bits = get32(in + 4), elen = get32(in + 8), nlen = get32(in + 12);
    if (get32(in) != KSP_RSA1_MAGIC)
        return ksp_fail(st, KSP_E_BAD_DATA, "RSA public blob magic is not RSA1");
    if (get32(in + 16) || get32(in + 20))
        return ksp_fail(st, KSP_E_BAD_DATA, "RSA public blob holds private primes");
    if (elen == 0 || elen > 8 || nlen == 0 || nlen > 2048 || (bits + 7) / 8 != nlen ||
        len != 24 + (size_t)elen + nlen)
        return ksp_fail(st, KSP_E_BAD_DATA, "RSA public blob sizes are inconsistent");
    o->type = CRPKI_KEY_RSA;
    o->bits = bits;
    o->e = dup_bytes(in + 24, elen);
    o->n = dup_bytes(in + 24 + elen, nlen);
    o->elen = elen;
    o->nlen = nlen;
    if (!o->e || !o->n)
        return ksp_fail_core(st, CRPKI_E_NO_MEMORY, "out of memory");
    return KSP_OK;
}

static ksp_code parse_ecc(const uint8_t *in, size_t len, ksp_blob_parsed *o, ksp_status *st)
{
    if (len < 8)
        return ksp_fail(st, KSP_E_BAD_DATA, "ECC public blob shorter than its header");
    uint32_t magic = get32(in), cb = get32(in + 4);
    if (magic == KSP_ECS1_MAGIC && cb == 32) {
        o->curve = CRPKI_CURVE_P256;
    } else if (magic == KSP_ECS3_MAGIC && cb == 48) {
        o->curve = CRPKI_CURVE_P384;
    } else {
        return ksp_fail(st, KSP_E_BAD_DATA, "ECC public blob is not ECDSA P-256/P-384");
    }
    if (len != 8 + 2 * (size_t)cb)
        return ksp_fail(st, KSP_E_BAD_DATA, "ECC public blob size does not match cbKey");
    o->type = CRPKI_KEY_EC;
    o->bits = cb * 8;
    o->coord_len = cb;
    o->x = dup_bytes(in + 8, cb);
    o->y = dup_bytes(in + 8 + cb, cb);
    if (!o->x || !o->y)
        return ksp_fail_core(st, CRPKI_E_NO_MEMORY, "out of memory");
    return KSP_OK;
}

static ksp_code parse_legacy(const uint8_t *in, size_t len, ksp_blob_parsed *o, ksp_status *st)
{
    if (len < 20)
        return ksp_fail(st, KSP_E_BAD_DATA, "PUBLICKEYBLOB shorter than its header");
    uint32_t alg = get32(in + 4), bits = get32(in + 12), pubexp = get32(in + 16);
    if (in[0] != KSP_PUBLICKEYBLOB || in[1] != KSP_CUR_BLOB_VER ||
        (alg != KSP_CALG_RSA_SIGN && alg != KSP_CALG_RSA_KEYX) || get32(in + 8) != KSP_RSA1_MAGIC)
        return ksp_fail(st, KSP_E_BAD_DATA, "not an RSA PUBLICKEYBLOB");
    if (bits == 0 || bits % 8 || bits > 16384 || len != 20 + (size_t)bits / 8 || pubexp == 0)
        return ksp_fail(st, KSP_E_BAD_DATA, "PUBLICKEYBLOB sizes are inconsistent");
    size_t nlen = bits / 8;
    o->type = CRPKI_KEY_RSA;
    o->bits = bits;
    o->n = malloc(nlen);
    o->e = malloc(4);
    if (!o->n || !o->e)
        return ksp_fail_core(st, CRPKI_E_NO_MEMORY, "out of memory");
    for (size_t i = 0; i < nlen; i++)
        o->n[i] = in[20 + nlen - 1 - i];
    o->nlen = nlen;
    size_t el = 0;
    for (int sh = 24; sh >= 0; sh -= 8)
        if (el || (pubexp >> sh) & 0xff)
            o->e[el++] = (uint8_t)(pubexp >> sh);
    o->elen = el;
    return KSP_OK;
}

ksp_code ksp_blob_parse(ksp_blob_type t, const uint8_t *in, size_t len, ksp_blob_parsed *out,
                        ksp_status *st)
{
    memset(out, 0, sizeof *out);
    if (t == KSP_BLOB_PRIVATE)
        return ksp_fail(st, KSP_E_NOT_SUPPORTED,
                        "private key import: this provider holds no private keys");
    if (t == KSP_BLOB_UNKNOWN)
        return ksp_fail(st, KSP_E_BAD_TYPE, "unknown blob type");
    if (!in || len == 0)
        return ksp_fail(st, KSP_E_INVALID_ARG, "no blob data");
    if (t == KSP_BLOB_PUBLIC) {
        if (len < 4)
            return ksp_fail(st, KSP_E_BAD_DATA, "blob shorter than its magic");
        uint32_t magic = get32(in);
        t = magic == KSP_RSA1_MAGIC ? KSP_BLOB_RSAPUBLIC : KSP_BLOB_ECCPUBLIC;
    }
    ksp_code c = t == KSP_BLOB_RSAPUBLIC   ? parse_rsa(in, len, out, st)
                 : t == KSP_BLOB_ECCPUBLIC ? parse_ecc(in, len, out, st)
                                           : parse_legacy(in, len, out, st);
    if (c != KSP_OK)
        ksp_blob_parsed_free(out);
    return c;
}
