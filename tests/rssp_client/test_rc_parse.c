/* Every response parser of rssp_client (rc_parse.h, rc_json.h) with valid,
 * truncated, wrong-typed, oversized and count/length-mismatched input. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "rc_json.h"
#include "rc_parse.h"
#include "base/util/base64.h"

#define LIT(s) (s), (sizeof(s) - 1)

static char err[256];

/* ---- rc_json ------------------------------------------------------------ */

static void json_accepts_one_object_with_surrounding_whitespace(void **state)
{
    (void)state;
    cJSON *j = rc_json_parse(LIT(" \r\n{\"a\": 1}\n\t "), err, sizeof err);
    assert_non_null(j);
    cJSON_Delete(j);
}

static void json_refuses_non_objects_trailing_data_nul_and_empty(void **state)
{
    (void)state;
    assert_null(rc_json_parse(LIT("[1,2]"), err, sizeof err));
    assert_null(rc_json_parse(LIT("\"s\""), err, sizeof err));
    assert_null(rc_json_parse(LIT("{} {}"), err, sizeof err));
    assert_string_equal(err, "data after the JSON value");
    assert_null(rc_json_parse(LIT("{}x"), err, sizeof err));
    assert_null(rc_json_parse("{}\0{}", 5, err, sizeof err));
    assert_string_equal(err, "NUL byte in the JSON body");
    assert_null(rc_json_parse(LIT(""), err, sizeof err));
    assert_null(rc_json_parse(NULL, 0, err, sizeof err));
    assert_null(rc_json_parse(LIT("{\"a\":"), err, sizeof err));
    assert_null(rc_json_parse(LIT("{\"a\":1,}"), err, sizeof err));
}

static void json_refuses_escaped_nul_but_not_an_escaped_backslash_before_u0000(void **state)
{
    (void)state;
    assert_null(rc_json_parse(LIT("{\"a\":\"x\\u0000y\"}"), err, sizeof err));
    assert_string_equal(err, "JSON string holds \\u0000");
    /* "\\u0000" is a backslash followed by the text u0000: fine */
    cJSON *j = rc_json_parse(LIT("{\"a\":\"x\\\\u0000y\"}"), err, sizeof err);
    assert_non_null(j);
    cJSON_Delete(j);
}

static void json_refuses_nesting_deeper_than_32(void **state)
{
    (void)state;
    char deep[200];
    size_t n = 0;
    deep[n++] = '{';
    deep[n++] = '"';
    deep[n++] = 'a';
    deep[n++] = '"';
    deep[n++] = ':';
    for (int i = 0; i < 32; i++)
        deep[n++] = '[';
    for (int i = 0; i < 32; i++)
        deep[n++] = ']';
    deep[n++] = '}';
    assert_null(rc_json_parse(deep, n, err, sizeof err));
    assert_string_equal(err, "JSON nested deeper than 32 levels");
    /* 32 levels in all is fine */
    cJSON *j;
    char ok[100];
    n = 0;
    ok[n++] = '{';
    ok[n++] = '"';
    ok[n++] = 'a';
    ok[n++] = '"';
    ok[n++] = ':';
    for (int i = 0; i < 31; i++)
        ok[n++] = '[';
    for (int i = 0; i < 31; i++)
        ok[n++] = ']';
    ok[n++] = '}';
    j = rc_json_parse(ok, n, err, sizeof err);
    assert_non_null(j);
    cJSON_Delete(j);
}

static void json_member_twice_is_refused_and_types_are_checked(void **state)
{
    (void)state;
    cJSON *j = rc_json_parse(LIT("{\"a\":1,\"a\":2,\"s\":\"x\",\"n\":1.5,\"b\":true,\"e\":\"\"}"),
                             err, sizeof err);
    assert_non_null(j);
    int64_t v;
    const char *s;
    int b;
    assert_int_equal(rc_json_int(j, "a", "a", 1, 0, 10, &v, err, sizeof err), -1);
    assert_string_equal(err, "a: appears twice");
    assert_int_equal(rc_json_int(j, "n", "n", 1, 0, 10, &v, err, sizeof err), -1);
    assert_string_equal(err, "n: expected an integer");
    assert_int_equal(rc_json_int(j, "s", "s", 1, 0, 10, &v, err, sizeof err), -1);
    assert_int_equal(rc_json_string(j, "b", "b", 1, 10, &s, err, sizeof err), -1);
    assert_string_equal(err, "b: expected a string");
    assert_int_equal(rc_json_string(j, "e", "e", 1, 10, &s, err, sizeof err), -1);
    assert_string_equal(err, "e: empty");
    assert_int_equal(rc_json_bool(j, "b", "b", 1, &b, err, sizeof err), 0);
    assert_int_equal(b, 1);
    assert_int_equal(rc_json_string(j, "zz", "zz", 0, 10, &s, err, sizeof err), 1);
    assert_int_equal(rc_json_string(j, "zz", "zz", 1, 10, &s, err, sizeof err), -1);
    assert_string_equal(err, "zz: missing");
    /* member names are case-sensitive */
    assert_int_equal(rc_json_int(j, "A", "A", 0, 0, 10, &v, err, sizeof err), 1);
    cJSON_Delete(j);
}

static void json_strings_must_be_utf8_without_controls_and_within_length(void **state)
{
    (void)state;
    const char *s;
    cJSON *j = rc_json_parse(LIT("{\"c\":\"a\\nb\",\"u\":\"\xff\xfe\",\"l\":\"abcdef\","
                                 "\"j\":\"\xe6\x97\xa5\xe6\x9c\xac\"}"),
                             err, sizeof err);
    assert_non_null(j);
    assert_int_equal(rc_json_string(j, "c", "c", 1, 10, &s, err, sizeof err), -1);
    assert_string_equal(err, "c: holds a control character");
    assert_int_equal(rc_json_string(j, "u", "u", 1, 10, &s, err, sizeof err), -1);
    assert_string_equal(err, "u: not UTF-8");
    assert_int_equal(rc_json_string(j, "l", "l", 1, 5, &s, err, sizeof err), -1);
    assert_string_equal(err, "l: too long");
    assert_int_equal(rc_json_string(j, "j", "j", 1, 10, &s, err, sizeof err), 0);
    cJSON_Delete(j);
}

/* ---- error ---------------------------------------------------------------- */

static void error_body_gives_code_and_printable_description(void **state)
{
    (void)state;
    char e[64], d[32];
    assert_int_equal(rc_parse_error(LIT("{\"error\":\"invalid_hash\",\"error_description\":"
                                        "\"hashes[0]: length \\u00e9\\n\"}"),
                                    e, sizeof e, d, sizeof d),
                     0);
    assert_string_equal(e, "invalid_hash");
    assert_string_equal(d, "hashes[0]: length ???"); /* two UTF-8 bytes and the newline */
    assert_int_equal(rc_parse_error(LIT("<html>502</html>"), e, sizeof e, d, sizeof d), -1);
    assert_string_equal(e, "");
    assert_int_equal(rc_parse_error(LIT("{\"error\":42}"), e, sizeof e, d, sizeof d), -1);
    assert_int_equal(rc_parse_error(LIT("{\"error\":\"has space\"}"), e, sizeof e, d, sizeof d),
                     -1);
    assert_int_equal(rc_parse_error(NULL, 0, e, sizeof e, d, sizeof d), -1);
    /* an error code too long for the buffer is not truncated into another code */
    char small[8];
    assert_int_equal(
        rc_parse_error(LIT("{\"error\":\"access_denied\"}"), small, sizeof small, d, sizeof d), -1);
}

/* ---- tokens ----------------------------------------------------------------- */

static void tokens_valid_response_gives_tokens_and_expiry(void **state)
{
    (void)state;
    rssp_tokens t;
    assert_int_equal(rc_parse_tokens(LIT("{\"access_token\":\"AT-1\",\"token_type\":\"bearer\","
                                         "\"expires_in\":300,\"refresh_token\":\"RT-1\","
                                         "\"scope\":\"service\",\"extra\":[1]}"),
                                     1000, &t, err, sizeof err),
                     0);
    assert_string_equal(t.access_token, "AT-1");
    assert_string_equal(t.refresh_token, "RT-1");
    assert_string_equal(t.scope, "service");
    assert_int_equal(t.access_expires_at, 1300);
    rssp_tokens_free(&t);
    assert_null(t.access_token);
    rssp_tokens_free(&t); /* twice is fine */
}

static void tokens_missing_wrong_typed_or_odd_members_are_protocol_errors(void **state)
{
    (void)state;
    static const char *const BAD[] = {
        "{\"token_type\":\"Bearer\",\"expires_in\":300,\"refresh_token\":\"R\"}",
        "{\"access_token\":\"A\",\"token_type\":\"MAC\",\"expires_in\":300,\"refresh_token\":"
        "\"R\"}",
        "{\"access_token\":\"A\",\"token_type\":\"Bearer\",\"expires_in\":\"300\","
        "\"refresh_token\":\"R\"}",
        "{\"access_token\":\"A\",\"token_type\":\"Bearer\",\"expires_in\":0,\"refresh_token\":"
        "\"R\"}",
        "{\"access_token\":\"A\",\"token_type\":\"Bearer\",\"expires_in\":300}",
        "{\"access_token\":\"A B\",\"token_type\":\"Bearer\",\"expires_in\":300,"
        "\"refresh_token\":\"R\"}",
        "{\"access_token\":\"A\",\"token_type\":\"Bearer\",\"expires_in\":300,"
        "\"refresh_token\":\"R\",\"scope\":7}",
        "{\"access_token\":\"A\",\"token_type\":\"Bearer\",\"expires_in\":300,\"refresh_token\":"
        "\"R\"",
    };
    for (size_t i = 0; i < sizeof BAD / sizeof BAD[0]; i++) {
        rssp_tokens t;
        assert_int_equal(rc_parse_tokens(BAD[i], strlen(BAD[i]), 0, &t, err, sizeof err), -1);
        assert_null(t.access_token);
        assert_null(t.refresh_token);
    }
}

static void tokens_oversized_token_is_refused(void **state)
{
    (void)state;
    size_t n = RC_MAX_OPAQUE_LEN + 1;
    char *big = malloc(n + 200);
    assert_non_null(big);
    int o = sprintf(big, "{\"access_token\":\"");
    memset(big + o, 'a', n);
    o += (int)n;
    o += sprintf(big + o, "\",\"token_type\":\"Bearer\",\"expires_in\":1,\"refresh_token\":\"r\"}");
    rssp_tokens t;
    assert_int_equal(rc_parse_tokens(big, (size_t)o, 0, &t, err, sizeof err), -1);
    assert_string_equal(err, "access_token: too long");
    free(big);
}

/* ---- info ------------------------------------------------------------------ */

static void info_valid_and_invalid(void **state)
{
    (void)state;
    rssp_service_info i;
    assert_int_equal(rc_parse_info(LIT("{\"specs\":\"2.0.0.0\",\"name\":\"crpki-rsspd\","
                                       "\"region\":\"JP\",\"maxSignatures\":64,"
                                       "\"methods\":[\"x\"]}"),
                                   &i, err, sizeof err),
                     0);
    assert_string_equal(i.name, "crpki-rsspd");
    assert_string_equal(i.specs, "2.0.0.0");
    assert_string_equal(i.region, "JP");
    assert_int_equal(i.max_signatures, 64);
    rssp_service_info_free(&i);
    /* region is optional */
    assert_int_equal(rc_parse_info(LIT("{\"specs\":\"2\",\"name\":\"n\",\"maxSignatures\":1}"), &i,
                                   err, sizeof err),
                     0);
    assert_null(i.region);
    rssp_service_info_free(&i);
    assert_int_equal(rc_parse_info(LIT("{\"specs\":\"2\",\"name\":\"n\",\"maxSignatures\":0}"), &i,
                                   err, sizeof err),
                     -1);
    assert_string_equal(err, "maxSignatures: out of range");
    assert_int_equal(
        rc_parse_info(LIT("{\"specs\":2,\"name\":\"n\",\"maxSignatures\":1}"), &i, err, sizeof err),
        -1);
    assert_int_equal(
        rc_parse_info(LIT("{\"specs\":\"2\",\"maxSignatures\":1}"), &i, err, sizeof err), -1);
    assert_null(i.specs);
    assert_int_equal(
        rc_parse_info(LIT("{\"specs\":\"2\",\"name\":\"n\",\"max"), &i, err, sizeof err), -1);
}

/* authorizeIdempotency: optional bool, absent = not offered */
static void info_authorize_idempotency(void **state)
{
    (void)state;
    rssp_service_info i;
    assert_int_equal(rc_parse_info(LIT("{\"specs\":\"2\",\"name\":\"n\",\"maxSignatures\":1,"
                                       "\"authorizeIdempotency\":true}"),
                                   &i, err, sizeof err),
                     0);
    assert_int_equal(i.authorize_idempotency, 1);
    rssp_service_info_free(&i);
    assert_int_equal(rc_parse_info(LIT("{\"specs\":\"2\",\"name\":\"n\",\"maxSignatures\":1,"
                                       "\"authorizeIdempotency\":false}"),
                                   &i, err, sizeof err),
                     0);
    assert_int_equal(i.authorize_idempotency, 0);
    rssp_service_info_free(&i);
    assert_int_equal(rc_parse_info(LIT("{\"specs\":\"2\",\"name\":\"n\",\"maxSignatures\":1}"), &i,
                                   err, sizeof err),
                     0);
    assert_int_equal(i.authorize_idempotency, 0);
    rssp_service_info_free(&i);
    assert_int_equal(rc_parse_info(LIT("{\"specs\":\"2\",\"name\":\"n\",\"maxSignatures\":1,"
                                       "\"authorizeIdempotency\":\"yes\"}"),
                                   &i, err, sizeof err),
                     -1);
    assert_non_null(strstr(err, "authorizeIdempotency"));
    assert_null(i.name);
}

/* ---- list ------------------------------------------------------------------- */

static void list_valid_gives_ids(void **state)
{
    (void)state;
    char **ids;
    size_t n;
    assert_int_equal(rc_parse_list(LIT("{\"credentialIDs\":[\"cred-1\",\"cred-2\"]}"), &ids, &n,
                                   err, sizeof err),
                     0);
    assert_int_equal(n, 2);
    assert_string_equal(ids[0], "cred-1");
    assert_string_equal(ids[1], "cred-2");
    rssp_free_strings(ids, n);
    assert_int_equal(rc_parse_list(LIT("{\"credentialIDs\":[]}"), &ids, &n, err, sizeof err), 0);
    assert_int_equal(n, 0);
    rssp_free_strings(ids, n);
}

static void list_wrong_types_and_oversized_are_refused(void **state)
{
    (void)state;
    char **ids;
    size_t n;
    assert_int_equal(
        rc_parse_list(LIT("{\"credentialIDs\":\"cred-1\"}"), &ids, &n, err, sizeof err), -1);
    assert_string_equal(err, "credentialIDs: expected an array");
    assert_int_equal(rc_parse_list(LIT("{\"credentialIDs\":[\"a\",1]}"), &ids, &n, err, sizeof err),
                     -1);
    assert_string_equal(err, "credentialIDs[1]: expected a string");
    assert_null(ids);
    assert_int_equal(rc_parse_list(LIT("{\"credentialIDs\":[\"a b\"]}"), &ids, &n, err, sizeof err),
                     -1);
    assert_int_equal(rc_parse_list(LIT("{}"), &ids, &n, err, sizeof err), -1);
    assert_int_equal(rc_parse_list(LIT("{\"credentialIDs\":[\"a\""), &ids, &n, err, sizeof err),
                     -1);
    /* more than RC_MAX_CREDENTIALS */
    size_t cap = 32 + (RC_MAX_CREDENTIALS + 1) * 4;
    char *big = malloc(cap);
    assert_non_null(big);
    size_t o = (size_t)sprintf(big, "{\"credentialIDs\":[");
    for (int i = 0; i <= RC_MAX_CREDENTIALS; i++)
        o += (size_t)sprintf(big + o, "%s\"a\"", i ? "," : "");
    o += (size_t)sprintf(big + o, "]}");
    assert_int_equal(rc_parse_list(big, o, &ids, &n, err, sizeof err), -1);
    free(big);
}

/* ---- credentials/info ------------------------------------------------------- */

/* base64 of a minimal DER SEQUENCE standing for a certificate */
#define CERT_B64  "MAMCAQA=" /* 30 03 02 01 00 */
#define CERT2_B64 "MAA="     /* 30 00 */

static const char RSA_INFO[] =
    "{\"description\":\"\xe6\xa0\xaa\xe5\xbc\x8f\xe4\xbc\x9a\xe7\xa4\xbe\","
    "\"key\":{\"status\":\"enabled\",\"algo\":[\"1.2.840.113549.1.1.1\",\"1.2.840.113549.1.1.11\","
    "\"1.2.840.113549.1.1.10\",\"1.9.9.9\"],\"len\":2048},"
    "\"cert\":{\"status\":\"valid\",\"certificates\":[\"" CERT_B64 "\",\"" CERT2_B64 "\"],"
    "\"issuerDN\":\"CN=Registrar CA TEST\",\"subjectDN\":\"CN=\xe5\xb1\xb1\xe7\x94\xb0\","
    "\"serialNumber\":\"0A1B\",\"validFrom\":\"20261121000000Z\",\"validTo\":\"20291120235959Z\"},"
    "\"authMode\":\"gbizid_app\",\"multisign\":64,\"lang\":\"ja-JP\"}";

static void credential_rsa_gives_key_chain_and_details(void **state)
{
    (void)state;
    rssp_credential c;
    assert_int_equal(rc_parse_credential(RSA_INFO, strlen(RSA_INFO), "cred-1", &c, err, sizeof err),
                     0);
    assert_string_equal(c.id, "cred-1");
    assert_int_equal(c.key_type, RSSP_KEY_RSA);
    assert_int_equal(c.key_bits, 2048);
    assert_true(c.key_enabled);
    assert_null(c.curve_oid);
    assert_int_equal(c.nalgos, 4); /* unknown OIDs are kept */
    assert_string_equal(c.algos[3], "1.9.9.9");
    assert_int_equal(c.cert_status, RSSP_CERT_VALID);
    assert_int_equal(c.ncerts, 2);
    assert_int_equal(c.certs[0].len, 5);
    assert_memory_equal(c.certs[0].der, "\x30\x03\x02\x01\x00", 5);
    assert_int_equal(c.certs[1].len, 2);
    assert_string_equal(c.serial_hex, "0A1B");
    assert_string_equal(c.valid_to, "20291120235959Z");
    assert_string_equal(c.subject_dn, "CN=\xe5\xb1\xb1\xe7\x94\xb0");
    assert_int_equal(c.multisign, 64);
    assert_non_null(c.description);
    rssp_credential_free(&c);
    assert_null(c.id);
}

static void credential_ec_needs_a_curve(void **state)
{
    (void)state;
    static const char EC[] =
        "{\"key\":{\"status\":\"disabled\",\"algo\":[\"1.2.840.10045.2.1\","
        "\"1.2.840.10045.4.3.2\"],\"len\":256,\"curve\":\"1.2.840.10045.3.1.7\"},"
        "\"cert\":{\"status\":\"expired\",\"certificates\":[\"" CERT_B64 "\"],"
        "\"issuerDN\":\"CN=I\",\"subjectDN\":\"CN=S\",\"serialNumber\":\"01\","
        "\"validFrom\":\"20200101000000Z\",\"validTo\":\"20210101000000Z\"},\"multisign\":1}";
    rssp_credential c;
    assert_int_equal(rc_parse_credential(EC, strlen(EC), "cred-ec", &c, err, sizeof err), 0);
    assert_int_equal(c.key_type, RSSP_KEY_EC);
    assert_false(c.key_enabled);
    assert_string_equal(c.curve_oid, "1.2.840.10045.3.1.7");
    assert_int_equal(c.cert_status, RSSP_CERT_EXPIRED);
    assert_null(c.description);
    rssp_credential_free(&c);

    char nocurve[sizeof EC];
    strcpy(nocurve, EC);
    char *p = strstr(nocurve, ",\"curve\":\"1.2.840.10045.3.1.7\"");
    assert_non_null(p);
    memmove(p, p + strlen(",\"curve\":\"1.2.840.10045.3.1.7\""),
            strlen(p + strlen(",\"curve\":\"1.2.840.10045.3.1.7\"")) + 1);
    assert_int_equal(rc_parse_credential(nocurve, strlen(nocurve), "x", &c, err, sizeof err), -1);
    assert_string_equal(err, "key.curve: missing");
}

/* RSA_INFO with one substring replaced. */
static int parse_variant(const char *from, const char *to)
{
    char buf[2048];
    const char *p = strstr(RSA_INFO, from);
    assert_non_null(p);
    size_t pre = (size_t)(p - RSA_INFO);
    snprintf(buf, sizeof buf, "%.*s%s%s", (int)pre, RSA_INFO, to, p + strlen(from));
    rssp_credential c;
    int r = rc_parse_credential(buf, strlen(buf), "cred", &c, err, sizeof err);
    if (r == 0)
        rssp_credential_free(&c);
    else
        assert_null(c.id);
    return r;
}

static void credential_malformed_members_are_refused(void **state)
{
    (void)state;
    assert_int_equal(parse_variant("\"len\":2048", "\"len\":\"2048\""), -1);
    assert_string_equal(err, "key.len: expected an integer");
    assert_int_equal(parse_variant("\"len\":2048", "\"len\":512"), -1);
    assert_int_equal(parse_variant("\"status\":\"enabled\"", "\"status\":\"on\""), -1);
    assert_int_equal(parse_variant("\"status\":\"valid\"", "\"status\":\"unknown\""), -1);
    assert_int_equal(parse_variant("\"status\":\"valid\"", "\"status\":\"suspended\""), 0);
    assert_int_equal(parse_variant("\"1.9.9.9\"", "\"1..9\""), -1);
    assert_string_equal(err, "key.algo[3]: not an OID");
    assert_int_equal(parse_variant("\"1.9.9.9\"", "\"1.2.840.10045.2.1\""), -1);
    assert_string_equal(err, "key.algo: both RSA and EC algorithms");
    assert_int_equal(parse_variant("\"" CERT_B64 "\",", ""), 0);
    assert_int_equal(parse_variant("\"" CERT_B64 "\",\"" CERT2_B64 "\"", ""), -1);
    assert_string_equal(err, "cert.certificates: empty");
    assert_int_equal(parse_variant(CERT_B64, "MAMCAQA"), -1); /* no padding */
    assert_string_equal(err, "cert.certificates[0]: not strict base64");
    assert_int_equal(parse_variant(CERT_B64, "AQID"), -1); /* 01 02 03 */
    assert_string_equal(err, "cert.certificates[0]: not a DER certificate");
    assert_int_equal(parse_variant(CERT_B64, "MAQCAQA="), -1); /* length beyond the data */
    assert_int_equal(parse_variant("\"0A1B\"", "\"0X1B\""), -1);
    assert_int_equal(parse_variant("\"20291120235959Z\"", "\"2029-11-20\""), -1);
    assert_int_equal(parse_variant("\"multisign\":64", "\"multisign\":0"), -1);
    assert_int_equal(parse_variant(",\"multisign\":64", ""), -1);
    assert_string_equal(err, "multisign: missing");
    assert_int_equal(parse_variant("\"subjectDN\"", "\"subjectdn\""), -1);
    assert_int_equal(parse_variant("\"key\":{", "\"key\":[{"), -1);
    assert_int_equal(parse_variant("\"lang\":\"ja-JP\"}", "\"lang\":\"ja-JP\""), -1);
}

/* ---- authorize / authorizeCheck ----------------------------------------------- */

static void authorize_valid_and_approval_code_exactly_four_digits(void **state)
{
    (void)state;
    rc_authz a;
    assert_int_equal(rc_parse_authorize(LIT("{\"handle\":\"h-1\",\"approvalCode\":\"0427\","
                                            "\"expiresIn\":120,\"interval\":1}"),
                                        &a, err, sizeof err),
                     0);
    assert_string_equal(a.handle, "h-1");
    assert_string_equal(a.code, "0427");
    assert_int_equal(a.expires_in, 120);
    assert_int_equal(a.interval, 1);
    rc_authz_free(&a);
    static const char *const BAD[] = {
        "{\"handle\":\"h\",\"approvalCode\":427,\"expiresIn\":120}",
        "{\"handle\":\"h\",\"approvalCode\":\"427\",\"expiresIn\":120}",
        "{\"handle\":\"h\",\"approvalCode\":\"04270\",\"expiresIn\":120}",
        "{\"handle\":\"h\",\"approvalCode\":\"04a7\",\"expiresIn\":120}",
        "{\"handle\":\"h\",\"approvalCode\":\"\xef\xbc\x90\x34\",\"expiresIn\":120}",
        "{\"handle\":\"h\",\"approvalCode\":\"0427\"}",
        "{\"handle\":\"h\",\"approvalCode\":\"0427\",\"expiresIn\":0}",
        "{\"handle\":\"h\",\"approvalCode\":\"0427\",\"expiresIn\":120,\"interval\":-1}",
        "{\"handle\":\"\",\"approvalCode\":\"0427\",\"expiresIn\":120}",
        "{\"approvalCode\":\"0427\",\"expiresIn\":120}",
        "{\"handle\":\"h\",\"approvalCode\":\"0427\",\"expiresIn\":120",
    };
    for (size_t i = 0; i < sizeof BAD / sizeof BAD[0]; i++) {
        assert_int_equal(rc_parse_authorize(BAD[i], strlen(BAD[i]), &a, err, sizeof err), -1);
        assert_null(a.handle);
    }
    /* interval is optional */
    assert_int_equal(rc_parse_authorize(LIT("{\"handle\":\"h\",\"approvalCode\":\"9999\","
                                            "\"expiresIn\":5}"),
                                        &a, err, sizeof err),
                     0);
    assert_int_equal(a.interval, 1);
    rc_authz_free(&a);
}

static void check_pending_and_approved(void **state)
{
    (void)state;
    rc_check c;
    assert_int_equal(rc_parse_check(202,
                                    LIT("{\"status\":\"pending\",\"expiresIn\":90,\"interval\":2}"),
                                    &c, err, sizeof err),
                     0);
    assert_false(c.approved);
    assert_null(c.sad);
    assert_int_equal(c.expires_in, 90);
    assert_int_equal(c.interval, 2);
    rc_check_free(&c);
    assert_int_equal(rc_parse_check(200,
                                    LIT("{\"status\":\"approved\",\"SAD\":\"sad-1\","
                                        "\"expiresIn\":60}"),
                                    &c, err, sizeof err),
                     0);
    assert_true(c.approved);
    assert_string_equal(c.sad, "sad-1");
    rc_check_free(&c);
    /* status disagreeing with the HTTP status, SAD missing, wrong types */
    assert_int_equal(
        rc_parse_check(200, LIT("{\"status\":\"pending\",\"SAD\":\"s\"}"), &c, err, sizeof err),
        -1);
    assert_int_equal(rc_parse_check(202, LIT("{\"status\":\"approved\"}"), &c, err, sizeof err),
                     -1);
    assert_int_equal(rc_parse_check(200, LIT("{\"status\":\"approved\"}"), &c, err, sizeof err),
                     -1);
    assert_string_equal(err, "SAD: missing");
    assert_int_equal(rc_parse_check(200, LIT("{\"SAD\":5}"), &c, err, sizeof err), -1);
    assert_int_equal(rc_parse_check(202, LIT("{\"expiresIn\":\"5\"}"), &c, err, sizeof err), -1);
    assert_int_equal(rc_parse_check(204, LIT("{}"), &c, err, sizeof err), -1);
    assert_int_equal(rc_parse_check(200, LIT("{\"SAD\":\"s"), &c, err, sizeof err), -1);
    assert_null(c.sad);
}

/* ---- signHash --------------------------------------------------------------- */

static char *sigs_json(size_t n, const uint8_t *const *sigs, const size_t *lens)
{
    size_t cap = 64;
    for (size_t i = 0; i < n; i++)
        cap += base64_encoded_len(lens[i]) + 4;
    char *s = malloc(cap);
    size_t o = (size_t)sprintf(s, "{\"signatures\":[");
    for (size_t i = 0; i < n; i++) {
        if (i)
            s[o++] = ',';
        s[o++] = '"';
        o += base64_encode(sigs[i], lens[i], s + o, cap - o);
        s[o++] = '"';
    }
    sprintf(s + o, "]}");
    return s;
}

static void signatures_rsa_length_must_equal_the_modulus(void **state)
{
    (void)state;
    uint8_t sig[257];
    memset(sig, 0xA5, sizeof sig);
    const uint8_t *v[2] = {sig, sig};
    size_t lens[2] = {256, 256};
    char *j = sigs_json(2, v, lens);
    rssp_signatures s;
    assert_int_equal(rc_parse_signatures(j, strlen(j), 2, RSSP_KEY_RSA, 2048, &s, err, sizeof err),
                     0);
    assert_int_equal(s.n, 2);
    assert_int_equal(s.sigs[1].len, 256);
    rssp_signatures_free(&s);
    /* count mismatch both ways */
    assert_int_equal(rc_parse_signatures(j, strlen(j), 3, RSSP_KEY_RSA, 2048, &s, err, sizeof err),
                     -1);
    assert_string_equal(err, "signatures: 2 signatures for 3 hashes");
    assert_int_equal(rc_parse_signatures(j, strlen(j), 1, RSSP_KEY_RSA, 2048, &s, err, sizeof err),
                     -1);
    /* 3072-bit key: 384 bytes wanted */
    assert_int_equal(rc_parse_signatures(j, strlen(j), 2, RSSP_KEY_RSA, 3072, &s, err, sizeof err),
                     -1);
    assert_null(s.sigs);
    free(j);
    lens[1] = 255;
    j = sigs_json(2, v, lens);
    assert_int_equal(rc_parse_signatures(j, strlen(j), 2, RSSP_KEY_RSA, 2048, &s, err, sizeof err),
                     -1);
    assert_string_equal(err, "signatures[1]: 255 bytes, the RSA-2048 key needs 256");
    free(j);
    lens[1] = 257;
    j = sigs_json(2, v, lens);
    assert_int_equal(rc_parse_signatures(j, strlen(j), 2, RSSP_KEY_RSA, 2048, &s, err, sizeof err),
                     -1);
    free(j);
}

static void signatures_wrong_types_base64_and_truncation_are_refused(void **state)
{
    (void)state;
    rssp_signatures s;
    assert_int_equal(rc_parse_signatures(LIT("{\"signatures\":\"AAAA\"}"), 1, RSSP_KEY_RSA, 1024,
                                         &s, err, sizeof err),
                     -1);
    assert_int_equal(rc_parse_signatures(LIT("{\"signatures\":[1]}"), 1, RSSP_KEY_RSA, 1024, &s,
                                         err, sizeof err),
                     -1);
    assert_int_equal(rc_parse_signatures(LIT("{\"signatures\":[\"AA AA\"]}"), 1, RSSP_KEY_RSA, 1024,
                                         &s, err, sizeof err),
                     -1);
    assert_int_equal(rc_parse_signatures(LIT("{\"signatures\":[\"\"]}"), 1, RSSP_KEY_RSA, 1024, &s,
                                         err, sizeof err),
                     -1);
    assert_int_equal(rc_parse_signatures(LIT("{\"signatures\":[\"AAAA\""), 1, RSSP_KEY_RSA, 1024,
                                         &s, err, sizeof err),
                     -1);
    assert_int_equal(rc_parse_signatures(LIT("{}"), 1, RSSP_KEY_RSA, 1024, &s, err, sizeof err),
                     -1);
    /* impossible expectations */
    assert_int_equal(
        rc_parse_signatures(LIT("{\"signatures\":[]}"), 0, RSSP_KEY_RSA, 1024, &s, err, sizeof err),
        -1);
    assert_int_equal(rc_parse_signatures(LIT("{\"signatures\":[]}"), 1, (rssp_key_type)9, 1024, &s,
                                         err, sizeof err),
                     -1);
}

/* SEQUENCE { INTEGER r, INTEGER s } with r, s of rl, sl bytes (values given). */
static size_t ecdsa_der(uint8_t *out, const uint8_t *r, size_t rl, const uint8_t *s, size_t sl)
{
    size_t o = 0;
    size_t body = 2 + rl + 2 + sl;
    out[o++] = 0x30;
    if (body >= 0x80)
        out[o++] = 0x81;
    out[o++] = (uint8_t)body;
    out[o++] = 0x02;
    out[o++] = (uint8_t)rl;
    memcpy(out + o, r, rl);
    o += rl;
    out[o++] = 0x02;
    out[o++] = (uint8_t)sl;
    memcpy(out + o, s, sl);
    return o + sl;
}

static void ecdsa_signature_must_be_der_sequence_of_two_integers_in_the_curve(void **state)
{
    (void)state;
    uint8_t r[33], s[33], der[160];
    memset(r, 0x11, sizeof r);
    memset(s, 0x22, sizeof s);
    size_t n = ecdsa_der(der, r, 32, s, 32);
    assert_true(rc_der_ecdsa_sig_ok(der, n, 32));
    /* a leading zero is required before a high bit, and allowed only then */
    r[0] = 0x00;
    r[1] = 0x80;
    n = ecdsa_der(der, r, 33, s, 32);
    assert_true(rc_der_ecdsa_sig_ok(der, n, 32));
    r[1] = 0x7f;
    n = ecdsa_der(der, r, 33, s, 32);
    assert_false(rc_der_ecdsa_sig_ok(der, n, 32)); /* non-minimal */
    /* negative */
    r[0] = 0x80;
    n = ecdsa_der(der, r, 32, s, 32);
    assert_false(rc_der_ecdsa_sig_ok(der, n, 32));
    /* too long for P-256 */
    memset(r, 0x11, sizeof r);
    n = ecdsa_der(der, r, 33, s, 32);
    assert_false(rc_der_ecdsa_sig_ok(der, n, 32));
    /* short values are fine (small r) */
    n = ecdsa_der(der, r, 1, s, 32);
    assert_true(rc_der_ecdsa_sig_ok(der, n, 32));
    /* zero */
    r[0] = 0;
    n = ecdsa_der(der, r, 1, s, 32);
    assert_false(rc_der_ecdsa_sig_ok(der, n, 32));
    /* trailing byte inside or after the SEQUENCE, truncation, one INTEGER only */
    r[0] = 0x11;
    n = ecdsa_der(der, r, 32, s, 32);
    der[n] = 0;
    assert_false(rc_der_ecdsa_sig_ok(der, n + 1, 32));
    assert_false(rc_der_ecdsa_sig_ok(der, n - 1, 32));
    static const uint8_t one[] = {0x30, 0x03, 0x02, 0x01, 0x01};
    assert_false(rc_der_ecdsa_sig_ok(one, sizeof one, 32));
    static const uint8_t extra[] = {0x30, 0x09, 0x02, 0x01, 0x01, 0x02,
                                    0x01, 0x01, 0x02, 0x01, 0x01};
    assert_false(rc_der_ecdsa_sig_ok(extra, sizeof extra, 32));
    /* non-minimal length form */
    static const uint8_t longform[] = {0x30, 0x81, 0x06, 0x02, 0x01, 0x01, 0x02, 0x01, 0x01};
    assert_false(rc_der_ecdsa_sig_ok(longform, sizeof longform, 32));
    static const uint8_t shortok[] = {0x30, 0x06, 0x02, 0x01, 0x01, 0x02, 0x01, 0x01};
    assert_true(rc_der_ecdsa_sig_ok(shortok, sizeof shortok, 32));
    /* P-521: 66 value bytes and a long-form SEQUENCE length */
    uint8_t r66[66], s66[66], big[160];
    memset(r66, 0x01, sizeof r66);
    memset(s66, 0x01, sizeof s66);
    n = ecdsa_der(big, r66, 66, s66, 66);
    assert_true(rc_der_ecdsa_sig_ok(big, n, 66));
    assert_false(rc_der_ecdsa_sig_ok(big, n, 32));
}

static void signatures_ecdsa_through_the_parser(void **state)
{
    (void)state;
    uint8_t r[32], s[32], der[80];
    memset(r, 0x11, sizeof r);
    memset(s, 0x22, sizeof s);
    size_t n = ecdsa_der(der, r, 32, s, 32);
    const uint8_t *v[1] = {der};
    size_t lens[1] = {n};
    char *j = sigs_json(1, v, lens);
    rssp_signatures out;
    assert_int_equal(rc_parse_signatures(j, strlen(j), 1, RSSP_KEY_EC, 256, &out, err, sizeof err),
                     0);
    assert_int_equal(out.sigs[0].len, n);
    rssp_signatures_free(&out);
    free(j);
    /* an RSA-sized blob for an EC key */
    uint8_t blob[64];
    memset(blob, 0x30, sizeof blob);
    v[0] = blob;
    lens[0] = sizeof blob;
    j = sigs_json(1, v, lens);
    assert_int_equal(rc_parse_signatures(j, strlen(j), 1, RSSP_KEY_EC, 256, &out, err, sizeof err),
                     -1);
    assert_string_equal(err, "signatures[0]: not a DER ECDSA signature for a 256-bit curve");
    free(j);
}

static void der_sequence_check(void **state)
{
    (void)state;
    assert_true(rc_der_is_sequence((const uint8_t *)"\x30\x00", 2));
    assert_false(rc_der_is_sequence((const uint8_t *)"\x31\x00", 2));
    assert_false(rc_der_is_sequence((const uint8_t *)"\x30\x01", 2));
    assert_false(rc_der_is_sequence((const uint8_t *)"\x30", 1));
    assert_false(rc_der_is_sequence(NULL, 0));
    /* 0x82 length with a leading zero byte: not minimal */
    static const uint8_t nm[] = {0x30, 0x82, 0x00, 0x01, 0x00};
    assert_false(rc_der_is_sequence(nm, sizeof nm));
    uint8_t big[300];
    big[0] = 0x30;
    big[1] = 0x82;
    big[2] = 0x01;
    big[3] = 0x00;
    memset(big + 4, 0, 256);
    assert_true(rc_der_is_sequence(big, 260));
    assert_false(rc_der_is_sequence(big, 259));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(json_accepts_one_object_with_surrounding_whitespace),
        cmocka_unit_test(json_refuses_non_objects_trailing_data_nul_and_empty),
        cmocka_unit_test(json_refuses_escaped_nul_but_not_an_escaped_backslash_before_u0000),
        cmocka_unit_test(json_refuses_nesting_deeper_than_32),
        cmocka_unit_test(json_member_twice_is_refused_and_types_are_checked),
        cmocka_unit_test(json_strings_must_be_utf8_without_controls_and_within_length),
        cmocka_unit_test(error_body_gives_code_and_printable_description),
        cmocka_unit_test(tokens_valid_response_gives_tokens_and_expiry),
        cmocka_unit_test(tokens_missing_wrong_typed_or_odd_members_are_protocol_errors),
        cmocka_unit_test(tokens_oversized_token_is_refused),
        cmocka_unit_test(info_valid_and_invalid),
        cmocka_unit_test(info_authorize_idempotency),
        cmocka_unit_test(list_valid_gives_ids),
        cmocka_unit_test(list_wrong_types_and_oversized_are_refused),
        cmocka_unit_test(credential_rsa_gives_key_chain_and_details),
        cmocka_unit_test(credential_ec_needs_a_curve),
        cmocka_unit_test(credential_malformed_members_are_refused),
        cmocka_unit_test(authorize_valid_and_approval_code_exactly_four_digits),
        cmocka_unit_test(check_pending_and_approved),
        cmocka_unit_test(signatures_rsa_length_must_equal_the_modulus),
        cmocka_unit_test(signatures_wrong_types_base64_and_truncation_are_refused),
        cmocka_unit_test(ecdsa_signature_must_be_der_sequence_of_two_integers_in_the_curve),
        cmocka_unit_test(signatures_ecdsa_through_the_parser),
        cmocka_unit_test(der_sequence_check),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
