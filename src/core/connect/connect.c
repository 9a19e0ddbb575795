/* The one connect path (connect.h). */
#include "core/connect/connect.h"

#include <stdlib.h>
#include <string.h>

#include "base/error/fail.h"
#include "base/log/log.h"
#include "base/platform/plat_protect.h"

crpki_err connect_open(const crpki_config *cfg, rssp_client **client, crpki_auth **auth,
                       crpki_error_info *ei)
{
    fail_clear(ei);
    if (!client || !auth)
        return fail_with(ei, CRPKI_E_INVALID_ARG, "connect_open: NULL argument");
    *client = NULL;
    *auth = NULL;
    if (!cfg)
        return fail_with(ei, CRPKI_E_INVALID_ARG, "connect_open: NULL argument");
    if (!cfg->service_url)
        return fail_with(ei, CRPKI_E_CONFIG,
                         "config.json has no service_url (crpki-mgmt sets it up)");

    rssp_options opt;
    crpki_config_client_options(cfg, &opt);
    /* The password only matters to a proxy that asks for a user. */
    char *pw = NULL;
    if (cfg->proxy_mode == RSSP_PROXY_EXPLICIT && cfg->proxy_user) {
        crpki_err e = crpki_auth_get_proxy_password(cfg->home, &pw, ei);
        if (e != CRPKI_OK)
            return e;
        opt.proxy_password = pw;
    }
    rssp_client *c = NULL;
    crpki_err e = rssp_client_new(&opt, &c, ei);
    if (pw) { /* the client keeps its own copy */
        plat_wipe(pw, strlen(pw));
        free(pw);
    }
    if (e == CRPKI_E_INVALID_ARG) /* a setting the client cannot use */
        e = CRPKI_E_CONFIG;
    crpki_auth *a = NULL;
    if (e == CRPKI_OK)
        e = crpki_auth_new(cfg->home, c, &a, ei);
    if (e != CRPKI_OK) {
        rssp_client_free(c);
        return e;
    }
    log_write(CRPKI_LOG_DEBUG, "connect", "client created for %s", cfg->service_url);
    *client = c;
    *auth = a;
    return CRPKI_OK;
}

void connect_close(rssp_client *client, crpki_auth *auth)
{
    crpki_auth_free(auth); /* before the client it is bound to */
    rssp_client_free(client);
}
