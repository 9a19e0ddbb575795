/* req: the pure parsing and validation of the service's requests. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "req.h"

static void expect_err(const req_err *e, int status, const char *error, const char *desc)
{
    assert_int_equal(e->status, status);
    assert_string_equal(e->error, error);
    if (desc && !strstr(e->desc, desc))
        fail_msg("description '%s' does not contain '%s'", e->desc, desc);
}

/* ---- text ---------------------------------------------------------------------- */

static void utf8_validator_rejects_overlongs_surrogates_and_truncation(void **state)
{
    (void)state;
    assert_true(req_utf8_valid((const uint8_t *)"abc 山田 \xf0\x9f\x98\x80", 16));
    static const char *const bad[] = {
        "\xc0\x80",         "\xc1\xbf", "\xe0\x80\x80", "\xed\xa0\x80", "\xf4\x90\x80\x80",
        "\xf5\x80\x80\x80", "\xe5\xb1", "\x80",         "\xff"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
        assert_false(req_utf8_valid((const uint8_t *)bad[i], strlen(bad[i])));
}

static void content_type_matches_media_type_and_utf8_charset_only(void **state)
{
    (void)state;
    assert_true(req_content_type_is("application/json", "application/json"));
    assert_true(req_content_type_is("Application/JSON; charset=UTF-8", "application/json"));
    assert_true(req_content_type_is("application/json;charset=\"utf-8\"", "application/json"));
    assert_false(req_content_type_is("application/json; charset=latin1", "application/json"));
    assert_false(req_content_type_is("application/jsonx", "application/json"));
    assert_false(req_content_type_is("text/plain", "application/json"));
    assert_false(req_content_type_is(NULL, "application/json"));
    assert_false(req_content_type_is("application/json; boundary=x", "application/json"));
}

/* ---- forms ------------------------------------------------------------------------- */

static void form_decodes_percent_plus_and_keeps_equals_in_values(void **state)
{
    (void)state;
    const char *s = "a=1+2%2B3&b=&c=x%3Dy=z&d=%E5%B1%B1%E7%94%B0";
    req_form f;
    req_err e;
    assert_int_equal(req_form_parse(s, strlen(s), &f, &e), 0);
    assert_int_equal(f.n, 4);
    assert_string_equal(req_form_get(&f, "a"), "1 2+3");
    assert_string_equal(req_form_get(&f, "b"), "");
    assert_string_equal(req_form_get(&f, "c"), "x=y=z");
    assert_string_equal(req_form_get(&f, "d"), "山田");
    assert_null(req_form_get(&f, "e"));
    req_form_free(&f);
    assert_int_equal(req_form_parse("", 0, &f, &e), 0);
    assert_int_equal(f.n, 0);
}

static void form_rejects_malformed_encodings(void **state)
{
    (void)state;
    static const char *const bad[] = {
        "a=1&a=2", /* duplicate */
        "a=%",
        "a=%4",
        "a=%zz",
        "a=%00",
        "a=%0A",
        "a=%7F",
        "a=%FF",
        "a=%C0%80",
        "a=1&&b=2",
        "a=1&",
        "&a=1",
        "a",
        "=v",
        "a=b c",
        "a=\x01",
        "a=\xe5\xb1\xb1",
        "%61=1&a=2" /* duplicate after decoding */,
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        req_form f;
        req_err e;
        if (req_form_parse(bad[i], strlen(bad[i]), &f, &e) != -1)
            fail_msg("'%s' accepted", bad[i]);
        expect_err(&e, 400, "invalid_request", NULL);
        assert_int_equal(f.n, 0);
        assert_null(f.pairs);
    }
}

static void form_rejects_too_many_parameters(void **state)
{
    (void)state;
    char buf[4096] = "";
    for (int i = 0; i <= REQ_FORM_MAX_PAIRS; i++) {
        char p[16];
        snprintf(p, sizeof p, "%sk%d=v", i ? "&" : "", i);
        strcat(buf, p);
    }
    req_form f;
    req_err e;
    assert_int_equal(req_form_parse(buf, strlen(buf), &f, &e), -1);
    expect_err(&e, 400, "invalid_request", "too many");
}

static void pct_encode_leaves_only_unreserved(void **state)
{
    (void)state;
    char *s = req_pct_encode("a b/&=~._-山");
    assert_string_equal(s, "a%20b%2F%26%3D~._-%E5%B1%B1");
    free(s);
}

/* ---- JSON -------------------------------------------------------------------------- */

static int parse(const char *text, req_err *e)
{
    cJSON *j = NULL;
    int r = req_json_parse((const uint8_t *)text, strlen(text), &j, e);
    cJSON_Delete(j);
    return r;
}

static void json_accepts_objects_with_whitespace_and_escapes(void **state)
{
    (void)state;
    req_err e;
    static const char *const good[] = {
        "{}", " \t\r\n{ \"a\" : [1, -0.5e+3, true, false, null, \"\\u00e9\\ud83d\\ude00\\n\"] } ",
        "{\"a\":{\"a\":1},\"b\":{\"a\":2}}", "{\"山\":\"田\"}"};
    for (size_t i = 0; i < sizeof good / sizeof good[0]; i++)
        if (parse(good[i], &e) != 0)
            fail_msg("'%s' refused: %s", good[i], e.desc);
}

static void json_rejects_anything_not_strict_rfc8259_object(void **state)
{
    (void)state;
    static const char *const bad[] = {
        "",
        " ",
        "[]",
        "\"s\"",
        "1",
        "null",
        "{} x",
        "{}{}",
        "{",
        "{\"a\":}",
        "{\"a\":1,}",
        "{,}",
        "{'a':1}",
        "{a:1}",
        "{\"a\":01}",
        "{\"a\":+1}",
        "{\"a\":.5}",
        "{\"a\":1.}",
        "{\"a\":NaN}",
        "{\"a\":Infinity}",
        "{\"a\":-}",
        "{\"a\":1e}",
        "{\"a\":tru}",
        "{\"a\":\"\\x\"}",
        "{\"a\":\"\\u12\"}",
        "{\"a\":\"\\u0000\"}",
        "{\"a\":\"\\ud800\"}",
        "{\"a\":\"\\udc00\"}",
        "{\"a\":\"\\ud800\\u0041\"}",
        "{\"a\":\"\t\"}",
        "{/*c*/}",
        "{\"a\":1,\"a\":2}",
        "{\"x\":{\"a\":1,\"a\":1}}",
        "{\"a\":\"\xff\"}",
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        req_err e;
        if (parse(bad[i], &e) != -1)
            fail_msg("'%s' accepted", bad[i]);
        expect_err(&e, 400, "invalid_request", "body");
    }
    /* a NUL inside the body */
    req_err e;
    cJSON *j = NULL;
    assert_int_equal(req_json_parse((const uint8_t *)"{}\0", 3, &j, &e), -1);
    assert_int_equal(req_json_parse((const uint8_t *)"{\"a\":\"\0\"}", 8, &j, &e), -1);
    assert_null(j);
}

static void json_rejects_deep_nesting(void **state)
{
    (void)state;
    char buf[256] = "{\"a\":";
    for (int i = 0; i < REQ_JSON_MAX_DEPTH; i++)
        strcat(buf, "[");
    for (int i = 0; i < REQ_JSON_MAX_DEPTH; i++)
        strcat(buf, "]");
    strcat(buf, "}");
    req_err e;
    assert_int_equal(parse(buf, &e), -1);
    expect_err(&e, 400, "invalid_request", "deep");
}

static void field_getters_check_types_and_ranges(void **state)
{
    (void)state;
    cJSON *j = NULL;
    req_err e;
    const char *t = "{\"s\":\"x\",\"n\":3,\"f\":1.5,\"b\":true,\"big\":1e300,\"neg\":-1}";
    assert_int_equal(req_json_parse((const uint8_t *)t, strlen(t), &j, &e), 0);
    const char *s = NULL;
    long n = 0;
    int b = 0;
    assert_int_equal(req_get_string(j, "s", 1, &s, &e), 1);
    assert_string_equal(s, "x");
    assert_int_equal(req_get_string(j, "n", 1, &s, &e), -1);
    expect_err(&e, 400, "invalid_request", "n: must be a string");
    assert_int_equal(req_get_string(j, "zz", 0, &s, &e), 0);
    assert_int_equal(req_get_string(j, "zz", 1, &s, &e), -1);
    expect_err(&e, 400, "invalid_request", "zz: required");
    assert_int_equal(req_get_int(j, "n", 1, 5, 1, &n, &e), 1);
    assert_int_equal(n, 3);
    assert_int_equal(req_get_int(j, "n", 4, 5, 1, &n, &e), -1);
    expect_err(&e, 400, "invalid_request", "n: must be between 4 and 5");
    assert_int_equal(req_get_int(j, "f", 0, 5, 1, &n, &e), -1);
    expect_err(&e, 400, "invalid_request", "f: must be an integer");
    assert_int_equal(req_get_int(j, "big", 0, 5, 1, &n, &e), -1);
    assert_int_equal(req_get_int(j, "neg", 0, 5, 1, &n, &e), -1);
    assert_int_equal(req_get_int(j, "s", 0, 5, 1, &n, &e), -1);
    assert_int_equal(req_get_bool(j, "b", &b, &e), 1);
    assert_true(b);
    assert_int_equal(req_get_bool(j, "n", &b, &e), -1);
    expect_err(&e, 400, "invalid_request", "n: must be true or false");
    cJSON_Delete(j);
}

/* ---- CSC bodies -------------------------------------------------------------------- */

#define H32 "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA="
#define GB  "\"authData\":[{\"id\":\"gbizid_app\"},{\"id\":\"other\"}]"

static int parse_authorize(const char *text, req_authorize *a, req_err *e)
{
    cJSON *j = NULL;
    if (req_json_parse((const uint8_t *)text, strlen(text), &j, e) < 0)
        return -2;
    int r = req_parse_authorize(j, 64, a, e);
    if (r == 0) {
        /* strings point into the tree: copy what the test looks at */
        assert_string_equal(a->credential_id, "c1");
    }
    req_authorize_free(a);
    cJSON_Delete(j);
    return r;
}

static void authorize_body_accepts_valid_and_names_each_bad_field(void **state)
{
    (void)state;
    req_authorize a;
    req_err e;
    assert_int_equal(
        parse_authorize("{\"credentialID\":\"c1\",\"numSignatures\":1,\"hashes\":[\"" H32
                        "\"],\"hashAlgorithmOID\":\"x\",\"unknown\":[1]," GB "}",
                        &a, &e),
        0);
    struct {
        const char *body, *field;
    } cases[] = {
        {"{\"numSignatures\":1,\"hashes\":[\"" H32 "\"],\"hashAlgorithmOID\":\"x\"," GB "}",
         "credentialID"},
        {"{\"credentialID\":null,\"numSignatures\":1,\"hashes\":[\"" H32
         "\"],\"hashAlgorithmOID\":\"x\"," GB "}",
         "credentialID"},
        {"{\"credentialID\":\"c1\",\"hashes\":[\"" H32 "\"],\"hashAlgorithmOID\":\"x\"," GB "}",
         "numSignatures"},
        {"{\"credentialID\":\"c1\",\"numSignatures\":65,\"hashes\":[\"" H32
         "\"],\"hashAlgorithmOID\":\"x\"," GB "}",
         "numSignatures"},
        {"{\"credentialID\":\"c1\",\"numSignatures\":true,\"hashes\":[\"" H32
         "\"],\"hashAlgorithmOID\":\"x\"," GB "}",
         "numSignatures"},
        {"{\"credentialID\":\"c1\",\"numSignatures\":1,\"hashAlgorithmOID\":\"x\"," GB "}",
         "hashes"},
        {"{\"credentialID\":\"c1\",\"numSignatures\":1,\"hashes\":{},\"hashAlgorithmOID\":\"x\"," GB
         "}",
         "hashes"},
        {"{\"credentialID\":\"c1\",\"numSignatures\":1,\"hashes\":[\"" H32
         "\",\"Zg\"],\"hashAlgorithmOID\":\"x\"," GB "}",
         "hashes[1]"},
        {"{\"credentialID\":\"c1\",\"numSignatures\":1,\"hashes\":[\"\"],\"hashAlgorithmOID\":"
         "\"x\"," GB "}",
         "hashes[0]"},
        {"{\"credentialID\":\"c1\",\"numSignatures\":1,\"hashes\":[\"" H32 "\"]," GB "}",
         "hashAlgorithmOID"},
        {"{\"credentialID\":\"c1\",\"numSignatures\":1,\"hashes\":[\"" H32
         "\"],\"hashAlgorithmOID\":\"x\",\"description\":[]," GB "}",
         "description"},
        {"{\"credentialID\":\"c1\",\"numSignatures\":1,\"hashes\":[\"" H32
         "\"],\"hashAlgorithmOID\":\"x\"}",
         "authData"},
        {"{\"credentialID\":\"c1\",\"numSignatures\":1,\"hashes\":[\"" H32
         "\"],\"hashAlgorithmOID\":\"x\",\"authData\":[{\"id\":\"gbizid\"}]}",
         "authData"},
        {"{\"credentialID\":\"c1\",\"numSignatures\":1,\"hashes\":[\"" H32
         "\"],\"hashAlgorithmOID\":\"x\",\"authData\":[{\"id\":1}]}",
         "authData"},
        {"{\"credentialID\":\"c1\",\"numSignatures\":1,\"hashes\":[\"" H32
         "\"],\"hashAlgorithmOID\":\"x\",\"description\":\"a\\u001b[2Jb\"," GB "}",
         "description"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        if (parse_authorize(cases[i].body, &a, &e) != -1)
            fail_msg("case %zu accepted: %s", i, cases[i].body);
        expect_err(&e, 400, "invalid_request", cases[i].field);
    }
}

static void hash_checks_refuse_md5_unknown_lengths_and_counts(void **state)
{
    (void)state;
    req_err e;
    assert_non_null(req_hash_alg("2.16.840.1.101.3.4.2.1", &e));
    assert_non_null(req_hash_alg("1.3.14.3.2.26", &e));
    assert_null(req_hash_alg("1.2.840.113549.2.5", &e));
    expect_err(&e, 400, "unsupported_algorithm", "MD5");
    assert_null(req_hash_alg("1.2.3", &e));
    expect_err(&e, 400, "unsupported_algorithm", "hashAlgorithmOID");
    const alg_hash_info *h = alg_hash_by_id(CRPKI_HASH_SHA256);
    uint8_t a[32], b[20];
    req_blob v[2] = {{a, 32}, {a, 32}};
    req_blobs hs = {v, 2};
    assert_int_equal(req_check_hashes(h, 2, &hs, &e), 0);
    assert_int_equal(req_check_hashes(h, 1, &hs, &e), -1);
    expect_err(&e, 400, "invalid_hash", "numSignatures");
    v[1].data = b;
    v[1].len = 20;
    assert_int_equal(req_check_hashes(h, 2, &hs, &e), -1);
    expect_err(&e, 400, "invalid_hash", "hashes[1]");
}

/* ---- signHash plans ------------------------------------------------------------------ */

static req_sign_hash sh(const char *algo, const char *hash_oid, const uint8_t *params, size_t plen)
{
    req_sign_hash s;
    memset(&s, 0, sizeof s);
    s.sign_algo = algo;
    s.hash_oid = hash_oid;
    if (params) {
        s.has_params = 1;
        s.params.data = (uint8_t *)params;
        s.params.len = plen;
    }
    return s;
}

/* RSASSA-PSS-params SHA-256 / MGF1-SHA-256 / salt 32 / trailer 1 */
static const uint8_t PSS256[] = {
    0x30, 0x39, 0xa0, 0x0f, 0x30, 0x0d, 0x06, 0x09, 0x60, 0x86, 0x48, 0x01, 0x65, 0x03, 0x04,
    0x02, 0x01, 0x05, 0x00, 0xa1, 0x1c, 0x30, 0x1a, 0x06, 0x09, 0x2a, 0x86, 0x48, 0x86, 0xf7,
    0x0d, 0x01, 0x01, 0x08, 0x30, 0x0d, 0x06, 0x09, 0x60, 0x86, 0x48, 0x01, 0x65, 0x03, 0x04,
    0x02, 0x01, 0x05, 0x00, 0xa2, 0x03, 0x02, 0x01, 0x20, 0xa3, 0x03, 0x02, 0x01, 0x01};

static void sign_plan_resolves_algorithms_against_the_key(void **state)
{
    (void)state;
    req_sign_plan p;
    req_err e;
    const char *S256 = "2.16.840.1.101.3.4.2.1";
    req_sign_hash s = sh("1.2.840.113549.1.1.11", NULL, NULL, 0);
    assert_int_equal(req_sign_plan_resolve(&s, CRPKI_KEY_RSA, 2048, &p, &e), 0);
    assert_int_equal(p.scheme, CRPKI_PAD_PKCS1);
    assert_int_equal(p.hash->id, CRPKI_HASH_SHA256);
    s = sh("1.2.840.113549.1.1.1", "2.16.840.1.101.3.4.2.3", NULL, 0);
    assert_int_equal(req_sign_plan_resolve(&s, CRPKI_KEY_RSA, 2048, &p, &e), 0);
    assert_int_equal(p.hash->id, CRPKI_HASH_SHA512);
    s = sh("1.2.840.10045.2.1", S256, NULL, 0);
    assert_int_equal(req_sign_plan_resolve(&s, CRPKI_KEY_EC, 256, &p, &e), 0);
    assert_int_equal(p.scheme, CRPKI_PAD_ECDSA);
    s = sh(CRPKI_OID_RSASSA_PSS, S256, PSS256, sizeof PSS256);
    assert_int_equal(req_sign_plan_resolve(&s, CRPKI_KEY_RSA, 2048, &p, &e), 0);
    assert_int_equal(p.scheme, CRPKI_PAD_PSS);
    assert_int_equal(p.pss_salt_len, 32);

    struct {
        const char *algo, *hash;
        alg_key_type key;
        const uint8_t *params;
        size_t plen;
        const char *error, *desc;
    } bad[] = {
        {"1.2.3", S256, CRPKI_KEY_RSA, NULL, 0, "unsupported_algorithm", "signAlgo"},
        {"1.2.840.10045.4.3.2", S256, CRPKI_KEY_RSA, NULL, 0, "unsupported_algorithm", "signAlgo"},
        {"1.2.840.113549.1.1.11", S256, CRPKI_KEY_EC, NULL, 0, "unsupported_algorithm", "signAlgo"},
        {"1.2.840.113549.1.1.4", NULL, CRPKI_KEY_RSA, NULL, 0, "unsupported_algorithm", "signAlgo"},
        {"1.2.840.113549.1.1.12", S256, CRPKI_KEY_RSA, NULL, 0, "unsupported_algorithm", "implies"},
        {"1.2.840.113549.1.1.1", "1.2.840.113549.2.5", CRPKI_KEY_RSA, NULL, 0,
         "unsupported_algorithm", "MD5"},
        {"1.2.840.113549.1.1.1", NULL, CRPKI_KEY_RSA, NULL, 0, "invalid_request",
         "hashAlgorithmOID"},
        {CRPKI_OID_RSASSA_PSS, S256, CRPKI_KEY_RSA, NULL, 0, "invalid_request", "signAlgoParams"},
        {CRPKI_OID_RSASSA_PSS, "2.16.840.1.101.3.4.2.2", CRPKI_KEY_RSA, PSS256, sizeof PSS256,
         "unsupported_algorithm", "signAlgoParams"},
        {CRPKI_OID_RSASSA_PSS, S256, CRPKI_KEY_RSA, PSS256, sizeof PSS256 - 1, "invalid_request",
         "signAlgoParams"},
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        s = sh(bad[i].algo, bad[i].hash, bad[i].params, bad[i].plen);
        if (req_sign_plan_resolve(&s, bad[i].key, 2048, &p, &e) != -1)
            fail_msg("case %zu accepted", i);
        expect_err(&e, 400, bad[i].error, bad[i].desc);
    }
}

static void pss_params_defaults_salt_bound_and_trailing_garbage(void **state)
{
    (void)state;
    alg_hash_id h, m;
    long salt;
    req_err e;
    const uint8_t empty[] = {0x30, 0x00};
    assert_int_equal(req_parse_pss_params(empty, sizeof empty, &h, &m, &salt, &e), 0);
    assert_int_equal(h, CRPKI_HASH_SHA1);
    assert_int_equal(m, CRPKI_HASH_SHA1);
    assert_int_equal(salt, 20);
    uint8_t garbage[sizeof PSS256 + 1];
    memcpy(garbage, PSS256, sizeof PSS256);
    garbage[sizeof PSS256] = 0;
    assert_int_equal(req_parse_pss_params(garbage, sizeof garbage, &h, &m, &salt, &e), -1);
    /* salt 32 fits RSA-2048 with SHA-256; the 512-bit key allows 64 - 32 - 2 = 30 */
    req_sign_hash s = sh(CRPKI_OID_RSASSA_PSS, "2.16.840.1.101.3.4.2.1", PSS256, sizeof PSS256);
    req_sign_plan p;
    assert_int_equal(req_sign_plan_resolve(&s, CRPKI_KEY_RSA, 512, &p, &e), -1);
    expect_err(&e, 400, "invalid_request", "salt");
    /* trailer 2 */
    uint8_t t2[sizeof PSS256];
    memcpy(t2, PSS256, sizeof PSS256);
    t2[sizeof PSS256 - 1] = 2;
    assert_int_equal(req_parse_pss_params(t2, sizeof t2, &h, &m, &salt, &e), -1);
    expect_err(&e, 400, "invalid_request", "trailer");
}

/* ---- OAuth values ---------------------------------------------------------------------- */

static void redirect_uri_only_loopback_http_with_port_and_path(void **state)
{
    (void)state;
    static const char *const good[] = {
        "http://127.0.0.1:8080/cb",
        "http://localhost:1/",
        "http://[::1]:65535/a/b?x=1&y=%41",
        "http://127.0.0.1:49152/callback/",
    };
    static const char *const bad[] = {
        NULL,
        "",
        "https://127.0.0.1:8080/cb",
        "http://127.0.0.1/cb",
        "http://127.0.0.1:8080",
        "http://127.0.0.1:0/",
        "http://127.0.0.1:65536/",
        "http://127.0.0.1:08080/",
        "http://127.0.0.1:123456/",
        "http://127.0.0.1:80/#frag",
        "http://127.0.0.1:80/a b",
        "http://127.0.0.1:80/%zz",
        "http://127.0.0.1:80/?a?b",
        "http://127.0.0.1.evil.com:80/",
        "http://localhost@evil.com:80/",
        "http://example.com:80/",
        "http://127.0.0.2:80/",
        "HTTP://127.0.0.1:80/",
        "http://[::1]/",
        "http://127.0.0.1:80/\xe5\xb1\xb1",
    };
    for (size_t i = 0; i < sizeof good / sizeof good[0]; i++)
        if (!req_redirect_uri_ok(good[i]))
            fail_msg("refused %s", good[i]);
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
        if (req_redirect_uri_ok(bad[i]))
            fail_msg("accepted %s", bad[i] ? bad[i] : "NULL");
}

static void pkce_state_and_bearer_formats(void **state)
{
    (void)state;
    assert_true(req_pkce_challenge_ok("E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM"));
    assert_false(req_pkce_challenge_ok("E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-c"));
    assert_false(req_pkce_challenge_ok("E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw+cM"));
    assert_false(req_pkce_challenge_ok("E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cN")); /* bits */
    assert_false(req_pkce_challenge_ok(NULL));
    assert_true(req_pkce_verifier_ok("dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk"));
    char v[130];
    memset(v, 'a', 128);
    v[128] = '\0';
    assert_true(req_pkce_verifier_ok(v));
    v[128] = 'a';
    v[129] = '\0';
    assert_false(req_pkce_verifier_ok(v));
    assert_false(req_pkce_verifier_ok("dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjX"));
    assert_false(req_pkce_verifier_ok("dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjX+"));
    assert_true(req_state_ok("x"));
    assert_true(req_state_ok("a b~!"));
    assert_false(req_state_ok(""));
    assert_false(req_state_ok("a\tb"));
    assert_false(req_state_ok("\xe5\xb1\xb1"));
    char s[514];
    memset(s, 'x', 513);
    s[513] = '\0';
    assert_false(req_state_ok(s));
    s[512] = '\0';
    assert_true(req_state_ok(s));

    const char *tok;
    size_t len;
    assert_true(req_bearer("Bearer abc.DEF-_~+/==", &tok, &len));
    assert_int_equal(len, 14);
    assert_true(req_bearer("bearer  abc ", &tok, &len));
    assert_int_equal(len, 3);
    assert_false(req_bearer("Bearer", &tok, &len));
    assert_false(req_bearer("Bearer ", &tok, &len));
    assert_false(req_bearer("Bearer a b", &tok, &len));
    assert_false(req_bearer("Bearer a=b", &tok, &len));
    assert_false(req_bearer("Basic abc", &tok, &len));
    assert_false(req_bearer(NULL, &tok, &len));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(utf8_validator_rejects_overlongs_surrogates_and_truncation),
        cmocka_unit_test(content_type_matches_media_type_and_utf8_charset_only),
        cmocka_unit_test(form_decodes_percent_plus_and_keeps_equals_in_values),
        cmocka_unit_test(form_rejects_malformed_encodings),
        cmocka_unit_test(form_rejects_too_many_parameters),
        cmocka_unit_test(pct_encode_leaves_only_unreserved),
        cmocka_unit_test(json_accepts_objects_with_whitespace_and_escapes),
        cmocka_unit_test(json_rejects_anything_not_strict_rfc8259_object),
        cmocka_unit_test(json_rejects_deep_nesting),
        cmocka_unit_test(field_getters_check_types_and_ranges),
        cmocka_unit_test(authorize_body_accepts_valid_and_names_each_bad_field),
        cmocka_unit_test(hash_checks_refuse_md5_unknown_lengths_and_counts),
        cmocka_unit_test(sign_plan_resolves_algorithms_against_the_key),
        cmocka_unit_test(pss_params_defaults_salt_bound_and_trailing_garbage),
        cmocka_unit_test(redirect_uri_only_loopback_http_with_port_and_path),
        cmocka_unit_test(pkce_state_and_bearer_formats),
    };
    return cmocka_run_group_tests_name("rsspd req", tests, NULL, NULL);
}
