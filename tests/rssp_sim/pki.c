/* pki: test CAs and certificates for the reference service (see pki.h). */
#define _POSIX_C_SOURCE 200809L

#include "pki.h"
#include "base/util/errbuf.h"

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <openssl/bn.h>
#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/rand.h>
#include <openssl/rsa.h>
#include <openssl/x509v3.h>

#define CA_DAYS   3650
#define LEAF_DAYS 1095 /* 3 years */
#define DAY_S     (24L * 60 * 60)

/* A message, then the OpenSSL error behind it, if any. */
#define seterr(err, errsz, ...)                                                                    \
    do {                                                                                           \
        errbuf_set(err, errsz, __VA_ARGS__);                                                       \
        append_openssl_error(err, errsz);                                                          \
    } while (0)

static void append_openssl_error(char *err, size_t errsz)
{
    unsigned long e = ERR_get_error();
    if (e) {
        char buf[256];
        ERR_error_string_n(e, buf, sizeof buf);
        errbuf_append(err, errsz, " (%s)", buf);
    }
    ERR_clear_error();
}

static EVP_PKEY *gen_rsa(unsigned bits)
{
    EVP_PKEY *key = NULL;
    EVP_PKEY_CTX *ctx = EVP_PKEY_CTX_new_from_name(NULL, "RSA", NULL);
    if (!ctx || EVP_PKEY_keygen_init(ctx) != 1 ||
        EVP_PKEY_CTX_set_rsa_keygen_bits(ctx, (int)bits) != 1 || EVP_PKEY_keygen(ctx, &key) != 1)
        key = NULL;
    EVP_PKEY_CTX_free(ctx);
    return key;
}

/* Random positive 128-bit serial with the top byte non-zero, so that it is
 * always exactly 16 bytes. */
static int set_random_serial(X509 *cert)
{
    unsigned char b[16];
    if (RAND_bytes(b, sizeof b) != 1)
        return -1;
    b[0] = (unsigned char)((b[0] & 0x7f) | 0x40);
    BIGNUM *bn = BN_bin2bn(b, sizeof b, NULL);
    ASN1_INTEGER *ser = bn ? BN_to_ASN1_INTEGER(bn, NULL) : NULL;
    int ok = ser && X509_set_serialNumber(cert, ser) == 1;
    ASN1_INTEGER_free(ser);
    BN_free(bn);
    return ok ? 0 : -1;
}

static int set_validity(X509 *cert, unsigned days)
{
    return X509_gmtime_adj(X509_getm_notBefore(cert), -DAY_S) &&
                   X509_gmtime_adj(X509_getm_notAfter(cert), (long)days * DAY_S)
               ? 0
               : -1;
}

/* Adds a name entry; MBSTRING_UTF8 validates the UTF-8 and (with OpenSSL's
 * default "utf8only" mask) encodes every attribute but C as UTF8String. */
static int name_add(X509_NAME *n, int nid, const char *value)
{
    if (!value)
        return 0;
    return X509_NAME_add_entry_by_NID(n, nid, MBSTRING_UTF8, (const unsigned char *)value, -1, -1,
                                      0) == 1
               ? 0
               : -1;
}

static int add_ext(X509 *cert, X509V3_CTX *ctx, int nid, const char *value)
{
    X509_EXTENSION *ex = X509V3_EXT_conf_nid(NULL, ctx, nid, value);
    if (!ex)
        return -1;
    int ok = X509_add_ext(cert, ex, -1) == 1;
    X509_EXTENSION_free(ex);
    return ok ? 0 : -1;
}

typedef struct {
    int nid;
    const char *value;
} ext_spec;

static int add_exts(X509 *cert, X509 *issuer, const ext_spec *exts, size_t n)
{
    X509V3_CTX ctx;
    X509V3_set_ctx(&ctx, issuer ? issuer : cert, cert, NULL, NULL, 0);
    for (size_t i = 0; i < n; i++)
        if (add_ext(cert, &ctx, exts[i].nid, exts[i].value) != 0)
            return -1;
    return 0;
}

static int create_ca(pki_issuer *out, const char *const *subject, size_t nsubject, char *err,
                     size_t errsz)
{
    static const int nids[] = {NID_countryName, NID_organizationName, NID_organizationalUnitName,
                               NID_commonName};
    out->cert = NULL;
    out->key = gen_rsa(2048);
    if (!out->key) {
        seterr(err, errsz, "pki: cannot generate the CA key");
        return -1;
    }
    X509 *c = X509_new();
    X509_NAME *name = X509_NAME_new();
    int ok = c && name && X509_set_version(c, X509_VERSION_3) == 1 && set_random_serial(c) == 0 &&
             set_validity(c, CA_DAYS) == 0;
    for (size_t i = 0; ok && i < nsubject; i++)
        ok = subject[i] == NULL || name_add(name, nids[i], subject[i]) == 0;
    ok = ok && X509_set_subject_name(c, name) == 1 && X509_set_issuer_name(c, name) == 1 &&
         X509_set_pubkey(c, out->key) == 1;
    static const ext_spec exts[] = {
        {NID_basic_constraints, "critical,CA:TRUE,pathlen:0"},
        {NID_key_usage, "critical,keyCertSign,cRLSign"},
        {NID_subject_key_identifier, "hash"},
        {NID_authority_key_identifier, "keyid:always"},
    };
    ok = ok && add_exts(c, NULL, exts, sizeof exts / sizeof exts[0]) == 0 &&
         X509_sign(c, out->key, EVP_sha256()) > 0;
    X509_NAME_free(name);
    if (!ok) {
        seterr(err, errsz, "pki: cannot build the CA certificate");
        X509_free(c);
        EVP_PKEY_free(out->key);
        out->key = NULL;
        return -1;
    }
    out->cert = c;
    return 0;
}

int pki_create_registrar_ca(pki_issuer *out, char *err, size_t errsz)
{
    static const char *const subj[] = {"JP", "Ministry of Justice (TEST)",
                                       "Commercial Registration Authority (TEST)",
                                       "Registrar CA TEST"};
    return create_ca(out, subj, 4, err, errsz);
}

int pki_create_tls_ca(pki_issuer *out, char *err, size_t errsz)
{
    static const char *const subj[] = {"JP", "crpki-rsspd (TEST)", NULL, "crpki-rsspd Test TLS CA"};
    return create_ca(out, subj, 4, err, errsz);
}

void pki_issuer_free(pki_issuer *ca)
{
    if (!ca)
        return;
    X509_free(ca->cert);
    EVP_PKEY_free(ca->key);
    ca->cert = NULL;
    ca->key = NULL;
}

int pki_load_issuer(const char *cert_pem, const char *key_pem, pki_issuer *out, char *err,
                    size_t errsz)
{
    out->cert = pki_read_cert_pem(cert_pem, err, errsz);
    if (!out->cert)
        return -1;
    FILE *f = fopen(key_pem, "r");
    if (!f) {
        seterr(err, errsz, "pki: cannot open %s: %s", key_pem, strerror(errno));
        pki_issuer_free(out);
        return -1;
    }
    out->key = PEM_read_PrivateKey(f, NULL, NULL, NULL);
    fclose(f);
    if (!out->key || X509_check_private_key(out->cert, out->key) != 1) {
        seterr(err, errsz, "pki: %s is not the key of %s", key_pem, cert_pem);
        pki_issuer_free(out);
        return -1;
    }
    return 0;
}

/* Common body of a certificate issued by `ca`. */
static X509 *new_leaf(const pki_issuer *ca, EVP_PKEY *pub, X509_NAME *subject, unsigned days)
{
    X509 *c = X509_new();
    if (!c || X509_set_version(c, X509_VERSION_3) != 1 || set_random_serial(c) != 0 ||
        set_validity(c, days) != 0 || X509_set_subject_name(c, subject) != 1 ||
        X509_set_issuer_name(c, X509_get_subject_name(ca->cert)) != 1 ||
        X509_set_pubkey(c, pub) != 1) {
        X509_free(c);
        return NULL;
    }
    return c;
}

int pki_issue_user_cert(const pki_issuer *ca, const pki_user_subject *subj, const uint8_t *spki,
                        size_t spki_len, unsigned days, X509 **out, char *err, size_t errsz)
{
    *out = NULL;
    if (!ca || !ca->cert || !ca->key || !subj || !subj->name || !spki) {
        seterr(err, errsz, "pki: user certificate: bad arguments");
        return -1;
    }
    const unsigned char *p = spki;
    EVP_PKEY *pub = d2i_PUBKEY(NULL, &p, (long)spki_len);
    if (!pub || p != spki + spki_len) {
        EVP_PKEY_free(pub);
        seterr(err, errsz, "pki: the public key is not a DER SubjectPublicKeyInfo");
        return -1;
    }
    X509_NAME *name = X509_NAME_new();
    int ok = name && name_add(name, NID_countryName, "JP") == 0 &&
             name_add(name, NID_stateOrProvinceName, subj->state) == 0 &&
             name_add(name, NID_localityName, subj->locality) == 0 &&
             name_add(name, NID_organizationName, subj->company) == 0 &&
             name_add(name, NID_title, subj->title) == 0 &&
             name_add(name, NID_commonName, subj->name) == 0;
    if (!ok) {
        X509_NAME_free(name);
        EVP_PKEY_free(pub);
        seterr(err, errsz, "pki: bad subject name (not UTF-8, or too long)");
        return -1;
    }
    X509 *c = new_leaf(ca, pub, name, days ? days : LEAF_DAYS);
    static const ext_spec exts[] = {
        {NID_basic_constraints, "CA:FALSE"},
        {NID_key_usage, "critical,digitalSignature,nonRepudiation"},
        {NID_subject_key_identifier, "hash"},
        {NID_authority_key_identifier, "keyid:always"},
    };
    ok = c && add_exts(c, ca->cert, exts, sizeof exts / sizeof exts[0]) == 0 &&
         X509_sign(c, ca->key, EVP_sha256()) > 0;
    X509_NAME_free(name);
    EVP_PKEY_free(pub);
    if (!ok) {
        X509_free(c);
        seterr(err, errsz, "pki: cannot build the user certificate");
        return -1;
    }
    *out = c;
    return 0;
}

int pki_issue_server_cert(const pki_issuer *ca, EVP_PKEY **key_out, X509 **cert_out, char *err,
                          size_t errsz)
{
    *key_out = NULL;
    *cert_out = NULL;
    EVP_PKEY *key = gen_rsa(2048);
    if (!key) {
        seterr(err, errsz, "pki: cannot generate the server key");
        return -1;
    }
    X509_NAME *name = X509_NAME_new();
    int ok = name && name_add(name, NID_countryName, "JP") == 0 &&
             name_add(name, NID_organizationName, "crpki-rsspd (TEST)") == 0 &&
             name_add(name, NID_commonName, "localhost") == 0;
    X509 *c = ok ? new_leaf(ca, key, name, LEAF_DAYS) : NULL;
    static const ext_spec exts[] = {
        {NID_basic_constraints, "CA:FALSE"},
        {NID_key_usage, "critical,digitalSignature,keyEncipherment"},
        {NID_ext_key_usage, "serverAuth"},
        /* rssp.crpki.test: a name that is not loopback, for the proxy tests
         * (tests/support/testproxy.h reaches *.crpki.test at 127.0.0.1) */
        {NID_subject_alt_name, "DNS:localhost,DNS:rssp.crpki.test,IP:127.0.0.1,IP:::1"},
        {NID_subject_key_identifier, "hash"},
        {NID_authority_key_identifier, "keyid:always"},
    };
    ok = c && add_exts(c, ca->cert, exts, sizeof exts / sizeof exts[0]) == 0 &&
         X509_sign(c, ca->key, EVP_sha256()) > 0;
    X509_NAME_free(name);
    if (!ok) {
        X509_free(c);
        EVP_PKEY_free(key);
        seterr(err, errsz, "pki: cannot build the server certificate");
        return -1;
    }
    *key_out = key;
    *cert_out = c;
    return 0;
}

/* ---- files ---------------------------------------------------------------- */

typedef int (*writer_fn)(FILE *f, void *obj);

/* Writes path.tmp with `mode`, fsyncs it and renames it over path. */
static int write_atomic(const char *path, mode_t mode, writer_fn fn, void *obj, char *err,
                        size_t errsz)
{
    size_t n = strlen(path) + 5;
    char *tmp = malloc(n);
    if (!tmp) {
        seterr(err, errsz, "out of memory");
        return -1;
    }
    snprintf(tmp, n, "%s.tmp", path);
    int fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, mode);
    if (fd < 0) {
        seterr(err, errsz, "pki: cannot create %s: %s", tmp, strerror(errno));
        free(tmp);
        return -1;
    }
    (void)fchmod(fd, mode); /* the umask may have narrowed it; keys stay 0600 either way */
    FILE *f = fdopen(fd, "wb");
    if (!f) {
        close(fd);
        unlink(tmp);
        free(tmp);
        seterr(err, errsz, "pki: cannot write %s", path);
        return -1;
    }
    int ok = fn(f, obj) == 1 && fflush(f) == 0 && fsync(fileno(f)) == 0;
    if (fclose(f) != 0)
        ok = 0;
    if (!ok || rename(tmp, path) != 0) {
        seterr(err, errsz, "pki: cannot write %s: %s", path, ok ? strerror(errno) : "I/O error");
        unlink(tmp);
        free(tmp);
        return -1;
    }
    free(tmp);
    return 0;
}

static int w_cert_pem(FILE *f, void *obj)
{
    return PEM_write_X509(f, obj);
}

static int w_cert_der(FILE *f, void *obj)
{
    return i2d_X509_fp(f, obj);
}

static int w_key_pem(FILE *f, void *obj)
{
    return PEM_write_PrivateKey(f, obj, NULL, NULL, 0, NULL, NULL);
}

int pki_write_cert_pem(const char *path, X509 *cert, char *err, size_t errsz)
{
    return write_atomic(path, 0644, w_cert_pem, cert, err, errsz);
}

int pki_write_cert_der(const char *path, X509 *cert, char *err, size_t errsz)
{
    return write_atomic(path, 0644, w_cert_der, cert, err, errsz);
}

int pki_write_key_pem(const char *path, EVP_PKEY *key, char *err, size_t errsz)
{
    return write_atomic(path, 0600, w_key_pem, key, err, errsz);
}

X509 *pki_read_cert_pem(const char *path, char *err, size_t errsz)
{
    FILE *f = fopen(path, "r");
    if (!f) {
        seterr(err, errsz, "pki: cannot open %s: %s", path, strerror(errno));
        return NULL;
    }
    X509 *c = PEM_read_X509(f, NULL, NULL, NULL);
    fclose(f);
    if (!c)
        seterr(err, errsz, "pki: %s holds no PEM certificate", path);
    return c;
}
