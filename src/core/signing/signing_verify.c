/* Verifying the signature the service returned (signing_internal.h):
 * nothing the service sends reaches the application unless it verifies
 * against the certificate in the key catalog. */
#include <string.h>

#include "base/error/fail.h"
#include "core/crypto/crypto.h"
#include "core/signing/signing.h"
#include "core/signing/signing_internal.h"

crpki_err signing_verify_returned(const signing_params *p, const rssp_blob *got, uint8_t *sig,
                                  size_t *sig_len, crpki_error_info *ei)
{
    const catalog_entry *k = p->key;
    size_t n = *sig_len;
    if (p->scheme == CRPKI_PAD_ECDSA) {
        size_t coord = (k->key_bits + 7) / 8;
        if (crypto_ecdsa_der_to_p1363(got->der, got->len, coord, sig, &n) != CRPKI_OK)
            return fail_with(ei, CRPKI_E_PROTOCOL, "the service's ECDSA signature is not DER");
    } else {
        if (got->len > n)
            return fail_with(ei, CRPKI_E_PROTOCOL, "the service's signature is %u bytes",
                             (unsigned)got->len);
        memcpy(sig, got->der, got->len);
        n = got->len;
    }
    crypto_pubkey *pk = NULL;
    crpki_err e = crypto_pubkey_from_cert(k->cert.der, k->cert.len, &pk, ei);
    if (e != CRPKI_OK)
        return e;
    crypto_sig_params sp = {p->scheme, p->hash, p->salt_len};
    e = crypto_verify(pk, &sp, p->digest, p->digest_len, sig, n);
    crypto_pubkey_free(pk);
    if (e == CRPKI_E_BAD_SIGNATURE)
        return fail_with(ei, e, "the service's signature does not verify against the certificate");
    if (e != CRPKI_OK)
        return fail_with(ei, e, "cannot verify the service's signature: %s", crpki_strerror(e));
    *sig_len = n;
    return CRPKI_OK;
}
