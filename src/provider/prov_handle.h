/* prov_handle: the typed handle table each provider keeps (one per DLL:
 * csp_handle.c, ksp_handle.c bind their own). A handle the application holds
 * is a number as wide as a pointer (uintptr_t, the ULONG_PTR both Windows
 * APIs take) - table magic | kind | generation | slot+1, 16|8|20|20 bits on
 * 64-bit builds, 0|2|14|16 on 32-bit ones (the magic mixed into the
 * generation there) -
 * never a pointer: it is looked up under the table's lock, and an unknown,
 * freed, reused, forged, foreign or wrong-kind handle is "not found", not a
 * crash. Objects are reference counted, so an object one thread works with
 * survives another thread's free until it is put back. An object may name
 * an owner handle; freeing the owner's objects drops them all at once
 * (CPReleaseContext destroys the context's hashes and keys). */
#ifndef CRPKI_PROVIDER_PROV_HANDLE_H
#define CRPKI_PROVIDER_PROV_HANDLE_H

#include <stddef.h>
#include <stdint.h>

#include "crpki/error.h"
#include "base/platform/plat_thread.h"

typedef struct prov_obj prov_obj;
struct prov_obj {
    unsigned kind;   /* the provider's tag for this type of object, 1..255 */
    unsigned refs;   /* under the table lock */
    uintptr_t owner; /* the handle this object belongs to; 0: none */
    void (*destroy)(prov_obj *o);
};

typedef struct prov_slot prov_slot;
typedef struct {
    uint16_t magic; /* tells this table's handles from another's */
    plat_mutex *mu;
    prov_slot *slots;
    size_t cap, hint, live;
} prov_table;
#define PROV_TABLE_INIT(magic)                                                                     \
    {                                                                                              \
        (magic), NULL, NULL, 0, 0, 0                                                               \
    }

/* Creates the table's lock. Idempotent but not thread-safe: call before any
 * thread may use the table (DllMain's PROCESS_ATTACH, a test's setup). */
crpki_err prov_table_init(prov_table *t);
/* Frees the table itself (its slots and lock) once no handle is live; the
 * process-wide tables of the DLLs live as long as the process. */
void prov_table_fini(prov_table *t);
/* A short critical section over objects' small mutable members. */
void prov_table_lock(prov_table *t);
void prov_table_unlock(prov_table *t);

/* Registers o (kind and owner set; refs becomes 1 = the table's) and
 * returns its handle. CRPKI_E_INTERNAL before init, CRPKI_E_NO_MEMORY when
 * the table cannot grow. */
crpki_err prov_handle_new(prov_table *t, prov_obj *o, uintptr_t *h);
/* A new reference to the live object h of that kind (prov_obj_put after);
 * 0 when h is not one. */
int prov_handle_get(prov_table *t, uintptr_t h, unsigned kind, prov_obj **o);
/* As prov_handle_get, for an object that must belong to the live owner of
 * owner_kind: 0 with *owner_ok = 0 when owner is not live, 0 with
 * *owner_ok = 1 when h is not such an object of that owner. */
int prov_handle_get_owned(prov_table *t, uintptr_t owner, unsigned owner_kind, uintptr_t h,
                          unsigned kind, prov_obj **o, int *owner_ok);
/* Unregisters h (drops the table's reference); 0 when h is not live. */
int prov_handle_free(prov_table *t, uintptr_t h, unsigned kind);
/* Unregisters every object owned by owner. */
void prov_handle_free_owned(prov_table *t, uintptr_t owner);
void prov_obj_put(prov_table *t, prov_obj *o); /* NULL ok; destroys at zero */
/* How many handles one slot gives out before it is retired (2^20 - 1 on
 * 64-bit builds, 2^14 - 1 on 32-bit ones): a stale handle never aliases a
 * later object, whatever the number of handles a process makes. */
uint32_t prov_handle_generations(void);
/* How many handles a process can create before the table is exhausted and
 * prov_handle_new answers CRPKI_E_NO_MEMORY: slots x generations, about 2^40
 * on 64-bit builds and 2^30 on 32-bit ones. */
uint64_t prov_handle_capacity(void);

/* Live handles of a kind (0: all), for tests and the leak check. */
size_t prov_handle_live(prov_table *t, unsigned kind);

#endif
