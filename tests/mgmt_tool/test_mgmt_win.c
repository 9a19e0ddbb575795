/* crpki-mgmt on Windows, under Wine, run by crpki_service_test (the driver
 * starts crpki-rsspd, logs the user in and fills the key catalog): the
 * commands run in-process through mgmt_main, exactly as crpki-mgmt.exe runs
 * them.
 *   use ID --provider csp  -> the certificate in CurrentUser\MY with the
 *                             CERT_KEY_PROV_INFO of our CSP (read back);
 *   use ID --provider ksp  -> the KSP's key provider info;
 *   sign --provider csp    -> CryptSignMessage through crpkicsp.dll: the CMS
 *                             left in CRPKI_TEST_OUT (mgmt.p7s + mgmt.content)
 *                             is verified by the driver with OpenSSL;
 *   unset ID               -> the certificate and the catalog entry gone.
 * argv[1]: crpkicsp.dll (registered for this prefix if it is not yet). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <windows.h>

#include <wincrypt.h>

#include "core/catalog/catalog.h"
#include "certstore.h"
#include "mgmt.h"
#include "mystore_win.h"
#include "svctest.h"

#define ENC (X509_ASN_ENCODING | PKCS_7_ASN_ENCODING)

static int g_failed;

#define CHECK(cond, ...) SVCTEST_CHECK(g_failed, cond, __VA_ARGS__)

static int mgmt(const char *a1, const char *a2, const char *a3, const char *a4, const char *a5,
                const char *a6)
{
    char *argv[8] = {(char *)"crpki-mgmt"};
    int n = 1;
    const char *in[] = {a1, a2, a3, a4, a5, a6};
    for (int i = 0; i < 6 && in[i]; i++)
        argv[n++] = (char *)in[i];
    argv[n] = NULL;
    fprintf(stderr, "+ crpki-mgmt");
    for (int i = 1; i < n; i++)
        fprintf(stderr, " %s", argv[i]);
    fputc('\n', stderr);
    return mgmt_main(n, argv);
}

/* The RSA-2048 credential the setup put in the catalog (malloc'ed). */
static char *rsa2048_id(const char *home, catalog_blob *cert)
{
    catalog_keys cat;
    crpki_error_info ei;
    if (catalog_load(home, &cat, &ei) != CRPKI_OK) {
        fprintf(stderr, "keys.json: %s\n", ei.detail);
        return NULL;
    }
    char *id = NULL;
    for (size_t i = 0; i < cat.n && !id; i++)
        if (cat.v[i].key_type == CRPKI_KEY_RSA && cat.v[i].key_bits == 2048) {
            id = _strdup(cat.v[i].credential_id);
            cert->len = cat.v[i].cert.len;
            cert->der = malloc(cert->len);
            memcpy(cert->der, cat.v[i].cert.der, cert->len);
        }
    catalog_free(&cat);
    return id;
}

/* Wine loads a CSP from its registry entry ("Image Path", "Type"): the
 * registration the installer makes, for this test's prefix. */
int main(int argc, char **argv)
{
    const char *home = svctest_env("CRPKI_HOME");
    const char *out = svctest_env("CRPKI_TEST_OUT");
    CHECK(mystore_register_csp(argc > 1 ? argv[1] : NULL) == 0, "CSP registration");
    catalog_blob cert = {NULL, 0};
    char *id = rsa2048_id(home, &cert);
    CHECK(id != NULL, "no RSA-2048 credential in keys.json");
    if (!id)
        return 1;

    /* use --provider csp: the CSP's key provider info */
    CHECK(mgmt("use", id, "--provider", "csp", NULL, NULL) == 0, "use --provider csp");
    g_failed |= mystore_check(&cert, id, 0) != 0;
    /* use --provider ksp: replaced by the KSP's */
    CHECK(mgmt("use", id, "--provider", "ksp", NULL, NULL) == 0, "use --provider ksp");
    g_failed |= mystore_check(&cert, id, 1) != 0;
    CHECK(mgmt("use", id, "--provider", "csp", NULL, NULL) == 0, "use --provider csp again");
    g_failed |= mystore_check(&cert, id, 0) != 0;

    /* sign --provider csp: CryptSignMessage through crpkicsp.dll */
    svctest_phone("approve 300");
    long before = (long)svctest_phone_log_count();
    char content[1024], p7s[1024];
    snprintf(content, sizeof content, "%s\\mgmt.content", out);
    snprintf(p7s, sizeof p7s, "%s\\mgmt.p7s", out);
    FILE *f = fopen(content, "wb");
    CHECK(f != NULL, "cannot write %s", content);
    if (f) {
        fputs("登記申請書 (crpki-mgmt sign --provider csp under Wine)\n", f);
        fclose(f);
    }
    int rc = mgmt("sign", content, "--provider", "csp", "--out", p7s);
    CHECK(rc == 0, "sign --provider csp exited %d", rc);
    CHECK(GetFileAttributesA(p7s) != INVALID_FILE_ATTRIBUTES, "%s not written", p7s);
    CHECK((long)svctest_phone_log_count() == before + 1, "approvals: %ld, want %ld",
          (long)svctest_phone_log_count(), before + 1);

    /* sign FILE x5: one approval for all, a CMS each, built by the
       tool around the signing path's signatures */
    enum { NF = 5 };
    char files[NF][1024];
    char *sargv[NF + 3] = {(char *)"crpki-mgmt", (char *)"sign"};
    for (int i = 0; i < NF; i++) {
        snprintf(files[i], sizeof files[i], "%s\\batch%d.content", out, i + 1);
        FILE *g = fopen(files[i], "wb");
        CHECK(g != NULL, "cannot write %s", files[i]);
        if (g) {
            fprintf(g, "請求書 %d (crpki-mgmt sign of %d files under Wine)\n", i + 1, NF);
            fclose(g);
        }
        sargv[2 + i] = files[i];
    }
    sargv[2 + NF] = NULL;
    fprintf(stderr, "+ crpki-mgmt sign batch1..%d.content\n", NF);
    rc = mgmt_main(2 + NF, sargv);
    CHECK(rc == 0, "sign of %d files exited %d", NF, rc);
    CHECK((long)svctest_phone_log_count() == before + 2, "approvals: %ld, want %ld (one for %d)",
          (long)svctest_phone_log_count(), before + 2, NF);
    /* FILE.p7s beside each; the driver pairs batchN.p7s with batchN.content */
    for (int i = 0; i < NF; i++) {
        char from[1100], to[1100];
        snprintf(from, sizeof from, "%s.p7s", files[i]);
        snprintf(to, sizeof to, "%s\\batch%d.p7s", out, i + 1);
        CHECK(MoveFileA(from, to), "%s not written", from);
    }
    /* the driver verifies every X.p7s over X.content with openssl cms */
    svctest_expect_artifacts(1 + NF);

    /* unset: the certificate leaves the store and the catalog */
    CHECK(mgmt("unset", id, NULL, NULL, NULL, NULL) == 0, "unset");
    CHECK(mystore_has(&cert) == 0, "the certificate is still in CurrentUser\\MY after unset");
    catalog_keys cat;
    crpki_error_info ei;
    if (catalog_load(home, &cat, &ei) == CRPKI_OK) {
        CHECK(catalog_find(&cat, id, CRPKI_CAT_CSP) == NULL, "%s still in keys.json", id);
        catalog_free(&cat);
    }
    free(id);
    free(cert.der);
    fprintf(stderr, g_failed ? "test_mgmt_win: FAILED\n" : "test_mgmt_win: all checks passed\n");
    return g_failed ? 1 : 0;
}
