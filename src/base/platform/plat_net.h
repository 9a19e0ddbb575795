/* plat_net: what the system says about the network the client uses. */
#ifndef CRPKI_BASE_PLATFORM_PLAT_NET_H
#define CRPKI_BASE_PLATFORM_PLAT_NET_H

#include <stddef.h>

/* The current user's Internet Options proxy settings, as WinHTTP reads
 * them: whether "Automatically detect settings" (WPAD) is on, the "Use setup
 * script" address (a PAC file), the fixed proxy list ("host:port" or
 * "http=h:p;https=h:p") and its bypass list ("<local>;*.corp"). Strings are
 * malloc'ed UTF-8 or NULL. Elsewhere: everything off. 0, or -1 when out of
 * memory. Quick: reads the registry, no network. */
typedef struct {
    int auto_detect;
    char *pac_url;
    char *proxy;
    char *bypass;
} plat_proxy_settings;
int plat_proxy_settings_get(plat_proxy_settings *s);
void plat_proxy_settings_free(plat_proxy_settings *s);

/* WinHTTP's answer for url from a proxy auto-configuration script: the one
 * at pac_url, or (pac_url NULL) the one WPAD finds (DHCP, then DNS;
 * *found then names it, malloc'ed). Blocks while the script is found,
 * downloaded and run. On 0, *list is the proxy list WinHTTP returned ("h:p"
 * or "h:p;h2:p2"), malloc'ed, or NULL when the script says DIRECT. On 1, no
 * answer (no script found, download or script failed): *why says so in
 * English (malloc'ed, may be NULL). -1: out of memory. Elsewhere: always 1
 * ("not supported"). */
int plat_proxy_autoconfig(const char *url, const char *pac_url, char **list, char **found,
                          char **why);

/* Windows: PEM of every certificate in the current user's ROOT store (which
 * includes the machine's) and the machine's AuthRoot store, malloc'ed (*len
 * bytes, NUL-terminated), so that a CA blob can trust them beside the
 * configured ca_bundle (curl's Schannel backend trusts only the CA file once
 * one is given). Elsewhere: *pem NULL (OpenSSL keeps its default CA path
 * beside CURLOPT_CAINFO). Returns 0, or -1. */
int plat_root_store_pem(char **pem, size_t *len);

/* 1 on Windows builds: CA handling differs (see rssp_client/rc_transport.c). */
int plat_is_windows(void);

#endif
