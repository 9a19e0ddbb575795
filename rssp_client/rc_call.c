#include "rc_client.h"
#include "rc_json.h"
#include "base/error/fail.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>
#include <curl/curl.h>

#include "base/log/log.h"
#include "rc_backoff.h"
#include "rc_errmap.h"
#include "rc_parse.h"
#include "rc_util.h"
#include "base/platform/plat_clock.h"

#define LOG_MODULE "rssp"

crpki_err rc_report(const crpki_error_info *ei, crpki_error_info *out)
{
    if (out && out != ei)
        *out = *ei;
    return ei->code;
}

static crpki_err check_token(const char *op, const char *what, crpki_err e, char *tok,
                             crpki_error_info *ei)
{
    if (e != CRPKI_OK) {
        plat_wipe(tok, RC_TOKEN_BUF);
        return fail_with(ei, e, "%s: the token source gave no %s (%s)", op, what,
                         crpki_err_name(e));
    }
    if (memchr(tok, '\0', RC_TOKEN_BUF) == NULL) {
        plat_wipe(tok, RC_TOKEN_BUF);
        return fail_with(ei, CRPKI_E_TOKEN_STORE, "%s: the %s is not terminated", op, what);
    }
    if (!*tok)
        return fail_with(ei, CRPKI_E_NOT_LOGGED_IN, "%s: the token source gave an empty %s", op,
                         what);
    if (!rc_printable_token(tok)) {
        plat_wipe(tok, RC_TOKEN_BUF);
        return fail_with(ei, CRPKI_E_TOKEN_STORE, "%s: the %s holds characters a token cannot", op,
                         what);
    }
    return CRPKI_OK;
}

int64_t rc_min_nonzero(int64_t a, int64_t b)
{
    if (!a)
        return b;
    if (!b)
        return a;
    return a < b ? a : b;
}

/* The delay before retry number attempt, shortened to fit the end of the
 * call; -1 when no retry is made (the count or the time is used up). */
static int64_t retry_delay(rssp_client *c, const rc_call_req *rq, unsigned attempt,
                           long retry_after_s)
{
    if (rq->no_retry || (!rq->retry_until_ms && attempt >= c->max_retries))
        return -1;
    const rc_backoff_policy *p = rq->backoff ? rq->backoff : &RC_BACKOFF_DEFAULT;
    plat_mutex_lock(c->lock);
    unsigned d = rc_backoff_delay_ms(p, attempt, retry_after_s, &c->rng);
    plat_mutex_unlock(c->lock);
    int64_t end = rc_min_nonzero(rq->deadline_ms, rq->retry_until_ms);
    return rc_backoff_clamp_ms(d, rc_backoff_floor_ms(p, retry_after_s),
                               end ? end - plat_now_ms() : -1, RC_ATTEMPT_MARGIN_MS);
}

/* The error a non-2xx response means, with the service's words in ei. */
static crpki_err http_error(const rc_call_req *rq, const rc_http_resp *rs, crpki_error_info *ei)
{
    char error[64], desc[160];
    rc_parse_error(rs->body, rs->body_len, error, sizeof error, desc, sizeof desc);
    crpki_err e = rc_map_http(rs->status, error);
    if (error[0])
        fail_with(ei, e, "%s: HTTP %d %s%s%s", rq->op, rs->status, error, desc[0] ? ": " : "",
                  desc);
    else
        fail_with(ei, e, "%s: HTTP %d", rq->op, rs->status);
    ei->http_status = rs->status;
    snprintf(ei->service_error, sizeof ei->service_error, "%s", error);
    return e;
}

crpki_err rc_have_token(rssp_client *c, const char *op, crpki_error_info *ei)
{
    memset(ei, 0, sizeof *ei);
    plat_mutex_lock(c->lock);
    int has = c->has_ts;
    rssp_token_source ts = c->ts;
    plat_mutex_unlock(c->lock);
    if (!has || !ts.get_access)
        return fail_with(ei, CRPKI_E_NOT_LOGGED_IN, "%s: no token source set", op);
    char tok[RC_TOKEN_BUF];
    memset(tok, 0, sizeof tok);
    crpki_err e = check_token(op, "access token", ts.get_access(ts.ctx, tok, sizeof tok), tok, ei);
    plat_wipe(tok, sizeof tok);
    return e;
}

crpki_err rc_call(rssp_client *c, const rc_call_req *rq, rc_http_resp *rs, crpki_error_info *ei)
{
    memset(rs, 0, sizeof *rs);
    rs->retry_after_s = -1;
    memset(ei, 0, sizeof *ei);
    char tok[RC_TOKEN_BUF];
    tok[0] = '\0';
    rssp_token_source ts = {0};
    crpki_err e = CRPKI_OK;
    if (rq->auth) {
        plat_mutex_lock(c->lock);
        int has = c->has_ts;
        ts = c->ts;
        plat_mutex_unlock(c->lock);
        if (!has || !ts.get_access)
            return fail_with(ei, CRPKI_E_NOT_LOGGED_IN, "%s: no token source set", rq->op);
        memset(tok, 0, sizeof tok);
        e = check_token(rq->op, "access token", ts.get_access(ts.ctx, tok, sizeof tok), tok, ei);
        if (e != CRPKI_OK)
            return e;
    }
    unsigned attempt = 0;
    int refreshed = 0;
    for (;;) {
        rc_http_req h = {
            "POST",
            rq->path,
            rq->content_type,
            rq->body,
            rq->body_len,
            rq->auth ? tok : NULL,
            rq->timeout_ms ? rq->timeout_ms : c->request_timeout_ms,
            rq->retry == RC_RETRY_ONCE, /* a fresh connection is never resent by libcurl */
            rq->cancel,
            rq->deadline_ms,
        };
        e = rc_http_do(c->tr, &h, rs, ei);
        if (e == CRPKI_E_CANCELLED || e == CRPKI_E_DEADLINE || e == CRPKI_E_NO_MEMORY ||
            e == CRPKI_E_INTERNAL)
            goto out;
        rc_failure f;
        if (e != CRPKI_OK) {
            f = rc_classify_transport(rs->curl_code, rs->sent);
        } else if (rs->status >= 200 && rs->status < 300) {
            goto out;
        } else if (rs->status == 401 && rq->auth && !refreshed && ts.refresh) {
            refreshed = 1;
            char fresh[RC_TOKEN_BUF];
            memset(fresh, 0, sizeof fresh);
            log_write(CRPKI_LOG_INFO, LOG_MODULE, "%s: access token refused, refreshing", rq->op);
            e = check_token(rq->op, "refreshed access token",
                            ts.refresh(ts.ctx, tok, fresh, sizeof fresh), fresh, ei);
            if (e != CRPKI_OK) {
                plat_wipe(fresh, sizeof fresh);
                goto out;
            }
            memcpy(tok, fresh, sizeof tok);
            plat_wipe(fresh, sizeof fresh);
            rc_http_resp_free(rs);
            continue;
        } else {
            e = http_error(rq, rs, ei);
            f = rc_classify_status(rs->status);
        }
        /* a retry, if the request's class, the count and the time allow it */
        if (!rc_retry_allowed(rq->retry, f))
            goto out;
        int64_t delay = retry_delay(c, rq, attempt, f == RC_FAIL_BUSY ? rs->retry_after_s : -1);
        if (delay < 0)
            goto out;
        if ((f == RC_FAIL_DROPPED || f == RC_FAIL_TIMEOUT) && rq->repeated_after_unknown)
            *rq->repeated_after_unknown = 1;
        attempt++;
        log_write(CRPKI_LOG_INFO, LOG_MODULE, "%s: retry %u in %ld ms after %s", rq->op, attempt,
                  (long)delay, crpki_err_name(e));
        rc_http_resp_free(rs);
        crpki_error_info last = *ei;
        crpki_err se = rc_transport_sleep(c->tr, (unsigned)delay, rq->cancel, rq->deadline_ms, ei);
        if (se != CRPKI_OK) {
            e = se;
            goto out;
        }
        *ei = last;
    }
out:
    plat_wipe(tok, sizeof tok);
    if (e == CRPKI_OK)
        memset(ei, 0, sizeof *ei);
    else
        ei->code = e;
    return e;
}

crpki_err rc_call_json(rssp_client *c, const rc_call_req *rq, cJSON *body, rc_http_resp *rs,
                       crpki_error_info *ei)
{
    char *text = body ? rc_json_print(body) : NULL;
    rc_json_free(body);
    memset(rs, 0, sizeof *rs);
    if (!text)
        return fail_with(ei, CRPKI_E_NO_MEMORY, "%s: out of memory", rq->op);
    rc_call_req r = *rq;
    r.content_type = "application/json";
    r.body = text;
    r.body_len = strlen(text);
    crpki_err e = rc_call(c, &r, rs, ei);
    plat_wipe(text, r.body_len);
    free(text);
    return e;
}
