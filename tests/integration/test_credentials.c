/* /csc/v2/info, credentials/list and credentials/info, docs/protocol.md
 * "CSC endpoints". */
#include "harness.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include <openssl/bn.h>
#include <openssl/x509v3.h>

static h_tokens tok1, tok2;

static int setup(void **state)
{
    if (h_group_setup(state) != 0)
        return -1;
    return 0;
}

static void login_once(void)
{
    if (!tok1.access)
        h_login_ok("user1", &tok1);
    if (!tok2.access)
        h_login_ok("user2", &tok2);
}

static int teardown(void **state)
{
    h_tokens_free(&tok1);
    h_tokens_free(&tok2);
    return h_group_teardown(state);
}

static void info(const char *bearer, const char *cred, const char *certs, int cert_info, h_resp *r)
{
    cJSON *j = cJSON_CreateObject();
    cJSON_AddStringToObject(j, "credentialID", cred);
    if (certs)
        cJSON_AddStringToObject(j, "certificates", certs);
    if (cert_info)
        cJSON_AddBoolToObject(j, "certInfo", 1);
    h_post_cjson("/csc/v2/credentials/info", j, bearer, r);
}

static int ids_contain(const cJSON *ids, const char *id)
{
    const cJSON *e;
    cJSON_ArrayForEach(e, ids)
    {
        if (cJSON_IsString(e) && strcmp(e->valuestring, id) == 0)
            return 1;
    }
    return 0;
}

static void expect_exactly_own_credentials(const char *user, const char *bearer)
{
    const h_user *u = h_user_by_id(user);
    h_resp r;
    h_post_json("/csc/v2/credentials/list", "{}", bearer, &r);
    H_EXPECT_STATUS(&r, 200);
    const cJSON *ids = cJSON_GetObjectItemCaseSensitive(r.json, "credentialIDs");
    if (!cJSON_IsArray(ids) || cJSON_GetArraySize(ids) != (int)u->ncreds)
        fail_msg("%s: want %zu credentialIDs, got %s", user, u->ncreds, r.body);
    for (size_t i = 0; i < u->ncreds; i++)
        if (!ids_contain(ids, u->creds[i].id))
            fail_msg("%s: credential %s missing from %s", user, u->creds[i].id, r.body);
    if (cJSON_GetObjectItemCaseSensitive(r.json, "credentialInfos"))
        fail_msg("credentialInfos present without credInfo: %s", r.body);
    h_resp_free(&r);
}

static void list_user1_returns_exactly_its_three_credentials(void **state)
{
    (void)state;
    login_once();
    assert_int_equal(h_user_by_id("user1")->ncreds, 3);
    expect_exactly_own_credentials("user1", tok1.access);
}

static void list_user2_returns_exactly_its_one_credential(void **state)
{
    (void)state;
    login_once();
    assert_int_equal(h_user_by_id("user2")->ncreds, 1);
    expect_exactly_own_credentials("user2", tok2.access);
}

static void list_with_credinfo_returns_an_info_per_credential(void **state)
{
    (void)state;
    login_once();
    const h_user *u = h_user_by_id("user1");
    h_resp r;
    h_post_json("/csc/v2/credentials/list",
                "{\"credInfo\":true,\"certificates\":\"chain\",\"certInfo\":true}", tok1.access,
                &r);
    H_EXPECT_STATUS(&r, 200);
    const cJSON *infos = cJSON_GetObjectItemCaseSensitive(r.json, "credentialInfos");
    if (!cJSON_IsArray(infos) || cJSON_GetArraySize(infos) != (int)u->ncreds)
        fail_msg("want %zu credentialInfos, got %s", u->ncreds, r.body);
    for (size_t i = 0; i < u->ncreds; i++) {
        const cJSON *e, *found = NULL;
        cJSON_ArrayForEach(e, infos)
        {
            const char *id = h_jstr(e, "credentialID");
            if (id && strcmp(id, u->creds[i].id) == 0)
                found = e;
        }
        if (!found)
            fail_msg("no credentialInfos entry for %s", u->creds[i].id);
        const cJSON *certs =
            cJSON_GetObjectItemCaseSensitive(cJSON_GetObjectItem(found, "cert"), "certificates");
        assert_int_equal(cJSON_GetArraySize(certs), 2);
        assert_non_null(h_jstr(cJSON_GetObjectItem(found, "cert"), "subjectDN"));
        assert_non_null(cJSON_GetObjectItemCaseSensitive(found, "key"));
    }
    h_resp_free(&r);
}

static void list_max_results_one_returns_one_id(void **state)
{
    (void)state;
    login_once();
    h_resp r;
    h_post_json("/csc/v2/credentials/list", "{\"maxResults\":1}", tok1.access, &r);
    H_EXPECT_STATUS(&r, 200);
    assert_int_equal(cJSON_GetArraySize(cJSON_GetObjectItem(r.json, "credentialIDs")), 1);
    h_resp_free(&r);
}

static const h_cred *all_creds(size_t i, const char **user)
{
    const h_sim *s = h_sim_data();
    for (size_t u = 0; u < s->nusers; u++) {
        if (i < s->users[u].ncreds) {
            *user = s->users[u].id;
            return &s->users[u].creds[i];
        }
        i -= s->users[u].ncreds;
    }
    return NULL;
}

static const char *token_of(const char *user)
{
    return strcmp(user, "user1") == 0 ? tok1.access : tok2.access;
}

static void info_single_returns_the_issued_certificate_for_every_credential(void **state)
{
    (void)state;
    login_once();
    const char *user;
    const h_cred *c;
    for (size_t i = 0; (c = all_creds(i, &user)) != NULL; i++) {
        X509 *x = h_cred_cert_ok(token_of(user), c); /* also equals the PEM file */
        if (!h_verify_chain(x))
            fail_msg("certificate of %s does not chain to the registrar CA", c->id);
        X509_free(x);
        /* default is single */
        h_resp r;
        info(token_of(user), c->id, NULL, 0, &r);
        H_EXPECT_STATUS(&r, 200);
        const cJSON *certs = cJSON_GetObjectItemCaseSensitive(
            cJSON_GetObjectItemCaseSensitive(r.json, "cert"), "certificates");
        assert_int_equal(cJSON_GetArraySize(certs), 1);
        h_resp_free(&r);
    }
}

static void info_chain_returns_user_cert_then_registrar_ca(void **state)
{
    (void)state;
    login_once();
    X509 *ca = h_load_pem_cert(h_sim_data()->registrar_ca);
    assert_non_null(ca);
    const char *user;
    const h_cred *c;
    for (size_t i = 0; (c = all_creds(i, &user)) != NULL; i++) {
        h_resp r;
        info(token_of(user), c->id, "chain", 0, &r);
        H_EXPECT_STATUS(&r, 200);
        const cJSON *certs = cJSON_GetObjectItemCaseSensitive(
            cJSON_GetObjectItemCaseSensitive(r.json, "cert"), "certificates");
        if (cJSON_GetArraySize(certs) != 2)
            fail_msg("chain: want 2 certificates, got %s", r.body);
        X509 *u = h_der_cert(cJSON_GetArrayItem(certs, 0)->valuestring);
        X509 *x = h_der_cert(cJSON_GetArrayItem(certs, 1)->valuestring);
        X509 *pem = h_load_pem_cert(c->cert);
        assert_non_null(u);
        assert_non_null(x);
        assert_non_null(pem);
        assert_int_equal(X509_cmp(u, pem), 0);
        if (X509_cmp(x, ca) != 0)
            fail_msg("chain[1] of %s is not the registrar CA", c->id);
        X509_free(u);
        X509_free(x);
        X509_free(pem);
        h_resp_free(&r);
    }
    X509_free(ca);
}

static void info_none_omits_certificates(void **state)
{
    (void)state;
    login_once();
    h_resp r;
    info(tok1.access, h_user_by_id("user1")->creds[0].id, "none", 0, &r);
    H_EXPECT_STATUS(&r, 200);
    const cJSON *cert = cJSON_GetObjectItemCaseSensitive(r.json, "cert");
    if (cJSON_GetObjectItemCaseSensitive(cert, "certificates"))
        fail_msg("certificates: none still returns cert.certificates: %s", r.body);
    assert_non_null(h_jstr(cert, "status"));
    h_resp_free(&r);
}

static int strset_equal(const cJSON *arr, const char *const *want)
{
    size_t n = 0;
    for (; want[n]; n++)
        if (!ids_contain(arr, want[n]))
            return 0;
    return cJSON_GetArraySize(arr) == (int)n;
}

static void info_key_reports_algos_len_and_curve_of_each_key(void **state)
{
    (void)state;
    login_once();
    const char *user;
    const h_cred *c;
    for (size_t i = 0; (c = all_creds(i, &user)) != NULL; i++) {
        h_resp r;
        info(token_of(user), c->id, "single", 0, &r);
        H_EXPECT_STATUS(&r, 200);
        const cJSON *key = cJSON_GetObjectItemCaseSensitive(r.json, "key");
        const cJSON *algo = cJSON_GetObjectItemCaseSensitive(key, "algo");
        if (!strset_equal(algo, alg_sigalgs_for_key(c->key_type)))
            fail_msg("%s: key.algo %s is not the documented list", c->id,
                     cJSON_PrintUnformatted(algo));
        assert_int_equal((unsigned)h_jnum(key, "len", -1), c->key_bits);
        const char *status = h_jstr(key, "status");
        assert_non_null(status);
        assert_string_equal(status, "enabled");
        const char *curve = h_jstr(key, "curve");
        if (c->key_type == CRPKI_KEY_EC) {
            if (!curve || strcmp(curve, CRPKI_OID_P256) != 0)
                fail_msg("%s: EC key without curve %s: %s", c->id, CRPKI_OID_P256, r.body);
        } else if (curve) {
            fail_msg("%s: RSA key with a curve: %s", c->id, r.body);
        }
        const char *mode = h_jstr(r.json, "authMode");
        assert_non_null(mode);
        assert_string_equal(mode, "gbizid_app");
        assert_int_equal((int)h_jnum(r.json, "multisign", -1), 64);
        const char *cs = h_jstr(cJSON_GetObjectItemCaseSensitive(r.json, "cert"), "status");
        assert_non_null(cs);
        assert_string_equal(cs, "valid");
        /* the key in the certificate is the key the service reports */
        X509 *x = h_cred_cert_ok(token_of(user), c);
        EVP_PKEY *pk = X509_get0_pubkey(x);
        if (c->key_type == CRPKI_KEY_RSA) {
            assert_int_equal(EVP_PKEY_get_base_id(pk), EVP_PKEY_RSA);
            assert_int_equal(EVP_PKEY_get_bits(pk), (int)c->key_bits);
        } else {
            assert_int_equal(EVP_PKEY_get_base_id(pk), EVP_PKEY_EC);
            assert_int_equal(EVP_PKEY_get_bits(pk), 256);
        }
        X509_free(x);
        h_resp_free(&r);
    }
}

static char *time_str(const ASN1_TIME *t)
{
    struct tm tm;
    if (ASN1_TIME_to_tm(t, &tm) != 1)
        return NULL;
    char *s = malloc(20);
    strftime(s, 20, "%Y%m%d%H%M%SZ", &tm);
    return s;
}

static const char *skip_zeros(const char *s)
{
    while (*s == '0' && s[1])
        s++;
    return s;
}

/* Every attribute value of name (as UTF-8) occurs in dn. */
static void expect_dn_values(const X509_NAME *name, const char *dn, const char *what)
{
    for (int i = 0; i < X509_NAME_entry_count(name); i++) {
        const X509_NAME_ENTRY *e = X509_NAME_get_entry(name, i);
        unsigned char *u = NULL;
        int n = ASN1_STRING_to_UTF8(&u, X509_NAME_ENTRY_get_data(e));
        assert_true(n >= 0);
        if (!strstr(dn, (const char *)u))
            fail_msg("%s \"%s\" lacks the certificate's value \"%s\"", what, dn, u);
        OPENSSL_free(u);
    }
}

static void info_certinfo_has_utf8_japanese_subject_and_cert_fields(void **state)
{
    (void)state;
    login_once();
    const h_sim *s = h_sim_data();
    for (size_t ui = 0; ui < s->nusers; ui++) {
        const h_user *u = &s->users[ui];
        for (size_t ci = 0; ci < u->ncreds; ci++) {
            const h_cred *c = &u->creds[ci];
            h_resp r;
            info(token_of(u->id), c->id, "single", 1, &r);
            H_EXPECT_STATUS(&r, 200);
            const cJSON *cert = cJSON_GetObjectItemCaseSensitive(r.json, "cert");
            const char *subj = h_jstr(cert, "subjectDN"), *iss = h_jstr(cert, "issuerDN");
            const char *serial = h_jstr(cert, "serialNumber");
            const char *from = h_jstr(cert, "validFrom"), *to = h_jstr(cert, "validTo");
            if (!subj || !iss || !serial || !from || !to)
                fail_msg("certInfo: want subjectDN, issuerDN, serialNumber, validFrom, validTo: "
                         "%s",
                         r.body);
            /* the Japanese company or representative name, UTF-8 intact */
            if (!strstr(subj, u->company) && !strstr(subj, u->name))
                fail_msg("subjectDN \"%s\" contains neither \"%s\" nor \"%s\"", subj, u->company,
                         u->name);
            X509 *x = h_cred_cert_ok(token_of(u->id), c);
            expect_dn_values(X509_get_subject_name(x), subj, "subjectDN");
            expect_dn_values(X509_get_issuer_name(x), iss, "issuerDN");
            BIGNUM *bn = ASN1_INTEGER_to_BN(X509_get0_serialNumber(x), NULL);
            char *hex = BN_bn2hex(bn);
            if (strcasecmp(skip_zeros(hex), skip_zeros(serial)) != 0)
                fail_msg("serialNumber %s, certificate has %s", serial, hex);
            for (const char *p = serial; *p; p++)
                if (!isxdigit((unsigned char)*p) || islower((unsigned char)*p))
                    fail_msg("serialNumber %s is not upper-case hex", serial);
            char *nb = time_str(X509_get0_notBefore(x)), *na = time_str(X509_get0_notAfter(x));
            assert_non_null(nb);
            assert_non_null(na);
            assert_string_equal(from, nb);
            assert_string_equal(to, na);
            free(nb);
            free(na);
            OPENSSL_free(hex);
            BN_free(bn);
            X509_free(x);
            h_resp_free(&r);
        }
    }
}

static void info_without_certinfo_omits_dn_fields(void **state)
{
    (void)state;
    login_once();
    h_resp r;
    info(tok1.access, h_user_by_id("user1")->creds[0].id, "single", 0, &r);
    H_EXPECT_STATUS(&r, 200);
    const cJSON *cert = cJSON_GetObjectItemCaseSensitive(r.json, "cert");
    if (h_jstr(cert, "subjectDN") || h_jstr(cert, "issuerDN") || h_jstr(cert, "validFrom"))
        fail_msg("DN fields without certInfo: %s", r.body);
    const char *desc = h_jstr(r.json, "description");
    assert_non_null(desc);
    /* company, title and name of the representative */
    const h_user *u = h_user_by_id("user1");
    if (!strstr(desc, u->company) || !strstr(desc, u->name) ||
        (u->title && !strstr(desc, u->title)))
        fail_msg("description \"%s\" lacks company \"%s\", title \"%s\" or name \"%s\"", desc,
                 u->company, u->title ? u->title : "", u->name);
    h_resp_free(&r);
}

static void info_other_users_credential_is_invalid_credential(void **state)
{
    (void)state;
    login_once();
    h_resp r;
    info(tok2.access, h_user_by_id("user1")->creds[0].id, NULL, 0, &r);
    H_EXPECT_ERROR(&r, 400, "invalid_credential");
    h_resp_free(&r);
    info(tok1.access, h_user_by_id("user2")->creds[0].id, NULL, 0, &r);
    H_EXPECT_ERROR(&r, 400, "invalid_credential");
    h_resp_free(&r);
    info(tok1.access, "no-such-credential", NULL, 0, &r);
    H_EXPECT_ERROR(&r, 400, "invalid_credential");
    h_resp_free(&r);
}

static void info_missing_credential_id_is_invalid_request_naming_it(void **state)
{
    (void)state;
    login_once();
    h_resp r;
    h_post_json("/csc/v2/credentials/info", "{\"certificates\":\"single\"}", tok1.access, &r);
    H_EXPECT_ERROR(&r, 400, "invalid_request");
    if (!strstr(h_jstr(r.json, "error_description"), "credentialID"))
        fail_msg("error_description does not name credentialID: %s", r.body);
    h_resp_free(&r);
    h_post_json("/csc/v2/credentials/info",
                "{\"credentialID\":\"x\",\"certificates\":\"everything\"}", tok1.access, &r);
    H_EXPECT_ERROR(&r, 400, "invalid_request");
    if (!strstr(h_jstr(r.json, "error_description"), "certificates"))
        fail_msg("error_description does not name certificates: %s", r.body);
    h_resp_free(&r);
}

static void expect_invalid_token(const char *path, const char *bearer)
{
    h_resp r;
    h_post_json(path, "{}", bearer, &r);
    H_EXPECT_ERROR(&r, 401, "invalid_token");
    if (!r.www_authenticate || !strstr(r.www_authenticate, "Bearer") ||
        !strstr(r.www_authenticate, "error=\"invalid_token\""))
        fail_msg("%s: WWW-Authenticate %s, want Bearer error=\"invalid_token\"", path,
                 r.www_authenticate ? r.www_authenticate : "(none)");
    h_resp_free(&r);
}

static void csc_without_or_with_bad_bearer_is_401_invalid_token(void **state)
{
    (void)state;
    static const char *const paths[] = {
        "/csc/v2/credentials/list", "/csc/v2/credentials/info", "/csc/v2/credentials/authorize",
        "/csc/v2/credentials/authorizeCheck", "/csc/v2/signatures/signHash"};
    for (size_t i = 0; i < sizeof paths / sizeof paths[0]; i++) {
        expect_invalid_token(paths[i], NULL);
        expect_invalid_token(paths[i], "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA");
    }
}

static void csc_info_needs_no_auth_and_describes_the_service(void **state)
{
    (void)state;
    h_resp r;
    h_post_json("/csc/v2/info", "{}", NULL, &r);
    H_EXPECT_STATUS(&r, 200);
    assert_non_null(r.content_type);
    if (!strstr(r.content_type, "application/json"))
        fail_msg("Content-Type %s, want application/json", r.content_type);
    assert_string_equal(h_jstr(r.json, "specs"), "2.0.0.0");
    assert_string_equal(h_jstr(r.json, "name"), "crpki-rsspd");
    assert_string_equal(h_jstr(r.json, "region"), "JP");
    char want[96];
    snprintf(want, sizeof want, "%s/oauth2", h_base_url());
    const char *oauth2 = h_jstr(r.json, "oauth2");
    assert_non_null(oauth2);
    assert_string_equal(oauth2, want);
    const cJSON *at = cJSON_GetObjectItemCaseSensitive(r.json, "authType");
    assert_true(ids_contain(at, "oauth2code"));
    static const char *const methods[] = {"credentials/list",      "credentials/info",
                                          "credentials/authorize", "credentials/authorizeCheck",
                                          "signatures/signHash",   NULL};
    assert_true(strset_equal(cJSON_GetObjectItemCaseSensitive(r.json, "methods"), methods));
    assert_int_equal((int)h_jnum(r.json, "maxSignatures", -1), 64);
    assert_int_equal((int)h_jnum(r.json, "approvalExpiresIn", -1), 120);
    h_resp_free(&r);
    h_post_json("/csc/v2/info", "{\"lang\":\"ja-JP\"}", NULL, &r);
    H_EXPECT_STATUS(&r, 200);
    h_resp_free(&r);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(csc_info_needs_no_auth_and_describes_the_service),
        cmocka_unit_test(list_user1_returns_exactly_its_three_credentials),
        cmocka_unit_test(list_user2_returns_exactly_its_one_credential),
        cmocka_unit_test(list_with_credinfo_returns_an_info_per_credential),
        cmocka_unit_test(list_max_results_one_returns_one_id),
        cmocka_unit_test(info_single_returns_the_issued_certificate_for_every_credential),
        cmocka_unit_test(info_chain_returns_user_cert_then_registrar_ca),
        cmocka_unit_test(info_none_omits_certificates),
        cmocka_unit_test(info_key_reports_algos_len_and_curve_of_each_key),
        cmocka_unit_test(info_certinfo_has_utf8_japanese_subject_and_cert_fields),
        cmocka_unit_test(info_without_certinfo_omits_dn_fields),
        cmocka_unit_test(info_other_users_credential_is_invalid_credential),
        cmocka_unit_test(info_missing_credential_id_is_invalid_request_naming_it),
        cmocka_unit_test(csc_without_or_with_bad_bearer_is_401_invalid_token),
    };
    return cmocka_run_group_tests_name("integration: credentials", tests, setup, teardown);
}
