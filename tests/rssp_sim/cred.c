/* cred: the credentials as the service presents them. Each user certificate
 * (and the registrar CA) is read once at open with OpenSSL; the DER and the
 * values credentials/info reports are kept. */
#define _DEFAULT_SOURCE /* timegm */

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <openssl/bio.h>
#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/evp.h>
#include <openssl/objects.h>
#include <openssl/pem.h>
#include <openssl/x509.h>

#include "svc.h"
#include "base/util/base64.h"

static X509 *read_pem(const char *path, char *err, size_t errsz)
{
    BIO *b = BIO_new_file(path, "r");
    X509 *x = b ? PEM_read_bio_X509(b, NULL, NULL, NULL) : NULL;
    BIO_free(b);
    if (!x)
        snprintf(err, errsz, "cannot read certificate %s", path);
    return x;
}

static int to_der(X509 *x, uint8_t **der, size_t *len)
{
    unsigned char *p = NULL;
    int n = i2d_X509(x, &p);
    if (n <= 0)
        return -1;
    *der = p; /* OPENSSL_malloc'ed: freed with OPENSSL_free */
    *len = (size_t)n;
    return 0;
}

static char *name_rfc4514(const X509_NAME *name)
{
    BIO *b = BIO_new(BIO_s_mem());
    if (!b)
        return NULL;
    char *out = NULL;
    if (X509_NAME_print_ex(b, name, 0, XN_FLAG_RFC2253 & ~ASN1_STRFLGS_ESC_MSB) >= 0) {
        char *data = NULL;
        long n = BIO_get_mem_data(b, &data);
        out = malloc((size_t)n + 1);
        if (out) {
            if (n > 0)
                memcpy(out, data, (size_t)n);
            out[n] = '\0';
        }
    }
    BIO_free(b);
    return out;
}

static int gen_time(const ASN1_TIME *t, char out[16], int64_t *ms)
{
    struct tm tm;
    memset(&tm, 0, sizeof tm);
    if (!ASN1_TIME_to_tm(t, &tm))
        return -1;
    if (strftime(out, 16, "%Y%m%d%H%M%SZ", &tm) != 15)
        return -1;
    if (ms) {
        time_t s = timegm(&tm);
        *ms = (int64_t)s * 1000;
    }
    return 0;
}

static int load_one(rsspd_service *svc, svc_cred *c, char *err, size_t errsz)
{
    X509 *x = read_pem(c->cfg->cert_pem, err, errsz);
    if (!x)
        return -1;
    int rc = -1;
    EVP_PKEY *pk = X509_get0_pubkey(x);
    if (!pk) {
        snprintf(err, errsz, "%s: no public key", c->cfg->cert_pem);
        goto out;
    }
    int bits = EVP_PKEY_get_bits(pk);
    if (EVP_PKEY_is_a(pk, "RSA")) {
        c->key_type = CRPKI_KEY_RSA;
    } else if (EVP_PKEY_is_a(pk, "EC")) {
        c->key_type = CRPKI_KEY_EC;
        char group[80];
        size_t glen = 0;
        if (!EVP_PKEY_get_utf8_string_param(pk, OSSL_PKEY_PARAM_GROUP_NAME, group, sizeof group,
                                            &glen)) {
            snprintf(err, errsz, "%s: EC key without a named curve", c->cfg->cert_pem);
            goto out;
        }
        int nid = OBJ_txt2nid(group);
        const ASN1_OBJECT *obj = nid != NID_undef ? OBJ_nid2obj(nid) : NULL;
        if (!obj || OBJ_obj2txt(c->curve_oid, sizeof c->curve_oid, obj, 1) <= 0) {
            snprintf(err, errsz, "%s: unknown curve %s", c->cfg->cert_pem, group);
            goto out;
        }
    } else {
        snprintf(err, errsz, "%s: neither an RSA nor an EC key", c->cfg->cert_pem);
        goto out;
    }
    if (bits <= 0 || c->key_type != c->cfg->key_type) {
        snprintf(err, errsz, "%s: key does not match sim.json (%s)", c->cfg->cert_pem, c->cfg->id);
        goto out;
    }
    c->key_bits = (unsigned)bits;
    if (to_der(x, &c->der, &c->der_len) < 0) {
        snprintf(err, errsz, "%s: cannot encode", c->cfg->cert_pem);
        goto out;
    }
    c->subject_dn = name_rfc4514(X509_get_subject_name(x));
    c->issuer_dn = name_rfc4514(X509_get_issuer_name(x));
    BIGNUM *bn = ASN1_INTEGER_to_BN(X509_get0_serialNumber(x), NULL);
    char *hex = bn ? BN_bn2hex(bn) : NULL;
    BN_free(bn);
    if (hex) {
        c->serial_hex = strdup(hex);
        OPENSSL_free(hex);
    }
    if (!c->subject_dn || !c->issuer_dn || !c->serial_hex ||
        gen_time(X509_get0_notBefore(x), c->valid_from, NULL) < 0 ||
        gen_time(X509_get0_notAfter(x), c->valid_to, &c->not_after_ms) < 0) {
        snprintf(err, errsz, "%s: cannot read names, serial or validity", c->cfg->cert_pem);
        goto out;
    }
    const simcfg_user *u = c->owner;
    const char *title = u->title && *u->title ? u->title : "代表取締役";
    size_t dl = strlen(u->company ? u->company : "") + strlen(title) + strlen(u->name) + 3;
    c->description = malloc(dl);
    if (!c->description) {
        snprintf(err, errsz, "out of memory");
        goto out;
    }
    snprintf(c->description, dl, "%s%s%s %s", u->company ? u->company : "",
             u->company && *u->company ? " " : "", title, u->name);
    rc = 0;
out:
    X509_free(x);
    (void)svc;
    return rc;
}

int cred_load_all(rsspd_service *svc, char *err, size_t errsz)
{
    size_t n = 0;
    for (size_t i = 0; i < svc->cfg.nusers; i++)
        n += svc->cfg.users[i].ncreds;
    svc->creds = calloc(n ? n : 1, sizeof *svc->creds);
    if (!svc->creds) {
        snprintf(err, errsz, "out of memory");
        return -1;
    }
    for (size_t i = 0; i < svc->cfg.nusers; i++) {
        const simcfg_user *u = &svc->cfg.users[i];
        for (size_t k = 0; k < u->ncreds; k++) {
            svc_cred *c = &svc->creds[svc->ncreds++];
            c->cfg = &u->creds[k];
            c->owner = u;
            if (load_one(svc, c, err, errsz) < 0)
                return -1;
        }
    }
    if (!svc->cfg.registrar_ca_pem) {
        snprintf(err, errsz, "sim.json: registrar_ca missing");
        return -1;
    }
    X509 *ca = read_pem(svc->cfg.registrar_ca_pem, err, errsz);
    if (!ca)
        return -1;
    int r = to_der(ca, &svc->ca_der, &svc->ca_der_len);
    X509_free(ca);
    if (r < 0) {
        snprintf(err, errsz, "%s: cannot encode", svc->cfg.registrar_ca_pem);
        return -1;
    }
    return 0;
}

void cred_free_all(rsspd_service *svc)
{
    for (size_t i = 0; i < svc->ncreds; i++) {
        svc_cred *c = &svc->creds[i];
        OPENSSL_free(c->der);
        free(c->subject_dn);
        free(c->issuer_dn);
        free(c->serial_hex);
        free(c->description);
    }
    free(svc->creds);
    svc->creds = NULL;
    svc->ncreds = 0;
    OPENSSL_free(svc->ca_der);
    svc->ca_der = NULL;
}

static int add_b64(cJSON *arr, const uint8_t *der, size_t len)
{
    char *b = base64_encode_alloc(der, len);
    cJSON *s = b ? cJSON_CreateString(b) : NULL;
    free(b);
    if (!s)
        return -1;
    cJSON_AddItemToArray(arr, s);
    return 0;
}

cJSON *cred_info_json(const rsspd_service *svc, const svc_cred *c, int certificates, int cert_info,
                      int auth_info)
{
    (void)auth_info;
    cJSON *o = cJSON_CreateObject();
    if (!o)
        return NULL;
    cJSON *key = cJSON_AddObjectToObject(o, "key");
    cJSON *algo = key ? cJSON_AddArrayToObject(key, "algo") : NULL;
    if (!cJSON_AddStringToObject(o, "description", c->description) || !key || !algo ||
        !cJSON_AddStringToObject(key, "status", "enabled"))
        goto fail;
    const char *const *algs = alg_sigalgs_for_key(c->key_type);
    for (size_t i = 0; algs && algs[i]; i++) {
        cJSON *s = cJSON_CreateString(algs[i]);
        if (!s)
            goto fail;
        cJSON_AddItemToArray(algo, s);
    }
    if (!cJSON_AddNumberToObject(key, "len", c->key_bits))
        goto fail;
    if (c->key_type == CRPKI_KEY_EC && !cJSON_AddStringToObject(key, "curve", c->curve_oid))
        goto fail;
    cJSON *cert = cJSON_AddObjectToObject(o, "cert");
    if (!cert)
        goto fail;
    int expired = svc_now(svc) > c->not_after_ms;
    if (!cJSON_AddStringToObject(cert, "status", expired ? "expired" : "valid"))
        goto fail;
    if (certificates != REQ_CERTS_NONE) {
        cJSON *arr = cJSON_AddArrayToObject(cert, "certificates");
        if (!arr || add_b64(arr, c->der, c->der_len) < 0)
            goto fail;
        if (certificates == REQ_CERTS_CHAIN && add_b64(arr, svc->ca_der, svc->ca_der_len) < 0)
            goto fail;
    }
    if (cert_info && (!cJSON_AddStringToObject(cert, "issuerDN", c->issuer_dn) ||
                      !cJSON_AddStringToObject(cert, "subjectDN", c->subject_dn) ||
                      !cJSON_AddStringToObject(cert, "serialNumber", c->serial_hex) ||
                      !cJSON_AddStringToObject(cert, "validFrom", c->valid_from) ||
                      !cJSON_AddStringToObject(cert, "validTo", c->valid_to)))
        goto fail;
    if (!cJSON_AddStringToObject(o, "authMode", "gbizid_app") ||
        !cJSON_AddNumberToObject(o, "multisign", svc->opt.max_signatures) ||
        !cJSON_AddStringToObject(o, "lang", "ja-JP"))
        goto fail;
    return o;
fail:
    cJSON_Delete(o);
    return NULL;
}
