/* session: what a provider DLL or the management tool holds to sign: the
 * configuration, the key catalog, and - created lazily at the first
 * signature, never at load or open - the rssp_client with the token store
 * behind it (crpki_auth). One per process is enough; thread-safe.
 *
 * signing_sign is the one path from an application's "sign this digest"
 * to the service and back:
 *   1. the signature cache: the same (credential, scheme, hash, salt, digest)
 *      signed within CRPKI_SIG_CACHE_TTL_S seconds in this process returns the
 *      same signature without a second approval (CryptSignMessage and CryptMsg
 *      sign twice per document: once to learn the size, once for real);
 *   2. silent callers fail with CRPKI_E_SILENT (no UI may be shown);
 *   3. rssp_sign with the description "<program>: <what>" (the executable's
 *      name with its verified publisher, signing_program_label, and what the
 *      application says it signs), the approval UI of the
 *      configuration (ui_show / ui_close), the dialog's Cancel
 *      wired to the client's cancel, a deadline of approval_timeout_s;
 *   4. every signature is verified against the certificate's public key
 *      (crypto_verify) before it is returned: CRPKI_E_BAD_SIGNATURE otherwise;
 *   5. the outcome and reason are logged (never tokens or SADs).
 * docs/signing.md documents the rule and the timings. */
#ifndef CRPKI_CORE_SIGNING_SIGNING_H
#define CRPKI_CORE_SIGNING_SIGNING_H

#include <stddef.h>
#include <stdint.h>

#include "base/alg/alg.h"
#include "core/catalog/catalog.h"
#include "crpki/config.h"
#include "crpki/error.h"

#define CRPKI_SIG_CACHE_TTL_S 120

typedef struct signing_session signing_session;

/* Loads the configuration of home (NULL: crpki_home_dir()) and opens the log.
 * No network, no token read. */
crpki_err signing_open(const char *home, signing_session **out, crpki_error_info *ei);
void signing_close(signing_session *s); /* NULL ok; not while signing */

const crpki_config *signing_config(const signing_session *s);

/* A copy of the catalog entry named credential_id for provider (NULL or ""
 * = the provider's default), read from keys.json now (reloaded only when
 * the file changed). CRPKI_E_NO_KEY when there is none. Free with
 * catalog_entry_free. */
crpki_err signing_find_key(signing_session *s, const char *credential_id, unsigned provider,
                           catalog_entry *out, crpki_error_info *ei);
/* The credential IDs selected for provider, in catalog order (malloc'ed
 * array of malloc'ed strings; free with signing_free_ids). */
crpki_err signing_list_keys(signing_session *s, unsigned provider, char ***ids, size_t *n,
                            crpki_error_info *ei);
void signing_free_ids(char **ids, size_t n);

typedef struct {
    const catalog_entry *key;
    alg_sig_scheme scheme; /* PKCS1 / PSS need an RSA key, ECDSA an EC key */
    alg_hash_id hash;      /* SHA-256/384/512 (alg_hash_signable); others refused */
    unsigned salt_len;     /* PSS */
    const uint8_t *digest; /* exactly the hash's length */
    size_t digest_len;
    const char *what;    /* what the application says it signs (UTF-8), or NULL */
    int silent;          /* CRYPT_SILENT / NCRYPT_SILENT_FLAG: never show UI */
    void *parent_window; /* HWND for the dialog, or NULL */
    unsigned timeout_ms; /* 0: the configuration's approval_timeout_s */
} signing_params;

/* Signs p->digest with p->key through the service (see above). sig receives
 * RSA: big-endian, the modulus length; ECDSA: P1363 r||s. *sig_len in: the
 * buffer size (>= catalog_entry_sig_len), out: the length written.
 * Errors: CRPKI_E_SILENT, CRPKI_E_DENIED, CRPKI_E_APPROVAL_EXPIRED,
 * CRPKI_E_CANCELLED, CRPKI_E_DEADLINE, CRPKI_E_BAD_SIGNATURE, the client's
 * errors (network, login, ...), CRPKI_E_UNSUPPORTED_ALG (MD5, or a scheme
 * the key does not take), CRPKI_E_BAD_HASH. */
crpki_err signing_sign(signing_session *s, const signing_params *p, uint8_t *sig, size_t *sig_len,
                       crpki_error_info *ei);

/* n hashes of p's kind (p->digest ignored; each p->digest_len bytes, back
 * to back in hashes) signed under ONE approval: the service's numSignatures
 * (at most the credential's multisign); p->what is what the phone and the
 * dialog show for the batch. Each signature is verified before it is
 * written to sigs + i * stride (stride >= catalog_entry_sig_len), lens[i]
 * its length. No cache. One signing record per hash, names[i] (or NULL:
 * p->what) as what it signs, with the batch's size and approval code.
 * Errors as signing_sign; CRPKI_E_INVALID_ARG for more hashes than the
 * credential takes at once. */
crpki_err signing_sign_many(signing_session *s, const signing_params *p, const uint8_t *hashes,
                            size_t n, const char *const *names, uint8_t *sigs, size_t stride,
                            size_t *lens, crpki_error_info *ei);

/* Makes every signing_sign of s waiting now return CRPKI_E_CANCELLED
 * promptly (the provider is being released, the process is ending, or a
 * test); later calls are not affected. Thread-safe. */
void signing_cancel(signing_session *s);

/* The executable name of this process (e.g. "WINWORD.EXE"), UTF-8, for the
 * description and the log. Never NULL (static storage). */
const char *signing_program(void);
/* The full path of this process's executable, cleaned as the description is
 * and cut from the front to 400 bytes, for the approval dialog. Never NULL. */
const char *signing_program_path(void);
/* Who published this program, as the system verified it (plat_publisher.h),
 * the approval dialog's line: "発行元: <signer>", 「発行元を確認できません
 * （署名なし）」 or 「…（署名を検証できません）」; "" where programs carry no
 * such signature (POSIX). Verified once per process, at the first call.
 * Never NULL. */
const char *signing_program_publisher(void);
/* The program as the phone shows it: "<name>（発行元: <publisher>）",
 * "<name>（発行元を確認できません）", or the name alone (POSIX). The
 * description is "<label>: <what>". Never NULL. */
const char *signing_program_label(void);

#endif
