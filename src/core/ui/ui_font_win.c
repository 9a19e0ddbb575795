/* ui_font_win: a Japanese UI face (ui_font_win.h). */
#include "core/ui/ui_font_win.h"

#include <string.h>
#include <wchar.h>

/* One of each kind of character the driver's windows show: Latin letters
 * and digits ("G ビズ ID", "Windows", "URL", "1."), punctuation, kana, and
 * the kanji of the labels. A face must draw all of them itself: a CJK-only
 * face (Droid Sans Fallback, which ghostscript pulls in) shows every Latin
 * letter and digit as a box where nothing links another face in. */
const wchar_t ui_font_sample[] =
    L"AGIDLRUWaeinosw0123456789.:()-/%"
    L"\u627f\u8a8d\u30b3\u30fc\u30c9\u8981\u6c42\u5143"  /* 承認コード要求元 */
    L"\u30d7\u30ed\u30b0\u30e9\u30e0\u8a3c\u660e\u66f8"  /* プログラム証明書 */
    L"\u6709\u52b9\u671f\u9650\u6b8b\u308a\u30ad\u30e3"  /* 有効期限残りキャ */
    L"\u30f3\u30bb\u30eb\u30d3\u30ba\u3002\u300c\u300d"; /* ンセルビズ。「」 */

/* Faces tried in order: Windows' Japanese UI faces, its other Japanese
 * faces, then complete Japanese faces of other systems (Wine on Linux). */
static const wchar_t *const FACES[] = {
    L"Yu Gothic UI", L"Meiryo UI",  L"MS UI Gothic",       L"Yu Gothic", L"Meiryo",
    L"MS PGothic",   L"MS Gothic",  L"IPAPGothic",         L"IPAGothic", L"Noto Sans CJK JP",
    L"TakaoPGothic", L"VL PGothic", L"Source Han Sans JP",
};

static int CALLBACK font_found(const LOGFONTW *lf, const TEXTMETRICW *tm, DWORD type, LPARAM lp)
{
    (void)lf, (void)tm, (void)type;
    *(int *)lp = 1;
    return 0;
}

int ui_win_font_covers(HDC dc, const LOGFONTW *lf, const wchar_t *text)
{
    HFONT f = CreateFontIndirectW(lf);
    if (!f)
        return 0;
    HGDIOBJ old = SelectObject(dc, f);
    int n = (int)wcslen(text), ok = n > 0;
    WORD glyphs[128];
    if (n > (int)(sizeof glyphs / sizeof glyphs[0]) ||
        GetGlyphIndicesW(dc, text, n, glyphs, GGI_MARK_NONEXISTING_GLYPHS) != (DWORD)n)
        ok = 0;
    for (int i = 0; ok && i < n; i++)
        if (glyphs[i] == 0xFFFF)
            ok = 0;
    SelectObject(dc, old);
    DeleteObject(f);
    return ok;
}

/* The message font's size and weight, in a face that draws every kind of
 * character the windows show (ui_font_sample): an English Windows's message
 * font (Segoe UI, Tahoma) has no Japanese, and the font mapper's pick for
 * the Japanese character set may have no Latin. The known faces first, then
 * the mapper's pick; when no face draws it all, the first Japanese face
 * found (better some boxes than all), else the mapper's pick. */
static void japanese_face(HDC dc, LOGFONTW *lf)
{
    LOGFONTW first;
    int have_first = 0;
    for (size_t i = 0; dc && i < sizeof FACES / sizeof FACES[0]; i++) {
        LOGFONTW q;
        memset(&q, 0, sizeof q);
        q.lfCharSet = DEFAULT_CHARSET;
        wcsncpy(q.lfFaceName, FACES[i], LF_FACESIZE - 1);
        int found = 0;
        EnumFontFamiliesExW(dc, &q, font_found, (LPARAM)&found, 0);
        if (!found)
            continue;
        LOGFONTW c = *lf;
        wcsncpy(c.lfFaceName, FACES[i], LF_FACESIZE - 1);
        c.lfFaceName[LF_FACESIZE - 1] = 0;
        c.lfCharSet = SHIFTJIS_CHARSET;
        if (ui_win_font_covers(dc, &c, ui_font_sample)) {
            *lf = c;
            return;
        }
        if (!have_first) {
            first = c;
            have_first = 1;
        }
    }
    LOGFONTW mapper = *lf;
    mapper.lfFaceName[0] = 0;
    mapper.lfCharSet = SHIFTJIS_CHARSET;
    if (!dc || ui_win_font_covers(dc, &mapper, ui_font_sample) || !have_first)
        *lf = mapper;
    else
        *lf = first;
}

void ui_win_message_font(HDC dc, LOGFONTW *lf)
{
    NONCLIENTMETRICSW m;
    memset(&m, 0, sizeof m);
    m.cbSize = sizeof m;
    if (SystemParametersInfoW(SPI_GETNONCLIENTMETRICS, sizeof m, &m, 0))
        *lf = m.lfMessageFont;
    else
        GetObjectW(GetStockObject(DEFAULT_GUI_FONT), sizeof *lf, lf);
    japanese_face(dc, lf);
}
