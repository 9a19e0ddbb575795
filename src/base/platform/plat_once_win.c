/* plat_once for Windows: InitOnceExecuteOnce. */
#include "base/platform/plat_once.h"

#include <windows.h>

static INIT_ONCE ONCES[PLAT_ONCE__COUNT] = {INIT_ONCE_STATIC_INIT, INIT_ONCE_STATIC_INIT,
                                            INIT_ONCE_STATIC_INIT, INIT_ONCE_STATIC_INIT,
                                            INIT_ONCE_STATIC_INIT};

typedef struct {
    void (*fn)(void);
} once_arg;

static BOOL CALLBACK once_tramp(PINIT_ONCE once, PVOID param, PVOID *ctx)
{
    (void)once;
    (void)ctx;
    ((once_arg *)param)->fn();
    return TRUE;
}

void plat_once_run(int id, void (*fn)(void))
{
    if (id < 0 || id >= PLAT_ONCE__COUNT)
        return;
    once_arg a = {fn};
    InitOnceExecuteOnce(&ONCES[id], once_tramp, &a, NULL);
}
