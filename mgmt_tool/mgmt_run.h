/* mgmt_run: the management tool's one entry for any front end. The
 * console program (mgmt_main) and the Windows GUI (mgmt_gui/) run the same
 * commands through it; a front end differs only in the hooks below, so
 * everything the window does, crpki-mgmt can do too. */
#ifndef CRPKI_MGMT_TOOL_MGMT_RUN_H
#define CRPKI_MGMT_TOOL_MGMT_RUN_H

#include <stddef.h>

/* Hooks of a front end; any may be NULL (then the console's behaviour). They
 * are called on the thread running the command. */
typedef struct mgmt_io {
    void *ctx;
    /* A line for the user as the command goes (progress, a warning, the
     * error and its fix): UTF-8, in the chosen language. */
    void (*note)(void *ctx, const char *text);
    /* A value a front end may show as soon as it is known:
     * "login_url" (the gBizID login page to open). */
    void (*event)(void *ctx, const char *name, const char *value);
    /* The secret --password-stdin would read: 0, or -1 when there is none. */
    int (*read_secret)(void *ctx, char *buf, size_t n);
    /* Polled about 5 times a second in long waits (the login): non-zero
     * ends the wait with CRPKI_E_CANCELLED. */
    int (*cancelled)(void *ctx);
} mgmt_io;

/* Runs one command as `crpki-mgmt --json ARGS...` would (argv[0] the
 * program name, global options allowed), with io's hooks; *result_json
 * (malloc'ed, NULL on out of memory) receives the JSON result
 * {"ok", "command", "exit_code", ..., "error": {code, message, detail, fix}}
 * that docs/mgmt.md documents. Returns the exit code. One command at a time
 * per process (the log is process-wide). */
int mgmt_run(int argc, char **argv, const mgmt_io *io, char **result_json);

#endif
