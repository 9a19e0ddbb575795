/* rc_parse: strict parsers of every response of the protocol
 * (docs/protocol.md). Pure functions of (body, length[, what was asked]):
 * no I/O, no globals but cJSON's parse lock; fuzzed by tests/fuzz/fuzz_rssp_*.
 *
 * Each returns 0, or -1 with an English message in err (naming the member,
 * never quoting a value: bodies may hold tokens). Outputs are zeroed first
 * and freed again on failure. */
#ifndef CRPKI_RSSP_CLIENT_RC_PARSE_H
#define CRPKI_RSSP_CLIENT_RC_PARSE_H

#include <stddef.h>
#include <stdint.h>

#include "crpki/rssp_client.h"

/* Limits of what the client accepts from the service. */
#define RC_MAX_ID_LEN      256   /* credential IDs */
#define RC_MAX_OPAQUE_LEN  4096  /* handles, SADs, tokens */
#define RC_MAX_TEXT_LEN    4096  /* descriptions, DNs */
#define RC_MAX_CREDENTIALS 10000 /* credentialIDs */
#define RC_MAX_ALGOS       64
#define RC_MAX_CERTS       16
#define RC_MAX_CERT_LEN    65536 /* one DER certificate */
#define RC_MAX_SIGNATURES  1024

/* {"error": "...", "error_description": "..."}: error is copied (printable
 * ASCII only, else ""), description made printable and truncated. Returns 0
 * when an "error" string was found, -1 otherwise (buffers then ""). */
int rc_parse_error(const char *body, size_t len, char *error, size_t errorsz, char *desc,
                   size_t descsz);

/* Token endpoint: access_token, token_type Bearer, expires_in, refresh_token
 * (required: the service always issues or rotates it), scope (optional).
 * now: Unix time, for access_expires_at. */
int rc_parse_tokens(const char *body, size_t len, int64_t now, rssp_tokens *out, char *err,
                    size_t errsz);

/* credentials/info's and info's results. */
int rc_parse_info(const char *body, size_t len, rssp_service_info *out, char *err, size_t errsz);
int rc_parse_list(const char *body, size_t len, char ***ids, size_t *n, char *err, size_t errsz);
/* id is copied to out->id. Expects the certificates ("chain" or "single")
 * and the certInfo members. */
int rc_parse_credential(const char *body, size_t len, const char *id, rssp_credential *out,
                        char *err, size_t errsz);

typedef struct {
    char *handle;
    char code[5]; /* exactly 4 ASCII digits */
    unsigned expires_in;
    unsigned interval;
} rc_authz;
void rc_authz_free(rc_authz *a);
int rc_parse_authorize(const char *body, size_t len, rc_authz *out, char *err, size_t errsz);

typedef struct {
    int approved; /* 1: sad is set; 0: still pending */
    char *sad;
    unsigned expires_in; /* pending: the approval's remaining life; approved: the SAD's */
    unsigned interval;   /* pending: 0 when absent */
} rc_check;
void rc_check_free(rc_check *c);
/* status: the HTTP status (200 approved, 202 pending). */
int rc_parse_check(int status, const char *body, size_t len, rc_check *out, char *err,
                   size_t errsz);

/* signHash: exactly n signatures; RSA ones exactly (key_bits + 7) / 8 bytes,
 * ECDSA ones a DER ECDSA-Sig-Value whose integers fit the curve. */
int rc_parse_signatures(const char *body, size_t len, size_t n, rssp_key_type key_type,
                        unsigned key_bits, rssp_signatures *out, char *err, size_t errsz);

/* DER checks, exposed for tests. */
/* 1 when der[0..len) is exactly one DER SEQUENCE TLV (minimal length). */
int rc_der_is_sequence(const uint8_t *der, size_t len);
/* 1 when sig is SEQUENCE { INTEGER r, INTEGER s }, both positive, minimally
 * encoded and at most field_bytes long (without the sign byte). */
int rc_der_ecdsa_sig_ok(const uint8_t *sig, size_t len, size_t field_bytes);

#endif
