/* ksp_handle: the KSP's typed handle table (src/provider/prov_handle.h,
 * magic 0x4B53). A handle the application holds is a number, never a
 * pointer: an unknown, freed, reused or wrong-kind handle is
 * KSP_E_INVALID_HANDLE, not a crash. Objects are reference counted, so a
 * key that one thread signs with survives another thread's FreeKey until
 * the signature returns, and a key needs nothing of its provider (FreeKey
 * after FreeProvider is safe: keys have no owner).
 *
 * The same module keeps the registry of buffers handed to the application
 * (EnumKeys, EnumAlgorithms, enumeration state): FreeBuffer frees only a
 * pointer it finds there, with the allocator that allocated it. */
#ifndef CRPKI_KSP_CORE_KSP_HANDLE_H
#define CRPKI_KSP_CORE_KSP_HANDLE_H

#include <stddef.h>
#include <stdint.h>

#include "ksp_status.h"
#include "provider/prov_handle.h"

typedef enum { KSP_KIND_PROVIDER = 0xA, KSP_KIND_KEY = 0xB } ksp_kind;

typedef prov_obj ksp_obj; /* .kind is a ksp_kind */

/* The same functions as the CSP's (csp_handle.h) over this KSP's table
 * (ksp_handle.c); a bad handle of any kind is KSP_E_INVALID_HANDLE. */

/* Creates the table's lock: DllMain's PROCESS_ATTACH or a test's setup. */
crpki_err ksp_handle_init(void);

/* Registers o (its kind set, refs 1 = the table's) and returns the handle. */
ksp_code ksp_handle_new(ksp_obj *o, uintptr_t *h, ksp_status *st);
/* A new reference to the live object h of that kind (ksp_obj_put after). */
ksp_code ksp_handle_get(uintptr_t h, ksp_kind kind, ksp_obj **o, ksp_status *st);
/* Unregisters h (drops the table's reference). */
ksp_code ksp_handle_free(uintptr_t h, ksp_kind kind, ksp_status *st);
void ksp_obj_put(ksp_obj *o);          /* NULL ok; destroys at zero */
size_t ksp_handle_live(ksp_kind kind); /* live handles of a kind, 0: all */
/* A short critical section over objects' mutable members. */
void ksp_handle_lock(void);
void ksp_handle_unlock(void);

/* ---- buffers handed to the application ---- */
typedef void *(*ksp_alloc_fn)(size_t n);
typedef void (*ksp_free_fn)(void *p);
/* The allocator of application buffers (default malloc/free; the DLL sets
 * the process heap). Set before any buffer exists. */
void ksp_buf_set_allocator(ksp_alloc_fn a, ksp_free_fn f);
void *ksp_buf_alloc(size_t n, ksp_status *st); /* zeroed, registered */
/* Frees a registered buffer; anything else: CRPKI_E_INVALID_ARG. */
ksp_code ksp_buf_free(void *p, ksp_status *st);
/* 1 when p is a live buffer of ours (checked before reading one back). */
int ksp_buf_owned(const void *p);
size_t ksp_buf_live(void);

#endif
