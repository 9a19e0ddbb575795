/* ksp_core: the KSP's operations in portable C, one per member of
 * NCRYPT_KEY_STORAGE_FUNCTION_TABLE that the provider implements, with the
 * same name stem (ksp_open_key <- OpenKey). Handles are the table's numbers
 * (ksp_handle.h), strings UTF-16 (ksp_u16.h), structures the layouts of
 * their Windows counterparts (checked by the DLL). Each call validates in
 * the order handles, pointers, flags, then meaning, and returns a ksp_code
 * with the reason in st. docs/ksp.md documents every call. */
#ifndef CRPKI_KSP_CORE_KSP_CORE_H
#define CRPKI_KSP_CORE_KSP_CORE_H

#include <stddef.h>
#include <stdint.h>

#include "ksp_status.h"
#include "provider/prov_backend.h"

#define KSP_PROVIDER_NAME "CRPKI Remote Signing Key Storage Provider"

/* NCryptKeyName and NCryptAlgorithmName. */
typedef struct {
    uint16_t *name;
    uint16_t *alg;
    uint32_t legacy_spec;
    uint32_t flags;
} ksp_key_name;
typedef struct {
    uint16_t *name;
    uint32_t alg_class;
    uint32_t alg_operations;
    uint32_t flags;
} ksp_alg_name;

/* Once per process before any call, as csp_core_init: the backend the
 * operations use (b must outlive them) and the handle table. DllMain's
 * PROCESS_ATTACH or a test's setup. */
crpki_err ksp_core_init(const prov_backend *b);

ksp_code ksp_open_provider(const uint16_t *name, uint32_t flags, uintptr_t *hp, ksp_status *st);
/* A member of the function table this provider does not implement (what:
 * its name): KSP_E_NOT_SUPPORTED with the reason. */
ksp_code ksp_unsupported(const char *what, ksp_status *st);
ksp_code ksp_free_provider(uintptr_t hp, ksp_status *st);
ksp_code ksp_get_provider_property(uintptr_t hp, const uint16_t *prop, uint8_t *out, size_t outsz,
                                   size_t *res, uint32_t flags, ksp_status *st);
ksp_code ksp_set_provider_property(uintptr_t hp, const uint16_t *prop, const uint8_t *in,
                                   size_t len, uint32_t flags, ksp_status *st);

ksp_code ksp_open_key(uintptr_t hp, uintptr_t *hk, const uint16_t *name, uint32_t legacy_spec,
                      uint32_t flags, ksp_status *st);
ksp_code ksp_free_key(uintptr_t hp, uintptr_t hk, ksp_status *st);
ksp_code ksp_delete_key(uintptr_t hp, uintptr_t hk, uint32_t flags, ksp_status *st);
ksp_code ksp_get_key_property(uintptr_t hp, uintptr_t hk, const uint16_t *prop, uint8_t *out,
                              size_t outsz, size_t *res, uint32_t flags, ksp_status *st);
ksp_code ksp_set_key_property(uintptr_t hp, uintptr_t hk, const uint16_t *prop, const uint8_t *in,
                              size_t len, uint32_t flags, ksp_status *st);

ksp_code ksp_enum_keys(uintptr_t hp, const uint16_t *scope, ksp_key_name **out, void **state,
                       uint32_t flags, ksp_status *st);
ksp_code ksp_enum_algorithms(uintptr_t hp, uint32_t operations, uint32_t *count,
                             ksp_alg_name **list, uint32_t flags, ksp_status *st);
ksp_code ksp_is_alg_supported(uintptr_t hp, const uint16_t *alg, uint32_t flags, ksp_status *st);
ksp_code ksp_free_buffer(void *p, ksp_status *st);

ksp_code ksp_export_key(uintptr_t hp, uintptr_t hk, uintptr_t hexport, const uint16_t *blob_type,
                        int has_params, uint8_t *out, size_t outsz, size_t *res, uint32_t flags,
                        ksp_status *st);
ksp_code ksp_import_key(uintptr_t hp, uintptr_t himport, const uint16_t *blob_type, int has_params,
                        uintptr_t *hk, const uint8_t *data, size_t len, uint32_t flags,
                        ksp_status *st);

ksp_code ksp_sign_hash(uintptr_t hp, uintptr_t hk, const void *padding, const uint8_t *hash,
                       size_t hash_len, uint8_t *sig, size_t sigsz, size_t *res, uint32_t flags,
                       ksp_status *st);
ksp_code ksp_verify_signature(uintptr_t hp, uintptr_t hk, const void *padding, const uint8_t *hash,
                              size_t hash_len, const uint8_t *sig, size_t sig_len, uint32_t flags,
                              ksp_status *st);

#endif
