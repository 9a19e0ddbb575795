/* libFuzzer target: the key catalog's loader and the certificate / public
 * key parser under it. The first byte picks what the rest is fed to:
 *   0: keys.json text (catalog_parse); what loads must format and
 *      load back the same;
 *   1: a DER certificate (crypto_pubkey_from_cert, then a verification;
 *      crypto_der_parse_cert, the chain checks of `use`, the holder and
 *      company crypto_cert_holder reads);
 *   2: a bare subjectPublicKeyInfo (crypto_der_parse_spki);
 *   3: an ECDSA DER signature (crypto_ecdsa_der_to_p1363 and back). */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/catalog/catalog.h"
#include "core/crypto/crypto_cert.h"
#include "core/crypto/crypto_der.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void fuzz_json(const uint8_t *p, size_t n)
{
    catalog_keys cat, back;
    crpki_error_info ei;
    if (catalog_parse((const char *)p, n, &cat, &ei) != CRPKI_OK) {
        if (cat.n != 0 || cat.v || ei.code != CRPKI_E_CONFIG || !ei.detail[0])
            abort(); /* a failure returns nothing and says why */
        return;
    }
    char *text = NULL;
    size_t len = 0;
    if (catalog_format(&cat, &text, &len, &ei) != CRPKI_OK)
        abort();
    if (catalog_parse(text, len, &back, &ei) != CRPKI_OK || back.n != cat.n)
        abort();
    for (size_t i = 0; i < cat.n; i++) {
        if (strcmp(cat.v[i].credential_id, back.v[i].credential_id) != 0 ||
            cat.v[i].cert.len != back.v[i].cert.len ||
            catalog_find(&cat, cat.v[i].credential_id, CRPKI_CAT_CSP) !=
                (cat.v[i].providers & CRPKI_CAT_CSP ? &cat.v[i] : NULL))
            abort();
        catalog_entry copy;
        if (catalog_entry_copy(&cat.v[i], &copy) == CRPKI_OK)
            catalog_entry_free(&copy);
        (void)catalog_entry_sig_len(&cat.v[i]);
    }
    (void)catalog_find(&cat, NULL, CRPKI_CAT_KSP);
    if (cat.n)
        (void)catalog_remove(&cat, cat.v[0].credential_id);
    free(text);
    catalog_free(&back);
    catalog_free(&cat);
}

static void fuzz_cert(const uint8_t *p, size_t n)
{
    crypto_pubkey *k = NULL;
    crpki_error_info ei;
    if (crypto_pubkey_from_cert(p, n, &k, &ei) != CRPKI_OK) {
        if (k || !ei.detail[0])
            abort();
        return;
    }
    crypto_pubkey_info info;
    crypto_pubkey_get_info(k, &info);
    /* a verification of garbage must fail cleanly */
    uint8_t digest[32] = {1}, sig[1024] = {0};
    size_t sig_len = info.type == CRPKI_KEY_RSA ? info.nlen : 2 * info.coord_len;
    crypto_sig_params sp = {info.type == CRPKI_KEY_RSA ? CRPKI_PAD_PKCS1 : CRPKI_PAD_ECDSA,
                            CRPKI_HASH_SHA256, 0};
    if (sig_len <= sizeof sig && crypto_verify(k, &sp, digest, 32, sig, sig_len) == CRPKI_OK)
        abort();
    crypto_pubkey_free(k);
}

/* The chain checks: views inside the input, a verdict for anything. */
static void fuzz_chain(const uint8_t *p, size_t n)
{
    crypto_cert_view v;
    char why[128];
    if (crypto_der_parse_cert(p, n, &v, why, sizeof why) == 0) {
        const der_span *s[] = {&v.tbs, &v.sig_oid, &v.sig, &v.issuer, &v.subject, &v.spki};
        for (size_t i = 0; i < sizeof s / sizeof s[0]; i++)
            if (s[i]->p < p || s[i]->p + s[i]->len > p + n)
                abort();
    }
    /* the holder and company: NUL-terminated inside their buffers */
    char cn[16], org[16];
    if (crypto_cert_holder(p, n, cn, sizeof cn, org, sizeof org) == 0 &&
        (!memchr(cn, 0, sizeof cn) || !memchr(org, 0, sizeof org)))
        abort();
    crypto_cert_der two[2] = {{p, n}, {p, n}};
    crpki_error_info ei;
    crpki_err e = crypto_cert_check_chain(two, 2, 1767225600, &ei);
    if (e != CRPKI_OK && e != CRPKI_E_BAD_CERT && e != CRPKI_E_NO_MEMORY)
        abort();
}

static void fuzz_spki(const uint8_t *p, size_t n)
{
    crypto_spki pk;
    char why[128];
    if (crypto_der_parse_spki(p, n, &pk, why, sizeof why) == 0) {
        /* views stay inside the input */
        const uint8_t *lo = p, *hi = p + n;
        if (pk.type == CRPKI_KEY_RSA
                ? (pk.n < lo || pk.n + pk.nlen > hi || pk.e < lo || pk.e + pk.elen > hi)
                : (pk.x < lo || pk.y + pk.coord_len > hi))
            abort();
    }
}

static void fuzz_ecdsa(const uint8_t *p, size_t n)
{
    static const size_t coords[] = {32, 48};
    for (int i = 0; i < 2; i++) {
        uint8_t rs[96], der[120];
        size_t rs_len = sizeof rs, der_len = sizeof der;
        if (crypto_ecdsa_der_to_p1363(p, n, coords[i], rs, &rs_len) != CRPKI_OK)
            continue;
        if (crypto_ecdsa_p1363_to_der(rs, rs_len, der, &der_len) != CRPKI_OK)
            abort();
        /* strict DER: what was accepted is what we would write */
        if (der_len != n || memcmp(der, p, n) != 0)
            abort();
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1)
        return 0;
    switch (data[0] % 4) {
    case 0:
        fuzz_json(data + 1, size - 1);
        break;
    case 1:
        fuzz_cert(data + 1, size - 1);
        fuzz_chain(data + 1, size - 1);
        break;
    case 2:
        fuzz_spki(data + 1, size - 1);
        break;
    default:
        fuzz_ecdsa(data + 1, size - 1);
        break;
    }
    return 0;
}
