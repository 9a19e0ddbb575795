/* browser: opens a URL in the user's browser (browser_posix.c: $BROWSER,
 * else xdg-open; browser_win.c: ShellExecuteW). Does not wait for it. The
 * caller always prints the URL as well, for when no browser comes up. */
#ifndef CRPKI_MGMT_TOOL_BROWSER_H
#define CRPKI_MGMT_TOOL_BROWSER_H

/* 0 when a browser was started (not that it loaded the page). */
int browser_open(const char *url);

#endif
