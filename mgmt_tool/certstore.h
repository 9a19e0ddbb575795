/* certstore: what the operating system must know for applications to find
 * the key of a selected certificate (certstore_win.c; certstore_none.c on
 * Linux, where nothing is linked). On Windows the certificate goes into
 * CurrentUser\MY with CERT_KEY_PROV_INFO_PROP_ID naming our provider, so an
 * application that lets the user pick a certificate reaches the key through
 * CryptAcquireCertificatePrivateKey:
 *   CSP: pwszProvName "CRPKI Remote Signing Cryptographic Provider",
 *        dwProvType PROV_RSA_FULL, container = credential ID, AT_SIGNATURE;
 *   KSP: pwszProvName "CRPKI Remote Signing Key Storage Provider",
 *        dwProvType 0, key name = credential ID, CERT_NCRYPT_KEY_SPEC. */
#ifndef CRPKI_MGMT_TOOL_CERTSTORE_H
#define CRPKI_MGMT_TOOL_CERTSTORE_H

#include <stddef.h>
#include <stdint.h>

#include "crpki/error.h"

#define CRPKI_CSP_NAME "CRPKI Remote Signing Cryptographic Provider"
#define CRPKI_KSP_NAME "CRPKI Remote Signing Key Storage Provider"
/* The friendly name is this and the holder's name: 商業登記電子証明書 山田 太郎 */
#define MGMT_CERT_FRIENDLY_PREFIX "商業登記電子証明書"

/* 1 where certificates are linked to the providers (Windows), else 0. */
int certstore_available(void);

/* Adds (or replaces) the certificate in CurrentUser\MY linked to provider
 * (CRPKI_CAT_CSP or CRPKI_CAT_KSP), with friendly_name (UTF-8, may be NULL)
 * as the name certificate pickers show. */
crpki_err certstore_install(const uint8_t *der, size_t len, const char *credential_id,
                            unsigned provider, const char *friendly_name, crpki_error_info *ei);

/* Deletes from CurrentUser\MY every certificate linked to our CSP or KSP
 * with that container / key name (NULL: any). *n: how many. */
crpki_err certstore_remove(const char *credential_id, size_t *n, crpki_error_info *ei);

/* 1 registered, 0 not, -1 not applicable (no such registry on this OS). */
int certstore_provider_registered(unsigned provider);

#endif
