/* What the CSC endpoint tests share (test_csc_*.c): the two users' access
 * tokens, their credentials, the setups, and OpenSSL verification of real
 * signatures from the token. */
#ifndef RSSP_SIM_TEST_CSC_COMMON_H
#define RSSP_SIM_TEST_CSC_COMMON_H

#include "test_svc_fixture.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <openssl/bn.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/rsa.h>
#include <openssl/x509.h>

#include <openssl/rand.h>

#include "commands.h"
#include "base/util/base64.h"

#define H32 "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA="
#define H20 "AAAAAAAAAAAAAAAAAAAAAAAAAAA="
#define GB  "\"authData\":[{\"id\":\"gbizid_app\"}]"

static const uint8_t OID_SHA1[] = {0x2b, 0x0e, 0x03, 0x02, 0x1a};
static const uint8_t OID_SHA256[] = {0x60, 0x86, 0x48, 0x01, 0x65, 0x03, 0x04, 0x02, 0x01};
static const uint8_t OID_SHA384[] = {0x60, 0x86, 0x48, 0x01, 0x65, 0x03, 0x04, 0x02, 0x02};
static const uint8_t OID_MGF1[] = {0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x01, 0x08};

extern char at1[64], at2[64]; /* user1, user2 */

int csc_setup(void **state);
int csc_setup_auto(int ms);
const char *rsa2048(void);
const char *rsa3072(void);
const char *p256(void);
const char *user2_cred(void);
double mono_s(void);
void sleep_ms(long ms);
void check(const char *access, const char *handle, long wait, tsf_resp *r);
void expect_pending(tsf_resp *r);
EVP_PKEY *cert_key(const char *cred_id);
int verify(const char *cred_id, alg_sig_scheme scheme, alg_hash_id hash, int salt,
           const uint8_t *digest, const char *sig_b64, size_t *sig_len);
size_t algid(uint8_t *o, const uint8_t *oid, size_t ol);
char *pss_params_b64(const uint8_t *h, size_t hl, const uint8_t *m, size_t ml, int salt,
                     int trailer);
cJSON *sign_ok(const char *access, const char *body);
void sign_and_verify(const char *cred, const char *hash_oid, alg_hash_id hid, const char *sign_algo,
                     alg_sig_scheme scheme, const char *params, int salt, size_t n,
                     size_t want_len);

#define T(f) cmocka_unit_test_setup_teardown(f, csc_setup, tsf_teardown)

#endif
