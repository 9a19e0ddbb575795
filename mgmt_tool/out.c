/* out: human text or one JSON object (out.h). */
#include "out.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "term.h"

static void vemit(mgmt_ctx *c, int err, const char *fmt, va_list ap) CRPKI_PRINTF(3, 0);
static void vemit(mgmt_ctx *c, int err, const char *fmt, va_list ap)
{
    va_list ap2;
    va_copy(ap2, ap);
    int n = vsnprintf(NULL, 0, fmt, ap2);
    va_end(ap2);
    if (n < 0)
        return;
    char *buf = malloc((size_t)n + 1);
    if (!buf)
        return;
    vsnprintf(buf, (size_t)n + 1, fmt, ap);
    if (c->io && c->io->note) {
        if (err) /* stdout text is the console's; a front end reads the JSON */
            c->io->note(c->io->ctx, buf);
    } else
        term_write(err, buf, (size_t)n);
    free(buf);
}

void out_say(mgmt_ctx *c, const char *fmt, ...)
{
    if (c->json)
        return;
    va_list ap;
    va_start(ap, fmt);
    vemit(c, 0, fmt, ap);
    va_end(ap);
}

void out_note(mgmt_ctx *c, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vemit(c, 1, fmt, ap);
    va_end(ap);
}

void out_event(mgmt_ctx *c, const char *name, const char *value)
{
    if (c->io && c->io->event)
        c->io->event(c->io->ctx, name, value);
}

cJSON *out_json(mgmt_ctx *c)
{
    if (!c->result)
        c->result = cJSON_CreateObject();
    return c->result;
}

int out_error(mgmt_ctx *c, int exit_code, const char *code_name, const char *message,
              const char *detail, const char *fix)
{
    if (detail && *detail)
        out_note(c, "%s: %s (%s)\n", L(c, "エラー", "error"), message, detail);
    else
        out_note(c, "%s: %s\n", L(c, "エラー", "error"), message);
    if (fix && *fix)
        out_note(c, "%s: %s\n", L(c, "対処", "fix"), fix);
    cJSON *r = out_json(c);
    if (r && !cJSON_GetObjectItemCaseSensitive(r, "error")) {
        cJSON *e = cJSON_AddObjectToObject(r, "error");
        if (e) {
            cJSON_AddStringToObject(e, "code", code_name ? code_name : "");
            cJSON_AddStringToObject(e, "message", message ? message : "");
            cJSON_AddStringToObject(e, "detail", detail ? detail : "");
            cJSON_AddStringToObject(e, "fix", fix ? fix : "");
        }
    }
    return exit_code;
}

void out_finish(mgmt_ctx *c, int exit_code)
{
    cJSON *r = c->result;
    c->result = NULL;
    if (c->json) {
        if (!r)
            r = cJSON_CreateObject();
        if (r) {
            /* ok/command/exit_code first, as a reader expects them */
            cJSON *head = cJSON_CreateObject();
            if (head) {
                cJSON_AddBoolToObject(head, "ok", exit_code == 0);
                cJSON_AddStringToObject(head, "command", c->cmd ? c->cmd : "");
                cJSON_AddNumberToObject(head, "exit_code", exit_code);
                cJSON *it = r->child;
                while (it) {
                    cJSON *next = it->next;
                    cJSON_AddItemToObject(head, it->string, cJSON_DetachItemViaPointer(r, it));
                    it = next;
                }
                cJSON_Delete(r);
                r = head;
            }
            char *s = cJSON_Print(r);
            if (c->result_out) {
                *c->result_out = s;
                s = NULL;
            } else if (s) {
                term_write(0, s, strlen(s));
                term_write(0, "\n", 1);
                free(s);
            }
        }
    }
    cJSON_Delete(r);
}
