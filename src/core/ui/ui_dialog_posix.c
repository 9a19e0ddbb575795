/* No dialog outside Windows: ui.c falls back to the console. */
#include <stdio.h>

#include "core/ui/ui_internal.h"

crpki_err ui_dialog_open(const ui_request *req, rssp_cancel *cancel, ui_dialog **out, char *why,
                         size_t whysz)
{
    (void)req;
    (void)cancel;
    *out = NULL;
    snprintf(why, whysz, "no approval dialog on this platform");
    return CRPKI_E_NOT_SUPPORTED;
}

void ui_dialog_close(ui_dialog *d, crpki_err outcome)
{
    (void)d;
    (void)outcome;
}
