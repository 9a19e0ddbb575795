/* ui_internal: the pieces of the approval UI (ui.h) behind the
 * dispatch of ui.c: the texts (ui_text.c, pure, unit-tested), the
 * console writer (ui_console_posix.c / ui_console_win.c) and the dialog
 * (ui_dialog_win.c; ui_dialog_posix.c has none). */
#ifndef CRPKI_CORE_UI_UI_INTERNAL_H
#define CRPKI_CORE_UI_UI_INTERNAL_H

#include <stddef.h>

#include "core/ui/ui.h"

/* The dialog's window class and control IDs: tests find the window and
 * read the code by these. */
#define CRPKI_UI_DIALOG_CLASS L"CrpkiApprovalDialog"
#define CRPKI_UI_ID_CODE      101
#define CRPKI_UI_ID_WHAT      102
#define CRPKI_UI_ID_PROGRAM   103
#define CRPKI_UI_ID_SUBJECT   104
#define CRPKI_UI_ID_COUNTDOWN 105
#define CRPKI_UI_ID_PUBLISHER 106
#define CRPKI_UI_ID_CANCEL    2 /* IDCANCEL: Esc presses it too */

/* The recovery dialog's (ui_recovery_win.c). */
#define CRPKI_UI_RECOVERY_CLASS L"CrpkiRecoveryDialog"
#define CRPKI_UI_ID_R_WHAT      201
#define CRPKI_UI_ID_R_TODO      202
#define CRPKI_UI_ID_R_PROGRAM   203
#define CRPKI_UI_ID_R_URL       204 /* read-only edit: the login URL */
#define CRPKI_UI_ID_R_STATUS    205
#define CRPKI_UI_ID_R_ACTION    210 /* G ビズ ID でログイン / 再試行 */
#define CRPKI_UI_ID_R_TOOL      211 /* 管理ツールを開く */
#define CRPKI_UI_ID_R_CANCEL    2   /* IDCANCEL */
/* Where the MSI says the management tool is (installer/crpki.wxs: a value
 * of plat_machine.h's store, not a setting) */
#define CRPKI_UI_INSTALL_DIR_VALUE "InstallDir"

/* ---- texts (UTF-8) ---------------------------------------------------------- */

#define CRPKI_UI_TITLE      "商業登記電子証明書 - 署名の承認"
#define CRPKI_UI_PROMPT     "スマートフォンの gBizID アプリに次の承認コードを入力してください。"
#define CRPKI_UI_CANCEL     "キャンセル"
#define CRPKI_UI_CANCELLING "キャンセルしています…"

/* The console block shown by kind console: the prompt, the code, what, the
 * program, the certificate, the time left, and last the line scripts read,
 * "CRPKI-APPROVAL-CODE: 1234\n". Truncated to n (always NUL-terminated);
 * returns the length it needed. */
size_t ui_console_text(const ui_request *req, char *buf, size_t n);
/* One line for the end of the wait: "署名しました。" or the Japanese reason. */
size_t ui_outcome_text(crpki_err outcome, char *buf, size_t n);
/* "残り 1:59" style countdown ("期限切れ" at 0). */
size_t ui_countdown_text(unsigned seconds_left, char *buf, size_t n);
/* Whose certificate signs, as a person reads it (cleaned): req->holder, else
 * the holder and company of req->subject; "" when neither. */
size_t ui_holder_text(const ui_request *req, char *buf, size_t n);
/* Labelled lines of the dialog: "署名する内容: ...", "要求元プログラム: ...",
 * "証明書: ..." (empty string when value is NULL or empty). */
size_t ui_label_text(const char *label, const char *value, char *buf, size_t n);

/* ---- console ------------------------------------------------------------------ */

/* Writes UTF-8 text to stderr (WriteConsoleW on a Windows console, so the
 * Japanese shows whatever the code page; bytes otherwise). */
void ui_console_write(const char *utf8);

/* ---- dialog ------------------------------------------------------------------- */

typedef struct ui_dialog ui_dialog;

/* Shows the dialog on its own thread and returns once it is up, or fails
 * (no display, no window station, not Windows): CRPKI_E_NOT_SUPPORTED /
 * CRPKI_E_INTERNAL with why (for the log) in why. Cancel calls
 * rssp_cancel_trigger(cancel). */
crpki_err ui_dialog_open(const ui_request *req, rssp_cancel *cancel, ui_dialog **out, char *why,
                         size_t whysz);
/* Takes the dialog down (WM_CLOSE) and joins its thread; a denial, an expiry
 * or a cancel is said in the dialog for a moment first. NULL ok. */
void ui_dialog_close(ui_dialog *d, crpki_err outcome);

/* The recovery window (ui.h) on its own thread; fails like ui_dialog_open. */
crpki_err ui_recovery_dialog_open(const ui_recovery_request *req, ui_recovery **out, char *why,
                                  size_t whysz);

#endif
