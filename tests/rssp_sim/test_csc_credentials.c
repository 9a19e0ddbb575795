/* The CSC endpoints through rsspd_service_handle: info and credentials.
 * docs/protocol.md "CSC endpoints". */
#define _POSIX_C_SOURCE 200809L

#include "test_csc_common.h"

/* ---- info, credentials -------------------------------------------------------------------- */

static void info_without_token_describes_service_and_limits(void **state)
{
    (void)state;
    tsf_resp r;
    tsf_post_json("/csc/v2/info", NULL, "{\"lang\":\"ja-JP\"}", &r);
    assert_int_equal(r.r.status, 200);
    assert_string_equal(tsf_str(r.json, "specs"), "2.0.0.0");
    assert_string_equal(tsf_str(r.json, "name"), "crpki-rsspd");
    assert_string_equal(tsf_str(r.json, "region"), "JP");
    assert_string_equal(tsf_str(r.json, "oauth2"), "https://localhost:4443/oauth2");
    assert_true(tsf_num(r.json, "maxSignatures") == 64);
    assert_true(tsf_num(r.json, "approvalExpiresIn") == 120);
    const cJSON *m = cJSON_GetObjectItem(r.json, "methods");
    assert_int_equal(cJSON_GetArraySize(m), 5);
    assert_string_equal(cJSON_GetArrayItem(cJSON_GetObjectItem(r.json, "authType"), 0)->valuestring,
                        "oauth2code");
    tsf_resp_free(&r);
    tsf_call("POST", "/csc/v2/info", NULL, NULL, NULL, NULL, 0, &r); /* empty body = {} */
    assert_int_equal(r.r.status, 200);
    tsf_resp_free(&r);
}

static void info_wrong_typed_lang_or_bad_json_is_invalid_request(void **state)
{
    (void)state;
    tsf_resp r;
    tsf_post_json("/csc/v2/info", NULL, "{\"lang\":5}", &r);
    tsf_expect_error(&r, 400, "invalid_request", "lang");
    tsf_post_json("/csc/v2/info", NULL, "{\"lang\":\"ja\"", &r);
    tsf_expect_error(&r, 400, "invalid_request", "body");
    tsf_post_json("/csc/v2/info", NULL, "[]", &r);
    tsf_expect_error(&r, 400, "invalid_request", "body");
}

static void credentials_list_returns_only_the_callers_credentials(void **state)
{
    (void)state;
    tsf_resp r;
    tsf_post_json("/csc/v2/credentials/list", at1, "{}", &r);
    assert_int_equal(r.r.status, 200);
    const cJSON *ids = cJSON_GetObjectItem(r.json, "credentialIDs");
    assert_int_equal(cJSON_GetArraySize(ids), 3);
    assert_null(cJSON_GetObjectItem(r.json, "credentialInfos"));
    for (int i = 0; i < 3; i++)
        assert_string_not_equal(cJSON_GetArrayItem(ids, i)->valuestring, user2_cred());
    tsf_resp_free(&r);
    tsf_post_json("/csc/v2/credentials/list", at2, "{}", &r);
    ids = cJSON_GetObjectItem(r.json, "credentialIDs");
    assert_int_equal(cJSON_GetArraySize(ids), 1);
    assert_string_equal(cJSON_GetArrayItem(ids, 0)->valuestring, user2_cred());
    tsf_resp_free(&r);
}

static void credentials_list_max_results_and_cred_info(void **state)
{
    (void)state;
    tsf_resp r;
    tsf_post_json("/csc/v2/credentials/list", at1,
                  "{\"maxResults\":2,\"credInfo\":true,\"certificates\":\"chain\"}", &r);
    assert_int_equal(r.r.status, 200);
    assert_int_equal(cJSON_GetArraySize(cJSON_GetObjectItem(r.json, "credentialIDs")), 2);
    const cJSON *infos = cJSON_GetObjectItem(r.json, "credentialInfos");
    assert_int_equal(cJSON_GetArraySize(infos), 2);
    const cJSON *i0 = cJSON_GetArrayItem(infos, 0);
    assert_string_equal(
        tsf_str(i0, "credentialID"),
        cJSON_GetArrayItem(cJSON_GetObjectItem(r.json, "credentialIDs"), 0)->valuestring);
    const cJSON *certs = cJSON_GetObjectItem(cJSON_GetObjectItem(i0, "cert"), "certificates");
    assert_int_equal(cJSON_GetArraySize(certs), 2);
    tsf_resp_free(&r);
    static const char *const bad[] = {"{\"maxResults\":0}", "{\"maxResults\":1001}",
                                      "{\"maxResults\":\"2\"}", "{\"credInfo\":1}",
                                      "{\"certificates\":\"all\"}"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        tsf_post_json("/csc/v2/credentials/list", at1, bad[i], &r);
        tsf_expect_error(&r, 400, "invalid_request", NULL);
    }
}

static void credentials_info_cert_info_has_dn_serial_validity_and_chain(void **state)
{
    (void)state;
    char body[256];
    snprintf(body, sizeof body,
             "{\"credentialID\":\"%s\",\"certInfo\":true,\"certificates\":\"chain\","
             "\"authInfo\":true}",
             rsa2048());
    tsf_resp r;
    tsf_post_json("/csc/v2/credentials/info", at1, body, &r);
    assert_int_equal(r.r.status, 200);
    const cJSON *key = cJSON_GetObjectItem(r.json, "key");
    assert_string_equal(tsf_str(key, "status"), "enabled");
    assert_true(tsf_num(key, "len") == 2048);
    assert_null(cJSON_GetObjectItem(key, "curve"));
    const cJSON *algo = cJSON_GetObjectItem(key, "algo");
    int has_pss = 0;
    const cJSON *e;
    cJSON_ArrayForEach(e, algo) has_pss |= strcmp(e->valuestring, "1.2.840.113549.1.1.10") == 0;
    assert_true(has_pss);
    const cJSON *cert = cJSON_GetObjectItem(r.json, "cert");
    assert_string_equal(tsf_str(cert, "status"), "valid");
    assert_non_null(strstr(tsf_str(cert, "subjectDN"), "CN=山田 太郎"));
    assert_non_null(strstr(tsf_str(cert, "subjectDN"), "O=株式会社テスト商事"));
    assert_non_null(strstr(tsf_str(cert, "issuerDN"), "CN=Registrar CA TEST"));
    assert_int_equal(strlen(tsf_str(cert, "validFrom")), 15);
    assert_int_equal(tsf_str(cert, "validTo")[14], 'Z');
    assert_true(strspn(tsf_str(cert, "serialNumber"), "0123456789ABCDEF") ==
                strlen(tsf_str(cert, "serialNumber")));
    assert_string_equal(tsf_str(r.json, "authMode"), "gbizid_app");
    assert_true(tsf_num(r.json, "multisign") == 64);
    assert_non_null(strstr(tsf_str(r.json, "description"), "代表取締役"));
    /* the first certificate is the user's, with the serial reported */
    const cJSON *certs = cJSON_GetObjectItem(cert, "certificates");
    assert_int_equal(cJSON_GetArraySize(certs), 2);
    const char *b = cJSON_GetArrayItem(certs, 0)->valuestring;
    uint8_t der[4096];
    size_t dl;
    assert_int_equal(base64_decode(b, strlen(b), der, sizeof der, &dl), 0);
    const unsigned char *p = der;
    X509 *x = d2i_X509(NULL, &p, (long)dl);
    assert_non_null(x);
    BIGNUM *bn = ASN1_INTEGER_to_BN(X509_get0_serialNumber(x), NULL);
    char *hex = BN_bn2hex(bn);
    assert_string_equal(hex, tsf_str(cert, "serialNumber"));
    OPENSSL_free(hex);
    BN_free(bn);
    X509_free(x);
    tsf_resp_free(&r);
}

static void credentials_info_ec_key_reports_curve_and_certificates_none(void **state)
{
    (void)state;
    char body[256];
    snprintf(body, sizeof body, "{\"credentialID\":\"%s\",\"certificates\":\"none\"}", p256());
    tsf_resp r;
    tsf_post_json("/csc/v2/credentials/info", at1, body, &r);
    assert_int_equal(r.r.status, 200);
    const cJSON *key = cJSON_GetObjectItem(r.json, "key");
    assert_true(tsf_num(key, "len") == 256);
    assert_string_equal(tsf_str(key, "curve"), "1.2.840.10045.3.1.7");
    assert_string_equal(cJSON_GetArrayItem(cJSON_GetObjectItem(key, "algo"), 0)->valuestring,
                        "1.2.840.10045.2.1");
    const cJSON *cert = cJSON_GetObjectItem(r.json, "cert");
    assert_null(cJSON_GetObjectItem(cert, "certificates"));
    assert_null(cJSON_GetObjectItem(cert, "subjectDN")); /* certInfo false */
    tsf_resp_free(&r);
    /* default: single */
    snprintf(body, sizeof body, "{\"credentialID\":\"%s\"}", p256());
    tsf_post_json("/csc/v2/credentials/info", at1, body, &r);
    assert_int_equal(cJSON_GetArraySize(
                         cJSON_GetObjectItem(cJSON_GetObjectItem(r.json, "cert"), "certificates")),
                     1);
    tsf_resp_free(&r);
}

static void credentials_info_other_users_credential_looks_missing(void **state)
{
    (void)state;
    char body[256];
    snprintf(body, sizeof body, "{\"credentialID\":\"%s\"}", user2_cred());
    tsf_resp r, r2;
    tsf_post_json("/csc/v2/credentials/info", at1, body, &r);
    tsf_post_json("/csc/v2/credentials/info", at1, "{\"credentialID\":\"no-such\"}", &r2);
    assert_int_equal(r.r.status, 400);
    assert_int_equal(r.r.body_len, r2.r.body_len);
    assert_memory_equal(r.r.body, r2.r.body, r.r.body_len);
    tsf_expect_error(&r, 400, "invalid_credential", "credentialID");
    tsf_expect_error(&r2, 400, "invalid_credential", "credentialID");
    tsf_post_json("/csc/v2/credentials/info", at1, "{}", &r);
    tsf_expect_error(&r, 400, "invalid_request", "credentialID");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        T(info_without_token_describes_service_and_limits),
        T(info_wrong_typed_lang_or_bad_json_is_invalid_request),
        T(credentials_list_returns_only_the_callers_credentials),
        T(credentials_list_max_results_and_cred_info),
        T(credentials_info_cert_info_has_dn_serial_validity_and_chain),
        T(credentials_info_ec_key_reports_curve_and_certificates_none),
        T(credentials_info_other_users_credential_looks_missing),
    };
    return cmocka_run_group_tests_name("rsspd csc: credentials", tests, tsf_group_setup,
                                       tsf_group_teardown);
}
