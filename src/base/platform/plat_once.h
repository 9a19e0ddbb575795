/* plat_once: process-wide one-time initialisation (pthread_once /
 * InitOnceExecuteOnce), never from DllMain. The few things a process
 * initialises once are named here, one slot each. */
#ifndef CRPKI_BASE_PLATFORM_PLAT_ONCE_H
#define CRPKI_BASE_PLATFORM_PLAT_ONCE_H

enum {
    PLAT_ONCE_CURL = 0,
    PLAT_ONCE_CLIENT,
    PLAT_ONCE_P11,
    PLAT_ONCE_CRYPTO,
    PLAT_ONCE_PROXY,
    PLAT_ONCE__COUNT
};

/* Runs fn exactly once per process for that id, whatever the number of
 * threads calling at the same time; the others wait until it has run.
 * Every caller of one id passes the same fn. */
void plat_once_run(int id, void (*fn)(void));

#endif
