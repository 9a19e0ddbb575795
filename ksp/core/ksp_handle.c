#include "ksp_handle.h"

#include <stdlib.h>
#include <string.h>

static prov_table ksp_handles = PROV_TABLE_INIT(0x4B53);

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

static const char *kind_name(ksp_kind k)
{
    return k == KSP_KIND_PROVIDER ? "provider" : "key";
}

crpki_err ksp_handle_init(void)
{
    return prov_table_init(&ksp_handles);
}

ksp_code ksp_handle_new(ksp_obj *o, uintptr_t *h, ksp_status *st)
{
    crpki_err e = prov_handle_new(&ksp_handles, o, h);
    if (e != CRPKI_OK)
        return ksp_fail_core(st, e, "no new %s handle", kind_name((ksp_kind)o->kind));
    return KSP_OK;
}

ksp_code ksp_handle_get(uintptr_t h, ksp_kind kind, ksp_obj **o, ksp_status *st)
{
    *o = NULL;
    if (!prov_handle_get(&ksp_handles, h, kind, o))
        return ksp_fail(st, KSP_E_INVALID_HANDLE, "0x%llx is no live %s handle",
                        (unsigned long long)h, kind_name(kind));
    return KSP_OK;
}

ksp_code ksp_handle_free(uintptr_t h, ksp_kind kind, ksp_status *st)
{
    if (!prov_handle_free(&ksp_handles, h, kind))
        return ksp_fail(st, KSP_E_INVALID_HANDLE, "0x%llx is no live %s handle",
                        (unsigned long long)h, kind_name(kind));
    return KSP_OK;
}

void ksp_obj_put(ksp_obj *o)
{
    prov_obj_put(&ksp_handles, o);
}

size_t ksp_handle_live(ksp_kind kind)
{
    return prov_handle_live(&ksp_handles, kind);
}

void ksp_handle_lock(void)
{
    prov_table_lock(&ksp_handles);
}

void ksp_handle_unlock(void)
{
    prov_table_unlock(&ksp_handles);
}

void ksp_buf_set_allocator(ksp_alloc_fn a, ksp_free_fn f)
{
    g_alloc = a ? a : def_alloc;
    g_free = f ? f : def_free;
}

void *ksp_buf_alloc(size_t n, ksp_status *st)
{
    if (!ksp_handles.mu) {
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
        return ksp_fail(st, KSP_E_INVALID_ARG, "FreeBuffer(NULL)");
    int found = 0;
    if (ksp_handles.mu) {
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
        return ksp_fail(st, KSP_E_INVALID_ARG, "%p was not allocated by this provider", p);
    g_free(p);
    return KSP_OK;
}

int ksp_buf_owned(const void *p)
{
    int found = 0;
    if (!p || !ksp_handles.mu)
        return 0;
    ksp_handle_lock();
    for (size_t i = 0; i < g_nbufs && !found; i++)
        found = g_bufs[i] == p;
    ksp_handle_unlock();
    return found;
}

size_t ksp_buf_live(void)
{
    if (!ksp_handles.mu)
        return 0;
    ksp_handle_lock();
    size_t n = g_nbufs;
    ksp_handle_unlock();
    return n;
}
