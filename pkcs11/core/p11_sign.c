/* p11_sign: C_SignInit / C_Sign / C_SignUpdate / C_SignFinal over the
 * signing path (p11_core.h). The parameters are checked here, before
 * anything is sent; the length of a signature is known from the catalog,
 * so a size query never reaches the service. */
#include <stdlib.h>
#include <string.h>

#include "base/log/log.h"
#include "p11_internal.h"

static alg_hash_id hash_of_mech(CK_MECHANISM_TYPE m)
{
    switch (m) {
    case CKM_SHA256:
        return CRPKI_HASH_SHA256;
    case CKM_SHA384:
        return CRPKI_HASH_SHA384;
    case CKM_SHA512:
        return CRPKI_HASH_SHA512;
    default:
        return CRPKI_HASH_NONE;
    }
}

static CK_RSA_PKCS_MGF_TYPE mgf_of(alg_hash_id h)
{
    return h == CRPKI_HASH_SHA256   ? CKG_MGF1_SHA256
           : h == CRPKI_HASH_SHA384 ? CKG_MGF1_SHA384
                                    : CKG_MGF1_SHA512;
}

/* The mechanism's parameter: PSS's CK_RSA_PKCS_PSS_PARAMS (SHA-2, MGF1
 * with the same hash, the mechanism's own hash when it names one, a salt
 * that fits the key), nothing for the others. */
static CK_RV check_params(const CK_MECHANISM *m, const p11_mech *pm, const catalog_entry *key,
                          p11_sign_op *op)
{
    if (pm->scheme != CRPKI_PAD_PSS)
        return m->pParameter || m->ulParameterLen ? CKR_MECHANISM_PARAM_INVALID : CKR_OK;
    if (!m->pParameter || m->ulParameterLen != sizeof(CK_RSA_PKCS_PSS_PARAMS))
        return CKR_MECHANISM_PARAM_INVALID;
    CK_RSA_PKCS_PSS_PARAMS pp;
    memcpy(&pp, m->pParameter, sizeof pp);
    alg_hash_id h = hash_of_mech(pp.hashAlg);
    if (h == CRPKI_HASH_NONE || (pm->hash != CRPKI_HASH_NONE && h != pm->hash) ||
        pp.mgf != mgf_of(h))
        return CKR_MECHANISM_PARAM_INVALID;
    /* RFC 8017 9.1.1: emLen >= hLen + sLen + 2, compared without a sum that
       a huge sLen (ULONG_MAX) would wrap */
    size_t hl = alg_hash_by_id(h)->len, em = (key->key_bits + 7) / 8;
    if (em < hl + 2 || pp.sLen > em - hl - 2)
        return CKR_MECHANISM_PARAM_INVALID;
    op->pss_hash = h;
    op->salt_len = (unsigned)pp.sLen;
    return CKR_OK;
}

CK_RV p11_sign_init(CK_SESSION_HANDLE h, CK_MECHANISM_PTR mech, CK_OBJECT_HANDLE key)
{
    p11_lock();
    p11_session *s;
    CK_RV rv = p11_session_get(h, &s);
    unsigned o = 0;
    const p11_mech *pm = NULL;
    if (rv == CKR_OK && !mech)
        rv = CKR_ARGUMENTS_BAD;
    else if (rv == CKR_OK && (s->sign.active || s->busy))
        rv = CKR_OPERATION_ACTIVE;
    else if (rv == CKR_OK && !(o = p11_object_of(s->slot, key)))
        rv = CKR_KEY_HANDLE_INVALID;
    else if (rv == CKR_OK && o != P11_OBJ_PRIV)
        rv = o == P11_OBJ_PUB ? CKR_KEY_FUNCTION_NOT_PERMITTED : CKR_KEY_HANDLE_INVALID;
    else if (rv == CKR_OK && !(pm = p11_mech_find(mech->mechanism)))
        rv = CKR_MECHANISM_INVALID;
    const catalog_entry *ke = rv == CKR_OK ? &g_p11.slots[s->slot].key : NULL;
    if (rv == CKR_OK && pm->key != ke->key_type)
        rv = CKR_KEY_TYPE_INCONSISTENT;
    p11_sign_op op;
    memset(&op, 0, sizeof op);
    if (rv == CKR_OK)
        rv = check_params(mech, pm, ke, &op);
    if (rv == CKR_OK && pm->hash != CRPKI_HASH_NONE && crypto_hash_new(pm->hash, &op.h) != CRPKI_OK)
        rv = CKR_HOST_MEMORY;
    if (rv == CKR_OK && catalog_entry_copy(ke, &op.key) != CRPKI_OK)
        rv = CKR_HOST_MEMORY;
    if (rv == CKR_OK) {
        op.active = 1;
        op.mech = pm;
        s->sign = op;
    } else {
        p11_sign_op_clear(&op);
    }
    p11_unlock();
    return rv;
}

/* The digest to sign, from the data so far: the scheme's hash and digest
 * (into dig). Checks a raw input: a DigestInfo of SHA-2 for PKCS#1, a hash
 * of the PSS hash's length, a SHA-2 length for ECDSA. */
static CK_RV finish_digest(p11_sign_op *op, uint8_t *dig, size_t *dig_len, alg_hash_id *hash)
{
    const p11_mech *pm = op->mech;
    if (pm->hash != CRPKI_HASH_NONE) {
        size_t hl = alg_hash_by_id(pm->hash)->len;
        if (crypto_hash_final(op->h, dig, 64) != CRPKI_OK)
            return CKR_GENERAL_ERROR;
        *dig_len = hl;
        *hash = pm->hash;
        return CKR_OK;
    }
    if (op->raw_overflow)
        return CKR_DATA_LEN_RANGE;
    const uint8_t *in = op->raw;
    size_t len = op->raw_len;
    const alg_hash_info *hi = NULL;
    switch (pm->scheme) {
    case CRPKI_PAD_PKCS1:
        if (len + 11 > (op->key.key_bits + 7) / 8)
            return CKR_DATA_LEN_RANGE;
        /* the service signs hashes: a DigestInfo the caller built, of a
           hash we sign */
        hi = alg_hash_by_digestinfo(in, len);
        if (!hi || !alg_hash_signable(hi->id))
            return CKR_DATA_INVALID;
        in += hi->digestinfo_prefix_len;
        len = hi->len;
        break;
    case CRPKI_PAD_PSS:
        hi = alg_hash_by_id(op->pss_hash);
        if (len != hi->len)
            return CKR_DATA_LEN_RANGE;
        break;
    default: /* ECDSA: the hash told by its length */
        hi = len == 32   ? alg_hash_by_id(CRPKI_HASH_SHA256)
             : len == 48 ? alg_hash_by_id(CRPKI_HASH_SHA384)
             : len == 64 ? alg_hash_by_id(CRPKI_HASH_SHA512)
                         : NULL;
        if (!hi)
            return len == 20 ? CKR_DATA_INVALID : CKR_DATA_LEN_RANGE; /* SHA-1: refused */
        break;
    }
    memcpy(dig, in, len);
    *dig_len = len;
    *hash = hi->id;
    return CKR_OK;
}

/* Ends the session's operation: computes the signature into sig. Entered
 * with the lock held and the session's operation active; returns with the
 * lock released. */
static CK_RV sign_now(p11_session *s, CK_BYTE_PTR sig, CK_ULONG_PTR sig_len)
{
    p11_sign_op op = s->sign;
    memset(&s->sign, 0, sizeof s->sign); /* the operation ends here, whatever happens */
    size_t need = catalog_entry_sig_len(&op.key);
    uint8_t dig[64];
    size_t dig_len = 0;
    alg_hash_id hash = CRPKI_HASH_NONE;
    CK_RV rv = finish_digest(&op, dig, &dig_len, &hash);
    if (rv != CKR_OK) {
        p11_sign_op_clear(&op);
        p11_unlock();
        return rv;
    }
    s->busy = 1;
    const prov_backend *b = g_p11.b;
    p11_unlock();

    signing_params p;
    memset(&p, 0, sizeof p);
    p.key = &op.key;
    p.scheme = op.mech->scheme;
    p.hash = hash;
    p.salt_len = op.salt_len;
    p.digest = dig;
    p.digest_len = dig_len;
    size_t len = need;
    crpki_error_info ei;
    memset(&ei, 0, sizeof ei);
    crpki_err e = b->sign(b->ctx, &p, sig, &len, &ei);
    if (e != CRPKI_OK)
        log_write(CRPKI_LOG_ERROR, "pkcs11", "C_Sign with %s: %s: %s", op.key.credential_id,
                  crpki_err_name(e), ei.detail);
    else
        *sig_len = (CK_ULONG)len;
    p11_sign_op_clear(&op);

    p11_lock();
    s->busy = 0;
    if (s->closed) /* closed (or the library finalized) meanwhile */
        p11_session_free(s);
    p11_unlock();
    return p11_rv_of(e);
}

/* The size answer every signing call starts with (lock held). CKR_OK with
 * *done set when the call ends here (a size query or a short buffer: the
 * operation stays). */
static CK_RV size_answer(p11_session *s, CK_BYTE_PTR sig, CK_ULONG_PTR sig_len, int *done)
{
    CK_ULONG need = (CK_ULONG)catalog_entry_sig_len(&s->sign.key);
    *done = 1;
    if (!sig) {
        *sig_len = need;
        return CKR_OK;
    }
    if (*sig_len < need) {
        *sig_len = need;
        return CKR_BUFFER_TOO_SMALL;
    }
    *done = 0;
    return CKR_OK;
}

static CK_RV feed(p11_sign_op *op, const uint8_t *data, size_t len)
{
    if (op->h)
        return crypto_hash_update(op->h, data, len) == CRPKI_OK ? CKR_OK : CKR_GENERAL_ERROR;
    if (len > sizeof op->raw - op->raw_len) {
        op->raw_overflow = 1;
        return CKR_OK;
    }
    if (len)
        memcpy(op->raw + op->raw_len, data, len);
    op->raw_len += len;
    return CKR_OK;
}

/* Lock held: the session's active signing operation, or the error. */
static CK_RV active_op(CK_SESSION_HANDLE h, p11_session **s)
{
    CK_RV rv = p11_session_get(h, s);
    if (rv == CKR_OK && !(*s)->sign.active)
        rv = CKR_OPERATION_NOT_INITIALIZED;
    return rv;
}

/* How C_Sign and C_SignFinal end (lock held; rv: their checks so far): a
 * failed check, a size query or a short buffer returns here (the latter two
 * keep the operation); otherwise the last data goes in - only now, so a
 * size query leaves nothing behind - and the signature is made. Returns
 * with the lock released. */
static CK_RV end_call(p11_session *s, CK_RV rv, const uint8_t *data, size_t len, CK_BYTE_PTR sig,
                      CK_ULONG_PTR sig_len)
{
    int done = 1;
    if (rv == CKR_OK)
        rv = size_answer(s, sig, sig_len, &done);
    if (rv == CKR_OK && !done) {
        rv = feed(&s->sign, data, len);
        if (rv == CKR_OK)
            return sign_now(s, sig, sig_len);
        p11_sign_op_clear(&s->sign);
    }
    p11_unlock();
    return rv;
}

CK_RV p11_sign(CK_SESSION_HANDLE h, CK_BYTE_PTR data, CK_ULONG len, CK_BYTE_PTR sig,
               CK_ULONG_PTR sig_len)
{
    p11_lock();
    p11_session *s;
    CK_RV rv = active_op(h, &s);
    if (rv == CKR_OK && s->sign.updated)
        rv = CKR_OPERATION_ACTIVE; /* a multi-part operation ends with C_SignFinal */
    else if (rv == CKR_OK && (!sig_len || (!data && len))) {
        p11_sign_op_clear(&s->sign);
        rv = CKR_ARGUMENTS_BAD;
    }
    return end_call(s, rv, data, len, sig, sig_len);
}

CK_RV p11_sign_update(CK_SESSION_HANDLE h, CK_BYTE_PTR part, CK_ULONG len)
{
    p11_lock();
    p11_session *s;
    CK_RV rv = active_op(h, &s);
    if (rv == CKR_OK && !part && len)
        rv = CKR_ARGUMENTS_BAD;
    if (rv == CKR_OK)
        rv = feed(&s->sign, part, len);
    if (rv == CKR_OK)
        s->sign.updated = 1;
    else if (rv != CKR_SESSION_HANDLE_INVALID && rv != CKR_CRYPTOKI_NOT_INITIALIZED &&
             rv != CKR_OPERATION_NOT_INITIALIZED)
        p11_sign_op_clear(&s->sign); /* an error ends the operation */
    p11_unlock();
    return rv;
}

CK_RV p11_sign_final(CK_SESSION_HANDLE h, CK_BYTE_PTR sig, CK_ULONG_PTR sig_len)
{
    p11_lock();
    p11_session *s;
    CK_RV rv = active_op(h, &s);
    if (rv == CKR_OK && !sig_len) {
        p11_sign_op_clear(&s->sign);
        rv = CKR_ARGUMENTS_BAD;
    }
    return end_call(s, rv, NULL, 0, sig, sig_len);
}
