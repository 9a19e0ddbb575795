/* proc: facts about this process (plat_proc_posix.c, plat_proc_win.c). */
#ifndef CRPKI_BASE_PLATFORM_PLAT_PROC_H
#define CRPKI_BASE_PLATFORM_PLAT_PROC_H

/* The executable's file name without its directory ("WINWORD.EXE",
 * "crpki-mgmt"), UTF-8, malloc'ed; NULL when it cannot be learned. */
char *plat_exe_name(void);
/* The executable's full path ("C:\\Program Files\\Foo\\foo.exe"), UTF-8,
 * malloc'ed; NULL when it cannot be learned. */
char *plat_exe_path(void);

/* Keeps the module (DLL) that contains addr loaded until the process ends,
 * for code that leaves threads or state behind which the host's FreeLibrary
 * must not pull out from under it. 0 on success; -1 when it could not (the
 * caller logs). On Windows a DLL's reference count; elsewhere the shared
 * object is made RTLD_NODELETE (the executable itself: nothing to do). */
int plat_pin_module(const void *addr);

#endif
