/* The hand-written detached CMS SignedData (cms_build.h). */
#include "cms_build.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/error/fail.h"
#include "base/alg/alg.h"
#include "base/util/derw.h"
#include "base/util/strbuf.h"
#include "base/util/text.h"
#include "core/crypto/crypto.h"
#include "core/crypto/crypto_der.h"

/* Attribute ::= SEQUENCE { type OID, values SET { value } } */
static void attribute(strbuf *b, const char *oid, uint8_t vtag, const void *v, size_t vlen)
{
    strbuf s = {0}, set = {0};
    derw_oid(&s, oid);
    derw_tlv(&set, vtag, v, vlen);
    derw_wrap(&s, 0x31, &set);
    derw_wrap(b, 0x30, &s);
}

static int cmp_enc(const strbuf *a, const strbuf *b)
{
    size_t n = a->len < b->len ? a->len : b->len;
    int c = memcmp(a->p, b->p, n);
    return c ? c : (a->len > b->len) - (a->len < b->len);
}

crpki_err cms_prepare(const uint8_t md[32], int64_t unix_time, cms_prep *out, crpki_error_info *ei)
{
    memset(out, 0, sizeof *out);
    /* signingTime: UTCTime for 1950-2049 (RFC 5652 11.3) */
    int64_t days = unix_time / 86400, rem = unix_time % 86400, y;
    unsigned m, d;
    text_civil_from_days(days, &y, &m, &d);
    if (y < 1950 || y > 2049)
        return fail_with(ei, CRPKI_E_INVALID_ARG, "signing time out of UTCTime's range");
    char t[48];
    snprintf(t, sizeof t, "%02u%02u%02u%02u%02u%02uZ", (unsigned)(y % 100), m, d,
             (unsigned)(rem / 3600), (unsigned)(rem % 3600 / 60), (unsigned)(rem % 60));
    strbuf a[3] = {{0}, {0}, {0}};
    /* contentType's value is the OID itself: its TLV is the value */
    {
        strbuf s = {0}, set = {0};
        derw_oid(&s, CRPKI_OID_CONTENT_TYPE);
        derw_oid(&set, CRPKI_OID_PKCS7_DATA);
        derw_wrap(&s, 0x31, &set);
        derw_wrap(&a[0], 0x30, &s);
    }
    attribute(&a[1], CRPKI_OID_SIGNING_TIME, 0x17, t, strlen(t));
    attribute(&a[2], CRPKI_OID_MESSAGE_DIGEST, 0x04, md, 32);
    /* DER SET OF: the encodings in ascending order (X.690 11.6) */
    for (int i = 0; i < 3; i++)
        for (int j = i + 1; j < 3; j++)
            if (a[i].p && a[j].p && cmp_enc(&a[i], &a[j]) > 0) {
                strbuf x = a[i];
                a[i] = a[j];
                a[j] = x;
            }
    strbuf body = {0}, set = {0};
    int oom = 0;
    for (int i = 0; i < 3; i++) {
        oom |= a[i].oom || !a[i].p;
        if (a[i].p)
            strbuf_put(&body, a[i].p, a[i].len);
        strbuf_free(&a[i]);
    }
    derw_wrap(&set, 0x31, &body);
    if (oom || set.oom) {
        strbuf_free(&set);
        return fail_with(ei, CRPKI_E_NO_MEMORY, "CMS: out of memory");
    }
    crpki_err e = crypto_digest(CRPKI_HASH_SHA256, set.p, set.len, out->digest, 32);
    if (e != CRPKI_OK) {
        strbuf_free(&set);
        return fail_with(ei, e, "SHA-256 of the signed attributes failed");
    }
    out->attrs = (uint8_t *)set.p; /* owned now */
    out->attrs_len = set.len;
    return CRPKI_OK;
}

void cms_prep_free(cms_prep *p)
{
    if (!p)
        return;
    free(p->attrs);
    memset(p, 0, sizeof *p);
}

crpki_err cms_finish(const catalog_entry *key, const cms_prep *p, const uint8_t *sig,
                     size_t sig_len, uint8_t **der, size_t *der_len, crpki_error_info *ei)
{
    *der = NULL;
    *der_len = 0;
    crypto_cert_view v;
    char why[160];
    if (crypto_der_parse_cert(key->cert.der, key->cert.len, &v, why, sizeof why) != 0)
        return fail_with(ei, CRPKI_E_CONFIG, "keys.json: the certificate of %s: %s",
                         key->credential_id, why);
    uint8_t ecdsa[160];
    int ec = key->key_type == CRPKI_KEY_EC;
    if (ec) {
        size_t n = sizeof ecdsa;
        if (crypto_ecdsa_p1363_to_der(sig, sig_len, ecdsa, &n) != CRPKI_OK)
            return fail_with(ei, CRPKI_E_INTERNAL, "ECDSA signature encoding failed");
        sig = ecdsa;
        sig_len = n;
    }
    const alg_hash_info *sha256 = alg_hash_by_id(CRPKI_HASH_SHA256);
    const char *ecdsa_sha256 = NULL;
    for (const char *const *o = alg_sigalgs_for_key(CRPKI_KEY_EC); o && *o; o++) {
        const alg_sigalg_info *sa = alg_sigalg_by_oid(*o);
        if (sa && sa->hash == CRPKI_HASH_SHA256)
            ecdsa_sha256 = sa->oid;
    }
    if (!sha256 || (ec && !ecdsa_sha256))
        return fail_with(ei, CRPKI_E_INTERNAL, "CMS: no OID for SHA-256 / ecdsa-with-SHA256");
    /* SignerInfo */
    strbuf si = {0}, ias = {0};
    const uint8_t one[] = {0x02, 0x01, 0x01};
    strbuf_put(&si, one, sizeof one);
    strbuf_put(&ias, v.issuer.p, v.issuer.len);
    strbuf_put(&ias, v.serial.p, v.serial.len);
    derw_wrap(&si, 0x30, &ias);
    derw_algid(&si, sha256->oid, 0);
    /* signedAttrs [0] IMPLICIT: the signed SET OF with its tag changed */
    {
        uint8_t *a = malloc(p->attrs_len);
        if (a) {
            memcpy(a, p->attrs, p->attrs_len);
            a[0] = 0xA0;
            strbuf_put(&si, a, p->attrs_len);
            free(a);
        } else {
            si.oom = 1;
        }
    }
    if (ec)
        derw_algid(&si, ecdsa_sha256, 0);
    else
        derw_algid(&si, CRPKI_OID_RSA_ENCRYPTION, 1);
    derw_tlv(&si, 0x04, sig, sig_len);
    /* SignedData */
    strbuf sd = {0}, digs = {0}, encap = {0}, certs = {0}, infos = {0};
    strbuf_put(&sd, one, sizeof one);
    derw_algid(&digs, sha256->oid, 0);
    derw_wrap(&sd, 0x31, &digs);
    derw_oid(&encap, CRPKI_OID_PKCS7_DATA); /* detached: no eContent */
    derw_wrap(&sd, 0x30, &encap);
    strbuf_put(&certs, key->cert.der, key->cert.len);
    for (size_t i = 0; i < key->nchain; i++)
        strbuf_put(&certs, key->chain[i].der, key->chain[i].len);
    derw_wrap(&sd, 0xA0, &certs);
    derw_wrap(&infos, 0x30, &si);
    derw_wrap(&sd, 0x31, &infos);
    /* ContentInfo */
    strbuf ci = {0}, body = {0}, explicit0 = {0};
    derw_oid(&body, CRPKI_OID_PKCS7_SIGNED_DATA);
    derw_wrap(&explicit0, 0x30, &sd);
    derw_wrap(&body, 0xA0, &explicit0);
    derw_wrap(&ci, 0x30, &body);
    if (ci.oom || !ci.p) {
        strbuf_free(&ci);
        return fail_with(ei, CRPKI_E_NO_MEMORY, "CMS: out of memory");
    }
    *der = (uint8_t *)ci.p;
    *der_len = ci.len;
    return CRPKI_OK;
}
