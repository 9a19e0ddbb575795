/* str: string helpers C11 lacks (strdup is POSIX; mingw hides it under
 * -std=c11). */
#ifndef CRPKI_BASE_PLATFORM_PLAT_STR_H
#define CRPKI_BASE_PLATFORM_PLAT_STR_H

/* malloc'ed copy of s; NULL if s is NULL or out of memory. */
char *plat_strdup(const char *s);

#endif
