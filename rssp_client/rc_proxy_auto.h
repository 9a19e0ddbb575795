/* rc_proxy_auto: the answers of proxy auto-configuration scripts (WPAD, a
 * PAC URL), asked of WinHTTP (plat_proxy_autoconfig) once per process and
 * kept, so that every client and every provider handle of the process
 * shares one answer. A question runs on a worker thread: the caller waits
 * at most wait_ms (the connect timeout), then goes on without the script
 * while the answer keeps coming for the next request. rc_proxy_auto_forget
 * makes the next question ask again (after a connection failure). */
#ifndef CRPKI_RSSP_CLIENT_RC_PROXY_AUTO_H
#define CRPKI_RSSP_CLIENT_RC_PROXY_AUTO_H

#include "rc_proxy.h"

typedef struct {
    unsigned wait_ms;
    rc_autoconfig_fn ask; /* NULL: plat_proxy_autoconfig */
    void *ask_ctx;
} rc_proxy_auto_opts;

/* An rc_autoconfig_fn; ctx is a const rc_proxy_auto_opts *. */
int rc_proxy_auto_ask(void *ctx, const char *url, const char *pac_url, char **list, char **found,
                      char **why);

/* Drops the answers that have arrived; questions still running stay. */
void rc_proxy_auto_forget(void);

#endif
