/* tu_window_missing_glyphs (testutil.h): boxes where letters should be. Its
 * own object, so that a program using it needs no tu_child_main. */
#include <windows.h>

#include "testutil.h"

#include <stdio.h>
#include <string.h>
#include <wchar.h>

/* ---- glyph coverage of a window's text ---------------------------------------- */

typedef struct {
    char *report;
    size_t n, len;
    int missing;
    wchar_t faces[256];
    HFONT face_font; /* NULL: each control's own (WM_GETFONT) */
} glyph_scan;

static void scan_add(glyph_scan *g, const char *fmt, const wchar_t *w, unsigned cp,
                     const wchar_t *face)
{
    char text[160] = "", fa[64] = "";
    WideCharToMultiByte(CP_UTF8, 0, w, -1, text, (int)sizeof text, NULL, NULL);
    WideCharToMultiByte(CP_UTF8, 0, face, -1, fa, (int)sizeof fa, NULL, NULL);
    if (g->len < g->n) {
        int k = snprintf(g->report + g->len, g->n - g->len, fmt, cp, text, fa);
        if (k > 0)
            g->len += (size_t)k < g->n - g->len ? (size_t)k : g->n - g->len - 1;
    }
}

static void scan_window(HWND h, glyph_scan *g)
{
    if (!IsWindowVisible(h))
        return;
    /* WM_GETTEXT, not GetWindowText: the text of another process's control */
    wchar_t w[1024];
    DWORD_PTR got = 0;
    if (!SendMessageTimeoutW(h, WM_GETTEXT, 1024, (LPARAM)w, SMTO_ABORTIFHUNG, 5000, &got) ||
        got == 0 || got >= 1024)
        return;
    int len = (int)got;
    w[len] = 0;
    HFONT f = g->face_font ? g->face_font : (HFONT)SendMessageW(h, WM_GETFONT, 0, 0);
    HDC dc = GetDC(h);
    HGDIOBJ old = SelectObject(dc, f ? (HGDIOBJ)f : GetStockObject(SYSTEM_FONT));
    wchar_t face[LF_FACESIZE] = L"";
    GetTextFaceW(dc, LF_FACESIZE, face);
    if (!wcsstr(g->faces, face) && wcslen(g->faces) + wcslen(face) + 3 < 256) {
        if (g->faces[0])
            wcscat(g->faces, L", ");
        wcscat(g->faces, face);
    }
    WORD glyphs[1024];
    if (GetGlyphIndicesW(dc, w, len, glyphs, GGI_MARK_NONEXISTING_GLYPHS) == (DWORD)len) {
        for (int i = 0; i < len; i++) {
            if (w[i] < 0x20 || glyphs[i] != 0xFFFF)
                continue; /* line breaks are no glyphs */
            g->missing++;
            scan_add(g, "U+%04X in \"%s\" (%s); ", w, w[i], face);
        }
    }
    SelectObject(dc, old);
    ReleaseDC(h, dc);
}

static BOOL CALLBACK scan_child(HWND h, LPARAM lp)
{
    scan_window(h, (glyph_scan *)lp);
    return TRUE;
}

int tu_window_missing_glyphs(void *top, const wchar_t *face, char *report, size_t n)
{
    glyph_scan g = {report, n, 0, 0, L"", NULL};
    if (face) {
        LOGFONTW lf;
        memset(&lf, 0, sizeof lf);
        lf.lfHeight = -12;
        lf.lfCharSet = SHIFTJIS_CHARSET;
        wcsncpy(lf.lfFaceName, face, LF_FACESIZE - 1);
        g.face_font = CreateFontIndirectW(&lf);
    }
    if (n)
        report[0] = '\0';
    /* the controls only: the title bar is the system's, drawn in its caption
       font with font linking, which GetGlyphIndicesW does not follow */
    EnumChildWindows((HWND)top, scan_child, (LPARAM)&g);
    char faces[300] = "";
    WideCharToMultiByte(CP_UTF8, 0, g.faces, -1, faces, (int)sizeof faces, NULL, NULL);
    printf("fonts of the window's text: %s; %d character(s) without a glyph\n", faces, g.missing);
    if (g.face_font)
        DeleteObject(g.face_font);
    return g.missing;
}
