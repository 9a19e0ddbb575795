/* The checks of authorize, authorizeCheck and signHash requests: the error
 * each malformed field gets, and the order of the checks. docs/protocol.md. */
#include "approval_common.h"

#include <openssl/rsa.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void other_user_checking_a_handle_is_invalid_request(void **state)
{
    (void)state;
    uint8_t d[32];
    h_random(d, sizeof d);
    h_approval a;
    h_authorize_ok(t1(), rsa1(), SHA256_OID, d, 1, 32, &a);
    h_resp r;
    h_check(t2(), a.handle, 0, &r);
    H_EXPECT_ERROR(&r, 400, "invalid_request");
    if (!strstr(h_jstr(r.json, "error_description"), "handle"))
        fail_msg("another user's handle: error_description does not name handle: %s", r.body);
    h_resp_free(&r);
    h_check(t1(), "no-such-handle", 0, &r);
    H_EXPECT_ERROR(&r, 400, "invalid_request");
    if (!strstr(h_jstr(r.json, "error_description"), "handle"))
        fail_msg("unknown handle: error_description does not name handle: %s", r.body);
    h_resp_free(&r);
    assert_int_equal(h_deny(a.code), 0);
    h_approval_free(&a);
}

static void md5_is_unsupported_algorithm(void **state)
{
    (void)state;
    uint8_t d[16];
    h_random(d, sizeof d);
    h_resp r;
    h_authorize(t1(), rsa1(), MD5_OID, d, 1, 16, &r);
    H_EXPECT_ERROR(&r, 400, "unsupported_algorithm");
    h_resp_free(&r);
    h_authorize(t1(), rsa1(), "1.2.3.4", d, 1, 16, &r);
    H_EXPECT_ERROR(&r, 400, "unsupported_algorithm");
    h_resp_free(&r);
}

static void wrong_hash_length_or_count_is_invalid_hash(void **state)
{
    (void)state;
    uint8_t d[64];
    h_random(d, sizeof d);
    h_resp r;
    h_authorize(t1(), rsa1(), SHA256_OID, d, 1, 20, &r); /* 20 bytes for SHA-256 */
    H_EXPECT_ERROR(&r, 400, "invalid_hash");
    h_resp_free(&r);
    h_authorize(t1(), rsa1(), SHA256_OID, d, 1, 48, &r);
    H_EXPECT_ERROR(&r, 400, "invalid_hash");
    h_resp_free(&r);
    /* numSignatures 2 with one hash */
    cJSON *j = cJSON_CreateObject();
    cJSON_AddStringToObject(j, "credentialID", rsa1());
    cJSON_AddNumberToObject(j, "numSignatures", 2);
    cJSON_AddItemToObject(j, "hashes", h_hashes_json(d, 1, 32));
    cJSON_AddStringToObject(j, "hashAlgorithmOID", SHA256_OID);
    cJSON_AddItemToObject(j, "authData", cJSON_Parse("[{\"id\":\"gbizid_app\"}]"));
    h_post_cjson("/csc/v2/credentials/authorize", j, t1(), &r);
    H_EXPECT_ERROR(&r, 400, "invalid_hash");
    h_resp_free(&r);
}

static void authorize_field_errors_are_invalid_request_naming_the_field(void **state)
{
    (void)state;
    uint8_t d[32];
    h_random(d, sizeof d);
    char *hash = base64_encode_alloc(d, 32);
    char body[1024];
    /* a valid request with one member replaced (NULL: removed) */
    struct {
        const char *field, *value;
    } cases[] = {
        {"authData", NULL},
        {"authData", "[{\"id\":\"password\"}]"},
        {"authData", "{\"id\":\"gbizid_app\"}"},
        {"numSignatures", "\"1\""},
        {"numSignatures", NULL},
        {"hashes", "\"AAAA\""},
        {"hashes", NULL},
        {"hashAlgorithmOID", NULL},
        {"hashAlgorithmOID", "2"},
        {"credentialID", NULL},
        {"description", "7"},
        {"description", "\"line\\nbreak\""},
        {"description", "\"tab\\there\""},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        cJSON *j = cJSON_CreateObject();
        cJSON_AddStringToObject(j, "credentialID", rsa1());
        cJSON_AddNumberToObject(j, "numSignatures", 1);
        cJSON_AddItemToObject(j, "hashes", h_hashes_json(d, 1, 32));
        cJSON_AddStringToObject(j, "hashAlgorithmOID", SHA256_OID);
        cJSON_AddStringToObject(j, "description", "x");
        cJSON_AddItemToObject(j, "authData", cJSON_Parse("[{\"id\":\"gbizid_app\"}]"));
        cJSON_DeleteItemFromObjectCaseSensitive(j, cases[i].field);
        if (cases[i].value)
            cJSON_AddItemToObject(j, cases[i].field, cJSON_Parse(cases[i].value));
        char *txt = cJSON_PrintUnformatted(j);
        h_resp r;
        h_post_cjson("/csc/v2/credentials/authorize", j, t1(), &r);
        H_EXPECT_ERROR(&r, 400, "invalid_request");
        if (!strstr(h_jstr(r.json, "error_description"), cases[i].field))
            fail_msg("%s\n-> error_description does not name %s: %s", txt, cases[i].field, r.body);
        free(txt);
        h_resp_free(&r);
    }
    /* numSignatures 0 with no hashes: out of range */
    {
        h_resp r;
        h_authorize(t1(), rsa1(), SHA256_OID, d, 0, 32, &r);
        H_EXPECT_ERROR(&r, 400, "invalid_request");
        if (!strstr(h_jstr(r.json, "error_description"), "numSignatures"))
            fail_msg("numSignatures 0: error_description does not name it: %s", r.body);
        h_resp_free(&r);
    }
    /* description over 256 bytes */
    {
        char longdesc[300];
        memset(longdesc, 'a', 257);
        longdesc[257] = 0;
        cJSON *j = cJSON_CreateObject();
        cJSON_AddStringToObject(j, "credentialID", rsa1());
        cJSON_AddNumberToObject(j, "numSignatures", 1);
        cJSON_AddItemToObject(j, "hashes", h_hashes_json(d, 1, 32));
        cJSON_AddStringToObject(j, "hashAlgorithmOID", SHA256_OID);
        cJSON_AddStringToObject(j, "description", longdesc);
        cJSON_AddItemToObject(j, "authData", cJSON_Parse("[{\"id\":\"gbizid_app\"}]"));
        h_resp r;
        h_post_cjson("/csc/v2/credentials/authorize", j, t1(), &r);
        H_EXPECT_ERROR(&r, 400, "invalid_request");
        if (!strstr(h_jstr(r.json, "error_description"), "description"))
            fail_msg("257-byte description: error_description does not name it: %s", r.body);
        h_resp_free(&r);
    }
    /* a hash that is not strict base64 */
    snprintf(body, sizeof body,
             "{\"credentialID\":\"%s\",\"numSignatures\":1,\"hashes\":[\"%.42s\"],"
             "\"hashAlgorithmOID\":\"" SHA256_OID "\",\"authData\":[{\"id\":\"gbizid_app\"}]}",
             rsa1(), hash); /* padding cut off */
    h_resp r;
    h_post_json("/csc/v2/credentials/authorize", body, t1(), &r);
    H_EXPECT_ERROR(&r, 400, "invalid_request");
    h_resp_free(&r);
    /* more than maxSignatures */
    uint8_t many[65 * 32];
    h_random(many, sizeof many);
    h_authorize(t1(), rsa1(), SHA256_OID, many, 65, 32, &r);
    H_EXPECT_ERROR(&r, 400, "invalid_request");
    h_resp_free(&r);
    free(hash);
}

static void authorize_other_users_credential_is_invalid_credential(void **state)
{
    (void)state;
    uint8_t d[32];
    h_random(d, sizeof d);
    h_resp r;
    h_authorize(t2(), rsa1(), SHA256_OID, d, 1, 32, &r);
    H_EXPECT_ERROR(&r, 400, "invalid_credential");
    h_resp_free(&r);
}

static void signhash_algorithm_mismatches_are_unsupported_algorithm(void **state)
{
    (void)state;
    const h_cred *ec = cred("user1", CRPKI_KEY_EC);
    uint8_t d[32];
    h_random(d, sizeof d);
    h_approval a;
    char *sad = approved_sad(t1(), ec->id, SHA256_OID, d, 1, 32, &a);
    h_resp r;
    /* an RSA algorithm on an EC key */
    h_sign_hash(t1(), ec->id, sad, SHA256_OID, d, 1, 32, SHA256_RSA, NULL, &r);
    H_EXPECT_ERROR(&r, 400, "unsupported_algorithm");
    h_resp_free(&r);
    /* ecdsa-with-SHA384 while the hash is SHA-256 */
    h_sign_hash(t1(), ec->id, sad, SHA256_OID, d, 1, 32, "1.2.840.10045.4.3.3", NULL, &r);
    H_EXPECT_ERROR(&r, 400, "unsupported_algorithm");
    h_resp_free(&r);
    /* still unconsumed */
    h_sign_hash(t1(), ec->id, sad, SHA256_OID, d, 1, 32, "1.2.840.10045.4.3.2", NULL, &r);
    H_EXPECT_STATUS(&r, 200);
    h_resp_free(&r);
    free(sad);
    h_approval_free(&a);
}

static void signhash_pss_without_params_is_invalid_request(void **state)
{
    (void)state;
    uint8_t d[32];
    h_random(d, sizeof d);
    h_approval a;
    char *sad = approved_sad(t1(), rsa1(), SHA256_OID, d, 1, 32, &a);
    h_resp r;
    h_sign_hash(t1(), rsa1(), sad, SHA256_OID, d, 1, 32, CRPKI_OID_RSASSA_PSS, NULL, &r);
    H_EXPECT_ERROR(&r, 400, "invalid_request");
    if (!strstr(h_jstr(r.json, "error_description"), "signAlgoParams"))
        fail_msg("error_description does not name signAlgoParams: %s", r.body);
    h_resp_free(&r);
    /* PSS params with SHA-384 while the hash is SHA-256 */
    char *p384 = h_pss_params_b64(CRPKI_HASH_SHA384, 48);
    h_sign_hash(t1(), rsa1(), sad, SHA256_OID, d, 1, 32, CRPKI_OID_RSASSA_PSS, p384, &r);
    if (r.status != 400)
        fail_msg("PSS params with another hash: want 400, got %ld %s", r.status, r.body);
    h_resp_free(&r);
    free(p384);
    char *p256 = h_pss_params_b64(CRPKI_HASH_SHA256, 32);
    h_sign_hash(t1(), rsa1(), sad, SHA256_OID, d, 1, 32, CRPKI_OID_RSASSA_PSS, p256, &r);
    H_EXPECT_STATUS(&r, 200);
    h_resp_free(&r);
    free(p256);
    free(sad);
    h_approval_free(&a);
}

/* base64 of n bytes whose last character has unused bits set (same bytes
 * for a lenient decoder; the protocol's decoding is strict) */
static char *non_canonical_b64(const uint8_t *d, size_t n)
{
    static const char A[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    char *b = base64_encode_alloc(d, n);
    size_t len = strlen(b), last = len - 1;
    while (b[last] == '=')
        last--;
    int v = (int)(strchr(A, b[last]) - A);
    b[last] = A[(v & ~3) | 1];
    return b;
}

static void non_canonical_or_spaced_base64_hash_is_rejected_and_sad_survives(void **state)
{
    (void)state;
    uint8_t d[32];
    h_random(d, sizeof d);
    h_approval a;
    char *sad = approved_sad(t1(), rsa1(), SHA256_OID, d, 1, 32, &a);
    char *good = base64_encode_alloc(d, 32);
    char *nc = non_canonical_b64(d, 32);
    char spaced[64];
    snprintf(spaced, sizeof spaced, "%.20s %s", good, good + 20);
    char unpadded[64];
    snprintf(unpadded, sizeof unpadded, "%.43s", good);
    const char *bad[] = {nc, spaced, unpadded};
    for (size_t i = 0; i < 3; i++) {
        cJSON *j = cJSON_CreateObject();
        cJSON_AddStringToObject(j, "credentialID", rsa1());
        cJSON_AddStringToObject(j, "SAD", sad);
        cJSON *hs = cJSON_AddArrayToObject(j, "hashes");
        cJSON_AddItemToArray(hs, cJSON_CreateString(bad[i]));
        cJSON_AddStringToObject(j, "hashAlgorithmOID", SHA256_OID);
        cJSON_AddStringToObject(j, "signAlgo", SHA256_RSA);
        h_resp r;
        h_post_cjson("/csc/v2/signatures/signHash", j, t1(), &r);
        const char *e = h_jstr(r.json, "error"), *desc = h_jstr(r.json, "error_description");
        if (r.status != 400 || !e || strcmp(e, "invalid_request") != 0 || !desc ||
            !strstr(desc, "hashes"))
            fail_msg("signHash with hash \"%s\" (approved: \"%s\"): want 400 "
                     "invalid_request naming hashes, got %ld %s",
                     bad[i], good, r.status, r.body);
        h_resp_free(&r);
    }
    h_resp r;
    h_sign_hash(t1(), rsa1(), sad, SHA256_OID, d, 1, 32, SHA256_RSA, NULL, &r);
    H_EXPECT_STATUS(&r, 200);
    h_resp_free(&r);
    /* authorize refuses the same encodings */
    for (size_t i = 0; i < 3; i++) {
        cJSON *j = cJSON_CreateObject();
        cJSON_AddStringToObject(j, "credentialID", rsa1());
        cJSON_AddNumberToObject(j, "numSignatures", 1);
        cJSON *hs = cJSON_AddArrayToObject(j, "hashes");
        cJSON_AddItemToArray(hs, cJSON_CreateString(bad[i]));
        cJSON_AddStringToObject(j, "hashAlgorithmOID", SHA256_OID);
        cJSON_AddItemToObject(j, "authData", cJSON_Parse("[{\"id\":\"gbizid_app\"}]"));
        h_post_cjson("/csc/v2/credentials/authorize", j, t1(), &r);
        const char *e = h_jstr(r.json, "error"), *desc = h_jstr(r.json, "error_description");
        if (r.status != 400 || !e || strcmp(e, "invalid_request") != 0 || !desc ||
            !strstr(desc, "hashes"))
            fail_msg("authorize with hash \"%s\": want 400 invalid_request naming hashes, got "
                     "%ld %s",
                     bad[i], r.status, r.body);
        h_resp_free(&r);
    }
    free(good);
    free(nc);
    free(sad);
    h_approval_free(&a);
}

static void signhash_rsa_encryption_without_hash_oid_is_invalid_request(void **state)
{
    (void)state;
    uint8_t d[32];
    h_random(d, sizeof d);
    h_approval a;
    char *sad = approved_sad(t1(), rsa1(), SHA256_OID, d, 1, 32, &a);
    h_resp r;
    h_sign_hash(t1(), rsa1(), sad, NULL, d, 1, 32, CRPKI_OID_RSA_ENCRYPTION, NULL, &r);
    H_EXPECT_ERROR(&r, 400, "invalid_request");
    if (!strstr(h_jstr(r.json, "error_description"), "hashAlgorithmOID"))
        fail_msg("error_description does not name hashAlgorithmOID: %s", r.body);
    h_resp_free(&r);
    /* missing signAlgo */
    cJSON *j = cJSON_CreateObject();
    cJSON_AddStringToObject(j, "credentialID", rsa1());
    cJSON_AddStringToObject(j, "SAD", sad);
    cJSON_AddItemToObject(j, "hashes", h_hashes_json(d, 1, 32));
    cJSON_AddStringToObject(j, "hashAlgorithmOID", SHA256_OID);
    h_post_cjson("/csc/v2/signatures/signHash", j, t1(), &r);
    H_EXPECT_ERROR(&r, 400, "invalid_request");
    if (!strstr(h_jstr(r.json, "error_description"), "signAlgo"))
        fail_msg("error_description does not name signAlgo: %s", r.body);
    h_resp_free(&r);
    /* an unknown signAlgo */
    h_sign_hash(t1(), rsa1(), sad, SHA256_OID, d, 1, 32, "1.2.840.113549.1.1.4", NULL, &r);
    H_EXPECT_ERROR(&r, 400, "unsupported_algorithm");
    h_resp_free(&r);
    h_sign_hash(t1(), rsa1(), sad, SHA256_OID, d, 1, 32, SHA256_RSA, NULL, &r);
    H_EXPECT_STATUS(&r, 200);
    h_resp_free(&r);
    free(sad);
    h_approval_free(&a);
}

/* RSASSA-PSS-params DER with explicit members (base64) */
static char *pss_der(const char *hash_alg_hex, const char *mgf_hash_hex, int salt, int trailer)
{
    uint8_t der[256];
    size_t n = 0;
    uint8_t inner[200];
    size_t in = 0;
    uint8_t ha[32], mh[32];
    size_t hal = strlen(hash_alg_hex) / 2, mhl = strlen(mgf_hash_hex) / 2;
    for (size_t i = 0; i < hal; i++)
        sscanf(hash_alg_hex + 2 * i, "%2hhx", &ha[i]);
    for (size_t i = 0; i < mhl; i++)
        sscanf(mgf_hash_hex + 2 * i, "%2hhx", &mh[i]);
    static const uint8_t mgf1[] = {0x06, 0x09, 0x2a, 0x86, 0x48, 0x86,
                                   0xf7, 0x0d, 0x01, 0x01, 0x08};
    inner[in++] = 0xa0;
    inner[in++] = (uint8_t)hal;
    memcpy(inner + in, ha, hal);
    in += hal;
    inner[in++] = 0xa1;
    inner[in++] = (uint8_t)(2 + sizeof mgf1 + mhl);
    inner[in++] = 0x30;
    inner[in++] = (uint8_t)(sizeof mgf1 + mhl);
    memcpy(inner + in, mgf1, sizeof mgf1);
    in += sizeof mgf1;
    memcpy(inner + in, mh, mhl);
    in += mhl;
    /* minimal DER INTEGER of salt (< 32768) */
    uint8_t sb[3];
    size_t sn = 0;
    if (salt > 0x7f)
        sb[sn++] = (uint8_t)(salt >> 8);
    sb[sn++] = (uint8_t)salt;
    if (sb[0] == 0 && sn == 2 && !(sb[1] & 0x80)) {
        sb[0] = sb[1];
        sn = 1;
    }
    inner[in++] = 0xa2;
    inner[in++] = (uint8_t)(2 + sn);
    inner[in++] = 0x02;
    inner[in++] = (uint8_t)sn;
    memcpy(inner + in, sb, sn);
    in += sn;
    if (trailer != 1) {
        inner[in++] = 0xa3;
        inner[in++] = 0x03;
        inner[in++] = 0x02;
        inner[in++] = 0x01;
        inner[in++] = (uint8_t)trailer;
    }
    der[n++] = 0x30;
    der[n++] = (uint8_t)in;
    memcpy(der + n, inner, in);
    n += in;
    return base64_encode_alloc(der, n);
}

#define ALG_SHA256 "300d06096086480165030402010500"
#define ALG_SHA512 "300d06096086480165030402030500"

static void pss_params_with_other_mgf1_hash_big_salt_or_trailer_are_rejected(void **state)
{
    (void)state;
    uint8_t d[32];
    h_random(d, sizeof d);
    h_approval a;
    char *sad = approved_sad(t1(), rsa1(), SHA256_OID, d, 1, 32, &a);
    /* rsa1 is RSA-2048: emLen 256 >= 32 + salt + 2 allows salts up to 222 */
    char *bad[] = {
        pss_der(ALG_SHA256, ALG_SHA512, 32, 1),                      /* MGF1 with another hash */
        pss_der(ALG_SHA256, ALG_SHA256, 223, 1),                     /* salt too long for the key */
        pss_der(ALG_SHA256, ALG_SHA256, 32, 2),                      /* trailer field 2 */
        base64_encode_alloc((const uint8_t *)"\x30\x03\x02\x01", 4), /* truncated DER */
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        if (i < 3) { /* the first three are well-formed DER, only their values are wrong */
            uint8_t der[128];
            size_t dl;
            assert_int_equal(base64_decode(bad[i], strlen(bad[i]), der, sizeof der, &dl), 0);
            const unsigned char *pp = der;
            RSA_PSS_PARAMS *pp_params = d2i_RSA_PSS_PARAMS(NULL, &pp, (long)dl);
            if (!pp_params || pp != der + dl)
                fail_msg("harness: PSS params %zu are not DER", i);
            RSA_PSS_PARAMS_free(pp_params);
        }
        h_resp r;
        h_sign_hash(t1(), rsa1(), sad, SHA256_OID, d, 1, 32, CRPKI_OID_RSASSA_PSS, bad[i], &r);
        const char *e = h_jstr(r.json, "error");
        if (r.status != 400 || !e ||
            (strcmp(e, "invalid_request") != 0 && strcmp(e, "unsupported_algorithm") != 0))
            fail_msg("signHash PSS params %s: want 400 invalid_request/unsupported_algorithm, "
                     "got %ld %s",
                     bad[i], r.status, r.body);
        h_resp_free(&r);
        free(bad[i]);
    }
    /* the largest salt the key allows, in explicit DER, works */
    char *ok = pss_der(ALG_SHA256, ALG_SHA256, 222, 1);
    h_resp r;
    h_sign_hash(t1(), rsa1(), sad, SHA256_OID, d, 1, 32, CRPKI_OID_RSASSA_PSS, ok, &r);
    H_EXPECT_STATUS(&r, 200);
    uint8_t *sig;
    size_t sl;
    h_resp_signatures_ok(&r, 1, &sig, &sl);
    X509 *cert = h_cred_cert_ok(t1(), cred("user1", CRPKI_KEY_RSA));
    if (!h_verify_sig(cert, CRPKI_PAD_PSS, CRPKI_HASH_SHA256, 222, d, 32, sig, sl))
        fail_msg("PSS signature with salt 222 does not verify");
    X509_free(cert);
    free(sig);
    h_resp_free(&r);
    free(ok);
    free(sad);
    h_approval_free(&a);
}

static void authorize_validation_order_credential_then_algorithm_then_hashes(void **state)
{
    (void)state;
    uint8_t d[64];
    h_random(d, sizeof d);
    h_resp r;
    /* another user's credential, MD5, wrong length: the credential first */
    h_authorize(t2(), rsa1(), MD5_OID, d, 1, 20, &r);
    H_EXPECT_ERROR(&r, 400, "invalid_credential");
    h_resp_free(&r);
    /* MD5 with a 20-byte hash: the algorithm before the length */
    h_authorize(t1(), rsa1(), MD5_OID, d, 1, 20, &r);
    H_EXPECT_ERROR(&r, 400, "unsupported_algorithm");
    h_resp_free(&r);
}

static void signhash_validation_order_credential_algorithm_hashes_then_sad(void **state)
{
    (void)state;
    uint8_t d[64];
    h_random(d, sizeof d);
    const h_cred *ec = cred("user1", CRPKI_KEY_EC);
    h_resp r;
    /* unknown SAD everywhere: it is checked last */
    h_sign_hash(t2(), rsa1(), "bm9wZQ==", SHA256_OID, d, 1, 20, SHA256_RSA, NULL, &r);
    H_EXPECT_ERROR(&r, 400, "invalid_credential");
    h_resp_free(&r);
    h_sign_hash(t1(), ec->id, "bm9wZQ==", SHA256_OID, d, 1, 20, SHA256_RSA, NULL, &r);
    H_EXPECT_ERROR(&r, 400, "unsupported_algorithm");
    h_resp_free(&r);
    h_sign_hash(t1(), rsa1(), "bm9wZQ==", SHA256_OID, d, 1, 20, SHA256_RSA, NULL, &r);
    H_EXPECT_ERROR(&r, 400, "invalid_hash");
    h_resp_free(&r);
    uint8_t many[65 * 32];
    h_random(many, sizeof many);
    h_sign_hash(t1(), rsa1(), "bm9wZQ==", SHA256_OID, many, 65, 32, SHA256_RSA, NULL, &r);
    H_EXPECT_ERROR(&r, 400, "invalid_hash");
    h_resp_free(&r);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(other_user_checking_a_handle_is_invalid_request),
        cmocka_unit_test(md5_is_unsupported_algorithm),
        cmocka_unit_test(wrong_hash_length_or_count_is_invalid_hash),
        cmocka_unit_test(authorize_field_errors_are_invalid_request_naming_the_field),
        cmocka_unit_test(authorize_other_users_credential_is_invalid_credential),
        cmocka_unit_test(signhash_algorithm_mismatches_are_unsupported_algorithm),
        cmocka_unit_test(signhash_pss_without_params_is_invalid_request),
        cmocka_unit_test(non_canonical_or_spaced_base64_hash_is_rejected_and_sad_survives),
        cmocka_unit_test(signhash_rsa_encryption_without_hash_oid_is_invalid_request),
        cmocka_unit_test(pss_params_with_other_mgf1_hash_big_salt_or_trailer_are_rejected),
        cmocka_unit_test(authorize_validation_order_credential_then_algorithm_then_hashes),
        cmocka_unit_test(signhash_validation_order_credential_algorithm_hashes_then_sad),
    };
    return cmocka_run_group_tests_name("integration: approval requests", tests, h_group_setup,
                                       teardown);
}
