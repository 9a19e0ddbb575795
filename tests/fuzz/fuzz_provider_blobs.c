/* libFuzzer target: public key blobs and signatures an application hands to
 * the providers' portable cores (backend: fuzz_backend.h). The first byte
 * picks the call, the second (when used) splits the rest into a blob and a
 * signature:
 *   0: CryptImportKey (csp_import_key, verification context); an imported
 *      key must export back (PUBLICKEYBLOB) to a blob that imports again,
 *      and CryptVerifySignature with the fuzzed signature must answer a
 *      code, not crash;
 *   1-4: NCryptImportKey (ksp_import_key) as RSAPUBLICBLOB, ECCPUBLICBLOB,
 *      PUBLICBLOB, CAPIPUBLICBLOB; an imported key exports to the same type,
 *      that export re-imports and exports identically, and VerifySignature
 *      (PKCS#1 SHA-256 for RSA, plain ECDSA) answers a code.
 * Every handle is freed; the handle tables must end empty. */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "csp_core.h"
#include "csp_handle.h"
#include "ksp_flags.h"
#include "ksp_handle.h"
#include "ksp_core.h"
#include "ksp_pad.h"
#include "fuzz_backend.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Aborts with the failing rule and the core's reason (for the crash report). */
static void broken(const char *rule, const char *why)
{
    fprintf(stderr, "fuzz_provider_blobs: %s: %s\n", rule, why);
    abort();
}

static const uint16_t *W(const char *ascii, uint16_t *buf, size_t cap)
{
    size_t i = 0;
    for (; ascii[i] && i + 1 < cap; i++)
        buf[i] = (unsigned char)ascii[i];
    buf[i] = 0;
    return buf;
}

static void csp_case(const uint8_t *blob, size_t blen, const uint8_t *sig, size_t slen)
{
    csp_status st;
    uintptr_t prov = 0, key = 0, again = 0, hash = 0;
    if (csp_acquire_context(&prov, NULL, CSP_CRYPT_VERIFYCONTEXT, NULL, &st) != CSP_OK)
        abort();
    if (csp_import_key(prov, blob, (uint32_t)blen, 0, 0, &key, &st) == CSP_OK) {
        uint8_t out[4096];
        uint32_t olen = sizeof out;
        if (csp_export_key(prov, key, 0, CSP_PUBLICKEYBLOB, 0, out, &olen, &st) != CSP_OK)
            broken("an imported key exports", st.why);
        if (csp_import_key(prov, out, olen, 0, 0, &again, &st) != CSP_OK)
            broken("an exported key imports", st.why);
        csp_destroy_key(prov, again, &st);
        if (csp_create_hash(prov, CSP_CALG_SHA_256, 0, 0, &hash, &st) != CSP_OK ||
            csp_hash_data(prov, hash, sig, (uint32_t)slen, 0, &st) != CSP_OK)
            abort();
        csp_code c = csp_verify_signature(prov, hash, sig, (uint32_t)slen, key, 0, &st);
        if (c == CSP_OK)
            abort(); /* a signature over its own bytes cannot be a valid one */
        csp_destroy_hash(prov, hash, &st);
        csp_destroy_key(prov, key, &st);
    }
    if (csp_release_context(prov, 0, &st) != CSP_OK || csp_handle_live(0) != 0)
        abort();
}

static void ksp_case(int which, const uint8_t *blob, size_t blen, const uint8_t *sig, size_t slen)
{
    static const char *const TYPES[] = {"RSAPUBLICBLOB", "ECCPUBLICBLOB", "PUBLICBLOB",
                                        "CAPIPUBLICBLOB"};
    uint16_t type[32], name[64], alg[16];
    W(TYPES[which], type, 32);
    ksp_status st;
    uintptr_t hp = 0, hk = 0, hk2 = 0;
    if (ksp_open_provider(W(KSP_PROVIDER_NAME, name, 64), 0, &hp, &st) != KSP_OK)
        abort();
    if (ksp_import_key(hp, 0, type, 0, &hk, blob, blen, 0, &st) == KSP_OK) {
        static uint8_t out1[8192], out2[8192];
        size_t n1 = 0, n2 = 0;
        if (ksp_export_key(hp, hk, 0, type, 0, out1, sizeof out1, &n1, 0, &st) != KSP_OK)
            broken("an imported key exports", st.why);
        if (ksp_import_key(hp, 0, type, 0, &hk2, out1, n1, 0, &st) != KSP_OK)
            broken("an exported key imports", st.why);
        if (ksp_export_key(hp, hk2, 0, type, 0, out2, sizeof out2, &n2, 0, &st) != KSP_OK ||
            n1 != n2 || memcmp(out1, out2, n1) != 0)
            broken("the export is a fixed point", st.why);
        ksp_free_key(hp, hk2, &st);
        uint8_t digest[32];
        memset(digest, 0xA5, sizeof digest);
        ksp_pkcs1_info pi = {W("SHA256", alg, 16)};
        int rsa = which == 3 || (n1 >= 4 && memcmp(out1, "RSA1", 4) == 0);
        ksp_code c = ksp_verify_signature(hp, hk, rsa ? &pi : NULL, digest, sizeof digest, sig,
                                          slen, rsa ? KSP_F_PAD_PKCS1 : 0, &st);
        (void)c; /* any documented code; the sanitizers judge the rest */
        ksp_free_key(hp, hk, &st);
    }
    if (ksp_free_provider(hp, &st) != KSP_OK || ksp_handle_live(0) != 0 || ksp_buf_live() != 0)
        abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    fuzz_providers_init();
    if (size < 2)
        return 0;
    int which = data[0] % 5;
    size_t split = (size_t)data[1] * (size - 2) / 255;
    const uint8_t *blob = data + 2, *sig = blob + split;
    size_t blen = split, slen = size - 2 - split;
    if (which == 0)
        csp_case(blob, blen, sig, slen);
    else
        ksp_case(which - 1, blob, blen, sig, slen);
    return 0;
}
