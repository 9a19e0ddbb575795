/* p11_internal: the module's state shared by p11_core.c (library, slots,
 * tokens, sessions), p11_object.c (objects, attributes, search) and
 * p11_sign.c (signing). One global state behind one lock; signing runs
 * outside it (an approval takes seconds to minutes). */
#ifndef CRPKI_PKCS11_CORE_P11_INTERNAL_H
#define CRPKI_PKCS11_CORE_P11_INTERNAL_H

#include <stddef.h>
#include <stdint.h>

#include "base/alg/alg.h"
#include "core/catalog/catalog.h"
#include "core/crypto/crypto.h"
#include "core/crypto/crypto_der.h"
#include "provider/prov_backend.h"

#include "p11_core.h"

/* Objects of a token: the certificate, the public key, the private key,
 * then the issuers' certificates (the chain up to the registrar CA). */
enum { P11_OBJ_CERT = 1, P11_OBJ_PUB = 2, P11_OBJ_PRIV = 3, P11_OBJ_CHAIN0 = 4 };
#define P11_MAX_OBJS (P11_OBJ_CHAIN0 + CATALOG_MAX_CHAIN)
/* An object handle: (slot index + 1) << 8 | object. */
#define P11_HANDLE(slot, obj) ((CK_OBJECT_HANDLE)((((CK_ULONG)(slot) + 1) << 8) | (CK_ULONG)(obj)))
#define P11_MAX_RAW           512 /* data of a raw mechanism (a DigestInfo, a hash) */
#define P11_MAX_SESSIONS      4096

/* One slot = one credential of the key catalog, read at C_Initialize. */
typedef struct {
    catalog_entry key;
    crypto_cert_view view;                          /* into key.cert.der */
    crypto_cert_view chain_view[CATALOG_MAX_CHAIN]; /* into key.chain[i].der; zero: unreadable */
    crypto_spki spki;                               /* into key.cert.der */
    char label[33]; /* the token label: the holder's name, blank-padded */
} p11_slot;

typedef struct {
    CK_MECHANISM_TYPE type;
    alg_key_type key;
    alg_sig_scheme scheme;
    alg_hash_id hash; /* hashed here; NONE: the caller hashed */
} p11_mech;

typedef struct {
    int active;
    const p11_mech *mech;
    catalog_entry key; /* a copy: the signing outlives nothing it points into */
    alg_hash_id pss_hash;
    unsigned salt_len;
    crypto_hash_ctx *h;       /* mech->hash != NONE */
    uint8_t raw[P11_MAX_RAW]; /* mech->hash == NONE: the data so far */
    size_t raw_len;
    int raw_overflow;
    int updated; /* C_SignUpdate was called: only C_SignFinal ends it */
} p11_sign_op;

typedef struct {
    CK_SESSION_HANDLE handle;
    size_t slot;
    CK_FLAGS flags;
    int busy;   /* a signature is on its way: the session stays until it ends */
    int closed; /* closed while busy: the signing thread frees it */
    /* C_FindObjects */
    int find_active;
    CK_OBJECT_HANDLE found[P11_MAX_OBJS];
    size_t nfound, pos;
    p11_sign_op sign;
} p11_session;

typedef struct {
    int init;
    unsigned long pid; /* the process that initialized: a forked child must again */
    const prov_backend *b;
    p11_slot *slots;
    size_t nslots;
    p11_session **sess;
    size_t nsess, cap;
    CK_SESSION_HANDLE next_handle;
    int logged_in;
} p11_state;

extern p11_state g_p11;
/* The lock of g_p11 (made once per process by p11_lock_init). */
void p11_lock(void);
void p11_unlock(void);

/* A live session of this process by handle (lock held), or NULL. */
p11_session *p11_session_find(CK_SESSION_HANDLE h);
/* Frees a session's operations and the session itself (not while busy). */
void p11_session_free(p11_session *s);
void p11_sign_op_clear(p11_sign_op *op);

/* Entry checks every function starts with (lock held): initialized in this
 * process, and the session when h is given. */
CK_RV p11_check_init(void);
CK_RV p11_session_get(CK_SESSION_HANDLE h, p11_session **out);

/* The object of a handle within slot (P11_OBJ_*), or 0 when the handle is
 * not an object of that slot's token. */
unsigned p11_object_of(size_t slot, CK_OBJECT_HANDLE h);

/* The mechanism row for type, or NULL. */
const p11_mech *p11_mech_find(CK_MECHANISM_TYPE type);

/* Blank-padded copy of UTF-8 src into dst[n], cut at a character boundary. */
void p11_pad(CK_UTF8CHAR *dst, size_t n, const char *src);

#endif
