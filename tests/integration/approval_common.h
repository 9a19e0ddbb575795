/* What the approval tests share (test_approval*.c): the two users' tokens,
 * their credentials, and a SAD approved through the phone. */
#ifndef CRPKI_TESTS_INTEGRATION_APPROVAL_COMMON_H
#define CRPKI_TESTS_INTEGRATION_APPROVAL_COMMON_H

#include "harness.h"

#include <openssl/rsa.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define SHA256_OID "2.16.840.1.101.3.4.2.1"
#define SHA384_OID "2.16.840.1.101.3.4.2.2"
#define MD5_OID    "1.2.840.113549.2.5"
#define SHA256_RSA "1.2.840.113549.1.1.11"
#define SHA384_RSA "1.2.840.113549.1.1.12"

static h_tokens tok1, tok2;

static int teardown(void **state)
{
    h_tokens_free(&tok1);
    h_tokens_free(&tok2);
    return h_group_teardown(state);
}

static inline const char *t1(void)
{
    if (!tok1.access)
        h_login_ok("user1", &tok1);
    return tok1.access;
}

static inline const char *t2(void)
{
    if (!tok2.access)
        h_login_ok("user2", &tok2);
    return tok2.access;
}

static inline const h_cred *cred(const char *user, alg_key_type kt)
{
    const h_user *u = h_user_by_id(user);
    for (size_t i = 0; i < u->ncreds; i++)
        if (u->creds[i].key_type == kt)
            return &u->creds[i];
    fail_msg("no credential of that key type");
    return NULL;
}

static inline const char *rsa1(void)
{
    return cred("user1", CRPKI_KEY_RSA)->id;
}

/* authorize + approve by code + SAD */
static inline char *approved_sad(const char *bearer, const char *cred_id, const char *hash_oid,
                                 const uint8_t *hashes, size_t n, size_t len, h_approval *a)
{
    h_authorize_ok(bearer, cred_id, hash_oid, hashes, n, len, a);
    int rc = h_approve(a->code);
    if (rc != 0)
        fail_msg("approve --code %s exited %d", a->code, rc);
    return h_wait_sad_ok(bearer, a->handle);
}

#endif
