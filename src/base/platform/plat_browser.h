/* plat_browser: opens a URL in the user's browser (plat_browser_posix.c:
 * $BROWSER, else xdg-open; plat_browser_win.c: ShellExecuteW). Does not wait for it. The
 * caller always prints the URL as well, for when no browser comes up. */
#ifndef CRPKI_BASE_PLATFORM_PLAT_BROWSER_H
#define CRPKI_BASE_PLATFORM_PLAT_BROWSER_H

/* 0 when a browser was started (not that it loaded the page). */
int plat_open_url(const char *url);

#endif
