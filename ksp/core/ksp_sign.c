/* The KSP core's signatures (ksp_core.h): SignHash through the signing
 * path, VerifySignature locally. */
#include "ksp_core.h"

#include <stdlib.h>
#include <string.h>

#include "base/platform/plat_str.h"
#include "core/crypto/crypto.h"
#include "ksp_blob.h"
#include "ksp_flags.h"
#include "ksp_handle.h"
#include "ksp_internal.h"
#include "ksp_out.h"
#include "ksp_pad.h"
#include "ksp_u16.h"

static ksp_pad_key pad_key(const ksp_key *k)
{
    ksp_pad_key pk = {k->info.type, (k->info.bits + 7) / 8};
    return pk;
}

ksp_code ksp_sign_hash(uintptr_t hp, uintptr_t hk, const void *padding, const uint8_t *hash,
                       size_t hash_len, uint8_t *sig, size_t sigsz, size_t *res, uint32_t flags,
                       ksp_status *st)
{
    ksp_key *k;
    ksp_code c = ksp_key_get(hp, hk, &k, st);
    if (c != KSP_OK)
        return c;
    char *what = NULL;
    if (!res) {
        c = ksp_fail(st, KSP_E_INVALID_ARG, "pcbResult is NULL");
        goto out;
    }
    ksp_pad_key pk = pad_key(k);
    ksp_sign_req req;
    c = ksp_pad_parse(&pk, flags, padding, hash, hash_len, &req, st);
    if (c != KSP_OK)
        goto out;
    if (!k->persisted) {
        c = ksp_fail(st, KSP_E_NOT_SUPPORTED, "an imported public key cannot sign");
        goto out;
    }
    size_t need = catalog_entry_sig_len(&k->entry);
    /* size rules from the catalog: no network for a size query */
    *res = need;
    if (!sig)
        goto out;
    if (sigsz < need) {
        c = ksp_fail(st, KSP_E_MORE_DATA, "signature buffer of %u bytes, %u needed",
                     (unsigned)sigsz, (unsigned)need);
        goto out;
    }
    ksp_handle_lock();
    void *hwnd = (void *)k->hwnd;
    what = k->use_context ? plat_strdup(k->use_context) : NULL;
    ksp_handle_unlock();
    signing_params sp = {
        .key = &k->entry,
        .scheme = req.scheme,
        .hash = req.hash,
        .salt_len = req.salt_len,
        .digest = req.digest,
        .digest_len = req.digest_len,
        .what = what,
        .silent = req.silent,
        .parent_window = hwnd,
    };
    size_t len = sigsz;
    crpki_error_info ei = {0};
    crpki_err e = ksp_backend()->sign(ksp_backend()->ctx, &sp, sig, &len, &ei);
    if (e != CRPKI_OK) {
        c = ksp_backend_err(st, e, &ei, "signing");
        goto out;
    }
    *res = len;
out:
    free(what);
    ksp_obj_put(&k->hdr);
    return c;
}

ksp_code ksp_verify_signature(uintptr_t hp, uintptr_t hk, const void *padding, const uint8_t *hash,
                              size_t hash_len, const uint8_t *sig, size_t sig_len, uint32_t flags,
                              ksp_status *st)
{
    ksp_key *k;
    ksp_code c = ksp_key_get(hp, hk, &k, st);
    if (c != KSP_OK)
        return c;
    ksp_pad_key pk = pad_key(k);
    ksp_sign_req req;
    if (!sig || sig_len == 0) {
        c = ksp_fail(st, KSP_E_INVALID_ARG, "no signature");
        goto out;
    }
    c = ksp_pad_parse(&pk, flags, padding, hash, hash_len, &req, st);
    if (c != KSP_OK)
        goto out;
    crypto_sig_params vp = {req.scheme, req.hash, req.salt_len};
    crpki_err e = crypto_verify(k->pub, &vp, req.digest, req.digest_len, sig, sig_len);
    if (e != CRPKI_OK)
        c = ksp_fail_core(st, e, "signature does not verify (%s)", crpki_err_name(e));
out:
    ksp_obj_put(&k->hdr);
    return c;
}
