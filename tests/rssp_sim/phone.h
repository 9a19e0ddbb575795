/* phone: the simulated gBizID app of `crpki-rsspd serve --phone FILE`, for
 * tests that drive the service from another process (a Windows program under
 * Wine cannot run `crpki-rsspd approve`). At each new authorize the service
 * reads FILE and acts on the new approval as it says:
 *   approve MS   approve MS milliseconds after the request
 *   deny MS      deny MS milliseconds after the request
 *   ignore       never answer (the request expires after --approval-ttl)
 *   absent/empty do nothing (the request waits for `crpki-rsspd approve`)
 * and appends one line to FILE.log:
 *   <approvalCode> <credentialID> <numSignatures> <action> <description>
 * (action: approve, deny, ignore, none or invalid; description last, may hold
 * spaces, control characters replaced by spaces). The decisions are made on
 * the phone's own thread through the same store call as `approve`/`deny`. */
#ifndef RSSP_SIM_PHONE_H
#define RSSP_SIM_PHONE_H

#include <stddef.h>

typedef enum {
    PHONE_NONE = 0, /* absent or empty file */
    PHONE_APPROVE,
    PHONE_DENY,
    PHONE_IGNORE,
    PHONE_INVALID, /* unreadable content: treated as none, logged so */
} phone_kind;

typedef struct {
    phone_kind kind;
    unsigned ms; /* approve / deny delay */
} phone_action;

/* Parses FILE's content (NULL: absent). Pure, for unit tests. Accepts one
 * line (trailing newline and surrounding blanks ignored); MS is 0-3600000. */
phone_action phone_parse(const char *text);
const char *phone_kind_name(phone_kind k);

/* Makes the decision for the pending approval with that code; returns 0 or
 * -1 (no such pending approval: it expired or was decided). */
typedef int (*phone_decide_fn)(void *ctx, const char *code, int approve);

typedef struct rsspd_phone rsspd_phone;

/* Starts the phone's thread. 0, or -1 with a message. */
int phone_open(const char *file, phone_decide_fn decide, void *ctx, rsspd_phone **out, char *err,
               size_t errsz);
/* Called once per new approval, after it is stored: reads FILE, logs the
 * line to FILE.log (before returning, so a client that got the approval
 * code sees it), schedules the decision. */
void phone_on_authorize(rsspd_phone *p, const char *code, const char *credential_id,
                        long num_signatures, const char *description);
/* Drops pending decisions, joins the thread. NULL ok. */
void phone_close(rsspd_phone *p);

#endif
