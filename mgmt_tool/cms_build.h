/* cms_build: a detached CMS SignedData (RFC 5652) written by hand in DER,
 * portable, for signatures the tool gets from the signing path itself:
 * several documents under one approval (sign FILE...), where an
 * application API (CryptSignMessage) would ask once per document. SHA-256;
 * signed attributes contentType (id-data), signingTime and messageDigest;
 * the certificate and its chain included; RSA PKCS#1 v1.5 or ECDSA. What
 * `openssl cms -verify -binary -content FILE` accepts. */
#ifndef CRPKI_MGMT_TOOL_CMS_BUILD_H
#define CRPKI_MGMT_TOOL_CMS_BUILD_H

#include <stddef.h>
#include <stdint.h>

#include "core/catalog/catalog.h"
#include "crpki/error.h"

typedef struct {
    uint8_t *attrs; /* the signed attributes as signed: DER SET OF (tag 0x31) */
    size_t attrs_len;
    uint8_t digest[32]; /* SHA-256 of attrs: what the key signs */
} cms_prep;

/* The signed attributes for content whose SHA-256 is md, signed at
 * unix_time, and their digest. */
crpki_err cms_prepare(const uint8_t md[32], int64_t unix_time, cms_prep *out, crpki_error_info *ei);
void cms_prep_free(cms_prep *p);

/* The ContentInfo around the signature sig (RSA: big-endian; EC: r||s as
 * the signing path returns it) of p->digest by key. *der malloc'ed. */
crpki_err cms_finish(const catalog_entry *key, const cms_prep *p, const uint8_t *sig,
                     size_t sig_len, uint8_t **der, size_t *der_len, crpki_error_info *ei);

#endif
