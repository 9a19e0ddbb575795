/* Hash objects: CPCreateHash, CPHashData, CPGetHashParam, CPSetHashParam,
 * CPDuplicateHash, CPDestroyHash. Hashing runs in the crypto backend
 * (BCrypt / OpenSSL); CALG_SSL3_SHAMD5 is MD5 || SHA-1 of the same data. */
#include <stdlib.h>
#include <string.h>

#include "csp_internal.h"
#include "csp_out.h"

static void hash_destroy(csp_obj *o)
{
    csp_hash *h = (csp_hash *)o;
    crypto_hash_free(h->h1);
    crypto_hash_free(h->h2);
    plat_mutex_free(h->mu);
    free(h);
}

csp_code csp_hash_get(uintptr_t prov, uintptr_t h, csp_hash **out, csp_status *st)
{
    csp_obj *o;
    csp_code c = csp_handle_get_owned(prov, h, CSP_KIND_HASH, &o, st);
    *out = (csp_hash *)o;
    return c;
}

csp_code csp_hash_value(csp_hash *h, uint8_t *digest, size_t *len, csp_status *st)
{
    plat_mutex_lock(h->mu);
    csp_code c = csp_hash_finish_locked(h, st);
    memcpy(digest, h->value, h->size);
    *len = h->size;
    plat_mutex_unlock(h->mu);
    return c;
}

static csp_hash *hash_alloc(uintptr_t prov, uint32_t algid)
{
    csp_hash *h = calloc(1, sizeof(*h));
    if (!h)
        return NULL;
    h->o.kind = CSP_KIND_HASH;
    h->o.owner = prov;
    h->o.destroy = hash_destroy;
    h->algid = algid;
    h->mu = plat_mutex_new();
    if (!h->mu) {
        free(h);
        return NULL;
    }
    return h;
}

/* Hands h out as a new handle; on failure h is destroyed. */
static csp_code hash_register(csp_hash *h, uintptr_t *out, csp_status *st)
{
    csp_code c = csp_handle_new(&h->o, out, st);
    if (c != CSP_OK)
        hash_destroy(&h->o);
    return c;
}

csp_code csp_create_hash(uintptr_t prov, uint32_t algid, uintptr_t key, uint32_t flags,
                         uintptr_t *out, csp_status *st)
{
    csp_prov *p = NULL;
    csp_code c = csp_prov_get(prov, &p, st);
    if (c != CSP_OK)
        return c;
    csp_obj_put(&p->o);
    if (!out)
        return csp_fail(st, CSP_E_INVALID_ARG, "phHash is NULL");
    *out = 0;
    size_t size = csp_alg_hash_size(algid);
    if (!size)
        return csp_fail(st, CSP_E_BAD_ALGID, "ALG_ID 0x%04lx is not a hash this CSP offers",
                        (unsigned long)algid);
    if (key)
        return csp_fail(st, CSP_E_BAD_KEY, "hKey given for an unkeyed hash");
    if (flags)
        return csp_fail(st, CSP_E_BAD_FLAGS, "dwFlags must be 0");
    csp_hash *h = hash_alloc(prov, algid);
    if (!h)
        return csp_fail_core(st, CRPKI_E_NO_MEMORY, "out of memory");
    h->size = size;
    crpki_err e;
    if (algid == CSP_CALG_SSL3_SHAMD5) {
        e = crypto_hash_new(CRPKI_HASH_MD5, &h->h1);
        if (e == CRPKI_OK)
            e = crypto_hash_new(CRPKI_HASH_SHA1, &h->h2);
    } else {
        const alg_hash_info *hi = alg_hash_by_capi(algid); /* a hash algid (checked above) */
        h->hid = hi ? hi->id : CRPKI_HASH_NONE;
        e = crypto_hash_new(h->hid, &h->h1);
    }
    if (e != CRPKI_OK) {
        hash_destroy(&h->o);
        return csp_fail_core(st, e, "cannot create the hash");
    }
    return hash_register(h, out, st);
}

csp_code csp_hash_data(uintptr_t prov, uintptr_t hash, const uint8_t *data, uint32_t len,
                       uint32_t flags, csp_status *st)
{
    if (flags) /* CRYPT_USERDATA: no user-supplied-data device here */
        return csp_fail(st, CSP_E_BAD_FLAGS, "dwFlags must be 0");
    csp_hash *h = NULL;
    csp_code c = csp_hash_get(prov, hash, &h, st);
    if (c != CSP_OK)
        return c;
    if (!data && len) {
        csp_obj_put(&h->o);
        return csp_fail(st, CSP_E_INVALID_ARG, "pbData is NULL");
    }
    plat_mutex_lock(h->mu);
    if (h->finished) {
        c = csp_fail(st, CSP_E_BAD_HASH_STATE, "the hash is finished (value read or set)");
    } else if (len) {
        crpki_err e = crypto_hash_update(h->h1, data, len);
        if (e == CRPKI_OK && h->h2)
            e = crypto_hash_update(h->h2, data, len);
        if (e != CRPKI_OK)
            c = csp_fail_core(st, e, "hash update failed");
    }
    plat_mutex_unlock(h->mu);
    csp_obj_put(&h->o);
    return c;
}

csp_code csp_hash_finish_locked(csp_hash *h, csp_status *st)
{
    if (h->finished)
        return CSP_OK;
    crpki_err e;
    if (h->h2) {
        e = crypto_hash_final(h->h1, h->value, 16);
        if (e == CRPKI_OK)
            e = crypto_hash_final(h->h2, h->value + 16, sizeof(h->value) - 16);
    } else {
        e = crypto_hash_final(h->h1, h->value, sizeof(h->value));
    }
    if (e != CRPKI_OK)
        return csp_fail_core(st, e, "hash finalisation failed");
    h->finished = 1;
    return CSP_OK;
}

csp_code csp_get_hash_param(uintptr_t prov, uintptr_t hash, uint32_t param, uint8_t *data,
                            uint32_t *len, uint32_t flags, csp_status *st)
{
    csp_hash *h = NULL;
    csp_code c = csp_hash_get(prov, hash, &h, st);
    if (c != CSP_OK)
        return c;
    if (!len) {
        c = csp_fail(st, CSP_E_INVALID_ARG, "pdwDataLen is NULL");
    } else if (flags) {
        c = csp_fail(st, CSP_E_BAD_FLAGS, "dwFlags must be 0");
    } else if (param == CSP_HP_ALGID) {
        c = csp_out_u32(h->algid, data, len, st);
    } else if (param == CSP_HP_HASHSIZE) {
        c = csp_out_u32((uint32_t)h->size, data, len, st);
    } else if (param == CSP_HP_HASHVAL) {
        plat_mutex_lock(h->mu);
        if (!data) {
            c = csp_out_bytes(NULL, h->size, NULL, len, st); /* size query: still open */
        } else if ((c = csp_hash_finish_locked(h, st)) == CSP_OK) {
            c = csp_out_bytes(h->value, h->size, data, len, st);
        }
        plat_mutex_unlock(h->mu);
    } else {
        c = csp_fail(st, CSP_E_BAD_TYPE, "hash parameter %lu not supported", (unsigned long)param);
    }
    csp_obj_put(&h->o);
    return c;
}

csp_code csp_set_hash_param(uintptr_t prov, uintptr_t hash, uint32_t param, const uint8_t *data,
                            size_t data_len, uint32_t flags, csp_status *st)
{
    csp_hash *h = NULL;
    csp_code c = csp_hash_get(prov, hash, &h, st);
    if (c != CSP_OK)
        return c;
    if (flags) {
        c = csp_fail(st, CSP_E_BAD_FLAGS, "dwFlags must be 0");
    } else if (param != CSP_HP_HASHVAL) {
        c = csp_fail(st, CSP_E_BAD_TYPE, "hash parameter %lu cannot be set", (unsigned long)param);
    } else if (!data) {
        c = csp_fail(st, CSP_E_INVALID_ARG, "pbData is NULL");
    } else if (data_len != h->size) {
        c = csp_fail(st, CSP_E_BAD_LEN, "HP_HASHVAL of %lu bytes for a %lu-byte hash",
                     (unsigned long)data_len, (unsigned long)h->size);
    } else {
        /* An application that hashed elsewhere sets the value: the hash is
         * finished with it (further CPHashData: NTE_BAD_HASH_STATE). */
        plat_mutex_lock(h->mu);
        memcpy(h->value, data, h->size);
        h->finished = 1;
        plat_mutex_unlock(h->mu);
    }
    csp_obj_put(&h->o);
    return c;
}

csp_code csp_duplicate_hash(uintptr_t prov, uintptr_t hash, const void *reserved, uint32_t flags,
                            uintptr_t *out, csp_status *st)
{
    csp_hash *h = NULL;
    csp_code c = csp_hash_get(prov, hash, &h, st);
    if (c != CSP_OK)
        return c;
    if (!out || reserved) {
        csp_obj_put(&h->o);
        return csp_fail(st, CSP_E_INVALID_ARG, "pdwReserved must be NULL, phHash not NULL");
    }
    *out = 0;
    if (flags) {
        csp_obj_put(&h->o);
        return csp_fail(st, CSP_E_BAD_FLAGS, "dwFlags must be 0");
    }
    csp_hash *d = hash_alloc(prov, h->algid);
    crpki_err e = d ? CRPKI_OK : CRPKI_E_NO_MEMORY;
    if (d) {
        plat_mutex_lock(h->mu);
        d->hid = h->hid;
        d->size = h->size;
        d->finished = h->finished;
        memcpy(d->value, h->value, sizeof(d->value));
        if (!h->finished) {
            e = crypto_hash_dup(h->h1, &d->h1);
            if (e == CRPKI_OK && h->h2)
                e = crypto_hash_dup(h->h2, &d->h2);
        }
        plat_mutex_unlock(h->mu);
    }
    csp_obj_put(&h->o);
    if (e != CRPKI_OK) {
        if (d)
            hash_destroy(&d->o);
        return csp_fail_core(st, e, "cannot duplicate the hash");
    }
    return hash_register(d, out, st);
}

csp_code csp_destroy_hash(uintptr_t prov, uintptr_t hash, csp_status *st)
{
    csp_hash *h = NULL;
    csp_code c = csp_hash_get(prov, hash, &h, st);
    if (c != CSP_OK)
        return c;
    csp_obj_put(&h->o);
    return csp_handle_free(hash, CSP_KIND_HASH, st); /* fails if destroyed meanwhile */
}

uint32_t csp_hash_size(uintptr_t prov, uintptr_t hash)
{
    csp_hash *h = NULL;
    if (csp_hash_get(prov, hash, &h, NULL) != CSP_OK)
        return 0;
    uint32_t n = (uint32_t)h->size;
    csp_obj_put(&h->o);
    return n;
}
