#include "ksp_pad.h"

#include <string.h>

#include "ksp_flags.h"
#include "ksp_u16.h"

static const alg_hash_info *hash_named(const uint16_t *name)
{
    static const alg_hash_id IDS[] = {CRPKI_HASH_MD5, CRPKI_HASH_SHA1, CRPKI_HASH_SHA256,
                                      CRPKI_HASH_SHA384, CRPKI_HASH_SHA512};
    for (size_t i = 0; i < sizeof IDS / sizeof IDS[0]; i++) {
        const alg_hash_info *h = alg_hash_by_id(IDS[i]);
        if (h && ksp_u16_eq_ascii(name, h->name))
            return h;
    }
    return NULL;
}

static ksp_code usable_hash(const alg_hash_info *h, const uint16_t *name, ksp_status *st)
{
    if (!h)
        return ksp_fail(st, KSP_E_NOT_SUPPORTED, "unknown hash algorithm in pszAlgId");
    if (!alg_hash_signable(h->id))
        return ksp_fail(st, KSP_E_NOT_SUPPORTED,
                        "%s is refused for signing (collisions); SHA-256/384/512 only", h->name);
    return KSP_OK;
}

ksp_code ksp_pad_parse(const ksp_pad_key *key, uint32_t flags, const void *padding,
                       const uint8_t *hash, size_t hash_len, ksp_sign_req *out, ksp_status *st)
{
    memset(out, 0, sizeof *out);
    if (ksp_flags_bad(flags, KSP_MASK_SIGN))
        return ksp_fail(st, KSP_E_BAD_FLAGS, "flags 0x%08x outside 0x%08x", (unsigned)flags,
                        (unsigned)KSP_MASK_SIGN);
    if (!hash || hash_len == 0)
        return ksp_fail(st, KSP_E_INVALID_ARG, "no hash value");
    out->silent = (flags & KSP_F_SILENT) != 0;
    uint32_t pad = flags & (KSP_F_NO_PADDING | KSP_F_PAD_PKCS1 | KSP_F_PAD_PSS);

    if (key->key_type == CRPKI_KEY_EC) {
        if (pad)
            return ksp_fail(st, KSP_E_INVALID_ARG, "padding flag 0x%x on an ECDSA key",
                            (unsigned)pad);
        if (hash_len == 20)
            return ksp_fail(st, KSP_E_NOT_SUPPORTED,
                            "ECDSA hash of 20 bytes is SHA-1, refused for signing (collisions)");
        alg_hash_id id = hash_len == 32   ? CRPKI_HASH_SHA256
                         : hash_len == 48 ? CRPKI_HASH_SHA384
                         : hash_len == 64 ? CRPKI_HASH_SHA512
                                          : CRPKI_HASH_NONE;
        if (id == CRPKI_HASH_NONE)
            return ksp_fail(st, KSP_E_INVALID_ARG,
                            "ECDSA hash of %u bytes is no SHA-256/384/512 length",
                            (unsigned)hash_len);
        out->scheme = CRPKI_PAD_ECDSA;
        out->hash = id;
        out->digest = hash;
        out->digest_len = hash_len;
        return KSP_OK;
    }
    if (key->key_type != CRPKI_KEY_RSA)
        return ksp_fail_core(st, CRPKI_E_INTERNAL, "key of unknown type");
    if (pad & KSP_F_NO_PADDING)
        return ksp_fail(st, KSP_E_NOT_SUPPORTED, "raw RSA (NCRYPT_NO_PADDING_FLAG)");
    if (pad == (KSP_F_PAD_PKCS1 | KSP_F_PAD_PSS))
        return ksp_fail(st, KSP_E_BAD_FLAGS, "both PKCS1 and PSS padding flags");
    if (!pad)
        return ksp_fail(st, KSP_E_INVALID_ARG, "an RSA signature needs a padding flag");
    if (!padding)
        return ksp_fail(st, KSP_E_INVALID_ARG, "padding flag without pPaddingInfo");

    const alg_hash_info *h;
    if (pad == KSP_F_PAD_PKCS1) {
        const ksp_pkcs1_info *pi = padding;
        out->scheme = CRPKI_PAD_PKCS1;
        if (!pi->alg) {
            h = alg_hash_by_digestinfo(hash, hash_len);
            if (!h)
                return ksp_fail(st, KSP_E_NOT_SUPPORTED,
                                "PKCS1 with pszAlgId NULL over %u bytes that are no "
                                "DigestInfo of a known hash: the service signs hashes only",
                                (unsigned)hash_len);
            ksp_code c = usable_hash(h, NULL, st);
            if (c != KSP_OK)
                return c;
            out->hash = h->id;
            out->digest = hash + h->digestinfo_prefix_len;
            out->digest_len = h->len;
            return KSP_OK;
        }
        h = hash_named(pi->alg);
    } else {
        const ksp_pss_info *pi = padding;
        out->scheme = CRPKI_PAD_PSS;
        if (!pi->alg)
            return ksp_fail(st, KSP_E_INVALID_ARG, "PSS without pszAlgId");
        h = hash_named(pi->alg);
        if (h && (size_t)pi->salt + h->len + 2 > key->key_bytes)
            return ksp_fail(st, KSP_E_INVALID_ARG,
                            "PSS salt of %u bytes too long for a %u-byte key", (unsigned)pi->salt,
                            key->key_bytes);
        out->salt_len = pi->salt;
    }
    ksp_code c = usable_hash(h, NULL, st);
    if (c != KSP_OK)
        return c;
    if (hash_len != h->len)
        return ksp_fail(st, KSP_E_INVALID_ARG, "%s hash must be %u bytes, got %u", h->name,
                        (unsigned)h->len, (unsigned)hash_len);
    out->hash = h->id;
    out->digest = hash;
    out->digest_len = hash_len;
    return KSP_OK;
}
