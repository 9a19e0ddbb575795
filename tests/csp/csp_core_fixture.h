/* The CSP core's test fixture: keys and certificates made with OpenSSL (a
 * registrar CA, an RSA-2048 user certificate it issued, an EC credential the
 * RSA CSP must skip), the fake backend the core signs through, and the
 * helpers the test files share (test_csp_core_*.c). */
#ifndef CRPKI_TESTS_CSP_CORE_FIXTURE_H
#define CRPKI_TESTS_CSP_CORE_FIXTURE_H

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <openssl/evp.h>
#include <openssl/rsa.h>
#include <openssl/x509.h>

#include "csp_core.h"
#include "csp_handle.h"
#include "csp_out.h"
#include "base/platform/plat_str.h"
#include "base/platform/plat_thread.h"

typedef struct {
    int signs;
    crpki_err sign_err;  /* returned instead of signing when set */
    signing_params last; /* its pointers are the caller's: only during sign */
    uint8_t last_digest[64];
    char last_what[128];
    int last_silent;
    void *last_window;
} fake_state;

#define ID_RSA "cred-rsa-2048"
#define ID_EC  "cred-ec-p256"

extern EVP_PKEY *g_ca_key, *g_user_key, *g_ec_key;
extern uint8_t *g_ca_der, *g_user_der, *g_ec_der;
extern size_t g_ca_len, g_user_len, g_ec_len;
extern fake_state g_fake;
extern size_t g_live_before;
extern const prov_backend FAKE;

int setup_keys(void **state);
int teardown_keys(void **state);
const EVP_MD *md_of(alg_hash_id h);
int reset(void **state);
int check_no_leak(void **state);
uintptr_t acquire(const char *container, uint32_t flags);
void release(uintptr_t p);
csp_code acquire_code(const char *container, uint32_t flags);
uintptr_t hash_of(uintptr_t p, uint32_t alg, const char *data);
void hex_to(const char *hex, uint8_t *out, size_t n);

/* One test with the fake reset before and the handle table checked after. */
#define T(f) cmocka_unit_test_setup_teardown(f, reset, check_no_leak)

/* Runs the tests after csp_core_init(&FAKE), with the keys made once. */
#define CSP_FIXTURE_MAIN(tests)                                                                    \
    int main(void)                                                                                 \
    {                                                                                              \
        if (csp_core_init(&FAKE) != CRPKI_OK)                                                      \
            return 1;                                                                              \
        return cmocka_run_group_tests(tests, setup_keys, teardown_keys);                           \
    }

#endif
