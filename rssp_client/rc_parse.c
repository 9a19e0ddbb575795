#include "rc_parse.h"

#include <stdlib.h>
#include <string.h>

#include "base/alg/alg.h"
#include "rc_json.h"
#include "rc_util.h"
#include "base/util/base64.h"
#include "base/util/errbuf.h"
#include "base/util/text.h"

#define E(...) errbuf_set(err, errsz, __VA_ARGS__)

/* ---- DER ---------------------------------------------------------------- */

/* Reads one DER TLV header at p (tag already known to be at p[0]): sets
 * *hdr (tag + length bytes) and *clen. 0, or -1 when malformed, not minimal,
 * or running past end. */
static int der_tlv(const uint8_t *p, size_t avail, size_t *hdr, size_t *clen)
{
    if (avail < 2)
        return -1;
    size_t l = p[1];
    size_t h = 2;
    if (l & 0x80) {
        size_t nb = l & 0x7F;
        if (nb == 0 || nb > 4 || avail < 2 + nb || p[2] == 0)
            return -1;
        l = 0;
        for (size_t i = 0; i < nb; i++)
            l = l << 8 | p[2 + i];
        if (l < 0x80)
            return -1; /* long form for a short length: not DER */
        h += nb;
    }
    if (l > avail - h)
        return -1;
    *hdr = h;
    *clen = l;
    return 0;
}

int rc_der_is_sequence(const uint8_t *der, size_t len)
{
    size_t h, cl;
    if (!der || len < 2 || der[0] != 0x30 || der_tlv(der, len, &h, &cl) < 0)
        return 0;
    return h + cl == len;
}

/* One positive, minimally encoded INTEGER of at most field_bytes value bytes. */
static int der_positive_int(const uint8_t *p, size_t avail, size_t field_bytes, size_t *used)
{
    size_t h, cl;
    if (avail < 2 || p[0] != 0x02 || der_tlv(p, avail, &h, &cl) < 0 || cl == 0)
        return 0;
    const uint8_t *v = p + h;
    if (v[0] & 0x80)
        return 0; /* negative */
    size_t vlen = cl;
    if (v[0] == 0) {
        if (cl == 1)
            return 0; /* zero */
        if (!(v[1] & 0x80))
            return 0; /* non-minimal leading zero */
        vlen--;
    }
    if (vlen > field_bytes)
        return 0;
    *used = h + cl;
    return 1;
}

int rc_der_ecdsa_sig_ok(const uint8_t *sig, size_t len, size_t field_bytes)
{
    if (!rc_der_is_sequence(sig, len))
        return 0;
    size_t h, cl;
    der_tlv(sig, len, &h, &cl);
    const uint8_t *p = sig + h;
    size_t avail = cl, used = 0;
    if (!der_positive_int(p, avail, field_bytes, &used))
        return 0;
    p += used;
    avail -= used;
    if (!der_positive_int(p, avail, field_bytes, &used))
        return 0;
    return used == avail;
}

/* ---- helpers ------------------------------------------------------------- */

static int opaque(const cJSON *obj, const char *name, const char *path, int required, size_t max,
                  const char **out, char *err, size_t errsz)
{
    int r = rc_json_string(obj, name, path, required, max, out, err, errsz);
    if (r == 0 && !rc_printable_token(*out)) {
        E("%s: not printable ASCII", path);
        return -1;
    }
    return r;
}

static int oid_syntax_ok(const char *s)
{
    /* digits and dots, no empty arc, at least two arcs */
    int arcs = 0, digits = 0;
    for (const char *p = s;; p++) {
        if (*p >= '0' && *p <= '9') {
            digits++;
        } else if (*p == '.' || *p == '\0') {
            if (digits == 0)
                return 0;
            arcs++;
            digits = 0;
            if (*p == '\0')
                break;
        } else {
            return 0;
        }
    }
    return arcs >= 2;
}

static int dup_into(char **dst, const char *src, char *err, size_t errsz)
{
    *dst = plat_strdup(src);
    if (!*dst) {
        E("out of memory");
        return -1;
    }
    return 0;
}

/* ---- error --------------------------------------------------------------- */

int rc_parse_error(const char *body, size_t len, char *error, size_t errorsz, char *desc,
                   size_t descsz)
{
    char err[128];
    if (errorsz)
        error[0] = '\0';
    if (descsz)
        desc[0] = '\0';
    cJSON *j = rc_json_parse(body, len, err, sizeof err);
    if (!j)
        return -1;
    const char *e = NULL;
    const cJSON *dv = NULL;
    int rc = -1;
    if (rc_json_string(j, "error", "error", 1, 63, &e, err, sizeof err) == 0 &&
        rc_printable_token(e) && strlen(e) < errorsz) {
        memcpy(error, e, strlen(e) + 1);
        rc = 0;
        if (rc_json_member(j, "error_description", "error_description", 0, &dv, err, sizeof err) ==
            0) {
            if (cJSON_IsString(dv) && dv->valuestring && descsz) {
                size_t o = 0;
                for (const unsigned char *p = (const unsigned char *)dv->valuestring;
                     *p && o + 1 < descsz; p++)
                    desc[o++] = (*p >= 0x20 && *p < 0x7F) ? (char)*p : '?';
                desc[o] = '\0';
            }
        }
    }
    rc_json_free(j);
    return rc;
}

/* ---- tokens ---------------------------------------------------------------- */

static int ascii_ieq(const char *a, const char *b)
{
    for (; *a && *b; a++, b++) {
        char x = *a, y = *b;
        if (x >= 'A' && x <= 'Z')
            x = (char)(x - 'A' + 'a');
        if (y >= 'A' && y <= 'Z')
            y = (char)(y - 'A' + 'a');
        if (x != y)
            return 0;
    }
    return *a == *b;
}

int rc_parse_tokens(const char *body, size_t len, int64_t now, rssp_tokens *out, char *err,
                    size_t errsz)
{
    memset(out, 0, sizeof *out);
    cJSON *j = rc_json_parse(body, len, err, errsz);
    if (!j)
        return -1;
    const char *at = NULL, *tt = NULL, *rt = NULL, *scope = NULL;
    int64_t exp = 0;
    int rc = -1;
    if (opaque(j, "access_token", "access_token", 1, RC_MAX_OPAQUE_LEN, &at, err, errsz) < 0 ||
        rc_json_string(j, "token_type", "token_type", 1, 32, &tt, err, errsz) < 0)
        goto out;
    if (!ascii_ieq(tt, "Bearer")) {
        E("token_type: not Bearer");
        goto out;
    }
    if (rc_json_int(j, "expires_in", "expires_in", 1, 1, 10LL * 365 * 86400, &exp, err, errsz) <
            0 ||
        opaque(j, "refresh_token", "refresh_token", 1, RC_MAX_OPAQUE_LEN, &rt, err, errsz) < 0 ||
        rc_json_string(j, "scope", "scope", 0, 1024, &scope, err, errsz) < 0)
        goto out;
    out->access_token = plat_strdup(at);
    out->refresh_token = plat_strdup(rt);
    out->scope = scope ? plat_strdup(scope) : NULL;
    out->access_expires_at = now + exp;
    if (!out->access_token || !out->refresh_token || (scope && !out->scope)) {
        E("out of memory");
        goto out;
    }
    rc = 0;
out:
    rc_json_free(j);
    if (rc != 0)
        rssp_tokens_free(out);
    return rc;
}

/* ---- info ---------------------------------------------------------------- */

int rc_parse_info(const char *body, size_t len, rssp_service_info *out, char *err, size_t errsz)
{
    memset(out, 0, sizeof *out);
    cJSON *j = rc_json_parse(body, len, err, errsz);
    if (!j)
        return -1;
    const char *specs = NULL, *name = NULL, *region = NULL;
    int64_t maxsig = 0;
    int rc = -1;
    if (rc_json_string(j, "specs", "specs", 1, 64, &specs, err, errsz) < 0 ||
        rc_json_string(j, "name", "name", 1, RC_MAX_TEXT_LEN, &name, err, errsz) < 0 ||
        rc_json_string(j, "region", "region", 0, 64, &region, err, errsz) < 0 ||
        rc_json_int(j, "maxSignatures", "maxSignatures", 1, 1, 1000000, &maxsig, err, errsz) < 0)
        goto out;
    if (dup_into(&out->specs, specs, err, errsz) < 0 || dup_into(&out->name, name, err, errsz) < 0)
        goto out;
    if (region && dup_into(&out->region, region, err, errsz) < 0)
        goto out;
    out->max_signatures = (unsigned)maxsig;
    int idem = 0;
    if (rc_json_bool(j, "authorizeIdempotency", "authorizeIdempotency", 0, &idem, err, errsz) < 0)
        goto out;
    out->authorize_idempotency = idem;
    rc = 0;
out:
    rc_json_free(j);
    if (rc != 0)
        rssp_service_info_free(out);
    return rc;
}

/* ---- credentials/list ---------------------------------------------------- */

int rc_parse_list(const char *body, size_t len, char ***ids, size_t *n, char *err, size_t errsz)
{
    *ids = NULL;
    *n = 0;
    cJSON *j = rc_json_parse(body, len, err, errsz);
    if (!j)
        return -1;
    const cJSON *arr = NULL;
    size_t count = 0;
    int rc = -1;
    char **v = NULL;
    if (rc_json_array(j, "credentialIDs", "credentialIDs", 1, RC_MAX_CREDENTIALS, &arr, &count, err,
                      errsz) < 0)
        goto out;
    v = calloc(count ? count : 1, sizeof *v);
    if (!v) {
        E("out of memory");
        goto out;
    }
    size_t i = 0;
    for (const cJSON *c = arr->child; c; c = c->next, i++) {
        const char *s = NULL;
        if (rc_json_string_value(c, "credentialIDs", i, RC_MAX_ID_LEN, &s, err, errsz) < 0)
            goto out;
        if (!rc_printable_token(s)) {
            E("credentialIDs[%u]: not printable ASCII", (unsigned)i);
            goto out;
        }
        if (dup_into(&v[i], s, err, errsz) < 0)
            goto out;
    }
    *ids = v;
    *n = count;
    v = NULL;
    rc = 0;
out:
    rc_json_free(j);
    if (v)
        rssp_free_strings(v, count);
    return rc;
}

/* ---- credentials/info ---------------------------------------------------- */

static int parse_key(const cJSON *key, rssp_credential *out, char *err, size_t errsz)
{
    const char *status = NULL, *curve = NULL;
    const cJSON *algo = NULL;
    size_t nalgo = 0;
    int64_t bits = 0;
    if (rc_json_string(key, "status", "key.status", 1, 32, &status, err, errsz) < 0)
        return -1;
    if (strcmp(status, "enabled") == 0) {
        out->key_enabled = 1;
    } else if (strcmp(status, "disabled") == 0) {
        out->key_enabled = 0;
    } else {
        E("key.status: neither enabled nor disabled");
        return -1;
    }
    if (rc_json_array(key, "algo", "key.algo", 1, RC_MAX_ALGOS, &algo, &nalgo, err, errsz) < 0)
        return -1;
    if (nalgo == 0) {
        E("key.algo: empty");
        return -1;
    }
    out->algos = calloc(nalgo, sizeof *out->algos);
    if (!out->algos) {
        E("out of memory");
        return -1;
    }
    int rsa = 0, ec = 0;
    size_t i = 0;
    for (const cJSON *c = algo->child; c; c = c->next, i++) {
        const char *oid = NULL;
        if (rc_json_string_value(c, "key.algo", i, 64, &oid, err, errsz) < 0)
            return -1;
        if (!oid_syntax_ok(oid)) {
            E("key.algo[%u]: not an OID", (unsigned)i);
            return -1;
        }
        if (dup_into(&out->algos[i], oid, err, errsz) < 0)
            return -1;
        out->nalgos = i + 1;
        const alg_sigalg_info *sa = alg_sigalg_by_oid(oid);
        if (sa && sa->key == CRPKI_KEY_RSA)
            rsa = 1;
        else if (sa && sa->key == CRPKI_KEY_EC)
            ec = 1;
    }
    if (rsa == ec) {
        E("key.algo: %s", rsa ? "both RSA and EC algorithms" : "no known signature algorithm");
        return -1;
    }
    out->key_type = rsa ? RSSP_KEY_RSA : RSSP_KEY_EC;
    if (rc_json_int(key, "len", "key.len", 1, 1, 16384, &bits, err, errsz) < 0)
        return -1;
    if (rsa ? bits < 1024 : (bits < 160 || bits > 521)) {
        E("key.len: out of range for the key type");
        return -1;
    }
    out->key_bits = (unsigned)bits;
    int r = rc_json_string(key, "curve", "key.curve", ec, 64, &curve, err, errsz);
    if (r < 0)
        return -1;
    if (r == 0 && ec) {
        if (!oid_syntax_ok(curve)) {
            E("key.curve: not an OID");
            return -1;
        }
        if (dup_into(&out->curve_oid, curve, err, errsz) < 0)
            return -1;
    }
    return 0;
}

static int parse_cert(const cJSON *cert, rssp_credential *out, char *err, size_t errsz)
{
    const char *status = NULL;
    if (rc_json_string(cert, "status", "cert.status", 1, 32, &status, err, errsz) < 0)
        return -1;
    if (strcmp(status, "valid") == 0) {
        out->cert_status = RSSP_CERT_VALID;
    } else if (strcmp(status, "expired") == 0) {
        out->cert_status = RSSP_CERT_EXPIRED;
    } else if (strcmp(status, "revoked") == 0 || strcmp(status, "suspended") == 0) {
        out->cert_status = RSSP_CERT_REVOKED;
    } else {
        E("cert.status: unknown value");
        return -1;
    }
    const cJSON *certs = NULL;
    size_t n = 0;
    if (rc_json_array(cert, "certificates", "cert.certificates", 1, RC_MAX_CERTS, &certs, &n, err,
                      errsz) < 0)
        return -1;
    if (n == 0) {
        E("cert.certificates: empty");
        return -1;
    }
    out->certs = calloc(n, sizeof *out->certs);
    if (!out->certs) {
        E("out of memory");
        return -1;
    }
    size_t i = 0;
    for (const cJSON *c = certs->child; c; c = c->next, i++) {
        if (!cJSON_IsString(c) || !c->valuestring) {
            E("cert.certificates[%u]: expected a string", (unsigned)i);
            return -1;
        }
        size_t slen = strlen(c->valuestring);
        size_t max = base64_decoded_max(slen);
        if (slen == 0 || max > RC_MAX_CERT_LEN + 3) {
            E("cert.certificates[%u]: %s", (unsigned)i, slen ? "too long" : "empty");
            return -1;
        }
        uint8_t *der = malloc(max);
        size_t dlen = 0;
        if (!der) {
            E("out of memory");
            return -1;
        }
        out->certs[i].der = der;
        out->ncerts = i + 1;
        if (base64_decode(c->valuestring, slen, der, max, &dlen) < 0) {
            E("cert.certificates[%u]: not strict base64", (unsigned)i);
            return -1;
        }
        out->certs[i].len = dlen;
        if (dlen == 0 || dlen > RC_MAX_CERT_LEN || !rc_der_is_sequence(der, dlen)) {
            E("cert.certificates[%u]: not a DER certificate", (unsigned)i);
            return -1;
        }
    }
    const char *subj = NULL, *iss = NULL, *serial = NULL, *from = NULL, *to = NULL;
    if (rc_json_string(cert, "subjectDN", "cert.subjectDN", 1, RC_MAX_TEXT_LEN, &subj, err, errsz) <
            0 ||
        rc_json_string(cert, "issuerDN", "cert.issuerDN", 1, RC_MAX_TEXT_LEN, &iss, err, errsz) <
            0 ||
        rc_json_string(cert, "serialNumber", "cert.serialNumber", 1, 64, &serial, err, errsz) < 0 ||
        rc_json_string(cert, "validFrom", "cert.validFrom", 1, 15, &from, err, errsz) < 0 ||
        rc_json_string(cert, "validTo", "cert.validTo", 1, 15, &to, err, errsz) < 0)
        return -1;
    if (!text_is_hex(serial)) {
        E("cert.serialNumber: not hexadecimal");
        return -1;
    }
    if (!text_is_gentime(from) || !text_is_gentime(to)) {
        E("cert.%s: not YYYYMMDDHHMMSSZ", text_is_gentime(from) ? "validTo" : "validFrom");
        return -1;
    }
    if (dup_into(&out->subject_dn, subj, err, errsz) < 0 ||
        dup_into(&out->issuer_dn, iss, err, errsz) < 0 ||
        dup_into(&out->serial_hex, serial, err, errsz) < 0 ||
        dup_into(&out->valid_from, from, err, errsz) < 0 ||
        dup_into(&out->valid_to, to, err, errsz) < 0)
        return -1;
    return 0;
}

int rc_parse_credential(const char *body, size_t len, const char *id, rssp_credential *out,
                        char *err, size_t errsz)
{
    memset(out, 0, sizeof *out);
    cJSON *j = rc_json_parse(body, len, err, errsz);
    if (!j)
        return -1;
    int rc = -1;
    const cJSON *key = NULL, *cert = NULL;
    const char *desc = NULL;
    int64_t multisign = 0;
    if (dup_into(&out->id, id ? id : "", err, errsz) < 0)
        goto out;
    if (rc_json_string(j, "description", "description", 0, RC_MAX_TEXT_LEN, &desc, err, errsz) <
            0 ||
        rc_json_object(j, "key", "key", 1, &key, err, errsz) < 0 ||
        parse_key(key, out, err, errsz) < 0 ||
        rc_json_object(j, "cert", "cert", 1, &cert, err, errsz) < 0 ||
        parse_cert(cert, out, err, errsz) < 0 ||
        rc_json_int(j, "multisign", "multisign", 1, 1, 1000000, &multisign, err, errsz) < 0)
        goto out;
    if (desc && dup_into(&out->description, desc, err, errsz) < 0)
        goto out;
    out->multisign = (unsigned)multisign;
    rc = 0;
out:
    rc_json_free(j);
    if (rc != 0)
        rssp_credential_free(out);
    return rc;
}

/* ---- authorize / authorizeCheck -------------------------------------------- */

void rc_authz_free(rc_authz *a)
{
    if (!a)
        return;
    rc_free_secret(a->handle);
    memset(a, 0, sizeof *a);
}

int rc_parse_authorize(const char *body, size_t len, rc_authz *out, char *err, size_t errsz)
{
    memset(out, 0, sizeof *out);
    cJSON *j = rc_json_parse(body, len, err, errsz);
    if (!j)
        return -1;
    int rc = -1;
    const char *handle = NULL, *code = NULL;
    int64_t exp = 0, interval = 1;
    if (opaque(j, "handle", "handle", 1, RC_MAX_OPAQUE_LEN, &handle, err, errsz) < 0 ||
        rc_json_string(j, "approvalCode", "approvalCode", 1, 4, &code, err, errsz) < 0)
        goto out;
    if (strlen(code) != 4 || strspn(code, "0123456789") != 4) {
        E("approvalCode: not 4 digits");
        goto out;
    }
    if (rc_json_int(j, "expiresIn", "expiresIn", 1, 1, 86400, &exp, err, errsz) < 0 ||
        rc_json_int(j, "interval", "interval", 0, 0, 3600, &interval, err, errsz) < 0)
        goto out;
    if (dup_into(&out->handle, handle, err, errsz) < 0)
        goto out;
    memcpy(out->code, code, 5);
    out->expires_in = (unsigned)exp;
    out->interval = (unsigned)interval;
    rc = 0;
out:
    rc_json_free(j);
    if (rc != 0)
        rc_authz_free(out);
    return rc;
}

void rc_check_free(rc_check *c)
{
    if (!c)
        return;
    rc_free_secret(c->sad);
    memset(c, 0, sizeof *c);
}

int rc_parse_check(int status, const char *body, size_t len, rc_check *out, char *err, size_t errsz)
{
    memset(out, 0, sizeof *out);
    if (status != 200 && status != 202) {
        E("unexpected HTTP status %d", status);
        return -1;
    }
    cJSON *j = rc_json_parse(body, len, err, errsz);
    if (!j)
        return -1;
    int rc = -1;
    const char *st = NULL, *sad = NULL;
    int64_t exp = 0, interval = 0;
    const char *want = status == 200 ? "approved" : "pending";
    int r = rc_json_string(j, "status", "status", 0, 32, &st, err, errsz);
    if (r < 0)
        goto out;
    if (r == 0 && strcmp(st, want) != 0) {
        E("status: not %s with HTTP %d", want, status);
        goto out;
    }
    if (rc_json_int(j, "expiresIn", "expiresIn", 0, 0, 86400, &exp, err, errsz) < 0)
        goto out;
    if (status == 200) {
        if (opaque(j, "SAD", "SAD", 1, RC_MAX_OPAQUE_LEN, &sad, err, errsz) < 0 ||
            dup_into(&out->sad, sad, err, errsz) < 0)
            goto out;
        out->approved = 1;
    } else {
        if (rc_json_int(j, "interval", "interval", 0, 0, 3600, &interval, err, errsz) < 0)
            goto out;
        out->interval = (unsigned)interval;
    }
    out->expires_in = (unsigned)exp;
    rc = 0;
out:
    rc_json_free(j);
    if (rc != 0)
        rc_check_free(out);
    return rc;
}

/* ---- signHash ------------------------------------------------------------ */

int rc_parse_signatures(const char *body, size_t len, size_t n, rssp_key_type key_type,
                        unsigned key_bits, rssp_signatures *out, char *err, size_t errsz)
{
    memset(out, 0, sizeof *out);
    if (n == 0 || n > RC_MAX_SIGNATURES || key_bits == 0 || key_bits > 16384 ||
        (key_type != RSSP_KEY_RSA && key_type != RSSP_KEY_EC)) {
        E("invalid expectation for the signatures");
        return -1;
    }
    cJSON *j = rc_json_parse(body, len, err, errsz);
    if (!j)
        return -1;
    int rc = -1;
    const cJSON *arr = NULL;
    size_t count = 0;
    size_t kbytes = (key_bits + 7) / 8;
    /* ECDSA-Sig-Value: SEQUENCE header (<= 4) + 2 x (INTEGER header <= 4 + sign byte + value) */
    size_t maxlen = key_type == RSSP_KEY_RSA ? kbytes : 4 + 2 * (4 + 1 + kbytes);
    if (rc_json_array(j, "signatures", "signatures", 1, RC_MAX_SIGNATURES, &arr, &count, err,
                      errsz) < 0)
        goto out;
    if (count != n) {
        E("signatures: %u signatures for %u hashes", (unsigned)count, (unsigned)n);
        goto out;
    }
    out->sigs = calloc(n, sizeof *out->sigs);
    if (!out->sigs) {
        E("out of memory");
        goto out;
    }
    size_t i = 0;
    for (const cJSON *c = arr->child; c; c = c->next, i++) {
        if (!cJSON_IsString(c) || !c->valuestring) {
            E("signatures[%u]: expected a string", (unsigned)i);
            goto out;
        }
        size_t slen = strlen(c->valuestring);
        if (slen == 0 || slen > base64_encoded_len(maxlen)) {
            E("signatures[%u]: %s", (unsigned)i, slen ? "too long" : "empty");
            goto out;
        }
        size_t cap = base64_decoded_max(slen);
        uint8_t *sig = malloc(cap);
        size_t dlen = 0;
        if (!sig) {
            E("out of memory");
            goto out;
        }
        out->sigs[i].der = sig;
        out->n = i + 1;
        if (base64_decode(c->valuestring, slen, sig, cap, &dlen) < 0) {
            E("signatures[%u]: not strict base64", (unsigned)i);
            goto out;
        }
        out->sigs[i].len = dlen;
        if (key_type == RSSP_KEY_RSA && dlen != kbytes) {
            E("signatures[%u]: %u bytes, the RSA-%u key needs %u", (unsigned)i, (unsigned)dlen,
              key_bits, (unsigned)kbytes);
            goto out;
        }
        if (key_type == RSSP_KEY_EC && !rc_der_ecdsa_sig_ok(sig, dlen, kbytes)) {
            E("signatures[%u]: not a DER ECDSA signature for a %u-bit curve", (unsigned)i,
              key_bits);
            goto out;
        }
    }
    out->n = n;
    rc = 0;
out:
    rc_json_free(j);
    if (rc != 0)
        rssp_signatures_free(out);
    return rc;
}

/* ---- the free functions of what the parsers make (rssp_client.h) ---------- */

void rssp_free_strings(char **v, size_t n)
{
    if (!v)
        return;
    for (size_t i = 0; i < n; i++)
        free(v[i]);
    free(v);
}

void rssp_service_info_free(rssp_service_info *i)
{
    if (!i)
        return;
    free(i->name);
    free(i->specs);
    free(i->region);
    memset(i, 0, sizeof *i);
}

void rssp_credential_free(rssp_credential *cr)
{
    if (!cr)
        return;
    free(cr->id);
    free(cr->description);
    free(cr->curve_oid);
    for (size_t i = 0; cr->algos && i < cr->nalgos; i++)
        free(cr->algos[i]);
    free(cr->algos);
    for (size_t i = 0; cr->certs && i < cr->ncerts; i++)
        free(cr->certs[i].der);
    free(cr->certs);
    free(cr->subject_dn);
    free(cr->issuer_dn);
    free(cr->serial_hex);
    free(cr->valid_from);
    free(cr->valid_to);
    memset(cr, 0, sizeof *cr);
}

void rssp_signatures_free(rssp_signatures *s)
{
    if (!s)
        return;
    for (size_t i = 0; s->sigs && i < s->n; i++)
        free(s->sigs[i].der);
    free(s->sigs);
    memset(s, 0, sizeof *s);
}

void rssp_tokens_free(rssp_tokens *t)
{
    if (!t)
        return;
    rc_free_secret(t->access_token);
    rc_free_secret(t->refresh_token);
    free(t->scope);
    memset(t, 0, sizeof *t);
}
