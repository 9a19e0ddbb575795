/* login_revoke: the service ends a stored login (login_form.h). */
#include "login_form.h"

#include <stdio.h>
#include <string.h>

#include "core/auth/tokstore.h"
#include "crpki/config.h"
#include "crpki/rssp_client.h"

int login_revoke(const char *home)
{
    tokstore ts;
    int present = 0;
    crpki_error_info ei;
    if (tokstore_load(home, &ts, &present, &ei) != CRPKI_OK || !present || !ts.refresh_token) {
        fprintf(stderr, "login_revoke: no login stored in %s\n", home);
        tokstore_clear(&ts);
        return -1;
    }
    crpki_config cfg;
    if (crpki_config_load(home, &cfg, &ei) != CRPKI_OK) {
        fprintf(stderr, "login_revoke: config: %s\n", ei.detail);
        tokstore_clear(&ts);
        return -1;
    }
    rssp_options opt;
    crpki_config_client_options(&cfg, &opt);
    rssp_client *c = NULL;
    crpki_err r = rssp_client_new(&opt, &c, &ei);
    if (r == CRPKI_OK)
        r = rssp_revoke(c, ts.refresh_token, &ei);
    int rc = 0;
    if (r != CRPKI_OK) {
        fprintf(stderr, "login_revoke: revoke: %s\n", ei.detail);
        rc = -1;
    } else {
        rssp_tokens t;
        memset(&t, 0, sizeof t);
        if (rssp_refresh(c, ts.refresh_token, &t, &ei) == CRPKI_OK) {
            fprintf(stderr, "login_revoke: the revoked refresh token still refreshes\n");
            rc = -1;
        }
        rssp_tokens_free(&t);
    }
    rssp_client_free(c);
    crpki_config_free(&cfg);
    tokstore_clear(&ts);
    if (rc == 0)
        printf("the login was revoked at the service\n");
    return rc;
}
