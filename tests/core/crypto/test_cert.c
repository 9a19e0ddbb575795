/* crypto_cert_check_chain: chains made here with OpenSSL, one
 * defect at a time, each refused with CRPKI_E_BAD_CERT and its reason; the
 * good ones (RSA and ECDSA issuers, an intermediate) accepted. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <openssl/evp.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/crypto/crypto_cert.h"
#include "test_keys.h"

typedef struct {
    EVP_PKEY *key;
    X509 *cert;
    unsigned char *der;
    int len;
} cert;

/* The keys, parsed once from committed test keys (test_keys.h): made at run
 * time, RSA keys took minutes under valgrind. Each certificate takes the
 * next key of its kind, so the certificates of one chain (at most four
 * RSA or three EC in a row) hold different keys. */
#define N_RSA (sizeof TK_RSA / sizeof *TK_RSA)
#define N_EC  (sizeof TK_EC / sizeof *TK_EC)
static EVP_PKEY *g_rsa[N_RSA], *g_ec[N_EC];

static int load_keys(void **state)
{
    (void)state;
    for (size_t i = 0; i < N_RSA; i++)
        if (!(g_rsa[i] = tk_key(TK_RSA[i])) || EVP_PKEY_get_base_id(g_rsa[i]) != EVP_PKEY_RSA)
            return -1;
    for (size_t i = 0; i < N_EC; i++)
        if (!(g_ec[i] = tk_key(TK_EC[i])) || EVP_PKEY_get_base_id(g_ec[i]) != EVP_PKEY_EC)
            return -1;
    return 0;
}

static int free_keys(void **state)
{
    (void)state;
    for (size_t i = 0; i < N_RSA; i++)
        EVP_PKEY_free(g_rsa[i]);
    for (size_t i = 0; i < N_EC; i++)
        EVP_PKEY_free(g_ec[i]);
    return 0;
}

static EVP_PKEY *new_key(int ec)
{
    static size_t next_rsa, next_ec;
    EVP_PKEY *k = ec ? g_ec[next_ec++ % N_EC] : g_rsa[next_rsa++ % N_RSA];
    assert_non_null(k);
    assert_true(EVP_PKEY_up_ref(k));
    return k;
}

static void ext(X509 *c, X509 *issuer, int nid, const char *value)
{
    X509V3_CTX ctx;
    X509V3_set_ctx(&ctx, issuer, c, NULL, NULL, 0);
    X509_EXTENSION *e = X509V3_EXT_conf_nid(NULL, &ctx, nid, value);
    assert_non_null(e);
    assert_true(X509_add_ext(c, e, -1));
    X509_EXTENSION_free(e);
}

/* A certificate named cn for the next key, issued by issuer (NULL: itself),
 * valid from now+from_s to now+to_s; ca/ku as openssl's config strings. */
static void make(cert *out, const char *cn, const cert *issuer, int ec, const char *bc,
                 const char *ku, long from_s, long to_s)
{
    memset(out, 0, sizeof *out);
    out->key = new_key(ec);
    X509 *c = X509_new();
    X509_set_version(c, 2);
    static long serial = 1;
    ASN1_INTEGER_set(X509_get_serialNumber(c), serial++);
    X509_NAME *n = X509_NAME_new();
    X509_NAME_add_entry_by_txt(n, "C", MBSTRING_UTF8, (const unsigned char *)"JP", -1, -1, 0);
    X509_NAME_add_entry_by_txt(n, "CN", MBSTRING_UTF8, (const unsigned char *)cn, -1, -1, 0);
    X509_set_subject_name(c, n);
    X509_set_issuer_name(c, issuer ? X509_get_subject_name(issuer->cert) : n);
    X509_NAME_free(n);
    X509_gmtime_adj(X509_getm_notBefore(c), from_s);
    X509_gmtime_adj(X509_getm_notAfter(c), to_s);
    X509_set_pubkey(c, out->key);
    if (bc)
        ext(c, issuer ? issuer->cert : c, NID_basic_constraints, bc);
    if (ku)
        ext(c, issuer ? issuer->cert : c, NID_key_usage, ku);
    assert_true(X509_sign(c, issuer ? issuer->key : out->key, EVP_sha256()) > 0);
    out->cert = c;
    out->len = i2d_X509(c, &out->der);
    assert_true(out->len > 0);
}

static void drop(cert *c)
{
    EVP_PKEY_free(c->key);
    X509_free(c->cert);
    OPENSSL_free(c->der);
}

#define CA_BC   "critical,CA:TRUE"
#define CA_KU   "critical,keyCertSign,cRLSign"
#define LEAF_BC "CA:FALSE"
#define LEAF_KU "critical,digitalSignature,nonRepudiation"
#define DAY     86400L

static crpki_err check(const cert *const *chain, size_t n, crpki_error_info *ei)
{
    crypto_cert_der d[8];
    for (size_t i = 0; i < n; i++)
        d[i] = (crypto_cert_der){chain[i]->der, (size_t)chain[i]->len};
    crpki_err e = crypto_cert_check_chain(d, n, (int64_t)time(NULL), ei);
    print_message("      -> %s %s\n", e == CRPKI_OK ? "OK" : "refused:", ei->detail);
    return e;
}

/* refused with a reason that says want */
static void expect_refused(const cert *const *chain, size_t n, const char *want)
{
    crpki_error_info ei;
    assert_int_equal(check(chain, n, &ei), CRPKI_E_BAD_CERT);
    if (!strstr(ei.detail, want))
        fail_msg("reason \"%s\" does not say \"%s\"", ei.detail, want);
}

static void good_chains_pass(void **state)
{
    (void)state;
    cert root, rsa, ec, ecroot, ecleaf, mid, leaf2;
    make(&root, "Registrar CA", NULL, 0, CA_BC, CA_KU, -DAY, 3650 * DAY);
    make(&rsa, "Tanaka Taro", &root, 0, LEAF_BC, LEAF_KU, -DAY, 365 * DAY);
    make(&ec, "Suzuki Hanako", &root, 1, LEAF_BC, LEAF_KU, -DAY, 365 * DAY);
    make(&ecroot, "EC Root", NULL, 1, CA_BC, CA_KU, -DAY, 3650 * DAY);
    make(&ecleaf, "EC Signer", &ecroot, 1, LEAF_BC, "digitalSignature", -DAY, 365 * DAY);
    make(&mid, "Intermediate", &root, 1, CA_BC, CA_KU, -DAY, 3650 * DAY);
    make(&leaf2, "Via Intermediate", &mid, 0, NULL, NULL, -DAY, 365 * DAY);
    crpki_error_info ei;
    const cert *a[] = {&rsa, &root};
    assert_int_equal(check(a, 2, &ei), CRPKI_OK);
    const cert *b[] = {&ec, &root};
    assert_int_equal(check(b, 2, &ei), CRPKI_OK);
    const cert *c[] = {&ecleaf, &ecroot};
    assert_int_equal(check(c, 2, &ei), CRPKI_OK);
    const cert *d[] = {&leaf2, &mid, &root}; /* no extensions on the leaf: any use */
    assert_int_equal(check(d, 3, &ei), CRPKI_OK);
    drop(&root), drop(&rsa), drop(&ec), drop(&ecroot), drop(&ecleaf), drop(&mid), drop(&leaf2);
}

static void a_chain_that_does_not_verify_is_refused(void **state)
{
    (void)state;
    cert root, other, leaf, forged;
    make(&root, "Registrar CA", NULL, 0, CA_BC, CA_KU, -DAY, 3650 * DAY);
    /* another CA of the same name: its certificate looks right, its key is not */
    make(&other, "Registrar CA", NULL, 0, CA_BC, CA_KU, -DAY, 3650 * DAY);
    make(&leaf, "Tanaka Taro", &root, 0, LEAF_BC, LEAF_KU, -DAY, 365 * DAY);
    make(&forged, "Tanaka Taro", &other, 0, LEAF_BC, LEAF_KU, -DAY, 365 * DAY);
    const cert *a[] = {&forged, &root};
    expect_refused(a, 2, "does not verify");
    /* a byte of the signed part changed (the serial) */
    leaf.der[15] ^= 0x01;
    const cert *b[] = {&leaf, &root};
    expect_refused(b, 2, "the certificate");
    leaf.der[15] ^= 0x01;
    /* the root last, but not the leaf's issuer */
    const cert *c[] = {&leaf, &other};
    expect_refused(c, 2, "does not verify");
    /* no issuer at all, or the order reversed */
    const cert *d[] = {&leaf};
    expect_refused(d, 1, "without its issuing CA");
    const cert *e[] = {&root, &leaf};
    expect_refused(e, 2, "issuer certificate 1");
    drop(&root), drop(&other), drop(&leaf), drop(&forged);
}

static void a_chain_without_a_self_signed_root_is_refused(void **state)
{
    (void)state;
    cert root, mid, leaf;
    make(&root, "Registrar CA", NULL, 0, CA_BC, CA_KU, -DAY, 3650 * DAY);
    make(&mid, "Intermediate", &root, 0, CA_BC, CA_KU, -DAY, 3650 * DAY);
    make(&leaf, "Tanaka Taro", &mid, 0, LEAF_BC, LEAF_KU, -DAY, 365 * DAY);
    const cert *a[] = {&leaf, &mid};
    expect_refused(a, 2, "self-signed root");
    drop(&root), drop(&mid), drop(&leaf);
}

static void certificates_not_valid_now_are_refused(void **state)
{
    (void)state;
    cert root, old, future, oldroot, leaf;
    make(&root, "Registrar CA", NULL, 0, CA_BC, CA_KU, -DAY, 3650 * DAY);
    make(&old, "Tanaka Taro", &root, 0, LEAF_BC, LEAF_KU, -400 * DAY, -DAY);
    make(&future, "Tanaka Taro", &root, 0, LEAF_BC, LEAF_KU, DAY, 365 * DAY);
    make(&oldroot, "Old CA", NULL, 0, CA_BC, CA_KU, -3650 * DAY, -DAY);
    make(&leaf, "Tanaka Taro", &oldroot, 0, LEAF_BC, LEAF_KU, -DAY, 365 * DAY);
    const cert *a[] = {&old, &root};
    expect_refused(a, 2, "the certificate has expired");
    const cert *b[] = {&future, &root};
    expect_refused(b, 2, "not valid yet");
    const cert *c[] = {&leaf, &oldroot};
    expect_refused(c, 2, "issuer certificate 1 has expired");
    drop(&root), drop(&old), drop(&future), drop(&oldroot), drop(&leaf);
}

static void keys_that_may_not_sign_and_issuers_that_are_no_ca_are_refused(void **state)
{
    (void)state;
    cert root, enc, notca, leaf, caleaf, nocertsign, leaf2;
    make(&root, "Registrar CA", NULL, 0, CA_BC, CA_KU, -DAY, 3650 * DAY);
    make(&enc, "Tanaka Taro", &root, 0, LEAF_BC, "critical,keyEncipherment", -DAY, 365 * DAY);
    make(&notca, "Not A CA", &root, 0, LEAF_BC, LEAF_KU, -DAY, 365 * DAY);
    make(&leaf, "Tanaka Taro", &notca, 0, LEAF_BC, LEAF_KU, -DAY, 365 * DAY);
    make(&caleaf, "Sub CA", &root, 0, CA_BC, CA_KU, -DAY, 365 * DAY);
    make(&nocertsign, "No Cert Sign", &root, 0, CA_BC, "critical,cRLSign", -DAY, 365 * DAY);
    make(&leaf2, "Tanaka Taro", &nocertsign, 0, LEAF_BC, LEAF_KU, -DAY, 365 * DAY);
    const cert *a[] = {&enc, &root};
    expect_refused(a, 2, "allows no digital signature");
    const cert *b[] = {&leaf, &notca, &root};
    expect_refused(b, 3, "issuer certificate 1 is not a CA");
    const cert *c[] = {&caleaf, &root};
    expect_refused(c, 2, "a CA certificate, not a signer's");
    const cert *d[] = {&leaf2, &nocertsign, &root};
    expect_refused(d, 3, "may not sign certificates");
    drop(&root), drop(&enc), drop(&notca), drop(&leaf), drop(&caleaf), drop(&nocertsign),
        drop(&leaf2);
}

static void malformed_certificates_are_refused_without_reading_past_them(void **state)
{
    (void)state;
    cert root, leaf;
    make(&root, "Registrar CA", NULL, 0, CA_BC, CA_KU, -DAY, 3650 * DAY);
    make(&leaf, "Tanaka Taro", &root, 0, LEAF_BC, LEAF_KU, -DAY, 365 * DAY);
    crpki_error_info ei;
    for (int cut = 1; cut < leaf.len; cut += 37) {
        crypto_cert_der d[2] = {{leaf.der, (size_t)(leaf.len - cut)}, {root.der, (size_t)root.len}};
        assert_int_equal(crypto_cert_check_chain(d, 2, (int64_t)time(NULL), &ei), CRPKI_E_BAD_CERT);
    }
    crypto_cert_der z[2] = {{(const uint8_t *)"\x30\x00", 2}, {root.der, (size_t)root.len}};
    assert_int_equal(crypto_cert_check_chain(z, 2, 0, &ei), CRPKI_E_BAD_CERT);
    assert_int_equal(crypto_cert_check_chain(NULL, 2, 0, &ei), CRPKI_E_INVALID_ARG);
    drop(&root), drop(&leaf);
}

/* trusted_roots: the fingerprint is OpenSSL's SHA-256 of the DER; a root
 * among the pins passes, another is refused naming its fingerprint, no pins
 * pass everything, no root at all is refused when pins are set. */
static void pinned_roots_are_compared_by_sha256(void **state)
{
    (void)state;
    cert root, other;
    make(&root, "Registrar CA", NULL, 0, CA_BC, CA_KU, -DAY, 3650 * DAY);
    make(&other, "Someone Else's CA", NULL, 0, CA_BC, CA_KU, -DAY, 3650 * DAY);
    unsigned char md[32];
    unsigned int mdlen = 0;
    assert_true(X509_digest(root.cert, EVP_sha256(), md, &mdlen) && mdlen == 32);
    char want[65], fp[65], ofp[65];
    for (int i = 0; i < 32; i++)
        snprintf(want + 2 * i, 3, "%02x", md[i]);
    assert_int_equal(crypto_cert_fingerprint(root.der, (size_t)root.len, fp), 0);
    assert_string_equal(fp, want);
    assert_int_equal(crypto_cert_fingerprint(other.der, (size_t)other.len, ofp), 0);
    crypto_cert_der r = {root.der, (size_t)root.len}, o = {other.der, (size_t)other.len};
    char *pins[] = {ofp, fp};
    crpki_error_info ei;
    assert_int_equal(crypto_cert_root_pinned(&r, pins, 2, &ei), CRPKI_OK);
    assert_int_equal(crypto_cert_root_pinned(&r, pins, 1, &ei), CRPKI_E_BAD_CERT);
    assert_non_null(strstr(ei.detail, fp));
    assert_non_null(strstr(ei.detail, "trusted_roots"));
    assert_int_equal(crypto_cert_root_pinned(&o, pins + 1, 1, &ei), CRPKI_E_BAD_CERT);
    assert_int_equal(crypto_cert_root_pinned(&o, NULL, 0, &ei), CRPKI_OK);
    assert_int_equal(crypto_cert_root_pinned(NULL, pins, 2, &ei), CRPKI_E_BAD_CERT);
    drop(&root), drop(&other);
}

/* The holder and company the representative is shown come from the
 * certificate: the first CN and O, BMPString and UTF8String alike, raw (the
 * display cleaning is text_clean's). */
static void holder_and_company_are_read_from_the_subject(void **state)
{
    (void)state;
    cert c;
    memset(&c, 0, sizeof c);
    c.key = new_key(0);
    X509 *x = X509_new();
    X509_set_version(x, 2);
    ASN1_INTEGER_set(X509_get_serialNumber(x), 4242);
    X509_NAME *n = X509_NAME_new();
    static const unsigned char YOSHIDA_BMP[] = {0x54, 0x09, 0x75, 0x30}; /* 吉田, UCS-2 */
    X509_NAME_add_entry_by_txt(n, "C", MBSTRING_UTF8, (const unsigned char *)"JP", -1, -1, 0);
    X509_NAME_add_entry_by_txt(n, "O", MBSTRING_UTF8,
                               (const unsigned char *)"株式会社\xe2\x80\xaeテスト", -1, -1, 0);
    X509_NAME_add_entry_by_txt(n, "CN", V_ASN1_BMPSTRING, YOSHIDA_BMP, sizeof YOSHIDA_BMP, -1, 0);
    X509_NAME_add_entry_by_txt(n, "CN", MBSTRING_UTF8, (const unsigned char *)"second", -1, -1, 0);
    X509_set_subject_name(x, n);
    X509_set_issuer_name(x, n);
    X509_NAME_free(n);
    X509_gmtime_adj(X509_getm_notBefore(x), -DAY);
    X509_gmtime_adj(X509_getm_notAfter(x), DAY);
    X509_set_pubkey(x, c.key);
    assert_true(X509_sign(x, c.key, EVP_sha256()) > 0);
    c.cert = x;
    c.len = i2d_X509(x, &c.der);
    assert_true(c.len > 0);
    char cn[64], org[64];
    assert_int_equal(crypto_cert_holder(c.der, (size_t)c.len, cn, sizeof cn, org, sizeof org), 0);
    assert_string_equal(cn, "吉田");
    assert_string_equal(org, "株式会社\xe2\x80\xaeテスト");
    /* cut on a character boundary */
    char small[8];
    assert_int_equal(crypto_cert_holder(c.der, (size_t)c.len, cn, sizeof cn, small, sizeof small),
                     0);
    assert_string_equal(small, "株式");
    /* no CN, no O; and what does not parse */
    cert root;
    make(&root, "x", NULL, 0, CA_BC, CA_KU, -DAY, DAY);
    X509_NAME *only_c = X509_NAME_new();
    X509_NAME_add_entry_by_txt(only_c, "C", MBSTRING_UTF8, (const unsigned char *)"JP", -1, -1, 0);
    X509_set_subject_name(root.cert, only_c);
    X509_NAME_free(only_c);
    assert_true(X509_sign(root.cert, root.key, EVP_sha256()) > 0);
    OPENSSL_free(root.der);
    root.der = NULL;
    root.len = i2d_X509(root.cert, &root.der);
    assert_int_equal(crypto_cert_holder(root.der, (size_t)root.len, cn, sizeof cn, org, sizeof org),
                     0);
    assert_string_equal(cn, "");
    assert_string_equal(org, "");
    assert_int_equal(crypto_cert_holder(c.der, (size_t)c.len - 1, cn, sizeof cn, org, sizeof org),
                     -1);
    assert_int_equal(crypto_cert_holder(NULL, 0, cn, sizeof cn, org, sizeof org), -1);
    drop(&c), drop(&root);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(good_chains_pass),
        cmocka_unit_test(pinned_roots_are_compared_by_sha256),
        cmocka_unit_test(holder_and_company_are_read_from_the_subject),
        cmocka_unit_test(a_chain_that_does_not_verify_is_refused),
        cmocka_unit_test(a_chain_without_a_self_signed_root_is_refused),
        cmocka_unit_test(certificates_not_valid_now_are_refused),
        cmocka_unit_test(keys_that_may_not_sign_and_issuers_that_are_no_ca_are_refused),
        cmocka_unit_test(malformed_certificates_are_refused_without_reading_past_them),
    };
    return cmocka_run_group_tests(tests, load_keys, free_keys);
}
