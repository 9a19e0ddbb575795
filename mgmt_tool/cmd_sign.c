/* sign: a test signature of a file through the driver, written as a
 * detached CMS (FILE.p7s) that `openssl cms -verify` accepts. Shows the
 * approval code and waits, as an application would. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cms_sign.h"
#include "mgmt.h"
#include "out.h"
#include "base/platform/plat_fs.h"

#define SIGN_MAX_FILE (512u * 1024u * 1024u)

int mgmt_find_key(mgmt_ctx *c, const char *id, unsigned provider, catalog_entry *out)
{
    crpki_error_info ei;
    catalog_keys cat;
    crpki_err r = catalog_load(c->home, &cat, &ei);
    if (r != CRPKI_OK)
        return mgmt_fail(c, r, &ei, NULL, NULL);
    const catalog_entry *e = catalog_find(&cat, id, provider);
    r = e ? catalog_entry_copy(e, out) : CRPKI_E_NO_KEY;
    catalog_free(&cat);
    if (r == CRPKI_E_NO_KEY) {
        memset(&ei, 0, sizeof ei);
        snprintf(ei.detail, sizeof ei.detail, "no certificate %s%sis selected for the %s",
                 id ? id : "", id ? " " : "", provider == CRPKI_CAT_KSP ? "KSP" : "CSP");
    }
    return r == CRPKI_OK ? 0 : mgmt_fail(c, r, &ei, NULL, NULL);
}

/* The last component of path ('/' or '\\' separated): what the approval
 * shows, without the user's directories. */
static const char *base_name(const char *path)
{
    const char *b = path;
    for (const char *p = path; *p; p++)
        if (*p == '/' || *p == '\\')
            b = p + 1;
    return *b ? b : path;
}

int cmd_sign(mgmt_ctx *c, mgmt_args *a)
{
    unsigned prov;
    if (arg_provider(c, a, CRPKI_CAT_CSP, &prov) < 0)
        return MGMT_EXIT_USAGE;
    const char *outp = NULL, *id = NULL;
    int ro = arg_value(a, "--out", &outp);
    int ri = arg_value(a, "--credential", &id);
    const char *pos[1];
    int n = arg_rest(c, a, pos, 1);
    if (n < 0)
        return MGMT_EXIT_USAGE;
    if (ro < 0 || ri < 0 || n != 1)
        return mgmt_usage(
            c, "sign ファイル [--provider csp|ksp] [--out ファイル.p7s] [--credential ID]",
            "sign FILE [--provider csp|ksp] [--out FILE.p7s] [--credential ID]");
    int rc = mgmt_config(c);
    if (rc)
        return rc;
    crpki_error_info ei;
    uint8_t *data = NULL;
    size_t len = 0;
    int too_big = 0;
    crpki_err r = plat_read_file(pos[0], SIGN_MAX_FILE, &data, &len, &too_big, &ei);
    if (r == CRPKI_OK && !data) {
        snprintf(ei.detail, sizeof ei.detail, "%s: no such file", pos[0]);
        r = CRPKI_E_IO;
    }
    if (r != CRPKI_OK)
        return mgmt_fail(c, r, &ei, "署名するファイルのパスを確認してください",
                         "check the path of the file to sign");
    catalog_entry key;
    memset(&key, 0, sizeof key);
    rc = mgmt_find_key(c, id, prov, &key);
    if (rc) {
        free(data);
        return rc;
    }
    char *def_out = NULL;
    if (!outp) {
        size_t l = strlen(pos[0]);
        def_out = malloc(l + 5);
        if (def_out)
            snprintf(def_out, l + 5, "%s.p7s", pos[0]);
        outp = def_out;
    }
    out_note(c,
             L(c, "%s で署名します (%s)。G ビズ ID アプリで承認してください...\n",
               "signing with %s (%s); approve in the gBizID app...\n"),
             key.credential_id, prov == CRPKI_CAT_KSP ? "KSP" : "CSP");
    uint8_t *cms = NULL;
    size_t cms_len = 0;
    r = outp ? cms_sign_detached(c, &key, prov, base_name(pos[0]), data, len, &cms, &cms_len, &ei)
             : CRPKI_E_NO_MEMORY;
    if (r == CRPKI_OK)
        r = plat_write_file_atomic(outp, cms, cms_len, PLAT_FILE_PUBLIC, &ei);
    free(data);
    free(cms);
    if (r != CRPKI_OK) {
        catalog_entry_free(&key);
        free(def_out);
        return mgmt_fail(c, r, &ei, NULL, NULL);
    }
    cJSON *j = out_json(c);
    cJSON_AddStringToObject(j, "file", pos[0]);
    cJSON_AddStringToObject(j, "out", outp);
    cJSON_AddNumberToObject(j, "bytes", (double)cms_len);
    cJSON_AddStringToObject(j, "credential_id", key.credential_id);
    cJSON_AddStringToObject(j, "provider", prov == CRPKI_CAT_KSP ? "ksp" : "csp");
    out_say(c,
            L(c, "署名しました: %s (分離署名 CMS、%lu バイト)\n",
              "signed: %s (detached CMS, %lu bytes)\n"),
            outp, (unsigned long)cms_len);
    out_say(c,
            L(c,
              "検証例: openssl cms -verify -binary -inform DER -in %s -content %s -CAfile "
              "登記所CA.pem\n",
              "verify: openssl cms -verify -binary -inform DER -in %s -content %s -CAfile "
              "registrar-ca.pem\n"),
            outp, pos[0]);
    catalog_entry_free(&key);
    free(def_out);
    return 0;
}
