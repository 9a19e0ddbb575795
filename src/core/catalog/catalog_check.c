/* The checks keys.json's reader and the catalog's changes share
 * (catalog_internal.h). */
#include "core/catalog/catalog.h"

#include <cjson/cJSON.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/error/fail.h"
#include "base/log/log.h"
#include "base/platform/plat_fs.h"
#include "base/platform/plat_str.h"
#include "base/util/base64.h"
#include "base/util/text.h"
#include "base/util/utf8.h"
#include "core/catalog/catalog_internal.h"

/* ---- checks shared by load, save and put ------------------------------------------ */

const char *catalog_curve_name(alg_curve c)
{
    return c == CRPKI_CURVE_P256 ? "P-256" : c == CRPKI_CURVE_P384 ? "P-384" : NULL;
}

alg_curve catalog_curve_by_name(const char *s)
{
    if (strcmp(s, "P-256") == 0)
        return CRPKI_CURVE_P256;
    if (strcmp(s, "P-384") == 0)
        return CRPKI_CURVE_P384;
    return CRPKI_CURVE_NONE;
}

/* The certificate's public key against the declared type, size and curve:
 * NULL when they agree, else what is wrong. */
const char *catalog_check_cert_key(const uint8_t *der, size_t len, alg_key_type type, unsigned bits,
                                   alg_curve curve, char *why, size_t whysz)
{
    crypto_pubkey *k = NULL;
    crpki_error_info ei;
    if (crypto_pubkey_from_cert(der, len, &k, &ei) != CRPKI_OK) {
        snprintf(why, whysz, "%s", ei.detail);
        return why;
    }
    crypto_pubkey_info info;
    crypto_pubkey_get_info(k, &info);
    crypto_pubkey_free(k);
    if (info.type != type)
        snprintf(why, whysz, "the certificate holds an %s key, not %s",
                 info.type == CRPKI_KEY_RSA ? "RSA" : "EC", type == CRPKI_KEY_RSA ? "RSA" : "EC");
    else if (info.bits != bits)
        snprintf(why, whysz, "the certificate's key has %u bits, not %u", info.bits, bits);
    else if (type == CRPKI_KEY_EC && info.curve != curve)
        snprintf(why, whysz, "the certificate's key is on another curve");
    else
        return NULL;
    return why;
}
