/* shot_png_win: screenshots for docs/images (scripts/gui-screenshots). */
#ifndef CRPKI_TESTS_SHOT_PNG_WIN_H
#define CRPKI_TESTS_SHOT_PNG_WIN_H

#include <windows.h>

/* The screen's pixels under window w (frame included) as an RGB PNG at
 * path (a Windows path). 0, or -1. */
int shot_png(HWND w, const char *path);

#endif
