/* plat_once for POSIX: pthread_once. */
#define _POSIX_C_SOURCE 200809L

#include "base/platform/plat_once.h"

#include <pthread.h>

static pthread_once_t ONCES[PLAT_ONCE__COUNT] = {
    PTHREAD_ONCE_INIT, PTHREAD_ONCE_INIT, PTHREAD_ONCE_INIT, PTHREAD_ONCE_INIT, PTHREAD_ONCE_INIT};
static void (*ONCE_FN[PLAT_ONCE__COUNT])(void);
_Static_assert(PLAT_ONCE__COUNT == 5, "one initializer and one trampoline per id");

static void once_curl(void)
{
    ONCE_FN[PLAT_ONCE_CURL]();
}

static void once_globals(void)
{
    ONCE_FN[PLAT_ONCE_CLIENT]();
}

static void once_p11(void)
{
    ONCE_FN[PLAT_ONCE_P11]();
}

static void once_crypto(void)
{
    ONCE_FN[PLAT_ONCE_CRYPTO]();
}

static void once_proxy(void)
{
    ONCE_FN[PLAT_ONCE_PROXY]();
}

void plat_once_run(int id, void (*fn)(void))
{
    static void (*const TRAMPOLINE[PLAT_ONCE__COUNT])(void) = {once_curl, once_globals, once_p11,
                                                               once_crypto, once_proxy};
    if (id < 0 || id >= PLAT_ONCE__COUNT)
        return;
    /* Every caller of one id passes the same fn; the store is idempotent and
     * happens before pthread_once, which orders it for the runner. */
    static pthread_mutex_t fn_lock = PTHREAD_MUTEX_INITIALIZER;
    pthread_mutex_lock(&fn_lock);
    ONCE_FN[id] = fn;
    pthread_mutex_unlock(&fn_lock);
    pthread_once(&ONCES[id], TRAMPOLINE[id]);
}
