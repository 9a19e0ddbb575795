/* Verifying the signature the service returned (signing_internal.h):
 * nothing the service sends reaches the application unless it verifies
 * against the certificate in the key catalog. */
#include <stdlib.h>
#include <string.h>

#include "base/error/fail.h"
#include "base/platform/plat_protect.h"
#include "core/crypto/crypto.h"
#include "core/signing/signing.h"
#include "core/signing/signing_internal.h"

crpki_err signing_verify_returned(const signing_params *p, const rssp_blob *got, uint8_t *sig,
                                  size_t *sig_len, crpki_error_info *ei)
{
    const catalog_entry *k = p->key;
    size_t room = *sig_len, n = room;
    /* The service's bytes go to a buffer of ours first: the caller's sees
       them only once they verified. */
    uint8_t *buf = malloc(room ? room : 1);
    if (!buf)
        return fail_with(ei, CRPKI_E_NO_MEMORY, "out of memory");
    crpki_err e = CRPKI_OK;
    if (p->scheme == CRPKI_PAD_ECDSA) {
        size_t coord = (k->key_bits + 7) / 8;
        if (crypto_ecdsa_der_to_p1363(got->der, got->len, coord, buf, &n) != CRPKI_OK)
            e = fail_with(ei, CRPKI_E_PROTOCOL, "the service's ECDSA signature is not DER");
    } else if (got->len > room) {
        e = fail_with(ei, CRPKI_E_PROTOCOL, "the service's signature is %u bytes",
                      (unsigned)got->len);
    } else {
        memcpy(buf, got->der, got->len);
        n = got->len;
    }
    crypto_pubkey *pk = NULL;
    if (e == CRPKI_OK)
        e = crypto_pubkey_from_cert(k->cert.der, k->cert.len, &pk, ei);
    if (e == CRPKI_OK) {
        crypto_sig_params sp = {p->scheme, p->hash, p->salt_len};
        e = crypto_verify(pk, &sp, p->digest, p->digest_len, buf, n);
        if (e == CRPKI_E_BAD_SIGNATURE)
            fail_with(ei, e, "the service's signature does not verify against the certificate");
        else if (e != CRPKI_OK)
            fail_with(ei, e, "cannot verify the service's signature: %s", crpki_strerror(e));
    }
    crypto_pubkey_free(pk);
    if (e == CRPKI_OK) {
        memcpy(sig, buf, n);
        *sig_len = n;
    }
    plat_wipe(buf, room);
    free(buf);
    return e;
}
