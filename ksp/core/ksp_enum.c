/* The KSP core's enumerations (ksp_core.h): keys, algorithms, and the
 * buffers they hand to the application. */
#include "ksp_core.h"

#include <stdlib.h>
#include <string.h>

#include "base/platform/plat_str.h"
#include "core/crypto/crypto.h"
#include "ksp_blob.h"
#include "ksp_flags.h"
#include "ksp_handle.h"
#include "ksp_internal.h"
#include "ksp_out.h"
#include "ksp_pad.h"
#include "ksp_u16.h"

#define ENUM_MAGIC 0x4b53504eu /* "KSPN" */

typedef struct {
    uint32_t magic;
    uint32_t next;
} enum_state;

static uint16_t *u16_into(uint8_t **cursor, const char *s)
{
    uint16_t *w;
    size_t n;
    if (ksp_utf8_to_u16(s, &w, &n) != CRPKI_OK)
        return NULL;
    uint16_t *dst = (uint16_t *)(void *)*cursor;
    memcpy(dst, w, (n + 1) * sizeof *w);
    *cursor += (n + 1) * sizeof *w;
    free(w);
    return dst;
}

ksp_code ksp_enum_keys(uintptr_t hp, const uint16_t *scope, ksp_key_name **out, void **state,
                       uint32_t flags, ksp_status *st)
{
    ksp_code c = ksp_provider_live(hp, st);
    if (c != KSP_OK)
        return c;
    if (!out || !state)
        return ksp_fail(st, KSP_E_INVALID_ARG, "ppKeyName or ppEnumState is NULL");
    *out = NULL;
    if (ksp_flags_bad(flags, KSP_MASK_ENUM_KEYS))
        return ksp_fail(st, KSP_E_BAD_FLAGS, "flags 0x%08x", (unsigned)flags);
    (void)scope; /* documented as unused; certutil passes one for smart cards */
    enum_state *es = *state;
    if (es && (!ksp_buf_owned(es) || es->magic != ENUM_MAGIC))
        return ksp_fail(st, KSP_E_INVALID_ARG, "ppEnumState is not this provider's");
    char **ids = NULL;
    size_t n = 0;
    crpki_error_info ei = {0};
    crpki_err e = ksp_backend()->list_keys(ksp_backend()->ctx, &ids, &n, &ei);
    if (e != CRPKI_OK)
        return ksp_backend_err(st, e, &ei, "listing the catalog");
    size_t idx = es ? es->next : 0;
    catalog_entry ent = {0};
    /* skip entries that vanished or cannot be described */
    while (idx < n && ksp_backend()->find_key(ksp_backend()->ctx, ids[idx], &ent, &ei) != CRPKI_OK)
        idx++;
    if (idx >= n) {
        ksp_backend()->free_ids(ids, n);
        if (!es) { /* an empty catalog still hands out a state to free */
            es = ksp_buf_alloc(sizeof *es, st);
            if (es) {
                es->magic = ENUM_MAGIC;
                es->next = (uint32_t)n;
                *state = es;
            }
        }
        return ksp_fail(st, KSP_E_NO_MORE_ITEMS, "no more keys");
    }
    const char *alg = ksp_key_alg(ent.key_type, ent.curve)->cng_name;
    size_t need = sizeof(ksp_key_name) + (strlen(ids[idx]) + 1 + strlen(alg) + 1) * 2;
    ksp_key_name *kn = NULL;
    if (!es) {
        es = ksp_buf_alloc(sizeof *es, st);
        if (!es) {
            c = KSP_E_CORE;
            goto done;
        }
        es->magic = ENUM_MAGIC;
        *state = es;
    }
    kn = ksp_buf_alloc(need, st);
    if (!kn) {
        c = KSP_E_CORE;
        goto done;
    }
    uint8_t *cur = (uint8_t *)(kn + 1);
    kn->name = u16_into(&cur, ids[idx]);
    kn->alg = u16_into(&cur, alg);
    kn->legacy_spec = ent.key_type == CRPKI_KEY_RSA ? KSP_AT_SIGNATURE : 0;
    kn->flags = flags & KSP_F_MACHINE_KEY;
    if (!kn->name || !kn->alg) {
        ksp_buf_free(kn, NULL);
        c = ksp_fail_core(st, CRPKI_E_INTERNAL, "credential ID is not valid UTF-8");
        goto done;
    }
    es->next = (uint32_t)idx + 1;
    *out = kn;
    c = KSP_OK;
done:
    catalog_entry_free(&ent);
    ksp_backend()->free_ids(ids, n);
    return c;
}

ksp_code ksp_enum_algorithms(uintptr_t hp, uint32_t operations, uint32_t *count,
                             ksp_alg_name **list, uint32_t flags, ksp_status *st)
{
    ksp_code c = ksp_provider_live(hp, st);
    if (c != KSP_OK)
        return c;
    if (!count || !list)
        return ksp_fail(st, KSP_E_INVALID_ARG, "pdwAlgCount or ppAlgList is NULL");
    *count = 0;
    *list = NULL;
    if (ksp_flags_bad(flags, KSP_MASK_SIMPLE))
        return ksp_fail(st, KSP_E_BAD_FLAGS, "flags 0x%08x", (unsigned)flags);
    if (operations & ~KSP_OP_ALL_KNOWN)
        return ksp_fail(st, KSP_E_INVALID_ARG, "dwAlgOperations 0x%08x", (unsigned)operations);
    size_t n = 0; /* every key algorithm signs: all of them, or none */
    if (operations == 0 || (operations & KSP_OP_SIGNATURE))
        while (alg_key_at(n))
            n++;
    size_t need = n * sizeof(ksp_alg_name);
    for (size_t i = 0; i < n; i++)
        need += (strlen(alg_key_at(i)->cng_name) + 1) * 2;
    ksp_alg_name *l = ksp_buf_alloc(need, st);
    if (!l)
        return KSP_E_CORE;
    uint8_t *cur = (uint8_t *)(l + n);
    for (size_t i = 0; i < n; i++) {
        l[i].name = u16_into(&cur, alg_key_at(i)->cng_name);
        l[i].alg_class = KSP_IF_SIGNATURE;
        l[i].alg_operations = KSP_OP_SIGNATURE;
        l[i].flags = 0;
    }
    *count = (uint32_t)n;
    *list = l;
    return KSP_OK;
}

ksp_code ksp_is_alg_supported(uintptr_t hp, const uint16_t *alg, uint32_t flags, ksp_status *st)
{
    ksp_code c = ksp_provider_live(hp, st);
    if (c != KSP_OK)
        return c;
    if (!alg)
        return ksp_fail(st, KSP_E_INVALID_ARG, "pszAlgId is NULL");
    if (ksp_flags_bad(flags, KSP_MASK_SIMPLE))
        return ksp_fail(st, KSP_E_BAD_FLAGS, "flags 0x%08x", (unsigned)flags);
    size_t i = 0;
    for (const alg_key_info *a; (a = alg_key_at(i)) != NULL; i++)
        if (ksp_u16_eq_ascii(alg, a->cng_name))
            return KSP_OK;
    return ksp_fail(st, KSP_E_NOT_SUPPORTED, "algorithm not supported");
}

ksp_code ksp_free_buffer(void *p, ksp_status *st)
{
    return ksp_buf_free(p, st);
}
