/* prov_capiblob: the CryptoAPI PUBLICKEYBLOB of an RSA public key, as both
 * providers export it (CPExportKey PUBLICKEYBLOB; NCryptExportKey
 * LEGACY_RSAPUBLIC_BLOB): BLOBHEADER {bType 6, bVersion 2, reserved 0,
 * aiKeyAlg} + RSAPUBKEY {magic 'RSA1', bitlen, pubexp} + the modulus
 * little-endian in bitlen/8 bytes. bitlen is the modulus's byte length x 8,
 * as CryptoAPI reads bitlen/8 bytes of modulus: a modulus whose top bit is
 * clear still exports, padded, and re-imports to the same blob. */
#ifndef CRPKI_PROVIDER_PROV_CAPIBLOB_H
#define CRPKI_PROVIDER_PROV_CAPIBLOB_H

#include <stddef.h>
#include <stdint.h>

#include "core/crypto/crypto.h"

#define PROV_CAPI_PUBLICKEYBLOB 0x06u       /* wincrypt.h PUBLICKEYBLOB */
#define PROV_CAPI_BLOB_VERSION  0x02u       /* CUR_BLOB_VERSION */
#define PROV_CAPI_RSA1_MAGIC    0x31415352u /* RSAPUBKEY 'RSA1' */
#define PROV_CAPI_HEADER_LEN    20u         /* BLOBHEADER + RSAPUBKEY */

/* The blob of k with aiKeyAlg alg, malloc'ed into *out (*len bytes).
 * CRPKI_E_NOT_SUPPORTED when k is not RSA or its exponent needs more than
 * 32 bits (RSAPUBKEY cannot hold it); CRPKI_E_NO_MEMORY. */
crpki_err prov_capi_blob_build(const crypto_pubkey_info *k, uint32_t alg, uint8_t **out,
                               size_t *len);

#endif
