/* CPSignHash and CPVerifySignature. Signing goes to the service through the
 * backend (the session: signature cache, silent rule, approval UI, the
 * returned signature verified); the size rules are answered here from the
 * key catalog, so a size query never signs. CryptoAPI signatures are
 * little-endian: the reverse of the service's big-endian bytes. */
#include <stdlib.h>
#include <string.h>

#include "csp_internal.h"
#include "csp_out.h"
#include "base/log/log.h"
#include "base/platform/plat_str.h"

#define SIGN_FLAGS (CSP_CRYPT_NOHASHOID | CSP_CRYPT_X931_FORMAT)

csp_code csp_sign_hash(uintptr_t prov, uintptr_t hash, uint32_t keyspec, const char *what,
                       uint32_t flags, uint8_t *sig, uint32_t *sig_len, csp_status *st)
{
    if (flags & ~SIGN_FLAGS)
        return csp_fail(st, CSP_E_BAD_FLAGS, "flags 0x%08lx", (unsigned long)flags);
    csp_prov *p = NULL;
    csp_code c = csp_prov_get(prov, &p, st);
    if (c != CSP_OK)
        return c;
    csp_hash *h = NULL;
    uint8_t *be = NULL;
    char *prompt = NULL;
    if (keyspec != CSP_AT_SIGNATURE || p->verify) {
        c = csp_fail(st, CSP_E_NO_KEY,
                     p->verify ? "a verification context has no key"
                               : "the remote key is AT_SIGNATURE only");
        goto out;
    }
    if ((c = csp_hash_get(prov, hash, &h, st)) != CSP_OK)
        goto out;
    if (!sig_len) {
        c = csp_fail(st, CSP_E_INVALID_ARG, "pdwSigLen is NULL");
        goto out;
    }
    size_t need = catalog_entry_sig_len(&p->key);
    int fits;
    if ((c = csp_out_check((uint32_t)need, sig, sig_len, &fits, st)) != CSP_OK || !fits)
        goto out; /* a size query or a short buffer: the key catalog answers, no approval */
    /* The service takes a hash and builds the DigestInfo itself: a
     * signature without the OID (CRYPT_NOHASHOID, X9.31) cannot be made. */
    if (flags) {
        c = csp_fail(st, CSP_E_BAD_FLAGS,
                     "CRYPT_NOHASHOID / CRYPT_X931_FORMAT: the service signs PKCS#1 "
                     "DigestInfo only");
        goto out;
    }
    const csp_alg *a = csp_alg_by_id(h->algid);
    if (!a || !(a->protocols & CSP_CRYPT_FLAG_SIGNING) || !alg_hash_signable(h->hid)) {
        c = csp_fail(st, CSP_E_BAD_ALGID,
                     "ALG_ID 0x%04lx: only SHA-256/384/512 are signed (SHA-1 and MD5 refused)",
                     (unsigned long)h->algid);
        goto out;
    }
    uint8_t digest[CSP_MAX_HASH];
    size_t dlen;
    if ((c = csp_hash_value(h, digest, &dlen, st)) != CSP_OK)
        goto out;

    csp_handle_lock();
    void *hwnd = p->client_hwnd;
    if (!what && p->prompt)
        prompt = plat_strdup(p->prompt);
    csp_handle_unlock();
    if (!hwnd && p->win.resolve)
        hwnd = p->win.resolve(p->win.raw);
    signing_params sp = {
        .key = &p->key,
        .scheme = CRPKI_PAD_PKCS1,
        .hash = h->hid,
        .digest = digest,
        .digest_len = dlen,
        .what = what ? what : prompt,
        .silent = p->silent,
        .parent_window = hwnd,
    };
    be = malloc(need);
    if (!be) {
        c = csp_fail_core(st, CRPKI_E_NO_MEMORY, "out of memory");
        goto out;
    }
    size_t blen = need;
    crpki_error_info ei = {0};
    const prov_backend *b = csp_backend_get();
    crpki_err e = b->sign(b->ctx, &sp, be, &blen, &ei);
    if (e != CRPKI_OK) {
        c = csp_fail_core(st, e, "signing with %s: %s", p->container,
                          ei.detail[0] ? ei.detail : crpki_strerror(e));
        goto out;
    }
    if (blen != need) {
        c = csp_fail_core(st, CRPKI_E_PROTOCOL, "a %lu-byte signature for a %lu-byte key",
                          (unsigned long)blen, (unsigned long)need);
        goto out;
    }
    csp_reverse(sig, be, blen);
    *sig_len = (uint32_t)blen;
out:
    free(be);
    free(prompt);
    if (h)
        csp_obj_put(&h->o);
    csp_obj_put(&p->o);
    return c;
}

csp_code csp_verify_signature(uintptr_t prov, uintptr_t hash, const uint8_t *sig, uint32_t sig_len,
                              uintptr_t key, uint32_t flags, csp_status *st)
{
    if (flags & ~CSP_CRYPT_NOHASHOID) /* X9.31 not verified here */
        return csp_fail(st, CSP_E_BAD_FLAGS, "flags 0x%08lx", (unsigned long)flags);
    /* The key may come from another context of this CSP (a public key
     * imported into a verification context, the hash made elsewhere):
     * verification only reads it. */
    csp_obj *o = NULL;
    csp_prov *p = NULL;
    csp_code c = csp_prov_get(prov, &p, st);
    if (c != CSP_OK)
        return c;
    csp_obj_put(&p->o);
    c = csp_handle_get(key, CSP_KIND_KEY, &o, st);
    if (c != CSP_OK)
        return c;
    csp_key *k = (csp_key *)o;
    csp_hash *h = NULL;
    uint8_t *be = NULL;
    size_t klen = ((size_t)k->bits + 7) / 8;
    /* as Microsoft's providers: the length before the pointer */
    if (sig_len != klen) {
        c = csp_fail(st, CSP_E_BAD_SIGNATURE, "a %lu-byte signature for a %lu-byte key",
                     (unsigned long)sig_len, (unsigned long)klen);
        goto out;
    }
    if (!sig) {
        c = csp_fail(st, CSP_E_INVALID_ARG, "pbSignature is NULL");
        goto out;
    }
    if ((c = csp_hash_get(prov, hash, &h, st)) != CSP_OK)
        goto out;
    uint8_t digest[CSP_MAX_HASH];
    size_t dlen;
    if ((c = csp_hash_value(h, digest, &dlen, st)) != CSP_OK)
        goto out;
    crypto_sig_params vp = {.scheme = CRPKI_PAD_PKCS1, .hash = h->hid};
    if (flags & CSP_CRYPT_NOHASHOID)
        vp.hash = CRPKI_HASH_NONE; /* the bare digest under the padding */
    be = malloc(klen);
    if (!be) {
        c = csp_fail_core(st, CRPKI_E_NO_MEMORY, "out of memory");
        goto out;
    }
    csp_reverse(be, sig, klen);
    crpki_err e = crypto_verify(k->pub, &vp, digest, dlen, be, klen);
    if (e == CRPKI_E_BAD_SIGNATURE)
        c = csp_fail(st, CSP_E_BAD_SIGNATURE, "the signature does not verify");
    else if (e != CRPKI_OK)
        c = csp_fail_core(st, e, "verification failed: %s", crpki_strerror(e));
out:
    free(be);
    if (h)
        csp_obj_put(&h->o);
    csp_obj_put(&k->o);
    return c;
}
