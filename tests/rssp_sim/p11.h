/* p11: the reference service's only door to its keys, a PKCS#11 token.
 * The module path is configuration, so SoftHSM2 here and a real HSM's module
 * elsewhere. Private keys are generated inside the token (CKA_SENSITIVE,
 * non-extractable) and never leave it. Keys are found by CKA_LABEL, which is
 * the credential ID. All functions are safe to call from several threads at
 * once on one token.
 *
 * SoftHSM2 reads its configuration when the module is initialized: callers
 * must setenv("SOFTHSM2_CONF", <sim.json's pkcs11.softhsm2_conf>) before the
 * first p11_open / p11_init_token of the process (init and
 * rsspd_service_open do).
 * Several p11_token of one process share the loaded module (one
 * C_Initialize, reference counted; the last p11_close finalizes it) and its
 * login. */
#ifndef RSSP_SIM_P11_H
#define RSSP_SIM_P11_H

#include <stddef.h>
#include <stdint.h>

#include "base/alg/alg.h"

typedef struct p11_token p11_token;

/* Loads the module, initializes it, finds the token by label and logs in
 * with the user PIN. On failure returns -1 and writes a message to err. */
int p11_open(const char *module_path, const char *token_label, const char *user_pin,
             p11_token **out, char *err, size_t errsz);
void p11_close(p11_token *tok);

/* Creates and initializes a token with that label in the first free slot
 * (SoftHSM2 style: C_InitToken + C_InitPIN), for `crpki-rsspd init`. */
int p11_init_token(const char *module_path, const char *token_label, const char *so_pin,
                   const char *user_pin, char *err, size_t errsz);

/* Generates a key pair in the token, private key labelled `label`.
 * RSA: bits = 2048/3072/4096. EC: curve_oid = CRPKI_OID_P256 or P384.
 * Writes the public key as DER SubjectPublicKeyInfo (malloc'ed). */
int p11_generate_rsa(p11_token *tok, const char *label, unsigned bits, uint8_t **spki,
                     size_t *spki_len, char *err, size_t errsz);
int p11_generate_ec(p11_token *tok, const char *label, const char *curve_oid, uint8_t **spki,
                    size_t *spki_len, char *err, size_t errsz);

typedef struct {
    alg_sig_scheme scheme; /* PKCS1: data is a DigestInfo; PSS and ECDSA: data is the hash */
    alg_hash_id pss_hash;  /* PSS: hash and MGF1 hash */
    unsigned long pss_salt_len;
} p11_mech;

/* Signs with the private key labelled `label`. For ECDSA the result is the
 * DER ECDSA-Sig-Value (converted from the token's r||s). *sig_len is in:
 * capacity, out: length. Returns 0, or -1 with a message (unknown label,
 * mechanism refused, buffer too small, token error). */
int p11_sign(p11_token *tok, const char *label, const p11_mech *mech, const uint8_t *data,
             size_t data_len, uint8_t *sig, size_t *sig_len, char *err, size_t errsz);

#endif
