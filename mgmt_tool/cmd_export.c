/* export-cert: the selected certificate (or its issuing CA's) as DER or
 * PEM, from the key catalog (no network). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mgmt.h"
#include "out.h"
#include "base/platform/plat_fs.h"
#include "term.h"
#include "base/util/base64.h"

/* PEM with 64-character lines, malloc'ed. */
static char *to_pem(const uint8_t *der, size_t len, size_t *out_len)
{
    char *b = base64_encode_alloc(der, len);
    if (!b)
        return NULL;
    size_t bl = strlen(b);
    size_t cap = bl + bl / 64 + 80;
    char *p = malloc(cap);
    if (p) {
        size_t o = (size_t)snprintf(p, cap, "-----BEGIN CERTIFICATE-----\n");
        for (size_t i = 0; i < bl; i += 64) {
            size_t n = bl - i < 64 ? bl - i : 64;
            memcpy(p + o, b + i, n);
            o += n;
            p[o++] = '\n';
        }
        o += (size_t)snprintf(p + o, cap - o, "-----END CERTIFICATE-----\n");
        *out_len = o;
    }
    free(b);
    return p;
}

int cmd_export_cert(mgmt_ctx *c, mgmt_args *a)
{
    unsigned prov;
    if (arg_provider(c, a, CRPKI_CAT_CSP, &prov) < 0)
        return MGMT_EXIT_USAGE;
    int ca = arg_flag(a, "--ca");
    int pem = arg_flag(a, "--pem");
    const char *outp = NULL, *id = NULL;
    int ro = arg_value(a, "--out", &outp);
    int ri = arg_value(a, "--credential", &id);
    const char *pos[1];
    int n = arg_rest(c, a, pos, 0);
    if (n < 0)
        return MGMT_EXIT_USAGE;
    if (ro < 0 || ri < 0)
        return mgmt_usage(c, "--out / --credential に値がありません",
                          "--out / --credential need a value");
    if (c->json && !outp)
        return mgmt_usage(c, "--json では --out が必要です", "--json needs --out");
    int rc = mgmt_config(c);
    if (rc)
        return rc;
    catalog_entry key;
    memset(&key, 0, sizeof key);
    if ((rc = mgmt_find_key(c, id, prov, &key)) != 0)
        return rc;
    crpki_error_info ei;
    const catalog_blob *b = ca ? (key.nchain ? &key.chain[0] : NULL) : &key.cert;
    if (!b) {
        catalog_entry_free(&key);
        memset(&ei, 0, sizeof ei);
        snprintf(ei.detail, sizeof ei.detail, "the service sent no issuing CA certificate");
        return mgmt_fail(c, CRPKI_E_NO_KEY, &ei, "crpki-mgmt use で設定し直してください",
                         "select the certificate again with crpki-mgmt use");
    }
    size_t len = b->len;
    char *text = pem ? to_pem(b->der, b->len, &len) : NULL;
    const void *bytes = pem ? (const void *)text : (const void *)b->der;
    crpki_err r = pem && !text ? CRPKI_E_NO_MEMORY : CRPKI_OK;
    if (r == CRPKI_OK && outp) {
        r = plat_write_file_atomic(outp, bytes, len, PLAT_FILE_PUBLIC, &ei);
    } else if (r == CRPKI_OK) {
        if (!pem)
            term_stdout_binary();
        fwrite(bytes, 1, len, stdout);
        fflush(stdout);
    }
    if (r == CRPKI_OK) {
        cJSON *j = out_json(c);
        cJSON_AddStringToObject(j, "credential_id", key.credential_id);
        cJSON_AddStringToObject(j, "which", ca ? "issuing_ca" : "user");
        cJSON_AddStringToObject(j, "format", pem ? "pem" : "der");
        if (outp) {
            cJSON_AddStringToObject(j, "out", outp);
            out_note(c, L(c, "書き出しました: %s\n", "written: %s\n"), outp);
        }
    }
    free(text);
    catalog_entry_free(&key);
    return r == CRPKI_OK ? 0 : mgmt_fail(c, r, &ei, NULL, NULL);
}
