/* svc: the service's internals shared by service.c (lifecycle and router),
 * cred.c (certificates), oauth.c (/oauth2/...) and csc.c (/csc/v2/...). Not part
 * of the transport's interface (service.h). */
#ifndef RSSP_SIM_SVC_H
#define RSSP_SIM_SVC_H

#include <stdatomic.h>
#include <stddef.h>
#include <stdint.h>

#include <cjson/cJSON.h>

#include "base/alg/alg.h"
#include "p11.h"
#include "phone.h"
#include "req.h"
#include "service.h"
#include "simcfg.h"
#include "store.h"

/* A credential as served: static data from sim.json plus what its
 * certificate says (read once at open). */
typedef struct {
    const simcfg_credential *cfg;
    const simcfg_user *owner;
    alg_key_type key_type;
    unsigned key_bits;  /* RSA modulus bits or EC field bits */
    char curve_oid[64]; /* EC: dotted OID of the named curve; else "" */
    uint8_t *der;       /* user certificate */
    size_t der_len;
    char *subject_dn, *issuer_dn; /* RFC 4514, UTF-8 */
    char *serial_hex;
    char valid_from[16], valid_to[16]; /* GeneralizedTime YYYYMMDDHHMMSSZ */
    int64_t not_after_ms;
    char *description; /* "<company> 代表取締役 <name>" */
} svc_cred;

typedef int64_t (*svc_clock_fn)(void *ctx);

struct rsspd_service {
    simcfg cfg;
    p11_token *tok;
    store *st;
    rsspd_options opt;
    char *base_url;
    svc_cred *creds;
    size_t ncreds;
    uint8_t *ca_der; /* registrar CA certificate */
    size_t ca_der_len;
    svc_clock_fn clock; /* milliseconds since the epoch; tests replace it */
    void *clock_ctx;
    unsigned poll_ms; /* long-poll re-read period (25 ms) */
    atomic_int stopping;
    rsspd_phone *phone; /* --phone, or NULL */
};

/* Tests only: replaces the wall clock (NULL restores it). */
void rsspd_service_set_clock(rsspd_service *svc, svc_clock_fn clock, void *ctx);

int64_t svc_now(const rsspd_service *svc);
/* Milliseconds of a monotonic clock (long-poll deadlines). */
int64_t svc_monotonic_ms(void);
void svc_sleep_ms(unsigned ms);

/* base64url of 32 random bytes (43 characters + NUL). 0 or -1. */
int svc_random_token(char out[44]);

/* The credential with that ID if `user` owns it, else NULL (another user's
 * credential is indistinguishable from a missing one). */
const svc_cred *svc_find_cred(const rsspd_service *svc, const char *id, const char *user);

/* Responses. svc_json takes ownership of obj (NULL: 500). */
void svc_json(rsspd_response *rsp, int status, cJSON *obj);
void svc_error(rsspd_response *rsp, const req_err *e);
void svc_html(rsspd_response *rsp, int status, char *html);
void svc_server_error(rsspd_response *rsp);

/* cred.c */
int cred_load_all(rsspd_service *svc, char *err, size_t errsz);
void cred_free_all(rsspd_service *svc);
/* The CSC info object of a credential (credentials/info, credentials/list). */
cJSON *cred_info_json(const rsspd_service *svc, const svc_cred *c, int certificates, int cert_info,
                      int auth_info);

/* oauth.c */
void oauth_authorize(rsspd_service *svc, const rsspd_request *req, rsspd_response *rsp);
void oauth_token(rsspd_service *svc, const rsspd_request *req, rsspd_response *rsp);
void oauth_revoke(rsspd_service *svc, const rsspd_request *req, rsspd_response *rsp);
/* The user of a valid bearer access token (malloc'ed), or NULL with rsp
 * filled (401 invalid_token + WWW-Authenticate, or 500). */
char *oauth_bearer_user(rsspd_service *svc, const rsspd_request *req, rsspd_response *rsp);

/* csc.c */
void csc_info(rsspd_service *svc, const rsspd_request *req, rsspd_response *rsp);
void csc_credentials_list(rsspd_service *svc, const rsspd_request *req, rsspd_response *rsp);
void csc_credentials_info(rsspd_service *svc, const rsspd_request *req, rsspd_response *rsp);
void csc_credentials_authorize(rsspd_service *svc, const rsspd_request *req, rsspd_response *rsp);
void csc_credentials_authorize_check(rsspd_service *svc, const rsspd_request *req,
                                     rsspd_response *rsp);
void csc_signatures_sign_hash(rsspd_service *svc, const rsspd_request *req, rsspd_response *rsp);

#endif
