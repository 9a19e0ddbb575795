/* approval_ui: how the user sees the 4-digit approval code while a signature
 * waits for the gBizID app. One interface, three kinds (config approval_ui):
 *   dialog  - Windows: a small Japanese dialog owned by the application's
 *             window, with the code, what is being signed, the requesting
 *             program, a countdown and a Cancel button (ui_dialog_win.c);
 *             elsewhere it falls back to console;
 *   console - the same text on stderr (Japanese, UTF-8; WriteConsoleW on a
 *             Windows console), one line with the code that scripts can read:
 *             "CRPKI-APPROVAL-CODE: 1234";
 *   none    - nothing shown (tests, services).
 * The code is never logged here: while it is valid it approves a signature,
 * and others may read the log; the signing path logs it once the signature
 * has ended.
 * The UI runs on its own thread where it needs one, so the signing thread
 * keeps long-polling; Cancel triggers the given rssp_cancel. */
#ifndef CRPKI_CORE_UI_UI_H
#define CRPKI_CORE_UI_UI_H

#include <stddef.h>

#include "crpki/config.h"
#include "crpki/error.h"
#include "crpki/rssp_client.h"

typedef struct {
    const char *approval_code; /* 4 digits */
    unsigned expires_in_s;     /* countdown start */
    const char *description;   /* what is being signed, as sent to the phone (UTF-8) */
    const char *program;       /* the requesting program's executable name (UTF-8) */
    const char *program_path;  /* its full path, shown so a look-alike name cannot pass for
                                  the real program; NULL: program */
    const char *holder;  /* "山田 太郎 (株式会社テスト商事)": the holder and company
                            read from the signer's verified certificate; NULL: those
                            of subject */
    const char *subject; /* the signer certificate's subject DN, or NULL */
    size_t num_hashes;
    void *parent_window; /* HWND of the application (Windows), or NULL */
} ui_request;

typedef struct ui_handle ui_handle;

/* Shows the approval for req (copied) with kind; the user's Cancel calls
 * rssp_cancel_trigger(cancel). *out NULL for CRPKI_UI_NONE. Failing to show
 * a dialog falls back to console and is logged: the code must reach the user. */
crpki_err ui_show(crpki_approval_ui kind, const ui_request *req, rssp_cancel *cancel,
                  ui_handle **out);
/* Takes the approval down, telling the user the outcome (CRPKI_OK: signed)
 * where the UI can (console: one line). Joins the UI thread. NULL ok. */
void ui_close(ui_handle *ui, crpki_err outcome);

#endif
