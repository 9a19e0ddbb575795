/* Service credentials into key catalog entries (cred_entry.h). */
#include "cred_entry.h"

#include <stdlib.h>
#include <string.h>

#include "base/error/fail.h"
#include "base/util/text.h"
#include "core/crypto/crypto.h"

/* The credential as an entry (deep copy), after the offline-usability checks. */
crpki_err cred_entry_make(const rssp_credential *cr, unsigned providers, int64_t now,
                          catalog_entry *e, crpki_error_info *ei)
{
    memset(e, 0, sizeof *e);
    if (!cr->id || !cr->id[0] || strlen(cr->id) > CATALOG_MAX_STR || !text_no_controls(cr->id))
        return fail_with(ei, CRPKI_E_PROTOCOL, "credential: no usable credential ID");
    if (cr->ncerts == 0 || !cr->certs || !cr->certs[0].der || cr->certs[0].len == 0)
        return fail_with(ei, CRPKI_E_PROTOCOL, "credential %s: no certificate", cr->id);
    if (cr->ncerts - 1 > CATALOG_MAX_CHAIN || cr->nalgos > CATALOG_MAX_ALGOS)
        return fail_with(ei, CRPKI_E_PROTOCOL, "credential %s: too many certificates or algorithms",
                         cr->id);
    crypto_pubkey *k = NULL;
    crpki_error_info kei;
    if (crypto_pubkey_from_cert(cr->certs[0].der, cr->certs[0].len, &k, &kei) != CRPKI_OK)
        return fail_with(ei, CRPKI_E_PROTOCOL, "credential %s: %s", cr->id, kei.detail);
    crypto_pubkey_info info;
    crypto_pubkey_get_info(k, &info);
    crypto_pubkey_free(k);
    alg_key_type type = cr->key_type == RSSP_KEY_EC ? CRPKI_KEY_EC : CRPKI_KEY_RSA;
    if ((cr->key_type != RSSP_KEY_RSA && cr->key_type != RSSP_KEY_EC) || info.type != type)
        return fail_with(ei, CRPKI_E_PROTOCOL,
                         "credential %s: the key type does not match the certificate's", cr->id);
    if (cr->key_bits != info.bits)
        return fail_with(ei, CRPKI_E_PROTOCOL,
                         "credential %s: key size %u, the certificate's key has %u bits", cr->id,
                         cr->key_bits, info.bits);
    const alg_key_info *shape = alg_key_find(type, info.curve);
    if (type == CRPKI_KEY_EC && cr->curve_oid &&
        (!shape || !shape->curve_oid || strcmp(cr->curve_oid, shape->curve_oid) != 0))
        return fail_with(ei, CRPKI_E_PROTOCOL,
                         "credential %s: the curve does not match the certificate's", cr->id);
    for (size_t i = 0; i < cr->nalgos; i++)
        if (!cr->algos[i] || !text_is_oid(cr->algos[i]))
            return fail_with(ei, CRPKI_E_PROTOCOL, "credential %s: a malformed algorithm OID",
                             cr->id);
    for (size_t i = 1; i < cr->ncerts; i++)
        if (!cr->certs[i].der || cr->certs[i].len == 0 || cr->certs[i].len > CATALOG_MAX_CERT)
            return fail_with(ei, CRPKI_E_PROTOCOL, "credential %s: an empty chain certificate",
                             cr->id);
    if (cr->certs[0].len > CATALOG_MAX_CERT)
        return fail_with(ei, CRPKI_E_PROTOCOL, "credential %s: certificate too large", cr->id);

    /* Fields that keys.json would refuse are dropped rather than refused:
       they are for display only. */
    catalog_entry src = {0};
    src.credential_id = cr->id;
    src.providers = providers;
    src.key_type = type;
    src.key_bits = info.bits;
    src.curve = type == CRPKI_KEY_EC ? info.curve : CRPKI_CURVE_NONE;
    src.algos = cr->algos;
    src.nalgos = cr->nalgos;
    src.cert.der = cr->certs[0].der;
    src.cert.len = cr->certs[0].len;
    catalog_blob *chain = NULL;
    if (cr->ncerts > 1) {
        chain = calloc(cr->ncerts - 1, sizeof *chain);
        if (!chain)
            return fail_with(ei, CRPKI_E_NO_MEMORY, "out of memory");
        for (size_t i = 1; i < cr->ncerts; i++) {
            chain[i - 1].der = cr->certs[i].der;
            chain[i - 1].len = cr->certs[i].len;
        }
    }
    src.chain = chain;
    src.nchain = cr->ncerts - 1;
    int ok_dn = 1;
    if (cr->subject_dn &&
        (strlen(cr->subject_dn) > CATALOG_MAX_STR || !text_no_controls(cr->subject_dn)))
        ok_dn = 0;
    if (cr->issuer_dn &&
        (strlen(cr->issuer_dn) > CATALOG_MAX_STR || !text_no_controls(cr->issuer_dn)))
        ok_dn = 0;
    src.subject_dn = ok_dn ? cr->subject_dn : NULL;
    src.issuer_dn = ok_dn ? cr->issuer_dn : NULL;
    src.serial_hex = cr->serial_hex && text_is_hex(cr->serial_hex) && strlen(cr->serial_hex) <= 256
                         ? cr->serial_hex
                         : NULL;
    src.valid_from = cr->valid_from && text_is_gentime(cr->valid_from) ? cr->valid_from : NULL;
    src.valid_to = cr->valid_to && text_is_gentime(cr->valid_to) ? cr->valid_to : NULL;
    src.multisign = cr->multisign == 0                 ? 1
                    : cr->multisign > CATALOG_MAX_SIGS ? CATALOG_MAX_SIGS
                                                       : cr->multisign;
    src.selected_at = now < 0 ? 0 : now;
    crpki_err r = catalog_entry_copy(&src, e);
    free(chain);
    if (r != CRPKI_OK)
        return fail_with(ei, r, "out of memory");
    return CRPKI_OK;
}

crpki_err cred_entry_put(catalog_keys *cat, const rssp_credential *cr, unsigned providers,
                         int64_t now, crpki_error_info *ei)
{
    fail_clear(ei);
    if (!cat || !cr || providers == 0 || (providers & ~(CRPKI_CAT_CSP | CRPKI_CAT_KSP)))
        return fail_with(ei, CRPKI_E_INVALID_ARG, "no catalog or credential, or bad providers");
    catalog_entry e;
    crpki_err r = cred_entry_make(cr, providers, now, &e, ei);
    if (r == CRPKI_OK)
        r = catalog_put(cat, &e, ei);
    catalog_entry_free(&e); /* zeroed when the catalog took it */
    return r;
}
