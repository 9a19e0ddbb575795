/* csp_handle: the process-wide typed handle table of the CSP. A handle the
 * core gives out (HCRYPTPROV / HCRYPTHASH / HCRYPTKEY's private value) is a
 * number - magic | kind | generation | slot - never a pointer: it is looked
 * up under the table's lock, and an unknown, freed, reused, forged or
 * wrong-kind handle is an error code, not a crash. Objects are reference
 * counted, so a hash one thread signs survives another thread's
 * DestroyHash until the signature returns. Hashes and keys name their
 * provider (owner); releasing a provider destroys what it owns. */
#ifndef CRPKI_CSP_HANDLE_H
#define CRPKI_CSP_HANDLE_H

#include <stddef.h>
#include <stdint.h>

#include "crpki/error.h"

typedef enum { CSP_KIND_PROV = 0x51, CSP_KIND_HASH = 0x52, CSP_KIND_KEY = 0x53 } csp_kind;

typedef struct csp_obj csp_obj;
struct csp_obj {
    csp_kind kind;
    unsigned refs;  /* under the table lock */
    uint64_t owner; /* the provider handle of a hash or key; 0 for a provider */
    void (*destroy)(csp_obj *o);
};

/* Creates the table's lock. Idempotent but not thread-safe: call before any
 * thread may use the table (DllMain's PROCESS_ATTACH, a test's setup). */
crpki_err csp_handle_init(void);

/* Registers o (kind and owner set, refs becomes 1 = the table's) and
 * returns its handle. CRPKI_E_NO_MEMORY when the table is full. */
crpki_err csp_handle_new(csp_obj *o, uint64_t *h);
/* A new reference to the live object h of that kind (csp_obj_put after);
 * 0 when h is not one. */
int csp_handle_get(uint64_t h, csp_kind kind, csp_obj **o);
/* A new reference to the live object h of that kind owned by the live
 * provider prov: 1; 0 when prov is not a live provider (*prov_ok = 0) or h
 * is not such an object (*prov_ok = 1). */
int csp_handle_get_owned(uint64_t prov, uint64_t h, csp_kind kind, csp_obj **o, int *prov_ok);
/* Unregisters h (drops the table's reference); 0 when h is not live. */
int csp_handle_free(uint64_t h, csp_kind kind);
/* Unregisters every hash and key owned by the provider handle owner. */
void csp_handle_free_owned(uint64_t owner);
void csp_obj_put(csp_obj *o); /* NULL ok; destroys at zero */
/* Live handles of a kind (0: all), for tests and the leak check. */
size_t csp_handle_live(csp_kind kind);

/* A short critical section over objects' small mutable members. */
void csp_handle_lock(void);
void csp_handle_unlock(void);

#endif
