#include "ksp_ops.h"

#include <stdlib.h>
#include <string.h>

#include "core/crypto/crypto.h"
#include "ksp_blob.h"
#include "ksp_flags.h"
#include "ksp_handle.h"
#include "ksp_out.h"
#include "ksp_pad.h"
#include "ksp_u16.h"
#include "base/platform/plat_str.h"

#ifndef CRPKI_VERSION_MAJOR
#define CRPKI_VERSION_MAJOR 0
#endif
#ifndef CRPKI_VERSION_MINOR
#define CRPKI_VERSION_MINOR 1
#endif

#define MAX_USE_CONTEXT 1024u /* characters */

typedef struct {
    ksp_obj hdr;
    uintptr_t hwnd;
    char *use_context; /* UTF-8 or NULL */
} ksp_provider;

typedef struct {
    ksp_obj hdr;
    uintptr_t prov; /* the provider handle that opened it (may go stale) */
    int persisted;  /* 1: a catalog key (signs); 0: an imported public key */
    catalog_entry entry;
    char *name;         /* UTF-8 key name (credential ID), persisted keys */
    crypto_pubkey *pub; /* built at open, NULL until the cert is parsed */
    crypto_pubkey_info info;
    uint32_t legacy_spec;
    uint32_t open_flags;
    uintptr_t hwnd; /* mutable: under ksp_handle_lock */
    char *use_context;
} ksp_key;

static const prov_backend *g_backend;

crpki_err ksp_core_init(const prov_backend *b)
{
    if (!b)
        return CRPKI_E_INVALID_ARG;
    g_backend = b;
    return ksp_handle_init();
}

/* ---- objects ----------------------------------------------------------- */

static void provider_destroy(ksp_obj *o)
{
    ksp_provider *p = (ksp_provider *)o;
    free(p->use_context);
    free(p);
}

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

static ksp_code get_provider(uintptr_t hp, ksp_provider **p, ksp_status *st)
{
    ksp_obj *o;
    ksp_code c = ksp_handle_get(hp, KSP_KIND_PROVIDER, &o, st);
    *p = (ksp_provider *)o;
    return c;
}

/* KSP_OK when hp is a live provider handle (for calls that use nothing of
 * the provider but its validity). */
static ksp_code provider_live(uintptr_t hp, ksp_status *st)
{
    ksp_provider *p;
    ksp_code c = get_provider(hp, &p, st);
    if (c == KSP_OK)
        ksp_obj_put(&p->hdr);
    return c;
}

/* The key hk, opened through the live provider hp (ncrypt's router always
 * passes the key's own provider). */
static ksp_code get_key(uintptr_t hp, uintptr_t hk, ksp_key **k, ksp_status *st)
{
    ksp_obj *o;
    *k = NULL;
    ksp_code c = ksp_handle_get(hk, KSP_KIND_KEY, &o, st);
    if (c != KSP_OK)
        return c;
    c = provider_live(hp, st);
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

static ksp_code backend_err(ksp_status *st, crpki_err e, const crpki_error_info *ei,
                            const char *what)
{
    return ksp_fail_core(st, e, "%s: %s%s%s", what, crpki_strerror(e), ei->detail[0] ? ": " : "",
                         ei->detail);
}

/* ---- provider ---------------------------------------------------------- */

ksp_code ksp_open_provider(const uint16_t *name, uint32_t flags, uintptr_t *hp, ksp_status *st)
{
    if (!hp)
        return ksp_fail_core(st, CRPKI_E_INVALID_ARG, "phProvider is NULL");
    *hp = 0;
    if (!name || !ksp_u16_eq_ascii(name, KSP_PROVIDER_NAME))
        return ksp_fail_core(st, CRPKI_E_INVALID_ARG, "provider name is not \"%s\"",
                             KSP_PROVIDER_NAME);
    if (ksp_flags_bad(flags, KSP_MASK_OPEN_PROVIDER))
        return ksp_fail(st, KSP_E_BAD_FLAGS, "flags 0x%08x", (unsigned)flags);
    if (!g_backend)
        return ksp_fail_core(st, CRPKI_E_INTERNAL, "no backend");
    crpki_error_info ei = {0};
    crpki_err e = g_backend->open(g_backend->ctx, &ei);
    if (e != CRPKI_OK)
        return backend_err(st, e, &ei, "opening the session");
    ksp_provider *p = calloc(1, sizeof *p);
    if (!p)
        return ksp_fail_core(st, CRPKI_E_NO_MEMORY, "out of memory");
    p->hdr.kind = KSP_KIND_PROVIDER;
    p->hdr.destroy = provider_destroy;
    ksp_code c = ksp_handle_new(&p->hdr, hp, st);
    if (c != KSP_OK)
        provider_destroy(&p->hdr);
    return c;
}

ksp_code ksp_free_provider(uintptr_t hp, ksp_status *st)
{
    return ksp_handle_free(hp, KSP_KIND_PROVIDER, st);
}

/* HWND / use context: the two properties providers and keys both keep
 * (under the table lock, as the application may set them meanwhile). */
static int is_ui_property(const uint16_t *prop)
{
    return ksp_u16_eq_ascii(prop, "HWND Handle") || ksp_u16_eq_ascii(prop, "Use Context");
}

static ksp_code get_ui_property(const uintptr_t *hwnd, char *const *use_context,
                                const uint16_t *prop, uint8_t *out, size_t outsz, size_t *res,
                                ksp_status *st)
{
    if (ksp_u16_eq_ascii(prop, "HWND Handle")) {
        ksp_handle_lock();
        uintptr_t w = *hwnd;
        ksp_handle_unlock();
        return ksp_out_bytes(&w, sizeof w, out, outsz, res, st);
    }
    ksp_handle_lock();
    char *u = *use_context ? plat_strdup(*use_context) : NULL;
    int oom = *use_context && !u;
    ksp_handle_unlock();
    ksp_code c = oom ? ksp_fail_core(st, CRPKI_E_NO_MEMORY, "out of memory")
                 : u ? ksp_out_str(u, out, outsz, res, st)
                     : ksp_fail(st, KSP_E_NOT_FOUND, "no use context set");
    free(u);
    return c;
}

ksp_code ksp_get_provider_property(uintptr_t hp, const uint16_t *prop, uint8_t *out, size_t outsz,
                                   size_t *res, uint32_t flags, ksp_status *st)
{
    ksp_provider *p;
    ksp_code c = get_provider(hp, &p, st);
    if (c != KSP_OK)
        return c;
    if (!prop || !res)
        c = ksp_fail_core(st, CRPKI_E_INVALID_ARG, "pszProperty or pcbResult is NULL");
    else if (ksp_flags_bad(flags, KSP_MASK_GET_PROPERTY))
        c = ksp_fail(st, KSP_E_BAD_FLAGS, "flags 0x%08x", (unsigned)flags);
    else if (flags & KSP_F_PERSIST_ONLY)
        c = ksp_fail(st, KSP_E_NOT_FOUND, "no persisted custom properties");
    else if (ksp_u16_eq_ascii(prop, "Name"))
        c = ksp_out_str(KSP_PROVIDER_NAME, out, outsz, res, st);
    else if (ksp_u16_eq_ascii(prop, "Impl Type"))
        c = ksp_out_dword(KSP_IMPL_HARDWARE, out, outsz, res, st);
    else if (ksp_u16_eq_ascii(prop, "Version"))
        c = ksp_out_dword(((uint32_t)CRPKI_VERSION_MAJOR << 16) | CRPKI_VERSION_MINOR, out, outsz,
                          res, st);
    else if (ksp_u16_eq_ascii(prop, "Max Name Length"))
        c = ksp_out_dword(KSP_MAX_NAME_LENGTH, out, outsz, res, st);
    else if (is_ui_property(prop))
        c = get_ui_property(&p->hwnd, &p->use_context, prop, out, outsz, res, st);
    else
        c = ksp_fail_core(st, CRPKI_E_NOT_SUPPORTED, "provider property not supported");
    ksp_obj_put(&p->hdr);
    return c;
}

/* HWND / use context: the two settable properties of providers and keys. */
static ksp_code set_ui_property(uintptr_t *hwnd, char **use_context, const uint16_t *prop,
                                const uint8_t *in, size_t len, uint32_t flags, ksp_status *st)
{
    if (!prop)
        return ksp_fail_core(st, CRPKI_E_INVALID_ARG, "pszProperty is NULL");
    if (ksp_flags_bad(flags, KSP_MASK_SET_PROPERTY))
        return ksp_fail(st, KSP_E_BAD_FLAGS, "flags 0x%08x", (unsigned)flags);
    if (flags & KSP_F_PERSIST)
        return ksp_fail_core(st, CRPKI_E_NOT_SUPPORTED,
                             "persisted custom properties are not stored");
    if (ksp_u16_eq_ascii(prop, "HWND Handle")) {
        uintptr_t w;
        if (!in || len != sizeof w)
            return ksp_fail_core(st, CRPKI_E_INVALID_ARG, "HWND takes %u bytes, got %u",
                                 (unsigned)sizeof w, (unsigned)len);
        memcpy(&w, in, sizeof w);
        ksp_handle_lock();
        *hwnd = w;
        ksp_handle_unlock();
        return KSP_OK;
    }
    if (ksp_u16_eq_ascii(prop, "Use Context")) {
        char *u;
        ksp_code c = ksp_in_str(in, len, MAX_USE_CONTEXT, &u, st);
        if (c != KSP_OK)
            return c;
        ksp_handle_lock();
        char *old = *use_context;
        *use_context = u;
        ksp_handle_unlock();
        free(old);
        return KSP_OK;
    }
    return ksp_fail_core(st, CRPKI_E_NOT_SUPPORTED, "property cannot be set");
}

ksp_code ksp_set_provider_property(uintptr_t hp, const uint16_t *prop, const uint8_t *in,
                                   size_t len, uint32_t flags, ksp_status *st)
{
    ksp_provider *p;
    ksp_code c = get_provider(hp, &p, st);
    if (c != KSP_OK)
        return c;
    c = set_ui_property(&p->hwnd, &p->use_context, prop, in, len, flags, st);
    ksp_obj_put(&p->hdr);
    return c;
}

/* ---- keys -------------------------------------------------------------- */

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
    ksp_code c = get_provider(hp, &p, st);
    if (c != KSP_OK)
        return c;
    char *id = NULL;
    ksp_key *k = NULL;
    if (!hk) {
        c = ksp_fail_core(st, CRPKI_E_INVALID_ARG, "phKey is NULL");
        goto out;
    }
    *hk = 0;
    if (ksp_flags_bad(flags, KSP_MASK_OPEN_KEY)) {
        c = ksp_fail(st, KSP_E_BAD_FLAGS, "flags 0x%08x", (unsigned)flags);
        goto out;
    }
    if (legacy_spec != 0 && legacy_spec != KSP_AT_KEYEXCHANGE && legacy_spec != KSP_AT_SIGNATURE) {
        c = ksp_fail_core(st, CRPKI_E_INVALID_ARG, "dwLegacyKeySpec %u", (unsigned)legacy_spec);
        goto out;
    }
    if (name && ksp_u16_len(name, KSP_MAX_NAME_LENGTH) > KSP_MAX_NAME_LENGTH) {
        c = ksp_fail_core(st, CRPKI_E_INVALID_ARG, "key name longer than %u characters",
                          KSP_MAX_NAME_LENGTH);
        goto out;
    }
    if (name && ksp_u16_to_utf8(name, SIZE_MAX, &id) != CRPKI_OK) {
        c = ksp_fail_core(st, CRPKI_E_INVALID_ARG, "key name is not valid UTF-16");
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
    crpki_err e = g_backend->find_key(g_backend->ctx, id, &k->entry, &ei);
    if (e != CRPKI_OK) {
        free(k);
        k = NULL;
        c = backend_err(st, e, &ei, "key not in the catalog");
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
    ksp_code c = get_key(hp, hk, &k, st);
    if (c != KSP_OK)
        return c;
    if (ksp_flags_bad(flags, KSP_MASK_DELETE)) {
        c = ksp_fail(st, KSP_E_BAD_FLAGS, "flags 0x%08x", (unsigned)flags);
    } else if (!k->persisted) {
        c = ksp_fail_core(st, CRPKI_E_NOT_SUPPORTED, "an imported public key is not persisted");
    } else {
        crpki_error_info ei = {0};
        crpki_err e = g_backend->forget_key(g_backend->ctx, k->name, &ei);
        if (e != CRPKI_OK)
            c = backend_err(st, e, &ei, "removing the key's catalog selection");
    }
    ksp_obj_put(&k->hdr);
    return c;
}

static const char *alg_name(const crypto_pubkey_info *i)
{
    if (i->type == CRPKI_KEY_RSA)
        return "RSA";
    return i->curve == CRPKI_CURVE_P384 ? "ECDSA_P384" : "ECDSA_P256";
}

ksp_code ksp_get_key_property(uintptr_t hp, uintptr_t hk, const uint16_t *prop, uint8_t *out,
                              size_t outsz, size_t *res, uint32_t flags, ksp_status *st)
{
    ksp_key *k;
    ksp_code c = get_key(hp, hk, &k, st);
    if (c != KSP_OK)
        return c;
    const crypto_pubkey_info *i = &k->info;
    if (!prop || !res)
        c = ksp_fail_core(st, CRPKI_E_INVALID_ARG, "pszProperty or pcbResult is NULL");
    else if (ksp_flags_bad(flags, KSP_MASK_GET_PROPERTY))
        c = ksp_fail(st, KSP_E_BAD_FLAGS, "flags 0x%08x", (unsigned)flags);
    else if (flags & KSP_F_PERSIST_ONLY)
        /* built-in values are skipped; nothing custom is ever persisted */
        c = ksp_fail(st, KSP_E_NOT_FOUND, "no persisted custom properties");
    else if (ksp_u16_eq_ascii(prop, "Algorithm Group"))
        c = ksp_out_str(i->type == CRPKI_KEY_RSA ? "RSA" : "ECDSA", out, outsz, res, st);
    else if (ksp_u16_eq_ascii(prop, "Algorithm Name"))
        c = ksp_out_str(alg_name(i), out, outsz, res, st);
    else if (ksp_u16_eq_ascii(prop, "Length"))
        c = ksp_out_dword(i->bits, out, outsz, res, st);
    else if (ksp_u16_eq_ascii(prop, "Lengths")) {
        uint32_t l[4] = {i->bits, i->bits, 0, i->bits}; /* min, max, increment, default */
        c = ksp_out_bytes(l, sizeof l, out, outsz, res, st);
    } else if (ksp_u16_eq_ascii(prop, "Block Length")) {
        c = i->type == CRPKI_KEY_RSA
                ? ksp_out_dword((i->bits + 7) / 8, out, outsz, res, st)
                : ksp_fail_core(st, CRPKI_E_NOT_SUPPORTED, "an ECDSA key has no block length");
    } else if (ksp_u16_eq_ascii(prop, "Key Usage"))
        c = ksp_out_dword(KSP_ALLOW_SIGNING, out, outsz, res, st);
    else if (ksp_u16_eq_ascii(prop, "Export Policy"))
        c = ksp_out_dword(0, out, outsz, res, st);
    else if (ksp_u16_eq_ascii(prop, "Key Type"))
        c = ksp_out_dword(k->open_flags & KSP_F_MACHINE_KEY, out, outsz, res, st);
    else if (ksp_u16_eq_ascii(prop, "Provider Handle"))
        c = ksp_out_bytes(&k->prov, sizeof k->prov, out, outsz, res, st);
    else if (is_ui_property(prop))
        c = get_ui_property(&k->hwnd, &k->use_context, prop, out, outsz, res, st);
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
        c = ksp_fail_core(st, CRPKI_E_NOT_SUPPORTED, "key property not supported");
    ksp_obj_put(&k->hdr);
    return c;
}

ksp_code ksp_set_key_property(uintptr_t hp, uintptr_t hk, const uint16_t *prop, const uint8_t *in,
                              size_t len, uint32_t flags, ksp_status *st)
{
    ksp_key *k;
    ksp_code c = get_key(hp, hk, &k, st);
    if (c != KSP_OK)
        return c;
    c = set_ui_property(&k->hwnd, &k->use_context, prop, in, len, flags, st);
    ksp_obj_put(&k->hdr);
    return c;
}

/* ---- enumeration ------------------------------------------------------- */

#define ENUM_MAGIC 0x4b53504eu /* "KSPN" */

typedef struct {
    uint32_t magic;
    uint32_t next;
} enum_state;

static uint16_t *u16_into(uint8_t **cursor, const char *s)
{
    uint16_t *w;
    size_t n;
    if (ksp_utf8_to_u16(s, &w, &n) != CRPKI_OK)
        return NULL;
    uint16_t *dst = (uint16_t *)(void *)*cursor;
    memcpy(dst, w, (n + 1) * sizeof *w);
    *cursor += (n + 1) * sizeof *w;
    free(w);
    return dst;
}

ksp_code ksp_enum_keys(uintptr_t hp, const uint16_t *scope, ksp_key_name **out, void **state,
                       uint32_t flags, ksp_status *st)
{
    ksp_code c = provider_live(hp, st);
    if (c != KSP_OK)
        return c;
    if (!out || !state)
        return ksp_fail_core(st, CRPKI_E_INVALID_ARG, "ppKeyName or ppEnumState is NULL");
    *out = NULL;
    if (ksp_flags_bad(flags, KSP_MASK_ENUM_KEYS))
        return ksp_fail(st, KSP_E_BAD_FLAGS, "flags 0x%08x", (unsigned)flags);
    (void)scope; /* documented as unused; certutil passes one for smart cards */
    enum_state *es = *state;
    if (es && (!ksp_buf_owned(es) || es->magic != ENUM_MAGIC))
        return ksp_fail_core(st, CRPKI_E_INVALID_ARG, "ppEnumState is not this provider's");
    char **ids = NULL;
    size_t n = 0;
    crpki_error_info ei = {0};
    crpki_err e = g_backend->list_keys(g_backend->ctx, &ids, &n, &ei);
    if (e != CRPKI_OK)
        return backend_err(st, e, &ei, "listing the catalog");
    size_t idx = es ? es->next : 0;
    catalog_entry ent = {0};
    /* skip entries that vanished or cannot be described */
    while (idx < n && g_backend->find_key(g_backend->ctx, ids[idx], &ent, &ei) != CRPKI_OK)
        idx++;
    if (idx >= n) {
        g_backend->free_ids(ids, n);
        if (!es) { /* an empty catalog still hands out a state to free */
            es = ksp_buf_alloc(sizeof *es, st);
            if (es) {
                es->magic = ENUM_MAGIC;
                es->next = (uint32_t)n;
                *state = es;
            }
        }
        return ksp_fail(st, KSP_E_NO_MORE_ITEMS, "no more keys");
    }
    const char *alg = ent.key_type == CRPKI_KEY_RSA   ? "RSA"
                      : ent.curve == CRPKI_CURVE_P384 ? "ECDSA_P384"
                                                      : "ECDSA_P256";
    size_t need = sizeof(ksp_key_name) + (strlen(ids[idx]) + 1 + strlen(alg) + 1) * 2;
    ksp_key_name *kn = NULL;
    if (!es) {
        es = ksp_buf_alloc(sizeof *es, st);
        if (!es) {
            c = KSP_E_CORE;
            goto done;
        }
        es->magic = ENUM_MAGIC;
        *state = es;
    }
    kn = ksp_buf_alloc(need, st);
    if (!kn) {
        c = KSP_E_CORE;
        goto done;
    }
    uint8_t *cur = (uint8_t *)(kn + 1);
    kn->name = u16_into(&cur, ids[idx]);
    kn->alg = u16_into(&cur, alg);
    kn->legacy_spec = ent.key_type == CRPKI_KEY_RSA ? KSP_AT_SIGNATURE : 0;
    kn->flags = flags & KSP_F_MACHINE_KEY;
    if (!kn->name || !kn->alg) {
        ksp_buf_free(kn, NULL);
        c = ksp_fail_core(st, CRPKI_E_INTERNAL, "credential ID is not valid UTF-8");
        goto done;
    }
    es->next = (uint32_t)idx + 1;
    *out = kn;
    c = KSP_OK;
done:
    catalog_entry_free(&ent);
    g_backend->free_ids(ids, n);
    return c;
}

static const struct {
    const char *name;
} ALGS[] = {{"RSA"}, {"ECDSA_P256"}, {"ECDSA_P384"}};
#define NALGS (sizeof ALGS / sizeof ALGS[0])

ksp_code ksp_enum_algorithms(uintptr_t hp, uint32_t operations, uint32_t *count,
                             ksp_alg_name **list, uint32_t flags, ksp_status *st)
{
    ksp_code c = provider_live(hp, st);
    if (c != KSP_OK)
        return c;
    if (!count || !list)
        return ksp_fail_core(st, CRPKI_E_INVALID_ARG, "pdwAlgCount or ppAlgList is NULL");
    *count = 0;
    *list = NULL;
    if (ksp_flags_bad(flags, KSP_MASK_SIMPLE))
        return ksp_fail(st, KSP_E_BAD_FLAGS, "flags 0x%08x", (unsigned)flags);
    if (operations & ~KSP_OP_ALL_KNOWN)
        return ksp_fail_core(st, CRPKI_E_INVALID_ARG, "dwAlgOperations 0x%08x",
                             (unsigned)operations);
    size_t n = (operations == 0 || (operations & KSP_OP_SIGNATURE)) ? NALGS : 0;
    size_t need = n * sizeof(ksp_alg_name);
    for (size_t i = 0; i < n; i++)
        need += (strlen(ALGS[i].name) + 1) * 2;
    ksp_alg_name *l = ksp_buf_alloc(need, st);
    if (!l)
        return KSP_E_CORE;
    uint8_t *cur = (uint8_t *)(l + n);
    for (size_t i = 0; i < n; i++) {
        l[i].name = u16_into(&cur, ALGS[i].name);
        l[i].alg_class = KSP_IF_SIGNATURE;
        l[i].alg_operations = KSP_OP_SIGNATURE;
        l[i].flags = 0;
    }
    *count = (uint32_t)n;
    *list = l;
    return KSP_OK;
}

ksp_code ksp_is_alg_supported(uintptr_t hp, const uint16_t *alg, uint32_t flags, ksp_status *st)
{
    ksp_code c = provider_live(hp, st);
    if (c != KSP_OK)
        return c;
    if (!alg)
        return ksp_fail_core(st, CRPKI_E_INVALID_ARG, "pszAlgId is NULL");
    if (ksp_flags_bad(flags, KSP_MASK_SIMPLE))
        return ksp_fail(st, KSP_E_BAD_FLAGS, "flags 0x%08x", (unsigned)flags);
    for (size_t i = 0; i < NALGS; i++)
        if (ksp_u16_eq_ascii(alg, ALGS[i].name))
            return KSP_OK;
    return ksp_fail_core(st, CRPKI_E_NOT_SUPPORTED, "algorithm not supported");
}

ksp_code ksp_free_buffer(void *p, ksp_status *st)
{
    return ksp_buf_free(p, st);
}

/* ---- blobs ------------------------------------------------------------- */

ksp_code ksp_export_key(uintptr_t hp, uintptr_t hk, uintptr_t hexport, const uint16_t *blob_type,
                        int has_params, uint8_t *out, size_t outsz, size_t *res, uint32_t flags,
                        ksp_status *st)
{
    ksp_key *k;
    ksp_code c = get_key(hp, hk, &k, st);
    if (c != KSP_OK)
        return c;
    if (!blob_type || !res)
        c = ksp_fail_core(st, CRPKI_E_INVALID_ARG, "pszBlobType or pcbResult is NULL");
    else if (ksp_flags_bad(flags, KSP_MASK_EXPORT))
        c = ksp_fail(st, KSP_E_BAD_FLAGS, "flags 0x%08x", (unsigned)flags);
    else if (hexport || has_params)
        c = ksp_fail_core(st, CRPKI_E_NOT_SUPPORTED, "wrapped export (hExportKey/parameters)");
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
    ksp_code c = provider_live(hp, st);
    if (c != KSP_OK)
        return c;
    if (!blob_type || !hk || !data)
        return ksp_fail_core(st, CRPKI_E_INVALID_ARG, "pszBlobType, phKey or pbData is NULL");
    *hk = 0;
    if (ksp_flags_bad(flags, KSP_MASK_IMPORT))
        return ksp_fail(st, KSP_E_BAD_FLAGS, "flags 0x%08x", (unsigned)flags);
    if (himport || has_params)
        return ksp_fail_core(st, CRPKI_E_NOT_SUPPORTED, "wrapped import (hImportKey/parameters)");
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

/* ---- signatures -------------------------------------------------------- */

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
    ksp_code c = get_key(hp, hk, &k, st);
    if (c != KSP_OK)
        return c;
    char *what = NULL;
    if (!res) {
        c = ksp_fail_core(st, CRPKI_E_INVALID_ARG, "pcbResult is NULL");
        goto out;
    }
    ksp_pad_key pk = pad_key(k);
    ksp_sign_req req;
    c = ksp_pad_parse(&pk, flags, padding, hash, hash_len, &req, st);
    if (c != KSP_OK)
        goto out;
    if (!k->persisted) {
        c = ksp_fail_core(st, CRPKI_E_NOT_SUPPORTED, "an imported public key cannot sign");
        goto out;
    }
    size_t need = catalog_entry_sig_len(&k->entry);
    /* size rules from the catalog: no network for a size query */
    *res = need;
    if (!sig)
        goto out;
    if (sigsz < need) {
        c = ksp_fail_core(st, CRPKI_E_BUFFER_TOO_SMALL, "signature buffer of %u bytes, %u needed",
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
    crpki_err e = g_backend->sign(g_backend->ctx, &sp, sig, &len, &ei);
    if (e != CRPKI_OK) {
        c = backend_err(st, e, &ei, "signing");
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
    ksp_code c = get_key(hp, hk, &k, st);
    if (c != KSP_OK)
        return c;
    ksp_pad_key pk = pad_key(k);
    ksp_sign_req req;
    if (!sig || sig_len == 0) {
        c = ksp_fail_core(st, CRPKI_E_INVALID_ARG, "no signature");
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
