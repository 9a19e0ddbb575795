/* The KSP core's keys (ksp_core.h): open, free, delete, key properties,
 * export and import of public key blobs. */
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

static void key_destroy(ksp_obj *o)
{
    ksp_key *k = (ksp_key *)o;
    if (k->persisted)
        catalog_entry_free(&k->entry);
    crypto_pubkey_free(k->pub);
    free(k->name);
    free(k->use_context);
    free(k);
}

/* The key hk, opened through the live provider hp (ncrypt's router always
 * passes the key's own provider). */
ksp_code ksp_key_get(uintptr_t hp, uintptr_t hk, ksp_key **k, ksp_status *st)
{
    ksp_obj *o;
    *k = NULL;
    ksp_code c = ksp_handle_get(hk, KSP_KIND_KEY, &o, st);
    if (c != KSP_OK)
        return c;
    c = ksp_provider_live(hp, st);
    if (c != KSP_OK) {
        ksp_obj_put(o);
        return c;
    }
    if (((ksp_key *)o)->prov != hp) {
        ksp_obj_put(o);
        return ksp_fail(st, KSP_E_INVALID_HANDLE, "key 0x%llx belongs to another provider",
                        (unsigned long long)hk);
    }
    *k = (ksp_key *)o;
    return KSP_OK;
}

static ksp_code key_pubkey(ksp_key *k, ksp_status *st)
{
    crpki_error_info ei = {0};
    crpki_err e = crypto_pubkey_from_cert(k->entry.cert.der, k->entry.cert.len, &k->pub, &ei);
    if (e != CRPKI_OK)
        return ksp_fail_core(st, e, "the catalog's certificate for \"%s\" has no usable key: %s",
                             k->name, ei.detail);
    crypto_pubkey_get_info(k->pub, &k->info);
    return KSP_OK;
}

ksp_code ksp_open_key(uintptr_t hp, uintptr_t *hk, const uint16_t *name, uint32_t legacy_spec,
                      uint32_t flags, ksp_status *st)
{
    ksp_provider *p;
    ksp_code c = ksp_provider_get(hp, &p, st);
    if (c != KSP_OK)
        return c;
    char *id = NULL;
    ksp_key *k = NULL;
    if (!hk) {
        c = ksp_fail(st, KSP_E_INVALID_ARG, "phKey is NULL");
        goto out;
    }
    *hk = 0;
    if (ksp_flags_bad(flags, KSP_MASK_OPEN_KEY)) {
        c = ksp_fail(st, KSP_E_BAD_FLAGS, "flags 0x%08x", (unsigned)flags);
        goto out;
    }
    if (legacy_spec != 0 && legacy_spec != KSP_AT_KEYEXCHANGE && legacy_spec != KSP_AT_SIGNATURE) {
        c = ksp_fail(st, KSP_E_INVALID_ARG, "dwLegacyKeySpec %u", (unsigned)legacy_spec);
        goto out;
    }
    if (name && ksp_u16_len(name, KSP_MAX_NAME_LENGTH) > KSP_MAX_NAME_LENGTH) {
        c = ksp_fail(st, KSP_E_INVALID_ARG, "key name longer than %u characters",
                     KSP_MAX_NAME_LENGTH);
        goto out;
    }
    if (name && ksp_u16_to_utf8(name, SIZE_MAX, &id) != CRPKI_OK) {
        c = ksp_fail(st, KSP_E_INVALID_ARG, "key name is not valid UTF-16");
        goto out;
    }
    k = calloc(1, sizeof *k);
    if (!k) {
        c = ksp_fail_core(st, CRPKI_E_NO_MEMORY, "out of memory");
        goto out;
    }
    k->hdr.kind = KSP_KIND_KEY;
    k->hdr.destroy = key_destroy;
    crpki_error_info ei = {0};
    crpki_err e = ksp_backend()->find_key(ksp_backend()->ctx, id, &k->entry, &ei);
    if (e != CRPKI_OK) {
        free(k);
        k = NULL;
        c = ksp_backend_err(st, e, &ei, "key not in the catalog");
        goto out;
    }
    k->persisted = 1;
    k->prov = hp;
    k->legacy_spec = legacy_spec;
    k->open_flags = flags;
    k->name = plat_strdup(k->entry.credential_id);
    ksp_handle_lock();
    k->hwnd = p->hwnd;
    k->use_context = p->use_context ? plat_strdup(p->use_context) : NULL;
    ksp_handle_unlock();
    if (!k->name) {
        c = ksp_fail_core(st, CRPKI_E_NO_MEMORY, "out of memory");
        goto out;
    }
    c = key_pubkey(k, st);
    if (c != KSP_OK)
        goto out;
    c = ksp_handle_new(&k->hdr, hk, st);
    if (c == KSP_OK)
        k = NULL;
out:
    if (k)
        key_destroy(&k->hdr);
    free(id);
    ksp_obj_put(&p->hdr);
    return c;
}

ksp_code ksp_free_key(uintptr_t hp, uintptr_t hk, ksp_status *st)
{
    /* hp is not checked: FreeKey after FreeProvider must work. */
    return ksp_handle_free(hk, KSP_KIND_KEY, st);
}

ksp_code ksp_delete_key(uintptr_t hp, uintptr_t hk, uint32_t flags, ksp_status *st)
{
    ksp_key *k;
    ksp_code c = ksp_key_get(hp, hk, &k, st);
    if (c != KSP_OK)
        return c;
    if (ksp_flags_bad(flags, KSP_MASK_DELETE)) {
        c = ksp_fail(st, KSP_E_BAD_FLAGS, "flags 0x%08x", (unsigned)flags);
    } else if (!k->persisted) {
        c = ksp_fail(st, KSP_E_NOT_SUPPORTED, "an imported public key is not persisted");
    } else {
        crpki_error_info ei = {0};
        crpki_err e = ksp_backend()->forget_key(ksp_backend()->ctx, k->name, &ei);
        if (e != CRPKI_OK)
            c = ksp_backend_err(st, e, &ei, "removing the key's catalog selection");
    }
    ksp_obj_put(&k->hdr);
    return c;
}

const alg_key_info *ksp_key_alg(alg_key_type type, alg_curve curve)
{
    const alg_key_info *a = alg_key_find(type, curve);
    return a ? a : alg_key_at(0);
}

ksp_code ksp_get_key_property(uintptr_t hp, uintptr_t hk, const uint16_t *prop, uint8_t *out,
                              size_t outsz, size_t *res, uint32_t flags, ksp_status *st)
{
    ksp_key *k;
    ksp_code c = ksp_key_get(hp, hk, &k, st);
    if (c != KSP_OK)
        return c;
    const crypto_pubkey_info *i = &k->info;
    const alg_key_info *a = ksp_key_alg(i->type, i->curve);
    if ((c = ksp_property_get_check(prop, res, flags, st)) != KSP_OK) {
        /* refused: st says why */
    } else if (ksp_u16_eq_ascii(prop, "Algorithm Group"))
        c = ksp_out_str(a->cng_group, out, outsz, res, st);
    else if (ksp_u16_eq_ascii(prop, "Algorithm Name"))
        c = ksp_out_str(a->cng_name, out, outsz, res, st);
    else if (ksp_u16_eq_ascii(prop, "Length"))
        c = ksp_out_dword(i->bits, out, outsz, res, st);
    else if (ksp_u16_eq_ascii(prop, "Lengths")) {
        uint32_t l[4] = {i->bits, i->bits, 0, i->bits}; /* min, max, increment, default */
        c = ksp_out_bytes(l, sizeof l, out, outsz, res, st);
    } else if (ksp_u16_eq_ascii(prop, "Block Length")) {
        c = i->type == CRPKI_KEY_RSA
                ? ksp_out_dword((i->bits + 7) / 8, out, outsz, res, st)
                : ksp_fail(st, KSP_E_NOT_SUPPORTED, "an ECDSA key has no block length");
    } else if (ksp_u16_eq_ascii(prop, "Key Usage"))
        c = ksp_out_dword(KSP_ALLOW_SIGNING, out, outsz, res, st);
    else if (ksp_u16_eq_ascii(prop, "Export Policy"))
        c = ksp_out_dword(0, out, outsz, res, st);
    else if (ksp_u16_eq_ascii(prop, "Key Type"))
        c = ksp_out_dword(k->open_flags & KSP_F_MACHINE_KEY, out, outsz, res, st);
    else if (ksp_u16_eq_ascii(prop, "Provider Handle"))
        c = ksp_out_bytes(&k->prov, sizeof k->prov, out, outsz, res, st);
    else if (ksp_ui_property_is(prop))
        c = ksp_ui_property_get(&k->hwnd, &k->use_context, prop, out, outsz, res, st);
    else if (ksp_u16_eq_ascii(prop, "UI Policy")) {
        /* NCRYPT_UI_POLICY {dwVersion, dwFlags, 3 x LPCWSTR}: every signature
           is approved by the user (in the gBizID app); no strings */
        struct {
            uint32_t version, flags;
            const uint16_t *title, *friendly, *desc;
        } pol = {1, KSP_UI_PROTECT_KEY, NULL, NULL, NULL};
        c = ksp_out_bytes(&pol, sizeof pol, out, outsz, res, st);
    } else if (!k->persisted)
        c = ksp_fail(st, KSP_E_NOT_FOUND, "an imported public key has no such property");
    else if (ksp_u16_eq_ascii(prop, "Name") || ksp_u16_eq_ascii(prop, "Unique Name"))
        c = ksp_out_str(k->name, out, outsz, res, st);
    else if (ksp_u16_eq_ascii(prop, "SmartCardKeyCertificate"))
        c = ksp_out_bytes(k->entry.cert.der, k->entry.cert.len, out, outsz, res, st);
    else
        c = ksp_fail(st, KSP_E_NOT_SUPPORTED, "key property not supported");
    ksp_obj_put(&k->hdr);
    return c;
}

ksp_code ksp_set_key_property(uintptr_t hp, uintptr_t hk, const uint16_t *prop, const uint8_t *in,
                              size_t len, uint32_t flags, ksp_status *st)
{
    ksp_key *k;
    ksp_code c = ksp_key_get(hp, hk, &k, st);
    if (c != KSP_OK)
        return c;
    c = ksp_ui_property_set(&k->hwnd, &k->use_context, prop, in, len, flags, st);
    ksp_obj_put(&k->hdr);
    return c;
}

ksp_code ksp_export_key(uintptr_t hp, uintptr_t hk, uintptr_t hexport, const uint16_t *blob_type,
                        int has_params, uint8_t *out, size_t outsz, size_t *res, uint32_t flags,
                        ksp_status *st)
{
    ksp_key *k;
    ksp_code c = ksp_key_get(hp, hk, &k, st);
    if (c != KSP_OK)
        return c;
    if (!blob_type || !res)
        c = ksp_fail(st, KSP_E_INVALID_ARG, "pszBlobType or pcbResult is NULL");
    else if (ksp_flags_bad(flags, KSP_MASK_EXPORT))
        c = ksp_fail(st, KSP_E_BAD_FLAGS, "flags 0x%08x", (unsigned)flags);
    else if (hexport || has_params)
        c = ksp_fail(st, KSP_E_NOT_SUPPORTED, "wrapped export (hExportKey/parameters)");
    else {
        uint32_t calg =
            k->legacy_spec == KSP_AT_KEYEXCHANGE ? KSP_CALG_RSA_KEYX : KSP_CALG_RSA_SIGN;
        c = ksp_blob_build(ksp_blob_type_of(blob_type), &k->info, calg, out, outsz, res, st);
    }
    ksp_obj_put(&k->hdr);
    return c;
}

ksp_code ksp_import_key(uintptr_t hp, uintptr_t himport, const uint16_t *blob_type, int has_params,
                        uintptr_t *hk, const uint8_t *data, size_t len, uint32_t flags,
                        ksp_status *st)
{
    ksp_code c = ksp_provider_live(hp, st);
    if (c != KSP_OK)
        return c;
    if (!blob_type || !hk || !data)
        return ksp_fail(st, KSP_E_INVALID_ARG, "pszBlobType, phKey or pbData is NULL");
    *hk = 0;
    if (ksp_flags_bad(flags, KSP_MASK_IMPORT))
        return ksp_fail(st, KSP_E_BAD_FLAGS, "flags 0x%08x", (unsigned)flags);
    if (himport || has_params)
        return ksp_fail(st, KSP_E_NOT_SUPPORTED, "wrapped import (hImportKey/parameters)");
    ksp_blob_parsed b;
    c = ksp_blob_parse(ksp_blob_type_of(blob_type), data, len, &b, st);
    if (c != KSP_OK)
        return c;
    ksp_key *k = calloc(1, sizeof *k);
    if (!k) {
        ksp_blob_parsed_free(&b);
        return ksp_fail_core(st, CRPKI_E_NO_MEMORY, "out of memory");
    }
    k->hdr.kind = KSP_KIND_KEY;
    k->hdr.destroy = key_destroy;
    k->prov = hp;
    crpki_err e = b.type == CRPKI_KEY_RSA
                      ? crypto_pubkey_from_rsa(b.n, b.nlen, b.e, b.elen, &k->pub)
                      : crypto_pubkey_from_ec(b.curve, b.x, b.y, b.coord_len, &k->pub);
    ksp_blob_parsed_free(&b);
    if (e != CRPKI_OK) {
        key_destroy(&k->hdr);
        return ksp_fail(st, KSP_E_BAD_DATA, "blob holds no valid public key (%s)",
                        crpki_err_name(e));
    }
    crypto_pubkey_get_info(k->pub, &k->info);
    c = ksp_handle_new(&k->hdr, hk, st);
    if (c != KSP_OK)
        key_destroy(&k->hdr);
    return c;
}
