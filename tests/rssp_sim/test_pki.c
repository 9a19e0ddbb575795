/* pki: the test registrar CA, user certificates with Japanese UTF8String
 * names, and the TLS CA + server certificate. Keys here come from OpenSSL
 * (the token is test_p11's business); the certificates are what matter. */
#define _POSIX_C_SOURCE 200809L

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <cmocka.h>

#include <openssl/bn.h>
#include <openssl/evp.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include "pki.h"
#include "test_util.h"

typedef struct {
    pki_issuer reg, tls;
    EVP_PKEY *user_key;
    X509 *user_cert;
    EVP_PKEY *server_key;
    X509 *server_cert;
} fixture;

static fixture F;

static const pki_user_subject SUBJ = {"東京都", "千代田区", "株式会社テスト商事", "代表取締役",
                                      "山田 太郎"};

static EVP_PKEY *gen_p256(void)
{
    return EVP_EC_gen("P-256");
}

/* DER SubjectPublicKeyInfo of key, malloc'ed by OpenSSL. */
static size_t spki_of(EVP_PKEY *key, uint8_t **der)
{
    *der = NULL;
    int n = i2d_PUBKEY(key, der);
    return n > 0 ? (size_t)n : 0;
}

static int group_setup(void **state)
{
    (void)state;
    char err[256];
    memset(&F, 0, sizeof F);
    if (pki_create_registrar_ca(&F.reg, err, sizeof err) != 0 ||
        pki_create_tls_ca(&F.tls, err, sizeof err) != 0) {
        fprintf(stderr, "%s\n", err);
        return -1;
    }
    F.user_key = gen_p256();
    uint8_t *spki;
    size_t n = spki_of(F.user_key, &spki);
    int r = pki_issue_user_cert(&F.reg, &SUBJ, spki, n, 0, &F.user_cert, err, sizeof err);
    OPENSSL_free(spki);
    if (r != 0 ||
        pki_issue_server_cert(&F.tls, &F.server_key, &F.server_cert, err, sizeof err) != 0) {
        fprintf(stderr, "%s\n", err);
        return -1;
    }
    return 0;
}

static int group_teardown(void **state)
{
    (void)state;
    pki_issuer_free(&F.reg);
    pki_issuer_free(&F.tls);
    EVP_PKEY_free(F.user_key);
    X509_free(F.user_cert);
    EVP_PKEY_free(F.server_key);
    X509_free(F.server_cert);
    return 0;
}

/* X509_verify_cert of leaf against the single trusted root. */
static int chain_verifies(X509 *root, X509 *leaf, int purpose, int *verr)
{
    X509_STORE *store = X509_STORE_new();
    X509_STORE_CTX *ctx = X509_STORE_CTX_new();
    int ok = store && ctx && X509_STORE_add_cert(store, root) == 1 &&
             X509_STORE_CTX_init(ctx, store, leaf, NULL) == 1;
    if (ok && purpose)
        ok = X509_STORE_CTX_set_purpose(ctx, purpose) == 1;
    ok = ok && X509_verify_cert(ctx) == 1;
    *verr = ctx ? X509_STORE_CTX_get_error(ctx) : -1;
    X509_STORE_CTX_free(ctx);
    X509_STORE_free(store);
    return ok;
}

static const ASN1_STRING *name_entry(X509_NAME *name, int nid)
{
    int i = X509_NAME_get_index_by_NID(name, nid, -1);
    if (i < 0)
        return NULL;
    return X509_NAME_ENTRY_get_data(X509_NAME_get_entry(name, i));
}

static void assert_utf8_entry(X509_NAME *name, int nid, const char *want)
{
    const ASN1_STRING *s = name_entry(name, nid);
    assert_non_null(s);
    assert_int_equal(ASN1_STRING_type(s), V_ASN1_UTF8STRING);
    assert_int_equal((size_t)ASN1_STRING_length(s), strlen(want));
    assert_memory_equal(ASN1_STRING_get0_data(s), want, strlen(want));
}

static void test_user_cert_verifies_against_registrar_ca(void **state)
{
    (void)state;
    int verr = 0;
    assert_true(chain_verifies(F.reg.cert, F.user_cert, 0, &verr));
    assert_int_equal(verr, X509_V_OK);
    /* and not against the TLS CA */
    assert_false(chain_verifies(F.tls.cert, F.user_cert, 0, &verr));
}

static void test_user_cert_subject_names_are_japanese_utf8strings(void **state)
{
    (void)state;
    X509_NAME *s = X509_get_subject_name(F.user_cert);
    assert_utf8_entry(s, NID_organizationName, "株式会社テスト商事");
    assert_utf8_entry(s, NID_commonName, "山田 太郎");
    assert_utf8_entry(s, NID_title, "代表取締役");
    assert_utf8_entry(s, NID_stateOrProvinceName, "東京都");
    assert_utf8_entry(s, NID_localityName, "千代田区");
    const ASN1_STRING *c = name_entry(s, NID_countryName);
    assert_non_null(c);
    assert_int_equal(ASN1_STRING_type(c), V_ASN1_PRINTABLESTRING);
    assert_int_equal(
        X509_NAME_cmp(X509_get_issuer_name(F.user_cert), X509_get_subject_name(F.reg.cert)), 0);
}

static void test_user_cert_is_a_non_ca_signing_cert_with_random_128_bit_serial(void **state)
{
    (void)state;
    X509 *c = F.user_cert;
    assert_int_equal(X509_get_version(c), X509_VERSION_3);
    uint32_t ku = X509_get_key_usage(c);
    assert_true(ku & KU_DIGITAL_SIGNATURE);
    assert_true(ku & KU_NON_REPUDIATION);
    assert_false(ku & KU_KEY_CERT_SIGN);
    int crit = 0;
    ASN1_BIT_STRING *kus = X509_get_ext_d2i(c, NID_key_usage, &crit, NULL);
    assert_non_null(kus);
    assert_int_equal(crit, 1);
    ASN1_BIT_STRING_free(kus);
    assert_int_equal(X509_check_ca(c), 0);
    assert_non_null(X509_get0_subject_key_id(c));
    assert_non_null(X509_get0_authority_key_id(c));
    assert_int_equal(
        ASN1_OCTET_STRING_cmp(X509_get0_authority_key_id(c), X509_get0_subject_key_id(F.reg.cert)),
        0);
    assert_int_equal(X509_get_signature_nid(c), NID_sha256WithRSAEncryption);
    BIGNUM *bn = ASN1_INTEGER_to_BN(X509_get0_serialNumber(c), NULL);
    assert_non_null(bn);
    assert_false(BN_is_negative(bn));
    assert_int_equal(BN_num_bytes(bn), 16);
    BN_free(bn);
    /* valid since about a day ago, for about three years */
    int days = 0, secs = 0;
    assert_int_equal(ASN1_TIME_diff(&days, &secs, X509_get0_notBefore(c), NULL), 1);
    assert_true(days == 0 || days == 1);
    assert_int_equal(ASN1_TIME_diff(&days, &secs, X509_get0_notBefore(c), X509_get0_notAfter(c)),
                     1);
    assert_in_range(days, 1090, 1100);
    /* the two user certificates of one CA never share a serial */
    uint8_t *spki;
    size_t n = spki_of(F.user_key, &spki);
    X509 *c2 = NULL;
    char err[256];
    assert_int_equal(pki_issue_user_cert(&F.reg, &SUBJ, spki, n, 30, &c2, err, sizeof err), 0);
    OPENSSL_free(spki);
    assert_int_not_equal(ASN1_INTEGER_cmp(X509_get0_serialNumber(c), X509_get0_serialNumber(c2)),
                         0);
    X509_free(c2);
}

static void test_registrar_ca_is_a_self_signed_test_ca(void **state)
{
    (void)state;
    X509 *ca = F.reg.cert;
    assert_int_equal(X509_check_ca(ca), 1);
    assert_int_equal(X509_check_issued(ca, ca), X509_V_OK);
    uint32_t ku = X509_get_key_usage(ca);
    assert_true(ku & KU_KEY_CERT_SIGN);
    assert_true(ku & KU_CRL_SIGN);
    char buf[512];
    X509_NAME_oneline(X509_get_subject_name(ca), buf, sizeof buf);
    assert_non_null(strstr(buf, "CN=Registrar CA TEST"));
    assert_non_null(strstr(buf, "O=Ministry of Justice (TEST)"));
    assert_int_equal(EVP_PKEY_get_bits(F.reg.key), 2048);
}

static void test_user_cert_for_garbage_public_key_fails(void **state)
{
    (void)state;
    const uint8_t junk[] = {0x30, 0x03, 0x02, 0x01, 0x00};
    X509 *c = NULL;
    char err[256] = "";
    assert_int_equal(pki_issue_user_cert(&F.reg, &SUBJ, junk, sizeof junk, 0, &c, err, sizeof err),
                     -1);
    assert_null(c);
    assert_non_null(strstr(err, "SubjectPublicKeyInfo"));
    pki_user_subject bad = SUBJ;
    bad.company = "\xff\xfe not utf-8";
    uint8_t *spki;
    size_t n = spki_of(F.user_key, &spki);
    assert_int_equal(pki_issue_user_cert(&F.reg, &bad, spki, n, 0, &c, err, sizeof err), -1);
    OPENSSL_free(spki);
    assert_null(c);
}

static void test_server_cert_has_loopback_sans_and_server_auth(void **state)
{
    (void)state;
    X509 *c = F.server_cert;
    int verr = 0;
    assert_true(chain_verifies(F.tls.cert, c, X509_PURPOSE_SSL_SERVER, &verr));
    assert_int_equal(X509_check_host(c, "localhost", 0, 0, NULL), 1);
    assert_int_equal(X509_check_ip_asc(c, "127.0.0.1", 0), 1);
    assert_int_equal(X509_check_ip_asc(c, "::1", 0), 1);
    assert_int_not_equal(X509_check_host(c, "example.com", 0, 0, NULL), 1);
    assert_true(X509_get_extended_key_usage(c) & XKU_SSL_SERVER);
    uint32_t ku = X509_get_key_usage(c);
    assert_true(ku & KU_DIGITAL_SIGNATURE);
    assert_true(ku & KU_KEY_ENCIPHERMENT);
    assert_int_equal(X509_check_private_key(c, F.server_key), 1);
    char buf[256];
    X509_NAME_oneline(X509_get_subject_name(F.tls.cert), buf, sizeof buf);
    assert_non_null(strstr(buf, "CN=crpki-rsspd Test TLS CA"));
}

static void test_files_are_written_with_key_0600_and_load_back(void **state)
{
    (void)state;
    char *dir = tu_mkdtemp("test_pki");
    assert_non_null(dir);
    char cert[4096], key[4096], der[4096];
    snprintf(cert, sizeof cert, "%s/ca.pem", dir);
    snprintf(key, sizeof key, "%s/ca.key", dir);
    snprintf(der, sizeof der, "%s/ca.der", dir);
    char err[256] = "";
    assert_int_equal(pki_write_cert_pem(cert, F.reg.cert, err, sizeof err), 0);
    assert_int_equal(pki_write_cert_der(der, F.reg.cert, err, sizeof err), 0);
    assert_int_equal(pki_write_key_pem(key, F.reg.key, err, sizeof err), 0);
    struct stat st;
    assert_int_equal(stat(key, &st), 0);
    assert_int_equal(st.st_mode & 0777, 0600);

    pki_issuer back = {0};
    assert_int_equal(pki_load_issuer(cert, key, &back, err, sizeof err), 0);
    assert_int_equal(X509_cmp(back.cert, F.reg.cert), 0);
    /* a reloaded CA issues certificates that verify against the original */
    uint8_t *spki;
    size_t n = spki_of(F.user_key, &spki);
    X509 *c = NULL;
    assert_int_equal(pki_issue_user_cert(&back, &SUBJ, spki, n, 0, &c, err, sizeof err), 0);
    OPENSSL_free(spki);
    int verr;
    assert_true(chain_verifies(F.reg.cert, c, 0, &verr));
    X509_free(c);
    pki_issuer_free(&back);

    /* the DER file is the same certificate */
    FILE *f = fopen(der, "rb");
    assert_non_null(f);
    X509 *d = d2i_X509_fp(f, NULL);
    fclose(f);
    assert_non_null(d);
    assert_int_equal(X509_cmp(d, F.reg.cert), 0);
    X509_free(d);

    /* a key that is not the certificate's is refused */
    assert_int_equal(pki_write_key_pem(key, F.tls.key, err, sizeof err), 0);
    assert_int_equal(pki_load_issuer(cert, key, &back, err, sizeof err), -1);
    assert_non_null(strstr(err, "is not the key"));
    assert_null(pki_read_cert_pem("/nonexistent/x.pem", err, sizeof err));
    tu_rm_rf(dir);
    free(dir);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_user_cert_verifies_against_registrar_ca),
        cmocka_unit_test(test_user_cert_subject_names_are_japanese_utf8strings),
        cmocka_unit_test(test_user_cert_is_a_non_ca_signing_cert_with_random_128_bit_serial),
        cmocka_unit_test(test_registrar_ca_is_a_self_signed_test_ca),
        cmocka_unit_test(test_user_cert_for_garbage_public_key_fails),
        cmocka_unit_test(test_server_cert_has_loopback_sans_and_server_auth),
        cmocka_unit_test(test_files_are_written_with_key_0600_and_load_back),
    };
    return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
