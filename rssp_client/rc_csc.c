/* rc_csc: the CSC API calls that read (info, credentials/list,
 * credentials/info). Signing is in rc_sign.c. */
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "crpki/rssp_client.h"
#include "base/error/fail.h"
#include "rc_client.h"
#include "rc_json.h"
#include "rc_errmap.h"
#include "rc_parse.h"
#include "rc_util.h"
#include "base/log/log.h"

/* POST path with body (a cJSON object, deleted here); the 2xx response in rs. */
static crpki_err csc_post_x(rssp_client *c, const char *op, const char *path, cJSON *body, int auth,
                            int no_retry, rssp_cancel *cancel, int64_t deadline_ms,
                            rc_http_resp *rs, crpki_error_info *ei)
{
    rc_call_req rq = {0};
    rq.op = op;
    rq.path = path;
    rq.auth = auth;
    rq.retry = rc_request_retry_class(RC_REQ_READ);
    rq.no_retry = no_retry;
    rq.cancel = cancel;
    rq.deadline_ms = deadline_ms;
    return rc_call_json(c, &rq, body, rs, ei);
}

static crpki_err csc_post(rssp_client *c, const char *op, const char *path, cJSON *body, int auth,
                          rc_http_resp *rs, crpki_error_info *ei)
{
    return csc_post_x(c, op, path, body, auth, 0, NULL, 0, rs, ei);
}

/* info with the retry and cancel settings of the caller */
static crpki_err info_call(rssp_client *c, int no_retry, rssp_cancel *cancel, int64_t deadline_ms,
                           rssp_service_info *out, crpki_error_info *ei)
{
    memset(out, 0, sizeof *out);
    rc_http_resp rs;
    crpki_err e = csc_post_x(c, "info", "/csc/v2/info", cJSON_CreateObject(), 0, no_retry, cancel,
                             deadline_ms, &rs, ei);
    if (e == CRPKI_OK) {
        char err[160];
        if (rc_parse_info(rs.body, rs.body_len, out, err, sizeof err) < 0) {
            e = fail_with(ei, CRPKI_E_PROTOCOL, "info: %s", err);
        } else {
            out->latency_ms = rs.elapsed_exact_ms;
            ei->http_status = rs.status;
            rc_client_set_authz_idem(c, out->authorize_idempotency ? 1 : -1);
        }
    }
    rc_http_resp_free(&rs);
    return e;
}

int rc_csc_authz_idem(rssp_client *c, rssp_cancel *cancel, int64_t deadline_ms,
                      crpki_error_info *ei)
{
    int v = rc_client_authz_idem(c);
    if (v)
        return v > 0;
    rssp_service_info info;
    crpki_error_info pei = {0};
    crpki_err e = info_call(c, 1, cancel, deadline_ms, &info, &pei);
    int offered = info.authorize_idempotency;
    rssp_service_info_free(&info);
    if (e == CRPKI_E_CANCELLED || e == CRPKI_E_DEADLINE) {
        *ei = pei;
        return -1;
    }
    if (e != CRPKI_OK) {
        log_write(CRPKI_LOG_INFO, "rssp", "info: %s; authorize goes on a new connection this time",
                  pei.detail);
        return 0;
    }
    log_write(CRPKI_LOG_INFO, "rssp", "the service %s authorize's requestID",
              offered ? "deduplicates" : "does not deduplicate");
    return offered;
}

crpki_err rssp_info(rssp_client *c, rssp_service_info *out, crpki_error_info *ei_out)
{
    crpki_error_info ei = {0};
    if (out)
        memset(out, 0, sizeof *out);
    if (!c || !out)
        return fail_with(ei_out, CRPKI_E_INVALID_ARG, "rssp_info: NULL argument");
    info_call(c, 0, NULL, 0, out, &ei);
    return rc_report(&ei, ei_out);
}

crpki_err rssp_list_credentials(rssp_client *c, char ***ids, size_t *n, crpki_error_info *ei_out)
{
    crpki_error_info ei = {0};
    if (ids)
        *ids = NULL;
    if (n)
        *n = 0;
    if (!c || !ids || !n)
        return fail_with(ei_out, CRPKI_E_INVALID_ARG, "rssp_list_credentials: NULL argument");
    rc_http_resp rs;
    crpki_err e = csc_post(c, "credentials/list", "/csc/v2/credentials/list", cJSON_CreateObject(),
                           1, &rs, &ei);
    if (e == CRPKI_OK) {
        char err[160];
        if (rc_parse_list(rs.body, rs.body_len, ids, n, err, sizeof err) < 0)
            fail_with(&ei, CRPKI_E_PROTOCOL, "credentials/list: %s", err);
        else
            ei.http_status = rs.status;
    }
    rc_http_resp_free(&rs);
    return rc_report(&ei, ei_out);
}

crpki_err rssp_get_credential(rssp_client *c, const char *credential_id, rssp_credential *out,
                              crpki_error_info *ei_out)
{
    crpki_error_info ei = {0};
    if (out)
        memset(out, 0, sizeof *out);
    if (!c || !out)
        return fail_with(ei_out, CRPKI_E_INVALID_ARG, "rssp_get_credential: NULL argument");
    if (!rc_printable_token(credential_id) || strlen(credential_id) > RC_MAX_ID_LEN)
        return fail_with(ei_out, CRPKI_E_INVALID_ARG,
                         "rssp_get_credential: credential_id empty, too long or not printable");
    cJSON *b = cJSON_CreateObject();
    if (b && (!cJSON_AddStringToObject(b, "credentialID", credential_id) ||
              !cJSON_AddStringToObject(b, "certificates", "chain") ||
              !cJSON_AddTrueToObject(b, "certInfo") || !cJSON_AddTrueToObject(b, "authInfo"))) {
        rc_json_free(b);
        b = NULL;
    }
    rc_http_resp rs;
    crpki_err e = csc_post(c, "credentials/info", "/csc/v2/credentials/info", b, 1, &rs, &ei);
    if (e == CRPKI_OK) {
        char err[160];
        if (rc_parse_credential(rs.body, rs.body_len, credential_id, out, err, sizeof err) < 0)
            fail_with(&ei, CRPKI_E_PROTOCOL, "credentials/info: %s", err);
        else
            ei.http_status = rs.status;
    }
    rc_http_resp_free(&rs);
    return rc_report(&ei, ei_out);
}
