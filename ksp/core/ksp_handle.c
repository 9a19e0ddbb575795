#include "ksp_handle.h"

#include <stdlib.h>
#include <string.h>

#include "platform/thread.h"

#define SLOTS 4096u /* slot 0 unused: 12 bits */

typedef struct {
    ksp_obj *obj;
    uint16_t gen;
} slot;

static plat_mutex *g_lock;
static slot g_slots[SLOTS];
static size_t g_live;

static void *def_alloc(size_t n)
{
    return malloc(n);
}
static void def_free(void *p)
{
    free(p);
}

static ksp_alloc_fn g_alloc = def_alloc;
static ksp_free_fn g_free = def_free;
static void **g_bufs;
static size_t g_nbufs, g_capbufs;

crpki_err ksp_handle_init(void)
{
    if (g_lock)
        return CRPKI_OK;
    g_lock = plat_mutex_new();
    return g_lock ? CRPKI_OK : CRPKI_E_NO_MEMORY;
}

void ksp_handle_lock(void)
{
    plat_mutex_lock(g_lock);
}

void ksp_handle_unlock(void)
{
    plat_mutex_unlock(g_lock);
}

static uintptr_t encode(ksp_kind kind, uint16_t gen, size_t i)
{
    return ((uintptr_t)kind << 28) | ((uintptr_t)gen << 12) | (uintptr_t)i;
}

ksp_code ksp_handle_new(ksp_obj *o, uintptr_t *h, ksp_status *st)
{
    if (!g_lock)
        return ksp_fail_core(st, CRPKI_E_INTERNAL, "handle table not initialised");
    ksp_handle_lock();
    for (size_t i = 1; i < SLOTS; i++) {
        if (g_slots[i].obj)
            continue;
        uint16_t gen = (uint16_t)(g_slots[i].gen + 1);
        if (gen == 0)
            gen = 1;
        g_slots[i].gen = gen;
        g_slots[i].obj = o;
        o->refs = 1;
        g_live++;
        *h = encode(o->kind, gen, i);
        ksp_handle_unlock();
        return KSP_OK;
    }
    ksp_handle_unlock();
    return ksp_fail_core(st, CRPKI_E_NO_MEMORY, "handle table full (%u handles)", SLOTS - 1);
}

/* The slot of a live handle of that kind, or NULL. Under the lock. */
static slot *find(uintptr_t h, ksp_kind kind)
{
    if (h == 0 || (h >> 28) != (uintptr_t)kind)
        return NULL;
    size_t i = h & 0xFFFu;
    uint16_t gen = (uint16_t)((h >> 12) & 0xFFFFu);
    if (i == 0 || !g_slots[i].obj || g_slots[i].gen != gen || g_slots[i].obj->kind != kind)
        return NULL;
    return &g_slots[i];
}

static const char *kind_name(ksp_kind k)
{
    return k == KSP_KIND_PROVIDER ? "provider" : "key";
}

ksp_code ksp_handle_get(uintptr_t h, ksp_kind kind, ksp_obj **o, ksp_status *st)
{
    *o = NULL;
    if (!g_lock)
        return ksp_fail(st, KSP_E_INVALID_HANDLE, "no handles exist yet");
    ksp_handle_lock();
    slot *s = find(h, kind);
    if (s) {
        s->obj->refs++;
        *o = s->obj;
    }
    ksp_handle_unlock();
    if (!s)
        return ksp_fail(st, KSP_E_INVALID_HANDLE, "0x%llx is no live %s handle",
                        (unsigned long long)h, kind_name(kind));
    return KSP_OK;
}

ksp_code ksp_handle_free(uintptr_t h, ksp_kind kind, ksp_status *st)
{
    if (!g_lock)
        return ksp_fail(st, KSP_E_INVALID_HANDLE, "no handles exist yet");
    ksp_handle_lock();
    slot *s = find(h, kind);
    ksp_obj *o = s ? s->obj : NULL;
    if (s) {
        s->obj = NULL;
        g_live--;
    }
    ksp_handle_unlock();
    if (!o)
        return ksp_fail(st, KSP_E_INVALID_HANDLE, "0x%llx is no live %s handle",
                        (unsigned long long)h, kind_name(kind));
    ksp_obj_put(o);
    return KSP_OK;
}

void ksp_obj_put(ksp_obj *o)
{
    if (!o)
        return;
    ksp_handle_lock();
    unsigned left = --o->refs;
    ksp_handle_unlock();
    if (left == 0 && o->destroy)
        o->destroy(o);
}

size_t ksp_handle_live(void)
{
    if (!g_lock)
        return 0;
    ksp_handle_lock();
    size_t n = g_live;
    ksp_handle_unlock();
    return n;
}

void ksp_buf_set_allocator(ksp_alloc_fn a, ksp_free_fn f)
{
    g_alloc = a ? a : def_alloc;
    g_free = f ? f : def_free;
}

void *ksp_buf_alloc(size_t n, ksp_status *st)
{
    if (!g_lock) {
        ksp_fail_core(st, CRPKI_E_INTERNAL, "handle table not initialised");
        return NULL;
    }
    void *p = g_alloc(n ? n : 1);
    if (!p) {
        ksp_fail_core(st, CRPKI_E_NO_MEMORY, "out of memory (%u bytes)", (unsigned)n);
        return NULL;
    }
    memset(p, 0, n ? n : 1);
    ksp_handle_lock();
    if (g_nbufs == g_capbufs) {
        size_t cap = g_capbufs ? g_capbufs * 2 : 16;
        void **nb = realloc(g_bufs, cap * sizeof *nb);
        if (!nb) {
            ksp_handle_unlock();
            g_free(p);
            ksp_fail_core(st, CRPKI_E_NO_MEMORY, "out of memory");
            return NULL;
        }
        g_bufs = nb;
        g_capbufs = cap;
    }
    g_bufs[g_nbufs++] = p;
    ksp_handle_unlock();
    return p;
}

ksp_code ksp_buf_free(void *p, ksp_status *st)
{
    if (!p)
        return ksp_fail_core(st, CRPKI_E_INVALID_ARG, "FreeBuffer(NULL)");
    int found = 0;
    if (g_lock) {
        ksp_handle_lock();
        for (size_t i = 0; i < g_nbufs; i++) {
            if (g_bufs[i] == p) {
                g_bufs[i] = g_bufs[--g_nbufs];
                found = 1;
                break;
            }
        }
        ksp_handle_unlock();
    }
    if (!found)
        return ksp_fail_core(st, CRPKI_E_INVALID_ARG, "%p was not allocated by this provider", p);
    g_free(p);
    return KSP_OK;
}

int ksp_buf_owned(const void *p)
{
    int found = 0;
    if (!p || !g_lock)
        return 0;
    ksp_handle_lock();
    for (size_t i = 0; i < g_nbufs && !found; i++)
        found = g_bufs[i] == p;
    ksp_handle_unlock();
    return found;
}

size_t ksp_buf_live(void)
{
    if (!g_lock)
        return 0;
    ksp_handle_lock();
    size_t n = g_nbufs;
    ksp_handle_unlock();
    return n;
}
