/* crpki-rsspd init end to end, in-process: the data directory it writes is
 * complete and consistent (sim.json loads, every credential's key is in the
 * token and matches its certificate, which the registrar CA issued), a second
 * init is refused without --force, and usage errors exit 2. */
#define _POSIX_C_SOURCE 200809L

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <cmocka.h>

#include <openssl/evp.h>
#include <openssl/rsa.h>
#include <openssl/x509.h>

#include "commands.h"
#include "p11.h"
#include "pki.h"
#include "simcfg.h"
#include "test_util.h"

static char *g_dir;

static int setup(void **state)
{
    (void)state;
    g_dir = tu_mkdtemp("test_init");
    return g_dir ? 0 : -1;
}

static int teardown(void **state)
{
    (void)state;
    tu_rm_rf(g_dir);
    free(g_dir);
    g_dir = NULL;
    return 0;
}

static int run_init(const char *a1, const char *a2, const char *a3, const char *a4, const char *a5)
{
    char *argv[8] = {"init"};
    int argc = 1;
    const char *a[] = {a1, a2, a3, a4, a5};
    for (size_t i = 0; i < 5 && a[i]; i++)
        argv[argc++] = (char *)a[i];
    return rsspd_cmd_init(argc, argv);
}

static void file_mode(const char *dir, const char *name, unsigned mode)
{
    char p[4096];
    snprintf(p, sizeof p, "%s/%s", dir, name);
    struct stat st;
    assert_int_equal(stat(p, &st), 0);
    assert_int_equal(st.st_mode & 0777, mode);
}

/* Signs a SHA-256 hash with the credential's key in the token and verifies it
 * with the public key of its certificate. */
static void sign_and_verify(p11_token *tok, const simcfg_credential *c, X509 *cert)
{
    uint8_t hash[32], data[64], sig[600];
    unsigned int hl = 32;
    assert_int_equal(EVP_Digest(c->id, strlen(c->id), hash, &hl, EVP_sha256(), NULL), 1);
    size_t dlen = 32;
    p11_mech m = {CRPKI_PAD_ECDSA, CRPKI_HASH_NONE, 0};
    memcpy(data, hash, 32);
    if (c->key_type == CRPKI_KEY_RSA) {
        m.scheme = CRPKI_PAD_PKCS1;
        dlen = alg_digestinfo(CRPKI_HASH_SHA256, hash, 32, data, sizeof data);
        assert_int_not_equal(dlen, 0);
    }
    size_t siglen = sizeof sig;
    char err[256] = "";
    assert_int_equal(p11_sign(tok, c->id, &m, data, dlen, sig, &siglen, err, sizeof err), 0);
    EVP_PKEY *pub = X509_get0_pubkey(cert);
    assert_non_null(pub);
    assert_int_equal(EVP_PKEY_get_bits(pub), (int)c->key_bits);
    EVP_PKEY_CTX *ctx = EVP_PKEY_CTX_new(pub, NULL);
    assert_int_equal(EVP_PKEY_verify_init(ctx), 1);
    if (c->key_type == CRPKI_KEY_RSA) {
        assert_int_equal(EVP_PKEY_CTX_set_rsa_padding(ctx, RSA_PKCS1_PADDING), 1);
        assert_int_equal(EVP_PKEY_CTX_set_signature_md(ctx, EVP_sha256()), 1);
    }
    assert_int_equal(EVP_PKEY_verify(ctx, sig, siglen, hash, 32), 1);
    EVP_PKEY_CTX_free(ctx);
}

static void test_init_writes_a_complete_consistent_data_directory(void **state)
{
    (void)state;
    const char *module = tu_p11_module();
    if (!module) {
        print_message("no PKCS#11 module (softhsm2) installed: skipped\n");
        skip();
    }
    char sub[4096];
    snprintf(sub, sizeof sub, "%s/data", g_dir); /* created by init */
    assert_int_equal(run_init("--dir", sub, "--pkcs11-module", module, NULL), 0);

    simcfg cfg;
    char err[256] = "";
    assert_int_equal(simcfg_load(sub, &cfg, err, sizeof err), 0);
    assert_string_equal(cfg.pkcs11_module, module);
    assert_string_equal(cfg.token_label, "crpki-rsspd");
    assert_string_equal(cfg.client_id, "crpki-driver");
    assert_int_equal(strlen(cfg.user_pin), 16);
    assert_int_equal(strlen(cfg.so_pin), 16);
    assert_int_equal(cfg.nusers, 2);
    assert_string_equal(cfg.users[0].id, "user1");
    assert_string_equal(cfg.users[0].name, "山田 太郎");
    assert_string_equal(cfg.users[1].company, "合同会社サンプル");
    assert_int_equal(cfg.users[0].ncreds, 3);
    assert_int_equal(cfg.users[1].ncreds, 1);
    assert_true(strlen(cfg.users[0].password) >= 12);
    assert_string_not_equal(cfg.users[0].password, cfg.users[1].password);
    file_mode(sub, "sim.json", 0600);
    file_mode(sub, "tls/server.key", 0600);
    file_mode(sub, "pki/registrar-ca.key", 0600);
    file_mode(sub, "pki/registrar-ca.der", 0644);
    file_mode(sub, "tls/ca.pem", 0644);

    X509 *reg = pki_read_cert_pem(cfg.registrar_ca_pem, err, sizeof err);
    assert_non_null(reg);
    X509_STORE *store = X509_STORE_new();
    assert_int_equal(X509_STORE_add_cert(store, reg), 1);

    assert_int_equal(setenv("SOFTHSM2_CONF", cfg.softhsm2_conf, 1), 0);
    p11_token *tok = NULL;
    assert_int_equal(
        p11_open(cfg.pkcs11_module, cfg.token_label, cfg.user_pin, &tok, err, sizeof err), 0);
    const unsigned want_bits[] = {2048, 3072, 256, 2048};
    size_t idx = 0;
    for (size_t i = 0; i < cfg.nusers; i++) {
        for (size_t k = 0; k < cfg.users[i].ncreds; k++, idx++) {
            const simcfg_credential *c = &cfg.users[i].creds[k];
            assert_int_equal(strncmp(c->id, "cred-", 5), 0);
            assert_int_equal(strlen(c->id), 21);
            assert_int_equal(c->key_bits, want_bits[idx]);
            assert_int_equal(c->key_type, idx == 2 ? CRPKI_KEY_EC : CRPKI_KEY_RSA);
            X509 *cert = pki_read_cert_pem(c->cert_pem, err, sizeof err);
            assert_non_null(cert);
            X509_STORE_CTX *ctx = X509_STORE_CTX_new();
            assert_int_equal(X509_STORE_CTX_init(ctx, store, cert, NULL), 1);
            assert_int_equal(X509_verify_cert(ctx), 1);
            X509_STORE_CTX_free(ctx);
            sign_and_verify(tok, c, cert);
            X509_free(cert);
        }
    }
    p11_close(tok);
    X509_STORE_free(store);
    X509_free(reg);

    /* a second init is refused; --force starts over with new credentials */
    assert_int_equal(run_init("--dir", sub, "--pkcs11-module", module, NULL), 1);
    assert_int_equal(run_init("--dir", sub, "--pkcs11-module", module, "--force"), 0);
    simcfg again;
    assert_int_equal(simcfg_load(sub, &again, err, sizeof err), 0);
    assert_string_not_equal(again.users[0].creds[0].id, cfg.users[0].creds[0].id);
    assert_string_not_equal(again.user_pin, cfg.user_pin);
    simcfg_free(&again);
    simcfg_free(&cfg);
}

static void test_init_usage_errors_exit_2(void **state)
{
    (void)state;
    assert_int_equal(run_init(NULL, NULL, NULL, NULL, NULL), 2);
    assert_int_equal(run_init("--dir", NULL, NULL, NULL, NULL), 2);
    assert_int_equal(run_init("--dir", g_dir, "--bogus", NULL, NULL), 2);
    assert_int_equal(run_init("--help", NULL, NULL, NULL, NULL), 0);
}

static void test_init_with_missing_module_fails_and_writes_no_sim_json(void **state)
{
    (void)state;
    assert_int_equal(run_init("--dir", g_dir, "--pkcs11-module", "/nonexistent/p11.so", NULL), 1);
    char p[4096];
    snprintf(p, sizeof p, "%s/sim.json", g_dir);
    struct stat st;
    assert_int_not_equal(stat(p, &st), 0);
    /* the leftovers make a plain re-run refuse, rather than mix old and new */
    assert_int_equal(run_init("--dir", g_dir, "--pkcs11-module", "/nonexistent/p11.so", NULL), 1);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_init_writes_a_complete_consistent_data_directory,
                                        setup, teardown),
        cmocka_unit_test_setup_teardown(test_init_usage_errors_exit_2, setup, teardown),
        cmocka_unit_test_setup_teardown(test_init_with_missing_module_fails_and_writes_no_sim_json,
                                        setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
