#include "csp_handle.h"

#include <stdlib.h>

#include "platform/thread.h"

/* handle = MAGIC(16) | kind(8) | generation(20) | slot+1(20) */
#define H_MAGIC      0xC5B1u
#define H_SLOT_BITS  20
#define H_GEN_BITS   20
#define H_MAX_SLOTS  ((1u << H_SLOT_BITS) - 2u)
#define H_MASK(bits) ((1u << (bits)) - 1u)

typedef struct {
    csp_obj *obj; /* NULL: free */
    uint32_t gen;
} slot;

static plat_mutex *g_mu;
static slot *g_slots;
static size_t g_cap, g_used_hint;

crpki_err csp_handle_init(void)
{
    if (g_mu)
        return CRPKI_OK;
    g_mu = plat_mutex_new();
    return g_mu ? CRPKI_OK : CRPKI_E_NO_MEMORY;
}

void csp_handle_lock(void)
{
    plat_mutex_lock(g_mu);
}

void csp_handle_unlock(void)
{
    plat_mutex_unlock(g_mu);
}

static uint64_t encode(csp_kind kind, uint32_t gen, size_t idx)
{
    return ((uint64_t)H_MAGIC << 48) | ((uint64_t)(kind & 0xffu) << 40) |
           ((uint64_t)(gen & H_MASK(H_GEN_BITS)) << H_SLOT_BITS) | (uint64_t)(idx + 1);
}

/* The slot of h when it is a live handle of kind; under the lock. */
static slot *lookup(uint64_t h, csp_kind kind)
{
    if ((h >> 48) != H_MAGIC || ((h >> 40) & 0xffu) != (uint64_t)kind)
        return NULL;
    uint64_t idx1 = h & H_MASK(H_SLOT_BITS);
    uint32_t gen = (uint32_t)((h >> H_SLOT_BITS) & H_MASK(H_GEN_BITS));
    if (idx1 == 0 || idx1 > g_cap)
        return NULL;
    slot *s = &g_slots[idx1 - 1];
    if (!s->obj || s->obj->kind != kind || (s->gen & H_MASK(H_GEN_BITS)) != gen)
        return NULL;
    return s;
}

crpki_err csp_handle_new(csp_obj *o, uint64_t *h)
{
    if (!o || !h || !g_mu)
        return CRPKI_E_INVALID_ARG;
    plat_mutex_lock(g_mu);
    size_t idx = g_cap;
    for (size_t i = 0; i < g_cap; i++) {
        size_t j = (g_used_hint + i) % g_cap;
        if (!g_slots[j].obj) {
            idx = j;
            break;
        }
    }
    if (idx == g_cap) {
        size_t ncap = g_cap ? g_cap * 2 : 64;
        if (ncap > H_MAX_SLOTS)
            ncap = H_MAX_SLOTS;
        slot *n = ncap > g_cap ? realloc(g_slots, ncap * sizeof(*n)) : NULL;
        if (!n) {
            plat_mutex_unlock(g_mu);
            return CRPKI_E_NO_MEMORY;
        }
        for (size_t i = g_cap; i < ncap; i++) {
            n[i].obj = NULL;
            n[i].gen = 0;
        }
        g_slots = n;
        g_cap = ncap;
    }
    slot *s = &g_slots[idx];
    s->obj = o;
    s->gen = (s->gen + 1) & H_MASK(H_GEN_BITS); /* a reused slot never repeats a handle soon */
    o->refs = 1;
    g_used_hint = idx + 1;
    *h = encode(o->kind, s->gen, idx);
    plat_mutex_unlock(g_mu);
    return CRPKI_OK;
}

int csp_handle_get(uint64_t h, csp_kind kind, csp_obj **o)
{
    if (!g_mu)
        return 0;
    plat_mutex_lock(g_mu);
    slot *s = lookup(h, kind);
    if (s) {
        s->obj->refs++;
        *o = s->obj;
    }
    plat_mutex_unlock(g_mu);
    return s != NULL;
}

int csp_handle_get_owned(uint64_t prov, uint64_t h, csp_kind kind, csp_obj **o, int *prov_ok)
{
    *prov_ok = 0;
    if (!g_mu)
        return 0;
    plat_mutex_lock(g_mu);
    slot *s = NULL;
    if (lookup(prov, CSP_KIND_PROV)) {
        *prov_ok = 1;
        s = lookup(h, kind);
        if (s && s->obj->owner != prov)
            s = NULL; /* another context's */
    }
    if (s) {
        s->obj->refs++;
        *o = s->obj;
    }
    plat_mutex_unlock(g_mu);
    return s != NULL;
}

/* Drops one reference under the lock; returns the object to destroy. */
static csp_obj *unref_locked(csp_obj *o)
{
    return --o->refs == 0 ? o : NULL;
}

int csp_handle_free(uint64_t h, csp_kind kind)
{
    if (!g_mu)
        return 0;
    plat_mutex_lock(g_mu);
    slot *s = lookup(h, kind);
    csp_obj *dead = NULL;
    if (s) {
        dead = unref_locked(s->obj);
        s->obj = NULL;
    }
    plat_mutex_unlock(g_mu);
    if (dead)
        dead->destroy(dead);
    return s != NULL;
}

void csp_handle_free_owned(uint64_t owner)
{
    if (!g_mu || !owner)
        return;
    for (;;) {
        csp_obj *dead = NULL;
        int found = 0;
        plat_mutex_lock(g_mu);
        for (size_t i = 0; i < g_cap && !found; i++) {
            if (g_slots[i].obj && g_slots[i].obj->owner == owner) {
                found = 1;
                dead = unref_locked(g_slots[i].obj);
                g_slots[i].obj = NULL;
            }
        }
        plat_mutex_unlock(g_mu);
        if (dead)
            dead->destroy(dead); /* outside the lock: destroy may take object locks */
        if (!found)
            return;
    }
}

void csp_obj_put(csp_obj *o)
{
    if (!o)
        return;
    plat_mutex_lock(g_mu);
    csp_obj *dead = unref_locked(o);
    plat_mutex_unlock(g_mu);
    if (dead)
        dead->destroy(dead);
}

size_t csp_handle_live(csp_kind kind)
{
    size_t n = 0;
    if (!g_mu)
        return 0;
    plat_mutex_lock(g_mu);
    for (size_t i = 0; i < g_cap; i++)
        if (g_slots[i].obj && (kind == 0 || g_slots[i].obj->kind == kind))
            n++;
    plat_mutex_unlock(g_mu);
    return n;
}
