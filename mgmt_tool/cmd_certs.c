/* certs: the certificates tied to the gBizID (guideline §3.3 No.3), with
 * which provider the key catalog selected each for. */
#include <string.h>

#include "mgmt.h"
#include "out.h"
#include "base/util/text.h"

static const char *status_name(rssp_cert_status s)
{
    return s == RSSP_CERT_VALID ? "valid" : s == RSSP_CERT_EXPIRED ? "expired" : "revoked";
}

static const char *status_text(mgmt_ctx *c, rssp_cert_status s)
{
    return s == RSSP_CERT_VALID     ? L(c, "有効", "valid")
           : s == RSSP_CERT_EXPIRED ? L(c, "期限切れ", "expired")
                                    : L(c, "失効", "revoked");
}

int cmd_certs(mgmt_ctx *c, mgmt_args *a)
{
    const char *pos[1];
    if (arg_rest(c, a, pos, 0) < 0)
        return MGMT_EXIT_USAGE;
    rssp_credential *v = NULL;
    size_t n = 0;
    int rc = mgmt_fetch_creds(c, &v, &n);
    if (rc)
        return rc;
    crpki_error_info ei;
    catalog_keys cat;
    if (catalog_load(c->home, &cat, &ei) != CRPKI_OK) {
        out_note(
            c, L(c, "警告: keys.json を読めません (%s)\n", "warning: cannot read keys.json (%s)\n"),
            ei.detail);
        memset(&cat, 0, sizeof cat);
    }
    cJSON *arr = cJSON_AddArrayToObject(out_json(c), "credentials");
    if (n == 0)
        out_say(c, "%s\n",
                L(c, "この G ビズ ID に紐づく証明書はありません。",
                  "No certificate is tied to this gBizID."));
    for (size_t i = 0; i < n; i++) {
        const rssp_credential *cr = &v[i];
        const catalog_entry *e = catalog_find(&cat, cr->id, CRPKI_CAT_CSP);
        if (!e)
            e = catalog_find(&cat, cr->id, CRPKI_CAT_KSP);
        unsigned prov = e ? e->providers : 0;
        int is_ec = cr->key_type == RSSP_KEY_EC;
        char key[32], from[40], to[40];
        mgmt_key_desc(is_ec, cr->key_bits, key, sizeof key);
        cJSON *o = cJSON_CreateObject();
        cJSON_AddItemToArray(arr, o);
        cJSON_AddNumberToObject(o, "index", (double)(i + 1));
        cJSON_AddStringToObject(o, "id", cr->id);
        cJSON_AddStringToObject(o, "subject", cr->subject_dn ? cr->subject_dn : "");
        cJSON_AddStringToObject(o, "issuer", cr->issuer_dn ? cr->issuer_dn : "");
        cJSON_AddStringToObject(o, "serial", cr->serial_hex ? cr->serial_hex : "");
        cJSON_AddStringToObject(o, "valid_from", mgmt_fmt_gtime(cr->valid_from, from, sizeof from));
        cJSON_AddStringToObject(o, "valid_to", mgmt_fmt_gtime(cr->valid_to, to, sizeof to));
        cJSON_AddStringToObject(o, "status", status_name(cr->cert_status));
        /* as a person reads them: the holder, the company, the issuer's name */
        char holder[256], org[256], issuer[256];
        text_dn_attr(cr->subject_dn, "CN", holder, sizeof holder);
        text_dn_attr(cr->subject_dn, "O", org, sizeof org);
        text_dn_display(cr->issuer_dn, issuer, sizeof issuer);
        cJSON_AddStringToObject(o, "holder", holder);
        cJSON_AddStringToObject(o, "organization", org);
        cJSON_AddStringToObject(o, "issuer_name", issuer);
        long left = mgmt_gtime_days_left(cr->valid_to);
        int soon = cr->cert_status == RSSP_CERT_VALID && left < MGMT_EXPIRY_WARN_DAYS;
        cJSON_AddNumberToObject(o, "days_left", (double)left);
        cJSON_AddBoolToObject(o, "expiring_soon", soon);
        cJSON_AddStringToObject(o, "key_type", is_ec ? "EC" : "RSA");
        cJSON_AddNumberToObject(o, "key_bits", cr->key_bits);
        cJSON_AddBoolToObject(o, "key_enabled", cr->key_enabled);
        cJSON *pa = cJSON_AddArrayToObject(o, "providers");
        if (prov & CRPKI_CAT_CSP)
            cJSON_AddItemToArray(pa, cJSON_CreateString("csp"));
        if (prov & CRPKI_CAT_KSP)
            cJSON_AddItemToArray(pa, cJSON_CreateString("ksp"));
        int dflt_csp = cat.default_csp && strcmp(cat.default_csp, cr->id) == 0;
        int dflt_ksp = cat.default_ksp && strcmp(cat.default_ksp, cr->id) == 0;
        cJSON_AddBoolToObject(o, "default_csp", dflt_csp);
        cJSON_AddBoolToObject(o, "default_ksp", dflt_ksp);

        out_say(c, "[%lu] %s\n", (unsigned long)(i + 1), cr->id);
        if (holder[0])
            out_say(c, "    %s %s%s%s\n", L(c, "名義人:  ", "holder:  "), holder,
                    org[0] ? " / " : "", org);
        out_say(c, "    %s %s\n", L(c, "主体者:  ", "subject: "),
                cr->subject_dn ? cr->subject_dn : "-");
        out_say(c, "    %s %s\n", L(c, "発行者:  ", "issuer:  "),
                cr->issuer_dn ? cr->issuer_dn : "-");
        out_say(c, "    %s %s - %s%s\n", L(c, "有効期間:", "validity:"), from, to,
                soon ? L(c, " (まもなく期限切れ)", " (expires soon)") : "");
        out_say(c, "    %s %s\n", L(c, "状態:    ", "status:  "), status_text(c, cr->cert_status));
        out_say(c, "    %s %s\n", L(c, "鍵:      ", "key:     "), key);
        if (prov)
            out_say(c, "    %s %s%s\n", L(c, "使用:    ", "used by: "), mgmt_providers_desc(prov),
                    dflt_csp || dflt_ksp ? L(c, " (既定)", " (default)") : "");
        else
            out_say(c, "    %s %s\n", L(c, "使用:    ", "used by: "),
                    L(c, "未設定 (crpki-mgmt use で設定)", "not selected (crpki-mgmt use)"));
    }
    catalog_free(&cat);
    mgmt_free_creds(v, n);
    return 0;
}
