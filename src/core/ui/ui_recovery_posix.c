/* ui_recovery on POSIX: no window (ui_recovery_dialog_open says so and
 * ui.c writes the console line), so there is never a window to wait on. */
#include "core/ui/ui_internal.h"

#include <stdio.h>

crpki_err ui_recovery_dialog_open(const ui_recovery_request *req, ui_recovery **out, char *why,
                                  size_t whysz)
{
    (void)req;
    *out = NULL;
    snprintf(why, whysz, "no windows on this platform");
    return CRPKI_E_NOT_SUPPORTED;
}

ui_choice ui_recovery_wait(ui_recovery *r)
{
    (void)r;
    return UI_CHOICE_CANCEL;
}

void ui_recovery_login_url(ui_recovery *r, const char *url)
{
    (void)r, (void)url;
}

int ui_recovery_cancelled(ui_recovery *r)
{
    (void)r;
    return 1;
}

void ui_recovery_close(ui_recovery *r)
{
    (void)r;
}
