#include "rc_cancel.h"

#include <stdatomic.h>
#include <stdlib.h>

#include "base/platform/plat_thread.h"

struct rssp_cancel {
    atomic_int triggered;
    plat_mutex *lock; /* guards regs; held while waking, so a reg outlives its wake call */
    rc_cancel_reg *regs;
};

rssp_cancel *rssp_cancel_new(void)
{
    rssp_cancel *cn = calloc(1, sizeof *cn);
    if (!cn)
        return NULL;
    atomic_init(&cn->triggered, 0);
    cn->lock = plat_mutex_new();
    if (!cn->lock) {
        free(cn);
        return NULL;
    }
    return cn;
}

void rssp_cancel_trigger(rssp_cancel *cn)
{
    if (!cn)
        return;
    atomic_store(&cn->triggered, 1);
    plat_mutex_lock(cn->lock);
    for (rc_cancel_reg *r = cn->regs; r; r = r->next)
        r->wake(r->arg);
    plat_mutex_unlock(cn->lock);
}

int rssp_cancel_is_triggered(const rssp_cancel *cn)
{
    return cn ? atomic_load(&((rssp_cancel *)cn)->triggered) != 0 : 0;
}

void rssp_cancel_free(rssp_cancel *cn)
{
    if (!cn)
        return;
    plat_mutex_free(cn->lock);
    free(cn);
}

void rc_cancel_register(rssp_cancel *cn, rc_cancel_reg *reg)
{
    if (!cn)
        return;
    plat_mutex_lock(cn->lock);
    reg->next = cn->regs;
    cn->regs = reg;
    plat_mutex_unlock(cn->lock);
}

void rc_cancel_unregister(rssp_cancel *cn, rc_cancel_reg *reg)
{
    if (!cn)
        return;
    plat_mutex_lock(cn->lock);
    for (rc_cancel_reg **pp = &cn->regs; *pp; pp = &(*pp)->next) {
        if (*pp == reg) {
            *pp = reg->next;
            break;
        }
    }
    plat_mutex_unlock(cn->lock);
}
