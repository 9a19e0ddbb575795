/* The CSP core's test fixture (csp_core_fixture.h). */
#include "csp_core_fixture.h"

#include "test_keys.h"

/* ---- keys and certificates ---- */

EVP_PKEY *g_ca_key, *g_user_key, *g_ec_key;
uint8_t *g_ca_der, *g_user_der, *g_ec_der;
size_t g_ca_len, g_user_len, g_ec_len;

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

int setup_keys(void **state)
{
    /* committed keys: generating them took most of a valgrind run */
    g_ca_key = tk_key(TK_RSA[0]);
    g_user_key = tk_key(TK_RSA[1]);
    g_ec_key = tk_key(TK_EC[0]);
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

int teardown_keys(void **state)
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

fake_state g_fake;
size_t g_live_before; /* a failed test's leftovers do not fail the next */

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

const EVP_MD *md_of(alg_hash_id h)
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

const prov_backend FAKE = {
    .open = fake_open,
    .find_key = fake_find,
    .list_keys = fake_list,
    .free_ids = fake_free_ids,
    .sign = fake_sign,
};

int reset(void **state)
{
    memset(&g_fake, 0, sizeof(g_fake));
    g_live_before = csp_handle_live(0);
    return 0;
}

int check_no_leak(void **state)
{
    assert_int_equal(csp_handle_live(0), g_live_before);
    return 0;
}

/* ---- helpers ---- */

uintptr_t acquire(const char *container, uint32_t flags)
{
    uintptr_t h = 0;
    csp_status st = {0};
    csp_code c = csp_acquire_context(&h, container, flags, NULL, &st);
    if (c != CSP_OK)
        fail_msg("acquire %s: %s %s", container ? container : "(null)", csp_status_name(&st),
                 st.why);
    return h;
}

void release(uintptr_t p)
{
    csp_status st;
    assert_int_equal(csp_release_context(p, 0, &st), CSP_OK);
}

csp_code acquire_code(const char *container, uint32_t flags)
{
    uintptr_t h = 0;
    csp_status st = {0};
    csp_code c = csp_acquire_context(&h, container, flags, NULL, &st);
    if (c == CSP_OK)
        release(h);
    return c;
}

uintptr_t hash_of(uintptr_t p, uint32_t alg, const char *data)
{
    uintptr_t h = 0;
    csp_status st;
    assert_int_equal(csp_create_hash(p, alg, 0, 0, &h, &st), CSP_OK);
    assert_int_equal(csp_hash_data(p, h, (const uint8_t *)data, (uint32_t)strlen(data), 0, &st),
                     CSP_OK);
    return h;
}

void hex_to(const char *hex, uint8_t *out, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        unsigned v;
        sscanf(hex + 2 * i, "%2x", &v);
        out[i] = (uint8_t)v;
    }
}
