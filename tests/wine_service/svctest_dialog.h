/* svctest_dialog: the approval dialog (src/core/ui/ui_dialog_win.c) as a user meets
 * it, for service tests that run with UI dialog under xvfb-run (XVFB in
 * crpki_service_test). Windows only (crpki_svctest builds it on win64):
 * windows are found among this process's top-level windows by class
 * (EnumWindows + GetWindowThreadProcessId), read with GetDlgItemTextW and
 * clicked with BM_CLICK, from a thread other than the dialog's. Control IDs:
 * CRPKI_UI_ID_* of src/core/ui/ui_internal.h. The text and click helpers take
 * either dialog. */
#ifndef CRPKI_TESTS_SVCTEST_DIALOG_H
#define CRPKI_TESTS_SVCTEST_DIALOG_H

#include <stddef.h>

/* The visible approval dialog of this process, waiting up to timeout_ms for
 * it to appear; NULL when none did (the HWND as a pointer). */
void *svctest_dialog_wait(unsigned timeout_ms);
/* The visible recovery dialog (ui_recovery_win.c: a signature that cannot go
 * through), waiting up to timeout_ms; NULL when none appeared. */
void *svctest_recovery_wait(unsigned timeout_ms);
/* The number of approval dialogs of this process now (visible or not). */
int svctest_dialog_count(void);
/* The number of visible top-level windows of this process, of any class. */
int svctest_visible_windows(void);
/* 1 while dlg is still a window of the approval or the recovery dialog's
 * class. */
int svctest_dialog_alive(void *dlg);
/* The text of control id (UTF-8, NUL-terminated, truncated to n). 0, or -1
 * when the dialog or the control is gone. */
int svctest_dialog_text(void *dlg, int id, char *buf, size_t n);
/* Clicks the button id (BM_CLICK, as the mouse would). 0, or -1 when there
 * is no such control or it is disabled. */
int svctest_dialog_click(void *dlg, int id);

#endif
