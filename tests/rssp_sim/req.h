/* req: parsing and validation of the reference service's requests, as pure
 * functions (no state, no I/O, no clock), so that they can be unit tested and
 * fuzzed on their own. Every failure fills a req_err with the HTTP status, the
 * protocol error code and an English description naming the field
 * (docs/protocol.md, "Conventions"). */
#ifndef RSSP_SIM_REQ_H
#define RSSP_SIM_REQ_H

#include <stddef.h>
#include <stdint.h>

#include <cjson/cJSON.h>

#include "base/alg/alg.h"

typedef struct {
    int status;        /* HTTP status */
    const char *error; /* protocol error code, static */
    char desc[256];    /* English, names the field */
} req_err;

#if defined(__GNUC__)
#define REQ_PRINTF(a, b) __attribute__((format(printf, a, b)))
#else
#define REQ_PRINTF(a, b)
#endif

/* Fills e and returns -1 (so that `return req_fail(...)` reads naturally). */
int req_fail(req_err *e, int status, const char *error, const char *fmt, ...) REQ_PRINTF(4, 5);

/* ---- text ---------------------------------------------------------------- */

/* 1 when s[0..n) is well-formed UTF-8 (no overlongs, surrogates or > U+10FFFF). */
int req_utf8_valid(const uint8_t *s, size_t n);

/* 1 when the Content-Type value has that media type (case-insensitive) and no
 * parameter other than charset=utf-8. NULL ct never matches. */
int req_content_type_is(const char *ct, const char *media);

/* ---- application/x-www-form-urlencoded ----------------------------------- */

typedef struct {
    char *key;
    char *value;
} req_pair;

typedef struct {
    req_pair *pairs;
    size_t n;
} req_form;

#define REQ_FORM_MAX_PAIRS 64

/* Strict parse: pairs separated by '&', each "key=value" (the first '=' splits;
 * a value may contain '='), '+' is a space, %XX must be two hex digits, raw
 * bytes must be printable ASCII, decoded keys and values must be UTF-8 without
 * NUL or control characters, keys non-empty and unique. An empty input is an
 * empty form. On failure returns -1 (400 invalid_request) and out is empty. */
int req_form_parse(const char *s, size_t len, req_form *out, req_err *e);
const char *req_form_get(const req_form *f, const char *key);
void req_form_free(req_form *f);

/* Percent-encodes everything except unreserved characters (RFC 3986). */
char *req_pct_encode(const char *s);

/* ---- JSON ---------------------------------------------------------------- */

#define REQ_JSON_MAX_DEPTH 32

/* Strict JSON: UTF-8, RFC 8259 grammar (no leading zeros, no '+', no
 * trailing garbage, no raw control characters), no \u0000 and no lone
 * surrogates, nesting at most REQ_JSON_MAX_DEPTH, no duplicate member names,
 * an object at the top. *out is a cJSON tree the caller deletes. */
int req_json_parse(const uint8_t *body, size_t len, cJSON **out, req_err *e);

/* Field getters. Return 1 when present (out set), 0 when absent and not
 * required (out untouched), -1 on a wrong type, an out-of-range value or a
 * missing required field (400 invalid_request naming the field). */
int req_get_string(const cJSON *obj, const char *name, int required, const char **out, req_err *e);
int req_get_bool(const cJSON *obj, const char *name, int *out, req_err *e);
int req_get_int(const cJSON *obj, const char *name, long min, long max, int required, long *out,
                req_err *e);

typedef struct {
    uint8_t *data;
    size_t len;
} req_blob;

typedef struct {
    req_blob *v;
    size_t n;
} req_blobs;

/* A required array of standard base64 strings, each decoded (strictly). */
int req_get_b64_array(const cJSON *obj, const char *name, req_blobs *out, req_err *e);
void req_blobs_free(req_blobs *b);

/* ---- CSC request bodies ---------------------------------------------------- */

enum { REQ_CERTS_NONE = 0, REQ_CERTS_SINGLE = 1, REQ_CERTS_CHAIN = 2 };

typedef struct {
    int cred_info;
    int certificates; /* REQ_CERTS_* */
    int cert_info;
    long max_results; /* 0: all */
} req_cred_list;

typedef struct {
    const char *credential_id;
    int certificates;
    int cert_info;
    int auth_info;
} req_cred_info;

typedef struct {
    const char *credential_id;
    long num_signatures;
    req_blobs hashes;
    const char *hash_oid;
    const char *description; /* NULL when absent */
} req_authorize;

typedef struct {
    const char *handle;
    long wait;
} req_authorize_check;

typedef struct {
    const char *credential_id;
    const char *sad;
    req_blobs hashes;
    const char *hash_oid; /* NULL when absent */
    const char *sign_algo;
    int has_params;
    req_blob params; /* decoded signAlgoParams */
} req_sign_hash;

/* Strings point into the cJSON tree, which must outlive the struct. These
 * check JSON types, ranges and encodings only ("body" validation); what needs
 * the credential or the algorithm tables comes after. */
int req_parse_info(const cJSON *body, req_err *e);
int req_parse_cred_list(const cJSON *body, req_cred_list *out, req_err *e);
int req_parse_cred_info(const cJSON *body, req_cred_info *out, req_err *e);
int req_parse_authorize(const cJSON *body, unsigned max_signatures, req_authorize *out, req_err *e);
void req_authorize_free(req_authorize *a);
int req_parse_authorize_check(const cJSON *body, req_authorize_check *out, req_err *e);
int req_parse_sign_hash(const cJSON *body, req_sign_hash *out, req_err *e);
void req_sign_hash_free(req_sign_hash *s);

/* hashAlgorithmOID accepted for signing (SHA-1/256/384/512; MD5 and unknown
 * OIDs: 400 unsupported_algorithm). */
const alg_hash_info *req_hash_alg(const char *oid, req_err *e);

/* Each hash exactly h->len bytes, and as many as numSignatures
 * (400 invalid_hash). */
int req_check_hashes(const alg_hash_info *h, long num_signatures, const req_blobs *hashes,
                     req_err *e);

typedef struct {
    alg_sig_scheme scheme;
    const alg_hash_info *hash;  /* the hash the signature is over */
    unsigned long pss_salt_len; /* PSS only */
} req_sign_plan;

/* Resolves signAlgo / hashAlgorithmOID / signAlgoParams against a key of
 * that type and size (bits: RSA modulus bits): signAlgo must be one of the
 * key's algorithms, the hash supported and the one signAlgo implies, PSS
 * parameters well formed with that hash for digest and MGF1 and a salt that
 * fits the key. 400 unsupported_algorithm or invalid_request. */
int req_sign_plan_resolve(const req_sign_hash *s, alg_key_type key_type, unsigned key_bits,
                          req_sign_plan *out, req_err *e);

/* RSASSA-PSS-params (RFC 4055) DER: digest hash, MGF1 hash, salt length,
 * trailer field (must be 1). Defaults SHA-1 / MGF1-SHA-1 / 20 / 1. */
int req_parse_pss_params(const uint8_t *der, size_t len, alg_hash_id *hash, alg_hash_id *mgf1_hash,
                         long *salt_len, req_err *e);

/* ---- OAuth values ------------------------------------------------------------ */

/* http://127.0.0.1:PORT/..., http://localhost:PORT/..., http://[::1]:PORT/...
 * with a port 1-65535, a path of RFC 3986 characters, an optional query and
 * no fragment or user info. */
int req_redirect_uri_ok(const char *uri);
/* base64url of 32 bytes: 43 characters. */
int req_pkce_challenge_ok(const char *s);
/* 43-128 characters of [A-Za-z0-9-._~]. */
int req_pkce_verifier_ok(const char *s);
/* 1-512 printable ASCII characters. */
int req_state_ok(const char *s);
/* "Bearer <b64token>" (scheme case-insensitive): 1 and sets *tok and *len, else 0. */
int req_bearer(const char *authorization, const char **tok, size_t *len);

#endif
