#include "rc_sign.h"
#include "rc_json.h"
#include "base/error/fail.h"

#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "base/alg/alg.h"
#include "base/util/derw.h"
#include "base/log/log.h"
#include "rc_client.h"
#include "rc_errmap.h"
#include "rc_parse.h"
#include "rc_util.h"
#include "base/util/base64.h"
#include "base/util/errbuf.h"
#include "base/util/text.h"
#include "base/util/utf8.h"
#include "base/platform/plat_clock.h"
#include "base/platform/plat_random.h"

#define LOG_MODULE "rssp"
/* authorize's requestID: 128 random bits, base64url (22 characters) */
#define RC_REQUEST_ID_BYTES 16

/* ---- pure pieces --------------------------------------------------------------- */

size_t rc_pss_params_der(const char *hash_oid, unsigned salt, uint8_t *out, size_t outsz)
{
    const alg_hash_info *h = alg_hash_by_oid(hash_oid);
    if (!h || (h->id != CRPKI_HASH_SHA1 && h->id != CRPKI_HASH_SHA256 &&
               h->id != CRPKI_HASH_SHA384 && h->id != CRPKI_HASH_SHA512))
        return 0;
    strbuf body = {0};
    if (h->id != CRPKI_HASH_SHA1) {
        /* [0] hashAlgorithm; [1] maskGenAlgorithm { mgf1, hashAlgorithm } */
        strbuf a = {0}, m = {0}, ms = {0};
        derw_algid(&a, h->oid, 1);
        derw_wrap(&body, 0xA0, &a);
        derw_oid(&m, CRPKI_OID_MGF1);
        derw_algid(&m, h->oid, 1);
        derw_wrap(&ms, 0x30, &m);
        derw_wrap(&body, 0xA1, &ms);
    }
    if (salt != 20) {
        /* [2] saltLength INTEGER */
        strbuf i = {0};
        derw_uint(&i, salt);
        derw_wrap(&body, 0xA2, &i);
    }
    strbuf o = {0};
    derw_wrap(&o, 0x30, &body);
    size_t n = o.oom || o.len > outsz ? 0 : o.len;
    if (n)
        memcpy(out, o.p, n);
    strbuf_free(&o);
    return n;
}

const char *rc_sign_algo_oid(rssp_sig_scheme scheme, const char *hash_oid)
{
    const alg_hash_info *h = alg_hash_by_oid(hash_oid);
    if (!h)
        return NULL;
    switch (scheme) {
    case RSSP_SIG_RSA_PKCS1:
        return CRPKI_OID_RSA_ENCRYPTION;
    case RSSP_SIG_RSA_PSS:
        return CRPKI_OID_RSASSA_PSS;
    case RSSP_SIG_ECDSA: {
        const char *const *algs = alg_sigalgs_for_key(CRPKI_KEY_EC);
        for (size_t i = 0; algs && algs[i]; i++) {
            const alg_sigalg_info *sa = alg_sigalg_by_oid(algs[i]);
            if (sa && sa->scheme == CRPKI_PAD_ECDSA && sa->hash == h->id)
                return sa->oid;
        }
        return NULL;
    }
    default:
        return NULL;
    }
}

#define E(...) errbuf_set(err, errsz, __VA_ARGS__)

crpki_err rc_sign_check_request(const rssp_sign_request *req, char *err, size_t errsz)
{
    if (!req) {
        E("request: NULL");
        return CRPKI_E_INVALID_ARG;
    }
    if (!rc_printable_token(req->credential_id) || strlen(req->credential_id) > RC_MAX_ID_LEN) {
        E("credential_id: empty, too long or not printable ASCII");
        return CRPKI_E_INVALID_ARG;
    }
    if (req->key_type == RSSP_KEY_RSA) {
        if (req->key_bits < 1024 || req->key_bits > 16384) {
            E("key_bits: out of range for RSA (1024-16384)");
            return CRPKI_E_INVALID_ARG;
        }
        if (req->scheme != RSSP_SIG_RSA_PKCS1 && req->scheme != RSSP_SIG_RSA_PSS) {
            E("scheme: not an RSA scheme");
            return CRPKI_E_INVALID_ARG;
        }
    } else if (req->key_type == RSSP_KEY_EC) {
        if (req->key_bits < 160 || req->key_bits > 521) {
            E("key_bits: out of range for EC (160-521)");
            return CRPKI_E_INVALID_ARG;
        }
        if (req->scheme != RSSP_SIG_ECDSA) {
            E("scheme: an EC key signs with RSSP_SIG_ECDSA only");
            return CRPKI_E_INVALID_ARG;
        }
    } else {
        E("key_type: neither RSA nor EC");
        return CRPKI_E_INVALID_ARG;
    }
    const alg_hash_info *h = alg_hash_by_oid(req->hash_oid);
    if (!req->hash_oid || !h) {
        E("hash_oid: unknown hash algorithm");
        return req->hash_oid ? CRPKI_E_UNSUPPORTED_ALG : CRPKI_E_INVALID_ARG;
    }
    if (!alg_hash_signable(h->id)) {
        E("hash_oid: SHA-1 and MD5 are refused for signing (collisions); use SHA-256/384/512");
        return CRPKI_E_UNSUPPORTED_ALG;
    }
    if (!rc_sign_algo_oid(req->scheme, req->hash_oid)) {
        E("scheme: no signature algorithm for this hash");
        return CRPKI_E_UNSUPPORTED_ALG;
    }
    if (req->scheme == RSSP_SIG_RSA_PSS) {
        size_t em_len = (req->key_bits - 1 + 7) / 8;
        if ((size_t)req->pss_salt_len > em_len - h->len - 2) {
            E("pss_salt_len: too large for this key and hash");
            return CRPKI_E_INVALID_ARG;
        }
    }
    if (!req->hashes || req->num_hashes == 0 || req->num_hashes > RC_MAX_SIGN_HASHES) {
        E("hashes: %s", req->hashes ? "count out of range (1-1024)" : "NULL");
        return CRPKI_E_INVALID_ARG;
    }
    if (req->description) {
        size_t dl = strlen(req->description);
        if (dl > RC_MAX_DESCRIPTION) {
            E("description: longer than %d bytes", RC_MAX_DESCRIPTION);
            return CRPKI_E_INVALID_ARG;
        }
        if (!utf8_valid(req->description, dl) || !text_no_controls(req->description)) {
            E("description: not UTF-8 text without control characters");
            return CRPKI_E_INVALID_ARG;
        }
    }
    return CRPKI_OK;
}

#undef E

/* ---- the flow ------------------------------------------------------------------ */

static cJSON *hashes_json(const rssp_sign_request *req, size_t hlen)
{
    cJSON *arr = cJSON_CreateArray();
    for (size_t i = 0; arr && i < req->num_hashes; i++) {
        char *b = base64_encode_alloc(req->hashes + i * hlen, hlen);
        cJSON *s = b ? cJSON_CreateString(b) : NULL;
        free(b);
        if (!s || !cJSON_AddItemToArray(arr, s)) {
            rc_json_free(s);
            rc_json_free(arr);
            arr = NULL;
        }
    }
    return arr;
}

/* POST body (deleted here) with the given retry class. retry_until: 0, or
 * retry until then (and the deadline) instead of max_retries times; the
 * retries then use RC_BACKOFF_APPROVAL (the user is waiting). */
static crpki_err post(rssp_client *c, const char *op, const char *path, cJSON *body,
                      rc_retry_class retry, const rssp_sign_request *req, int64_t deadline,
                      unsigned timeout_ms, int64_t retry_until, int *repeated_after_unknown,
                      rc_http_resp *rs, crpki_error_info *ei)
{
    rc_call_req rq = {0};
    rq.op = op;
    rq.path = path;
    rq.auth = 1;
    rq.retry = retry;
    rq.timeout_ms = timeout_ms;
    rq.cancel = req->cancel;
    rq.deadline_ms = deadline;
    rq.retry_until_ms = retry_until;
    rq.backoff = retry_until ? &RC_BACKOFF_APPROVAL : NULL;
    rq.repeated_after_unknown = repeated_after_unknown;
    return rc_call_json(c, &rq, body, rs, ei);
}

/* Attaches item to obj (deleting item if that fails). */
static int attach(cJSON *obj, const char *name, cJSON *item)
{
    if (!item)
        return 0;
    if (!obj || !cJSON_AddItemToObject(obj, name, item)) {
        rc_json_free(item);
        return 0;
    }
    return 1;
}

/* keyed: the service deduplicates requestID (rc_csc_authz_idem), so the
 * request carries a fresh one, the same on every attempt of this call, and
 * is repeated like authorizeCheck: a repeat gets the first approval back. */
static crpki_err do_authorize(rssp_client *c, const rssp_sign_request *req, size_t hlen,
                              int64_t deadline, int keyed, rc_authz *az, crpki_error_info *ei)
{
    char request_id[32] = "";
    if (keyed) {
        uint8_t rnd[RC_REQUEST_ID_BYTES];
        if (plat_random_bytes(rnd, sizeof rnd) < 0 ||
            base64url_encode(rnd, sizeof rnd, request_id, sizeof request_id) == 0)
            return fail_with(ei, CRPKI_E_INTERNAL, "credentials/authorize: no random requestID");
        plat_wipe(rnd, sizeof rnd);
    }
    cJSON *b = cJSON_CreateObject();
    cJSON *ad = cJSON_CreateArray(), *id = cJSON_CreateObject();
    if (!ad || !id || !cJSON_AddStringToObject(id, "id", "gbizid_app") ||
        !cJSON_AddItemToArray(ad, id)) {
        rc_json_free(id);
        rc_json_free(ad);
        ad = NULL;
    }
    int ok = attach(b, "authData", ad) &&
             cJSON_AddStringToObject(b, "credentialID", req->credential_id) &&
             cJSON_AddNumberToObject(b, "numSignatures", (double)req->num_hashes) &&
             attach(b, "hashes", hashes_json(req, hlen)) &&
             cJSON_AddStringToObject(b, "hashAlgorithmOID", req->hash_oid) &&
             (!req->description || cJSON_AddStringToObject(b, "description", req->description)) &&
             (!keyed || cJSON_AddStringToObject(b, "requestID", request_id));
    plat_wipe(request_id, sizeof request_id);
    if (!ok) {
        rc_json_free(b);
        return fail_with(ei, CRPKI_E_NO_MEMORY, "credentials/authorize: out of memory");
    }
    rc_http_resp rs;
    crpki_err e = post(c, "credentials/authorize", "/csc/v2/credentials/authorize", b,
                       rc_request_retry_class(keyed ? RC_REQ_AUTHORIZE_KEYED : RC_REQ_AUTHORIZE),
                       req, deadline, 0, 0, NULL, &rs, ei);
    if (e == CRPKI_OK) {
        char err[160];
        if (rc_parse_authorize(rs.body, rs.body_len, az, err, sizeof err) < 0)
            e = fail_with(ei, CRPKI_E_PROTOCOL, "credentials/authorize: %s", err);
    }
    rc_http_resp_free(&rs);
    return e;
}

static crpki_err do_check(rssp_client *c, const rssp_sign_request *req, const char *handle,
                          unsigned wait_s, int64_t deadline, int64_t retry_until, rc_check *ck,
                          crpki_error_info *ei)
{
    cJSON *b = cJSON_CreateObject();
    if (b && (!cJSON_AddStringToObject(b, "handle", handle) ||
              !cJSON_AddNumberToObject(b, "wait", (double)wait_s))) {
        rc_json_free(b);
        b = NULL;
    }
    rc_http_resp rs;
    crpki_err e = post(c, "credentials/authorizeCheck", "/csc/v2/credentials/authorizeCheck", b,
                       rc_request_retry_class(RC_REQ_AUTHORIZE_CHECK), req, deadline,
                       wait_s * 1000 + c->request_timeout_ms, retry_until, NULL, &rs, ei);
    if (e == CRPKI_OK) {
        char err[160];
        if (rc_parse_check(rs.status, rs.body, rs.body_len, ck, err, sizeof err) < 0)
            e = fail_with(ei, CRPKI_E_PROTOCOL, "credentials/authorizeCheck: %s", err);
    }
    rc_http_resp_free(&rs);
    return e;
}

/* signHash is safe to repeat: the SAD is single use, so a repeat after a
 * success is refused (invalid_sad) rather than signing twice. It is retried
 * until sad_end (the SAD's expiry, 0: unknown) or the deadline. */
static crpki_err do_sign_hash(rssp_client *c, const rssp_sign_request *req, size_t hlen,
                              const char *sad, int64_t deadline, int64_t sad_end,
                              rssp_signatures *out, crpki_error_info *ei)
{
    cJSON *b = cJSON_CreateObject();
    char *params = NULL;
    if (req->scheme == RSSP_SIG_RSA_PSS) {
        uint8_t der[128];
        size_t n = rc_pss_params_der(req->hash_oid, req->pss_salt_len, der, sizeof der);
        params = n ? base64_encode_alloc(der, n) : NULL;
    }
    int ok = b && cJSON_AddStringToObject(b, "credentialID", req->credential_id) &&
             cJSON_AddStringToObject(b, "SAD", sad) &&
             attach(b, "hashes", hashes_json(req, hlen)) &&
             cJSON_AddStringToObject(b, "hashAlgorithmOID", req->hash_oid) &&
             cJSON_AddStringToObject(b, "signAlgo", rc_sign_algo_oid(req->scheme, req->hash_oid)) &&
             (req->scheme != RSSP_SIG_RSA_PSS ||
              (params && cJSON_AddStringToObject(b, "signAlgoParams", params)));
    free(params);
    if (!ok) {
        rc_json_free(b);
        return fail_with(ei, CRPKI_E_NO_MEMORY, "signatures/signHash: out of memory");
    }
    rc_http_resp rs;
    int repeated = 0;
    crpki_err e = post(c, "signatures/signHash", "/csc/v2/signatures/signHash", b,
                       rc_request_retry_class(RC_REQ_SIGN_HASH), req, deadline, 0,
                       rc_min_nonzero(sad_end, deadline), &repeated, &rs, ei);
    if (e == CRPKI_E_SAD_REJECTED && repeated) {
        /* the attempt whose connection broke may have used the SAD */
        crpki_error_info first = *ei;
        fail_with(ei, e,
                  "signatures/signHash: SAD refused on a repeat (%s); the first attempt may have "
                  "succeeded",
                  first.service_error[0] ? first.service_error : "invalid_sad");
        ei->http_status = first.http_status;
        memcpy(ei->service_error, first.service_error, sizeof ei->service_error);
    }
    if (e == CRPKI_OK) {
        char err[160];
        if (rc_parse_signatures(rs.body, rs.body_len, req->num_hashes, req->key_type, req->key_bits,
                                out, err, sizeof err) < 0)
            e = fail_with(ei, CRPKI_E_PROTOCOL, "signatures/signHash: %s", err);
    }
    rc_http_resp_free(&rs);
    return e;
}

const rc_approval_wait RC_APPROVAL_WAIT = {
    .long_poll_s = 30,
    .default_interval_ms = 1000,
    .max_interval_ms = 30000,
    .grace_ms = 10000,
};

/* Long-polls authorizeCheck until the SAD arrives (*sad malloc'ed; *sad_end
 * its expiry, 0 when the service did not say). */
static crpki_err wait_for_approval(rssp_client *c, const rssp_sign_request *req, const rc_authz *az,
                                   int64_t deadline, char **sad, int64_t *sad_end,
                                   crpki_error_info *ei)
{
    const rc_approval_wait *pol = &RC_APPROVAL_WAIT;
    int64_t approval_end = plat_now_ms() + (int64_t)az->expires_in * 1000;
    unsigned interval_ms = az->interval ? az->interval * 1000 : pol->default_interval_ms;
    int64_t last_check = 0;
    for (;;) {
        if (rc_stop_requested(req->cancel, deadline, ei))
            return ei->code;
        int64_t now = plat_now_ms();
        int64_t wait = pol->long_poll_s;
        if (deadline && (deadline - now) / 1000 < wait)
            wait = (deadline - now) / 1000;
        if ((approval_end - now) / 1000 + 1 < wait)
            wait = (approval_end - now) / 1000 + 1;
        if (wait < 0)
            wait = 0;
        if (wait == 0 && last_check && now - last_check < interval_ms) {
            /* a short poll sooner than interval would be answered slow_down */
            crpki_err e = rc_transport_sleep(c->tr, (unsigned)(interval_ms - (now - last_check)),
                                             req->cancel, deadline, ei);
            if (e != CRPKI_OK)
                return e;
            continue;
        }
        rc_check ck;
        int64_t t0 = plat_now_ms();
        crpki_err e = do_check(c, req, az->handle, (unsigned)wait, deadline,
                               rc_min_nonzero(approval_end + pol->grace_ms, deadline), &ck, ei);
        last_check = plat_now_ms();
        if (e == CRPKI_OK && ck.approved) {
            *sad = ck.sad;
            ck.sad = NULL;
            *sad_end = ck.expires_in ? last_check + (int64_t)ck.expires_in * 1000 : 0;
            rc_check_free(&ck);
            return CRPKI_OK;
        }
        unsigned pause = 0;
        if (e == CRPKI_OK) {
            if (ck.expires_in)
                approval_end = last_check + (int64_t)ck.expires_in * 1000;
            if (ck.interval)
                interval_ms = ck.interval * 1000;
            /* a long poll that came back early must not become a busy loop */
            if (last_check - t0 < interval_ms)
                pause = (unsigned)(interval_ms - (last_check - t0));
            rc_check_free(&ck);
        } else if (strcmp(ei->service_error, "slow_down") == 0) {
            interval_ms =
                interval_ms * 2 > pol->max_interval_ms ? pol->max_interval_ms : interval_ms * 2;
            pause = interval_ms;
            log_write(CRPKI_LOG_INFO, LOG_MODULE, "authorizeCheck: slow_down, interval now %u ms",
                      interval_ms);
        } else {
            return e;
        }
        if (pause) {
            e = rc_transport_sleep(c->tr, pause, req->cancel, deadline, ei);
            if (e != CRPKI_OK)
                return e;
        }
    }
}

crpki_err rssp_sign(rssp_client *c, const rssp_sign_request *req, rssp_signatures *out,
                    crpki_error_info *ei_out)
{
    crpki_error_info ei = {0};
    if (out)
        memset(out, 0, sizeof *out);
    if (!c || !out)
        return fail_with(ei_out, CRPKI_E_INVALID_ARG, "rssp_sign: NULL argument");
    char err[160];
    crpki_err e = rc_sign_check_request(req, err, sizeof err);
    if (e != CRPKI_OK)
        return fail_with(ei_out, e, "rssp_sign: %s", err);
    int64_t start = plat_now_ms();
    int64_t deadline = req->timeout_ms ? start + req->timeout_ms : 0;
    size_t hlen = alg_hash_by_oid(req->hash_oid)->len;
    if (rc_stop_requested(req->cancel, deadline, &ei))
        return rc_report(&ei, ei_out);

    rc_authz az;
    char *sad = NULL;
    /* before the first contact (the capability probe), as without it: no
     * token, no network */
    if (!rc_client_authz_idem(c) && rc_have_token(c, "credentials/authorize", &ei) != CRPKI_OK)
        return rc_report(&ei, ei_out);
    int keyed = rc_csc_authz_idem(c, req->cancel, deadline, &ei);
    if (keyed < 0)
        return rc_report(&ei, ei_out);
    e = do_authorize(c, req, hlen, deadline, keyed, &az, &ei);
    if (e != CRPKI_OK) {
        log_write(CRPKI_LOG_WARN, LOG_MODULE, "sign: authorize failed: %s", ei.detail);
        return rc_report(&ei, ei_out);
    }
    log_write(CRPKI_LOG_INFO, LOG_MODULE,
              "sign: %u hash(es) waiting for approval in the app (expires in %u s)",
              (unsigned)req->num_hashes, az.expires_in);
    if (req->on_approval) {
        rssp_approval a = {az.code, az.expires_in, req->description, req->credential_id,
                           req->num_hashes};
        req->on_approval(req->cb_ctx, &a);
    }
    int64_t sad_end = 0;
    e = wait_for_approval(c, req, &az, deadline, &sad, &sad_end, &ei);
    rc_authz_free(&az);
    if (e != CRPKI_OK) {
        log_write(e == CRPKI_E_CANCELLED || e == CRPKI_E_DENIED ? CRPKI_LOG_INFO : CRPKI_LOG_WARN,
                  LOG_MODULE, "sign: no approval: %s", ei.detail);
        return rc_report(&ei, ei_out);
    }
    e = do_sign_hash(c, req, hlen, sad, deadline, sad_end, out, &ei);
    rc_free_secret(sad);
    if (e != CRPKI_OK)
        log_write(CRPKI_LOG_WARN, LOG_MODULE, "sign: signHash failed: %s", ei.detail);
    else
        log_write(CRPKI_LOG_INFO, LOG_MODULE, "sign: %u signature(s) in %ld ms", (unsigned)out->n,
                  (long)(plat_now_ms() - start));
    return rc_report(&ei, ei_out);
}
