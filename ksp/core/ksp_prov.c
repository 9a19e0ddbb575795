/* The KSP core's providers (ksp_core.h): start-up, open and free, provider
 * properties, and what keys share with providers (ksp_internal.h). */
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

static const prov_backend *g_backend;

crpki_err ksp_core_init(const prov_backend *b)
{
    if (!b)
        return CRPKI_E_INVALID_ARG;
    g_backend = b;
    return ksp_handle_init();
}

const prov_backend *ksp_backend(void)
{
    return g_backend;
}

static void provider_destroy(ksp_obj *o)
{
    ksp_provider *p = (ksp_provider *)o;
    free(p->use_context);
    free(p);
}

ksp_code ksp_provider_get(uintptr_t hp, ksp_provider **p, ksp_status *st)
{
    ksp_obj *o;
    ksp_code c = ksp_handle_get(hp, KSP_KIND_PROVIDER, &o, st);
    *p = (ksp_provider *)o;
    return c;
}

/* KSP_OK when hp is a live provider handle (for calls that use nothing of
 * the provider but its validity). */
ksp_code ksp_provider_live(uintptr_t hp, ksp_status *st)
{
    ksp_provider *p;
    ksp_code c = ksp_provider_get(hp, &p, st);
    if (c == KSP_OK)
        ksp_obj_put(&p->hdr);
    return c;
}

ksp_code ksp_backend_err(ksp_status *st, crpki_err e, const crpki_error_info *ei, const char *what)
{
    if (e == CRPKI_E_BUFFER_TOO_SMALL) /* the size protocol, whoever ran out of room */
        return ksp_fail(st, KSP_E_MORE_DATA, "%s: %s", what, ei->detail);
    return ksp_fail_core(st, e, "%s: %s%s%s", what, crpki_strerror(e), ei->detail[0] ? ": " : "",
                         ei->detail);
}

/* HWND / use context: the two properties providers and keys both keep
 * (under the table lock, as the application may set them meanwhile). */
int ksp_ui_property_is(const uint16_t *prop)
{
    return ksp_u16_eq_ascii(prop, "HWND Handle") || ksp_u16_eq_ascii(prop, "Use Context");
}

ksp_code ksp_ui_property_get(const uintptr_t *hwnd, char *const *use_context, const uint16_t *prop,
                             uint8_t *out, size_t outsz, size_t *res, ksp_status *st)
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

/* HWND / use context: the two settable properties of providers and keys. */
ksp_code ksp_ui_property_set(uintptr_t *hwnd, char **use_context, const uint16_t *prop,
                             const uint8_t *in, size_t len, uint32_t flags, ksp_status *st)
{
    if (!prop)
        return ksp_fail(st, KSP_E_INVALID_ARG, "pszProperty is NULL");
    if (ksp_flags_bad(flags, KSP_MASK_SET_PROPERTY))
        return ksp_fail(st, KSP_E_BAD_FLAGS, "flags 0x%08x", (unsigned)flags);
    if (flags & KSP_F_PERSIST)
        return ksp_fail(st, KSP_E_NOT_SUPPORTED, "persisted custom properties are not stored");
    if (ksp_u16_eq_ascii(prop, "HWND Handle")) {
        uintptr_t w;
        if (!in || len != sizeof w)
            return ksp_fail(st, KSP_E_INVALID_ARG, "HWND takes %u bytes, got %u",
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
    return ksp_fail(st, KSP_E_NOT_SUPPORTED, "property cannot be set");
}

ksp_code ksp_open_provider(const uint16_t *name, uint32_t flags, uintptr_t *hp, ksp_status *st)
{
    if (!hp)
        return ksp_fail(st, KSP_E_INVALID_ARG, "phProvider is NULL");
    *hp = 0;
    if (!name || !ksp_u16_eq_ascii(name, KSP_PROVIDER_NAME))
        return ksp_fail(st, KSP_E_INVALID_ARG, "provider name is not \"%s\"", KSP_PROVIDER_NAME);
    if (ksp_flags_bad(flags, KSP_MASK_OPEN_PROVIDER))
        return ksp_fail(st, KSP_E_BAD_FLAGS, "flags 0x%08x", (unsigned)flags);
    if (!g_backend)
        return ksp_fail_core(st, CRPKI_E_INTERNAL, "no backend");
    crpki_error_info ei = {0};
    crpki_err e = ksp_backend()->open(ksp_backend()->ctx, &ei);
    if (e != CRPKI_OK)
        return ksp_backend_err(st, e, &ei, "opening the session");
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

ksp_code ksp_unsupported(const char *what, ksp_status *st)
{
    return ksp_fail(st, KSP_E_NOT_SUPPORTED,
                    "%s is not supported: keys live in the remote service, this provider only "
                    "signs and verifies",
                    what);
}

ksp_code ksp_free_provider(uintptr_t hp, ksp_status *st)
{
    return ksp_handle_free(hp, KSP_KIND_PROVIDER, st);
}
ksp_code ksp_property_get_check(const uint16_t *prop, const size_t *res, uint32_t flags,
                                ksp_status *st)
{
    if (!prop || !res)
        return ksp_fail(st, KSP_E_INVALID_ARG, "pszProperty or pcbResult is NULL");
    if (ksp_flags_bad(flags, KSP_MASK_GET_PROPERTY))
        return ksp_fail(st, KSP_E_BAD_FLAGS, "flags 0x%08x", (unsigned)flags);
    if (flags & KSP_F_PERSIST_ONLY) /* built-in values are skipped; nothing custom is persisted */
        return ksp_fail(st, KSP_E_NOT_FOUND, "no persisted custom properties");
    return KSP_OK;
}

ksp_code ksp_get_provider_property(uintptr_t hp, const uint16_t *prop, uint8_t *out, size_t outsz,
                                   size_t *res, uint32_t flags, ksp_status *st)
{
    ksp_provider *p;
    ksp_code c = ksp_provider_get(hp, &p, st);
    if (c != KSP_OK)
        return c;
    if ((c = ksp_property_get_check(prop, res, flags, st)) != KSP_OK) {
        /* refused: st says why */
    } else if (ksp_u16_eq_ascii(prop, "Name"))
        c = ksp_out_str(KSP_PROVIDER_NAME, out, outsz, res, st);
    else if (ksp_u16_eq_ascii(prop, "Impl Type"))
        c = ksp_out_dword(KSP_IMPL_HARDWARE, out, outsz, res, st);
    else if (ksp_u16_eq_ascii(prop, "Version"))
        c = ksp_out_dword(((uint32_t)CRPKI_VERSION_MAJOR << 16) | CRPKI_VERSION_MINOR, out, outsz,
                          res, st);
    else if (ksp_u16_eq_ascii(prop, "Max Name Length"))
        c = ksp_out_dword(KSP_MAX_NAME_LENGTH, out, outsz, res, st);
    else if (ksp_ui_property_is(prop))
        c = ksp_ui_property_get(&p->hwnd, &p->use_context, prop, out, outsz, res, st);
    else
        c = ksp_fail(st, KSP_E_NOT_SUPPORTED, "provider property not supported");
    ksp_obj_put(&p->hdr);
    return c;
}

ksp_code ksp_set_provider_property(uintptr_t hp, const uint16_t *prop, const uint8_t *in,
                                   size_t len, uint32_t flags, ksp_status *st)
{
    ksp_provider *p;
    ksp_code c = ksp_provider_get(hp, &p, st);
    if (c != KSP_OK)
        return c;
    c = ksp_ui_property_set(&p->hwnd, &p->use_context, prop, in, len, flags, st);
    ksp_obj_put(&p->hdr);
    return c;
}
