/* What the catalog's own files share: the file's name and version, and the
 * checks both the reader and the changes apply. */
#ifndef CRPKI_CORE_CATALOG_CATALOG_INTERNAL_H
#define CRPKI_CORE_CATALOG_CATALOG_INTERNAL_H

#include <stddef.h>
#include <stdint.h>

#include "core/catalog/catalog.h"

#define CAT_FILE          "keys.json"
#define CATALOG_MAX_BYTES (4u << 20) /* keys.json */
#define CAT_VERSION       1

const char *catalog_curve_name(alg_curve c); /* "P-256", "P-384", NULL */
alg_curve catalog_curve_by_name(const char *s);

/* The certificate's public key against the declared type, size and curve:
 * NULL when they agree, else what is wrong (written into why). */
const char *catalog_check_cert_key(const uint8_t *der, size_t len, alg_key_type type, unsigned bits,
                                   alg_curve curve, char *why, size_t whysz);

/* The entry with that credential ID (any provider), or NULL. */
catalog_entry *catalog_find_id(const catalog_keys *cat, const char *id);

#endif
