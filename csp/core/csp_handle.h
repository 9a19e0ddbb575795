/* csp_handle: the CSP's typed handle table (src/provider/prov_handle.h,
 * magic 0xC5B1). A handle the core gives out (HCRYPTPROV / HCRYPTHASH /
 * HCRYPTKEY's private value) is a number, never a pointer; an unknown,
 * freed, reused, forged or wrong-kind handle is an error code, not a crash.
 * Objects are reference counted, so a hash one thread signs survives
 * another thread's DestroyHash until the signature returns. Hashes and keys
 * name their provider (owner); releasing a provider destroys what it owns. */
#ifndef CRPKI_CSP_CORE_CSP_HANDLE_H
#define CRPKI_CSP_CORE_CSP_HANDLE_H

#include <stddef.h>
#include <stdint.h>

#include "csp_status.h"
#include "provider/prov_handle.h"

typedef enum { CSP_KIND_PROV = 0x51, CSP_KIND_HASH = 0x52, CSP_KIND_KEY = 0x53 } csp_kind;

typedef prov_obj csp_obj; /* .kind is a csp_kind; .owner the provider handle */

/* The same functions as the KSP's (ksp_handle.h) over this CSP's table
 * (csp_handle.c). CryptoAPI names a bad handle by its kind, so a lookup
 * fails with the kind's code: CSP_E_BAD_UID (provider), CSP_E_BAD_HASH,
 * CSP_E_BAD_KEY. */

/* Creates the table's lock: DllMain's PROCESS_ATTACH or a test's setup. */
crpki_err csp_handle_init(void);
/* Registers o (kind and owner set, refs 1 = the table's) and returns its handle. */
csp_code csp_handle_new(csp_obj *o, uintptr_t *h, csp_status *st);
/* A new reference to the live object h of that kind (csp_obj_put after). */
csp_code csp_handle_get(uintptr_t h, csp_kind kind, csp_obj **o, csp_status *st);
/* The live object h of that kind owned by the live provider prov:
 * CSP_E_BAD_UID when prov is not one, the kind's code when h is not such an
 * object of prov. */
csp_code csp_handle_get_owned(uintptr_t prov, uintptr_t h, csp_kind kind, csp_obj **o,
                              csp_status *st);
/* Unregisters h (drops the table's reference). */
csp_code csp_handle_free(uintptr_t h, csp_kind kind, csp_status *st);
/* Unregisters every object owned by the provider handle owner. */
void csp_handle_free_owned(uintptr_t owner);
void csp_obj_put(csp_obj *o);          /* NULL ok; destroys at zero */
size_t csp_handle_live(csp_kind kind); /* live handles of a kind, 0: all */
/* A short critical section over objects' mutable members. */
void csp_handle_lock(void);
void csp_handle_unlock(void);

#endif
