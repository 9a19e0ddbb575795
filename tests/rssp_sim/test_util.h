/* Helpers shared by the rssp_sim unit tests: temporary directories, files,
 * and the PKCS#11 module under test. */
#ifndef RSSP_SIM_TEST_UTIL_H
#define RSSP_SIM_TEST_UTIL_H

#include <stddef.h>

/* mkdtemp under $TMPDIR (or /tmp); malloc'ed path, NULL on failure. */
char *tu_mkdtemp(const char *prefix);
/* rm -rf; 0 on success. */
int tu_rm_rf(const char *path);
/* Writes text to dir/name (0600); 0 on success. */
int tu_write(const char *dir, const char *name, const char *text);
/* The module to test with: $CRPKI_TEST_P11_MODULE, else SoftHSM2's default
 * path; NULL when that file does not exist (tests then skip). */
const char *tu_p11_module(void);
/* Creates dir/softhsm2.conf and dir/tokens, and sets SOFTHSM2_CONF. */
int tu_softhsm_setup(const char *dir);

#endif
