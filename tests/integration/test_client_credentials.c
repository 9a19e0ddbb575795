/* rssp_list_credentials / rssp_get_credential against crpki-rsspd: every
 * credential of the test users with its chain, key and certificate details,
 * Japanese names intact. docs/protocol.md "credentials/list", "credentials/info". */
#include "client_harness.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <openssl/asn1.h>
#include <openssl/bn.h>
#include <openssl/x509.h>

static rssp_client *C1, *C2; /* user1's and user2's clients */
static ci_tokens T1, T2;

static int setup(void **state)
{
    if (h_group_setup(state) != 0)
        return -1;
    return 0;
}

static int teardown(void **state)
{
    if (C1) {
        rssp_client_free(C1);
        ci_tokens_free(&T1);
    }
    if (C2) {
        rssp_client_free(C2);
        ci_tokens_free(&T2);
    }
    return h_group_teardown(state);
}

static rssp_client *client_of(const char *user)
{
    rssp_client **c = strcmp(user, "user1") == 0 ? &C1 : &C2;
    ci_tokens *t = strcmp(user, "user1") == 0 ? &T1 : &T2;
    if (!*c) {
        *c = ci_client_ok(NULL);
        rssp_tokens tk;
        ci_login_ok(*c, user, &tk);
        ci_tokens_init(t, *c, &tk);
        rssp_tokens_free(&tk);
    }
    return *c;
}

static int has_string(char **v, size_t n, const char *s)
{
    for (size_t i = 0; i < n; i++)
        if (v[i] && strcmp(v[i], s) == 0)
            return 1;
    return 0;
}

static void list_gives_exactly_the_users_credentials(void **state)
{
    (void)state;
    const char *users[] = {"user1", "user2"};
    for (size_t k = 0; k < 2; k++) {
        const h_user *u = h_user_by_id(users[k]);
        char **ids = NULL;
        size_t n = 0;
        crpki_error_info ei;
        crpki_err rc = rssp_list_credentials(client_of(users[k]), &ids, &n, &ei);
        CI_EXPECT_RC(rc, CRPKI_OK, &ei);
        if (n != u->ncreds)
            fail_msg("%s: %zu credentials listed, sim.json has %zu", u->id, n, u->ncreds);
        for (size_t i = 0; i < u->ncreds; i++)
            if (!has_string(ids, n, u->creds[i].id))
                fail_msg("%s: credential %s not listed", u->id, u->creds[i].id);
        rssp_free_strings(ids, n);
    }
}

static void asn1_time_str(const ASN1_TIME *t, char *buf, size_t n)
{
    struct tm tm;
    memset(&tm, 0, sizeof tm);
    if (ASN1_TIME_to_tm(t, &tm) != 1) {
        snprintf(buf, n, "?");
        return;
    }
    strftime(buf, n, "%Y%m%d%H%M%SZ", &tm);
}

static void expect_contains(const char *what, const char *hay, const char *needle)
{
    if (!hay || !needle || !strstr(hay, needle))
        fail_msg("%s \"%s\" does not contain \"%s\"", what, hay ? hay : "(null)",
                 needle ? needle : "(null)");
}

static void check_credential(const h_user *u, const h_cred *hc)
{
    rssp_credential cr;
    memset(&cr, 0, sizeof cr);
    crpki_error_info ei;
    crpki_err rc = rssp_get_credential(client_of(u->id), hc->id, &cr, &ei);
    CI_EXPECT_RC(rc, CRPKI_OK, &ei);
    assert_non_null(cr.id);
    assert_string_equal(cr.id, hc->id);
    assert_true(cr.key_enabled);
    /* key */
    if (hc->key_type == CRPKI_KEY_EC) {
        assert_int_equal(cr.key_type, RSSP_KEY_EC);
        assert_int_equal(cr.key_bits, 256);
        assert_non_null(cr.curve_oid);
        assert_string_equal(cr.curve_oid, CRPKI_OID_P256);
    } else {
        assert_int_equal(cr.key_type, RSSP_KEY_RSA);
        assert_int_equal(cr.key_bits, hc->key_bits);
        assert_null(cr.curve_oid);
    }
    const char *const *want = alg_sigalgs_for_key(hc->key_type);
    size_t nwant = 0;
    for (; want[nwant]; nwant++)
        if (!has_string(cr.algos, cr.nalgos, want[nwant]))
            fail_msg("%s: algo %s missing", hc->id, want[nwant]);
    assert_int_equal(cr.nalgos, nwant);
    assert_int_equal(cr.multisign, 64);
    /* chain: user certificate, then the registrar CA */
    assert_int_equal(cr.cert_status, RSSP_CERT_VALID);
    if (cr.ncerts != 2)
        fail_msg("%s: %zu certificates, want the chain of 2", hc->id, cr.ncerts);
    X509 *leaf = ci_blob_cert(&cr.certs[0]), *ca = ci_blob_cert(&cr.certs[1]);
    assert_non_null(leaf);
    assert_non_null(ca);
    X509 *pem = h_load_pem_cert(hc->cert), *reg = h_load_pem_cert(h_sim_data()->registrar_ca);
    assert_non_null(pem);
    assert_non_null(reg);
    if (X509_cmp(leaf, pem) != 0)
        fail_msg("%s: certs[0] is not %s", hc->id, hc->cert);
    if (X509_cmp(ca, reg) != 0)
        fail_msg("%s: certs[1] is not the registrar CA", hc->id);
    assert_true(h_verify_chain(leaf));
    /* the certificate's key is the credential's */
    EVP_PKEY *pk = X509_get0_pubkey(leaf);
    assert_non_null(pk);
    assert_int_equal(EVP_PKEY_get_bits(pk), (int)hc->key_bits);
    /* subject and issuer: RFC 4514 UTF-8, the Japanese names intact */
    expect_contains("subjectDN", cr.subject_dn, u->company);
    expect_contains("subjectDN", cr.subject_dn, u->name);
    if (u->title)
        expect_contains("subjectDN", cr.subject_dn, u->title);
    if (strstr(cr.subject_dn, "\\E") || strstr(cr.subject_dn, "#0C"))
        fail_msg("subjectDN has escaped UTF-8: %s", cr.subject_dn);
    expect_contains("issuerDN", cr.issuer_dn, "Registrar CA TEST");
    expect_contains("description", cr.description, u->company);
    expect_contains("description", cr.description, u->name);
    /* serial and validity match the certificate */
    BIGNUM *bn = ASN1_INTEGER_to_BN(X509_get0_serialNumber(leaf), NULL);
    char *hex = BN_bn2hex(bn);
    assert_non_null(cr.serial_hex);
    const char *s = cr.serial_hex;
    while (s[0] == '0' && s[1])
        s++;
    if (strcasecmp(s, hex) != 0)
        fail_msg("serial %s, certificate has %s", cr.serial_hex, hex);
    OPENSSL_free(hex);
    BN_free(bn);
    char nb[32], na[32];
    asn1_time_str(X509_get0_notBefore(leaf), nb, sizeof nb);
    asn1_time_str(X509_get0_notAfter(leaf), na, sizeof na);
    assert_non_null(cr.valid_from);
    assert_non_null(cr.valid_to);
    assert_string_equal(cr.valid_from, nb);
    assert_string_equal(cr.valid_to, na);
    print_message("      %s %s %u: %s\n", hc->id, hc->key_type == CRPKI_KEY_EC ? "EC" : "RSA",
                  cr.key_bits, cr.subject_dn);
    X509_free(leaf);
    X509_free(ca);
    X509_free(pem);
    X509_free(reg);
    rssp_credential_free(&cr);
}

static void get_each_credential_gives_chain_key_and_japanese_subject(void **state)
{
    (void)state;
    const h_sim *sim = h_sim_data();
    for (size_t k = 0; k < sim->nusers; k++)
        for (size_t i = 0; i < sim->users[k].ncreds; i++)
            check_credential(&sim->users[k], &sim->users[k].creds[i]);
}

static void unknown_credential_gives_unknown_credential(void **state)
{
    (void)state;
    rssp_credential cr;
    memset(&cr, 0, sizeof cr);
    crpki_error_info ei;
    crpki_err rc = rssp_get_credential(client_of("user1"), "cred-0000000000000000", &cr, &ei);
    CI_EXPECT_RC(rc, CRPKI_E_UNKNOWN_CREDENTIAL, &ei);
    rssp_credential_free(&cr);
}

static void another_users_credential_gives_unknown_credential(void **state)
{
    (void)state;
    const h_user *u2 = h_user_by_id("user2");
    rssp_credential cr;
    memset(&cr, 0, sizeof cr);
    crpki_error_info ei;
    crpki_err rc = rssp_get_credential(client_of("user1"), u2->creds[0].id, &cr, &ei);
    CI_EXPECT_RC(rc, CRPKI_E_UNKNOWN_CREDENTIAL, &ei);
    rssp_credential_free(&cr);
}

static void free_functions_accept_zeroed_structures(void **state)
{
    (void)state;
    rssp_credential cr;
    memset(&cr, 0, sizeof cr);
    rssp_credential_free(&cr);
    rssp_credential_free(NULL);
    rssp_free_strings(NULL, 0);
    rssp_signatures s;
    memset(&s, 0, sizeof s);
    rssp_signatures_free(&s);
    rssp_signatures_free(NULL);
    rssp_tokens t;
    memset(&t, 0, sizeof t);
    rssp_tokens_free(&t);
    rssp_tokens_free(NULL);
    rssp_service_info i;
    memset(&i, 0, sizeof i);
    rssp_service_info_free(&i);
    rssp_service_info_free(NULL);
    rssp_login_free(NULL);
    rssp_cancel_free(NULL);
    rssp_client_free(NULL);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(list_gives_exactly_the_users_credentials),
        cmocka_unit_test(get_each_credential_gives_chain_key_and_japanese_subject),
        cmocka_unit_test(unknown_credential_gives_unknown_credential),
        cmocka_unit_test(another_users_credential_gives_unknown_credential),
        cmocka_unit_test(free_functions_accept_zeroed_structures),
    };
    return cmocka_run_group_tests_name("client_credentials", tests, setup, teardown);
}
