/* The signing session without a service: the description (program, what,
 * control characters, bad UTF-8, the 256-byte cut on a character), the
 * signature cache (hit, miss on any key part, expiry, the bound, refresh)
 * with a fake clock, and signing_sign's refusals that need no
 * network (MD5, digest length, scheme vs key, PSS salt, buffer size,
 * silent). Runs natively and under Wine. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/log/log.h"
#include "base/platform/plat_fs.h"
#include "base/platform/plat_thread.h"
#include "core/crypto/crypto_cert.h"
#include "core/signing/signing.h"
#include "core/signing/signing_internal.h"
#include "validity_certs.h"
#include "vectors.h"

/* ---- description ------------------------------------------------------------------ */

static void description_is_program_colon_what(void **state)
{
    (void)state;
    char d[CRPKI_DESC_MAX + 1];
    size_t n = signing_description("WINWORD.EXE", "契約書.docx", d);
    assert_int_equal(n, strlen(d));
    assert_string_equal(d, "WINWORD.EXE: 契約書.docx");
    signing_description("WINWORD.EXE", NULL, d);
    assert_string_equal(d, "WINWORD.EXE");
    signing_description("WINWORD.EXE", "", d);
    assert_string_equal(d, "WINWORD.EXE");
    signing_description(NULL, "x", d);
    assert_string_equal(d, "unknown: x");
}

static void description_replaces_controls_and_bad_utf8(void **state)
{
    (void)state;
    char d[CRPKI_DESC_MAX + 1];
    signing_description("a.exe", "line1\nline2\ttab\x7f", d);
    assert_string_equal(d, "a.exe: line1 line2 tab"); /* no space at the end */
    /* a lone continuation byte, a truncated sequence, an overlong, a surrogate */
    signing_description("a.exe", "x\x80y\xe3\x81z\xc0\xafw\xed\xa0\x80v", d);
    assert_string_equal(d, "a.exe: x?y??z??w???v");
}

/* The dialog shows the program's full path, cleaned like the
 * description; a long one keeps its end, the file name. */
static void program_path_is_cleaned_and_keeps_its_file_name(void **state)
{
    (void)state;
    char p[64];
    assert_int_equal(signing_program_path_text("C:\\Apps\\会計\\a.exe", p, sizeof p),
                     strlen("C:\\Apps\\会計\\a.exe"));
    assert_string_equal(p, "C:\\Apps\\会計\\a.exe");
    /* an override that would show "C:\evil\exe.fdp" as something else goes */
    signing_program_path_text("C:\\evil\\\xe2\x80\xae"
                              "fdp.exe",
                              p, sizeof p);
    assert_string_equal(p, "C:\\evil\\fdp.exe");
    signing_program_path_text(NULL, p, sizeof p);
    assert_string_equal(p, "unknown");
    /* longer than the room: "..." and the end, cut on a character */
    char longp[512] = "C:\\";
    for (int i = 0; i < 40; i++)
        strcat(longp, "長い\\");
    strcat(longp, "署名ソフト.exe");
    size_t n = signing_program_path_text(longp, p, sizeof p);
    assert_true(n <= sizeof p - 1);
    assert_memory_equal(p, "...", 3);
    assert_true(strlen(p) >= strlen("署名ソフト.exe"));
    assert_string_equal(p + strlen(p) - strlen("署名ソフト.exe"), "署名ソフト.exe");
    assert_true(((unsigned char)p[3] & 0xC0) != 0x80); /* starts on a character */
}

static void description_drops_what_could_disguise_the_text(void **state)
{
    (void)state;
    char d[CRPKI_DESC_MAX + 1];
    /* "invoice" RLO "fdp.exe" displays as "invoicexe.pdf": the override goes */
    signing_description("a.exe",
                        "invoice\xe2\x80\xae"
                        "fdp.exe",
                        d);
    assert_string_equal(d, "a.exe: invoicefdp.exe");
    /* the other bidi controls: LRE RLE PDF LRO, LRI RLI FSI PDI, LRM RLM ALM */
    signing_description("a.exe",
                        "1\xe2\x80\xaa"
                        "2\xe2\x80\xab"
                        "3\xe2\x80\xac"
                        "4\xe2\x80\xad"
                        "5\xe2\x81\xa6"
                        "6\xe2\x81\xa7"
                        "7\xe2\x81\xa8"
                        "8\xe2\x81\xa9"
                        "9\xe2\x80\x8e"
                        "0\xe2\x80\x8f"
                        "a\xd8\x9c"
                        "b",
                        d);
    assert_string_equal(d, "a.exe: 1234567890ab");
    /* zero-width and other format characters: ZWSP ZWNJ ZWJ WJ, BOM, soft
       hyphen, a tag character */
    signing_description("a.exe",
                        "p\xe2\x80\x8b"
                        "a\xe2\x80\x8c"
                        "y\xe2\x80\x8d"
                        ".\xe2\x81\xa0"
                        "p\xef\xbb\xbf"
                        "d\xc2\xad"
                        "f\xf3\xa0\x80\x81",
                        d);
    assert_string_equal(d, "a.exe: pay.pdf");
    /* C1 controls are controls: a space, as C0 */
    signing_description("a.exe", "x\xc2\x85y\xc2\x9bz", d);
    assert_string_equal(d, "a.exe: x y z");
    /* the program name is cleaned the same way; Japanese stays intact */
    signing_description("\xe2\x80\xae"
                        "evil.exe",
                        "契約書\xe2\x80\x8b.pdf", d);
    assert_string_equal(d, "evil.exe: 契約書.pdf");
}

static void description_is_cut_to_256_bytes_on_a_character(void **state)
{
    (void)state;
    char what[1024] = "";
    for (int i = 0; i < 200; i++)
        strcat(what, "あ"); /* 3 bytes each */
    char d[CRPKI_DESC_MAX + 1];
    size_t n = signing_description("p.exe", what, d);
    /* "p.exe: " is 7 bytes; 249 left hold 83 characters (249 bytes) */
    assert_int_equal(n, 7 + 83 * 3);
    assert_int_equal(strlen(d), n);
    assert_true(n <= CRPKI_DESC_MAX);
    /* 4-byte characters near the edge: cut before, never inside */
    char what4[1024] = "ab";
    for (int i = 0; i < 100; i++)
        strcat(what4, "\xf0\x9f\x98\x80");
    n = signing_description("p.exe", what4, d);
    assert_int_equal(n, 7 + 2 + 61 * 4);
    assert_int_equal((unsigned char)d[n - 4], 0xf0);
}

static void description_of_long_ascii_is_exactly_256(void **state)
{
    (void)state;
    char what[600];
    memset(what, 'x', sizeof what - 1);
    what[sizeof what - 1] = '\0';
    char d[CRPKI_DESC_MAX + 1];
    assert_int_equal(signing_description("p.exe", what, d), CRPKI_DESC_MAX);
}

static void program_name_is_this_executable(void **state)
{
    (void)state;
    const char *p = signing_program();
    assert_non_null(p);
    assert_non_null(strstr(p, "test_session_unit"));
    assert_ptr_equal(p, signing_program());
}

/* ---- signature cache ---------------------------------------------------------------- */

static uint64_t fake_now;
static uint64_t fake_clock(void *ctx)
{
    (void)ctx;
    return fake_now;
}

static signing_cache_key key_of(const char *cred, const uint8_t *digest)
{
    signing_cache_key k = {cred, CRPKI_PAD_PKCS1, CRPKI_HASH_SHA256, 0, digest, 32};
    return k;
}

static void cache_hit_returns_the_same_signature(void **state)
{
    (void)state;
    fake_now = 1000;
    signing_cache *c = signing_cache_new(4, 120000, fake_clock, NULL);
    assert_non_null(c);
    uint8_t dg[32] = {1, 2, 3}, sig[256], out[512];
    memset(sig, 0xab, sizeof sig);
    signing_cache_key k = key_of("cred-a", dg);
    size_t n = sizeof out;
    assert_int_equal(signing_cache_get(c, &k, out, &n), 0);
    signing_cache_put(c, &k, sig, sizeof sig);
    n = sizeof out;
    assert_int_equal(signing_cache_get(c, &k, out, &n), 1);
    assert_int_equal(n, sizeof sig);
    assert_memory_equal(out, sig, sizeof sig);
    n = 100; /* too small: a miss, nothing written past it */
    assert_int_equal(signing_cache_get(c, &k, out, &n), 0);
    signing_cache_free(c);
}

static void cache_misses_when_any_part_of_the_key_differs(void **state)
{
    (void)state;
    fake_now = 0;
    signing_cache *c = signing_cache_new(8, 120000, fake_clock, NULL);
    uint8_t dg[32] = {9}, dg2[32] = {8}, sig[64] = {7}, out[64];
    signing_cache_key k = key_of("cred-a", dg);
    signing_cache_put(c, &k, sig, sizeof sig);
    signing_cache_key v[6];
    for (int i = 0; i < 6; i++)
        v[i] = k;
    v[0].credential_id = "cred-b";
    v[1].scheme = CRPKI_PAD_PSS;
    v[2].hash = CRPKI_HASH_SHA384;
    v[3].salt_len = 32;
    v[4].digest = dg2;
    v[5].digest_len = 20;
    for (int i = 0; i < 6; i++) {
        size_t n = sizeof out;
        if (signing_cache_get(c, &v[i], out, &n))
            fail_msg("variant %d hit", i);
    }
    signing_cache_free(c);
}

static void cache_entries_expire_after_the_ttl(void **state)
{
    (void)state;
    fake_now = 5000;
    signing_cache *c = signing_cache_new(4, 120000, fake_clock, NULL);
    uint8_t dg[32] = {1}, sig[8] = {1}, out[8];
    signing_cache_key k = key_of("cred-a", dg);
    signing_cache_put(c, &k, sig, sizeof sig);
    size_t n = sizeof out;
    fake_now += 119999;
    assert_int_equal(signing_cache_get(c, &k, out, &n), 1);
    fake_now += 1;
    n = sizeof out;
    assert_int_equal(signing_cache_get(c, &k, out, &n), 0);
    assert_int_equal(signing_cache_size(c), 0); /* dropped on the expired lookup */
    signing_cache_free(c);
}

static void cache_is_bounded_and_drops_the_oldest(void **state)
{
    (void)state;
    fake_now = 0;
    signing_cache *c = signing_cache_new(3, 120000, fake_clock, NULL);
    uint8_t dg[5][32], sig[8] = {0}, out[8];
    for (int i = 0; i < 5; i++) {
        memset(dg[i], i + 1, 32);
        signing_cache_key k = key_of("cred", dg[i]);
        fake_now += 10;
        signing_cache_put(c, &k, sig, sizeof sig);
        assert_true(signing_cache_size(c) <= 3);
    }
    for (int i = 0; i < 5; i++) {
        signing_cache_key k = key_of("cred", dg[i]);
        size_t n = sizeof out;
        assert_int_equal(signing_cache_get(c, &k, out, &n), i >= 2); /* 0 and 1 went */
    }
    /* putting a key again refreshes it in place */
    signing_cache_key k2 = key_of("cred", dg[2]);
    fake_now += 10;
    signing_cache_put(c, &k2, sig, sizeof sig);
    assert_int_equal(signing_cache_size(c), 3);
    signing_cache_free(c);
}

static void cache_refuses_what_it_cannot_hold(void **state)
{
    (void)state;
    signing_cache *c = signing_cache_new(2, 1000, NULL, NULL);
    uint8_t dg[80] = {0}, big[2048] = {0}, out[2048];
    signing_cache_key k = key_of("c", dg);
    signing_cache_put(c, &k, big, sizeof big); /* too long a signature */
    k.digest_len = 80;                         /* too long a digest */
    signing_cache_put(c, &k, big, 16);
    assert_int_equal(signing_cache_size(c), 0);
    size_t n = sizeof out;
    assert_int_equal(signing_cache_get(c, NULL, out, &n), 0);
    signing_cache_free(c);
    signing_cache_free(NULL);
    assert_null(signing_cache_new(0, 1000, NULL, NULL));
}

/* ---- signing_sign refusals ----------------------------------------------------- */

static char home[512];
static signing_session *S;

static int session_setup(void **state)
{
    (void)state;
    snprintf(home, sizeof home, "test_session_unit_home_%lu", plat_pid());
    crpki_error_info ei;
    if (plat_mkdir_p(home, PLAT_FILE_PRIVATE, &ei) != CRPKI_OK)
        return -1;
    /* what stops a signature is said on the console: a window (Windows'
       default) would wait for a person */
    char cfgpath[600];
    snprintf(cfgpath, sizeof cfgpath, "%s/config.json", home);
    FILE *f = fopen(cfgpath, "w");
    if (!f)
        return -1;
    fputs("{\"approval_ui\": \"console\"}", f);
    fclose(f);
    return signing_open(home, &S, &ei) == CRPKI_OK ? 0 : -1;
}

static int session_teardown(void **state)
{
    (void)state;
    signing_close(S);
    S = NULL;
    char *log = plat_path_join(home, "crpki.log");
    plat_remove(log, NULL);
    free(log);
    char *cfg = plat_path_join(home, "config.json");
    plat_remove(cfg, NULL);
    free(cfg);
    remove(home);
    return 0;
}

static uint8_t fake_der[16] = {0x30, 0x03, 0x02, 0x01, 0x01};

static catalog_entry rsa_key(void)
{
    catalog_entry k;
    memset(&k, 0, sizeof k);
    k.credential_id = "cred-rsa";
    k.providers = CRPKI_CAT_CSP | CRPKI_CAT_KSP;
    k.key_type = CRPKI_KEY_RSA;
    k.key_bits = 2048;
    k.cert.der = fake_der;
    k.cert.len = sizeof fake_der;
    return k;
}

static crpki_err sign_with(const catalog_entry *k, alg_sig_scheme sc, alg_hash_id h, size_t dlen,
                           unsigned salt, int silent, size_t buflen)
{
    uint8_t dg[64] = {0}, sig[1024];
    size_t n = buflen;
    signing_params p = {k, sc, h, salt, dg, dlen, "x", silent, NULL, 1000};
    crpki_error_info ei;
    return signing_sign(S, &p, sig, &n, &ei);
}

static void sign_refuses_without_network(void **state)
{
    (void)state;
    catalog_entry r = rsa_key(), e = rsa_key();
    e.key_type = CRPKI_KEY_EC;
    e.key_bits = 256;
    e.curve = CRPKI_CURVE_P256;
    assert_int_equal(sign_with(&r, CRPKI_PAD_PKCS1, CRPKI_HASH_MD5, 16, 0, 0, 1024),
                     CRPKI_E_UNSUPPORTED_ALG);
    assert_int_equal(sign_with(&r, CRPKI_PAD_PKCS1, CRPKI_HASH_NONE, 36, 0, 0, 1024),
                     CRPKI_E_UNSUPPORTED_ALG);
    /* SHA-1 in every scheme */
    assert_int_equal(sign_with(&r, CRPKI_PAD_PKCS1, CRPKI_HASH_SHA1, 20, 0, 0, 1024),
                     CRPKI_E_UNSUPPORTED_ALG);
    assert_int_equal(sign_with(&r, CRPKI_PAD_PSS, CRPKI_HASH_SHA1, 20, 20, 0, 1024),
                     CRPKI_E_UNSUPPORTED_ALG);
    assert_int_equal(sign_with(&e, CRPKI_PAD_ECDSA, CRPKI_HASH_SHA1, 20, 0, 0, 1024),
                     CRPKI_E_UNSUPPORTED_ALG);
    assert_int_equal(sign_with(&r, CRPKI_PAD_PKCS1, CRPKI_HASH_SHA256, 20, 0, 0, 1024),
                     CRPKI_E_BAD_HASH);
    assert_int_equal(sign_with(&r, CRPKI_PAD_ECDSA, CRPKI_HASH_SHA256, 32, 0, 0, 1024),
                     CRPKI_E_UNSUPPORTED_ALG);
    assert_int_equal(sign_with(&e, CRPKI_PAD_PKCS1, CRPKI_HASH_SHA256, 32, 0, 0, 1024),
                     CRPKI_E_UNSUPPORTED_ALG);
    assert_int_equal(sign_with(&e, CRPKI_PAD_PSS, CRPKI_HASH_SHA256, 32, 32, 0, 1024),
                     CRPKI_E_UNSUPPORTED_ALG);
    /* 2048-bit: 256 - 64 - 2 = 190 bytes of salt at most with SHA-512 */
    assert_int_equal(sign_with(&r, CRPKI_PAD_PSS, CRPKI_HASH_SHA512, 64, 191, 0, 1024),
                     CRPKI_E_INVALID_ARG);
    assert_int_equal(sign_with(&r, CRPKI_PAD_PKCS1, CRPKI_HASH_SHA256, 32, 0, 0, 255),
                     CRPKI_E_BUFFER_TOO_SMALL);
    assert_int_equal(sign_with(&e, CRPKI_PAD_ECDSA, CRPKI_HASH_SHA256, 32, 0, 0, 63),
                     CRPKI_E_BUFFER_TOO_SMALL);
    /* silent: refused before any network (there is no service_url at all) */
    assert_int_equal(sign_with(&r, CRPKI_PAD_PSS, CRPKI_HASH_SHA512, 64, 190, 1, 1024),
                     CRPKI_E_SILENT);
    assert_int_equal(sign_with(&e, CRPKI_PAD_ECDSA, CRPKI_HASH_SHA256, 32, 0, 1, 1024),
                     CRPKI_E_SILENT);
    /* not silent, no service configured: a configuration error, no crash */
    assert_int_equal(sign_with(&r, CRPKI_PAD_PKCS1, CRPKI_HASH_SHA256, 32, 0, 0, 1024),
                     CRPKI_E_CONFIG);
    uint8_t sig[8];
    size_t n = sizeof sig;
    assert_int_equal(signing_sign(S, NULL, sig, &n, NULL), CRPKI_E_INVALID_ARG);
}

/* trusted_roots: a key whose chain ends at another root signs nothing, and
 * is refused before any network or approval; the pinned root gets past the
 * check (to the missing service_url here). */
static void a_key_under_an_unpinned_root_is_refused(void **state)
{
    (void)state;
    static uint8_t pinned_root[] = {0x30, 0x03, 0x02, 0x01, 0x07},
                   other_root[] = {0x30, 0x01, 0x00};
    char fp[65];
    assert_int_equal(crypto_cert_fingerprint(pinned_root, sizeof pinned_root, fp), 0);
    char cfgpath[600], text[200];
    snprintf(cfgpath, sizeof cfgpath, "%s/config.json", home);
    snprintf(text, sizeof text, "{\"trusted_roots\": [\"%s\"]}", fp);
    FILE *f = fopen(cfgpath, "w");
    assert_non_null(f);
    fputs(text, f);
    fclose(f);
    signing_session *pinned = NULL;
    crpki_error_info ei;
    assert_int_equal(signing_open(home, &pinned, &ei), CRPKI_OK);
    assert_int_equal(signing_config(pinned)->ntrusted_roots, 1);
    signing_session *plain = S;
    S = pinned;
    catalog_entry k = rsa_key();
    catalog_blob chain = {other_root, sizeof other_root};
    k.chain = &chain;
    k.nchain = 1;
    assert_int_equal(sign_with(&k, CRPKI_PAD_PKCS1, CRPKI_HASH_SHA256, 32, 0, 0, 1024),
                     CRPKI_E_BAD_CERT);
    k.nchain = 0; /* no chain at all: no root to trust */
    assert_int_equal(sign_with(&k, CRPKI_PAD_PKCS1, CRPKI_HASH_SHA256, 32, 0, 0, 1024),
                     CRPKI_E_BAD_CERT);
    uint8_t hashes[64] = {0}, sigs[2 * 256];
    size_t lens[2];
    signing_params p = {&k, CRPKI_PAD_PKCS1, CRPKI_HASH_SHA256, 0, hashes, 32, "x", 0, NULL, 1000};
    assert_int_equal(signing_sign_many(S, &p, hashes, 1, NULL, sigs, 256, lens, &ei),
                     CRPKI_E_BAD_CERT);
    chain = (catalog_blob){pinned_root, sizeof pinned_root};
    k.nchain = 1;
    assert_int_equal(sign_with(&k, CRPKI_PAD_PKCS1, CRPKI_HASH_SHA256, 32, 0, 0, 1024),
                     CRPKI_E_CONFIG);
    S = plain;
    signing_close(pinned);
    remove(cfgpath);
}

/* A signer's certificate outside its validity period signs nothing: refused
 * before the service (none is configured here: that would be
 * CRPKI_E_CONFIG), after the silent check. */
static void a_certificate_out_of_its_period_is_refused(void **state)
{
    (void)state;
    catalog_entry k = rsa_key();
    k.key_type = CRPKI_KEY_EC;
    k.key_bits = 256;
    k.curve = CRPKI_CURVE_P256;
    int64_t nb, na;
    k.cert.der = (uint8_t *)expired_cert;
    k.cert.len = sizeof expired_cert;
    assert_int_equal(crypto_cert_validity(k.cert.der, k.cert.len, &nb, &na), 0);
    assert_int_equal(nb, 1577836800); /* 2020-01-01 */
    assert_int_equal(na, 1609459200); /* 2021-01-01 */
    assert_int_equal(sign_with(&k, CRPKI_PAD_ECDSA, CRPKI_HASH_SHA256, 32, 0, 0, 1024),
                     CRPKI_E_BAD_CERT);
    assert_int_equal(sign_with(&k, CRPKI_PAD_ECDSA, CRPKI_HASH_SHA256, 32, 0, 1, 1024),
                     CRPKI_E_SILENT);
    k.cert.der = (uint8_t *)future_cert;
    k.cert.len = sizeof future_cert;
    assert_int_equal(sign_with(&k, CRPKI_PAD_ECDSA, CRPKI_HASH_SHA256, 32, 0, 0, 1024),
                     CRPKI_E_BAD_CERT);
    /* what the log says (English, the date) */
    char *path = plat_path_join(home, "crpki.log");
    uint8_t *log = NULL;
    size_t len = 0;
    crpki_error_info ei;
    assert_int_equal(plat_read_file(path, 1 << 22, &log, &len, NULL, &ei), CRPKI_OK);
    assert_non_null(strstr((char *)log, "expired on 2021-01-01"));
    assert_non_null(strstr((char *)log, "is valid from 2090-01-01"));
    free(log);
    free(path);
}

/* An application retrying a failing signature in a loop (issue 28 N15):
 * thousands of failures, and the log never above its cap. */
static void failing_in_a_loop_keeps_the_log_under_its_cap(void **state)
{
    (void)state;
    enum { CAP = 16384 };
    log_set_max_bytes(CAP);
    catalog_entry k = rsa_key();
    char *cur = plat_path_join(home, LOG_FILE), *old = plat_path_join(home, LOG_OLD_FILE);
    for (int i = 0; i < 3000; i++) {
        assert_int_equal(sign_with(&k, CRPKI_PAD_PKCS1, CRPKI_HASH_SHA256, 32, 0, 0, 1024),
                         CRPKI_E_CONFIG);
        plat_stamp a, b;
        uint64_t total =
            (plat_file_stamp(cur, &a) ? a.v[2] : 0) + (plat_file_stamp(old, &b) ? b.v[2] : 0);
        if (total > 2 * CAP)
            fail_msg("after %d failures the log holds %llu bytes", i + 1,
                     (unsigned long long)total);
    }
    plat_stamp st;
    assert_true(plat_file_stamp(old, &st)); /* it did move on */
    log_set_max_bytes(0);
    plat_remove(old, NULL);
    free(cur);
    free(old);
}

static void empty_catalog_has_no_keys(void **state)
{
    (void)state;
    catalog_entry k;
    crpki_error_info ei;
    assert_int_equal(signing_find_key(S, NULL, CRPKI_CAT_CSP, &k, &ei), CRPKI_E_NO_KEY);
    char **ids = (char **)1;
    size_t n = 99;
    assert_int_equal(signing_list_keys(S, CRPKI_CAT_KSP, &ids, &n, &ei), CRPKI_OK);
    assert_int_equal(n, 0);
    signing_free_ids(ids, n);
    assert_non_null(signing_config(S));
    signing_cancel(S); /* nothing waiting: no effect */
}

/* ---- the signature the service returns ------------------------------------------- */

/* RSA-2048 over the SHA-256 test digest (tests/core/crypto/vectors.h). */
static void returned_params(catalog_entry *k, signing_params *p)
{
    memset(k, 0, sizeof *k);
    k->credential_id = (char *)"rsa-2048";
    k->key_type = CRPKI_KEY_RSA;
    k->key_bits = 2048;
    k->cert.der = (uint8_t *)tv_rsa2048_cert;
    k->cert.len = sizeof tv_rsa2048_cert;
    memset(p, 0, sizeof *p);
    p->key = k;
    p->scheme = CRPKI_PAD_PKCS1;
    p->hash = CRPKI_HASH_SHA256;
    p->digest = tv_sha256_m3;
    p->digest_len = sizeof tv_sha256_m3;
}

static void returned_signature_reaches_the_caller_only_when_it_verifies(void **state)
{
    (void)state;
    catalog_entry k;
    signing_params p;
    returned_params(&k, &p);
    uint8_t got_bytes[sizeof tv_sig_rsa2048_pkcs1_sha256];
    memcpy(got_bytes, tv_sig_rsa2048_pkcs1_sha256, sizeof got_bytes);
    rssp_blob got = {got_bytes, sizeof got_bytes};
    uint8_t sig[512], untouched[512];
    size_t n = sizeof sig;
    crpki_error_info ei;

    /* a genuine signature is handed over */
    memset(sig, 0xAA, sizeof sig);
    assert_int_equal(signing_verify_returned(&p, &got, sig, &n, &ei), CRPKI_OK);
    assert_int_equal(n, sizeof got_bytes);
    assert_memory_equal(sig, got_bytes, n);

    /* a forged one (one bit off) leaves the caller's buffer as it was */
    got_bytes[100] ^= 0x01;
    memset(sig, 0xAA, sizeof sig);
    memset(untouched, 0xAA, sizeof untouched);
    n = sizeof sig;
    assert_int_equal(signing_verify_returned(&p, &got, sig, &n, &ei), CRPKI_E_BAD_SIGNATURE);
    assert_memory_equal(sig, untouched, sizeof sig);
    assert_int_equal(n, sizeof sig);

    /* so does one longer than the caller's room */
    n = 64;
    assert_int_equal(signing_verify_returned(&p, &got, sig, &n, &ei), CRPKI_E_PROTOCOL);
    assert_memory_equal(sig, untouched, sizeof sig);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(description_is_program_colon_what),
        cmocka_unit_test(description_replaces_controls_and_bad_utf8),
        cmocka_unit_test(description_drops_what_could_disguise_the_text),
        cmocka_unit_test(program_path_is_cleaned_and_keeps_its_file_name),
        cmocka_unit_test(description_is_cut_to_256_bytes_on_a_character),
        cmocka_unit_test(description_of_long_ascii_is_exactly_256),
        cmocka_unit_test(program_name_is_this_executable),
        cmocka_unit_test(cache_hit_returns_the_same_signature),
        cmocka_unit_test(cache_misses_when_any_part_of_the_key_differs),
        cmocka_unit_test(cache_entries_expire_after_the_ttl),
        cmocka_unit_test(cache_is_bounded_and_drops_the_oldest),
        cmocka_unit_test(cache_refuses_what_it_cannot_hold),
        cmocka_unit_test(returned_signature_reaches_the_caller_only_when_it_verifies),
        cmocka_unit_test_setup_teardown(sign_refuses_without_network, session_setup,
                                        session_teardown),
        cmocka_unit_test_setup_teardown(empty_catalog_has_no_keys, session_setup, session_teardown),
        cmocka_unit_test_setup_teardown(a_key_under_an_unpinned_root_is_refused, session_setup,
                                        session_teardown),
        cmocka_unit_test_setup_teardown(a_certificate_out_of_its_period_is_refused, session_setup,
                                        session_teardown),
        cmocka_unit_test_setup_teardown(failing_in_a_loop_keeps_the_log_under_its_cap,
                                        session_setup, session_teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
