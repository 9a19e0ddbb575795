/* libFuzzer target: arbitrary call sequences into both providers' portable
 * cores, the way a careless or hostile application could make them through
 * advapi32 / ncrypt: handles live, released, of another kind or forged,
 * NULL and short buffers, unknown parameters and flags, in any order. The
 * backend has three keys (certificates from the crypto test vectors) and
 * never signs (denied / cancelled), so nothing leaves the process.
 *
 * Input: the first byte picks the provider (even: CSP, odd: KSP); then
 * records of one opcode byte and the argument bytes it reads. After the
 * sequence every provider handle is released and every buffer freed: the
 * handle tables and the KSP's buffer registry must then be empty (no leak,
 * no handle kept alive by a lost reference). Crashes, leaks and undefined
 * behaviour are for the sanitizers to report. Arguments are read from the
 * input in the compiler's order of evaluation: an input means the same
 * sequence within one build, which is all a corpus needs. */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ksp_flags.h"
#include "ksp_handle.h"
#include "ksp_core.h"
#include "ksp_pad.h"
#include "csp_core.h"
#include "csp_handle.h"
#include "fuzz_backend.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* ---- the input ---- */
typedef struct {
    const uint8_t *p;
    size_t n;
} input;

static uint8_t u8(input *in)
{
    if (!in->n)
        return 0;
    in->n--;
    return *in->p++;
}
static uint32_t u32(input *in)
{
    uint32_t v = 0;
    for (int i = 0; i < 4; i++)
        v = v << 8 | u8(in);
    return v;
}
/* Up to max bytes of the input (length from one byte). */
static const uint8_t *bytes(input *in, size_t max, size_t *len)
{
    size_t want = u8(in);
    if (want > max)
        want = max;
    if (want > in->n)
        want = in->n;
    const uint8_t *p = in->p;
    in->p += want;
    in->n -= want;
    *len = want;
    return p;
}
/* One of the values, or (1 in 8) a raw 32-bit value. */
static uint32_t pick(input *in, const uint32_t *v, size_t nv)
{
    uint8_t b = u8(in);
    return (b & 7) == 7 ? u32(in) : v[(b >> 3) % nv];
}

/* ---- handles the sequence refers to ---- */
#define POOL 16
static uintptr_t g_pool[POOL];
static unsigned g_next;

/* Every handle made, to release at the end what the pool forgot (an
 * application leaking a context is not the provider's leak). */
#define MADE 256
static uintptr_t g_made[MADE];
static size_t g_nmade;

static void keep(uintptr_t h)
{
    if (!h)
        return;
    g_pool[g_next++ % POOL] = h;
    if (g_nmade < MADE)
        g_made[g_nmade++] = h;
}
/* A handle from the pool, 0, or a forged one. */
static uintptr_t handle(input *in)
{
    uint8_t b = u8(in);
    if (b < 0xF0)
        return g_pool[b % POOL];
    if (b == 0xF0)
        return 0;
    return (uintptr_t)((uint64_t)u32(in) << 32 | u32(in)); /* the low half on 32-bit builds */
}

static char g_text[3][64];
/* A NUL-terminated string: NULL, "", a key's name, or input text. */
static const char *text(input *in, int slot)
{
    uint8_t b = u8(in);
    switch (b % 6) {
    case 0:
        return NULL;
    case 1:
        return "";
    case 2:
    case 3:
    case 4:
        return KEYS[b % 3].id;
    default: {
        size_t n;
        const uint8_t *p = bytes(in, sizeof g_text[slot] - 1, &n);
        memcpy(g_text[slot], p, n);
        g_text[slot][n] = '\0';
        return g_text[slot];
    }
    }
}

static uint8_t g_buf[2048];
static uint8_t g_in[512];

/* ---- CSP ---- */
static const uint32_t CSP_FLAGS[] = {0,
                                     CSP_CRYPT_VERIFYCONTEXT,
                                     CSP_CRYPT_SILENT,
                                     CSP_CRYPT_NEWKEYSET,
                                     CSP_CRYPT_FIRST,
                                     CSP_CRYPT_NOHASHOID};
static const uint32_t CSP_PARAMS[] = {
    CSP_PP_CLIENT_HWND, CSP_PP_ENUMALGS,    CSP_PP_ENUMCONTAINERS,   CSP_PP_IMPTYPE,
    CSP_PP_NAME,        CSP_PP_VERSION,     CSP_PP_CONTAINER,        CSP_PP_PROVTYPE,
    CSP_PP_UI_PROMPT,   CSP_PP_ENUMALGS_EX, CSP_PP_UNIQUE_CONTAINER, CSP_PP_KEYSPEC,
    CSP_KP_PERMISSIONS, CSP_KP_ALGID,       CSP_KP_BLOCKLEN,         CSP_KP_KEYLEN,
    CSP_KP_CERTIFICATE, CSP_HP_ALGID,       CSP_HP_HASHVAL,          CSP_HP_HASHSIZE};
static const uint32_t CSP_ALGS[] = {CSP_CALG_MD5,      CSP_CALG_SHA1,    CSP_CALG_SSL3_SHAMD5,
                                    CSP_CALG_SHA_256,  CSP_CALG_SHA_384, CSP_CALG_SHA_512,
                                    CSP_CALG_RSA_SIGN, CSP_CALG_RSA_KEYX};
static const uint32_t CSP_SPECS[] = {CSP_AT_SIGNATURE, CSP_AT_KEYEXCHANGE, 0};
static const uint32_t CSP_BLOBS[] = {CSP_PUBLICKEYBLOB, CSP_PRIVATEKEYBLOB, 0};

/* A length in/out pointer: NULL, 0, short or the whole buffer. */
static uint32_t *csp_len(input *in, uint32_t *len)
{
    uint8_t b = u8(in);
    if (b % 4 == 0)
        return NULL;
    *len = b % 4 == 1 ? 0 : b % 4 == 2 ? (uint32_t)(b >> 2) : sizeof g_buf;
    return len;
}

static void csp_step(input *in)
{
    csp_status st;
    uintptr_t h = 0;
    uint32_t len = 0, *lp;
    size_t n;
    const uint8_t *p;
    switch (u8(in) % 20) {
    case 0:
        if (csp_acquire_context(&h, text(in, 0), pick(in, CSP_FLAGS, 6), NULL, &st) == CSP_OK)
            keep(h);
        break;
    case 1:
        csp_release_context(handle(in), pick(in, CSP_FLAGS, 6), &st);
        break;
    case 2:
        lp = csp_len(in, &len);
        csp_get_prov_param(handle(in), pick(in, CSP_PARAMS, 20), u8(in) % 3 ? g_buf : NULL, lp,
                           pick(in, CSP_FLAGS, 6), &st);
        break;
    case 3: {
        uint32_t param = pick(in, CSP_PARAMS, 20);
        const char *value = text(in, 1);
        csp_set_prov_param(handle(in), param, value, pick(in, CSP_FLAGS, 6), &st);
        break;
    }
    case 4:
        if (csp_create_hash(handle(in), pick(in, CSP_ALGS, 8), handle(in), pick(in, CSP_FLAGS, 6),
                            &h, &st) == CSP_OK)
            keep(h);
        break;
    case 5:
        p = bytes(in, 255, &n);
        csp_hash_data(handle(in), handle(in), p, (uint32_t)n, pick(in, CSP_FLAGS, 6), &st);
        break;
    case 6:
        lp = csp_len(in, &len);
        csp_get_hash_param(handle(in), handle(in), pick(in, CSP_PARAMS, 20),
                           u8(in) % 3 ? g_buf : NULL, lp, pick(in, CSP_FLAGS, 6), &st);
        break;
    case 7:
        p = bytes(in, sizeof g_in, &n);
        memcpy(g_in, p, n);
        csp_set_hash_param(handle(in), handle(in), pick(in, CSP_PARAMS, 20), g_in, n,
                           pick(in, CSP_FLAGS, 6), &st);
        break;
    case 8:
        if (csp_duplicate_hash(handle(in), handle(in), NULL, pick(in, CSP_FLAGS, 6), &h, &st) ==
            CSP_OK)
            keep(h);
        break;
    case 9:
        csp_destroy_hash(handle(in), handle(in), &st);
        break;
    case 10:
        if (csp_get_user_key(handle(in), pick(in, CSP_SPECS, 3), &h, &st) == CSP_OK)
            keep(h);
        break;
    case 11:
        p = bytes(in, 255, &n);
        if (csp_import_key(handle(in), p, (uint32_t)n, handle(in), pick(in, CSP_FLAGS, 6), &h,
                           &st) == CSP_OK)
            keep(h);
        break;
    case 12:
        lp = csp_len(in, &len);
        csp_export_key(handle(in), handle(in), handle(in), pick(in, CSP_BLOBS, 3),
                       pick(in, CSP_FLAGS, 6), u8(in) % 3 ? g_buf : NULL, lp, &st);
        break;
    case 13:
        lp = csp_len(in, &len);
        csp_get_key_param(handle(in), handle(in), pick(in, CSP_PARAMS, 20),
                          u8(in) % 3 ? g_buf : NULL, lp, pick(in, CSP_FLAGS, 6), &st);
        break;
    case 14:
        memset(g_in, 0, 64);
        csp_set_key_param(handle(in), handle(in), pick(in, CSP_PARAMS, 20), g_in,
                          pick(in, CSP_FLAGS, 6), &st);
        break;
    case 15:
        if (csp_duplicate_key(handle(in), handle(in), NULL, pick(in, CSP_FLAGS, 6), &h, &st) ==
            CSP_OK)
            keep(h);
        break;
    case 16:
        csp_destroy_key(handle(in), handle(in), &st);
        break;
    case 17: {
        const char *what = text(in, 2);
        lp = csp_len(in, &len);
        csp_sign_hash(handle(in), handle(in), pick(in, CSP_SPECS, 3), what, pick(in, CSP_FLAGS, 6),
                      u8(in) % 3 ? g_buf : NULL, lp, &st);
        break;
    }
    case 18:
        p = bytes(in, 255, &n);
        csp_verify_signature(handle(in), handle(in), p, (uint32_t)n, handle(in),
                             pick(in, CSP_FLAGS, 6), &st);
        break;
    default:
        csp_gen_random(handle(in), u8(in), u8(in) % 2 ? g_buf : NULL, &st);
        break;
    }
}

static void csp_end(void)
{
    csp_status st;
    for (size_t i = 0; i < g_nmade; i++)
        csp_release_context(g_made[i], 0, &st); /* a provider takes its hashes and keys */
    if (csp_handle_live(0) != 0) {
        fprintf(stderr, "fuzz_provider_calls: %zu CSP handles outlive their contexts\n",
                csp_handle_live(0));
        abort();
    }
}

/* ---- KSP ---- */
static uint16_t g_w[4][64];
static const char *const KSP_PROPS[] = {"Algorithm Group",
                                        "Algorithm Name",
                                        "Length",
                                        "Lengths",
                                        "Block Length",
                                        "Key Usage",
                                        "Export Policy",
                                        "Key Type",
                                        "Name",
                                        "Unique Name",
                                        "SmartCardKeyCertificate",
                                        "UI Policy",
                                        "Provider Handle",
                                        "HWND Handle",
                                        "Use Context",
                                        "Impl Type",
                                        "Version",
                                        "Max Name Length"};
static const char *const KSP_BLOBS[] = {"RSAPUBLICBLOB",  "ECCPUBLICBLOB",  "PUBLICBLOB",
                                        "CAPIPUBLICBLOB", "RSAPRIVATEBLOB", "XYZ"};
static const char *const KSP_ALGS[] = {"SHA1", "SHA256", "SHA384",    "SHA512",
                                       "MD5",  "RSA",    "ECDSA_P256"};
static const uint32_t KSP_FLAGS[] = {0,
                                     KSP_F_PAD_PKCS1,
                                     KSP_F_PAD_PSS,
                                     KSP_F_SILENT | KSP_F_PAD_PKCS1,
                                     KSP_F_NO_PADDING,
                                     KSP_F_PERSIST_ONLY,
                                     KSP_F_MACHINE_KEY | KSP_F_SILENT,
                                     KSP_F_PERSIST};

/* A UTF-16 string: NULL, one of names (ASCII), or input code units. */
static const uint16_t *wtext(input *in, int slot, const char *const *names, size_t nn)
{
    uint8_t b = u8(in);
    uint16_t *w = g_w[slot];
    if (b % 8 == 0)
        return NULL;
    if (b % 8 == 7) {
        size_t n;
        const uint8_t *p = bytes(in, 2 * 63, &n);
        memcpy(w, p, n & ~(size_t)1);
        w[n / 2] = 0;
        return w;
    }
    const char *s = names[(b >> 3) % nn];
    size_t i = 0;
    for (; s[i] && i < 63; i++)
        w[i] = (unsigned char)s[i];
    w[i] = 0;
    return w;
}

static void *g_state; /* EnumKeys' state (a buffer of the KSP's registry) */
static void *g_bufs[8];
static unsigned g_nextbuf;

static void keep_buf(void *p)
{
    if (!p)
        return;
    void **slot = &g_bufs[g_nextbuf++ % 8];
    if (*slot) {
        ksp_status st;
        ksp_free_buffer(*slot, &st); /* the application frees what it drops */
    }
    *slot = p;
}

static void ksp_step(input *in)
{
    ksp_status st;
    uintptr_t h = 0;
    size_t res = 0, n;
    const uint8_t *p;
    ksp_pss_info ps;
    const void *pad = NULL;
    switch (u8(in) % 17) {
    case 0: {
        static const char *const NAMES[] = {KSP_PROVIDER_NAME, "Microsoft Software Key Storage"};
        if (ksp_open_provider(wtext(in, 0, NAMES, 2), pick(in, KSP_FLAGS, 8), &h, &st) == KSP_OK)
            keep(h);
        break;
    }
    case 1:
        ksp_free_provider((uintptr_t)handle(in), &st);
        break;
    case 2:
        ksp_get_provider_property((uintptr_t)handle(in), wtext(in, 0, KSP_PROPS, 18),
                                  u8(in) % 3 ? g_buf : NULL, u8(in) * 8u, &res,
                                  pick(in, KSP_FLAGS, 8), &st);
        break;
    case 3:
    case 9: {
        const uint16_t *prop = wtext(in, 0, KSP_PROPS, 18);
        p = bytes(in, sizeof g_in, &n);
        memcpy(g_in, p, n);
        uintptr_t hp = (uintptr_t)handle(in);
        if (u8(in) % 2)
            ksp_set_provider_property(hp, prop, g_in, n, pick(in, KSP_FLAGS, 8), &st);
        else
            ksp_set_key_property(hp, (uintptr_t)handle(in), prop, g_in, n, pick(in, KSP_FLAGS, 8),
                                 &st);
        break;
    }
    case 4: {
        static const char *const NAMES[] = {"rsa", "rsa3072", "ec", "none", ""};
        const uint16_t *name = wtext(in, 1, NAMES, 5);
        uintptr_t hp = (uintptr_t)handle(in);
        if (ksp_open_key(hp, &h, name, u8(in) % 4, pick(in, KSP_FLAGS, 8), &st) == KSP_OK)
            keep(h);
        break;
    }
    case 5:
        ksp_free_key((uintptr_t)handle(in), (uintptr_t)handle(in), &st);
        break;
    case 6:
        ksp_delete_key((uintptr_t)handle(in), (uintptr_t)handle(in), pick(in, KSP_FLAGS, 8), &st);
        break;
    case 7:
        ksp_get_key_property((uintptr_t)handle(in), (uintptr_t)handle(in),
                             wtext(in, 0, KSP_PROPS, 18), u8(in) % 3 ? g_buf : NULL, u8(in) * 8u,
                             &res, pick(in, KSP_FLAGS, 8), &st);
        break;
    case 8: {
        ksp_key_name *kn = NULL;
        uintptr_t forged[4] = {0};
        void *st_in = u8(in) % 4 ? g_state : (void *)forged; /* a stranger's state is refused */
        void *state = st_in;
        ksp_code c =
            ksp_enum_keys((uintptr_t)handle(in), NULL, &kn, &state, pick(in, KSP_FLAGS, 8), &st);
        if (c == KSP_OK)
            keep_buf(kn);
        if (st_in == g_state)
            g_state = state;
        else if (state != st_in)
            keep_buf(state);
        break;
    }
    case 10: {
        uint32_t count = 0;
        ksp_alg_name *list = NULL;
        if (ksp_enum_algorithms((uintptr_t)handle(in), u32(in), &count, &list,
                                pick(in, KSP_FLAGS, 8), &st) == KSP_OK)
            keep_buf(list);
        break;
    }
    case 11:
        ksp_is_alg_supported((uintptr_t)handle(in), wtext(in, 0, KSP_ALGS, 7),
                             pick(in, KSP_FLAGS, 8), &st);
        break;
    case 12: {
        uint8_t b = u8(in);
        void **slot = b % 2 ? &g_bufs[b / 2 % 8] : &g_state;
        uintptr_t forged[2] = {0};
        if (b == 0xFF) {
            ksp_free_buffer(forged, &st); /* not ours: refused, not freed */
        } else if (ksp_free_buffer(*slot, &st) == KSP_OK) {
            *slot = NULL;
        }
        break;
    }
    case 13:
        ksp_export_key((uintptr_t)handle(in), (uintptr_t)handle(in), (uintptr_t)handle(in),
                       wtext(in, 2, KSP_BLOBS, 6), u8(in) % 2, u8(in) % 3 ? g_buf : NULL,
                       u8(in) * 8u, &res, pick(in, KSP_FLAGS, 8), &st);
        break;
    case 14: {
        const uint16_t *type = wtext(in, 2, KSP_BLOBS, 6);
        p = bytes(in, 255, &n);
        if (ksp_import_key((uintptr_t)handle(in), (uintptr_t)handle(in), type, u8(in) % 2, &h, p, n,
                           pick(in, KSP_FLAGS, 8), &st) == KSP_OK)
            keep(h);
        break;
    }
    default: {
        uint8_t how = u8(in);
        /* pPaddingInfo's type is declared by the flag, and no provider can tell
           a BCRYPT_PKCS1_PADDING_INFO from the larger PSS one: the sequence
           always passes the larger, whose first member is pszAlgId in both */
        if (how % 3) {
            ps.alg = wtext(in, 3, KSP_ALGS, 7);
            ps.salt = how % 3 == 2 ? u32(in) : 0;
            pad = &ps;
        }
        p = bytes(in, 255, &n);
        memcpy(g_in, p, n);
        uintptr_t hp = (uintptr_t)handle(in), hk = (uintptr_t)handle(in);
        uint32_t flags = pick(in, KSP_FLAGS, 8);
        if (how & 0x80) {
            const uint8_t *s;
            size_t sn;
            s = bytes(in, 255, &sn);
            ksp_verify_signature(hp, hk, pad, g_in, n, s, sn, flags, &st);
        } else {
            ksp_sign_hash(hp, hk, pad, g_in, n, u8(in) % 3 ? g_buf : NULL, u8(in) * 8u, &res, flags,
                          &st);
        }
        break;
    }
    }
}

static void ksp_end(void)
{
    ksp_status st;
    /* keys first; the provider handle of FreeKey may be stale (after
       FreeProvider), so a forged 0 serves as well */
    for (size_t i = 0; i < g_nmade; i++)
        ksp_free_key(0, (uintptr_t)g_made[i], &st);
    for (size_t i = 0; i < g_nmade; i++)
        ksp_free_provider((uintptr_t)g_made[i], &st);
    for (size_t i = 0; i < 8; i++)
        if (g_bufs[i])
            ksp_free_buffer(g_bufs[i], &st);
    if (g_state)
        ksp_free_buffer(g_state, &st);
    memset(g_bufs, 0, sizeof g_bufs);
    g_state = NULL;
    if (ksp_handle_live(0) != 0 || ksp_buf_live() != 0) {
        fprintf(stderr, "fuzz_provider_calls: %zu KSP handles, %zu buffers left\n",
                ksp_handle_live(0), ksp_buf_live());
        abort();
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    fuzz_providers_init();
    if (size < 1)
        return 0;
    input in = {data + 1, size - 1};
    memset(g_pool, 0, sizeof g_pool);
    g_next = 0;
    g_nmade = 0;
    int csp = data[0] % 2 == 0;
    for (int steps = 0; in.n && steps < 64; steps++) { /* at most 64 handles made: < MADE */
        if (csp)
            csp_step(&in);
        else
            ksp_step(&in);
    }
    if (csp)
        csp_end();
    else
        ksp_end();
    return 0;
}
