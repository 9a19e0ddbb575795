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

#include "provider/prov_handle.h"

typedef enum { CSP_KIND_PROV = 0x51, CSP_KIND_HASH = 0x52, CSP_KIND_KEY = 0x53 } csp_kind;

typedef prov_obj csp_obj; /* .kind is a csp_kind; .owner the provider handle */

/* The process's table (csp_handle.c). */
extern prov_table csp_handles;

/* Creates the table's lock: DllMain's PROCESS_ATTACH or a test's setup. */
#define csp_handle_init() prov_table_init(&csp_handles)
/* Registers o (kind and owner set) and returns its handle. */
#define csp_handle_new(o, h) prov_handle_new(&csp_handles, (o), (h))
/* A new reference to the live object h of that kind (csp_obj_put after). */
#define csp_handle_get(h, kind, o) prov_handle_get(&csp_handles, (h), (kind), (o))
/* The live object h of that kind owned by the live provider prov: 1; 0
 * when prov is not a live provider (*prov_ok = 0) or h is not such an
 * object (*prov_ok = 1). */
#define csp_handle_get_owned(prov, h, kind, o, prov_ok)                                            \
    prov_handle_get_owned(&csp_handles, (prov), CSP_KIND_PROV, (h), (kind), (o), (prov_ok))
#define csp_handle_free(h, kind)     prov_handle_free(&csp_handles, (h), (kind))
#define csp_handle_free_owned(owner) prov_handle_free_owned(&csp_handles, (owner))
#define csp_obj_put(o)               prov_obj_put(&csp_handles, (o))
#define csp_handle_live(kind)        prov_handle_live(&csp_handles, (kind))
#define csp_handle_lock()            prov_table_lock(&csp_handles)
#define csp_handle_unlock()          prov_table_unlock(&csp_handles)

#endif
