/* csp_core: the CryptoAPI CSP without Windows types. Every CP* export of
 * crpkicsp.dll is a thin shim over the function of the same stem here
 * (CPSignHash -> csp_sign_hash): the shim checks what only it can, calls
 * this, and maps a failing csp_status to the Windows code once.
 *
 * Handles are the typed numbers of csp_handle.h; lengths and flags are the
 * DWORDs of the API as uint32_t; CryptoAPI constants are csp_const.h's.
 * Microsoft's documented semantics, and what this CSP does not do, are in
 * docs/csp.md. Thread-safe; csp_core_init first. */
#ifndef CRPKI_CSP_CORE_CSP_CORE_H
#define CRPKI_CSP_CORE_CSP_CORE_H

#include <stddef.h>
#include <stdint.h>

#include "provider/prov_backend.h"
#include "csp_const.h"
#include "csp_status.h"

#define CSP_PROV_NAME    "CRPKI Remote Signing Cryptographic Provider"
#define CSP_PROV_VERSION 0x00000100u /* 1.0: major << 8 | minor */

/* Sets the backend and creates the handle table's lock. Not thread-safe:
 * DllMain's PROCESS_ATTACH or a test's setup. b must outlive the core. */
crpki_err csp_core_init(const prov_backend *b);

/* Where the parent window of the approval dialog comes from: resolve(raw)
 * is called at signing time (raw: the VTableProvStruc's FuncReturnhWnd,
 * kept as an opaque function pointer). Both may be NULL. */
typedef void (*csp_fnptr)(void);
typedef struct {
    void *(*resolve)(csp_fnptr raw);
    csp_fnptr raw;
} csp_window_src;

/* ---- contexts ---- */
csp_code csp_acquire_context(uintptr_t *prov, const char *container, uint32_t flags,
                             const csp_window_src *win, csp_status *st);
csp_code csp_release_context(uintptr_t prov, uint32_t flags, csp_status *st);
/* Every PP_ parameter but PP_USER_CERTSTORE / PP_ROOT_CERTSTORE (Windows
 * objects: the shim builds them from csp_prov_certs). */
csp_code csp_get_prov_param(uintptr_t prov, uint32_t param, uint8_t *data, uint32_t *len,
                            uint32_t flags, csp_status *st);
/* value: PP_CLIENT_HWND the window handle itself; PP_UI_PROMPT UTF-8 text
 * (the shim converts the UTF-16 string); other parameters are refused. */
csp_code csp_set_prov_param(uintptr_t prov, uint32_t param, const void *value, uint32_t flags,
                            csp_status *st);

/* The certificates of PP_USER_CERTSTORE (roots_only 0: each usable key's
 * certificate, container set, then its chain) or PP_ROOT_CERTSTORE
 * (roots_only 1: the registrar CA, the chain's last certificate), without
 * duplicates. A key context gives its own key's; a verification context
 * every RSA key selected for the CSP. */
typedef struct {
    const uint8_t *der;
    size_t len;
    const char *container; /* the credential ID for a user certificate; NULL for a CA */
} csp_cert_ref;
typedef struct {
    csp_cert_ref *v;
    size_t n;
    catalog_entry *keys; /* owns what v points into */
    size_t nkeys;
} csp_cert_set;
csp_code csp_prov_certs(uintptr_t prov, int roots_only, csp_cert_set *out, csp_status *st);
void csp_cert_set_free(csp_cert_set *s);

/* ---- hashes ---- */
csp_code csp_create_hash(uintptr_t prov, uint32_t algid, uintptr_t key, uint32_t flags,
                         uintptr_t *hash, csp_status *st);
csp_code csp_hash_data(uintptr_t prov, uintptr_t hash, const uint8_t *data, uint32_t len,
                       uint32_t flags, csp_status *st);
csp_code csp_get_hash_param(uintptr_t prov, uintptr_t hash, uint32_t param, uint8_t *data,
                            uint32_t *len, uint32_t flags, csp_status *st);
/* HP_HASHVAL: data holds the hash's size of bytes (HP_HASHSIZE): the API
 * passes no length, data_len is what the caller guarantees (the shim passes
 * the hash's size; the unit tests pass other lengths). */
csp_code csp_set_hash_param(uintptr_t prov, uintptr_t hash, uint32_t param, const uint8_t *data,
                            size_t data_len, uint32_t flags, csp_status *st);
csp_code csp_duplicate_hash(uintptr_t prov, uintptr_t hash, const void *reserved, uint32_t flags,
                            uintptr_t *out, csp_status *st);
csp_code csp_destroy_hash(uintptr_t prov, uintptr_t hash, csp_status *st);
/* The size of the hash's value, 0 if hash is not a live hash of prov. */
uint32_t csp_hash_size(uintptr_t prov, uintptr_t hash);

/* ---- keys ---- */
csp_code csp_get_user_key(uintptr_t prov, uint32_t keyspec, uintptr_t *key, csp_status *st);
csp_code csp_import_key(uintptr_t prov, const uint8_t *data, uint32_t len, uintptr_t pubkey,
                        uint32_t flags, uintptr_t *key, csp_status *st);
csp_code csp_export_key(uintptr_t prov, uintptr_t key, uintptr_t expkey, uint32_t blob_type,
                        uint32_t flags, uint8_t *data, uint32_t *len, csp_status *st);
csp_code csp_get_key_param(uintptr_t prov, uintptr_t key, uint32_t param, uint8_t *data,
                           uint32_t *len, uint32_t flags, csp_status *st);
csp_code csp_set_key_param(uintptr_t prov, uintptr_t key, uint32_t param, const uint8_t *data,
                           uint32_t flags, csp_status *st);
csp_code csp_duplicate_key(uintptr_t prov, uintptr_t key, const void *reserved, uint32_t flags,
                           uintptr_t *out, csp_status *st);
csp_code csp_destroy_key(uintptr_t prov, uintptr_t key, csp_status *st);

/* ---- signatures, random ---- */
/* what: UTF-8, what the application says it signs (CryptSignHash's
 * description or PP_UI_PROMPT), or NULL. The signature is little-endian. */
csp_code csp_sign_hash(uintptr_t prov, uintptr_t hash, uint32_t keyspec, const char *what,
                       uint32_t flags, uint8_t *sig, uint32_t *sig_len, csp_status *st);
csp_code csp_verify_signature(uintptr_t prov, uintptr_t hash, const uint8_t *sig, uint32_t sig_len,
                              uintptr_t key, uint32_t flags, csp_status *st);
csp_code csp_gen_random(uintptr_t prov, uint32_t len, uint8_t *buf, csp_status *st);

/* The one answer of every operation this CSP does not offer (CPGenKey,
 * CPDeriveKey, CPEncrypt, CPDecrypt, CPHashSessionKey): NTE_NOT_SUPPORTED. */
csp_code csp_unsupported(const char *what, csp_status *st);

#endif
