/* p11_object: a token's objects and their attributes, answered from the
 * key catalog (p11_core.h), and C_FindObjects over them. */
#include <stdlib.h>
#include <string.h>

#include "p11_internal.h"

unsigned p11_object_of(size_t slot, CK_OBJECT_HANDLE h)
{
    if ((h >> 8) != (CK_ULONG)slot + 1)
        return 0;
    unsigned obj = (unsigned)(h & 0xff);
    if (obj < P11_OBJ_CERT || obj >= P11_OBJ_CHAIN0 + g_p11.slots[slot].key.nchain)
        return 0;
    return obj;
}

/* An attribute's value: a view into the catalog or into tmp. */
typedef struct {
    const void *p;
    size_t len;
    uint8_t tmp[160];
} attr_val;

enum { A_OK, A_SENSITIVE, A_INVALID };

static int set_ulong(attr_val *v, CK_ULONG x)
{
    memcpy(v->tmp, &x, sizeof x);
    v->p = v->tmp;
    v->len = sizeof x;
    return A_OK;
}

static int set_bool(attr_val *v, int b)
{
    v->tmp[0] = b ? CK_TRUE : CK_FALSE;
    v->p = v->tmp;
    v->len = 1;
    return A_OK;
}

static int set_bytes(attr_val *v, const void *p, size_t len)
{
    v->p = p;
    v->len = len;
    return A_OK;
}

/* "YYYYMMDDHHMMSSZ" -> CK_DATE "YYYYMMDD"; empty when absent. */
static int set_date(attr_val *v, const char *gt)
{
    if (!gt || strlen(gt) < 8)
        return set_bytes(v, "", 0);
    memcpy(v->tmp, gt, 8);
    return set_bytes(v, v->tmp, 8);
}

static const uint8_t P256_OID[] = {0x06, 0x08, 0x2a, 0x86, 0x48, 0xce, 0x3d, 0x03, 0x01, 0x07};
static const uint8_t P384_OID[] = {0x06, 0x05, 0x2b, 0x81, 0x04, 0x00, 0x22};

/* What every key object shares (PKCS#11 v2.40 §4.7-4.9), then the public
 * numbers (public and private key alike: applications read the modulus or
 * the curve off the private key). */
static int key_attr(const p11_slot *sl, int priv, CK_ATTRIBUTE_TYPE t, attr_val *v)
{
    const crypto_spki *k = &sl->spki;
    int rsa = sl->key.key_type == CRPKI_KEY_RSA;
    switch (t) {
    case CKA_KEY_TYPE:
        return set_ulong(v, rsa ? CKK_RSA : CKK_EC);
    case CKA_DERIVE:
    case CKA_LOCAL:
    case CKA_ENCRYPT:
    case CKA_DECRYPT:
    case CKA_WRAP:
    case CKA_UNWRAP:
    case CKA_SIGN_RECOVER:
    case CKA_VERIFY_RECOVER:
    case CKA_WRAP_WITH_TRUSTED:
    case CKA_ALWAYS_AUTHENTICATE:
    case CKA_TRUSTED:
        return set_bool(v, 0);
    case CKA_START_DATE:
        return set_date(v, sl->key.valid_from);
    case CKA_END_DATE:
        return set_date(v, sl->key.valid_to);
    case CKA_KEY_GEN_MECHANISM:
        return set_ulong(v, CK_UNAVAILABLE_INFORMATION);
    case CKA_SUBJECT:
        return set_bytes(v, sl->view.subject.p, sl->view.subject.len);
    case CKA_SIGN:
        return set_bool(v, priv);
    case CKA_VERIFY:
        return set_bool(v, !priv);
    case CKA_MODULUS:
        return rsa ? set_bytes(v, k->n, k->nlen) : A_INVALID;
    case CKA_MODULUS_BITS:
        return rsa ? set_ulong(v, sl->key.key_bits) : A_INVALID;
    case CKA_PUBLIC_EXPONENT:
        return rsa ? set_bytes(v, k->e, k->elen) : A_INVALID;
    case CKA_EC_PARAMS:
        if (rsa)
            return A_INVALID;
        return k->curve == CRPKI_CURVE_P256 ? set_bytes(v, P256_OID, sizeof P256_OID)
                                            : set_bytes(v, P384_OID, sizeof P384_OID);
    case CKA_EC_POINT: {
        if (rsa)
            return A_INVALID;
        /* DER OCTET STRING of the uncompressed point (v2.40 §2.3.3) */
        size_t pl = 1 + 2 * k->coord_len;
        v->tmp[0] = 0x04;
        v->tmp[1] = (uint8_t)pl;
        v->tmp[2] = 0x04;
        memcpy(v->tmp + 3, k->x, k->coord_len);
        memcpy(v->tmp + 3 + k->coord_len, k->y, k->coord_len);
        return set_bytes(v, v->tmp, 2 + pl);
    }
    case CKA_ALLOWED_MECHANISMS: {
        CK_MECHANISM_TYPE m[16];
        size_t n = 0;
        static const CK_MECHANISM_TYPE ALL[] = {CKM_RSA_PKCS,
                                                CKM_SHA256_RSA_PKCS,
                                                CKM_SHA384_RSA_PKCS,
                                                CKM_SHA512_RSA_PKCS,
                                                CKM_RSA_PKCS_PSS,
                                                CKM_SHA256_RSA_PKCS_PSS,
                                                CKM_SHA384_RSA_PKCS_PSS,
                                                CKM_SHA512_RSA_PKCS_PSS,
                                                CKM_ECDSA,
                                                CKM_ECDSA_SHA256,
                                                CKM_ECDSA_SHA384,
                                                CKM_ECDSA_SHA512};
        for (size_t i = 0; i < sizeof ALL / sizeof ALL[0]; i++)
            if (p11_mech_find(ALL[i])->key == sl->key.key_type)
                m[n++] = ALL[i];
        memcpy(v->tmp, m, n * sizeof m[0]);
        return set_bytes(v, v->tmp, n * sizeof m[0]);
    }
    default:
        break;
    }
    if (!priv)
        return A_INVALID;
    switch (t) {
    case CKA_SENSITIVE:
    case CKA_ALWAYS_SENSITIVE:
    case CKA_NEVER_EXTRACTABLE:
        return set_bool(v, 1);
    case CKA_EXTRACTABLE:
        return set_bool(v, 0);
    case CKA_VALUE:
    case CKA_PRIVATE_EXPONENT:
    case CKA_PRIME_1:
    case CKA_PRIME_2:
    case CKA_EXPONENT_1:
    case CKA_EXPONENT_2:
    case CKA_COEFFICIENT:
        return A_SENSITIVE; /* in the service's HSM, never here */
    default:
        return A_INVALID;
    }
}

static int cert_attr(const p11_slot *sl, unsigned obj, CK_ATTRIBUTE_TYPE t, attr_val *v)
{
    const catalog_blob *c =
        obj == P11_OBJ_CERT ? &sl->key.cert : &sl->key.chain[obj - P11_OBJ_CHAIN0];
    const crypto_cert_view *cv =
        obj == P11_OBJ_CERT ? &sl->view : &sl->chain_view[obj - P11_OBJ_CHAIN0];
    switch (t) {
    case CKA_CERTIFICATE_TYPE:
        return set_ulong(v, CKC_X_509);
    case CKA_TRUSTED:
        return set_bool(v, 0);
    case CKA_CERTIFICATE_CATEGORY: /* 1 token user, 2 authority */
        return set_ulong(v, obj == P11_OBJ_CERT ? 1 : 2);
    case CKA_VALUE:
        return set_bytes(v, c->der, c->len);
    case CKA_SUBJECT:
        return set_bytes(v, cv->subject.p, cv->subject.len);
    case CKA_ISSUER:
        return set_bytes(v, cv->issuer.p, cv->issuer.len);
    case CKA_SERIAL_NUMBER:
        return set_bytes(v, cv->serial.p, cv->serial.len);
    case CKA_START_DATE:
        return obj == P11_OBJ_CERT ? set_date(v, sl->key.valid_from) : set_bytes(v, "", 0);
    case CKA_END_DATE:
        return obj == P11_OBJ_CERT ? set_date(v, sl->key.valid_to) : set_bytes(v, "", 0);
    case CKA_JAVA_MIDP_SECURITY_DOMAIN:
        return set_ulong(v, 0);
    default:
        return A_INVALID;
    }
}

static int attr_get(size_t slot, unsigned obj, CK_ATTRIBUTE_TYPE t, attr_val *v)
{
    const p11_slot *sl = &g_p11.slots[slot];
    int cert = obj == P11_OBJ_CERT || obj >= P11_OBJ_CHAIN0;
    switch (t) {
    case CKA_CLASS:
        return set_ulong(v, cert                 ? CKO_CERTIFICATE
                            : obj == P11_OBJ_PUB ? CKO_PUBLIC_KEY
                                                 : CKO_PRIVATE_KEY);
    case CKA_TOKEN:
        return set_bool(v, 1);
    case CKA_PRIVATE: /* readable without login: there is no login */
    case CKA_MODIFIABLE:
    case CKA_COPYABLE:
    case CKA_DESTROYABLE:
        return set_bool(v, 0);
    case CKA_LABEL: {
        /* the credential ID: stable, ASCII, what an alias on a command line
           names (the token's label carries the holder's name) */
        if (obj >= P11_OBJ_CHAIN0)
            return set_bytes(v, "", 0);
        return set_bytes(v, sl->key.credential_id, strlen(sl->key.credential_id));
    }
    case CKA_ID:
        if (obj >= P11_OBJ_CHAIN0)
            return set_bytes(v, "", 0);
        return set_bytes(v, sl->key.credential_id, strlen(sl->key.credential_id));
    default:
        break;
    }
    return cert ? cert_attr(sl, obj, t, v) : key_attr(sl, obj == P11_OBJ_PRIV, t, v);
}

CK_RV p11_get_attribute_value(CK_SESSION_HANDLE h, CK_OBJECT_HANDLE obj, CK_ATTRIBUTE_PTR templ,
                              CK_ULONG count)
{
    p11_lock();
    p11_session *s;
    CK_RV rv = p11_session_get(h, &s);
    unsigned o = 0;
    if (rv == CKR_OK && !(o = p11_object_of(s->slot, obj)))
        rv = CKR_OBJECT_HANDLE_INVALID;
    else if (rv == CKR_OK && !templ && count)
        rv = CKR_ARGUMENTS_BAD;
    /* every attribute is answered; when several fail, the code told is the
       most telling: sensitive, then unknown type, then a short buffer */
    CK_RV worst = CKR_OK;
    for (CK_ULONG i = 0; rv == CKR_OK && i < count; i++) {
        attr_val v;
        int a = attr_get(s->slot, o, templ[i].type, &v);
        if (a != A_OK) {
            templ[i].ulValueLen = CK_UNAVAILABLE_INFORMATION;
            worst = a == A_SENSITIVE                   ? CKR_ATTRIBUTE_SENSITIVE
                    : worst == CKR_ATTRIBUTE_SENSITIVE ? worst
                                                       : CKR_ATTRIBUTE_TYPE_INVALID;
        } else if (!templ[i].pValue) {
            templ[i].ulValueLen = (CK_ULONG)v.len;
        } else if (templ[i].ulValueLen < v.len) {
            templ[i].ulValueLen = CK_UNAVAILABLE_INFORMATION;
            if (worst == CKR_OK)
                worst = CKR_BUFFER_TOO_SMALL;
        } else {
            if (v.len)
                memcpy(templ[i].pValue, v.p, v.len);
            templ[i].ulValueLen = (CK_ULONG)v.len;
        }
    }
    p11_unlock();
    return rv != CKR_OK ? rv : worst;
}

CK_RV p11_get_object_size(CK_SESSION_HANDLE h, CK_OBJECT_HANDLE obj, CK_ULONG_PTR size)
{
    p11_lock();
    p11_session *s;
    CK_RV rv = p11_session_get(h, &s);
    if (rv == CKR_OK && !p11_object_of(s->slot, obj))
        rv = CKR_OBJECT_HANDLE_INVALID;
    else if (rv == CKR_OK && !size)
        rv = CKR_ARGUMENTS_BAD;
    else if (rv == CKR_OK)
        *size = CK_UNAVAILABLE_INFORMATION;
    p11_unlock();
    return rv;
}

/* Lock held: does object o of the session's token match every attribute? */
static int matches(const p11_session *s, unsigned o, const CK_ATTRIBUTE *templ, CK_ULONG count)
{
    for (CK_ULONG i = 0; i < count; i++) {
        attr_val v;
        if (attr_get(s->slot, o, templ[i].type, &v) != A_OK || templ[i].ulValueLen != v.len ||
            (v.len && (!templ[i].pValue || memcmp(templ[i].pValue, v.p, v.len) != 0)))
            return 0;
    }
    return 1;
}

CK_RV p11_find_objects_init(CK_SESSION_HANDLE h, CK_ATTRIBUTE_PTR templ, CK_ULONG count)
{
    p11_lock();
    p11_session *s;
    CK_RV rv = p11_session_get(h, &s);
    if (rv == CKR_OK && !templ && count)
        rv = CKR_ARGUMENTS_BAD;
    else if (rv == CKR_OK && s->find_active)
        rv = CKR_OPERATION_ACTIVE;
    if (rv == CKR_OK) {
        s->nfound = s->pos = 0;
        unsigned last = P11_OBJ_CHAIN0 + (unsigned)g_p11.slots[s->slot].key.nchain;
        for (unsigned o = P11_OBJ_CERT; o < last; o++)
            if (matches(s, o, templ, count))
                s->found[s->nfound++] = P11_HANDLE(s->slot, o);
        s->find_active = 1;
    }
    p11_unlock();
    return rv;
}

CK_RV p11_find_objects(CK_SESSION_HANDLE h, CK_OBJECT_HANDLE_PTR out, CK_ULONG max,
                       CK_ULONG_PTR count)
{
    p11_lock();
    p11_session *s;
    CK_RV rv = p11_session_get(h, &s);
    if (rv == CKR_OK && (!count || (!out && max)))
        rv = CKR_ARGUMENTS_BAD;
    else if (rv == CKR_OK && !s->find_active)
        rv = CKR_OPERATION_NOT_INITIALIZED;
    if (rv == CKR_OK) {
        CK_ULONG n = 0;
        while (n < max && s->pos < s->nfound)
            out[n++] = s->found[s->pos++];
        *count = n;
    }
    p11_unlock();
    return rv;
}

CK_RV p11_find_objects_final(CK_SESSION_HANDLE h)
{
    p11_lock();
    p11_session *s;
    CK_RV rv = p11_session_get(h, &s);
    if (rv == CKR_OK && !s->find_active)
        rv = CKR_OPERATION_NOT_INITIALIZED;
    if (rv == CKR_OK)
        s->find_active = 0;
    p11_unlock();
    return rv;
}
