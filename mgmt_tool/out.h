/* out: what crpki-mgmt prints. Human text in Japanese or English (L()
 * picks one of two literals, so printf checking sees both), or with --json
 * one JSON object on stdout at the end: {"ok", "command", ...the command's
 * members..., "error": {...}}. Errors and notes go to stderr in both modes.
 * Nothing printed here ever holds a secret: callers pass none. */
#ifndef CRPKI_MGMT_TOOL_OUT_H
#define CRPKI_MGMT_TOOL_OUT_H

#include <cJSON.h>

#include "mgmt.h"
#include "base/util/errbuf.h"

#define L(c, t_ja, t_en) ((c)->ja ? (t_ja) : (t_en))
/* A fix that names what to do: crpki-mgmt's commands on a console, the
 * management tool's screens (in Japanese) in a front end (mgmt_io). */
#define FIX(c, cli_ja, cli_en, gui_ja) ((c)->io ? (gui_ja) : L(c, cli_ja, cli_en))

/* Human output on stdout; nothing in JSON mode. */
void out_say(mgmt_ctx *c, const char *fmt, ...) CRPKI_PRINTF(2, 3);
/* stderr, in both modes (warnings, progress, the login URL). */
void out_note(mgmt_ctx *c, const char *fmt, ...) CRPKI_PRINTF(2, 3);

/* A named value for the front end (mgmt_io.event); nothing on a console. */
void out_event(mgmt_ctx *c, const char *name, const char *value);

/* The command's JSON result object (created on first use). */
cJSON *out_json(mgmt_ctx *c);

/* Reports a failure: stderr "エラー: <message> (<detail>)" + "対処: <fix>",
 * and the JSON "error" member. Returns exit_code. fix may be NULL. */
int out_error(mgmt_ctx *c, int exit_code, const char *code_name, const char *message,
              const char *detail, const char *fix);

/* Prints the JSON result (JSON mode) with "ok" = (exit_code == 0) and
 * "exit_code"; frees it. */
void out_finish(mgmt_ctx *c, int exit_code);

#endif
