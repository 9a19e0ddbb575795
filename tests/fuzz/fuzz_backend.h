/* fuzz_backend: the backend both provider fuzz targets give the CSP and KSP
 * cores (fuzz_provider_calls, fuzz_provider_blobs): three keys named "rsa",
 * "rsa3072" and "ec" (certificates from the crypto test vectors, the P-384
 * one as their issuer), selected for both providers; it never signs (denied
 * or cancelled, alternately), so nothing leaves the process;
 * fuzz_providers_init() hands it to both cores. Static
 * definitions: include it once per target. */
#ifndef CRPKI_TESTS_FUZZ_BACKEND_H
#define CRPKI_TESTS_FUZZ_BACKEND_H

#include <stdlib.h>
#include <string.h>

#include "../core/crypto/vectors.h"
#include "ksp_core.h"
#include "csp_core.h"
#include "base/platform/plat_str.h"
#include "provider/prov_backend.h"

static const struct {
    const char *id;
    int vec; /* index into TV_KEYS */
} KEYS[] = {{"rsa", 0}, {"rsa3072", 1}, {"ec", 2}};

static crpki_err b_open(void *ctx, crpki_error_info *ei)
{
    (void)ctx;
    (void)ei;
    return CRPKI_OK;
}
static uint8_t *dup(const uint8_t *p, size_t n)
{
    uint8_t *d = malloc(n);
    if (d)
        memcpy(d, p, n);
    return d;
}
static crpki_err b_find(void *ctx, const char *id, catalog_entry *out, crpki_error_info *ei)
{
    (void)ctx;
    (void)ei;
    for (size_t i = 0; i < sizeof KEYS / sizeof KEYS[0]; i++) {
        if (id && *id && strcmp(id, KEYS[i].id) != 0)
            continue;
        const tv_key *v = &TV_KEYS[KEYS[i].vec];
        memset(out, 0, sizeof *out);
        out->credential_id = plat_strdup(KEYS[i].id);
        out->providers = CRPKI_CAT_CSP | CRPKI_CAT_KSP;
        out->key_type = v->type;
        out->key_bits = v->bits;
        out->curve = v->curve;
        out->cert.der = dup(v->cert, v->cert_len);
        out->cert.len = v->cert_len;
        out->chain = calloc(1, sizeof *out->chain);
        if (out->chain) {
            out->chain[0].der = dup(TV_KEYS[3].cert, TV_KEYS[3].cert_len);
            out->chain[0].len = TV_KEYS[3].cert_len;
            out->nchain = 1;
        }
        if (!out->credential_id || !out->cert.der || !out->chain || !out->chain[0].der)
            abort();
        return CRPKI_OK;
    }
    return CRPKI_E_NO_KEY;
}
static crpki_err b_list(void *ctx, char ***ids, size_t *n, crpki_error_info *ei)
{
    (void)ctx;
    (void)ei;
    size_t k = sizeof KEYS / sizeof KEYS[0];
    *ids = calloc(k, sizeof **ids);
    if (!*ids)
        abort();
    for (size_t i = 0; i < k; i++)
        (*ids)[i] = plat_strdup(KEYS[i].id);
    *n = k;
    return CRPKI_OK;
}
static void b_free_ids(char **ids, size_t n)
{
    for (size_t i = 0; i < n; i++)
        free(ids[i]);
    free(ids);
}
static unsigned g_signs;
static crpki_err b_sign(void *ctx, const signing_params *p, uint8_t *sig, size_t *sig_len,
                        crpki_error_info *ei)
{
    (void)ctx;
    (void)p;
    (void)sig;
    (void)sig_len;
    (void)ei;
    return g_signs++ % 2 ? CRPKI_E_DENIED : CRPKI_E_CANCELLED;
}
static crpki_err b_forget(void *ctx, const char *id, crpki_error_info *ei)
{
    (void)ctx;
    (void)id;
    (void)ei;
    return CRPKI_OK;
}
static const prov_backend BACKEND = {
    .open = b_open,
    .find_key = b_find,
    .list_keys = b_list,
    .free_ids = b_free_ids,
    .sign = b_sign,
    .forget_key = b_forget,
};

/* Gives BACKEND to both cores, once per process (the first input). */
static void fuzz_providers_init(void)
{
    static int ready;
    if (ready)
        return;
    if (csp_core_init(&BACKEND) != CRPKI_OK || ksp_core_init(&BACKEND) != CRPKI_OK)
        abort();
    ready = 1;
}

#endif
