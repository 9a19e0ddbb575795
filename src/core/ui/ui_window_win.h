/* ui_window_win: what the driver's small windows share (the approval dialog,
 * ui_dialog_win.c; the recovery dialog, ui_recovery_win.c): a window class
 * registered only while a window of it exists, the placement over the
 * application's window, the scale of the screen, child controls in the
 * Japanese UI face. Windows only. */
#ifndef CRPKI_CORE_UI_UI_WINDOW_WIN_H
#define CRPKI_CORE_UI_UI_WINDOW_WIN_H

#include <windows.h>

/* The module (DLL or program) this code is linked into. */
HINSTANCE ui_win_module(void);

/* A class registered while it has users and unregistered after the last: a
 * DLL unloaded and loaded again must never find a class whose window
 * procedure points into its old image. Static storage, one per class. */
typedef struct {
    const wchar_t *name;
    WNDPROC proc;
    unsigned users; /* under the module's lock */
} ui_win_class;
int ui_win_class_acquire(ui_win_class *c); /* 1 registered (or already), 0 failed */
void ui_win_class_release(ui_win_class *c);

/* The screen's scale and the fonts of a window: font in the message size,
 * big (may be NULL) bold at big_px pixels at 96 dpi. */
typedef struct {
    int dpi;
    HFONT font, big;
} ui_win_fonts;
void ui_win_fonts_make(ui_win_fonts *f, int big_px);
void ui_win_fonts_free(ui_win_fonts *f);
int ui_win_px(const ui_win_fonts *f, int v); /* v at 96 dpi, scaled */

/* The outer rectangle of a captioned popup of client size cw x ch (96-dpi
 * units), centred over parent (the application's window, read without
 * sending it a message) or the work area. */
void ui_win_place(const ui_win_fonts *f, HWND parent, int cw, int ch, int *x, int *y, int *w,
                  int *h);

/* A child control at (x, y, w, h) in 96-dpi units with font (NULL: none). */
HWND ui_win_add(HWND parent, const ui_win_fonts *f, const wchar_t *cls, const wchar_t *text,
                DWORD style, int id, int x, int y, int w, int h, HFONT font);

/* Sets control id's text from UTF-8 (ignored when not UTF-8). */
void ui_win_set_text(HWND dlg, int id, const char *utf8);

#endif
