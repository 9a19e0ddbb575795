/* csc: the CSC API v2.0 subset (docs/protocol.md, "CSC endpoints"): service
 * info, credentials, approvals by the gBizID app (authorize, long-polling
 * authorizeCheck) and signHash through the PKCS#11 token. */
#define _POSIX_C_SOURCE 200809L

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>

#include "svc.h"
#include "base/util/base64.h"

#define SIG_MAX 1024 /* RSA-8192 or any ECDSA DER */

static const char SAD_LABEL[] = "crpki-rsspd SAD v1";
static const char MASK_LABEL[] = "crpki-rsspd handle mask v1";
static const char REQUEST_MASK_LABEL[] = "crpki-rsspd requestID handle mask v1";
#define HANDLE_LEN 43
/* authorize's requestID: 16-128 base64url characters (docs/protocol.md) */
#define REQUEST_ID_MIN 16
#define REQUEST_ID_MAX 128

/* ceil(ms / 1000) for a positive remainder, else 0 */
static long secs_left(int64_t until, int64_t now)
{
    return until > now ? (long)((until - now + 999) / 1000) : 0;
}

static void bad(rsspd_response *rsp, int status, const char *error, const char *desc)
{
    rsspd_response_error(rsp, status, error, desc);
}

/* The JSON body (an object). Content-Type must be application/json when
 * there is a body; an empty body is `{}` only where allow_empty. */
static cJSON *json_body(const rsspd_request *req, int allow_empty, rsspd_response *rsp)
{
    req_err e;
    cJSON *j = NULL;
    if (req->body_len == 0 && allow_empty) {
        j = cJSON_CreateObject();
        if (!j)
            svc_server_error(rsp);
        return j;
    }
    if (!req_content_type_is(req->content_type, "application/json")) {
        bad(rsp, 400, "invalid_request", "Content-Type must be application/json");
        return NULL;
    }
    if (req_json_parse(req->body, req->body_len, &j, &e) < 0) {
        svc_error(rsp, &e);
        return NULL;
    }
    return j;
}

/* bearer token, then body; on failure rsp is filled and NULL returned */
static char *auth_body(rsspd_service *svc, const rsspd_request *req, rsspd_response *rsp,
                       cJSON **body)
{
    *body = NULL;
    char *user = oauth_bearer_user(svc, req, rsp);
    if (!user)
        return NULL;
    *body = json_body(req, 0, rsp);
    if (!*body) {
        free(user);
        return NULL;
    }
    return user;
}

/* ---- info, credentials ---------------------------------------------------------------- */

static const char *const METHODS[] = {"credentials/list", "credentials/info",
                                      "credentials/authorize", "credentials/authorizeCheck",
                                      "signatures/signHash"};

void csc_info(rsspd_service *svc, const rsspd_request *req, rsspd_response *rsp)
{
    req_err e;
    cJSON *body = json_body(req, 1, rsp);
    if (!body)
        return;
    int r = req_parse_info(body, &e);
    cJSON_Delete(body);
    if (r < 0) {
        svc_error(rsp, &e);
        return;
    }
    cJSON *o = cJSON_CreateObject();
    cJSON *auth = o ? cJSON_AddArrayToObject(o, "authType") : NULL;
    if (!o || !cJSON_AddStringToObject(o, "specs", "2.0.0.0") ||
        !cJSON_AddStringToObject(o, "name", "crpki-rsspd") ||
        !cJSON_AddStringToObject(o, "logo", "") || !cJSON_AddStringToObject(o, "region", "JP") ||
        !cJSON_AddStringToObject(o, "lang", "ja-JP") ||
        !cJSON_AddStringToObject(o, "description",
                                 "商業登記電子証明書 リモート署名サービス（テスト用の参照実装）") ||
        !auth)
        goto fail;
    cJSON *s = cJSON_CreateString("oauth2code");
    if (!s)
        goto fail;
    cJSON_AddItemToArray(auth, s);
    if (svc->base_url) {
        size_t n = strlen(svc->base_url) + sizeof "/oauth2";
        char *u = malloc(n);
        if (!u)
            goto fail;
        snprintf(u, n, "%s/oauth2", svc->base_url);
        cJSON *x = cJSON_AddStringToObject(o, "oauth2", u);
        free(u);
        if (!x)
            goto fail;
    }
    cJSON *m = cJSON_CreateStringArray(METHODS, (int)(sizeof METHODS / sizeof METHODS[0]));
    if (!m)
        goto fail;
    cJSON_AddItemToObject(o, "methods", m);
    if (!cJSON_AddNumberToObject(o, "maxSignatures", svc->opt.max_signatures) ||
        !cJSON_AddNumberToObject(o, "approvalExpiresIn", svc->opt.approval_ttl_s) ||
        !cJSON_AddBoolToObject(o, "authorizeIdempotency", 1))
        goto fail;
    svc_json(rsp, 200, o);
    return;
fail:
    cJSON_Delete(o);
    svc_server_error(rsp);
}

void csc_credentials_list(rsspd_service *svc, const rsspd_request *req, rsspd_response *rsp)
{
    cJSON *body;
    char *user = auth_body(svc, req, rsp, &body);
    if (!user)
        return;
    req_err e;
    req_cred_list q;
    if (req_parse_cred_list(body, &q, &e) < 0) {
        svc_error(rsp, &e);
        goto out;
    }
    cJSON *o = cJSON_CreateObject();
    cJSON *ids = o ? cJSON_AddArrayToObject(o, "credentialIDs") : NULL;
    cJSON *infos = ids && q.cred_info ? cJSON_AddArrayToObject(o, "credentialInfos") : NULL;
    if (!ids || (q.cred_info && !infos))
        goto fail;
    long count = 0;
    for (size_t i = 0; i < svc->ncreds; i++) {
        const svc_cred *c = &svc->creds[i];
        if (strcmp(c->owner->id, user) != 0)
            continue;
        if (q.max_results > 0 && count >= q.max_results)
            break;
        cJSON *id = cJSON_CreateString(c->cfg->id);
        if (!id)
            goto fail;
        cJSON_AddItemToArray(ids, id);
        if (infos) {
            cJSON *info = cred_info_json(svc, c, q.certificates, q.cert_info, 0);
            if (!info)
                goto fail;
            cJSON_AddItemToArray(infos, info);
            if (!cJSON_AddStringToObject(info, "credentialID", c->cfg->id))
                goto fail;
        }
        count++;
    }
    svc_json(rsp, 200, o);
    goto out;
fail:
    cJSON_Delete(o);
    svc_server_error(rsp);
out:
    cJSON_Delete(body);
    free(user);
}

void csc_credentials_info(rsspd_service *svc, const rsspd_request *req, rsspd_response *rsp)
{
    cJSON *body;
    char *user = auth_body(svc, req, rsp, &body);
    if (!user)
        return;
    req_err e;
    req_cred_info q;
    if (req_parse_cred_info(body, &q, &e) < 0) {
        svc_error(rsp, &e);
    } else {
        const svc_cred *c = svc_find_cred(svc, q.credential_id, user);
        if (!c) {
            bad(rsp, 400, "invalid_credential", "credentialID: unknown credential");
        } else {
            cJSON *info = cred_info_json(svc, c, q.certificates, q.cert_info, q.auth_info);
            if (info)
                svc_json(rsp, 200, info);
            else
                svc_server_error(rsp);
        }
    }
    cJSON_Delete(body);
    free(user);
}

/* ---- approvals --------------------------------------------------------------------------- */

/* SAD = base64url(HMAC-SHA256(handle, label)): only the holder of the handle
 * can learn it, and the database keeps neither (only SHA-256 of both). */
static int derive_sad(const char *handle, char out[44])
{
    uint8_t mac[32];
    unsigned int n = 0;
    if (!HMAC(EVP_sha256(), handle, (int)strlen(handle), (const unsigned char *)SAD_LABEL,
              sizeof SAD_LABEL - 1, mac, &n) ||
        n != sizeof mac)
        return -1;
    int r = base64url_encode(mac, sizeof mac, out, 44) == 43 ? 0 : -1;
    OPENSSL_cleanse(mac, sizeof mac);
    return r;
}

/* in XOR HMAC-SHA512(key, label) */
static int mask_with(const char *key, const char *label, const uint8_t *in, size_t len,
                     uint8_t *out)
{
    uint8_t mask[64];
    unsigned int n = 0;
    if (len > sizeof mask ||
        !HMAC(EVP_sha512(), key, (int)strlen(key), (const unsigned char *)label, strlen(label),
              mask, &n) ||
        n != sizeof mask)
        return -1;
    for (size_t i = 0; i < len; i++)
        out[i] = in[i] ^ mask[i];
    OPENSSL_cleanse(mask, sizeof mask);
    return 0;
}

/* handle XOR HMAC-SHA512(SAD, label): the database keeps the handle masked,
 * and signHash (which is given the SAD) unmasks it for the audit log. */
static int mask_handle(const char *sad, const uint8_t *in, size_t len, uint8_t *out)
{
    return mask_with(sad, MASK_LABEL, in, len, out);
}

/* requestID: absent, or REQUEST_ID_MIN-MAX characters of [A-Za-z0-9_-]. */
static int parse_request_id(const cJSON *body, const char **out, req_err *e)
{
    *out = NULL;
    if (req_get_string(body, "requestID", 0, out, e) < 0)
        return -1;
    if (!*out)
        return 0;
    size_t n = strlen(*out);
    int ok = n >= REQUEST_ID_MIN && n <= REQUEST_ID_MAX;
    for (const char *p = *out; ok && *p; p++)
        ok = (*p >= 'A' && *p <= 'Z') || (*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9') ||
             *p == '-' || *p == '_';
    if (!ok)
        return req_fail(e, 400, "invalid_request",
                        "requestID: must be %d-%d characters of A-Z a-z 0-9 - _", REQUEST_ID_MIN,
                        REQUEST_ID_MAX);
    return 0;
}

/* The 202 of authorize (first answer and repeats alike). */
static void authorize_answer(rsspd_response *rsp, const char *handle, const char *code,
                             long expires_in, unsigned interval_s)
{
    cJSON *o = cJSON_CreateObject();
    if (o && (!cJSON_AddStringToObject(o, "handle", handle) ||
              !cJSON_AddStringToObject(o, "approvalCode", code) ||
              !cJSON_AddNumberToObject(o, "expiresIn", (double)expires_in) ||
              !cJSON_AddNumberToObject(o, "interval", interval_s))) {
        cJSON_Delete(o);
        o = NULL;
    }
    svc_json(rsp, 202, o);
}

static int same_text(const char *a, const char *b)
{
    return (!a && !b) || (a && b && strcmp(a, b) == 0);
}

/* A repeated requestID: the approval it created, answered again, if the
 * request is the same one (user, credential, algorithm, hashes, description);
 * never a second approval. */
static void authorize_repeat(rsspd_service *svc, rsspd_response *rsp, const char *user,
                             const store_approval_new *n, const char *request_id,
                             const uint8_t request_hash[STORE_HASH_LEN])
{
    store_approval a;
    uint8_t *enc = NULL;
    size_t enc_len = 0;
    if (store_approval_by_request(svc->st, request_hash, &a, &enc, &enc_len) != STORE_OK) {
        svc_server_error(rsp);
        return;
    }
    char handle[HANDLE_LEN + 1];
    int same = strcmp(a.user_id, user) == 0 && strcmp(a.credential_id, n->credential_id) == 0 &&
               strcmp(a.hash_oid, n->hash_oid) == 0 && a.num == n->num &&
               a.hashes_len == n->hashes_len && memcmp(a.hashes, n->hashes, n->hashes_len) == 0 &&
               same_text(a.description, n->description);
    int64_t now = svc_now(svc);
    if (!same) {
        bad(rsp, 400, "invalid_request", "requestID: already used for a different request");
    } else if (store_approval_state(&a, now, NULL) == APPROVAL_EXPIRED) {
        bad(rsp, 400, "expired_token", "requestID: the approval it created has expired");
    } else if (enc_len != HANDLE_LEN ||
               mask_with(request_id, REQUEST_MASK_LABEL, enc, HANDLE_LEN, (uint8_t *)handle) < 0) {
        svc_server_error(rsp);
    } else {
        handle[HANDLE_LEN] = '\0';
        long left = secs_left(a.expires_at, now);
        /* one line beside the access log, so that tests can tell a repeat
         * from a new approval */
        fprintf(stderr,
                "crpki-rsspd: authorize: requestID repeated, approval %lld answered again\n",
                (long long)a.id);
        authorize_answer(rsp, handle, a.code, left > 0 ? left : 1, svc->opt.interval_s);
        OPENSSL_cleanse(handle, sizeof handle);
    }
    free(enc);
    store_approval_free(&a);
}

void csc_credentials_authorize(rsspd_service *svc, const rsspd_request *req, rsspd_response *rsp)
{
    cJSON *body;
    char *user = auth_body(svc, req, rsp, &body);
    if (!user)
        return;
    req_err e;
    req_authorize a;
    uint8_t *concat = NULL;
    if (req_parse_authorize(body, svc->opt.max_signatures, &a, &e) < 0) {
        svc_error(rsp, &e);
        goto out_nofree;
    }
    const char *request_id = NULL;
    if (parse_request_id(body, &request_id, &e) < 0) {
        svc_error(rsp, &e);
        goto out;
    }
    const svc_cred *c = svc_find_cred(svc, a.credential_id, user);
    if (!c) {
        bad(rsp, 400, "invalid_credential", "credentialID: unknown credential");
        goto out;
    }
    const alg_hash_info *h = req_hash_alg(a.hash_oid, &e);
    if (!h || req_check_hashes(h, a.num_signatures, &a.hashes, &e) < 0) {
        svc_error(rsp, &e);
        goto out;
    }
    concat = malloc(h->len * a.hashes.n);
    if (!concat) {
        svc_server_error(rsp);
        goto out;
    }
    for (size_t i = 0; i < a.hashes.n; i++)
        memcpy(concat + i * h->len, a.hashes.v[i].data, h->len);
    char handle[44], sad[44];
    uint8_t hh[STORE_HASH_LEN], sh[STORE_HASH_LEN], henc[HANDLE_LEN];
    uint8_t rh[STORE_HASH_LEN], renc[HANDLE_LEN];
    if (svc_random_token(handle) < 0 || derive_sad(handle, sad) < 0 ||
        mask_handle(sad, (const uint8_t *)handle, HANDLE_LEN, henc) < 0 ||
        (request_id && mask_with(request_id, REQUEST_MASK_LABEL, (const uint8_t *)handle,
                                 HANDLE_LEN, renc) < 0)) {
        svc_server_error(rsp);
        goto out;
    }
    if (request_id)
        store_hash(request_id, strlen(request_id), rh);
    store_hash(handle, strlen(handle), hh);
    store_hash(sad, strlen(sad), sh);
    OPENSSL_cleanse(sad, sizeof sad);
    int64_t now = svc_now(svc);
    store_approval_new n = {
        .user_id = user,
        .credential_id = c->cfg->id,
        .hash_oid = h->oid,
        .hashes = concat,
        .hashes_len = h->len * a.hashes.n,
        .num = a.num_signatures,
        .description = a.description,
        .expires_at = now + (int64_t)svc->opt.approval_ttl_s * 1000,
        .auto_at = svc->opt.auto_approve_ms >= 0 ? now + svc->opt.auto_approve_ms : -1,
        .handle_enc = henc,
        .handle_enc_len = sizeof henc,
    };
    store_request_key key = {rh, renc, sizeof renc};
    char code[5];
    store_rc rc =
        store_approval_create_keyed(svc->st, hh, sh, &n, request_id ? &key : NULL, now, code, NULL);
    if (rc == STORE_DUPLICATE) {
        authorize_repeat(svc, rsp, user, &n, request_id, rh);
        goto out;
    }
    if (rc == STORE_EXHAUSTED) {
        bad(rsp, 503, "temporarily_unavailable", "too many pending approvals; retry later");
        rsp->retry_after_s = svc->opt.interval_s;
        goto out;
    }
    if (rc != STORE_OK) {
        svc_server_error(rsp);
        goto out;
    }
    phone_on_authorize(svc->phone, code, c->cfg->id, a.num_signatures, a.description);
    authorize_answer(rsp, handle, code, (long)svc->opt.approval_ttl_s, svc->opt.interval_s);
out:
    req_authorize_free(&a);
out_nofree:
    free(concat);
    cJSON_Delete(body);
    free(user);
}

/* Holds a pending approval up to wait_s seconds, re-reading it every
 * poll_ms, until its state changes (another process approves or denies, it
 * is auto-approved or it expires) or the service stops. */
static approval_state long_poll(rsspd_service *svc, store_approval *a, long wait_s, int64_t *now,
                                int64_t *approved_at)
{
    approval_state st = APPROVAL_PENDING;
    int64_t deadline = svc_monotonic_ms() + (int64_t)wait_s * 1000;
    while (!atomic_load(&svc->stopping)) {
        int64_t left = deadline - svc_monotonic_ms();
        if (left <= 0)
            break;
        svc_sleep_ms(left < svc->poll_ms ? (unsigned)left : svc->poll_ms);
        if (store_approval_refresh(svc->st, a) != STORE_OK)
            break; /* answer with what is known */
        *now = svc_now(svc);
        st = store_approval_state(a, *now, approved_at);
        if (st != APPROVAL_PENDING)
            break;
    }
    return st;
}

void csc_credentials_authorize_check(rsspd_service *svc, const rsspd_request *req,
                                     rsspd_response *rsp)
{
    cJSON *body;
    char *user = auth_body(svc, req, rsp, &body);
    if (!user)
        return;
    req_err e;
    req_authorize_check q;
    store_approval a;
    memset(&a, 0, sizeof a);
    if (req_parse_authorize_check(body, &q, &e) < 0) {
        svc_error(rsp, &e);
        goto out;
    }
    uint8_t hh[STORE_HASH_LEN];
    store_hash(q.handle, strlen(q.handle), hh);
    store_rc rc = store_approval_by_handle(svc->st, hh, &a);
    if (rc == STORE_ERROR) {
        svc_server_error(rsp);
        goto out;
    }
    if (rc != STORE_OK || strcmp(a.user_id, user) != 0) {
        bad(rsp, 400, "invalid_request", "handle: unknown handle");
        goto out;
    }
    int64_t now = svc_now(svc);
    int64_t approved_at = 0;
    approval_state st = store_approval_state(&a, now, &approved_at);
    if (st == APPROVAL_PENDING) {
        if (q.wait == 0) {
            if (a.last_check_at >= 0 && now >= a.last_check_at &&
                now - a.last_check_at < (int64_t)svc->opt.interval_s * 1000) {
                bad(rsp, 400, "slow_down", "checked again sooner than interval; wait longer");
                goto out;
            }
        } else {
            st = long_poll(svc, &a, q.wait, &now, &approved_at);
        }
    }
    if (store_approval_touch(svc->st, a.id, now) != STORE_OK) {
        svc_server_error(rsp);
        goto out;
    }
    cJSON *o = NULL;
    switch (st) {
    case APPROVAL_PENDING:
        o = cJSON_CreateObject();
        if (o && (!cJSON_AddStringToObject(o, "status", "pending") ||
                  !cJSON_AddNumberToObject(o, "expiresIn", (double)secs_left(a.expires_at, now)) ||
                  !cJSON_AddNumberToObject(o, "interval", svc->opt.interval_s))) {
            cJSON_Delete(o);
            o = NULL;
        }
        svc_json(rsp, 202, o);
        break;
    case APPROVAL_APPROVED: {
        int64_t sad_exp = approved_at + (int64_t)svc->opt.sad_ttl_s * 1000;
        if (now >= sad_exp) {
            bad(rsp, 400, "expired_token", "the SAD of this approval expired unused");
            break;
        }
        char sad[44];
        if (derive_sad(q.handle, sad) < 0) {
            svc_server_error(rsp);
            break;
        }
        o = cJSON_CreateObject();
        if (o && (!cJSON_AddStringToObject(o, "status", "approved") ||
                  !cJSON_AddStringToObject(o, "SAD", sad) ||
                  !cJSON_AddNumberToObject(o, "expiresIn", (double)secs_left(sad_exp, now)))) {
            cJSON_Delete(o);
            o = NULL;
        }
        OPENSSL_cleanse(sad, sizeof sad);
        svc_json(rsp, 200, o);
        break;
    }
    case APPROVAL_DENIED:
        bad(rsp, 400, "access_denied", "the representative denied the request in the gBizID app");
        break;
    case APPROVAL_EXPIRED:
        bad(rsp, 400, "expired_token", "the approval request expired before it was approved");
        break;
    case APPROVAL_CONSUMED:
    default:
        bad(rsp, 400, "invalid_request", "approval already consumed");
        break;
    }
out:
    store_approval_free(&a);
    cJSON_Delete(body);
    free(user);
}

/* ---- signHash ------------------------------------------------------------------------------- */

/* The SAD binding (user, credential, hash algorithm, exact hashes). */
static const char *sad_mismatch(const store_approval *a, const char *user, const svc_cred *c,
                                const alg_hash_info *h, const req_blobs *hashes)
{
    if (strcmp(a->user_id, user) != 0)
        return "SAD invalid";
    if (strcmp(a->credential_id, c->cfg->id) != 0)
        return "SAD bound to another credential";
    if (strcmp(a->hash_oid, h->oid) != 0)
        return "SAD bound to another hash algorithm";
    if ((size_t)a->num != hashes->n || a->hashes_len != h->len * hashes->n)
        return "SAD bound to another list of hashes";
    for (size_t i = 0; i < hashes->n; i++)
        if (memcmp(a->hashes + i * h->len, hashes->v[i].data, h->len) != 0)
            return "SAD bound to another list of hashes";
    return NULL;
}

void csc_signatures_sign_hash(rsspd_service *svc, const rsspd_request *req, rsspd_response *rsp)
{
    cJSON *body;
    char *user = auth_body(svc, req, rsp, &body);
    if (!user)
        return;
    req_err e;
    req_sign_hash s;
    store_approval a;
    memset(&a, 0, sizeof a);
    cJSON *sigs = NULL;
    if (req_parse_sign_hash(body, &s, &e) < 0) {
        svc_error(rsp, &e);
        goto out_nofree;
    }
    const svc_cred *c = svc_find_cred(svc, s.credential_id, user);
    if (!c) {
        bad(rsp, 400, "invalid_credential", "credentialID: unknown credential");
        goto out;
    }
    req_sign_plan plan;
    if (req_sign_plan_resolve(&s, c->key_type, c->key_bits, &plan, &e) < 0 ||
        req_check_hashes(plan.hash, (long)s.hashes.n, &s.hashes, &e) < 0) {
        svc_error(rsp, &e);
        goto out;
    }
    if (s.hashes.n > svc->opt.max_signatures) {
        bad(rsp, 400, "invalid_hash", "hashes: more than maxSignatures");
        goto out;
    }
    uint8_t sh[STORE_HASH_LEN];
    store_hash(s.sad, strlen(s.sad), sh);
    store_rc rc = store_approval_by_sad(svc->st, sh, &a);
    if (rc == STORE_ERROR) {
        svc_server_error(rsp);
        goto out;
    }
    if (rc != STORE_OK || strcmp(a.user_id, user) != 0) {
        bad(rsp, 400, "invalid_sad", "SAD invalid");
        goto out;
    }
    int64_t now = svc_now(svc);
    int64_t approved_at = 0;
    approval_state st = store_approval_state(&a, now, &approved_at);
    if (st == APPROVAL_CONSUMED) {
        bad(rsp, 400, "invalid_sad", "SAD already used");
        goto out;
    }
    if (st != APPROVAL_APPROVED) {
        bad(rsp, 400, "invalid_sad", "SAD invalid");
        goto out;
    }
    if (now >= approved_at + (int64_t)svc->opt.sad_ttl_s * 1000) {
        bad(rsp, 400, "invalid_sad", "SAD expired");
        goto out;
    }
    const char *why = sad_mismatch(&a, user, c, plan.hash, &s.hashes);
    if (why) {
        bad(rsp, 400, "invalid_sad", why);
        goto out;
    }
    cJSON *o = cJSON_CreateObject();
    sigs = o ? cJSON_AddArrayToObject(o, "signatures") : NULL;
    if (!sigs) {
        cJSON_Delete(o);
        svc_server_error(rsp);
        goto out;
    }
    p11_mech mech = {plan.scheme, plan.hash->id, plan.pss_salt_len};
    for (size_t i = 0; i < s.hashes.n; i++) {
        uint8_t di[128], sig[SIG_MAX];
        const uint8_t *data = s.hashes.v[i].data;
        size_t dlen = s.hashes.v[i].len, slen = sizeof sig;
        if (plan.scheme == CRPKI_PAD_PKCS1) {
            dlen = alg_digestinfo(plan.hash->id, data, dlen, di, sizeof di);
            data = di;
            if (dlen == 0) {
                cJSON_Delete(o);
                svc_server_error(rsp);
                goto out;
            }
        }
        char perr[256];
        if (p11_sign(svc->tok, c->cfg->id, &mech, data, dlen, sig, &slen, perr, sizeof perr) < 0) {
            fprintf(stderr, "crpki-rsspd: signHash: %s\n", perr);
            cJSON_Delete(o);
            bad(rsp, 500, "server_error", "the HSM failed to sign; the SAD was not consumed");
            goto out;
        }
        char *b = base64_encode_alloc(sig, slen);
        cJSON *js = b ? cJSON_CreateString(b) : NULL;
        free(b);
        if (!js) {
            cJSON_Delete(o);
            svc_server_error(rsp);
            goto out;
        }
        cJSON_AddItemToArray(sigs, js);
    }
    char handle[HANDLE_LEN + 1];
    uint8_t hh[STORE_HASH_LEN];
    if (a.handle_enc_len != HANDLE_LEN ||
        mask_handle(s.sad, a.handle_enc, HANDLE_LEN, (uint8_t *)handle) < 0) {
        cJSON_Delete(o);
        svc_server_error(rsp);
        goto out;
    }
    handle[HANDLE_LEN] = '\0';
    store_hash(handle, HANDLE_LEN, hh);
    if (CRYPTO_memcmp(hh, a.handle_hash, sizeof hh) != 0) {
        cJSON_Delete(o);
        svc_server_error(rsp);
        goto out;
    }
    rc = store_approval_consume(svc->st, &a, handle, s.sign_algo, plan.hash->len, now);
    if (rc == STORE_CONFLICT) {
        cJSON_Delete(o);
        bad(rsp, 400, "invalid_sad", "SAD already used");
        goto out;
    }
    if (rc != STORE_OK) {
        cJSON_Delete(o);
        svc_server_error(rsp);
        goto out;
    }
    svc_json(rsp, 200, o);
out:
    req_sign_hash_free(&s);
out_nofree:
    store_approval_free(&a);
    cJSON_Delete(body);
    free(user);
}
