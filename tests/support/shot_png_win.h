/* shot_png_win: screenshots for docs/images (scripts/gui-screenshots), for
 * the test programs that render the driver's windows under Wine + Xvfb. */
#ifndef CRPKI_TESTS_SHOT_PNG_WIN_H
#define CRPKI_TESTS_SHOT_PNG_WIN_H

#include <windows.h>

/* The screen's pixels under window w (frame included) as an RGB PNG at
 * path (a Windows path). 0, or -1. */
int shot_png(HWND w, const char *path);

/* CRPKI_GUI_SHOTS (a Unix or a Windows path) as a Windows path into dir,
 * the folder made, and the prefix set to draw as Windows would for the
 * pictures (Wine's own frame and caption, the caption in a Japanese face):
 * 1. 0 (dir "") when pictures are not asked for. */
int shot_dir(char *dir, size_t n);

#endif
