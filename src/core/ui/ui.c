/* approval_ui: which way the approval code reaches the user (ui.h).
 * none: nowhere; console: one block on stderr; dialog: ui_dialog_win.c,
 * falling back to the console when no window can be made. */
#include "core/ui/ui.h"

#include <stdlib.h>
#include <string.h>

#include "base/log/log.h"
#include "core/ui/ui_internal.h"

#define MOD "ui"

struct ui_handle {
    crpki_approval_ui kind; /* CRPKI_UI_CONSOLE or CRPKI_UI_DIALOG */
    ui_dialog *dlg;
};

static void console_show(const ui_request *req)
{
    size_t need = ui_console_text(req, NULL, 0) + 1;
    char *text = malloc(need);
    if (!text) {
        /* the code must still reach the user */
        ui_console_write("CRPKI-APPROVAL-CODE: ");
        ui_console_write(req->approval_code ? req->approval_code : "----");
        ui_console_write("\n");
        return;
    }
    ui_console_text(req, text, need);
    ui_console_write(text);
    free(text);
}

crpki_err ui_show(crpki_approval_ui kind, const ui_request *req, rssp_cancel *cancel,
                  ui_handle **out)
{
    if (!out)
        return CRPKI_E_INVALID_ARG;
    *out = NULL;
    if (!req || !req->approval_code)
        return CRPKI_E_INVALID_ARG;
    /* Not the code itself: while it is valid it is a credential, and the log
       may be read by others; the signature's last line names it (signing.c). */
    log_write(CRPKI_LOG_INFO, MOD, "approval requested (%u s, %u hash(es), %s): code shown as %s",
              req->expires_in_s, (unsigned)req->num_hashes,
              req->description ? req->description : "no description",
              kind == CRPKI_UI_DIALOG    ? "dialog"
              : kind == CRPKI_UI_CONSOLE ? "console"
                                         : "none");
    if (kind == CRPKI_UI_NONE)
        return CRPKI_OK;
    ui_handle *ui = calloc(1, sizeof *ui);
    if (!ui) {
        console_show(req);
        return CRPKI_E_NO_MEMORY;
    }
    ui->kind = CRPKI_UI_CONSOLE;
    if (kind == CRPKI_UI_DIALOG) {
        char why[256] = "";
        crpki_err e = ui_dialog_open(req, cancel, &ui->dlg, why, sizeof why);
        if (e == CRPKI_OK) {
            ui->kind = CRPKI_UI_DIALOG;
            *out = ui;
            return CRPKI_OK;
        }
        log_write(CRPKI_LOG_WARN, MOD, "approval dialog not shown (%s: %s); using the console",
                  crpki_err_name(e), why);
    }
    console_show(req);
    *out = ui;
    return CRPKI_OK;
}

void ui_close(ui_handle *ui, crpki_err outcome)
{
    if (!ui)
        return;
    if (ui->kind == CRPKI_UI_DIALOG) {
        ui_dialog_close(ui->dlg, outcome);
    } else {
        char line[512];
        ui_outcome_text(outcome, line, sizeof line);
        ui_console_write(line);
    }
    free(ui);
}

void ui_recovery_open(crpki_approval_ui kind, const ui_recovery_request *req, ui_recovery **out)
{
    *out = NULL;
    char line[1024];
    ui_recovery_console_line(req->cause, line, sizeof line);
    log_write(CRPKI_LOG_INFO, MOD, "signature not possible (%s): the person is told %s",
              crpki_err_name(req->cause),
              kind == CRPKI_UI_DIALOG    ? "in a dialog"
              : kind == CRPKI_UI_CONSOLE ? "on the console"
                                         : "nothing (approval_ui none)");
    if (kind == CRPKI_UI_NONE)
        return;
    if (kind == CRPKI_UI_DIALOG) {
        char why[256] = "";
        crpki_err e = ui_recovery_dialog_open(req, out, why, sizeof why);
        if (e == CRPKI_OK)
            return;
        log_write(CRPKI_LOG_WARN, MOD, "recovery dialog not shown (%s: %s); using the console",
                  crpki_err_name(e), why);
    }
    ui_console_write(line);
}
