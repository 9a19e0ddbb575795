/* ui_font_win: the font every window of the driver writes Japanese in (the
 * approval dialog, the management tool). Windows only. */
#ifndef CRPKI_CORE_UI_UI_FONT_WIN_H
#define CRPKI_CORE_UI_UI_FONT_WIN_H

#include <windows.h>

/* The system's message font (size, weight) in a face with Japanese glyphs:
 * Yu Gothic UI, Meiryo UI, MS UI Gothic, else the font mapper's choice for
 * SHIFTJIS_CHARSET. dc may be NULL (then no face is looked up). */
void ui_win_message_font(HDC dc, LOGFONTW *lf);

#endif
