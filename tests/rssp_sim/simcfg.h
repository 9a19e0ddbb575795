/* simcfg: DIR/sim.json, the reference service's static data written by
 * `crpki-rsspd init` and read by `serve` and by tests. Its format is
 * documented in docs/protocol.md ("Test data directory"). Paths in the
 * structs are absolute (the file stores them relative to DIR). */
#ifndef RSSP_SIM_SIMCFG_H
#define RSSP_SIM_SIMCFG_H

#include <stddef.h>

#include "base/alg/alg.h"

typedef struct {
    char *id; /* credential ID = CKA_LABEL of the private key */
    alg_key_type key_type;
    unsigned key_bits; /* RSA modulus bits, or EC field bits (256) */
    char *curve_oid;   /* EC only, else NULL */
    char *cert_pem;    /* path of the user certificate (PEM) */
} simcfg_credential;

typedef struct {
    char *id;       /* gBizID account ID, e.g. "user1" */
    char *password; /* test login password */
    char *name;     /* representative, UTF-8 Japanese */
    char *company;  /* company name, UTF-8 Japanese */
    char *title;    /* representative's title (代表取締役), may be NULL */
    simcfg_credential *creds;
    size_t ncreds;
} simcfg_user;

typedef struct {
    char *dir; /* absolute DIR */
    char *pkcs11_module;
    char *softhsm2_conf; /* set as SOFTHSM2_CONF before loading the module; may be NULL */
    char *token_label;
    char *user_pin;
    char *so_pin;       /* token SO PIN, may be NULL */
    char *tls_ca_pem;   /* test TLS CA (clients put it in ca_bundle) */
    char *tls_cert_pem; /* server certificate, DNS:localhost + IP:127.0.0.1 + IP:::1 */
    char *tls_key_pem;
    char *registrar_ca_pem; /* the test registrar CA (issuer of user certificates) */
    char *registrar_ca_key; /* its key (PEM, test only), may be NULL */
    char *client_id;        /* the OAuth2 public client ID of the driver: "crpki-driver" */
    simcfg_user *users;
    size_t nusers;
} simcfg;

/* Loads DIR/sim.json. Returns 0, or -1 with a message naming the bad key. */
int simcfg_load(const char *dir, simcfg *out, char *err, size_t errsz);
/* Writes DIR/sim.json atomically from cfg (paths made relative to cfg->dir). */
int simcfg_save(const simcfg *cfg, char *err, size_t errsz);
void simcfg_free(simcfg *cfg);

const simcfg_user *simcfg_find_user(const simcfg *cfg, const char *user_id);
/* The credential with that ID and its owner; NULL if none. */
const simcfg_credential *simcfg_find_credential(const simcfg *cfg, const char *cred_id,
                                                const simcfg_user **owner);

#endif
