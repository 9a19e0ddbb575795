/* logout: gBizID logout (guideline §3.3 No.5): the login is revoked at the
 * service and the tokens deleted here; --remove-certs also removes the
 * selected certificates. Warns as §5.6.1 does: a signature in progress
 * fails. */
#include "mgmt.h"
#include "out.h"

int cmd_logout(mgmt_ctx *c, mgmt_args *a)
{
    int remove_certs = arg_flag(a, "--remove-certs");
    const char *pos[1];
    if (arg_rest(c, a, pos, 0) < 0)
        return MGMT_EXIT_USAGE;
    int rc = mgmt_config(c);
    if (rc)
        return rc;
    out_note(c, "%s\n",
             L(c,
               "注意: 署名ドライバで署名中のアプリケーションがあると、その署名は失敗します。"
               "ログアウトや証明書の削除は署名が終わってから行ってください。",
               "note: a signature in progress in an application fails after logout; log out "
               "(or remove certificates) only when signing has finished."));
    crpki_error_info ei;
    crpki_err r;
    crpki_auth *offline = NULL;
    if (c->cfg.service_url) {
        rc = mgmt_connect(c);
        if (rc)
            return rc;
        r = crpki_auth_logout(c->auth, &ei);
    } else {
        /* nowhere to revoke: the tokens are deleted all the same */
        r = crpki_auth_new_offline(c->home, &offline, &ei);
        if (r == CRPKI_OK)
            r = crpki_auth_logout(offline, &ei);
        crpki_auth_free(offline);
    }
    size_t removed = 0;
    int rc_certs = 0;
    if (remove_certs)
        rc_certs = mgmt_unset_ids(c, NULL, &removed);
    if (r != CRPKI_OK)
        return mgmt_fail(c, r, &ei,
                         "ローカルのログイン情報は削除しました。サービス側の失効は失敗したため、"
                         "通信を確認してもう一度 login / logout を行ってください",
                         "the local login was deleted, but the service did not confirm the "
                         "revocation: check the network, then log in and out again");
    if (rc_certs)
        return rc_certs;
    cJSON_AddBoolToObject(out_json(c), "logged_out", 1);
    cJSON_AddBoolToObject(out_json(c), "revoked", c->cfg.service_url != NULL);
    out_say(c, "%s\n", L(c, "G ビズ ID からログアウトしました。", "Logged out of gBizID."));
    if (remove_certs)
        out_say(c,
                L(c, "証明書の設定を解除しました (%lu 件)。\n",
                  "Removed %lu selected certificate(s).\n"),
                (unsigned long)removed);
    return 0;
}
