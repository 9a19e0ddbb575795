/* Native tests of the KSP core's operations (core/ksp_core.h) over a fake
 * backend: two catalog keys (RSA-2048 default, ECDSA P-256) with real
 * certificates, a sign() that records what it was asked and answers with
 * a real signature (ksp_test_vectors.h). The error battery of every
 * operation: NULL pointers, invalid and freed handles, wrong flags, short
 * buffers, wrong hash lengths, unknown properties and blob types. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "ksp_flags.h"
#include "ksp_handle.h"
#include "ksp_core.h"
#include "ksp_pad.h"
#include "ksp_u16.h"
#include "ksp_test_vectors.h"
#include "base/platform/plat_str.h"

static const uint16_t *W(const char *ascii)
{
    static uint16_t buf[8][300];
    static int slot;
    uint16_t *b = buf[slot++ % 8];
    size_t i = 0;
    for (; ascii[i] && i < 299; i++)
        b[i] = (unsigned char)ascii[i];
    b[i] = 0;
    return b;
}

/* ---- the fake backend ---- */

static catalog_entry g_ent[2];
static int g_forgotten;
static int g_signs;
static signing_params g_last;
static char g_last_what[128];
static crpki_err g_sign_result;

static void make_entry(catalog_entry *e, const char *id, alg_key_type t, unsigned bits,
                       alg_curve curve, const uint8_t *der, size_t len)
{
    memset(e, 0, sizeof *e);
    e->credential_id = plat_strdup(id);
    e->providers = CRPKI_CAT_KSP;
    e->key_type = t;
    e->key_bits = bits;
    e->curve = curve;
    e->cert.der = malloc(len);
    memcpy(e->cert.der, der, len);
    e->cert.len = len;
}

static crpki_err f_open(void *ctx, crpki_error_info *ei)
{
    return CRPKI_OK;
}

static crpki_err f_find(void *ctx, const char *id, catalog_entry *out, crpki_error_info *ei)
{
    const char *want = (!id || !*id) ? "rsa-cred" : id;
    for (int i = 0; i < 2; i++)
        if (!(g_forgotten & (1 << i)) && strcmp(g_ent[i].credential_id, want) == 0)
            return catalog_entry_copy(&g_ent[i], out);
    return CRPKI_E_NO_KEY;
}

static crpki_err f_list(void *ctx, char ***ids, size_t *n, crpki_error_info *ei)
{
    *ids = calloc(2, sizeof **ids);
    *n = 0;
    for (int i = 0; i < 2; i++)
        if (!(g_forgotten & (1 << i)))
            (*ids)[(*n)++] = plat_strdup(g_ent[i].credential_id);
    return CRPKI_OK;
}

static void f_free_ids(char **ids, size_t n)
{
    for (size_t i = 0; i < n; i++)
        free(ids[i]);
    free(ids);
}

static crpki_err f_sign(void *ctx, const signing_params *p, uint8_t *sig, size_t *sig_len,
                        crpki_error_info *ei)
{
    g_signs++;
    g_last = *p;
    snprintf(g_last_what, sizeof g_last_what, "%s", p->what ? p->what : "");
    g_last.what = g_last_what;
    if (g_sign_result != CRPKI_OK)
        return g_sign_result;
    const uint8_t *s = p->scheme == CRPKI_PAD_PKCS1 ? RSA_PKCS1_SIG
                       : p->scheme == CRPKI_PAD_PSS ? RSA_PSS_SIG
                                                    : EC_SIG_P1363;
    size_t n = p->scheme == CRPKI_PAD_ECDSA ? sizeof EC_SIG_P1363 : sizeof RSA_PKCS1_SIG;
    if (*sig_len < n)
        return CRPKI_E_BUFFER_TOO_SMALL;
    memcpy(sig, s, n);
    *sig_len = n;
    return CRPKI_OK;
}

static crpki_err f_forget(void *ctx, const char *id, crpki_error_info *ei)
{
    for (int i = 0; i < 2; i++)
        if (strcmp(g_ent[i].credential_id, id) == 0) {
            g_forgotten |= 1 << i;
            return CRPKI_OK;
        }
    return CRPKI_E_NO_KEY;
}

static const prov_backend FAKE = {
    .open = f_open,
    .find_key = f_find,
    .list_keys = f_list,
    .free_ids = f_free_ids,
    .sign = f_sign,
    .forget_key = f_forget,
};

static uintptr_t g_prov;

static int setup(void **state)
{
    assert_int_equal(ksp_core_init(&FAKE), CRPKI_OK);
    make_entry(&g_ent[0], "rsa-cred", CRPKI_KEY_RSA, 2048, CRPKI_CURVE_NONE, RSA_CERT,
               sizeof RSA_CERT);
    make_entry(&g_ent[1], "ec-cred", CRPKI_KEY_EC, 256, CRPKI_CURVE_P256, EC_CERT, sizeof EC_CERT);
    g_forgotten = 0;
    g_signs = 0;
    g_sign_result = CRPKI_OK;
    ksp_status st;
    assert_int_equal(ksp_open_provider(W(KSP_PROVIDER_NAME), 0, &g_prov, &st), KSP_OK);
    return 0;
}

static int teardown(void **state)
{
    ksp_status st;
    ksp_free_provider(g_prov, &st);
    catalog_entry_free(&g_ent[0]);
    catalog_entry_free(&g_ent[1]);
    /* every test frees what it opened: no handle or buffer outlives it */
    assert_int_equal(ksp_handle_live(0), 0);
    assert_int_equal(ksp_buf_live(), 0);
    return 0;
}

static uintptr_t open_key(const char *name, uint32_t spec, uint32_t flags)
{
    ksp_status st;
    uintptr_t hk = 0;
    ksp_code c = ksp_open_key(g_prov, &hk, name ? W(name) : NULL, spec, flags, &st);
    if (c != KSP_OK)
        fail_msg("open_key %s: %s %s", name ? name : "(default)", ksp_status_name(&st), st.why);
    return hk;
}

static void close_key(uintptr_t hk)
{
    ksp_status st;
    assert_int_equal(ksp_free_key(g_prov, hk, &st), KSP_OK);
}

/* ---- provider ---- */

static void open_provider_checks_name_flags_pointer(void **state)
{
    ksp_status st;
    uintptr_t h;
    assert_int_equal(ksp_open_provider(W("Microsoft Software Key Storage Provider"), 0, &h, &st),
                     KSP_E_INVALID_ARG);
    assert_int_equal(ksp_open_provider(NULL, 0, &h, &st), KSP_E_INVALID_ARG);
    assert_int_equal(ksp_open_provider(W(KSP_PROVIDER_NAME), 0, NULL, &st), KSP_E_INVALID_ARG);
    assert_int_equal(ksp_open_provider(W(KSP_PROVIDER_NAME), 0x1000, &h, &st), KSP_E_BAD_FLAGS);
    assert_int_equal(ksp_open_provider(W(KSP_PROVIDER_NAME), KSP_F_SILENT, &h, &st), KSP_OK);
    assert_int_equal(ksp_free_provider(h, &st), KSP_OK);
    assert_int_equal(ksp_free_provider(h, &st), KSP_E_INVALID_HANDLE);
}

static void provider_properties_encoded(void **state)
{
    ksp_status st;
    uint8_t buf[128];
    size_t res = 0;
    assert_int_equal(ksp_get_provider_property(g_prov, W("Name"), NULL, 0, &res, 0, &st), KSP_OK);
    assert_int_equal(res, (strlen(KSP_PROVIDER_NAME) + 1) * 2);
    assert_int_equal(ksp_get_provider_property(g_prov, W("Name"), buf, sizeof buf, &res, 0, &st),
                     KSP_OK);
    assert_true(ksp_u16_eq_ascii((const uint16_t *)(void *)buf, KSP_PROVIDER_NAME));
    uint32_t v;
    assert_int_equal(
        ksp_get_provider_property(g_prov, W("Impl Type"), (uint8_t *)&v, 4, &res, 0, &st), KSP_OK);
    assert_int_equal(v, KSP_IMPL_HARDWARE);
    assert_int_equal(
        ksp_get_provider_property(g_prov, W("Max Name Length"), (uint8_t *)&v, 4, &res, 0, &st),
        KSP_OK);
    assert_int_equal(v, KSP_MAX_NAME_LENGTH);
    assert_int_equal(
        ksp_get_provider_property(g_prov, W("Version"), (uint8_t *)&v, 4, &res, 0, &st), KSP_OK);
    assert_int_equal(ksp_get_provider_property(g_prov, W("Name"), buf, 10, &res, 0, &st),
                     KSP_E_MORE_DATA);
    assert_int_equal(res, (strlen(KSP_PROVIDER_NAME) + 1) * 2);
    assert_int_equal(
        ksp_get_provider_property(g_prov, W("No Such Property"), buf, sizeof buf, &res, 0, &st),
        KSP_E_NOT_SUPPORTED);
    assert_int_equal(ksp_get_provider_property(g_prov, NULL, buf, sizeof buf, &res, 0, &st),
                     KSP_E_INVALID_ARG);
    assert_int_equal(ksp_get_provider_property(g_prov, W("Name"), buf, sizeof buf, NULL, 0, &st),
                     KSP_E_INVALID_ARG);
    assert_int_equal(ksp_get_provider_property(g_prov, W("Name"), buf, sizeof buf, &res, 0x80, &st),
                     KSP_E_BAD_FLAGS);
    assert_int_equal(ksp_get_provider_property(0x1234, W("Name"), buf, sizeof buf, &res, 0, &st),
                     KSP_E_INVALID_HANDLE);
}

/* ---- enumeration ---- */

static void enum_keys_lists_catalog_then_no_more_items(void **state)
{
    ksp_status st;
    void *es = NULL;
    ksp_key_name *kn;
    assert_int_equal(ksp_enum_keys(g_prov, NULL, &kn, &es, 0, &st), KSP_OK);
    assert_true(ksp_u16_eq_ascii(kn->name, "rsa-cred"));
    assert_true(ksp_u16_eq_ascii(kn->alg, "RSA"));
    assert_int_equal(kn->legacy_spec, KSP_AT_SIGNATURE);
    assert_int_equal(ksp_free_buffer(kn, &st), KSP_OK);
    assert_int_equal(ksp_enum_keys(g_prov, NULL, &kn, &es, KSP_F_SILENT, &st), KSP_OK);
    assert_true(ksp_u16_eq_ascii(kn->name, "ec-cred"));
    assert_true(ksp_u16_eq_ascii(kn->alg, "ECDSA_P256"));
    assert_int_equal(kn->legacy_spec, 0);
    assert_int_equal(ksp_free_buffer(kn, &st), KSP_OK);
    assert_int_equal(ksp_enum_keys(g_prov, NULL, &kn, &es, 0, &st), KSP_E_NO_MORE_ITEMS);
    assert_int_equal(ksp_free_buffer(es, &st), KSP_OK);
    int bogus_state[2] = {0, 0};
    void *bs = bogus_state;
    assert_int_equal(ksp_enum_keys(g_prov, NULL, &kn, &bs, 0, &st), KSP_E_INVALID_ARG);
    assert_int_equal(ksp_enum_keys(g_prov, NULL, NULL, &es, 0, &st), KSP_E_INVALID_ARG);
    assert_int_equal(ksp_enum_keys(g_prov, NULL, &kn, &es, 0x4, &st), KSP_E_BAD_FLAGS);
}

static void enum_algorithms_and_is_alg_supported(void **state)
{
    ksp_status st;
    uint32_t n;
    ksp_alg_name *l;
    assert_int_equal(ksp_enum_algorithms(g_prov, KSP_OP_SIGNATURE, &n, &l, 0, &st), KSP_OK);
    assert_int_equal(n, 3);
    assert_true(ksp_u16_eq_ascii(l[0].name, "RSA"));
    assert_int_equal(l[1].alg_class, KSP_IF_SIGNATURE);
    assert_int_equal(ksp_free_buffer(l, &st), KSP_OK);
    assert_int_equal(ksp_enum_algorithms(g_prov, 0x1, &n, &l, 0, &st), KSP_OK); /* ciphers */
    assert_int_equal(n, 0);
    assert_int_equal(ksp_free_buffer(l, &st), KSP_OK);
    assert_int_equal(ksp_enum_algorithms(g_prov, 0x100, &n, &l, 0, &st), KSP_E_INVALID_ARG);
    assert_int_equal(ksp_is_alg_supported(g_prov, W("ECDSA_P256"), 0, &st), KSP_OK);
    assert_int_equal(ksp_is_alg_supported(g_prov, W("AES"), 0, &st), KSP_E_NOT_SUPPORTED);
    assert_int_equal(ksp_is_alg_supported(g_prov, NULL, 0, &st), KSP_E_INVALID_ARG);
    assert_int_equal(ksp_is_alg_supported(g_prov, W("RSA"), 2, &st), KSP_E_BAD_FLAGS);
}

/* ---- keys ---- */

static void open_key_specs_flags_and_default(void **state)
{
    static const uint32_t specs[] = {0, KSP_AT_SIGNATURE, KSP_AT_KEYEXCHANGE};
    static const uint32_t flags[] = {0, KSP_F_SILENT, KSP_F_MACHINE_KEY,
                                     KSP_F_SILENT | KSP_F_MACHINE_KEY};
    for (size_t i = 0; i < 3; i++)
        for (size_t j = 0; j < 4; j++)
            close_key(open_key("rsa-cred", specs[i], flags[j]));
    close_key(open_key(NULL, 0, 0)); /* NULL name: the default */
    close_key(open_key("", 0, 0));
    ksp_status st;
    uintptr_t hk;
    assert_int_equal(ksp_open_key(g_prov, &hk, W("nope"), 0, 0, &st), KSP_E_CORE);
    assert_int_equal(st.core, CRPKI_E_NO_KEY);
    assert_int_equal(ksp_open_key(g_prov, &hk, W("rsa-cred"), 3, 0, &st), KSP_E_INVALID_ARG);
    assert_int_equal(ksp_open_key(g_prov, &hk, W("rsa-cred"), 0, KSP_F_PAD_PKCS1, &st),
                     KSP_E_BAD_FLAGS);
    assert_int_equal(ksp_open_key(g_prov, NULL, W("rsa-cred"), 0, 0, &st), KSP_E_INVALID_ARG);
    assert_int_equal(ksp_open_key(0, &hk, W("rsa-cred"), 0, 0, &st), KSP_E_INVALID_HANDLE);
    char longname[300];
    memset(longname, 'a', 299);
    longname[299] = 0;
    assert_int_equal(ksp_open_key(g_prov, &hk, W(longname), 0, 0, &st), KSP_E_INVALID_ARG);
}

static void key_properties_from_catalog(void **state)
{
    uintptr_t hk = open_key("rsa-cred", 0, KSP_F_MACHINE_KEY);
    ksp_status st;
    uint8_t buf[1024];
    size_t res;
    uint32_t v;
    assert_int_equal(
        ksp_get_key_property(g_prov, hk, W("Algorithm Group"), buf, sizeof buf, &res, 0, &st),
        KSP_OK);
    assert_true(ksp_u16_eq_ascii((uint16_t *)(void *)buf, "RSA"));
    assert_int_equal(res, 8);
    assert_int_equal(ksp_get_key_property(g_prov, hk, W("Length"), (uint8_t *)&v, 4, &res, 0, &st),
                     KSP_OK);
    assert_int_equal(v, 2048);
    uint32_t lens[4];
    assert_int_equal(
        ksp_get_key_property(g_prov, hk, W("Lengths"), (uint8_t *)lens, sizeof lens, &res, 0, &st),
        KSP_OK);
    assert_int_equal(lens[0], 2048);
    assert_int_equal(lens[3], 2048);
    assert_int_equal(
        ksp_get_key_property(g_prov, hk, W("Block Length"), (uint8_t *)&v, 4, &res, 0, &st),
        KSP_OK);
    assert_int_equal(v, 256);
    assert_int_equal(
        ksp_get_key_property(g_prov, hk, W("Export Policy"), (uint8_t *)&v, 4, &res, 0, &st),
        KSP_OK);
    assert_int_equal(v, 0);
    assert_int_equal(
        ksp_get_key_property(g_prov, hk, W("Key Usage"), (uint8_t *)&v, 4, &res, 0, &st), KSP_OK);
    assert_int_equal(v, KSP_ALLOW_SIGNING);
    assert_int_equal(
        ksp_get_key_property(g_prov, hk, W("Key Type"), (uint8_t *)&v, 4, &res, 0, &st), KSP_OK);
    assert_int_equal(v, KSP_F_MACHINE_KEY);
    assert_int_equal(ksp_get_key_property(g_prov, hk, W("SmartCardKeyCertificate"), buf, sizeof buf,
                                          &res, 0, &st),
                     KSP_OK);
    assert_int_equal(res, sizeof RSA_CERT);
    assert_memory_equal(buf, RSA_CERT, sizeof RSA_CERT);
    assert_int_equal(
        ksp_get_key_property(g_prov, hk, W("Unique Name"), buf, sizeof buf, &res, 0, &st), KSP_OK);
    assert_true(ksp_u16_eq_ascii((uint16_t *)(void *)buf, "rsa-cred"));
    uintptr_t ph;
    assert_int_equal(ksp_get_key_property(g_prov, hk, W("Provider Handle"), (uint8_t *)&ph,
                                          sizeof ph, &res, 0, &st),
                     KSP_OK);
    assert_int_equal(ph, g_prov);
    assert_int_equal(
        ksp_get_key_property(g_prov, hk, W("UI Policy"), buf, sizeof buf, &res, 0, &st), KSP_OK);
    /* PERSIST_ONLY skips built-in values (.NET's "CLR IsEphemeral" probe) */
    assert_int_equal(ksp_get_key_property(g_prov, hk, W("Length"), buf, sizeof buf, &res,
                                          KSP_F_PERSIST_ONLY, &st),
                     KSP_E_NOT_FOUND);
    assert_int_equal(ksp_get_key_property(g_prov, hk, W("CLR IsEphemeral"), buf, 1, &res,
                                          KSP_F_PERSIST_ONLY, &st),
                     KSP_E_NOT_FOUND);
    assert_int_equal(
        ksp_get_key_property(g_prov, hk, W("Use Context"), buf, sizeof buf, &res, 0, &st),
        KSP_E_NOT_FOUND);
    assert_int_equal(
        ksp_get_key_property(g_prov, hk, W("No Such Thing"), buf, sizeof buf, &res, 0, &st),
        KSP_E_NOT_SUPPORTED);
    assert_int_equal(
        ksp_get_key_property(g_prov, hk, W("SmartCardKeyCertificate"), buf, 100, &res, 0, &st),
        KSP_E_MORE_DATA);
    assert_int_equal(res, sizeof RSA_CERT);
    close_key(hk);

    hk = open_key("ec-cred", 0, 0);
    assert_int_equal(
        ksp_get_key_property(g_prov, hk, W("Algorithm Name"), buf, sizeof buf, &res, 0, &st),
        KSP_OK);
    assert_true(ksp_u16_eq_ascii((uint16_t *)(void *)buf, "ECDSA_P256"));
    assert_int_equal(
        ksp_get_key_property(g_prov, hk, W("Algorithm Group"), buf, sizeof buf, &res, 0, &st),
        KSP_OK);
    assert_true(ksp_u16_eq_ascii((uint16_t *)(void *)buf, "ECDSA"));
    close_key(hk);
}

static void set_key_property_hwnd_and_use_context(void **state)
{
    uintptr_t hk = open_key("rsa-cred", 0, 0);
    ksp_status st;
    uintptr_t hwnd = 0x10203;
    assert_int_equal(
        ksp_set_key_property(g_prov, hk, W("HWND Handle"), (uint8_t *)&hwnd, sizeof hwnd, 0, &st),
        KSP_OK);
    const uint8_t ctx[] = {'D', 0, 'o', 0, 'c', 0, 0, 0};
    assert_int_equal(
        ksp_set_key_property(g_prov, hk, W("Use Context"), ctx, sizeof ctx, KSP_F_SILENT, &st),
        KSP_OK);
    uint8_t buf[32];
    size_t res;
    assert_int_equal(
        ksp_get_key_property(g_prov, hk, W("Use Context"), buf, sizeof buf, &res, 0, &st), KSP_OK);
    assert_int_equal(res, 8);
    assert_memory_equal(buf, ctx, 8);
    assert_int_equal(
        ksp_set_key_property(g_prov, hk, W("HWND Handle"), (uint8_t *)&hwnd, 3, 0, &st),
        KSP_E_INVALID_ARG);
    assert_int_equal(ksp_set_key_property(g_prov, hk, W("Length"), ctx, 4, 0, &st),
                     KSP_E_NOT_SUPPORTED);
    assert_int_equal(
        ksp_set_key_property(g_prov, hk, W("Use Context"), ctx, sizeof ctx, 0x1000, &st),
        KSP_E_BAD_FLAGS);
    /* what SignHash passes on */
    uint8_t sig[256];
    ksp_pkcs1_info pi = {W("SHA256")};
    assert_int_equal(
        ksp_sign_hash(g_prov, hk, &pi, DIGEST, 32, sig, sizeof sig, &res, KSP_F_PAD_PKCS1, &st),
        KSP_OK);
    assert_string_equal(g_last_what, "Doc");
    assert_ptr_equal(g_last.parent_window, (void *)hwnd);
    close_key(hk);
}

/* ---- export / import ---- */

static void export_public_blobs_and_refuse_private(void **state)
{
    uintptr_t hk = open_key("rsa-cred", 0, 0);
    ksp_status st;
    uint8_t buf[600];
    size_t res;
    assert_int_equal(ksp_export_key(g_prov, hk, 0, W("RSAPUBLICBLOB"), 0, NULL, 0, &res, 0, &st),
                     KSP_OK);
    assert_int_equal(res, 24 + 3 + 256);
    assert_int_equal(
        ksp_export_key(g_prov, hk, 0, W("RSAPUBLICBLOB"), 0, buf, sizeof buf, &res, 0, &st),
        KSP_OK);
    assert_int_equal(
        ksp_export_key(g_prov, hk, 0, W("CAPIPUBLICBLOB"), 0, buf, sizeof buf, &res, 0, &st),
        KSP_OK);
    assert_int_equal(res, 20 + 256);
    assert_int_equal(buf[4] | buf[5] << 8, 0x2400); /* CALG_RSA_SIGN: not opened AT_KEYEXCHANGE */
    assert_int_equal(
        ksp_export_key(g_prov, hk, 0, W("RSAPRIVATEBLOB"), 0, buf, sizeof buf, &res, 0, &st),
        KSP_E_NOT_SUPPORTED);
    assert_int_equal(
        ksp_export_key(g_prov, hk, 0, W("ECCPUBLICBLOB"), 0, buf, sizeof buf, &res, 0, &st),
        KSP_E_BAD_TYPE);
    assert_int_equal(ksp_export_key(g_prov, hk, 0, W("XYZ"), 0, buf, sizeof buf, &res, 0, &st),
                     KSP_E_BAD_TYPE);
    assert_int_equal(ksp_export_key(g_prov, hk, 0, W("RSAPUBLICBLOB"), 0, buf, 10, &res, 0, &st),
                     KSP_E_MORE_DATA);
    assert_int_equal(ksp_export_key(g_prov, hk, 0, NULL, 0, buf, sizeof buf, &res, 0, &st),
                     KSP_E_INVALID_ARG);
    assert_int_equal(
        ksp_export_key(g_prov, hk, 0, W("RSAPUBLICBLOB"), 0, buf, sizeof buf, &res, 0x2, &st),
        KSP_E_BAD_FLAGS);
    assert_int_equal(
        ksp_export_key(g_prov, hk, hk, W("RSAPUBLICBLOB"), 0, buf, sizeof buf, &res, 0, &st),
        KSP_E_NOT_SUPPORTED);
    close_key(hk);
}

static void import_public_blob_then_verify(void **state)
{
    uintptr_t hk = open_key("ec-cred", 0, 0);
    ksp_status st;
    uint8_t blob[72];
    size_t res;
    assert_int_equal(
        ksp_export_key(g_prov, hk, 0, W("ECCPUBLICBLOB"), 0, blob, sizeof blob, &res, 0, &st),
        KSP_OK);
    close_key(hk);
    uintptr_t imp;
    assert_int_equal(
        ksp_import_key(g_prov, 0, W("ECCPUBLICBLOB"), 0, &imp, blob, sizeof blob, 0, &st), KSP_OK);
    assert_int_equal(ksp_verify_signature(g_prov, imp, NULL, DIGEST, sizeof DIGEST, EC_SIG_P1363,
                                          sizeof EC_SIG_P1363, 0, &st),
                     KSP_OK);
    uint8_t bad[sizeof EC_SIG_P1363];
    memcpy(bad, EC_SIG_P1363, sizeof bad);
    bad[5] ^= 1;
    assert_int_equal(
        ksp_verify_signature(g_prov, imp, NULL, DIGEST, sizeof DIGEST, bad, sizeof bad, 0, &st),
        KSP_E_CORE);
    assert_int_equal(st.core, CRPKI_E_BAD_SIGNATURE);
    uint8_t sig[64];
    assert_int_equal(ksp_sign_hash(g_prov, imp, NULL, DIGEST, 32, sig, sizeof sig, &res, 0, &st),
                     KSP_E_NOT_SUPPORTED);
    close_key(imp);
    blob[0] ^= 0xff;
    assert_int_equal(
        ksp_import_key(g_prov, 0, W("ECCPUBLICBLOB"), 0, &imp, blob, sizeof blob, 0, &st),
        KSP_E_BAD_DATA);
    assert_int_equal(
        ksp_import_key(g_prov, 0, W("RSAPRIVATEBLOB"), 0, &imp, blob, sizeof blob, 0, &st),
        KSP_E_NOT_SUPPORTED);
    assert_int_equal(ksp_import_key(g_prov, 0, W("ECCPUBLICBLOB"), 0, &imp, NULL, 0, 0, &st),
                     KSP_E_INVALID_ARG);
}

static void verify_with_catalog_key_pkcs1_and_pss(void **state)
{
    uintptr_t hk = open_key("rsa-cred", 0, 0);
    ksp_status st;
    ksp_pkcs1_info pk = {W("SHA256")};
    assert_int_equal(ksp_verify_signature(g_prov, hk, &pk, DIGEST, 32, RSA_PKCS1_SIG,
                                          sizeof RSA_PKCS1_SIG, KSP_F_PAD_PKCS1, &st),
                     KSP_OK);
    ksp_pss_info ps = {W("SHA256"), 32};
    assert_int_equal(ksp_verify_signature(g_prov, hk, &ps, DIGEST, 32, RSA_PSS_SIG,
                                          sizeof RSA_PSS_SIG, KSP_F_PAD_PSS, &st),
                     KSP_OK);
    assert_int_equal(ksp_verify_signature(g_prov, hk, &pk, DIGEST, 32, RSA_PSS_SIG,
                                          sizeof RSA_PSS_SIG, KSP_F_PAD_PKCS1, &st),
                     KSP_E_CORE);
    assert_int_equal(st.core, CRPKI_E_BAD_SIGNATURE);
    close_key(hk);
}

/* ---- signing ---- */

static void sign_size_query_does_not_sign(void **state)
{
    uintptr_t hk = open_key("rsa-cred", 0, 0);
    ksp_status st;
    size_t res = 0;
    ksp_pkcs1_info pi = {W("SHA256")};
    assert_int_equal(
        ksp_sign_hash(g_prov, hk, &pi, DIGEST, 32, NULL, 0, &res, KSP_F_PAD_PKCS1, &st), KSP_OK);
    assert_int_equal(res, 256);
    uint8_t sig[256];
    assert_int_equal(
        ksp_sign_hash(g_prov, hk, &pi, DIGEST, 32, sig, 255, &res, KSP_F_PAD_PKCS1, &st),
        KSP_E_MORE_DATA);
    assert_int_equal(res, 256);
    assert_int_equal(g_signs, 0);
    close_key(hk);
}

static void sign_pkcs1_pss_ecdsa_pass_parameters(void **state)
{
    ksp_status st;
    uint8_t sig[256];
    size_t res;
    uintptr_t hk = open_key("rsa-cred", 0, 0);
    ksp_pkcs1_info pi = {W("SHA256")};
    assert_int_equal(ksp_sign_hash(g_prov, hk, &pi, DIGEST, 32, sig, sizeof sig, &res,
                                   KSP_F_PAD_PKCS1 | KSP_F_SILENT, &st),
                     KSP_OK);
    assert_int_equal(res, 256);
    assert_int_equal(g_last.scheme, CRPKI_PAD_PKCS1);
    assert_int_equal(g_last.hash, CRPKI_HASH_SHA256);
    assert_true(g_last.silent);
    assert_memory_equal(sig, RSA_PKCS1_SIG, 256);
    ksp_pss_info ps = {W("SHA256"), 32};
    assert_int_equal(
        ksp_sign_hash(g_prov, hk, &ps, DIGEST, 32, sig, sizeof sig, &res, KSP_F_PAD_PSS, &st),
        KSP_OK);
    assert_int_equal(g_last.scheme, CRPKI_PAD_PSS);
    assert_int_equal(g_last.salt_len, 32);
    assert_false(g_last.silent);
    close_key(hk);
    hk = open_key("ec-cred", 0, 0);
    assert_int_equal(ksp_sign_hash(g_prov, hk, NULL, DIGEST, 32, NULL, 0, &res, 0, &st), KSP_OK);
    assert_int_equal(res, 64);
    assert_int_equal(ksp_sign_hash(g_prov, hk, NULL, DIGEST, 32, sig, sizeof sig, &res, 0, &st),
                     KSP_OK);
    assert_int_equal(res, 64);
    assert_int_equal(g_last.scheme, CRPKI_PAD_ECDSA);
    close_key(hk);
}

static void sign_errors_from_backend_and_arguments(void **state)
{
    uintptr_t hk = open_key("rsa-cred", 0, 0);
    ksp_status st;
    uint8_t sig[256];
    size_t res;
    ksp_pkcs1_info pi = {W("SHA256")};
    g_sign_result = CRPKI_E_DENIED;
    assert_int_equal(
        ksp_sign_hash(g_prov, hk, &pi, DIGEST, 32, sig, sizeof sig, &res, KSP_F_PAD_PKCS1, &st),
        KSP_E_CORE);
    assert_int_equal(st.core, CRPKI_E_DENIED);
    g_sign_result = CRPKI_OK;
    assert_int_equal(
        ksp_sign_hash(g_prov, hk, &pi, DIGEST, 20, sig, sizeof sig, &res, KSP_F_PAD_PKCS1, &st),
        KSP_E_INVALID_ARG);
    assert_int_equal(
        ksp_sign_hash(g_prov, hk, &pi, DIGEST, 32, sig, sizeof sig, NULL, KSP_F_PAD_PKCS1, &st),
        KSP_E_INVALID_ARG);
    assert_int_equal(
        ksp_sign_hash(g_prov, hk, &pi, NULL, 32, sig, sizeof sig, &res, KSP_F_PAD_PKCS1, &st),
        KSP_E_INVALID_ARG);
    assert_int_equal(ksp_sign_hash(g_prov, hk, &pi, DIGEST, 32, sig, sizeof sig, &res,
                                   KSP_F_PAD_PKCS1 | KSP_F_MACHINE_KEY, &st),
                     KSP_E_BAD_FLAGS);
    assert_int_equal(
        ksp_sign_hash(g_prov, hk + 1, &pi, DIGEST, 32, sig, sizeof sig, &res, KSP_F_PAD_PKCS1, &st),
        KSP_E_INVALID_HANDLE);
    assert_int_equal(
        ksp_sign_hash(g_prov, g_prov, &pi, DIGEST, 32, sig, sizeof sig, &res, KSP_F_PAD_PKCS1, &st),
        KSP_E_INVALID_HANDLE);
    close_key(hk);
    assert_int_equal(
        ksp_sign_hash(g_prov, hk, &pi, DIGEST, 32, sig, sizeof sig, &res, KSP_F_PAD_PKCS1, &st),
        KSP_E_INVALID_HANDLE);
}

static void free_key_after_free_provider_is_safe(void **state)
{
    ksp_status st;
    uintptr_t p2;
    assert_int_equal(ksp_open_provider(W(KSP_PROVIDER_NAME), 0, &p2, &st), KSP_OK);
    uintptr_t hk;
    assert_int_equal(ksp_open_key(p2, &hk, W("rsa-cred"), 0, 0, &st), KSP_OK);
    assert_int_equal(ksp_free_provider(p2, &st), KSP_OK);
    uint8_t buf[8];
    size_t res;
    /* the provider is gone: the key is unusable but still freeable */
    assert_int_equal(ksp_get_key_property(p2, hk, W("Length"), buf, sizeof buf, &res, 0, &st),
                     KSP_E_INVALID_HANDLE);
    assert_int_equal(ksp_free_key(p2, hk, &st), KSP_OK);
    assert_int_equal(ksp_free_key(p2, hk, &st), KSP_E_INVALID_HANDLE);
}

static void delete_key_forgets_local_association(void **state)
{
    uintptr_t hk = open_key("ec-cred", 0, 0);
    ksp_status st;
    assert_int_equal(ksp_delete_key(g_prov, hk, 0x1000, &st), KSP_E_BAD_FLAGS);
    assert_int_equal(ksp_delete_key(g_prov, hk, KSP_F_SILENT, &st), KSP_OK);
    close_key(hk);
    uintptr_t again;
    assert_int_equal(ksp_open_key(g_prov, &again, W("ec-cred"), 0, 0, &st), KSP_E_CORE);
    assert_int_equal(st.core, CRPKI_E_NO_KEY);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(open_provider_checks_name_flags_pointer, setup, teardown),
        cmocka_unit_test_setup_teardown(provider_properties_encoded, setup, teardown),
        cmocka_unit_test_setup_teardown(enum_keys_lists_catalog_then_no_more_items, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(enum_algorithms_and_is_alg_supported, setup, teardown),
        cmocka_unit_test_setup_teardown(open_key_specs_flags_and_default, setup, teardown),
        cmocka_unit_test_setup_teardown(key_properties_from_catalog, setup, teardown),
        cmocka_unit_test_setup_teardown(set_key_property_hwnd_and_use_context, setup, teardown),
        cmocka_unit_test_setup_teardown(export_public_blobs_and_refuse_private, setup, teardown),
        cmocka_unit_test_setup_teardown(import_public_blob_then_verify, setup, teardown),
        cmocka_unit_test_setup_teardown(verify_with_catalog_key_pkcs1_and_pss, setup, teardown),
        cmocka_unit_test_setup_teardown(sign_size_query_does_not_sign, setup, teardown),
        cmocka_unit_test_setup_teardown(sign_pkcs1_pss_ecdsa_pass_parameters, setup, teardown),
        cmocka_unit_test_setup_teardown(sign_errors_from_backend_and_arguments, setup, teardown),
        cmocka_unit_test_setup_teardown(free_key_after_free_provider_is_safe, setup, teardown),
        cmocka_unit_test_setup_teardown(delete_key_forgets_local_association, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
