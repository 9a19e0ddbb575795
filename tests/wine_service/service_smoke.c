/* service_smoke: the service-test infrastructure checks itself (linux and
 * under Wine). What crpki-test-setup prepared must be usable as it is: the
 * home has config.json and keys.json, the tokens sign through the client,
 * the phone approves and logs, the artifact the driver verifies with
 * OpenSSL is right. With --service-down (STOP_SERVICE) the service is gone:
 * the client fails with CRPKI_E_NETWORK and no approval was requested. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/catalog/catalog.h"
#include "crpki/auth.h"
#include "crpki/config.h"
#include "crpki/rssp_client.h"
#include "core/crypto/crypto.h"
#include "svctest.h"

static int failures;

#define CHECK(cond, ...)                                                                           \
    do {                                                                                           \
        if (!(cond)) {                                                                             \
            fprintf(stderr, "FAIL %s:%d: ", __FILE__, __LINE__);                                   \
            fprintf(stderr, __VA_ARGS__);                                                          \
            fputc('\n', stderr);                                                                   \
            failures++;                                                                            \
        }                                                                                          \
    } while (0)

static void on_approval(void *ctx, const rssp_approval *a)
{
    int *seen = ctx;
    *seen = 1;
    printf("approval code %s for %zu hash(es)\n", a->approval_code, a->num_hashes);
}

int main(int argc, char **argv)
{
    int service_down = argc > 1 && strcmp(argv[1], "--service-down") == 0;
    const char *home = svctest_env("CRPKI_HOME");
    uint8_t *data;
    size_t len;
    const char *files[] = {"config.json", "keys.json"};
    for (size_t i = 0; i < 2; i++) {
        char *p = svctest_path(home, files[i]);
        CHECK(svctest_read_file(p, &data, &len) == 0 && len > 0, "%s missing or empty", p);
        if (data)
            free(data);
        free(p);
    }
    char *sim = svctest_path(svctest_env("CRPKI_TEST_SIMDIR"), "sim.json");
    CHECK(svctest_read_file(sim, &data, &len) == 0 && strstr((char *)data, "\"users\""),
          "%s unreadable or without users", sim);
    free(data);
    free(sim);
    const char *url = svctest_env("CRPKI_TEST_SERVICE_URL");
    CHECK(strncmp(url, "https://localhost:", 18) == 0, "service URL %s", url);

    crpki_error_info ei;
    memset(&ei, 0, sizeof ei);
    crpki_config cfg;
    crpki_err e = crpki_config_load(home, &cfg, &ei);
    if (e != CRPKI_OK) {
        fprintf(stderr, "FAIL: config: %s\n", ei.detail);
        return 1;
    }
    CHECK(cfg.approval_ui == CRPKI_UI_NONE, "approval_ui %d", (int)cfg.approval_ui);
    CHECK(cfg.service_url && strcmp(cfg.service_url, url) == 0, "service_url");
    catalog_keys cat;
    e = catalog_load(home, &cat, &ei);
    if (e != CRPKI_OK) {
        fprintf(stderr, "FAIL: catalog: %s\n", ei.detail);
        return 1;
    }
    CHECK(cat.n == 3, "user1 has 3 credentials, the catalog %zu", cat.n);
    const catalog_entry *key = catalog_find(&cat, NULL, CRPKI_CAT_CSP);
    const catalog_entry *kkey = catalog_find(&cat, NULL, CRPKI_CAT_KSP);
    if (!key || !kkey) {
        fprintf(stderr, "FAIL: no default key\n");
        return 1;
    }
    CHECK(key == kkey && key->key_type == CRPKI_KEY_RSA && key->key_bits == 2048,
          "the default is not the RSA-2048 key of both providers");

    rssp_options opt;
    crpki_config_client_options(&cfg, &opt);
    rssp_client *client = NULL;
    crpki_auth *auth = NULL;
    e = rssp_client_new(&opt, &client, &ei);
    if (e == CRPKI_OK)
        e = crpki_auth_new(home, client, &auth, &ei);
    if (e != CRPKI_OK) {
        fprintf(stderr, "FAIL: client: %s\n", ei.detail);
        return 1;
    }

    uint8_t digest[32];
    crypto_random(digest, sizeof digest);
    int seen = 0;
    svctest_phone("approve 0");
    rssp_sign_request rq = {
        .credential_id = key->credential_id,
        .key_type = RSSP_KEY_RSA,
        .key_bits = key->key_bits,
        .scheme = RSSP_SIG_RSA_PKCS1,
        .hash_oid = alg_hash_by_id(CRPKI_HASH_SHA256)->oid,
        .hashes = digest,
        .num_hashes = 1,
        .description = "service_smoke: 契約書 1.pdf",
        .timeout_ms = 30000,
        .on_approval = on_approval,
        .cb_ctx = &seen,
    };
    rssp_signatures sigs;
    memset(&sigs, 0, sizeof sigs);
    uint64_t t0 = svctest_now_ms();
    e = rssp_sign(client, &rq, &sigs, &ei);
    uint64_t dt = svctest_now_ms() - t0;
    if (service_down) {
        CHECK(e == CRPKI_E_NETWORK, "service down: %s (%s)", crpki_err_name(e), ei.detail);
        CHECK(!seen && svctest_phone_log_count() == 0, "an approval was requested");
        CHECK(dt < 30000, "took %llu ms", (unsigned long long)dt);
    } else {
        CHECK(e == CRPKI_OK && sigs.n == 1, "sign: %s (%s)", crpki_err_name(e), ei.detail);
        CHECK(seen, "no approval callback");
        CHECK(svctest_phone_log_count() == 1, "phone log has %d lines", svctest_phone_log_count());
        char desc[512] = "";
        CHECK(svctest_phone_log_last(desc, sizeof desc) == 0 &&
                  strcmp(desc, "service_smoke: 契約書 1.pdf") == 0,
              "phone log description '%s'", desc);
        if (e == CRPKI_OK && sigs.n == 1) {
            svctest_write_sig("smoke-rsa2048-pkcs1-sha256", key->cert.der, key->cert.len, digest,
                              sizeof digest, sigs.sigs[0].der, sigs.sigs[0].len, "digest:sha256\n");
            svctest_expect_artifacts(1);
        }
    }
    rssp_signatures_free(&sigs);
    crpki_auth_free(auth);
    rssp_client_free(client);
    catalog_free(&cat);
    crpki_config_free(&cfg);
    if (failures)
        fprintf(stderr, "service_smoke: %d failure(s)\n", failures);
    else
        printf("service_smoke: ok (%s)\n", service_down ? "service down" : "signed");
    return failures ? 1 : 0;
}
