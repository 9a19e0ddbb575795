/* rc_cancel: the rssp_cancel object. A flag plus the waits currently
 * blocked on it: rssp_cancel_trigger sets the flag and wakes each of them
 * (curl_multi_wakeup of the transfer's multi handle), so a long poll ends at
 * once rather than at its next timeout. */
#ifndef CRPKI_RSSP_CLIENT_RC_CANCEL_H
#define CRPKI_RSSP_CLIENT_RC_CANCEL_H

#include "crpki/rssp_client.h"

typedef struct rc_cancel_reg {
    void (*wake)(void *arg);
    void *arg;
    struct rc_cancel_reg *next;
} rc_cancel_reg;

/* Registers reg (owned by the caller, alive until rc_cancel_unregister) so
 * that a trigger calls reg->wake(reg->arg). cn may be NULL (no-op). */
void rc_cancel_register(rssp_cancel *cn, rc_cancel_reg *reg);
void rc_cancel_unregister(rssp_cancel *cn, rc_cancel_reg *reg);

#endif
