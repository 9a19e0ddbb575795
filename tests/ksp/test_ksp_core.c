/* Native tests of the KSP core's pure pieces: UTF-16 strings, the output
 * protocol and property encodings, public key blobs, padding rules, flag
 * masks and the typed handle table. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "ksp_blob.h"
#include "ksp_flags.h"
#include "ksp_handle.h"
#include "ksp_out.h"
#include "ksp_pad.h"
#include "ksp_u16.h"

static const uint16_t *W(const char *ascii)
{
    static uint16_t buf[8][128];
    static int slot;
    uint16_t *b = buf[slot++ % 8];
    size_t i = 0;
    for (; ascii[i] && i < 127; i++)
        b[i] = (unsigned char)ascii[i];
    b[i] = 0;
    return b;
}

/* ---- UTF-16 ---- */

static void u16_compare_ignores_ascii_case(void **state)
{
    assert_true(ksp_u16_eq_ascii(W("Algorithm Group"), "algorithm group"));
    assert_false(ksp_u16_eq_ascii(W("Algorithm Grou"), "Algorithm Group"));
    assert_false(ksp_u16_eq_ascii(W("Algorithm Groups"), "Algorithm Group"));
    assert_false(ksp_u16_eq_ascii(NULL, "x"));
}

static void u16_utf8_round_trip_japanese_and_surrogates(void **state)
{
    const char *s = "\xe5\x95\x86\xe6\xa5\xad\xe7\x99\xbb\xe8\xa8\x98 \xf0\x9f\x94\x91 key";
    uint16_t *w;
    size_t n;
    assert_int_equal(ksp_utf8_to_u16(s, &w, &n), CRPKI_OK);
    assert_int_equal(n, 4 + 1 + 2 + 4); /* 4 kanji, space, a surrogate pair, " key" */
    char *back;
    assert_int_equal(ksp_u16_to_utf8(w, SIZE_MAX, &back), CRPKI_OK);
    assert_string_equal(back, s);
    free(back);
    free(w);
}

static void u16_rejects_unpaired_surrogate_and_bad_utf8(void **state)
{
    uint16_t bad[] = {'a', 0xD800, 'b', 0};
    char *out = (char *)1;
    assert_int_equal(ksp_u16_to_utf8(bad, SIZE_MAX, &out), CRPKI_E_INVALID_ARG);
    assert_null(out);
    uint16_t *w;
    assert_int_equal(ksp_utf8_to_u16("\xc0\xaf", &w, NULL), CRPKI_E_INVALID_ARG); /* overlong */
    assert_int_equal(ksp_utf8_to_u16("\xed\xa0\x80", &w, NULL), CRPKI_E_INVALID_ARG);
    assert_int_equal(ksp_utf8_to_u16("\xe3\x81", &w, NULL), CRPKI_E_INVALID_ARG); /* cut */
}

/* ---- output protocol and property encoding ---- */

static void out_size_query_returns_size_without_writing(void **state)
{
    ksp_status st;
    size_t res = 0;
    assert_int_equal(ksp_out_str("RSA", NULL, 0, &res, &st), KSP_OK);
    assert_int_equal(res, 8); /* "RSA" + terminator, UTF-16 */
}

static void out_short_buffer_is_buffer_too_small_with_size(void **state)
{
    ksp_status st;
    uint8_t buf[7];
    memset(buf, 0xAA, sizeof buf);
    size_t res = 0;
    assert_int_equal(ksp_out_str("RSA", buf, sizeof buf, &res, &st), KSP_E_MORE_DATA);
    assert_int_equal(res, 8);
    assert_int_equal(buf[0], 0xAA); /* nothing written */
}

static void out_string_is_utf16le_with_terminator(void **state)
{
    ksp_status st;
    uint8_t buf[16];
    size_t res = 0;
    assert_int_equal(ksp_out_str("EC", buf, sizeof buf, &res, &st), KSP_OK);
    assert_int_equal(res, 6);
    const uint8_t want[] = {'E', 0, 'C', 0, 0, 0};
    assert_memory_equal(buf, want, 6);
}

static void out_dword_is_four_bytes_little_endian(void **state)
{
    ksp_status st;
    uint8_t buf[4];
    size_t res = 0;
    assert_int_equal(ksp_out_dword(2048, buf, sizeof buf, &res, &st), KSP_OK);
    assert_int_equal(res, 4);
    const uint8_t want[] = {0x00, 0x08, 0x00, 0x00};
    assert_memory_equal(buf, want, 4);
    assert_int_equal(ksp_out_dword(1, buf, 3, &res, &st), KSP_E_MORE_DATA);
}

static void out_null_result_pointer_is_invalid_arg(void **state)
{
    ksp_status st;
    assert_int_equal(ksp_out_dword(1, NULL, 0, NULL, &st), KSP_E_INVALID_ARG);
}

static void in_str_accepts_with_or_without_terminator(void **state)
{
    ksp_status st;
    const uint8_t with[] = {'P', 0, 'D', 0, 'F', 0, 0, 0};
    char *s;
    assert_int_equal(ksp_in_str(with, sizeof with, 64, &s, &st), KSP_OK);
    assert_string_equal(s, "PDF");
    free(s);
    assert_int_equal(ksp_in_str(with, 6, 64, &s, &st), KSP_OK);
    assert_string_equal(s, "PDF");
    free(s);
    assert_int_equal(ksp_in_str(with, 5, 64, &s, &st), KSP_E_INVALID_ARG);          /* odd */
    assert_int_equal(ksp_in_str(with, sizeof with, 2, &s, &st), KSP_E_INVALID_ARG); /* too long */
    const uint8_t trailing[] = {'A', 0, 0, 0, 'B', 0};
    assert_int_equal(ksp_in_str(trailing, sizeof trailing, 64, &s, &st), KSP_E_INVALID_ARG);
    uint32_t v;
    assert_int_equal(ksp_in_dword(with, 3, &v, &st), KSP_E_INVALID_ARG);
}

/* ---- blobs ---- */

static uint8_t N2048[256];
static const uint8_t E65537[] = {0x01, 0x00, 0x01};

static crypto_pubkey_info rsa_info(void)
{
    for (size_t i = 0; i < sizeof N2048; i++)
        N2048[i] = (uint8_t)(i * 7 + 1);
    N2048[0] |= 0x80;
    crypto_pubkey_info k = {0};
    k.type = CRPKI_KEY_RSA;
    k.bits = 2048;
    k.n = N2048;
    k.nlen = sizeof N2048;
    k.e = E65537;
    k.elen = sizeof E65537;
    return k;
}

static uint32_t rd32(const uint8_t *p)
{
    return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

static void blob_rsapublic_layout(void **state)
{
    crypto_pubkey_info k = rsa_info();
    ksp_status st;
    size_t res = 0;
    assert_int_equal(ksp_blob_build(KSP_BLOB_RSAPUBLIC, &k, 0, NULL, 0, &res, &st), KSP_OK);
    assert_int_equal(res, 24 + 3 + 256);
    uint8_t *b = malloc(res);
    assert_int_equal(ksp_blob_build(KSP_BLOB_RSAPUBLIC, &k, 0, b, res, &res, &st), KSP_OK);
    assert_int_equal(rd32(b), 0x31415352); /* RSA1 */
    assert_int_equal(rd32(b + 4), 2048);
    assert_int_equal(rd32(b + 8), 3);
    assert_int_equal(rd32(b + 12), 256);
    assert_int_equal(rd32(b + 16), 0);
    assert_int_equal(rd32(b + 20), 0);
    assert_memory_equal(b + 24, E65537, 3);
    assert_memory_equal(b + 27, N2048, 256);
    /* PUBLICBLOB of an RSA key is the same bytes */
    uint8_t *g = malloc(res);
    size_t gres = 0;
    assert_int_equal(ksp_blob_build(KSP_BLOB_PUBLIC, &k, 0, g, res, &gres, &st), KSP_OK);
    assert_int_equal(gres, res);
    assert_memory_equal(g, b, res);
    free(g);
    free(b);
}

static void blob_legacy_rsapublic_is_little_endian_publickeyblob(void **state)
{
    crypto_pubkey_info k = rsa_info();
    ksp_status st;
    uint8_t b[20 + 256];
    size_t res = 0;
    assert_int_equal(
        ksp_blob_build(KSP_BLOB_LEGACY_RSAPUBLIC, &k, KSP_CALG_RSA_SIGN, b, sizeof b, &res, &st),
        KSP_OK);
    assert_int_equal(res, sizeof b);
    assert_int_equal(b[0], 0x06); /* PUBLICKEYBLOB */
    assert_int_equal(b[1], 0x02); /* CUR_BLOB_VERSION */
    assert_int_equal(b[2] | b[3], 0);
    assert_int_equal(rd32(b + 4), 0x2400); /* CALG_RSA_SIGN */
    assert_int_equal(rd32(b + 8), 0x31415352);
    assert_int_equal(rd32(b + 12), 2048);
    assert_int_equal(rd32(b + 16), 65537);
    for (size_t i = 0; i < 256; i++)
        assert_int_equal(b[20 + i], N2048[255 - i]);
}

static void blob_eccpublic_p256_layout_and_round_trip(void **state)
{
    uint8_t x[32], y[32];
    for (int i = 0; i < 32; i++) {
        x[i] = (uint8_t)i;
        y[i] = (uint8_t)(0xff - i);
    }
    crypto_pubkey_info k = {0};
    k.type = CRPKI_KEY_EC;
    k.bits = 256;
    k.curve = CRPKI_CURVE_P256;
    k.x = x;
    k.y = y;
    k.coord_len = 32;
    ksp_status st;
    uint8_t b[72];
    size_t res = 0;
    assert_int_equal(ksp_blob_build(KSP_BLOB_ECCPUBLIC, &k, 0, b, sizeof b, &res, &st), KSP_OK);
    assert_int_equal(res, 72);
    assert_int_equal(rd32(b), 0x31534345); /* ECS1 */
    assert_int_equal(rd32(b + 4), 32);
    assert_memory_equal(b + 8, x, 32);
    assert_memory_equal(b + 40, y, 32);
    ksp_blob_parsed p;
    assert_int_equal(ksp_blob_parse(KSP_BLOB_PUBLIC, b, res, &p, &st), KSP_OK);
    assert_int_equal(p.type, CRPKI_KEY_EC);
    assert_int_equal(p.curve, CRPKI_CURVE_P256);
    assert_memory_equal(p.x, x, 32);
    assert_memory_equal(p.y, y, 32);
    ksp_blob_parsed_free(&p);
    /* an RSA blob type on an EC key */
    assert_int_equal(ksp_blob_build(KSP_BLOB_RSAPUBLIC, &k, 0, b, sizeof b, &res, &st),
                     KSP_E_BAD_TYPE);
}

static void blob_parse_round_trips_rsa_and_legacy(void **state)
{
    crypto_pubkey_info k = rsa_info();
    ksp_status st;
    uint8_t b[24 + 3 + 256];
    size_t res;
    assert_int_equal(ksp_blob_build(KSP_BLOB_RSAPUBLIC, &k, 0, b, sizeof b, &res, &st), KSP_OK);
    ksp_blob_parsed p;
    assert_int_equal(ksp_blob_parse(KSP_BLOB_RSAPUBLIC, b, res, &p, &st), KSP_OK);
    assert_int_equal(p.bits, 2048);
    assert_int_equal(p.nlen, 256);
    assert_memory_equal(p.n, N2048, 256);
    assert_int_equal(p.elen, 3);
    assert_memory_equal(p.e, E65537, 3);
    ksp_blob_parsed_free(&p);
    uint8_t l[20 + 256];
    assert_int_equal(
        ksp_blob_build(KSP_BLOB_LEGACY_RSAPUBLIC, &k, KSP_CALG_RSA_KEYX, l, sizeof l, &res, &st),
        KSP_OK);
    assert_int_equal(ksp_blob_parse(KSP_BLOB_LEGACY_RSAPUBLIC, l, res, &p, &st), KSP_OK);
    assert_memory_equal(p.n, N2048, 256);
    assert_int_equal(p.elen, 3);
    assert_memory_equal(p.e, E65537, 3);
    ksp_blob_parsed_free(&p);
}

static void blob_malformed_is_bad_data(void **state)
{
    crypto_pubkey_info k = rsa_info();
    ksp_status st;
    uint8_t b[24 + 3 + 256];
    size_t res;
    ksp_blob_parsed p;
    assert_int_equal(ksp_blob_build(KSP_BLOB_RSAPUBLIC, &k, 0, b, sizeof b, &res, &st), KSP_OK);
    assert_int_equal(ksp_blob_parse(KSP_BLOB_RSAPUBLIC, b, res - 1, &p, &st), KSP_E_BAD_DATA);
    assert_int_equal(ksp_blob_parse(KSP_BLOB_RSAPUBLIC, b, 10, &p, &st), KSP_E_BAD_DATA);
    b[0] ^= 1;
    assert_int_equal(ksp_blob_parse(KSP_BLOB_RSAPUBLIC, b, res, &p, &st), KSP_E_BAD_DATA);
    b[0] ^= 1;
    b[16] = 1; /* cbPrime1 in a public blob */
    assert_int_equal(ksp_blob_parse(KSP_BLOB_RSAPUBLIC, b, res, &p, &st), KSP_E_BAD_DATA);
    uint8_t ecc[8] = {0x45, 0x43, 0x53, 0x31, 32, 0, 0, 0};
    assert_int_equal(ksp_blob_parse(KSP_BLOB_ECCPUBLIC, ecc, sizeof ecc, &p, &st), KSP_E_BAD_DATA);
}

static void blob_types_private_unsupported_unknown_bad_type(void **state)
{
    assert_int_equal(ksp_blob_type_of(W("RSAPUBLICBLOB")), KSP_BLOB_RSAPUBLIC);
    assert_int_equal(ksp_blob_type_of(W("CAPIPUBLICBLOB")), KSP_BLOB_LEGACY_RSAPUBLIC);
    assert_int_equal(ksp_blob_type_of(W("PUBLICBLOB")), KSP_BLOB_PUBLIC);
    assert_int_equal(ksp_blob_type_of(W("RSAFULLPRIVATEBLOB")), KSP_BLOB_PRIVATE);
    assert_int_equal(ksp_blob_type_of(W("PKCS8_PRIVATEKEY")), KSP_BLOB_PRIVATE);
    assert_int_equal(ksp_blob_type_of(W("NOSUCHBLOB")), KSP_BLOB_UNKNOWN);
    crypto_pubkey_info k = rsa_info();
    ksp_status st;
    size_t res;
    assert_int_equal(ksp_blob_build(KSP_BLOB_PRIVATE, &k, 0, NULL, 0, &res, &st),
                     KSP_E_NOT_SUPPORTED);
    assert_int_equal(ksp_blob_build(KSP_BLOB_UNKNOWN, &k, 0, NULL, 0, &res, &st), KSP_E_BAD_TYPE);
    assert_int_equal(ksp_blob_build(KSP_BLOB_ECCPUBLIC, &k, 0, NULL, 0, &res, &st), KSP_E_BAD_TYPE);
}

/* ---- padding ---- */

static const ksp_pad_key RSA2048 = {CRPKI_KEY_RSA, 256};
static const ksp_pad_key P256 = {CRPKI_KEY_EC, 32};
static uint8_t H64[64];

static void pad_pkcs1_alg_selects_hash(void **state)
{
    static const struct {
        const char *name;
        alg_hash_id id;
        size_t len;
    } T[] = {{"SHA256", CRPKI_HASH_SHA256, 32},
             {"sha384", CRPKI_HASH_SHA384, 48},
             {"SHA512", CRPKI_HASH_SHA512, 64}};
    for (size_t i = 0; i < sizeof T / sizeof T[0]; i++) {
        ksp_pkcs1_info pi = {W(T[i].name)};
        ksp_sign_req r;
        ksp_status st;
        assert_int_equal(ksp_pad_parse(&RSA2048, KSP_F_PAD_PKCS1, &pi, H64, T[i].len, &r, &st),
                         KSP_OK);
        assert_int_equal(r.scheme, CRPKI_PAD_PKCS1);
        assert_int_equal(r.hash, T[i].id);
        assert_ptr_equal(r.digest, H64);
        assert_int_equal(r.digest_len, T[i].len);
        assert_false(r.silent);
    }
}

static void pad_flags_are_masks_silent_pkcs1_valid(void **state)
{
    ksp_pkcs1_info pi = {W("SHA256")};
    ksp_sign_req r;
    ksp_status st;
    assert_int_equal(ksp_pad_parse(&RSA2048, KSP_F_SILENT | KSP_F_PAD_PKCS1, &pi, H64, 32, &r, &st),
                     KSP_OK);
    assert_true(r.silent);
    assert_int_equal(ksp_pad_parse(&RSA2048, KSP_F_PAD_PKCS1 | 0x100, &pi, H64, 32, &r, &st),
                     KSP_E_BAD_FLAGS);
    assert_int_equal(
        ksp_pad_parse(&RSA2048, KSP_F_PAD_PKCS1 | KSP_F_PAD_PSS, &pi, H64, 32, &r, &st),
        KSP_E_BAD_FLAGS);
}

static void pad_pkcs1_null_alg_accepts_digestinfo(void **state)
{
    const alg_hash_info *h = alg_hash_by_id(CRPKI_HASH_SHA256);
    uint8_t di[19 + 32];
    assert_int_equal(alg_digestinfo(CRPKI_HASH_SHA256, H64, 32, di, sizeof di), sizeof di);
    ksp_pkcs1_info pi = {NULL};
    ksp_sign_req r;
    ksp_status st;
    assert_int_equal(ksp_pad_parse(&RSA2048, KSP_F_PAD_PKCS1, &pi, di, sizeof di, &r, &st), KSP_OK);
    assert_int_equal(r.hash, CRPKI_HASH_SHA256);
    assert_ptr_equal(r.digest, di + h->digestinfo_prefix_len);
    assert_int_equal(r.digest_len, 32);
}

static void pad_pkcs1_null_alg_raw_bytes_not_supported(void **state)
{
    ksp_pkcs1_info pi = {NULL};
    ksp_sign_req r;
    ksp_status st;
    /* SSL3/TLS1.0 MD5||SHA1: 36 bytes, no DigestInfo */
    assert_int_equal(ksp_pad_parse(&RSA2048, KSP_F_PAD_PKCS1, &pi, H64, 36, &r, &st),
                     KSP_E_NOT_SUPPORTED);
}

static void pad_wrong_hash_length_is_invalid_arg(void **state)
{
    ksp_pkcs1_info pi = {W("SHA256")};
    ksp_sign_req r;
    ksp_status st;
    assert_int_equal(ksp_pad_parse(&RSA2048, KSP_F_PAD_PKCS1, &pi, H64, 31, &r, &st),
                     KSP_E_INVALID_ARG);
    assert_int_equal(ksp_pad_parse(&P256, 0, NULL, H64, 33, &r, &st), KSP_E_INVALID_ARG);
}

static void pad_unknown_and_md5_hash_not_supported(void **state)
{
    ksp_pkcs1_info pi = {W("SHA3-256")};
    ksp_sign_req r;
    ksp_status st;
    assert_int_equal(ksp_pad_parse(&RSA2048, KSP_F_PAD_PKCS1, &pi, H64, 32, &r, &st),
                     KSP_E_NOT_SUPPORTED);
    ksp_pkcs1_info md5 = {W("MD5")};
    assert_int_equal(ksp_pad_parse(&RSA2048, KSP_F_PAD_PKCS1, &md5, H64, 16, &r, &st),
                     KSP_E_NOT_SUPPORTED);
}

/* SHA-1 is refused for signing however it is named. */
static void pad_sha1_is_refused_in_every_form(void **state)
{
    ksp_sign_req r;
    ksp_status st;
    ksp_pkcs1_info sha1 = {W("SHA1")};
    assert_int_equal(ksp_pad_parse(&RSA2048, KSP_F_PAD_PKCS1, &sha1, H64, 20, &r, &st),
                     KSP_E_NOT_SUPPORTED);
    ksp_pss_info pss = {W("sha1"), 20};
    assert_int_equal(ksp_pad_parse(&RSA2048, KSP_F_PAD_PSS, &pss, H64, 20, &r, &st),
                     KSP_E_NOT_SUPPORTED);
    uint8_t di[15 + 20];
    assert_int_equal(alg_digestinfo(CRPKI_HASH_SHA1, H64, 20, di, sizeof di), sizeof di);
    ksp_pkcs1_info none = {NULL};
    assert_int_equal(ksp_pad_parse(&RSA2048, KSP_F_PAD_PKCS1, &none, di, sizeof di, &r, &st),
                     KSP_E_NOT_SUPPORTED);
    assert_int_equal(ksp_pad_parse(&P256, 0, NULL, H64, 20, &r, &st), KSP_E_NOT_SUPPORTED);
}

static void pad_pss_passes_salt_and_checks_limit(void **state)
{
    ksp_pss_info pi = {W("SHA256"), 32};
    ksp_sign_req r;
    ksp_status st;
    assert_int_equal(ksp_pad_parse(&RSA2048, KSP_F_PAD_PSS, &pi, H64, 32, &r, &st), KSP_OK);
    assert_int_equal(r.scheme, CRPKI_PAD_PSS);
    assert_int_equal(r.hash, CRPKI_HASH_SHA256);
    assert_int_equal(r.salt_len, 32);
    pi.salt = 256 - 32 - 2; /* the largest */
    assert_int_equal(ksp_pad_parse(&RSA2048, KSP_F_PAD_PSS, &pi, H64, 32, &r, &st), KSP_OK);
    pi.salt++;
    assert_int_equal(ksp_pad_parse(&RSA2048, KSP_F_PAD_PSS, &pi, H64, 32, &r, &st),
                     KSP_E_INVALID_ARG);
    ksp_pss_info noalg = {NULL, 32};
    assert_int_equal(ksp_pad_parse(&RSA2048, KSP_F_PAD_PSS, &noalg, H64, 32, &r, &st),
                     KSP_E_INVALID_ARG);
}

static void pad_rsa_needs_padding_and_info(void **state)
{
    ksp_sign_req r;
    ksp_status st;
    assert_int_equal(ksp_pad_parse(&RSA2048, 0, NULL, H64, 32, &r, &st), KSP_E_INVALID_ARG);
    assert_int_equal(ksp_pad_parse(&RSA2048, KSP_F_PAD_PKCS1, NULL, H64, 32, &r, &st),
                     KSP_E_INVALID_ARG);
    assert_int_equal(ksp_pad_parse(&RSA2048, KSP_F_NO_PADDING, NULL, H64, 256, &r, &st),
                     KSP_E_NOT_SUPPORTED);
}

static void pad_ecdsa_hash_by_length_no_padding_flag(void **state)
{
    ksp_sign_req r;
    ksp_status st;
    assert_int_equal(ksp_pad_parse(&P256, KSP_F_SILENT, NULL, H64, 32, &r, &st), KSP_OK);
    assert_int_equal(r.scheme, CRPKI_PAD_ECDSA);
    assert_int_equal(r.hash, CRPKI_HASH_SHA256);
    assert_int_equal(ksp_pad_parse(&P256, 0, NULL, H64, 48, &r, &st), KSP_OK);
    assert_int_equal(r.hash, CRPKI_HASH_SHA384);
    ksp_pkcs1_info pi = {W("SHA256")};
    assert_int_equal(ksp_pad_parse(&P256, KSP_F_PAD_PKCS1, &pi, H64, 32, &r, &st),
                     KSP_E_INVALID_ARG);
    assert_int_equal(ksp_pad_parse(&P256, 0, NULL, NULL, 32, &r, &st), KSP_E_INVALID_ARG);
}

/* ---- handles and buffers ---- */

static int destroyed;
static void count_destroy(ksp_obj *o)
{
    destroyed++;
    free(o);
}

static void handle_lookup_checks_kind_and_generation(void **state)
{
    assert_int_equal(ksp_handle_init(), CRPKI_OK);
    ksp_status st;
    ksp_obj *o = calloc(1, sizeof *o);
    o->kind = KSP_KIND_KEY;
    o->destroy = count_destroy;
    uintptr_t h;
    size_t live = ksp_handle_live(0);
    assert_int_equal(ksp_handle_new(o, &h, &st), KSP_OK);
    assert_int_equal(ksp_handle_live(0), live + 1);
    ksp_obj *got;
    assert_int_equal(ksp_handle_get(h, KSP_KIND_KEY, &got, &st), KSP_OK);
    assert_ptr_equal(got, o);
    ksp_obj_put(got);
    assert_int_equal(ksp_handle_get(h, KSP_KIND_PROVIDER, &got, &st), KSP_E_INVALID_HANDLE);
    assert_int_equal(ksp_handle_get(0, KSP_KIND_KEY, &got, &st), KSP_E_INVALID_HANDLE);
    assert_int_equal(ksp_handle_get((uintptr_t)o, KSP_KIND_KEY, &got, &st), KSP_E_INVALID_HANDLE);
    assert_int_equal(ksp_handle_get(h ^ 0x1000, KSP_KIND_KEY, &got, &st), KSP_E_INVALID_HANDLE);
    destroyed = 0;
    assert_int_equal(ksp_handle_free(h, KSP_KIND_KEY, &st), KSP_OK);
    assert_int_equal(destroyed, 1);
    /* freed: stale, also after the slot is reused */
    assert_int_equal(ksp_handle_get(h, KSP_KIND_KEY, &got, &st), KSP_E_INVALID_HANDLE);
    assert_int_equal(ksp_handle_free(h, KSP_KIND_KEY, &st), KSP_E_INVALID_HANDLE);
    ksp_obj *o2 = calloc(1, sizeof *o2);
    o2->kind = KSP_KIND_KEY;
    o2->destroy = count_destroy;
    uintptr_t h2;
    assert_int_equal(ksp_handle_new(o2, &h2, &st), KSP_OK);
    assert_true(h2 != h);
    assert_int_equal(ksp_handle_get(h, KSP_KIND_KEY, &got, &st), KSP_E_INVALID_HANDLE);
    assert_int_equal(ksp_handle_free(h2, KSP_KIND_KEY, &st), KSP_OK);
    assert_int_equal(ksp_handle_live(0), live);
}

static void handle_reference_outlives_free(void **state)
{
    assert_int_equal(ksp_handle_init(), CRPKI_OK);
    ksp_status st;
    ksp_obj *o = calloc(1, sizeof *o);
    o->kind = KSP_KIND_PROVIDER;
    o->destroy = count_destroy;
    uintptr_t h;
    assert_int_equal(ksp_handle_new(o, &h, &st), KSP_OK);
    ksp_obj *got;
    assert_int_equal(ksp_handle_get(h, KSP_KIND_PROVIDER, &got, &st), KSP_OK);
    destroyed = 0;
    assert_int_equal(ksp_handle_free(h, KSP_KIND_PROVIDER, &st), KSP_OK);
    assert_int_equal(destroyed, 0); /* still in use */
    ksp_obj_put(got);
    assert_int_equal(destroyed, 1);
}

static void buffer_free_only_our_own(void **state)
{
    assert_int_equal(ksp_handle_init(), CRPKI_OK);
    ksp_status st;
    size_t live = ksp_buf_live();
    void *p = ksp_buf_alloc(40, &st);
    assert_non_null(p);
    assert_int_equal(ksp_buf_live(), live + 1);
    int foreign;
    assert_int_equal(ksp_buf_free(&foreign, &st), KSP_E_INVALID_ARG);
    assert_int_equal(ksp_buf_free(NULL, &st), KSP_E_INVALID_ARG);
    assert_int_equal(ksp_buf_free(p, &st), KSP_OK);
    assert_int_equal(ksp_buf_free(p, &st), KSP_E_INVALID_ARG); /* double free refused */
    assert_int_equal(ksp_buf_live(), live);
}

static void flags_checked_as_masks(void **state)
{
    assert_false(ksp_flags_bad(KSP_F_SILENT | KSP_F_MACHINE_KEY, KSP_MASK_OPEN_KEY));
    assert_false(ksp_flags_bad(0, KSP_MASK_OPEN_KEY));
    assert_true(ksp_flags_bad(KSP_F_PAD_PKCS1, KSP_MASK_OPEN_KEY));
    assert_false(ksp_flags_bad(KSP_F_SILENT | KSP_F_PERSIST_ONLY, KSP_MASK_GET_PROPERTY));
    assert_true(ksp_flags_bad(0x80, KSP_MASK_GET_PROPERTY));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(u16_compare_ignores_ascii_case),
        cmocka_unit_test(u16_utf8_round_trip_japanese_and_surrogates),
        cmocka_unit_test(u16_rejects_unpaired_surrogate_and_bad_utf8),
        cmocka_unit_test(out_size_query_returns_size_without_writing),
        cmocka_unit_test(out_short_buffer_is_buffer_too_small_with_size),
        cmocka_unit_test(out_string_is_utf16le_with_terminator),
        cmocka_unit_test(out_dword_is_four_bytes_little_endian),
        cmocka_unit_test(out_null_result_pointer_is_invalid_arg),
        cmocka_unit_test(in_str_accepts_with_or_without_terminator),
        cmocka_unit_test(blob_rsapublic_layout),
        cmocka_unit_test(blob_legacy_rsapublic_is_little_endian_publickeyblob),
        cmocka_unit_test(blob_eccpublic_p256_layout_and_round_trip),
        cmocka_unit_test(blob_parse_round_trips_rsa_and_legacy),
        cmocka_unit_test(blob_malformed_is_bad_data),
        cmocka_unit_test(blob_types_private_unsupported_unknown_bad_type),
        cmocka_unit_test(pad_pkcs1_alg_selects_hash),
        cmocka_unit_test(pad_flags_are_masks_silent_pkcs1_valid),
        cmocka_unit_test(pad_pkcs1_null_alg_accepts_digestinfo),
        cmocka_unit_test(pad_pkcs1_null_alg_raw_bytes_not_supported),
        cmocka_unit_test(pad_wrong_hash_length_is_invalid_arg),
        cmocka_unit_test(pad_unknown_and_md5_hash_not_supported),
        cmocka_unit_test(pad_pss_passes_salt_and_checks_limit),
        cmocka_unit_test(pad_rsa_needs_padding_and_info),
        cmocka_unit_test(pad_ecdsa_hash_by_length_no_padding_flag),
        cmocka_unit_test(pad_sha1_is_refused_in_every_form),
        cmocka_unit_test(handle_lookup_checks_kind_and_generation),
        cmocka_unit_test(handle_reference_outlives_free),
        cmocka_unit_test(buffer_free_only_our_own),
        cmocka_unit_test(flags_checked_as_masks),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
