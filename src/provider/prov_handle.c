#include "prov_handle.h"

#include <stdlib.h>

/* A handle is as wide as the ULONG_PTR both Windows APIs take:
 * magic | kind | generation | slot+1. A 32-bit process gets no magic bits and
 * two kind bits so that slot and generation keep 30 bits between them: about
 * 2^30 handles before the table is exhausted (prov_handle_capacity). The
 * magic is also mixed into the generation, so on 32-bit builds another table's
 * handle still misses (the object's own kind is checked on every lookup). */
#if UINTPTR_MAX > 0xffffffffu
#define H_MAGIC_BITS 16
#define H_KIND_BITS  8
#define H_GEN_BITS   20
#define H_SLOT_BITS  20
#else
#define H_MAGIC_BITS 0
#define H_KIND_BITS  2
#define H_GEN_BITS   14
#define H_SLOT_BITS  16
#endif
#define H_KIND_SHIFT (H_SLOT_BITS + H_GEN_BITS)
#define H_MAX_SLOTS  ((1u << H_SLOT_BITS) - 1u) /* slot+1 fits the field */
#define H_MASK(bits) ((uintptr_t)(((uintptr_t)1 << (bits)) - 1u))

struct prov_slot {
    prov_obj *obj; /* NULL: free */
    uint32_t gen;
};

crpki_err prov_table_init(prov_table *t)
{
    if (t->mu)
        return CRPKI_OK;
    t->mu = plat_mutex_new();
    return t->mu ? CRPKI_OK : CRPKI_E_NO_MEMORY;
}

void prov_table_fini(prov_table *t)
{
    free(t->slots);
    t->slots = NULL;
    t->cap = t->hint = t->live = 0;
    plat_mutex_free(t->mu);
    t->mu = NULL;
}

void prov_table_lock(prov_table *t)
{
    plat_mutex_lock(t->mu);
}

void prov_table_unlock(prov_table *t)
{
    plat_mutex_unlock(t->mu);
}

/* The generation field: the slot's generation mixed with the table's magic. */
static uintptr_t gen_field(const prov_table *t, uint32_t gen)
{
    return ((uintptr_t)gen ^ (uintptr_t)t->magic) & H_MASK(H_GEN_BITS);
}

/* magic | kind, the bits above generation and slot. */
static uintptr_t top_field(const prov_table *t, unsigned kind)
{
    return (((uintptr_t)t->magic & H_MASK(H_MAGIC_BITS)) << H_KIND_BITS) |
           ((uintptr_t)kind & H_MASK(H_KIND_BITS));
}

static uintptr_t encode(const prov_table *t, unsigned kind, uint32_t gen, size_t idx)
{
    return (top_field(t, kind) << H_KIND_SHIFT) | (gen_field(t, gen) << H_SLOT_BITS) |
           (uintptr_t)(idx + 1);
}

/* The slot of h when it is a live handle of kind; under the lock. */
static prov_slot *lookup(const prov_table *t, uintptr_t h, unsigned kind)
{
    if ((h >> H_KIND_SHIFT) != top_field(t, kind))
        return NULL;
    uintptr_t idx1 = h & H_MASK(H_SLOT_BITS);
    if (idx1 == 0 || idx1 > t->cap)
        return NULL;
    prov_slot *s = &t->slots[idx1 - 1];
    if (!s->obj || s->obj->kind != kind ||
        gen_field(t, s->gen) != ((h >> H_SLOT_BITS) & H_MASK(H_GEN_BITS)))
        return NULL;
    return s;
}

/* A free slot, growing the table when there is none; under the lock. */
static prov_slot *free_slot(prov_table *t, size_t *idx)
{
    for (size_t i = 0; i < t->cap; i++) {
        size_t j = (t->hint + i) % t->cap;
        /* A slot that has used every generation is retired: reusing it
           would give out a handle it already gave out. */
        if (!t->slots[j].obj && t->slots[j].gen < H_MASK(H_GEN_BITS)) {
            *idx = j;
            return &t->slots[j];
        }
    }
    size_t ncap = t->cap ? t->cap * 2 : 64;
    if (ncap > H_MAX_SLOTS)
        ncap = H_MAX_SLOTS;
    prov_slot *n = ncap > t->cap ? realloc(t->slots, ncap * sizeof *n) : NULL;
    if (!n)
        return NULL;
    for (size_t i = t->cap; i < ncap; i++) {
        n[i].obj = NULL;
        n[i].gen = 0;
    }
    *idx = t->cap;
    t->slots = n;
    t->cap = ncap;
    return &n[*idx];
}

crpki_err prov_handle_new(prov_table *t, prov_obj *o, uintptr_t *h)
{
    if (!o || !h)
        return CRPKI_E_INVALID_ARG;
    if (!t->mu)
        return CRPKI_E_INTERNAL;
    plat_mutex_lock(t->mu);
    size_t idx = 0;
    prov_slot *s = free_slot(t, &idx);
    if (s) {
        s->obj = o;
        s->gen++; /* 1..max: a slot never gives out the same handle twice */
        o->refs = 1;
        t->hint = idx + 1;
        t->live++;
        *h = encode(t, o->kind, s->gen, idx);
    }
    plat_mutex_unlock(t->mu);
    return s ? CRPKI_OK : CRPKI_E_NO_MEMORY;
}

int prov_handle_get(prov_table *t, uintptr_t h, unsigned kind, prov_obj **o)
{
    if (!t->mu)
        return 0;
    plat_mutex_lock(t->mu);
    prov_slot *s = lookup(t, h, kind);
    if (s) {
        s->obj->refs++;
        *o = s->obj;
    }
    plat_mutex_unlock(t->mu);
    return s != NULL;
}

int prov_handle_get_owned(prov_table *t, uintptr_t owner, unsigned owner_kind, uintptr_t h,
                          unsigned kind, prov_obj **o, int *owner_ok)
{
    *owner_ok = 0;
    if (!t->mu)
        return 0;
    plat_mutex_lock(t->mu);
    prov_slot *s = NULL;
    if (lookup(t, owner, owner_kind)) {
        *owner_ok = 1;
        s = lookup(t, h, kind);
        if (s && s->obj->owner != owner)
            s = NULL; /* another owner's */
    }
    if (s) {
        s->obj->refs++;
        *o = s->obj;
    }
    plat_mutex_unlock(t->mu);
    return s != NULL;
}

static void destroy(prov_obj *o)
{
    if (o && o->destroy)
        o->destroy(o);
}

/* Empties a slot; returns its object when that dropped the last reference. */
static prov_obj *release_locked(prov_table *t, prov_slot *s)
{
    prov_obj *o = s->obj;
    s->obj = NULL;
    t->live--;
    return --o->refs == 0 ? o : NULL;
}

int prov_handle_free(prov_table *t, uintptr_t h, unsigned kind)
{
    if (!t->mu)
        return 0;
    plat_mutex_lock(t->mu);
    prov_slot *s = lookup(t, h, kind);
    prov_obj *dead = s ? release_locked(t, s) : NULL;
    plat_mutex_unlock(t->mu);
    destroy(dead); /* outside the lock: destroy may put other objects */
    return s != NULL;
}

void prov_handle_free_owned(prov_table *t, uintptr_t owner)
{
    if (!t->mu || !owner)
        return;
    for (;;) {
        prov_obj *dead = NULL;
        int found = 0;
        plat_mutex_lock(t->mu);
        for (size_t i = 0; i < t->cap && !found; i++) {
            if (t->slots[i].obj && t->slots[i].obj->owner == owner) {
                found = 1;
                dead = release_locked(t, &t->slots[i]);
            }
        }
        plat_mutex_unlock(t->mu);
        destroy(dead);
        if (!found)
            return;
    }
}

void prov_obj_put(prov_table *t, prov_obj *o)
{
    if (!o)
        return;
    plat_mutex_lock(t->mu);
    int dead = --o->refs == 0;
    plat_mutex_unlock(t->mu);
    if (dead)
        destroy(o);
}

size_t prov_handle_live(prov_table *t, unsigned kind)
{
    size_t n = 0;
    if (!t->mu)
        return 0;
    plat_mutex_lock(t->mu);
    if (kind == 0) {
        n = t->live;
    } else {
        for (size_t i = 0; i < t->cap; i++)
            if (t->slots[i].obj && t->slots[i].obj->kind == kind)
                n++;
    }
    plat_mutex_unlock(t->mu);
    return n;
}

uint32_t prov_handle_generations(void)
{
    return (uint32_t)H_MASK(H_GEN_BITS);
}

uint64_t prov_handle_capacity(void)
{
    return (uint64_t)H_MAX_SLOTS * prov_handle_generations();
}
