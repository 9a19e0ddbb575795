/* The CSP core natively (and under ASan/UBSan): every operation through a
 * fake backend whose keys are made here with OpenSSL (a registrar CA, an
 * RSA-2048 user certificate it issued, an EC credential the RSA CSP must
 * skip). Each error path asserts the exact csp_code. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <openssl/evp.h>
#include <openssl/rsa.h>
#include <openssl/x509.h>

#include "csp_core.h"
#include "csp_handle.h"
#include "csp_out.h"
#include "base/platform/plat_str.h"
#include "base/platform/plat_thread.h"

/* ---- keys and certificates ---- */

static EVP_PKEY *g_ca_key, *g_user_key, *g_ec_key;
static uint8_t *g_ca_der, *g_user_der, *g_ec_der;
static size_t g_ca_len, g_user_len, g_ec_len;

static X509 *make_cert(EVP_PKEY *key, EVP_PKEY *issuer_key, const char *cn, const char *issuer_cn)
{
    X509 *x = X509_new();
    X509_set_version(x, 2);
    ASN1_INTEGER_set(X509_get_serialNumber(x), 7);
    X509_gmtime_adj(X509_getm_notBefore(x), 0);
    X509_gmtime_adj(X509_getm_notAfter(x), 86400);
    X509_set_pubkey(x, key);
    X509_NAME *n = X509_NAME_new(), *in = X509_NAME_new();
    X509_NAME_add_entry_by_txt(n, "CN", MBSTRING_ASC, (const unsigned char *)cn, -1, -1, 0);
    X509_NAME_add_entry_by_txt(in, "CN", MBSTRING_ASC, (const unsigned char *)issuer_cn, -1, -1, 0);
    X509_set_subject_name(x, n);
    X509_set_issuer_name(x, in);
    X509_NAME_free(n);
    X509_NAME_free(in);
    assert_true(X509_sign(x, issuer_key, EVP_sha256()) > 0);
    return x;
}

static void der_of(X509 *x, uint8_t **der, size_t *len)
{
    unsigned char *p = NULL;
    int n = i2d_X509(x, &p);
    assert_true(n > 0);
    *der = malloc((size_t)n);
    memcpy(*der, p, (size_t)n);
    *len = (size_t)n;
    OPENSSL_free(p);
    X509_free(x);
}

static int setup_keys(void **state)
{
    g_ca_key = EVP_RSA_gen(2048);
    g_user_key = EVP_RSA_gen(2048);
    g_ec_key = EVP_EC_gen("P-256");
    if (!g_ca_key || !g_user_key || !g_ec_key)
        return -1;
    der_of(make_cert(g_ca_key, g_ca_key, "Test Registrar CA", "Test Registrar CA"), &g_ca_der,
           &g_ca_len);
    der_of(make_cert(g_user_key, g_ca_key, "Test User", "Test Registrar CA"), &g_user_der,
           &g_user_len);
    der_of(make_cert(g_ec_key, g_ca_key, "Test EC User", "Test Registrar CA"), &g_ec_der,
           &g_ec_len);
    return 0;
}

static int teardown_keys(void **state)
{
    EVP_PKEY_free(g_ca_key);
    EVP_PKEY_free(g_user_key);
    EVP_PKEY_free(g_ec_key);
    free(g_ca_der);
    free(g_user_der);
    free(g_ec_der);
    return 0;
}

/* ---- the fake backend ---- */

typedef struct {
    int signs;
    crpki_err sign_err;  /* returned instead of signing when set */
    signing_params last; /* its pointers are the caller's: only during sign */
    uint8_t last_digest[64];
    char last_what[128];
    int last_silent;
    void *last_window;
} fake_state;
static fake_state g_fake;
static size_t g_live_before; /* a failed test's leftovers do not fail the next */

static uint8_t *dup_bytes(const uint8_t *p, size_t n)
{
    uint8_t *d = malloc(n);
    memcpy(d, p, n);
    return d;
}

static void fill_entry(catalog_entry *e, const char *id, int ec)
{
    memset(e, 0, sizeof(*e));
    e->credential_id = plat_strdup(id);
    e->providers = CRPKI_CAT_CSP;
    e->key_type = ec ? CRPKI_KEY_EC : CRPKI_KEY_RSA;
    e->key_bits = ec ? 256 : 2048;
    e->curve = ec ? CRPKI_CURVE_P256 : CRPKI_CURVE_NONE;
    e->cert.der = dup_bytes(ec ? g_ec_der : g_user_der, ec ? g_ec_len : g_user_len);
    e->cert.len = ec ? g_ec_len : g_user_len;
    e->chain = calloc(1, sizeof(*e->chain));
    e->chain[0].der = dup_bytes(g_ca_der, g_ca_len);
    e->chain[0].len = g_ca_len;
    e->nchain = 1;
}

#define ID_RSA "cred-rsa-2048"
#define ID_EC  "cred-ec-p256"

static crpki_err fake_open(void *ctx, crpki_error_info *ei)
{
    return CRPKI_OK;
}

static crpki_err fake_find(void *ctx, const char *id, catalog_entry *out, crpki_error_info *ei)
{
    if (!id || !*id || strcmp(id, ID_RSA) == 0)
        fill_entry(out, ID_RSA, 0);
    else if (strcmp(id, ID_EC) == 0)
        fill_entry(out, ID_EC, 1);
    else
        return CRPKI_E_NO_KEY;
    return CRPKI_OK;
}

static crpki_err fake_list(void *ctx, char ***ids, size_t *n, crpki_error_info *ei)
{
    *ids = calloc(2, sizeof(char *));
    (*ids)[0] = plat_strdup(ID_EC);
    (*ids)[1] = plat_strdup(ID_RSA);
    *n = 2;
    return CRPKI_OK;
}

static void fake_free_ids(char **ids, size_t n)
{
    for (size_t i = 0; i < n; i++)
        free(ids[i]);
    free(ids);
}

static const EVP_MD *md_of(alg_hash_id h)
{
    switch (h) {
    case CRPKI_HASH_SHA1:
        return EVP_sha1();
    case CRPKI_HASH_SHA256:
        return EVP_sha256();
    case CRPKI_HASH_SHA384:
        return EVP_sha384();
    case CRPKI_HASH_SHA512:
        return EVP_sha512();
    default:
        return NULL;
    }
}

static crpki_err fake_sign(void *ctx, const signing_params *p, uint8_t *sig, size_t *sig_len,
                           crpki_error_info *ei)
{
    g_fake.signs++;
    g_fake.last = *p;
    memcpy(g_fake.last_digest, p->digest, p->digest_len < 64 ? p->digest_len : 64);
    g_fake.last_silent = p->silent;
    g_fake.last_window = p->parent_window;
    snprintf(g_fake.last_what, sizeof(g_fake.last_what), "%s", p->what ? p->what : "(null)");
    if (g_fake.sign_err)
        return g_fake.sign_err;
    EVP_PKEY_CTX *c = EVP_PKEY_CTX_new(g_user_key, NULL);
    int ok = c && EVP_PKEY_sign_init(c) > 0 &&
             EVP_PKEY_CTX_set_rsa_padding(c, RSA_PKCS1_PADDING) > 0 &&
             EVP_PKEY_CTX_set_signature_md(c, md_of(p->hash)) > 0 &&
             EVP_PKEY_sign(c, sig, sig_len, p->digest, p->digest_len) > 0;
    EVP_PKEY_CTX_free(c);
    return ok ? CRPKI_OK : CRPKI_E_INTERNAL;
}

static const prov_backend FAKE = {
    .open = fake_open,
    .find_key = fake_find,
    .list_keys = fake_list,
    .free_ids = fake_free_ids,
    .sign = fake_sign,
};

static int reset(void **state)
{
    memset(&g_fake, 0, sizeof(g_fake));
    g_live_before = csp_handle_live(0);
    return 0;
}

static int check_no_leak(void **state)
{
    assert_int_equal(csp_handle_live(0), g_live_before);
    return 0;
}

/* ---- helpers ---- */

static uint64_t acquire(const char *container, uint32_t flags)
{
    uint64_t h = 0;
    csp_status st = {0};
    csp_code c = csp_acquire_context(&h, container, flags, NULL, &st);
    if (c != CSP_OK)
        fail_msg("acquire %s: %s %s", container ? container : "(null)", csp_status_name(&st),
                 st.why);
    return h;
}

static void release(uint64_t p)
{
    csp_status st;
    assert_int_equal(csp_release_context(p, 0, &st), CSP_OK);
}

static csp_code acquire_code(const char *container, uint32_t flags)
{
    uint64_t h = 0;
    csp_status st = {0};
    csp_code c = csp_acquire_context(&h, container, flags, NULL, &st);
    if (c == CSP_OK)
        release(h);
    return c;
}

static uint64_t hash_of(uint64_t p, uint32_t alg, const char *data)
{
    uint64_t h = 0;
    csp_status st;
    assert_int_equal(csp_create_hash(p, alg, 0, 0, &h, &st), CSP_OK);
    assert_int_equal(csp_hash_data(p, h, (const uint8_t *)data, (uint32_t)strlen(data), 0, &st),
                     CSP_OK);
    return h;
}

static void hex_to(const char *hex, uint8_t *out, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        unsigned v;
        sscanf(hex + 2 * i, "%2x", &v);
        out[i] = (uint8_t)v;
    }
}

/* ---- contexts ---- */

static void test_acquire_default_container_is_the_catalog_default(void **state)
{
    uint64_t p = acquire(NULL, 0);
    uint8_t buf[64];
    uint32_t n = sizeof(buf);
    csp_status st;
    assert_int_equal(csp_get_prov_param(p, CSP_PP_CONTAINER, buf, &n, 0, &st), CSP_OK);
    assert_string_equal((char *)buf, ID_RSA);
    assert_int_equal(n, strlen(ID_RSA) + 1);
    release(p);
    p = acquire("", 0);
    release(p);
    p = acquire(ID_RSA, CSP_CRYPT_SILENT | CSP_CRYPT_MACHINE_KEYSET);
    release(p);
}

static void test_acquire_flag_rules_give_the_documented_codes(void **state)
{
    assert_int_equal(acquire_code("no-such-credential", 0), CSP_E_BAD_KEYSET);
    assert_int_equal(acquire_code(ID_EC, 0), CSP_E_BAD_KEYSET); /* PROV_RSA_FULL: RSA only */
    assert_int_equal(acquire_code(ID_RSA, CSP_CRYPT_VERIFYCONTEXT), CSP_E_BAD_FLAGS);
    assert_int_equal(acquire_code(ID_RSA, CSP_CRYPT_NEWKEYSET), CSP_E_EXISTS);
    assert_int_equal(acquire_code(NULL, CSP_CRYPT_NEWKEYSET), CSP_E_EXISTS);
    assert_int_equal(acquire_code("new-one", CSP_CRYPT_NEWKEYSET), CSP_E_BAD_FLAGS);
    assert_int_equal(acquire_code("no-such", CSP_CRYPT_DELETEKEYSET), CSP_E_BAD_KEYSET);
    assert_int_equal(acquire_code(ID_RSA, CSP_CRYPT_DELETEKEYSET), CSP_E_BAD_FLAGS);
    assert_int_equal(acquire_code(NULL, CSP_CRYPT_DELETEKEYSET | CSP_CRYPT_NEWKEYSET),
                     CSP_E_BAD_FLAGS);
    assert_int_equal(acquire_code(NULL, 0x10000000u), CSP_E_BAD_FLAGS); /* part of VERIFYCONTEXT */
    assert_int_equal(acquire_code(NULL, 0x00000100u), CSP_E_BAD_FLAGS);
    assert_int_equal(acquire_code(NULL, CSP_CRYPT_VERIFYCONTEXT), CSP_OK);
    assert_int_equal(acquire_code("", CSP_CRYPT_VERIFYCONTEXT | CSP_CRYPT_NEWKEYSET), CSP_OK);
    assert_int_equal(acquire_code(NULL, CSP_CRYPT_DEFAULT_CONTAINER_OPTIONAL), CSP_OK);
    csp_status st;
    assert_int_equal(csp_acquire_context(NULL, NULL, 0, NULL, &st), CSP_E_INVALID_ARG);
}

static void test_release_twice_or_forged_is_bad_uid(void **state)
{
    uint64_t p = acquire(NULL, 0);
    csp_status st;
    assert_int_equal(csp_release_context(p, 1, &st), CSP_E_BAD_FLAGS); /* released anyway */
    assert_int_equal(csp_release_context(p, 0, &st), CSP_E_BAD_UID);
    assert_int_equal(csp_release_context(0, 0, &st), CSP_E_BAD_UID);
    assert_int_equal(csp_release_context(0xdeadbeefu, 0, &st), CSP_E_BAD_UID);
    assert_int_equal(csp_release_context(p ^ 1u, 0, &st), CSP_E_BAD_UID);
}

static void test_stale_and_wrong_kind_handles_are_refused_everywhere(void **state)
{
    uint64_t p = acquire(NULL, 0), h = hash_of(p, CSP_CALG_SHA_256, "x"), k = 0;
    csp_status st;
    assert_int_equal(csp_get_user_key(p, CSP_AT_SIGNATURE, &k, &st), CSP_OK);
    uint8_t buf[512];
    uint32_t n = sizeof(buf);
    /* a hash handle where a provider is expected, and the other way */
    assert_int_equal(csp_get_prov_param(h, CSP_PP_NAME, buf, &n, 0, &st), CSP_E_BAD_UID);
    assert_int_equal(csp_hash_data(p, p, buf, 1, 0, &st), CSP_E_BAD_HASH);
    assert_int_equal(csp_hash_data(p, k, buf, 1, 0, &st), CSP_E_BAD_HASH);
    assert_int_equal(csp_get_key_param(p, h, CSP_KP_ALGID, buf, &n, 0, &st), CSP_E_BAD_KEY);
    /* a hash of another context is foreign */
    uint64_t p2 = acquire(NULL, CSP_CRYPT_VERIFYCONTEXT);
    assert_int_equal(csp_hash_data(p2, h, buf, 1, 0, &st), CSP_E_BAD_HASH);
    assert_int_equal(csp_get_key_param(p2, k, CSP_KP_ALGID, buf, &n, 0, &st), CSP_E_BAD_KEY);
    n = sizeof(buf);
    assert_int_equal(csp_sign_hash(p2, h, CSP_AT_SIGNATURE, NULL, 0, buf, &n, &st), CSP_E_NO_KEY);
    /* destroyed objects */
    assert_int_equal(csp_destroy_hash(p, h, &st), CSP_OK);
    assert_int_equal(csp_destroy_hash(p, h, &st), CSP_E_BAD_HASH);
    assert_int_equal(csp_hash_data(p, h, buf, 1, 0, &st), CSP_E_BAD_HASH);
    n = sizeof(buf);
    assert_int_equal(csp_get_hash_param(p, h, CSP_HP_HASHVAL, buf, &n, 0, &st), CSP_E_BAD_HASH);
    assert_int_equal(csp_destroy_key(p, k, &st), CSP_OK);
    assert_int_equal(csp_destroy_key(p, k, &st), CSP_E_BAD_KEY);
    n = sizeof(buf);
    assert_int_equal(csp_export_key(p, k, 0, CSP_PUBLICKEYBLOB, 0, buf, &n, &st), CSP_E_BAD_KEY);
    /* a released provider */
    release(p);
    release(p2);
    n = sizeof(buf);
    assert_int_equal(csp_get_prov_param(p, CSP_PP_NAME, buf, &n, 0, &st), CSP_E_BAD_UID);
    uint64_t h2;
    assert_int_equal(csp_create_hash(p, CSP_CALG_SHA1, 0, 0, &h2, &st), CSP_E_BAD_UID);
    assert_int_equal(csp_get_user_key(p, CSP_AT_SIGNATURE, &k, &st), CSP_E_BAD_UID);
    assert_int_equal(csp_gen_random(p, 4, buf, &st), CSP_E_BAD_UID);
    assert_int_equal(csp_set_prov_param(p, CSP_PP_UI_PROMPT, "x", 0, &st), CSP_E_BAD_UID);
    assert_int_equal(csp_import_key(p, buf, 20, 0, 0, &k, &st), CSP_E_BAD_UID);
    n = sizeof(buf);
    assert_int_equal(csp_sign_hash(p, h, CSP_AT_SIGNATURE, NULL, 0, buf, &n, &st), CSP_E_BAD_UID);
}

static void test_release_destroys_what_the_context_owns(void **state)
{
    uint64_t p = acquire(NULL, 0), k;
    csp_status st;
    hash_of(p, CSP_CALG_SHA1, "a");
    hash_of(p, CSP_CALG_SSL3_SHAMD5, "b");
    assert_int_equal(csp_get_user_key(p, CSP_AT_SIGNATURE, &k, &st), CSP_OK);
    assert_int_equal(csp_handle_live(CSP_KIND_HASH), 2);
    assert_int_equal(csp_handle_live(CSP_KIND_KEY), 1);
    release(p); /* check_no_leak verifies nothing is left */
}

/* ---- provider parameters ---- */

static void test_prov_params_follow_the_size_protocol(void **state)
{
    uint64_t p = acquire(NULL, 0);
    csp_status st;
    uint8_t buf[128];
    uint32_t n = 0;
    assert_int_equal(csp_get_prov_param(p, CSP_PP_NAME, NULL, &n, 0, &st), CSP_OK);
    assert_int_equal(n, sizeof(CSP_PROV_NAME));
    n = 5;
    assert_int_equal(csp_get_prov_param(p, CSP_PP_NAME, buf, &n, 0, &st), CSP_E_MORE_DATA);
    assert_int_equal(n, sizeof(CSP_PROV_NAME));
    n = sizeof(buf);
    assert_int_equal(csp_get_prov_param(p, CSP_PP_NAME, buf, &n, 0, &st), CSP_OK);
    assert_string_equal((char *)buf, CSP_PROV_NAME);
    const struct {
        uint32_t param, value;
    } dwords[] = {{CSP_PP_VERSION, CSP_PROV_VERSION},
                  {CSP_PP_IMPTYPE, CSP_CRYPT_IMPL_MIXED},
                  {CSP_PP_PROVTYPE, CSP_PROV_RSA_FULL},
                  {CSP_PP_KEYSPEC, CSP_AT_SIGNATURE}};
    for (size_t i = 0; i < sizeof(dwords) / sizeof(dwords[0]); i++) {
        n = 3;
        assert_int_equal(csp_get_prov_param(p, dwords[i].param, buf, &n, 0, &st), CSP_E_MORE_DATA);
        assert_int_equal(n, 4);
        assert_int_equal(csp_get_prov_param(p, dwords[i].param, buf, &n, 0, &st), CSP_OK);
        assert_int_equal(csp_get_u32le(buf), dwords[i].value);
    }
    n = sizeof(buf);
    assert_int_equal(csp_get_prov_param(p, CSP_PP_UNIQUE_CONTAINER, buf, &n, 0, &st), CSP_OK);
    assert_string_equal((char *)buf, ID_RSA);
    n = sizeof(buf);
    assert_int_equal(csp_get_prov_param(p, 9999, buf, &n, 0, &st), CSP_E_BAD_TYPE);
    assert_int_equal(csp_get_prov_param(p, CSP_PP_USER_CERTSTORE, buf, &n, 0, &st),
                     CSP_E_BAD_TYPE); /* a Windows object: the shim builds it */
    assert_int_equal(csp_get_prov_param(p, CSP_PP_NAME, buf, &n, CSP_CRYPT_FIRST, &st),
                     CSP_E_BAD_FLAGS);
    assert_int_equal(csp_get_prov_param(p, CSP_PP_NAME, buf, NULL, 0, &st), CSP_E_INVALID_ARG);
    release(p);
    p = acquire(NULL, CSP_CRYPT_VERIFYCONTEXT);
    n = sizeof(buf);
    assert_int_equal(csp_get_prov_param(p, CSP_PP_CONTAINER, buf, &n, 0, &st), CSP_OK);
    assert_string_equal((char *)buf, "");
    release(p);
}

static void test_enum_containers_lists_rsa_keys_then_no_more_items(void **state)
{
    uint64_t p = acquire(NULL, CSP_CRYPT_VERIFYCONTEXT);
    csp_status st;
    uint8_t buf[128];
    uint32_t n = 0;
    assert_int_equal(csp_get_prov_param(p, CSP_PP_ENUMCONTAINERS, NULL, &n, CSP_CRYPT_FIRST, &st),
                     CSP_OK);
    assert_int_equal(n, strlen(ID_RSA) + 1);
    n = 2;
    assert_int_equal(csp_get_prov_param(p, CSP_PP_ENUMCONTAINERS, buf, &n, 0, &st),
                     CSP_E_MORE_DATA);
    n = sizeof(buf);
    assert_int_equal(csp_get_prov_param(p, CSP_PP_ENUMCONTAINERS, buf, &n, 0, &st), CSP_OK);
    assert_string_equal((char *)buf, ID_RSA); /* the EC key is skipped */
    n = sizeof(buf);
    assert_int_equal(csp_get_prov_param(p, CSP_PP_ENUMCONTAINERS, buf, &n, 0, &st),
                     CSP_E_NO_MORE_ITEMS);
    n = sizeof(buf);
    assert_int_equal(csp_get_prov_param(p, CSP_PP_ENUMCONTAINERS, buf, &n, CSP_CRYPT_FIRST, &st),
                     CSP_OK);
    assert_string_equal((char *)buf, ID_RSA);
    assert_int_equal(csp_get_prov_param(p, CSP_PP_ENUMCONTAINERS, buf, &n, 0x100, &st),
                     CSP_E_BAD_FLAGS);
    release(p);
}

static void test_enum_algs_layouts_and_cursor(void **state)
{
    uint64_t p = acquire(NULL, 0);
    csp_status st;
    uint8_t b[CSP_ENUMALGS_EX_SIZE];
    uint32_t n = 0;
    assert_int_equal(csp_get_prov_param(p, CSP_PP_ENUMALGS, NULL, &n, CSP_CRYPT_FIRST, &st),
                     CSP_OK);
    assert_int_equal(n, CSP_ENUMALGS_SIZE);
    n = 4;
    assert_int_equal(csp_get_prov_param(p, CSP_PP_ENUMALGS, b, &n, 0, &st), CSP_E_MORE_DATA);
    int seen_sha256 = 0, seen_rsa = 0, count = 0;
    for (;;) {
        n = sizeof(b);
        csp_code c = csp_get_prov_param(p, CSP_PP_ENUMALGS, b, &n, 0, &st);
        if (c == CSP_E_NO_MORE_ITEMS)
            break;
        assert_int_equal(c, CSP_OK);
        assert_int_equal(n, CSP_ENUMALGS_SIZE);
        count++;
        uint32_t alg = csp_get_u32le(b), namelen = csp_get_u32le(b + 8);
        assert_int_equal(strlen((char *)b + 12) + 1, namelen);
        if (alg == CSP_CALG_SHA_256) {
            seen_sha256 = 1;
            assert_int_equal(csp_get_u32le(b + 4), 256);
            assert_string_equal((char *)b + 12, "SHA-256");
        }
        if (alg == CSP_CALG_RSA_SIGN) {
            seen_rsa = 1;
            assert_int_equal(csp_get_u32le(b + 4), 2048); /* the context's key */
        }
    }
    assert_int_equal(count, 7);
    assert_true(seen_sha256 && seen_rsa);
    n = sizeof(b);
    assert_int_equal(csp_get_prov_param(p, CSP_PP_ENUMALGS_EX, b, &n, CSP_CRYPT_FIRST, &st),
                     CSP_OK);
    assert_int_equal(n, CSP_ENUMALGS_EX_SIZE);
    assert_int_equal(csp_get_u32le(b), CSP_CALG_SHA1);
    assert_int_equal(csp_get_u32le(b + 16), CSP_CRYPT_FLAG_SIGNING);
    assert_int_equal(csp_get_u32le(b + 20), 6);
    assert_string_equal((char *)b + 24, "SHA-1");
    assert_int_equal(csp_get_u32le(b + 44), strlen("Secure Hash Algorithm (SHA-1)") + 1);
    assert_string_equal((char *)b + 48, "Secure Hash Algorithm (SHA-1)");
    release(p);
}

static void test_set_prov_param_takes_window_and_prompt_only(void **state)
{
    uint64_t p = acquire(NULL, 0);
    csp_status st;
    assert_int_equal(csp_set_prov_param(p, CSP_PP_CLIENT_HWND, (void *)0x1234, 0, &st), CSP_OK);
    assert_int_equal(csp_set_prov_param(p, CSP_PP_UI_PROMPT, "invoice 42", 0, &st), CSP_OK);
    assert_int_equal(csp_set_prov_param(p, CSP_PP_UI_PROMPT, "x", 1, &st), CSP_E_BAD_FLAGS);
    assert_int_equal(csp_set_prov_param(p, 33 /* PP_SIGNATURE_PIN */, "0000", 0, &st),
                     CSP_E_BAD_TYPE);
    release(p);
}

static void test_prov_certs_give_user_and_registrar_ca(void **state)
{
    uint64_t p = acquire(NULL, 0);
    csp_status st;
    csp_cert_set s;
    assert_int_equal(csp_prov_certs(p, 0, &s, &st), CSP_OK);
    assert_int_equal(s.n, 2);
    assert_memory_equal(s.v[0].der, g_user_der, g_user_len);
    assert_string_equal(s.v[0].container, ID_RSA);
    assert_memory_equal(s.v[1].der, g_ca_der, g_ca_len);
    assert_null(s.v[1].container);
    csp_cert_set_free(&s);
    assert_int_equal(csp_prov_certs(p, 1, &s, &st), CSP_OK);
    assert_int_equal(s.n, 1);
    assert_memory_equal(s.v[0].der, g_ca_der, g_ca_len);
    csp_cert_set_free(&s);
    release(p);
    p = acquire(NULL, CSP_CRYPT_VERIFYCONTEXT);
    assert_int_equal(csp_prov_certs(p, 0, &s, &st), CSP_OK); /* every RSA key, CA once */
    assert_int_equal(s.n, 2);
    csp_cert_set_free(&s);
    release(p);
    assert_int_equal(csp_prov_certs(p, 0, &s, &st), CSP_E_BAD_UID);
}

/* ---- hashes ---- */

static void test_hash_vectors_for_every_algorithm(void **state)
{
    static const struct {
        uint32_t alg;
        const char *hex;
    } V[] = {
        {CSP_CALG_MD5, "900150983cd24fb0d6963f7d28e17f72"},
        {CSP_CALG_SHA1, "a9993e364706816aba3e25717850c26c9cd0d89d"},
        {CSP_CALG_SHA_256, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"},
        {CSP_CALG_SHA_384,
         "cb00753f45a35e8bb5a03d699ac65007272c32ab0eded1631a8b605a43ff5bed8086072b"
         "a1e7cc2358baeca134c825a7"},
        {CSP_CALG_SHA_512,
         "ddaf35a193617abacc417349ae20413112e6fa4e89a97ea20a9eeee64b55d39a2192992a"
         "274fc1a836ba3c23a3feebbd454d4423643ce80e2a9ac94fa54ca49f"},
        {CSP_CALG_SSL3_SHAMD5,
         "900150983cd24fb0d6963f7d28e17f72a9993e364706816aba3e25717850c26c9cd0d89d"},
    };
    uint64_t p = acquire(NULL, CSP_CRYPT_VERIFYCONTEXT);
    csp_status st;
    for (size_t i = 0; i < sizeof(V) / sizeof(V[0]); i++) {
        uint64_t h = hash_of(p, V[i].alg, "a");
        assert_int_equal(csp_hash_data(p, h, (const uint8_t *)"bc", 2, 0, &st), CSP_OK);
        uint8_t want[64], got[64];
        size_t len = strlen(V[i].hex) / 2;
        hex_to(V[i].hex, want, len);
        uint32_t n = 0;
        assert_int_equal(csp_get_hash_param(p, h, CSP_HP_HASHVAL, NULL, &n, 0, &st), CSP_OK);
        assert_int_equal(n, len);
        assert_int_equal(csp_hash_data(p, h, NULL, 0, 0, &st), CSP_OK); /* still open */
        n = 4;
        assert_int_equal(csp_get_hash_param(p, h, CSP_HP_HASHVAL, got, &n, 0, &st),
                         CSP_E_MORE_DATA);
        assert_int_equal(n, len);
        n = sizeof(got);
        assert_int_equal(csp_get_hash_param(p, h, CSP_HP_HASHVAL, got, &n, 0, &st), CSP_OK);
        assert_int_equal(n, len);
        assert_memory_equal(got, want, len);
        n = sizeof(got);
        assert_int_equal(csp_get_hash_param(p, h, CSP_HP_HASHSIZE, got, &n, 0, &st), CSP_OK);
        assert_int_equal(csp_get_u32le(got), len);
        n = sizeof(got);
        assert_int_equal(csp_get_hash_param(p, h, CSP_HP_ALGID, got, &n, 0, &st), CSP_OK);
        assert_int_equal(csp_get_u32le(got), V[i].alg);
        assert_int_equal(csp_hash_data(p, h, (const uint8_t *)"x", 1, 0, &st),
                         CSP_E_BAD_HASH_STATE);
        assert_int_equal(csp_destroy_hash(p, h, &st), CSP_OK);
    }
    release(p);
}

static void test_hash_error_battery(void **state)
{
    uint64_t p = acquire(NULL, CSP_CRYPT_VERIFYCONTEXT), h = 0;
    csp_status st;
    uint8_t buf[64] = {0};
    uint32_t n = sizeof(buf);
    assert_int_equal(csp_create_hash(p, 0x8001 /* MD2 */, 0, 0, &h, &st), CSP_E_BAD_ALGID);
    assert_int_equal(csp_create_hash(p, CSP_CALG_RSA_SIGN, 0, 0, &h, &st), CSP_E_BAD_ALGID);
    assert_int_equal(csp_create_hash(p, 0x8009 /* HMAC */, 0, 0, &h, &st), CSP_E_BAD_ALGID);
    assert_int_equal(csp_create_hash(p, CSP_CALG_SHA1, 7, 0, &h, &st), CSP_E_BAD_KEY);
    assert_int_equal(csp_create_hash(p, CSP_CALG_SHA1, 0, 1, &h, &st), CSP_E_BAD_FLAGS);
    assert_int_equal(csp_create_hash(p, CSP_CALG_SHA1, 0, 0, NULL, &st), CSP_E_INVALID_ARG);
    h = hash_of(p, CSP_CALG_SHA_256, "abc");
    assert_int_equal(csp_hash_data(p, h, buf, 1, 1 /* CRYPT_USERDATA */, &st), CSP_E_BAD_FLAGS);
    assert_int_equal(csp_hash_data(p, h, NULL, 5, 0, &st), CSP_E_INVALID_ARG);
    assert_int_equal(csp_get_hash_param(p, h, CSP_HP_HASHVAL, buf, NULL, 0, &st),
                     CSP_E_INVALID_ARG);
    assert_int_equal(csp_get_hash_param(p, h, CSP_HP_HASHVAL, buf, &n, 1, &st), CSP_E_BAD_FLAGS);
    assert_int_equal(csp_get_hash_param(p, h, 99, buf, &n, 0, &st), CSP_E_BAD_TYPE);
    assert_int_equal(csp_set_hash_param(p, h, CSP_HP_HASHSIZE, buf, 4, 0, &st), CSP_E_BAD_TYPE);
    assert_int_equal(csp_set_hash_param(p, h, CSP_HP_HASHVAL, buf, 32, 1, &st), CSP_E_BAD_FLAGS);
    assert_int_equal(csp_set_hash_param(p, h, CSP_HP_HASHVAL, NULL, 32, 0, &st), CSP_E_INVALID_ARG);
    assert_int_equal(csp_set_hash_param(p, h, CSP_HP_HASHVAL, buf, 20, 0, &st), CSP_E_BAD_LEN);
    assert_int_equal(csp_set_hash_param(p, h, CSP_HP_HASHVAL, buf, 48, 0, &st), CSP_E_BAD_LEN);
    uint64_t d;
    assert_int_equal(csp_duplicate_hash(p, h, &d, 0, &d, &st), CSP_E_INVALID_ARG);
    assert_int_equal(csp_duplicate_hash(p, h, NULL, 1, &d, &st), CSP_E_BAD_FLAGS);
    release(p);
}

static void test_hashval_set_and_duplicate(void **state)
{
    uint64_t p = acquire(NULL, CSP_CRYPT_VERIFYCONTEXT);
    csp_status st;
    uint8_t v[32], got[32];
    for (int i = 0; i < 32; i++)
        v[i] = (uint8_t)i;
    uint64_t h = hash_of(p, CSP_CALG_SHA_256, "ignored");
    assert_int_equal(csp_set_hash_param(p, h, CSP_HP_HASHVAL, v, 32, 0, &st), CSP_OK);
    uint32_t n = sizeof(got);
    assert_int_equal(csp_get_hash_param(p, h, CSP_HP_HASHVAL, got, &n, 0, &st), CSP_OK);
    assert_memory_equal(got, v, 32);
    assert_int_equal(csp_hash_data(p, h, v, 1, 0, &st), CSP_E_BAD_HASH_STATE);
    /* a duplicate of an open hash continues independently */
    uint64_t a = hash_of(p, CSP_CALG_SHA1, "a"), b;
    assert_int_equal(csp_duplicate_hash(p, a, NULL, 0, &b, &st), CSP_OK);
    assert_int_equal(csp_hash_data(p, a, (const uint8_t *)"bc", 2, 0, &st), CSP_OK);
    assert_int_equal(csp_hash_data(p, b, (const uint8_t *)"bc", 2, 0, &st), CSP_OK);
    uint8_t ha[20], hb[20], want[20];
    hex_to("a9993e364706816aba3e25717850c26c9cd0d89d", want, 20);
    n = 20;
    assert_int_equal(csp_get_hash_param(p, a, CSP_HP_HASHVAL, ha, &n, 0, &st), CSP_OK);
    n = 20;
    assert_int_equal(csp_get_hash_param(p, b, CSP_HP_HASHVAL, hb, &n, 0, &st), CSP_OK);
    assert_memory_equal(ha, want, 20);
    assert_memory_equal(hb, want, 20);
    /* a duplicate of a finished hash keeps the value */
    uint64_t c;
    assert_int_equal(csp_duplicate_hash(p, h, NULL, 0, &c, &st), CSP_OK);
    n = sizeof(got);
    assert_int_equal(csp_get_hash_param(p, c, CSP_HP_HASHVAL, got, &n, 0, &st), CSP_OK);
    assert_memory_equal(got, v, 32);
    release(p);
}

/* ---- keys ---- */

static void test_user_key_params_and_public_blob(void **state)
{
    uint64_t p = acquire(NULL, 0), k;
    csp_status st;
    assert_int_equal(csp_get_user_key(p, CSP_AT_KEYEXCHANGE, &k, &st), CSP_E_NO_KEY);
    assert_int_equal(csp_get_user_key(p, 0, &k, &st), CSP_E_NO_KEY);
    assert_int_equal(csp_get_user_key(p, CSP_AT_SIGNATURE, NULL, &st), CSP_E_INVALID_ARG);
    assert_int_equal(csp_get_user_key(p, CSP_AT_SIGNATURE, &k, &st), CSP_OK);
    uint8_t buf[2048];
    uint32_t n = sizeof(buf);
    assert_int_equal(csp_get_key_param(p, k, CSP_KP_ALGID, buf, &n, 0, &st), CSP_OK);
    assert_int_equal(csp_get_u32le(buf), CSP_CALG_RSA_SIGN);
    assert_int_equal(csp_get_key_param(p, k, CSP_KP_KEYLEN, buf, &n, 0, &st), CSP_OK);
    assert_int_equal(csp_get_u32le(buf), 2048);
    assert_int_equal(csp_get_key_param(p, k, CSP_KP_BLOCKLEN, buf, &n, 0, &st), CSP_OK);
    assert_int_equal(csp_get_u32le(buf), 2048);
    assert_int_equal(csp_get_key_param(p, k, CSP_KP_PERMISSIONS, buf, &n, 0, &st), CSP_OK);
    assert_int_equal(csp_get_u32le(buf), CSP_CRYPT_READ);
    n = 0;
    assert_int_equal(csp_get_key_param(p, k, CSP_KP_CERTIFICATE, NULL, &n, 0, &st), CSP_OK);
    assert_int_equal(n, g_user_len);
    n = 10;
    assert_int_equal(csp_get_key_param(p, k, CSP_KP_CERTIFICATE, buf, &n, 0, &st), CSP_E_MORE_DATA);
    assert_int_equal(n, g_user_len);
    assert_int_equal(csp_get_key_param(p, k, CSP_KP_CERTIFICATE, buf, &n, 0, &st), CSP_OK);
    assert_memory_equal(buf, g_user_der, g_user_len);
    assert_int_equal(csp_get_key_param(p, k, 99, buf, &n, 0, &st), CSP_E_BAD_TYPE);
    assert_int_equal(csp_get_key_param(p, k, CSP_KP_ALGID, buf, &n, 1, &st), CSP_E_BAD_FLAGS);
    assert_int_equal(csp_get_key_param(p, k, CSP_KP_ALGID, buf, NULL, 0, &st), CSP_E_INVALID_ARG);
    assert_int_equal(csp_set_key_param(p, k, CSP_KP_CERTIFICATE, buf, 0, &st), CSP_E_BAD_TYPE);
    assert_int_equal(csp_set_key_param(p, k, CSP_KP_ALGID, buf, 1, &st), CSP_E_BAD_FLAGS);
    /* PUBLICKEYBLOB: header, RSA1, bits, e, little-endian modulus */
    n = 0;
    assert_int_equal(csp_export_key(p, k, 0, CSP_PUBLICKEYBLOB, 0, NULL, &n, &st), CSP_OK);
    assert_int_equal(n, 20 + 256);
    n = 100;
    assert_int_equal(csp_export_key(p, k, 0, CSP_PUBLICKEYBLOB, 0, buf, &n, &st), CSP_E_MORE_DATA);
    assert_int_equal(n, 276);
    assert_int_equal(csp_export_key(p, k, 0, CSP_PUBLICKEYBLOB, 0, buf, &n, &st), CSP_OK);
    assert_int_equal(buf[0], CSP_PUBLICKEYBLOB);
    assert_int_equal(buf[1], CSP_CUR_BLOB_VERSION);
    assert_int_equal(csp_get_u32le(buf + 4), CSP_CALG_RSA_SIGN);
    assert_int_equal(csp_get_u32le(buf + 8), CSP_RSA1_MAGIC);
    assert_int_equal(csp_get_u32le(buf + 12), 2048);
    assert_int_equal(csp_get_u32le(buf + 16), 65537);
    BIGNUM *bn = NULL;
    assert_true(EVP_PKEY_get_bn_param(g_user_key, "n", &bn));
    uint8_t nbe[256];
    assert_int_equal(BN_bn2binpad(bn, nbe, 256), 256);
    BN_free(bn);
    uint8_t nle[256];
    csp_reverse(nle, nbe, 256);
    assert_memory_equal(buf + 20, nle, 256);
    assert_int_equal(csp_export_key(p, k, 0, CSP_PRIVATEKEYBLOB, 0, buf, &n, &st),
                     CSP_E_BAD_KEY_STATE);
    assert_int_equal(csp_export_key(p, k, 0, 1 /* SIMPLEBLOB */, 0, buf, &n, &st), CSP_E_BAD_TYPE);
    assert_int_equal(csp_export_key(p, k, 0, CSP_PUBLICKEYBLOB, 1, buf, &n, &st), CSP_E_BAD_FLAGS);
    assert_int_equal(csp_export_key(p, k, k, CSP_PUBLICKEYBLOB, 0, buf, &n, &st), CSP_E_BAD_KEY);
    assert_int_equal(csp_export_key(p, k, 0, CSP_PUBLICKEYBLOB, 0, buf, NULL, &st),
                     CSP_E_INVALID_ARG);
    /* a duplicate exports the same blob */
    uint64_t d;
    uint8_t blob2[300];
    uint32_t n2 = sizeof(blob2);
    assert_int_equal(csp_duplicate_key(p, k, NULL, 0, &d, &st), CSP_OK);
    assert_int_equal(csp_export_key(p, d, 0, CSP_PUBLICKEYBLOB, 0, blob2, &n2, &st), CSP_OK);
    assert_memory_equal(blob2, buf, 276);
    assert_int_equal(csp_duplicate_key(p, k, &d, 0, &d, &st), CSP_E_INVALID_ARG);
    assert_int_equal(csp_duplicate_key(p, k, NULL, 2, &d, &st), CSP_E_BAD_FLAGS);
    release(p);
    p = acquire(NULL, CSP_CRYPT_VERIFYCONTEXT);
    assert_int_equal(csp_get_user_key(p, CSP_AT_SIGNATURE, &k, &st), CSP_E_NO_KEY);
    release(p);
}

static void test_import_rejects_malformed_blobs(void **state)
{
    uint64_t p = acquire(NULL, 0), k, v, good;
    csp_status st;
    uint8_t blob[300];
    uint32_t n = sizeof(blob);
    assert_int_equal(csp_get_user_key(p, CSP_AT_SIGNATURE, &k, &st), CSP_OK);
    assert_int_equal(csp_export_key(p, k, 0, CSP_PUBLICKEYBLOB, 0, blob, &n, &st), CSP_OK);
    uint64_t q = acquire(NULL, CSP_CRYPT_VERIFYCONTEXT);
    assert_int_equal(csp_import_key(q, blob, n, 0, 0, &good, &st), CSP_OK);
    uint8_t b[300];
    memcpy(b, blob, n);
    b[0] = CSP_PRIVATEKEYBLOB;
    assert_int_equal(csp_import_key(q, b, n, 0, 0, &v, &st), CSP_E_BAD_TYPE);
    memcpy(b, blob, n);
    b[1] = 3;
    assert_int_equal(csp_import_key(q, b, n, 0, 0, &v, &st), CSP_E_BAD_VER);
    memcpy(b, blob, n);
    csp_put_u32le(b + 4, 0x6610 /* CALG_AES_256 */);
    assert_int_equal(csp_import_key(q, b, n, 0, 0, &v, &st), CSP_E_BAD_ALGID);
    memcpy(b, blob, n);
    b[8] = 'X';
    assert_int_equal(csp_import_key(q, b, n, 0, 0, &v, &st), CSP_E_BAD_DATA);
    assert_int_equal(csp_import_key(q, blob, n - 1, 0, 0, &v, &st), CSP_E_BAD_DATA);
    assert_int_equal(csp_import_key(q, blob, 7, 0, 0, &v, &st), CSP_E_BAD_DATA);
    assert_int_equal(csp_import_key(q, blob, 0, 0, 0, &v, &st), CSP_E_INVALID_ARG);
    assert_int_equal(csp_import_key(q, NULL, n, 0, 0, &v, &st), CSP_E_INVALID_ARG);
    assert_int_equal(csp_import_key(q, blob, n, 0, 0, NULL, &st), CSP_E_INVALID_ARG);
    assert_int_equal(csp_import_key(q, blob, n, 5, 0, &v, &st), CSP_E_BAD_KEY);
    assert_int_equal(csp_import_key(q, blob, n, 0, 0x40, &v, &st), CSP_E_BAD_FLAGS);
    memcpy(b, blob, n);
    csp_put_u32le(b + 16, 0);
    assert_int_equal(csp_import_key(q, b, n, 0, 0, &v, &st), CSP_E_BAD_DATA);
    n = 300;
    assert_int_equal(csp_get_key_param(q, good, CSP_KP_CERTIFICATE, blob, &n, 0, &st),
                     CSP_E_BAD_TYPE);
    release(q);
    release(p);
}

/* ---- signatures ---- */

static void verify_with_openssl(const uint8_t *sig_le, size_t n, alg_hash_id hid,
                                const uint8_t *digest, size_t dlen)
{
    uint8_t be[512];
    csp_reverse(be, sig_le, n);
    EVP_PKEY_CTX *c = EVP_PKEY_CTX_new(g_user_key, NULL);
    assert_non_null(c);
    assert_true(EVP_PKEY_verify_init(c) > 0);
    assert_true(EVP_PKEY_CTX_set_rsa_padding(c, RSA_PKCS1_PADDING) > 0);
    assert_true(EVP_PKEY_CTX_set_signature_md(c, md_of(hid)) > 0);
    assert_int_equal(EVP_PKEY_verify(c, be, n, digest, dlen), 1);
    EVP_PKEY_CTX_free(c);
}

static void test_sign_each_hash_little_endian_and_verify(void **state)
{
    static const struct {
        uint32_t alg;
        alg_hash_id hid;
    } A[] = {{CSP_CALG_SHA1, CRPKI_HASH_SHA1},
             {CSP_CALG_SHA_256, CRPKI_HASH_SHA256},
             {CSP_CALG_SHA_384, CRPKI_HASH_SHA384},
             {CSP_CALG_SHA_512, CRPKI_HASH_SHA512}};
    uint64_t p = acquire(NULL, 0), k;
    csp_status st;
    assert_int_equal(csp_get_user_key(p, CSP_AT_SIGNATURE, &k, &st), CSP_OK);
    for (size_t i = 0; i < sizeof(A) / sizeof(A[0]); i++) {
        uint64_t h = hash_of(p, A[i].alg, "document");
        uint8_t sig[256], digest[64];
        uint32_t n = 0;
        int before = g_fake.signs;
        assert_int_equal(csp_sign_hash(p, h, CSP_AT_SIGNATURE, NULL, 0, NULL, &n, &st), CSP_OK);
        assert_int_equal(n, 256);
        n = 255;
        assert_int_equal(csp_sign_hash(p, h, CSP_AT_SIGNATURE, NULL, 0, sig, &n, &st),
                         CSP_E_MORE_DATA);
        assert_int_equal(n, 256);
        assert_int_equal(g_fake.signs, before); /* size rules never sign */
        assert_int_equal(csp_sign_hash(p, h, CSP_AT_SIGNATURE, NULL, 0, sig, &n, &st), CSP_OK);
        assert_int_equal(n, 256);
        assert_int_equal(g_fake.signs, before + 1);
        assert_int_equal(g_fake.last.hash, A[i].hid);
        assert_int_equal(g_fake.last.scheme, CRPKI_PAD_PKCS1);
        uint32_t dl = sizeof(digest);
        assert_int_equal(csp_get_hash_param(p, h, CSP_HP_HASHVAL, digest, &dl, 0, &st), CSP_OK);
        verify_with_openssl(sig, n, A[i].hid, digest, dl);
        assert_int_equal(csp_verify_signature(p, h, sig, n, k, 0, &st), CSP_OK);
        sig[100] ^= 1;
        assert_int_equal(csp_verify_signature(p, h, sig, n, k, 0, &st), CSP_E_BAD_SIGNATURE);
        assert_int_equal(csp_verify_signature(p, h, sig, n - 1, k, 0, &st), CSP_E_BAD_SIGNATURE);
        assert_int_equal(csp_verify_signature(p, h, NULL, n, k, 0, &st), CSP_E_INVALID_ARG);
        assert_int_equal(csp_verify_signature(p, h, sig, n, k, CSP_CRYPT_X931_FORMAT, &st),
                         CSP_E_BAD_FLAGS);
        assert_int_equal(csp_verify_signature(p, h, sig, n, h, 0, &st), CSP_E_BAD_KEY);
    }
    release(p);
}

static void test_verify_with_imported_public_key_and_hashval(void **state)
{
    uint64_t p = acquire(ID_RSA, 0), k;
    csp_status st;
    assert_int_equal(csp_get_user_key(p, CSP_AT_SIGNATURE, &k, &st), CSP_OK);
    uint8_t blob[300], digest[32], sig[256];
    uint32_t bn = sizeof(blob), n = sizeof(sig);
    assert_int_equal(csp_export_key(p, k, 0, CSP_PUBLICKEYBLOB, 0, blob, &bn, &st), CSP_OK);
    /* HP_HASHVAL: the application hashed elsewhere */
    assert_int_equal(crypto_digest(CRPKI_HASH_SHA256, "elsewhere", 9, digest, sizeof(digest)),
                     CRPKI_OK);
    uint64_t h;
    assert_int_equal(csp_create_hash(p, CSP_CALG_SHA_256, 0, 0, &h, &st), CSP_OK);
    assert_int_equal(csp_set_hash_param(p, h, CSP_HP_HASHVAL, digest, 32, 0, &st), CSP_OK);
    assert_int_equal(csp_sign_hash(p, h, CSP_AT_SIGNATURE, "contract.pdf", 0, sig, &n, &st),
                     CSP_OK);
    assert_memory_equal(g_fake.last_digest, digest, 32);
    assert_string_equal(g_fake.last_what, "contract.pdf");
    verify_with_openssl(sig, n, CRPKI_HASH_SHA256, digest, 32);
    /* in a verification context, with the key imported from the blob */
    uint64_t q = acquire(NULL, CSP_CRYPT_VERIFYCONTEXT), v, hv;
    assert_int_equal(csp_import_key(q, blob, bn, 0, 0, &v, &st), CSP_OK);
    assert_int_equal(csp_create_hash(q, CSP_CALG_SHA_256, 0, 0, &hv, &st), CSP_OK);
    assert_int_equal(csp_hash_data(q, hv, (const uint8_t *)"elsewhere", 9, 0, &st), CSP_OK);
    assert_int_equal(csp_verify_signature(q, hv, sig, n, v, 0, &st), CSP_OK);
    /* a key of another context of this CSP verifies too (read-only use) */
    assert_int_equal(csp_verify_signature(p, h, sig, n, v, 0, &st), CSP_OK);
    uint32_t kn = sizeof(blob);
    assert_int_equal(csp_get_key_param(q, v, CSP_KP_ALGID, blob, &kn, 0, &st), CSP_OK);
    assert_int_equal(csp_get_u32le(blob), CSP_CALG_RSA_SIGN);
    release(q);
    release(p);
}

static void test_sign_refusals_never_reach_the_service(void **state)
{
    uint64_t p = acquire(NULL, 0);
    csp_status st;
    uint8_t sig[256];
    uint32_t n = sizeof(sig);
    uint64_t h = hash_of(p, CSP_CALG_SHA_256, "x");
    assert_int_equal(csp_sign_hash(p, h, CSP_AT_SIGNATURE, NULL, 0x100, sig, &n, &st),
                     CSP_E_BAD_FLAGS);
    assert_int_equal(csp_sign_hash(p, h, CSP_AT_SIGNATURE, NULL, CSP_CRYPT_NOHASHOID, sig, &n, &st),
                     CSP_E_BAD_FLAGS);
    assert_int_equal(csp_sign_hash(p, h, CSP_AT_KEYEXCHANGE, NULL, 0, sig, &n, &st), CSP_E_NO_KEY);
    assert_int_equal(csp_sign_hash(p, h, CSP_AT_SIGNATURE, NULL, 0, sig, NULL, &st),
                     CSP_E_INVALID_ARG);
    assert_int_equal(csp_sign_hash(p, 0, CSP_AT_SIGNATURE, NULL, 0, sig, &n, &st), CSP_E_BAD_HASH);
    uint64_t m = hash_of(p, CSP_CALG_MD5, "x"), s3 = hash_of(p, CSP_CALG_SSL3_SHAMD5, "x");
    assert_int_equal(csp_sign_hash(p, m, CSP_AT_SIGNATURE, NULL, 0, sig, &n, &st), CSP_E_BAD_ALGID);
    assert_int_equal(csp_sign_hash(p, s3, CSP_AT_SIGNATURE, NULL, 0, sig, &n, &st),
                     CSP_E_BAD_ALGID);
    assert_int_equal(g_fake.signs, 0);
    release(p);
}

static void test_sign_passes_silent_window_prompt_and_maps_outcomes(void **state)
{
    uint64_t p = acquire(NULL, CSP_CRYPT_SILENT);
    csp_status st;
    uint8_t sig[256];
    uint32_t n = sizeof(sig);
    assert_int_equal(csp_set_prov_param(p, CSP_PP_CLIENT_HWND, (void *)0x4321, 0, &st), CSP_OK);
    assert_int_equal(csp_set_prov_param(p, CSP_PP_UI_PROMPT, "tax return", 0, &st), CSP_OK);
    uint64_t h = hash_of(p, CSP_CALG_SHA_256, "x");
    g_fake.sign_err = CRPKI_E_SILENT;
    assert_int_equal(csp_sign_hash(p, h, CSP_AT_SIGNATURE, NULL, 0, sig, &n, &st), CSP_E_CORE);
    assert_int_equal(st.core, CRPKI_E_SILENT);
    assert_int_equal(g_fake.last_silent, 1);
    assert_ptr_equal(g_fake.last_window, (void *)0x4321);
    assert_string_equal(g_fake.last_what, "tax return");
    const crpki_err outcomes[] = {CRPKI_E_DENIED,    CRPKI_E_APPROVAL_EXPIRED,
                                  CRPKI_E_CANCELLED, CRPKI_E_DEADLINE,
                                  CRPKI_E_NETWORK,   CRPKI_E_NOT_LOGGED_IN};
    for (size_t i = 0; i < sizeof(outcomes) / sizeof(outcomes[0]); i++) {
        g_fake.sign_err = outcomes[i];
        n = sizeof(sig);
        assert_int_equal(csp_sign_hash(p, h, CSP_AT_SIGNATURE, NULL, 0, sig, &n, &st), CSP_E_CORE);
        assert_int_equal(st.core, outcomes[i]);
    }
    release(p);
    p = acquire(NULL, 0);
    h = hash_of(p, CSP_CALG_SHA1, "y");
    g_fake.sign_err = CRPKI_OK;
    n = sizeof(sig);
    assert_int_equal(csp_sign_hash(p, h, CSP_AT_SIGNATURE, NULL, 0, sig, &n, &st), CSP_OK);
    assert_int_equal(g_fake.last_silent, 0);
    assert_null(g_fake.last_window);
    assert_string_equal(g_fake.last_what, "(null)");
    release(p);
}

static void *win_resolver(csp_fnptr raw)
{
    return (void *)0x777;
}

static void test_window_comes_from_the_vtable_resolver(void **state)
{
    csp_window_src w = {win_resolver, NULL};
    uint64_t p = 0;
    csp_status st;
    assert_int_equal(csp_acquire_context(&p, NULL, 0, &w, &st), CSP_OK);
    uint64_t h = hash_of(p, CSP_CALG_SHA_256, "x");
    uint8_t sig[256];
    uint32_t n = sizeof(sig);
    assert_int_equal(csp_sign_hash(p, h, CSP_AT_SIGNATURE, NULL, 0, sig, &n, &st), CSP_OK);
    assert_ptr_equal(g_fake.last_window, (void *)0x777);
    release(p);
}

static void test_random_and_unsupported(void **state)
{
    uint64_t p = acquire(NULL, CSP_CRYPT_VERIFYCONTEXT);
    csp_status st;
    uint8_t a[32] = {0}, b[32] = {0};
    assert_int_equal(csp_gen_random(p, 32, a, &st), CSP_OK);
    assert_int_equal(csp_gen_random(p, 32, b, &st), CSP_OK);
    assert_memory_not_equal(a, b, 32);
    assert_int_equal(csp_gen_random(p, 0, NULL, &st), CSP_OK);
    assert_int_equal(csp_gen_random(p, 4, NULL, &st), CSP_E_INVALID_ARG);
    assert_int_equal(csp_unsupported("CPGenKey", &st), CSP_E_NOT_SUPPORTED);
    assert_non_null(strstr(st.why, "CPGenKey"));
    release(p);
}

static void test_out_protocol_helper(void **state)
{
    csp_status st;
    uint8_t b[8];
    uint32_t n = 0;
    int fits;
    assert_int_equal(csp_out_check(6, NULL, &n, &fits, &st), CSP_OK);
    assert_int_equal(n, 6);
    assert_int_equal(fits, 0);
    n = 5;
    assert_int_equal(csp_out_bytes("abcdef", 6, b, &n, &st), CSP_E_MORE_DATA);
    assert_int_equal(n, 6);
    n = 8;
    assert_int_equal(csp_out_bytes("abcdef", 6, b, &n, &st), CSP_OK);
    assert_int_equal(n, 6);
    assert_memory_equal(b, "abcdef", 6);
    assert_int_equal(csp_out_u32(1, b, NULL, &st), CSP_E_INVALID_ARG);
    uint8_t r[5] = {1, 2, 3, 4, 5};
    csp_reverse(r, r, 5);
    assert_memory_equal(r, "\5\4\3\2\1", 5);
}

/* ---- threads ---- */

static uint64_t g_shared_prov, g_shared_hash;

static void worker(void *arg)
{
    csp_status st;
    uint8_t v[32];
    for (int i = 0; i < 200; i++) {
        uint64_t p = 0, h = 0, d = 0;
        if (csp_acquire_context(&p, NULL, CSP_CRYPT_VERIFYCONTEXT, NULL, &st) != CSP_OK)
            continue;
        if (csp_create_hash(p, CSP_CALG_SHA_256, 0, 0, &h, &st) == CSP_OK) {
            csp_hash_data(p, h, (const uint8_t *)"x", 1, 0, &st);
            csp_duplicate_hash(p, h, NULL, 0, &d, &st);
            uint32_t n = sizeof(v);
            csp_get_hash_param(p, d, CSP_HP_HASHVAL, v, &n, 0, &st);
        }
        /* the shared hash may be gone at any moment: an error, never a crash */
        csp_hash_data(g_shared_prov, g_shared_hash, (const uint8_t *)"y", 1, 0, &st);
        csp_release_context(p, 0, &st);
    }
}

static void test_threads_share_the_handle_table(void **state)
{
    g_shared_prov = acquire(NULL, CSP_CRYPT_VERIFYCONTEXT);
    g_shared_hash = hash_of(g_shared_prov, CSP_CALG_SHA1, "shared");
    plat_thread *t[4];
    for (int i = 0; i < 4; i++)
        t[i] = plat_thread_start(worker, NULL);
    plat_sleep_ms(5);
    csp_status st;
    assert_int_equal(csp_destroy_hash(g_shared_prov, g_shared_hash, &st), CSP_OK);
    for (int i = 0; i < 4; i++)
        plat_thread_join(t[i]);
    release(g_shared_prov);
}

#define T(f) cmocka_unit_test_setup_teardown(f, reset, check_no_leak)

int main(void)
{
    if (csp_core_init(&FAKE) != CRPKI_OK)
        return 1;
    const struct CMUnitTest tests[] = {
        T(test_acquire_default_container_is_the_catalog_default),
        T(test_acquire_flag_rules_give_the_documented_codes),
        T(test_release_twice_or_forged_is_bad_uid),
        T(test_stale_and_wrong_kind_handles_are_refused_everywhere),
        T(test_release_destroys_what_the_context_owns),
        T(test_prov_params_follow_the_size_protocol),
        T(test_enum_containers_lists_rsa_keys_then_no_more_items),
        T(test_enum_algs_layouts_and_cursor),
        T(test_set_prov_param_takes_window_and_prompt_only),
        T(test_prov_certs_give_user_and_registrar_ca),
        T(test_hash_vectors_for_every_algorithm),
        T(test_hash_error_battery),
        T(test_hashval_set_and_duplicate),
        T(test_user_key_params_and_public_blob),
        T(test_import_rejects_malformed_blobs),
        T(test_sign_each_hash_little_endian_and_verify),
        T(test_verify_with_imported_public_key_and_hashval),
        T(test_sign_refusals_never_reach_the_service),
        T(test_sign_passes_silent_window_prompt_and_maps_outcomes),
        T(test_window_comes_from_the_vtable_resolver),
        T(test_random_and_unsupported),
        T(test_out_protocol_helper),
        T(test_threads_share_the_handle_table),
    };
    return cmocka_run_group_tests(tests, setup_keys, teardown_keys);
}
