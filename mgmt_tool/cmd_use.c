/* use / unset: select the certificate the driver signs with (guideline
 * §3.3 No.4, §5.1): the key catalog entry the DLLs read offline and, on
 * Windows, the certificate in CurrentUser\MY linked to the chosen provider. */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "base/error/fail.h"
#include "base/log/log.h"
#include "certstore.h"
#include "core/crypto/crypto_cert.h"
#include "cred_entry.h"
#include "mgmt.h"
#include "out.h"
#include "base/util/text.h"

/* The credential's certificate and chain, as crypto_cert_check_chain takes them. */
static crpki_err check_chain(mgmt_ctx *c, const rssp_credential *cr, int64_t now,
                             crpki_error_info *ei)
{
    crypto_cert_der certs[16];
    if (cr->ncerts == 0 || cr->ncerts > sizeof certs / sizeof certs[0])
        return fail_with(ei, CRPKI_E_BAD_CERT, "credential %s: %u certificates", cr->id,
                         (unsigned)cr->ncerts);
    for (size_t i = 0; i < cr->ncerts; i++)
        certs[i] = (crypto_cert_der){cr->certs[i].der, cr->certs[i].len};
    crpki_err r = crypto_cert_check_chain(certs, cr->ncerts, now, ei);
    /* the administrator's pinned registrar roots (trusted_roots) */
    if (r == CRPKI_OK)
        r = crypto_cert_root_pinned(&certs[cr->ncerts - 1], c->cfg.trusted_roots,
                                    c->cfg.ntrusted_roots, ei);
    if (r != CRPKI_OK)
        log_write(CRPKI_LOG_WARN, "mgmt", "use %s: refused: %s", cr->id, ei->detail);
    return r;
}

int cmd_use(mgmt_ctx *c, mgmt_args *a)
{
    unsigned prov;
    if (arg_provider(c, a, CRPKI_CAT_CSP | CRPKI_CAT_KSP, &prov) < 0)
        return MGMT_EXIT_USAGE;
    const char *pos[1];
    int n = arg_rest(c, a, pos, 1);
    if (n < 0)
        return MGMT_EXIT_USAGE;
    if (n != 1)
        return mgmt_usage(c,
                          "use には証明書の ID か番号 (crpki-mgmt certs の [n]) を指定してください",
                          "use takes a credential ID or index (the [n] of crpki-mgmt certs)");
    rssp_credential *v = NULL;
    size_t nv = 0;
    int rc = mgmt_fetch_creds(c, &v, &nv);
    if (rc)
        return rc;
    crpki_error_info ei;
    long k = mgmt_pick_cred(v, nv, pos[0]);
    if (k < 0) {
        mgmt_free_creds(v, nv);
        memset(&ei, 0, sizeof ei);
        snprintf(ei.detail, sizeof ei.detail, "no credential '%s' for this gBizID", pos[0]);
        return mgmt_fail(c, CRPKI_E_UNKNOWN_CREDENTIAL, &ei, NULL, NULL);
    }
    const rssp_credential *cr = &v[k];
    if (cr->cert_status != RSSP_CERT_VALID)
        out_note(c, "%s\n",
                 L(c, "警告: この証明書は有効ではありません (期限切れまたは失効)。",
                   "warning: this certificate is not valid (expired or revoked)."));
    /* Nothing the service sent is stored unchecked: the CSP hands this chain
       out as the issuing CA (PP_ROOT_CERTSTORE) */
    crpki_err r = check_chain(c, cr, (int64_t)time(NULL), &ei);
    if (r != CRPKI_OK) {
        mgmt_free_creds(v, nv);
        return mgmt_fail(c, r, &ei, NULL, NULL);
    }
    catalog_keys cat;
    r = catalog_load(c->home, &cat, &ei);
    if (r == CRPKI_OK)
        r = cred_entry_put(&cat, cr, prov, (int64_t)time(NULL), &ei);
    if (r == CRPKI_OK)
        r = catalog_save(c->home, &cat, &ei);
    catalog_free(&cat);
    /* both: the store links one provider per certificate; the CSP serves
       CryptoAPI and, through CryptAcquireCertificatePrivateKey, CNG callers */
    unsigned store_prov = (prov & CRPKI_CAT_CSP) ? CRPKI_CAT_CSP : CRPKI_CAT_KSP;
    int installed = 0;
    if (r == CRPKI_OK && certstore_available() && cr->ncerts > 0) {
        /* what certificate pickers show: whose it is */
        char holder[256], fname[320];
        if (!text_dn_attr(cr->subject_dn, "CN", holder, sizeof holder))
            text_dn_display(cr->subject_dn, holder, sizeof holder);
        snprintf(fname, sizeof fname, "%s %s", MGMT_CERT_FRIENDLY_PREFIX, holder);
        r = certstore_install(cr->certs[0].der, cr->certs[0].len, cr->id, store_prov, fname, &ei);
        installed = r == CRPKI_OK;
    }
    if (r != CRPKI_OK) {
        mgmt_free_creds(v, nv);
        return mgmt_fail(c, r, &ei, NULL, NULL);
    }
    cJSON *j = out_json(c);
    cJSON_AddStringToObject(j, "credential_id", cr->id);
    cJSON_AddStringToObject(j, "subject", cr->subject_dn ? cr->subject_dn : "");
    cJSON *pa = cJSON_AddArrayToObject(j, "providers");
    if (prov & CRPKI_CAT_CSP)
        cJSON_AddItemToArray(pa, cJSON_CreateString("csp"));
    if (prov & CRPKI_CAT_KSP)
        cJSON_AddItemToArray(pa, cJSON_CreateString("ksp"));
    cJSON_AddBoolToObject(j, "store_installed", installed);
    if (installed)
        cJSON_AddStringToObject(j, "store_provider", store_prov == CRPKI_CAT_CSP ? "csp" : "ksp");
    out_say(c,
            L(c, "署名に使う証明書を設定しました: %s (%s)\n",
              "Selected the certificate for signing: %s (%s)\n"),
            cr->id, mgmt_providers_desc(prov));
    out_say(c, "  %s\n", cr->subject_dn ? cr->subject_dn : "");
    if (installed)
        out_say(c,
                L(c, "証明書ストア (現在のユーザー\\個人) に登録しました (%s)。\n",
                  "Installed in the certificate store (CurrentUser\\MY), linked to the %s.\n"),
                store_prov == CRPKI_CAT_CSP ? "CSP" : "KSP");
    mgmt_free_creds(v, nv);
    return 0;
}

int mgmt_unset_ids(mgmt_ctx *c, const char *id, size_t *removed)
{
    *removed = 0;
    crpki_error_info ei;
    catalog_keys cat;
    crpki_err r = catalog_load(c->home, &cat, &ei);
    if (r != CRPKI_OK)
        return mgmt_fail(c, r, &ei, NULL, NULL);
    if (id) {
        r = catalog_remove(&cat, id);
        if (r == CRPKI_OK)
            *removed = 1;
    } else {
        while (cat.n > 0 && (r = catalog_remove(&cat, cat.v[0].credential_id)) == CRPKI_OK)
            (*removed)++;
    }
    size_t nstore = 0;
    crpki_err rs = CRPKI_OK;
    if (r == CRPKI_OK || r == CRPKI_E_NO_KEY)
        rs = certstore_remove(id, &nstore, &ei);
    if (r == CRPKI_OK && *removed > 0)
        r = catalog_save(c->home, &cat, &ei);
    catalog_free(&cat);
    if (r == CRPKI_E_NO_KEY && nstore == 0) {
        snprintf(ei.detail, sizeof ei.detail, "'%s' is not selected", id ? id : "");
        return mgmt_fail(c, r, &ei, "crpki-mgmt status で設定中の証明書を確認してください",
                         "see the selected certificates with crpki-mgmt status");
    }
    if (r != CRPKI_OK && r != CRPKI_E_NO_KEY)
        return mgmt_fail(c, r, &ei, NULL, NULL);
    if (rs != CRPKI_OK)
        return mgmt_fail(c, rs, &ei, NULL, NULL);
    cJSON *j = out_json(c);
    cJSON_AddNumberToObject(j, "removed", (double)*removed);
    cJSON_AddNumberToObject(j, "store_removed", (double)nstore);
    return 0;
}

int cmd_unset(mgmt_ctx *c, mgmt_args *a)
{
    const char *pos[1];
    int n = arg_rest(c, a, pos, 1);
    if (n < 0)
        return MGMT_EXIT_USAGE;
    int rc = mgmt_config(c);
    if (rc)
        return rc;
    size_t removed = 0;
    rc = mgmt_unset_ids(c, n ? pos[0] : NULL, &removed);
    if (rc)
        return rc;
    out_say(
        c,
        L(c, "証明書の設定を解除しました (%lu 件)。\n", "Removed %lu selected certificate(s).\n"),
        (unsigned long)removed);
    return 0;
}
