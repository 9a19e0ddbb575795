/* The core's objects and shared helpers (not for the shim). */
#ifndef CRPKI_CSP_CORE_CSP_INTERNAL_H
#define CRPKI_CSP_CORE_CSP_INTERNAL_H

#include <stddef.h>
#include <stdint.h>

#include "core/catalog/catalog.h"
#include "core/crypto/crypto.h"
#include "csp_core.h"
#include "csp_handle.h"
#include "base/platform/plat_thread.h"

typedef struct {
    csp_obj o;
    int verify;         /* CRYPT_VERIFYCONTEXT (or no default container): no key */
    int silent;         /* CRYPT_SILENT */
    char *container;    /* the credential ID; "" for a verification context */
    catalog_entry key;  /* valid when !verify */
    crypto_pubkey *pub; /* the key's public key, from its certificate */
    csp_window_src win;
    /* under the table lock: */
    void *client_hwnd; /* PP_CLIENT_HWND */
    char *prompt;      /* PP_UI_PROMPT */
    char **enum_ids;   /* PP_ENUMCONTAINERS snapshot */
    size_t enum_n, enum_pos;
    int enum_taken;
    size_t alg_pos; /* PP_ENUMALGS(_EX) cursor */
} csp_prov;

#define CSP_MAX_HASH 64u
typedef struct {
    csp_obj o;
    plat_mutex *mu; /* over everything below */
    uint32_t algid;
    alg_hash_id hid;          /* CRPKI_HASH_NONE for SSL3 SHAMD5 */
    crypto_hash_ctx *h1, *h2; /* SSL3 SHAMD5: MD5 and SHA-1 of the same data */
    size_t size;
    int finished;
    uint8_t value[CSP_MAX_HASH];
} csp_hash;

typedef struct {
    csp_obj o;
    uint32_t algid;
    unsigned bits;
    int is_user; /* the context's own key (has a certificate) */
    crypto_pubkey *pub;
    uint8_t *cert; /* user key: the certificate, DER */
    size_t cert_len;
} csp_key;

/* The backend of csp_core_init. */
const prov_backend *csp_backend_get(void);

/* Provider lookup: CSP_E_BAD_UID unless live. Release with csp_obj_put. */
csp_code csp_prov_get(uintptr_t h, csp_prov **p, csp_status *st);
/* Hash / key lookups bound to their provider (csp_handle_get_owned):
 * CSP_E_BAD_UID for a bad prov, CSP_E_BAD_HASH / CSP_E_BAD_KEY for a bad or
 * foreign hash / key. */
csp_code csp_hash_get(uintptr_t prov, uintptr_t h, csp_hash **out, csp_status *st);
csp_code csp_key_get(uintptr_t prov, uintptr_t h, csp_key **out, csp_status *st);

/* Finishes the hash (if not yet) and copies its value; under hs->mu. */
csp_code csp_hash_finish_locked(csp_hash *hs, csp_status *st);
/* Finishes the hash and copies its value (CSP_MAX_HASH bytes at most). */
csp_code csp_hash_value(csp_hash *h, uint8_t *digest, size_t *len, csp_status *st);

/* ---- algorithms (csp_algs.c) ---- */
typedef struct {
    uint32_t algid;
    uint32_t bits, min_bits, max_bits, protocols;
    const char *name, *long_name;
} csp_alg;
const csp_alg *csp_alg_by_id(uint32_t algid); /* hashes and RSA_SIGN/KEYX */
const csp_alg *csp_alg_at(size_t i);          /* the PP_ENUMALGS order; NULL at the end */
/* The hash size of a hash algid (36 for SSL3 SHAMD5), 0 if not a hash. */
size_t csp_alg_hash_size(uint32_t algid);

/* A new key object (refs 1) for pub. */
csp_code csp_key_register(uintptr_t prov, uint32_t algid, crypto_pubkey *pub, const uint8_t *cert,
                          size_t cert_len, uintptr_t *out, csp_status *st);

#endif
