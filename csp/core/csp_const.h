/* csp_const: the CryptoAPI numbers the portable core speaks (ALG_IDs, PP_/
 * KP_/HP_ parameters, flags, blob types), with the values of Microsoft's
 * wincrypt.h. The core cannot include wincrypt.h (it builds natively);
 * csp_exports.c checks every value here against wincrypt.h at compile time. */
#ifndef CRPKI_CSP_CORE_CSP_CONST_H
#define CRPKI_CSP_CORE_CSP_CONST_H

/* ALG_ID */
#define CSP_CALG_MD5         0x00008003u
#define CSP_CALG_SHA1        0x00008004u
#define CSP_CALG_SSL3_SHAMD5 0x00008008u
#define CSP_CALG_SHA_256     0x0000800cu
#define CSP_CALG_SHA_384     0x0000800du
#define CSP_CALG_SHA_512     0x0000800eu
#define CSP_CALG_RSA_SIGN    0x00002400u
#define CSP_CALG_RSA_KEYX    0x0000a400u

/* CryptAcquireContext */
#define CSP_CRYPT_VERIFYCONTEXT              0xf0000000u
#define CSP_CRYPT_NEWKEYSET                  0x00000008u
#define CSP_CRYPT_DELETEKEYSET               0x00000010u
#define CSP_CRYPT_MACHINE_KEYSET             0x00000020u
#define CSP_CRYPT_SILENT                     0x00000040u
#define CSP_CRYPT_DEFAULT_CONTAINER_OPTIONAL 0x00000080u

/* CryptGetProvParam / CryptSetProvParam */
#define CSP_PP_CLIENT_HWND      1u
#define CSP_PP_ENUMALGS         1u
#define CSP_PP_ENUMCONTAINERS   2u
#define CSP_PP_IMPTYPE          3u
#define CSP_PP_NAME             4u
#define CSP_PP_VERSION          5u
#define CSP_PP_CONTAINER        6u
#define CSP_PP_PROVTYPE         16u
#define CSP_PP_UI_PROMPT        21u
#define CSP_PP_ENUMALGS_EX      22u
#define CSP_PP_UNIQUE_CONTAINER 36u
#define CSP_PP_KEYSPEC          39u
#define CSP_PP_USER_CERTSTORE   42u
#define CSP_PP_ROOT_CERTSTORE   46u
#define CSP_CRYPT_FIRST         1u
#define CSP_CRYPT_NEXT          2u
#define CSP_CRYPT_IMPL_MIXED    3u
#define CSP_CRYPT_FLAG_SIGNING  0x20u
#define CSP_PROV_RSA_FULL       1u

/* keys */
#define CSP_AT_KEYEXCHANGE   1u
#define CSP_AT_SIGNATURE     2u
#define CSP_KP_PERMISSIONS   6u
#define CSP_KP_ALGID         7u
#define CSP_KP_BLOCKLEN      8u
#define CSP_KP_KEYLEN        9u
#define CSP_KP_CERTIFICATE   26u
#define CSP_CRYPT_READ       0x8u
#define CSP_CRYPT_EXPORTABLE 0x1u
#define CSP_PUBLICKEYBLOB    0x6u
#define CSP_PRIVATEKEYBLOB   0x7u
#define CSP_CUR_BLOB_VERSION 2u
#define CSP_RSA1_MAGIC       0x31415352u /* "RSA1" */

/* hashes and signatures */
#define CSP_HP_ALGID          1u
#define CSP_HP_HASHVAL        2u
#define CSP_HP_HASHSIZE       4u
#define CSP_CRYPT_NOHASHOID   0x1u
#define CSP_CRYPT_X931_FORMAT 0x4u

/* PROV_ENUMALGS / PROV_ENUMALGS_EX as laid out by wincrypt.h */
#define CSP_ENUMALGS_SIZE    32u
#define CSP_ENUMALGS_EX_SIZE 88u

#endif
