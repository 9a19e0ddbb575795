/* auth over rssp_client: the one place libcrpki's auth calls the client. */
#include "core/auth/auth_internal.h"

#include "base/error/fail.h"

static crpki_err op_refresh(void *ctx, const char *refresh_token, rssp_tokens *out,
                            crpki_error_info *ei)
{
    return rssp_refresh(ctx, refresh_token, out, ei);
}

static crpki_err op_revoke(void *ctx, const char *token, crpki_error_info *ei)
{
    return rssp_revoke(ctx, token, ei);
}

static void op_detach(void *ctx)
{
    rssp_client_set_token_source(ctx, NULL); /* calls after this: CRPKI_E_NOT_LOGGED_IN */
}

/* No service: refresh and revoke are never reached through the token store
   of crpki_auth_new_offline. */
static crpki_err off_refresh(void *ctx, const char *refresh_token, rssp_tokens *out,
                             crpki_error_info *ei)
{
    return fail_with(ei, CRPKI_E_CONFIG, "no service_url: cannot refresh");
}

crpki_err crpki_auth_new_offline(const char *home, crpki_auth **out, crpki_error_info *ei)
{
    auth_ops ops = {NULL, off_refresh, rssp_tokens_free, NULL, NULL};
    return auth_new_with_ops(home, &ops, out, ei);
}

crpki_err crpki_auth_new(const char *home, rssp_client *client, crpki_auth **out,
                         crpki_error_info *ei)
{
    if (!client)
        return fail_with(ei, CRPKI_E_INVALID_ARG, "crpki_auth_new: no client");
    auth_ops ops = {client, op_refresh, rssp_tokens_free, op_revoke, op_detach};
    crpki_err r = auth_new_with_ops(home, &ops, out, ei);
    if (r != CRPKI_OK)
        return r;
    rssp_token_source src;
    auth_token_source(*out, &src);
    rssp_client_set_token_source(client, &src);
    return CRPKI_OK;
}
