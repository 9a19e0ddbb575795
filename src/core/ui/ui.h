/* approval_ui: how the user sees the 4-digit approval code while a signature
 * waits for the gBizID app. One interface, three kinds (config approval_ui):
 *   dialog  - Windows: a small Japanese dialog owned by the application's
 *             window, with the code, what is being signed, the requesting
 *             program and its verified publisher, the certificate, a
 *             countdown and a Cancel button (ui_dialog_win.c);
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
    const char *publisher;     /* the line saying who published it, as the system
                                  verified it (signing_program_publisher), or NULL / "" */
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

/* ---- when a signature cannot go through (ui_recovery_*.c) ------------------
 * The DLL runs inside someone else's program, whose own error message says
 * nothing useful; this says what happened and how to fix it, and where the
 * person can fix it on the spot, lets them:
 *   login expired or revoked  -> 「G ビズ ID でログイン」: the browser login
 *                                runs from the dialog, then the same
 *                                signature continues;
 *   service unreachable, proxy, TLS, no answer, busy -> 再試行;
 *   the certificate no longer at the service -> how to set it up again.
 * Kind dialog: a window on its own thread (like the approval dialog), with a
 * button that opens the management tool at the page that fixes it; console:
 * one line on stderr with the cause and the command that fixes it, no
 * choice; none: nothing. Never for a silent caller (the signing path checks). */

typedef enum { UI_CHOICE_CANCEL = 0, UI_CHOICE_LOGIN, UI_CHOICE_RETRY } ui_choice;

typedef struct {
    crpki_err cause;
    const char *note; /* how the last try ended ("ログインできませんでした: ..."), or NULL */
    const char *program; /* the requesting program's path (UTF-8), shown for context */
    void *parent_window; /* HWND of the application, or NULL */
    rssp_cancel *cancel; /* the sign call's: triggered (signing_cancel) -> UI_CHOICE_CANCEL */
} ui_recovery_request;

typedef struct ui_recovery ui_recovery;

/* 1 when the person at the PC can do something about cause. */
int ui_recovery_applies(crpki_err cause);

/* Tells the person (see above). *out receives the window to wait on, NULL
 * when there is nothing to choose (console, none, or no window could be
 * made: then the console line was written and the failure logged). */
void ui_recovery_open(crpki_approval_ui kind, const ui_recovery_request *req, ui_recovery **out);
/* Waits for the person's choice. */
ui_choice ui_recovery_wait(ui_recovery *r);
/* After UI_CHOICE_LOGIN, while the browser login runs: the dialog says to
 * log in in the browser and shows url (for when no browser came up);
 * キャンセル then ends the login. */
void ui_recovery_login_url(ui_recovery *r, const char *url);
/* 1 once キャンセル was pressed (or the sign call was cancelled). */
int ui_recovery_cancelled(ui_recovery *r);
/* Takes the window down and joins its thread. NULL ok. */
void ui_recovery_close(ui_recovery *r);

/* The texts of a recovery (pure; ui_text.c): what happened, what to do, the
 * button that fixes it on the spot (NULL: none), the management tool's page
 * (gui page name: "login", "network", "certs") and the crpki-mgmt command
 * for the console. 0, or -1 when cause is not one the person can fix. */
typedef struct {
    ui_choice action;
    const char *title, *what, *todo, *button, *tool_page, *command;
} ui_recovery_text;
int ui_recovery_texts(crpki_err cause, ui_recovery_text *t);
/* The console's one line: "署名できません: <what> <command> ...\n". */
size_t ui_recovery_console_line(crpki_err cause, char *buf, size_t n);

#endif
