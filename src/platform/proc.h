/* proc: facts about this process (proc_posix.c, proc_win.c). */
#ifndef CRPKI_PLATFORM_PROC_H
#define CRPKI_PLATFORM_PROC_H

/* The executable's file name without its directory ("WINWORD.EXE",
 * "crpki-mgmt"), UTF-8, malloc'ed; NULL when it cannot be learned. */
char *plat_exe_name(void);

#endif
