/* ui_font_win: the font every window of the driver writes Japanese in (the
 * approval dialog, the management tool). Windows only. */
#ifndef CRPKI_CORE_UI_UI_FONT_WIN_H
#define CRPKI_CORE_UI_UI_FONT_WIN_H

#include <windows.h>

/* One of each kind of character the windows show (Latin letters, digits,
 * punctuation, kana, the labels' kanji): what a face must draw itself. */
extern const wchar_t ui_font_sample[];

/* The system's message font (size, weight) in the first face that draws all
 * of ui_font_sample without a box: Yu Gothic UI, Meiryo UI, MS UI Gothic,
 * the other Windows Japanese faces, complete Japanese faces of other systems
 * (IPA, Noto CJK, ...), then the font mapper's choice for SHIFTJIS_CHARSET.
 * dc may be NULL (then no face is looked up: the mapper's choice). */
void ui_win_message_font(HDC dc, LOGFONTW *lf);

/* 1 when the face of lf itself (no font linking) has a glyph for every
 * character of text (at most 128), in dc. */
int ui_win_font_covers(HDC dc, const LOGFONTW *lf, const wchar_t *text);

#endif
