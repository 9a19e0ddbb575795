/* ksp_flags: the CNG flag and constant values the core checks, as plain
 * integers (the core has no Windows headers). ksp_exports.c asserts at
 * compile time that each equals the <ncrypt.h>/<bcrypt.h> value. Flags are
 * always checked as masks: a call accepts any combination of its allowed
 * bits (NCRYPT_SILENT_FLAG | NCRYPT_PAD_PKCS1_FLAG is valid), never by
 * equality. docs/ksp.md lists each call's mask. */
#ifndef CRPKI_KSP_CORE_KSP_FLAGS_H
#define CRPKI_KSP_CORE_KSP_FLAGS_H

#include <stdint.h>

#define KSP_F_NO_PADDING   0x00000001u /* NCRYPT_NO_PADDING_FLAG */
#define KSP_F_PAD_PKCS1    0x00000002u /* NCRYPT_PAD_PKCS1_FLAG */
#define KSP_F_PAD_OAEP     0x00000004u /* NCRYPT_PAD_OAEP_FLAG */
#define KSP_F_PAD_PSS      0x00000008u /* NCRYPT_PAD_PSS_FLAG */
#define KSP_F_MACHINE_KEY  0x00000020u /* NCRYPT_MACHINE_KEY_FLAG */
#define KSP_F_SILENT       0x00000040u /* NCRYPT_SILENT_FLAG */
#define KSP_F_PERSIST_ONLY 0x40000000u /* NCRYPT_PERSIST_ONLY_FLAG */
#define KSP_F_PERSIST      0x80000000u /* NCRYPT_PERSIST_FLAG */

/* Per-call masks. */
#define KSP_MASK_OPEN_PROVIDER KSP_F_SILENT
#define KSP_MASK_OPEN_KEY      (KSP_F_SILENT | KSP_F_MACHINE_KEY)
#define KSP_MASK_ENUM_KEYS     (KSP_F_SILENT | KSP_F_MACHINE_KEY)
#define KSP_MASK_GET_PROPERTY  (KSP_F_SILENT | KSP_F_PERSIST_ONLY)
#define KSP_MASK_SET_PROPERTY  (KSP_F_SILENT | KSP_F_PERSIST)
#define KSP_MASK_SIGN          (KSP_F_SILENT | KSP_F_NO_PADDING | KSP_F_PAD_PKCS1 | KSP_F_PAD_PSS)
#define KSP_MASK_EXPORT        KSP_F_SILENT
#define KSP_MASK_IMPORT        (KSP_F_SILENT | KSP_F_MACHINE_KEY)
#define KSP_MASK_DELETE        (KSP_F_SILENT | KSP_F_MACHINE_KEY)
#define KSP_MASK_SIMPLE        KSP_F_SILENT /* EnumAlgorithms, IsAlgSupported */

/* Legacy key specs (wincrypt.h AT_*). */
#define KSP_AT_KEYEXCHANGE 1u
#define KSP_AT_SIGNATURE   2u

/* Algorithm operation classes (NCRYPT_*_OPERATION) and interfaces. */
#define KSP_OP_ALL_KNOWN 0x0000007fu /* cipher..key derivation */
#define KSP_OP_SIGNATURE 0x00000010u /* NCRYPT_SIGNATURE_OPERATION */
#define KSP_IF_SIGNATURE 0x00000005u /* NCRYPT_SIGNATURE_INTERFACE */

/* Property values. */
#define KSP_ALLOW_SIGNING   0x00000002u /* NCRYPT_ALLOW_SIGNING_FLAG */
#define KSP_IMPL_HARDWARE   0x00000001u /* NCRYPT_IMPL_HARDWARE_FLAG */
#define KSP_UI_PROTECT_KEY  0x00000001u /* NCRYPT_UI_PROTECT_KEY_FLAG */
#define KSP_MAX_NAME_LENGTH 255u        /* characters, our key names */

/* 1 when flags has a bit outside mask. */
static inline int ksp_flags_bad(uint32_t flags, uint32_t mask)
{
    return (flags & ~mask) != 0;
}

#endif
