/* The KSP core's objects and what its files share (not for the DLL). */
#ifndef CRPKI_KSP_CORE_KSP_INTERNAL_H
#define CRPKI_KSP_CORE_KSP_INTERNAL_H

#include <stddef.h>
#include <stdint.h>

#include "core/catalog/catalog.h"
#include "core/crypto/crypto.h"
#include "ksp_core.h"
#include "ksp_handle.h"

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

/* The backend of ksp_core_init. */
const prov_backend *ksp_backend(void);

/* Provider lookup: KSP_E_INVALID_HANDLE unless live. Release with ksp_obj_put. */
ksp_code ksp_provider_get(uintptr_t hp, ksp_provider **p, ksp_status *st);
/* KSP_OK when hp is a live provider handle (for calls that use nothing of
 * the provider but its validity). */
ksp_code ksp_provider_live(uintptr_t hp, ksp_status *st);
/* The key hk, opened through the live provider hp (ncrypt's router always
 * passes the key's own provider). Release with ksp_obj_put. */
ksp_code ksp_key_get(uintptr_t hp, uintptr_t hk, ksp_key **k, ksp_status *st);
/* KSP_E_CORE with e, and a reason naming what failed (KSP_E_MORE_DATA for
 * CRPKI_E_BUFFER_TOO_SMALL). */
ksp_code ksp_backend_err(ksp_status *st, crpki_err e, const crpki_error_info *ei, const char *what);

/* The key algorithm row (base/alg) of a key the KSP holds: its CNG names.
 * Keys are RSA, or EC on a curve the catalog and the blob import accept, so
 * there is always one; an unknown shape reads as the first row. */
const alg_key_info *ksp_key_alg(alg_key_type type, alg_curve curve);

/* What GetProviderProperty and GetKeyProperty check before the property's
 * name: the pointers, the flags, and NCRYPT_PERSIST_ONLY_FLAG (nothing
 * custom is ever persisted: KSP_E_NOT_FOUND). */
ksp_code ksp_property_get_check(const uint16_t *prop, const size_t *res, uint32_t flags,
                                ksp_status *st);

/* HWND / use context: the two properties providers and keys both keep
 * (under the table lock, as the application may set them meanwhile). */
int ksp_ui_property_is(const uint16_t *prop);
ksp_code ksp_ui_property_get(const uintptr_t *hwnd, char *const *use_context, const uint16_t *prop,
                             uint8_t *out, size_t outsz, size_t *res, ksp_status *st);
ksp_code ksp_ui_property_set(uintptr_t *hwnd, char **use_context, const uint16_t *prop,
                             const uint8_t *in, size_t len, uint32_t flags, ksp_status *st);

#endif
