/* cms_sign where no application API signs for us (Linux): the same writer
 * as sign FILE... (cms_build), around one signature of the tool's own
 * signing path, so a .p7s comes from one writer whatever the number of
 * files. */
#include <stdlib.h>
#include <string.h>

#include "base/error/fail.h"
#include "base/platform/plat_clock.h"
#include "cms_build.h"
#include "cms_sign.h"
#include "core/crypto/crypto.h"
#include "core/signing/signing.h"

crpki_err cms_sign_detached(mgmt_ctx *c, const catalog_entry *key, unsigned provider,
                            const char *what, const uint8_t *data, size_t len, uint8_t **der,
                            size_t *der_len, crpki_error_info *ei)
{
    (void)provider; /* the same library path for either provider */
    *der = NULL;
    *der_len = 0;
    uint8_t md[32];
    crpki_err r = crypto_digest(CRPKI_HASH_SHA256, data, len, md, sizeof md);
    if (r != CRPKI_OK)
        return fail_with(ei, r, "SHA-256 of the content failed");
    cms_prep prep;
    memset(&prep, 0, sizeof prep);
    if ((r = cms_prepare(md, plat_unix_time(), &prep, ei)) != CRPKI_OK)
        return r;
    signing_session *s = NULL;
    size_t sig_len = catalog_entry_sig_len(key);
    uint8_t *sig = malloc(sig_len ? sig_len : 1);
    r = sig ? signing_open(c->home, &s, ei) : fail_with(ei, CRPKI_E_NO_MEMORY, "signature");
    if (r == CRPKI_OK) {
        signing_params p;
        memset(&p, 0, sizeof p);
        p.key = key;
        p.scheme = key->key_type == CRPKI_KEY_EC ? CRPKI_PAD_ECDSA : CRPKI_PAD_PKCS1;
        p.hash = CRPKI_HASH_SHA256;
        p.digest = prep.digest;
        p.digest_len = sizeof prep.digest;
        /* the phone shows "crpki-mgmt: <what>": the file, so the user knows what */
        p.what = what && *what ? what
                 : c->ja       ? "テスト署名 (crpki-mgmt sign)"
                               : "test signature (crpki-mgmt sign)";
        r = signing_sign(s, &p, sig, &sig_len, ei);
    }
    if (r == CRPKI_OK)
        r = cms_finish(key, &prep, sig, sig_len, der, der_len, ei);
    signing_close(s);
    free(sig);
    cms_prep_free(&prep);
    return r;
}
