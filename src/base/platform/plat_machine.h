/* machine: the administrator's settings for every user of the PC that live
 * outside the machine config.json. Windows: values of two keys (64-bit
 * view), honoured only while only administrators can change the key (the
 * verdict of plat_acl.h over the key's descriptor):
 *   - HKLM\SOFTWARE\CrpkiRemoteSign, which the MSI writes from its public
 *     properties (SERVICE_URL, PROXY, CA_BUNDLE) and an elevated
 *     "crpki-mgmt service set --machine" writes;
 *   - HKLM\SOFTWARE\Policies\CrpkiRemoteSign, which Group Policy writes
 *     (installer/policy/CrpkiRemoteSign.admx); it wins over everything else.
 * The same value names in both. A file cannot carry that promise everywhere (Wine
 * reports every file as owned by the user who runs it); a key under HKLM
 * does. POSIX: none; /etc/crpki/config.json is the place (the callers in
 * src/core/config fall back to it on CRPKI_E_NOT_SUPPORTED). */
#ifndef CRPKI_BASE_PLATFORM_PLAT_MACHINE_H
#define CRPKI_BASE_PLATFORM_PLAT_MACHINE_H

#include <stddef.h>

#include "crpki/error.h"

/* The store as a person reads its name, and its value names (the MSI's
 * Registry rows use the same). */
#define PLAT_MACHINE_STORE         "HKLM\\SOFTWARE\\CrpkiRemoteSign"
#define PLAT_POLICY_STORE          "HKLM\\SOFTWARE\\Policies\\CrpkiRemoteSign"
#define PLAT_MACHINE_SERVICE_URL   "ServiceUrl"   /* REG_SZ https://... */
#define PLAT_MACHINE_CA_BUNDLE     "CaBundle"     /* REG_SZ: a PEM file's path */
#define PLAT_MACHINE_PROXY         "Proxy"        /* REG_SZ: system | none | host:port */
#define PLAT_MACHINE_PROXY_SIGN_ON "ProxySignOn"  /* REG_DWORD 1 | 0 */
#define PLAT_MACHINE_TRUSTED_ROOTS "TrustedRoots" /* REG_SZ: SHA-256 fingerprints, ';' */

typedef enum { PLAT_STORE_MACHINE = 0, PLAT_STORE_POLICY } plat_store;

/* 1 and *out (malloc'ed UTF-8; a REG_DWORD as decimal text) when the value
 * is set and trusted; 0 when it is absent (or there is no such store); -1
 * when the store cannot be trusted or read (why says why: "writable by
 * S-1-5-32-545"). */
int plat_store_get(plat_store store, const char *name, char **out, char *why, size_t whysz);

/* plat_store_get of PLAT_STORE_MACHINE. */
int plat_machine_get(const char *name, char **out, char *why, size_t whysz);

/* Sets (value non-NULL) or removes (NULL) a value. CRPKI_E_NOT_SUPPORTED
 * where there is no such store (POSIX); CRPKI_E_IO when it cannot be
 * written, ei->detail ending "run as administrator" when access is denied. */
crpki_err plat_machine_set(const char *name, const char *value, crpki_error_info *ei);

#endif
