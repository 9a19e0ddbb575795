/* catalog: the key catalog, home/keys.json. crpki-mgmt `use` writes it from
 * the service's credential info; the DLLs read it offline, so opening a
 * context or key, enumerating containers, reading certificates, public keys
 * and properties never touches the network (docs/architecture.md). Files:
 * catalog.c entries and lookups, catalog_parse.c reading, catalog_write.c
 * writing, catalog_edit.c changes, catalog_check.c the checks they share. An entry holds what
 * a provider needs to answer without the service: the credential ID (= key
 * container / key name), the user certificate and its chain up to the
 * registrar CA, the key's type, size, curve and accepted algorithms.
 *
 * The file is JSON (docs/configuration.md describes it), written atomically
 * (plat_write_file_atomic) so a reader never sees half a catalog; a missing
 * file is an empty catalog; a present but malformed one is CRPKI_E_CONFIG
 * with ei->detail naming what is wrong. Not secret (certificates are public):
 * an ordinary file. Objects are plain data: a loaded catalog is read-only
 * and may be shared between threads. */
#ifndef CRPKI_CORE_CATALOG_CATALOG_H
#define CRPKI_CORE_CATALOG_CATALOG_H

#include <stddef.h>
#include <stdint.h>

#include "base/alg/alg.h"
#include "crpki/error.h"
#include "core/crypto/crypto.h"

/* Limits of what an entry may hold (keys.json is refused beyond them). */
#define CATALOG_MAX_KEYS  256
#define CATALOG_MAX_CERT  (64u << 10) /* bytes of one DER certificate */
#define CATALOG_MAX_CHAIN 16
#define CATALOG_MAX_ALGOS 64
#define CATALOG_MAX_STR   1024 /* DNs and IDs */
#define CATALOG_MAX_SIGS  10000

/* Which provider an entry is selected for (bit mask). */
#define CRPKI_CAT_CSP 1u
#define CRPKI_CAT_KSP 2u
/* Either: the PKCS#11 module offers every credential selected for a
 * provider (it has no selection and no default of its own). */
#define CRPKI_CAT_ANY (CRPKI_CAT_CSP | CRPKI_CAT_KSP)

typedef struct {
    uint8_t *der;
    size_t len;
} catalog_blob;

typedef struct {
    char *credential_id;
    unsigned providers; /* CRPKI_CAT_CSP | CRPKI_CAT_KSP: selected for */
    alg_key_type key_type;
    unsigned key_bits; /* RSA modulus bits; EC field bits */
    alg_curve curve;   /* EC only */
    char **algos;      /* signature algorithm OIDs the key accepts */
    size_t nalgos;
    catalog_blob cert;   /* the user certificate, DER */
    catalog_blob *chain; /* issuers toward the root: chain[nchain-1] is the
                              registrar CA when the service sent it */
    size_t nchain;
    char *subject_dn, *issuer_dn, *serial_hex; /* RFC 4514, UTF-8 */
    char *valid_from, *valid_to;               /* "YYYYMMDDHHMMSSZ" */
    unsigned multisign;                        /* largest numSignatures */
    int64_t selected_at;                       /* Unix time of `use` */
} catalog_entry;

typedef struct {
    catalog_entry *v;
    size_t n;
    /* The credential IDs used when an application names no container / key
       (NULL or empty name): the administrator's choice per provider. */
    char *default_csp;
    char *default_ksp;
} catalog_keys;

/* home/keys.json into *out (zeroed first). Missing file: empty, CRPKI_OK. */
crpki_err catalog_load(const char *home, catalog_keys *out, crpki_error_info *ei);
/* Writes cat to home/keys.json atomically (creates home, 0700 on Linux). */
crpki_err catalog_save(const char *home, const catalog_keys *cat, crpki_error_info *ei);
void catalog_free(catalog_keys *cat); /* zeroed or NULL ok */

/* The entry named credential_id selected for provider (CRPKI_CAT_CSP or
 * _KSP); NULL or "" names the provider's default. CRPKI_CAT_ANY: the entry
 * selected for either, named (no default). NULL when none. */
const catalog_entry *catalog_find(const catalog_keys *cat, const char *credential_id,
                                  unsigned provider);

/* Adds e (e->providers: the providers it is selected for), replacing an
 * entry of the same credential ID, and makes it those providers' default.
 * On success the catalog owns e's members and *e is zeroed; on failure e is
 * left to the caller. The caller has checked the entry (crpki-mgmt builds it
 * from the service's credential: mgmt_tool/cred_entry.c); catalog_save
 * refuses anything that would not load back. */
crpki_err catalog_put(catalog_keys *cat, catalog_entry *e, crpki_error_info *ei);
/* Clears provider (CRPKI_CAT_CSP or _KSP) from the entry's selection, and
 * that provider's default when it names the entry; removes the entry when no
 * provider uses it any more. CRPKI_E_NO_KEY when the entry is not selected
 * for that provider. */
crpki_err catalog_unselect(catalog_keys *cat, const char *credential_id, unsigned provider);

/* Removes the entry (and clears defaults naming it); CRPKI_E_NO_KEY if absent. */
crpki_err catalog_remove(catalog_keys *cat, const char *credential_id);

/* A deep copy of one entry (for a context or key that outlives a reload). */
crpki_err catalog_entry_copy(const catalog_entry *src, catalog_entry *dst);
void catalog_entry_free(catalog_entry *e); /* frees the members */

/* keys.json text (len bytes, need not be NUL-terminated) into *out (zeroed
 * first): what catalog_load does after reading the file, exposed for
 * the fuzzer (tests/fuzz/fuzz_catalog.c). CRPKI_E_CONFIG with ei->detail
 * naming the bad member, e.g. "keys.json: keys[1].cert: not base64". */
crpki_err catalog_parse(const char *json, size_t len, catalog_keys *out, crpki_error_info *ei);
/* cat as keys.json text (malloc'ed, NUL-terminated, *len without the NUL).
 * CRPKI_E_INVALID_ARG when cat would not load back (the same checks). */
crpki_err catalog_format(const catalog_keys *cat, char **json, size_t *len, crpki_error_info *ei);

/* The largest signature this key produces, in the form providers return:
 * RSA modulus bytes; ECDSA P1363 r||s (2 * field bytes). For size queries. */
size_t catalog_entry_sig_len(const catalog_entry *e);

#endif
