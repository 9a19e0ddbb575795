/* Provider contexts: CPAcquireContext, CPReleaseContext, CPGetProvParam,
 * CPSetProvParam, CPGenRandom, and the certificates of PP_USER_CERTSTORE. */
#include <stdlib.h>
#include <string.h>

#include "csp_internal.h"
#include "csp_out.h"
#include "base/log/log.h"
#include "base/platform/plat_str.h"

static const prov_backend *g_backend;

crpki_err csp_core_init(const prov_backend *b)
{
    if (!b)
        return CRPKI_E_INVALID_ARG;
    g_backend = b;
    return csp_handle_init();
}

const prov_backend *csp_backend_get(void)
{
    return g_backend;
}

static void free_ids(char **ids, size_t n)
{
    if (ids)
        g_backend->free_ids(ids, n);
}

static void prov_destroy(csp_obj *o)
{
    csp_prov *p = (csp_prov *)o;
    free(p->container);
    catalog_entry_free(&p->key);
    crypto_pubkey_free(p->pub);
    free(p->prompt);
    free_ids(p->enum_ids, p->enum_n);
    free(p);
}

csp_code csp_prov_get(uintptr_t h, csp_prov **p, csp_status *st)
{
    csp_obj *o = NULL;
    csp_code c = csp_handle_get(h, CSP_KIND_PROV, &o, st);
    *p = (csp_prov *)o;
    return c;
}

#define ACQUIRE_FLAGS                                                                              \
    (CSP_CRYPT_VERIFYCONTEXT | CSP_CRYPT_NEWKEYSET | CSP_CRYPT_DELETEKEYSET |                      \
     CSP_CRYPT_MACHINE_KEYSET | CSP_CRYPT_SILENT | CSP_CRYPT_DEFAULT_CONTAINER_OPTIONAL)

/* The catalog entry of container (NULL/"": the default): CSP_E_BAD_KEYSET
 * when it does not exist or is not an RSA key (PROV_RSA_FULL). */
static csp_code find_container(const char *container, catalog_entry *out, csp_status *st)
{
    crpki_error_info ei = {0};
    crpki_err e = g_backend->find_key(g_backend->ctx, container, out, &ei);
    const char *name = container && *container ? container : "(default)";
    if (e == CRPKI_E_NO_KEY)
        return csp_fail(st, CSP_E_BAD_KEYSET, "no key container %s in the key catalog", name);
    if (e != CRPKI_OK)
        return csp_fail_core(st, e, "key catalog: %s",
                             ei.detail[0] ? ei.detail : crpki_strerror(e));
    if (out->key_type != CRPKI_KEY_RSA) {
        catalog_entry_free(out);
        return csp_fail(st, CSP_E_BAD_KEYSET,
                        "container %s holds an EC key: PROV_RSA_FULL takes RSA keys only (use "
                        "the KSP)",
                        name);
    }
    return CSP_OK;
}

csp_code csp_acquire_context(uintptr_t *out, const char *container, uint32_t flags,
                             const csp_window_src *win, csp_status *st)
{
    if (!out)
        return csp_fail(st, CSP_E_INVALID_ARG, "phProv is NULL");
    *out = 0;
    if (!g_backend)
        return csp_fail_core(st, CRPKI_E_INTERNAL, "csp_core_init was not called");
    uint32_t vbits = flags & CSP_CRYPT_VERIFYCONTEXT;
    if ((flags & ~ACQUIRE_FLAGS) || (vbits && vbits != CSP_CRYPT_VERIFYCONTEXT))
        return csp_fail(st, CSP_E_BAD_FLAGS, "unknown flags 0x%08lx", (unsigned long)flags);
    int verify = vbits != 0;
    int named = container && *container;
    if ((flags & CSP_CRYPT_DELETEKEYSET) && (verify || (flags & CSP_CRYPT_NEWKEYSET)))
        return csp_fail(st, CSP_E_BAD_FLAGS, "CRYPT_DELETEKEYSET with other modes");
    if (verify && named)
        return csp_fail(st, CSP_E_BAD_FLAGS, "CRYPT_VERIFYCONTEXT with a container name");

    crpki_error_info ei = {0};
    crpki_err e = g_backend->open(g_backend->ctx, &ei);
    if (e != CRPKI_OK)
        return csp_fail_core(st, e, "cannot open the session: %s",
                             ei.detail[0] ? ei.detail : crpki_strerror(e));

    catalog_entry key = {0};
    csp_code c;
    if (!verify && (flags & (CSP_CRYPT_NEWKEYSET | CSP_CRYPT_DELETEKEYSET))) {
        /* Keys live in the service's HSM: this CSP neither creates nor
         * deletes containers (crpki-mgmt selects them). */
        c = find_container(container, &key, st);
        catalog_entry_free(&key);
        if (flags & CSP_CRYPT_NEWKEYSET) {
            if (c == CSP_OK)
                return csp_fail(st, CSP_E_EXISTS, "CRYPT_NEWKEYSET: the container exists");
            return csp_fail(st, CSP_E_BAD_FLAGS,
                            "CRYPT_NEWKEYSET: this CSP cannot create key containers");
        }
        if (c != CSP_OK)
            return c; /* DELETEKEYSET of nothing: NTE_BAD_KEYSET */
        return csp_fail(st, CSP_E_BAD_FLAGS,
                        "CRYPT_DELETEKEYSET: remote credentials are removed with crpki-mgmt");
    }
    if (!verify && !named && (flags & CSP_CRYPT_DEFAULT_CONTAINER_OPTIONAL)) {
        /* No default needed: a context for hashing and verification. */
        c = find_container(NULL, &key, st);
        if (c != CSP_OK) {
            verify = 1;
            csp_status_clear(st);
        }
    } else if (!verify) {
        c = find_container(container, &key, st);
        if (c != CSP_OK)
            return c;
    }

    csp_prov *p = calloc(1, sizeof(*p));
    if (!p) {
        catalog_entry_free(&key);
        return csp_fail_core(st, CRPKI_E_NO_MEMORY, "out of memory");
    }
    p->o.kind = CSP_KIND_PROV;
    p->o.destroy = prov_destroy;
    p->verify = verify;
    p->silent = (flags & CSP_CRYPT_SILENT) != 0;
    if (win)
        p->win = *win;
    if (!verify) {
        p->key = key;
        e = crypto_pubkey_from_cert(key.cert.der, key.cert.len, &p->pub, &ei);
        if (e != CRPKI_OK) {
            prov_destroy(&p->o);
            return csp_fail_core(st, e, "the certificate of %s: %s", key.credential_id,
                                 ei.detail[0] ? ei.detail : crpki_strerror(e));
        }
    }
    p->container = plat_strdup(verify ? "" : key.credential_id);
    if (!p->container) {
        prov_destroy(&p->o);
        return csp_fail_core(st, CRPKI_E_NO_MEMORY, "out of memory");
    }
    c = csp_handle_new(&p->o, out, st);
    if (c != CSP_OK) {
        prov_destroy(&p->o);
        return c;
    }
    log_write(CRPKI_LOG_DEBUG, "csp", "context %s%s%s acquired", verify ? "(verify)" : p->container,
              p->silent ? " silent" : "", (flags & CSP_CRYPT_MACHINE_KEYSET) ? " machine" : "");
    return CSP_OK;
}

csp_code csp_release_context(uintptr_t prov, uint32_t flags, csp_status *st)
{
    /* Released even with bad flags (as Microsoft's providers do): the
     * caller's handle is gone either way. */
    csp_code c = csp_handle_free(prov, CSP_KIND_PROV, st);
    if (c != CSP_OK)
        return c;
    csp_handle_free_owned(prov);
    if (flags)
        return csp_fail(st, CSP_E_BAD_FLAGS, "dwFlags must be 0");
    return CSP_OK;
}

/* The CSP's RSA containers in catalog order (EC keys are the KSP's). */
static csp_code list_rsa_containers(char ***ids, size_t *n, csp_status *st)
{
    crpki_error_info ei = {0};
    char **all = NULL;
    size_t nall = 0, k = 0;
    crpki_err e = g_backend->list_keys(g_backend->ctx, &all, &nall, &ei);
    if (e != CRPKI_OK)
        return csp_fail_core(st, e, "key catalog: %s",
                             ei.detail[0] ? ei.detail : crpki_strerror(e));
    for (size_t i = 0; i < nall; i++) {
        catalog_entry ent = {0};
        int keep = g_backend->find_key(g_backend->ctx, all[i], &ent, &ei) == CRPKI_OK &&
                   ent.key_type == CRPKI_KEY_RSA;
        catalog_entry_free(&ent);
        if (keep) {
            all[k++] = all[i];
        } else {
            free(all[i]);
        }
    }
    *ids = all;
    *n = k;
    return CSP_OK;
}

static csp_code enum_containers(csp_prov *p, uint8_t *data, uint32_t *len, uint32_t flags,
                                csp_status *st)
{
    csp_code c = CSP_OK;
    char **fresh = NULL;
    size_t nfresh = 0;
    csp_handle_lock();
    int need = !p->enum_taken || (flags & CSP_CRYPT_FIRST);
    csp_handle_unlock();
    if (need && (c = list_rsa_containers(&fresh, &nfresh, st)) != CSP_OK)
        return c;
    csp_handle_lock();
    if (need) {
        char **old = p->enum_ids;
        size_t nold = p->enum_n;
        p->enum_ids = fresh;
        p->enum_n = nfresh;
        p->enum_pos = 0;
        p->enum_taken = 1;
        fresh = old;
        nfresh = nold;
    }
    if (!data) {
        /* Size query: the longest name, the cursor stays. */
        size_t max = 1;
        for (size_t i = 0; i < p->enum_n; i++)
            if (strlen(p->enum_ids[i]) + 1 > max)
                max = strlen(p->enum_ids[i]) + 1;
        *len = (uint32_t)max;
        c = CSP_OK;
    } else if (p->enum_pos >= p->enum_n) {
        c = csp_fail(st, CSP_E_NO_MORE_ITEMS, "no more containers");
    } else {
        c = csp_out_str(p->enum_ids[p->enum_pos], data, len, st);
        if (c == CSP_OK)
            p->enum_pos++;
    }
    csp_handle_unlock();
    free_ids(fresh, nfresh);
    return c;
}

static csp_code enum_algs(csp_prov *p, int ex, uint8_t *data, uint32_t *len, uint32_t flags,
                          csp_status *st)
{
    uint8_t b[CSP_ENUMALGS_EX_SIZE];
    memset(b, 0, sizeof(b));
    csp_handle_lock();
    if (flags & CSP_CRYPT_FIRST)
        p->alg_pos = 0;
    const csp_alg *a = csp_alg_at(p->alg_pos);
    csp_code c;
    if (!a) {
        c = csp_fail(st, CSP_E_NO_MORE_ITEMS, "no more algorithms");
    } else {
        uint32_t bits = a->bits;
        if (a->algid == CSP_CALG_RSA_SIGN && !p->verify)
            bits = p->key.key_bits;
        size_t nlen = strlen(a->name) + 1, llen = strlen(a->long_name) + 1;
        csp_put_u32le(b, a->algid);
        if (!ex) {
            csp_put_u32le(b + 4, bits);
            csp_put_u32le(b + 8, (uint32_t)nlen);
            memcpy(b + 12, a->name, nlen); /* szName[20] */
        } else {
            csp_put_u32le(b + 4, bits);
            csp_put_u32le(b + 8, a->min_bits);
            csp_put_u32le(b + 12, a->max_bits);
            csp_put_u32le(b + 16, a->protocols);
            csp_put_u32le(b + 20, (uint32_t)nlen);
            memcpy(b + 24, a->name, nlen); /* szName[20] */
            csp_put_u32le(b + 44, (uint32_t)llen);
            memcpy(b + 48, a->long_name, llen); /* szLongName[40] */
        }
        c = csp_out_bytes(b, ex ? CSP_ENUMALGS_EX_SIZE : CSP_ENUMALGS_SIZE, data, len, st);
        if (c == CSP_OK && data)
            p->alg_pos++; /* a size query or a short buffer keeps the cursor */
    }
    csp_handle_unlock();
    return c;
}

csp_code csp_get_prov_param(uintptr_t prov, uint32_t param, uint8_t *data, uint32_t *len,
                            uint32_t flags, csp_status *st)
{
    csp_prov *p = NULL;
    csp_code c = csp_prov_get(prov, &p, st);
    if (c != CSP_OK)
        return c;
    if (!len) {
        c = csp_fail(st, CSP_E_INVALID_ARG, "pdwDataLen is NULL");
        goto out;
    }
    uint32_t allowed = 0;
    if (param == CSP_PP_ENUMALGS || param == CSP_PP_ENUMALGS_EX)
        allowed = CSP_CRYPT_FIRST | CSP_CRYPT_NEXT;
    else if (param == CSP_PP_ENUMCONTAINERS)
        allowed = CSP_CRYPT_FIRST | CSP_CRYPT_NEXT | CSP_CRYPT_MACHINE_KEYSET;
    switch (param) {
    case CSP_PP_NAME:
    case CSP_PP_VERSION:
    case CSP_PP_IMPTYPE:
    case CSP_PP_PROVTYPE:
    case CSP_PP_CONTAINER:
    case CSP_PP_UNIQUE_CONTAINER:
    case CSP_PP_KEYSPEC:
    case CSP_PP_ENUMALGS:
    case CSP_PP_ENUMALGS_EX:
    case CSP_PP_ENUMCONTAINERS:
        if (flags & ~allowed) {
            c = csp_fail(st, CSP_E_BAD_FLAGS, "flags 0x%08lx for parameter %lu",
                         (unsigned long)flags, (unsigned long)param);
            goto out;
        }
        break;
    default:
        c = csp_fail(st, CSP_E_BAD_TYPE, "parameter %lu not supported", (unsigned long)param);
        goto out;
    }
    switch (param) {
    case CSP_PP_NAME:
        c = csp_out_str(CSP_PROV_NAME, data, len, st);
        break;
    case CSP_PP_VERSION:
        c = csp_out_u32(CSP_PROV_VERSION, data, len, st);
        break;
    case CSP_PP_IMPTYPE:
        /* hashing here, the private key in the service's HSM */
        c = csp_out_u32(CSP_CRYPT_IMPL_MIXED, data, len, st);
        break;
    case CSP_PP_PROVTYPE:
        c = csp_out_u32(CSP_PROV_RSA_FULL, data, len, st);
        break;
    case CSP_PP_CONTAINER:
    case CSP_PP_UNIQUE_CONTAINER:
        c = csp_out_str(p->container, data, len, st);
        break;
    case CSP_PP_KEYSPEC:
        c = csp_out_u32(CSP_AT_SIGNATURE, data, len, st);
        break;
    case CSP_PP_ENUMALGS:
    case CSP_PP_ENUMALGS_EX:
        c = enum_algs(p, param == CSP_PP_ENUMALGS_EX, data, len, flags, st);
        break;
    default: /* CSP_PP_ENUMCONTAINERS */
        c = enum_containers(p, data, len, flags, st);
        break;
    }
out:
    csp_obj_put(&p->o);
    return c;
}

csp_code csp_set_prov_param(uintptr_t prov, uint32_t param, const void *value, uint32_t flags,
                            csp_status *st)
{
    csp_prov *p = NULL;
    csp_code c = csp_prov_get(prov, &p, st);
    if (c != CSP_OK)
        return c;
    if (param == CSP_PP_CLIENT_HWND || param == CSP_PP_UI_PROMPT) {
        if (flags) {
            c = csp_fail(st, CSP_E_BAD_FLAGS, "dwFlags must be 0");
        } else if (param == CSP_PP_CLIENT_HWND) {
            csp_handle_lock();
            p->client_hwnd = (void *)value;
            csp_handle_unlock();
        } else {
            char *s = value ? plat_strdup(value) : NULL;
            if (value && !s) {
                c = csp_fail_core(st, CRPKI_E_NO_MEMORY, "out of memory");
            } else {
                csp_handle_lock();
                char *old = p->prompt;
                p->prompt = s;
                csp_handle_unlock();
                free(old);
            }
        }
    } else {
        /* PINs (no PIN: the phone approves), security descriptors, ...:
         * nothing else is settable. */
        c = csp_fail(st, CSP_E_BAD_TYPE, "parameter %lu cannot be set", (unsigned long)param);
    }
    csp_obj_put(&p->o);
    return c;
}

static int have_der(const csp_cert_set *s, const uint8_t *der, size_t len)
{
    for (size_t i = 0; i < s->n; i++)
        if (s->v[i].len == len && memcmp(s->v[i].der, der, len) == 0)
            return 1;
    return 0;
}

static void add_entry_certs(csp_cert_set *s, const catalog_entry *k, int roots_only)
{
    if (!roots_only) {
        if (k->cert.len && !have_der(s, k->cert.der, k->cert.len))
            s->v[s->n++] = (csp_cert_ref){k->cert.der, k->cert.len, k->credential_id};
        for (size_t i = 0; i < k->nchain; i++)
            if (!have_der(s, k->chain[i].der, k->chain[i].len))
                s->v[s->n++] = (csp_cert_ref){k->chain[i].der, k->chain[i].len, NULL};
    } else if (k->nchain) {
        const catalog_blob *ca = &k->chain[k->nchain - 1];
        if (!have_der(s, ca->der, ca->len))
            s->v[s->n++] = (csp_cert_ref){ca->der, ca->len, NULL};
    }
}

csp_code csp_prov_certs(uintptr_t prov, int roots_only, csp_cert_set *out, csp_status *st)
{
    memset(out, 0, sizeof(*out));
    csp_prov *p = NULL;
    csp_code c = csp_prov_get(prov, &p, st);
    if (c != CSP_OK)
        return c;
    char **ids = NULL;
    size_t nids = 0;
    if (p->verify && (c = list_rsa_containers(&ids, &nids, st)) != CSP_OK)
        goto out;
    size_t nkeys = p->verify ? nids : 1;
    out->keys = calloc(nkeys ? nkeys : 1, sizeof(*out->keys));
    if (!out->keys) {
        c = csp_fail_core(st, CRPKI_E_NO_MEMORY, "out of memory");
        goto out;
    }
    size_t total = 0;
    for (size_t i = 0; i < nkeys; i++) {
        crpki_err e;
        if (p->verify) {
            crpki_error_info ei = {0};
            e = g_backend->find_key(g_backend->ctx, ids[i], &out->keys[out->nkeys], &ei);
        } else {
            e = catalog_entry_copy(&p->key, &out->keys[out->nkeys]);
        }
        if (e == CRPKI_OK)
            total += 1 + out->keys[out->nkeys++].nchain;
    }
    out->v = calloc(total ? total : 1, sizeof(*out->v));
    if (!out->v) {
        c = csp_fail_core(st, CRPKI_E_NO_MEMORY, "out of memory");
        goto out;
    }
    for (size_t i = 0; i < out->nkeys; i++)
        add_entry_certs(out, &out->keys[i], roots_only);
out:
    if (c != CSP_OK)
        csp_cert_set_free(out);
    free_ids(ids, nids);
    csp_obj_put(&p->o);
    return c;
}

void csp_cert_set_free(csp_cert_set *s)
{
    if (!s)
        return;
    for (size_t i = 0; i < s->nkeys; i++)
        catalog_entry_free(&s->keys[i]);
    free(s->keys);
    free(s->v);
    memset(s, 0, sizeof(*s));
}

csp_code csp_gen_random(uintptr_t prov, uint32_t len, uint8_t *buf, csp_status *st)
{
    csp_prov *p = NULL;
    csp_code c = csp_prov_get(prov, &p, st);
    if (c != CSP_OK)
        return c;
    if (!buf && len) {
        c = csp_fail(st, CSP_E_INVALID_ARG, "pbBuffer is NULL");
    } else if (len) {
        crpki_err e = crypto_random(buf, len);
        if (e != CRPKI_OK)
            c = csp_fail_core(st, e, "the random generator failed");
    }
    csp_obj_put(&p->o);
    return c;
}

csp_code csp_unsupported(const char *what, csp_status *st)
{
    return csp_fail(st, CSP_E_NOT_SUPPORTED,
                    "%s is not supported: keys live in the remote service, this CSP only signs "
                    "and verifies",
                    what);
}
