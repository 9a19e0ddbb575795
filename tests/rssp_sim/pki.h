/* pki: the reference service's test PKI, built with OpenSSL 3.
 *
 * - The test registrar CA stands in for the Ministry of Justice's commercial
 *   registration CA (登記所認証局). It is a TEST CA, named so in its subject;
 *   its key is an unencrypted PEM file (DIR/pki/registrar-ca.key, 0600) so
 *   that more certificates can be issued later. Never trust it anywhere.
 * - User certificates (商業登記電子証明書 stand-ins) certify a public key
 *   generated in the token, with the company's and representative's names as
 *   UTF8String.
 * - A separate test TLS CA issues the HTTPS server certificate of the service
 *   (localhost, 127.0.0.1, ::1). Its key is not kept.
 *
 * All functions return 0, or -1 with a message in err. */
#ifndef RSSP_SIM_PKI_H
#define RSSP_SIM_PKI_H

#include <stddef.h>
#include <stdint.h>

#include <openssl/evp.h>
#include <openssl/x509.h>

typedef struct {
    X509 *cert;
    EVP_PKEY *key;
} pki_issuer;

/* Self-signed RSA-2048/SHA-256 CA certificates, valid 10 years:
 * registrar: C=JP, O=Ministry of Justice (TEST), OU=Commercial Registration
 *            Authority (TEST), CN=Registrar CA TEST
 * TLS:       C=JP, O=crpki-rsspd (TEST), CN=crpki-rsspd Test TLS CA */
int pki_create_registrar_ca(pki_issuer *out, char *err, size_t errsz);
int pki_create_tls_ca(pki_issuer *out, char *err, size_t errsz);
void pki_issuer_free(pki_issuer *ca);

/* Loads a CA certificate and its key (PEM files). */
int pki_load_issuer(const char *cert_pem, const char *key_pem, pki_issuer *out, char *err,
                    size_t errsz);

/* Subject of a user certificate; UTF-8 strings; NULL members are omitted
 * (name is required). C=JP always. */
typedef struct {
    const char *state;    /* ST, e.g. 東京都 */
    const char *locality; /* L,  e.g. 千代田区 */
    const char *company;  /* O,  e.g. 株式会社テスト商事 */
    const char *title;    /* title, e.g. 代表取締役 */
    const char *name;     /* CN, e.g. 山田 太郎 */
} pki_user_subject;

/* Issues a user certificate for the public key `spki` (DER
 * SubjectPublicKeyInfo): SHA-256, random positive 128-bit serial, valid from
 * one day ago for `days` days (0: 3 years), keyUsage digitalSignature +
 * nonRepudiation (critical), basicConstraints CA:FALSE, SKI, AKI. */
int pki_issue_user_cert(const pki_issuer *ca, const pki_user_subject *subj, const uint8_t *spki,
                        size_t spki_len, unsigned days, X509 **out, char *err, size_t errsz);

/* Generates an RSA-2048 server key and a certificate for CN=localhost with
 * subjectAltName DNS:localhost, IP:127.0.0.1, IP:::1, extendedKeyUsage
 * serverAuth, keyUsage digitalSignature + keyEncipherment, valid 3 years. */
int pki_issue_server_cert(const pki_issuer *ca, EVP_PKEY **key_out, X509 **cert_out, char *err,
                          size_t errsz);

/* File output. Certificates are written 0644, keys (unencrypted PKCS#8 PEM)
 * 0600; an existing file is replaced atomically. */
int pki_write_cert_pem(const char *path, X509 *cert, char *err, size_t errsz);
int pki_write_cert_der(const char *path, X509 *cert, char *err, size_t errsz);
int pki_write_key_pem(const char *path, EVP_PKEY *key, char *err, size_t errsz);

/* Reads a PEM certificate file (first certificate). */
X509 *pki_read_cert_pem(const char *path, char *err, size_t errsz);

#endif
