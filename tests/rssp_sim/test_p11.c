/* p11 against a real SoftHSM2 token in a temporary directory: key
 * generation, the three signature schemes verified with OpenSSL against the
 * returned SubjectPublicKeyInfo, error paths, non-extractable keys, and
 * concurrent signing. */
#define _POSIX_C_SOURCE 200809L

#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include <dlfcn.h>
#include <p11-kit/pkcs11.h>

#include <openssl/bn.h>
#include <openssl/ec.h>
#include <openssl/evp.h>
#include <openssl/rand.h>
#include <openssl/rsa.h>
#include <openssl/x509.h>

#include "base/alg/alg.h"
#include "p11.h"
#include "test_util.h"

#define LABEL      "crpki-test"
#define SO_PIN     "so-pin-1234"
#define USER_PIN   "user-pin-5678"
#define RSA_LABEL  "cred-rsa2048"
#define EC_LABEL   "cred-p256"
#define NTHREADS   4
#define PER_THREAD 50

typedef struct {
    char *dir;
    const char *module;
    p11_token *tok;
    EVP_PKEY *rsa_pub, *ec_pub;
} fixture;

static fixture F;

static EVP_PKEY *pub_from_spki(const uint8_t *spki, size_t len)
{
    const unsigned char *p = spki;
    EVP_PKEY *k = d2i_PUBKEY(NULL, &p, (long)len);
    if (k && p != spki + len) {
        EVP_PKEY_free(k);
        return NULL;
    }
    return k;
}

static int group_setup(void **state)
{
    (void)state;
    memset(&F, 0, sizeof F);
    F.module = tu_p11_module();
    if (!F.module)
        return 0; /* every test skips */
    F.dir = tu_mkdtemp("test_p11");
    if (!F.dir || tu_softhsm_setup(F.dir) != 0)
        return -1;
    char err[256];
    if (p11_init_token(F.module, LABEL, SO_PIN, USER_PIN, err, sizeof err) != 0) {
        fprintf(stderr, "init token: %s\n", err);
        return -1;
    }
    if (p11_open(F.module, LABEL, USER_PIN, &F.tok, err, sizeof err) != 0) {
        fprintf(stderr, "open: %s\n", err);
        return -1;
    }
    uint8_t *spki;
    size_t len;
    if (p11_generate_rsa(F.tok, RSA_LABEL, 2048, &spki, &len, err, sizeof err) != 0) {
        fprintf(stderr, "rsa: %s\n", err);
        return -1;
    }
    F.rsa_pub = pub_from_spki(spki, len);
    free(spki);
    if (p11_generate_ec(F.tok, EC_LABEL, CRPKI_OID_P256, &spki, &len, err, sizeof err) != 0) {
        fprintf(stderr, "ec: %s\n", err);
        return -1;
    }
    F.ec_pub = pub_from_spki(spki, len);
    free(spki);
    return F.rsa_pub && F.ec_pub ? 0 : -1;
}

static int group_teardown(void **state)
{
    (void)state;
    p11_close(F.tok);
    EVP_PKEY_free(F.rsa_pub);
    EVP_PKEY_free(F.ec_pub);
    if (F.dir)
        tu_rm_rf(F.dir);
    free(F.dir);
    memset(&F, 0, sizeof F);
    return 0;
}

#define REQUIRE_MODULE()                                                                           \
    do {                                                                                           \
        if (!F.module) {                                                                           \
            print_message("no PKCS#11 module (softhsm2) installed: skipped\n");                    \
            skip();                                                                                \
        }                                                                                          \
    } while (0)

static void sha256(const void *data, size_t len, uint8_t out[32])
{
    unsigned int n = 32;
    assert_int_equal(EVP_Digest(data, len, out, &n, EVP_sha256(), NULL), 1);
}

/* Verifies sig over hash with OpenSSL; scheme decides padding. */
static int verify(EVP_PKEY *pub, alg_sig_scheme scheme, int salt, const uint8_t *hash, size_t hlen,
                  const uint8_t *sig, size_t siglen)
{
    EVP_PKEY_CTX *ctx = EVP_PKEY_CTX_new(pub, NULL);
    int ok = ctx && EVP_PKEY_verify_init(ctx) == 1;
    if (ok && scheme != CRPKI_PAD_ECDSA)
        ok = EVP_PKEY_CTX_set_signature_md(ctx, EVP_sha256()) == 1;
    if (ok && scheme == CRPKI_PAD_PKCS1)
        ok = EVP_PKEY_CTX_set_rsa_padding(ctx, RSA_PKCS1_PADDING) == 1;
    if (ok && scheme == CRPKI_PAD_PSS)
        ok = EVP_PKEY_CTX_set_rsa_padding(ctx, RSA_PKCS1_PSS_PADDING) == 1 &&
             EVP_PKEY_CTX_set_rsa_pss_saltlen(ctx, salt) == 1 &&
             EVP_PKEY_CTX_set_rsa_mgf1_md(ctx, EVP_sha256()) == 1;
    ok = ok && EVP_PKEY_verify(ctx, sig, siglen, hash, hlen) == 1;
    EVP_PKEY_CTX_free(ctx);
    return ok;
}

static int sign_pkcs1(p11_token *tok, const uint8_t hash[32], uint8_t *sig, size_t *siglen,
                      char *err, size_t errsz)
{
    uint8_t di[128];
    size_t dilen = alg_digestinfo(CRPKI_HASH_SHA256, hash, 32, di, sizeof di);
    if (dilen == 0)
        return -1;
    p11_mech m = {CRPKI_PAD_PKCS1, CRPKI_HASH_NONE, 0};
    return p11_sign(tok, RSA_LABEL, &m, di, dilen, sig, siglen, err, errsz);
}

static void test_rsa2048_spki_has_2048_bit_modulus_and_exponent_65537(void **state)
{
    (void)state;
    REQUIRE_MODULE();
    assert_int_equal(EVP_PKEY_get_base_id(F.rsa_pub), EVP_PKEY_RSA);
    assert_int_equal(EVP_PKEY_get_bits(F.rsa_pub), 2048);
    BIGNUM *e = NULL;
    assert_int_equal(EVP_PKEY_get_bn_param(F.rsa_pub, "e", &e), 1);
    assert_true(BN_is_word(e, 65537));
    BN_free(e);
    assert_int_equal(EVP_PKEY_get_base_id(F.ec_pub), EVP_PKEY_EC);
    char group[64];
    assert_int_equal(EVP_PKEY_get_group_name(F.ec_pub, group, sizeof group, NULL), 1);
    assert_string_equal(group, "prime256v1");
}

static void test_rsa_pkcs1_signature_over_digestinfo_verifies(void **state)
{
    (void)state;
    REQUIRE_MODULE();
    uint8_t hash[32], sig[512];
    sha256("hello", 5, hash);
    size_t siglen = sizeof sig;
    char err[256] = "";
    assert_int_equal(sign_pkcs1(F.tok, hash, sig, &siglen, err, sizeof err), 0);
    assert_int_equal(siglen, 256);
    assert_true(verify(F.rsa_pub, CRPKI_PAD_PKCS1, 0, hash, 32, sig, siglen));
    hash[0] ^= 1;
    assert_false(verify(F.rsa_pub, CRPKI_PAD_PKCS1, 0, hash, 32, sig, siglen));
}

static void test_rsa_pss_sha256_salt32_signature_verifies(void **state)
{
    (void)state;
    REQUIRE_MODULE();
    uint8_t hash[32], sig[512];
    sha256("pss", 3, hash);
    size_t siglen = sizeof sig;
    char err[256] = "";
    p11_mech m = {CRPKI_PAD_PSS, CRPKI_HASH_SHA256, 32};
    assert_int_equal(p11_sign(F.tok, RSA_LABEL, &m, hash, 32, sig, &siglen, err, sizeof err), 0);
    assert_int_equal(siglen, 256);
    assert_true(verify(F.rsa_pub, CRPKI_PAD_PSS, 32, hash, 32, sig, siglen));
    /* a verifier expecting another salt length rejects it: the salt was 32 */
    assert_false(verify(F.rsa_pub, CRPKI_PAD_PSS, 20, hash, 32, sig, siglen));
}

static void test_rsa_pss_with_hash_of_wrong_length_fails(void **state)
{
    (void)state;
    REQUIRE_MODULE();
    uint8_t hash[20] = {0}, sig[512];
    size_t siglen = sizeof sig;
    char err[256] = "";
    p11_mech m = {CRPKI_PAD_PSS, CRPKI_HASH_SHA256, 32};
    assert_int_equal(p11_sign(F.tok, RSA_LABEL, &m, hash, 20, sig, &siglen, err, sizeof err), -1);
    assert_non_null(strstr(err, "PSS"));
}

static void test_ecdsa_p256_signature_is_der_and_verifies(void **state)
{
    (void)state;
    REQUIRE_MODULE();
    uint8_t hash[32], sig[128];
    sha256("ecdsa", 5, hash);
    size_t siglen = sizeof sig;
    char err[256] = "";
    p11_mech m = {CRPKI_PAD_ECDSA, CRPKI_HASH_NONE, 0};
    assert_int_equal(p11_sign(F.tok, EC_LABEL, &m, hash, 32, sig, &siglen, err, sizeof err), 0);
    assert_int_equal(sig[0], 0x30); /* SEQUENCE { r, s } */
    const unsigned char *p = sig;
    ECDSA_SIG *es = d2i_ECDSA_SIG(NULL, &p, (long)siglen);
    assert_non_null(es);
    assert_ptr_equal(p, sig + siglen);
    ECDSA_SIG_free(es);
    assert_true(verify(F.ec_pub, CRPKI_PAD_ECDSA, 0, hash, 32, sig, siglen));
}

static void test_sign_with_unknown_label_fails_with_message(void **state)
{
    (void)state;
    REQUIRE_MODULE();
    uint8_t hash[32] = {1}, sig[512];
    size_t siglen = sizeof sig;
    char err[256] = "";
    p11_mech m = {CRPKI_PAD_ECDSA, CRPKI_HASH_NONE, 0};
    assert_int_equal(
        p11_sign(F.tok, "cred-nonexistent", &m, hash, 32, sig, &siglen, err, sizeof err), -1);
    assert_non_null(strstr(err, "cred-nonexistent"));
}

static void test_sign_into_too_small_buffer_fails_and_reports_needed_size(void **state)
{
    (void)state;
    REQUIRE_MODULE();
    uint8_t hash[32], sig[512];
    sha256("small", 5, hash);
    size_t siglen = 255;
    char err[256] = "";
    assert_int_equal(sign_pkcs1(F.tok, hash, sig, &siglen, err, sizeof err), -1);
    assert_non_null(strstr(err, "too small"));
    assert_int_equal(siglen, 256);
    /* the session that failed is not reused in a bad state: signing works */
    siglen = sizeof sig;
    assert_int_equal(sign_pkcs1(F.tok, hash, sig, &siglen, err, sizeof err), 0);
    assert_true(verify(F.rsa_pub, CRPKI_PAD_PKCS1, 0, hash, 32, sig, siglen));
}

/* SoftHSM2 itself would accept PSS with an EC key and crash in C_Sign. */
static void test_rsa_schemes_with_ec_key_and_ecdsa_with_rsa_key_are_refused(void **state)
{
    (void)state;
    REQUIRE_MODULE();
    uint8_t hash[32] = {2}, sig[512];
    size_t siglen = sizeof sig;
    char err[256] = "";
    p11_mech m = {CRPKI_PAD_PSS, CRPKI_HASH_SHA256, 32};
    assert_int_equal(p11_sign(F.tok, EC_LABEL, &m, hash, 32, sig, &siglen, err, sizeof err), -1);
    assert_non_null(strstr(err, "not an RSA key"));
    m.scheme = CRPKI_PAD_PKCS1;
    assert_int_equal(p11_sign(F.tok, EC_LABEL, &m, hash, 32, sig, &siglen, err, sizeof err), -1);
    assert_non_null(strstr(err, "not an RSA key"));
    m.scheme = CRPKI_PAD_ECDSA;
    assert_int_equal(p11_sign(F.tok, RSA_LABEL, &m, hash, 32, sig, &siglen, err, sizeof err), -1);
    assert_non_null(strstr(err, "not an EC key"));
}

static void test_generate_with_existing_label_fails(void **state)
{
    (void)state;
    REQUIRE_MODULE();
    uint8_t *spki = NULL;
    size_t len = 0;
    char err[256] = "";
    assert_int_equal(
        p11_generate_ec(F.tok, RSA_LABEL, CRPKI_OID_P256, &spki, &len, err, sizeof err), -1);
    assert_null(spki);
    assert_non_null(strstr(err, "already exists"));
}

static void test_generate_with_unsupported_size_or_curve_fails(void **state)
{
    (void)state;
    REQUIRE_MODULE();
    uint8_t *spki = NULL;
    size_t len = 0;
    char err[256] = "";
    assert_int_equal(p11_generate_rsa(F.tok, "cred-x", 1024, &spki, &len, err, sizeof err), -1);
    assert_non_null(strstr(err, "1024"));
    assert_int_equal(p11_generate_ec(F.tok, "cred-x", "1.3.132.0.10", &spki, &len, err, sizeof err),
                     -1);
    assert_non_null(strstr(err, "1.3.132.0.10"));
    assert_null(spki);
}

/* Looks at the private key through the module itself, not through p11. */
static void test_private_keys_are_sensitive_not_extractable_and_sign_only(void **state)
{
    (void)state;
    REQUIRE_MODULE();
    void *dl = dlopen(F.module, RTLD_NOW | RTLD_LOCAL);
    assert_non_null(dl);
    CK_C_GetFunctionList gfl;
    *(void **)&gfl = dlsym(dl, "C_GetFunctionList");
    assert_non_null(gfl);
    CK_FUNCTION_LIST_PTR f = NULL;
    assert_int_equal(gfl(&f), CKR_OK);
    /* already initialized by p11_open in this process */
    CK_SLOT_ID slots[16];
    CK_ULONG n = 16, slot_found = 0;
    CK_SLOT_ID slot = 0;
    assert_int_equal(f->C_GetSlotList(CK_TRUE, slots, &n), CKR_OK);
    for (CK_ULONG i = 0; i < n; i++) {
        CK_TOKEN_INFO ti;
        if (f->C_GetTokenInfo(slots[i], &ti) == CKR_OK &&
            memcmp(ti.label, LABEL, strlen(LABEL)) == 0 && ti.label[strlen(LABEL)] == ' ') {
            slot = slots[i];
            slot_found = 1;
        }
    }
    assert_true(slot_found);
    CK_SESSION_HANDLE s;
    assert_int_equal(f->C_OpenSession(slot, CKF_SERIAL_SESSION, NULL, NULL, &s), CKR_OK);
    /* the application is logged in (p11_open), so private objects are visible */
    const char *labels[] = {RSA_LABEL, EC_LABEL};
    for (size_t k = 0; k < 2; k++) {
        CK_OBJECT_CLASS cls = CKO_PRIVATE_KEY;
        CK_ATTRIBUTE tmpl[] = {{CKA_CLASS, &cls, sizeof cls},
                               {CKA_LABEL, (void *)labels[k], strlen(labels[k])}};
        CK_OBJECT_HANDLE h;
        CK_ULONG cnt = 0;
        assert_int_equal(f->C_FindObjectsInit(s, tmpl, 2), CKR_OK);
        assert_int_equal(f->C_FindObjects(s, &h, 1, &cnt), CKR_OK);
        assert_int_equal(f->C_FindObjectsFinal(s), CKR_OK);
        assert_int_equal(cnt, 1);
        CK_BBOOL sensitive = CK_FALSE, extractable = CK_TRUE, is_token = CK_FALSE, priv = 0;
        CK_BBOOL decrypt = CK_TRUE, unwrap = CK_TRUE, sign = CK_FALSE;
        CK_ATTRIBUTE flags[] = {{CKA_SENSITIVE, &sensitive, sizeof sensitive},
                                {CKA_EXTRACTABLE, &extractable, sizeof extractable},
                                {CKA_TOKEN, &is_token, sizeof is_token},
                                {CKA_PRIVATE, &priv, sizeof priv},
                                {CKA_DECRYPT, &decrypt, sizeof decrypt},
                                {CKA_UNWRAP, &unwrap, sizeof unwrap},
                                {CKA_SIGN, &sign, sizeof sign}};
        assert_int_equal(f->C_GetAttributeValue(s, h, flags, 7), CKR_OK);
        assert_true(sensitive);
        assert_false(extractable);
        assert_true(is_token);
        assert_true(priv);
        assert_true(sign);
        assert_false(decrypt); /* a signing key only */
        assert_false(unwrap);
        uint8_t buf[1024];
        CK_ATTRIBUTE secret = {k == 0 ? CKA_PRIVATE_EXPONENT : CKA_VALUE, buf, sizeof buf};
        assert_int_equal(f->C_GetAttributeValue(s, h, &secret, 1), CKR_ATTRIBUTE_SENSITIVE);
        assert_int_equal(secret.ulValueLen, (CK_ULONG)-1);
    }
    f->C_CloseSession(s);
    dlclose(dl);
}

static void test_open_with_wrong_pin_fails(void **state)
{
    (void)state;
    REQUIRE_MODULE();
    /* This process is already logged in through F.tok, so a second token
     * object would be accepted without checking the PIN; close it first. */
    p11_close(F.tok);
    F.tok = NULL;
    p11_token *t = NULL;
    char err[256] = "";
    assert_int_equal(p11_open(F.module, LABEL, "wrong-pin", &t, err, sizeof err), -1);
    assert_null(t);
    assert_non_null(strstr(err, "CKR_PIN_INCORRECT"));
    assert_int_equal(p11_open(F.module, LABEL, USER_PIN, &F.tok, err, sizeof err), 0);
}

static void test_open_of_unknown_token_label_fails(void **state)
{
    (void)state;
    REQUIRE_MODULE();
    p11_token *t = NULL;
    char err[256] = "";
    assert_int_equal(p11_open(F.module, "no-such-token", USER_PIN, &t, err, sizeof err), -1);
    assert_non_null(strstr(err, "no-such-token"));
    assert_int_equal(p11_open("/nonexistent/module.so", LABEL, USER_PIN, &t, err, sizeof err), -1);
    assert_non_null(strstr(err, "/nonexistent/module.so"));
}

static void test_init_token_with_existing_label_fails(void **state)
{
    (void)state;
    REQUIRE_MODULE();
    char err[256] = "";
    assert_int_equal(p11_init_token(F.module, LABEL, SO_PIN, USER_PIN, err, sizeof err), -1);
    assert_non_null(strstr(err, "already exists"));
}

static void test_two_opens_share_the_module_and_close_independently(void **state)
{
    (void)state;
    REQUIRE_MODULE();
    p11_token *t2 = NULL;
    char err[256] = "";
    assert_int_equal(p11_open(F.module, LABEL, USER_PIN, &t2, err, sizeof err), 0);
    uint8_t hash[32], sig[512];
    sha256("two", 3, hash);
    size_t siglen = sizeof sig;
    assert_int_equal(sign_pkcs1(t2, hash, sig, &siglen, err, sizeof err), 0);
    assert_true(verify(F.rsa_pub, CRPKI_PAD_PKCS1, 0, hash, 32, sig, siglen));
    p11_close(t2);
    /* the first token object still works (module not finalized, still logged in) */
    siglen = sizeof sig;
    assert_int_equal(sign_pkcs1(F.tok, hash, sig, &siglen, err, sizeof err), 0);
    assert_true(verify(F.rsa_pub, CRPKI_PAD_PKCS1, 0, hash, 32, sig, siglen));
}

typedef struct {
    int id;
    int failures;
    char err[256];
} worker;

static void *sign_worker(void *arg)
{
    worker *w = arg;
    for (int i = 0; i < PER_THREAD; i++) {
        char msg[64];
        snprintf(msg, sizeof msg, "thread %d message %d", w->id, i);
        uint8_t hash[32], sig[512];
        unsigned int hl = 32;
        EVP_Digest(msg, strlen(msg), hash, &hl, EVP_sha256(), NULL);
        size_t siglen = sizeof sig;
        int ok;
        switch ((w->id + i) % 3) {
        case 0:
            ok = sign_pkcs1(F.tok, hash, sig, &siglen, w->err, sizeof w->err) == 0 &&
                 verify(F.rsa_pub, CRPKI_PAD_PKCS1, 0, hash, 32, sig, siglen);
            break;
        case 1: {
            p11_mech m = {CRPKI_PAD_PSS, CRPKI_HASH_SHA256, 32};
            ok = p11_sign(F.tok, RSA_LABEL, &m, hash, 32, sig, &siglen, w->err, sizeof w->err) ==
                     0 &&
                 verify(F.rsa_pub, CRPKI_PAD_PSS, 32, hash, 32, sig, siglen);
            break;
        }
        default: {
            p11_mech m = {CRPKI_PAD_ECDSA, CRPKI_HASH_NONE, 0};
            ok =
                p11_sign(F.tok, EC_LABEL, &m, hash, 32, sig, &siglen, w->err, sizeof w->err) == 0 &&
                verify(F.ec_pub, CRPKI_PAD_ECDSA, 0, hash, 32, sig, siglen);
            break;
        }
        }
        if (!ok)
            w->failures++;
    }
    return NULL;
}

static void test_concurrent_signing_from_4_threads_x_50_all_verify(void **state)
{
    (void)state;
    REQUIRE_MODULE();
    pthread_t th[NTHREADS];
    worker w[NTHREADS];
    memset(w, 0, sizeof w);
    for (int i = 0; i < NTHREADS; i++) {
        w[i].id = i;
        assert_int_equal(pthread_create(&th[i], NULL, sign_worker, &w[i]), 0);
    }
    int failures = 0;
    for (int i = 0; i < NTHREADS; i++) {
        pthread_join(th[i], NULL);
        if (w[i].failures)
            print_message("thread %d: %d failures, last: %s\n", i, w[i].failures, w[i].err);
        failures += w[i].failures;
    }
    assert_int_equal(failures, 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_rsa2048_spki_has_2048_bit_modulus_and_exponent_65537),
        cmocka_unit_test(test_rsa_pkcs1_signature_over_digestinfo_verifies),
        cmocka_unit_test(test_rsa_pss_sha256_salt32_signature_verifies),
        cmocka_unit_test(test_rsa_pss_with_hash_of_wrong_length_fails),
        cmocka_unit_test(test_ecdsa_p256_signature_is_der_and_verifies),
        cmocka_unit_test(test_sign_with_unknown_label_fails_with_message),
        cmocka_unit_test(test_sign_into_too_small_buffer_fails_and_reports_needed_size),
        cmocka_unit_test(test_rsa_schemes_with_ec_key_and_ecdsa_with_rsa_key_are_refused),
        cmocka_unit_test(test_generate_with_existing_label_fails),
        cmocka_unit_test(test_generate_with_unsupported_size_or_curve_fails),
        cmocka_unit_test(test_private_keys_are_sensitive_not_extractable_and_sign_only),
        cmocka_unit_test(test_open_with_wrong_pin_fails),
        cmocka_unit_test(test_open_of_unknown_token_label_fails),
        cmocka_unit_test(test_init_token_with_existing_label_fails),
        cmocka_unit_test(test_two_opens_share_the_module_and_close_independently),
        cmocka_unit_test(test_concurrent_signing_from_4_threads_x_50_all_verify),
    };
    return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
