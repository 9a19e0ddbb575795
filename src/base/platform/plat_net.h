/* plat_net: what the system says about the network the client uses. */
#ifndef CRPKI_BASE_PLATFORM_PLAT_NET_H
#define CRPKI_BASE_PLATFORM_PLAT_NET_H

#include <stddef.h>

/* The current user's Internet Options proxy setting (WinHTTP's view of it):
 * *proxy gets the proxy list ("host:port" or "http=h:p;https=h:p"), *bypass
 * the bypass list ("<local>;*.corp"), both malloc'ed UTF-8 or NULL.
 * Elsewhere: both NULL. Returns 0, or -1 on allocation failure. */
int plat_system_proxy(char **proxy, char **bypass);

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
