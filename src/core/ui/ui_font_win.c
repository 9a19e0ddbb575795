/* ui_font_win: a Japanese UI face (ui_font_win.h). */
#include "core/ui/ui_font_win.h"

#include <string.h>
#include <wchar.h>

static int CALLBACK font_found(const LOGFONTW *lf, const TEXTMETRICW *tm, DWORD type, LPARAM lp)
{
    (void)lf, (void)tm, (void)type;
    *(int *)lp = 1;
    return 0;
}

/* The message font's size and weight, in a face with Japanese glyphs: an
 * English Windows's message font (Segoe UI, Tahoma) has none and shows the
 * dialog as boxes where no font link fills them in. Windows' Japanese UI
 * faces first; failing those, the font mapper's choice for the Japanese
 * character set. */
static void japanese_face(HDC dc, LOGFONTW *lf)
{
    static const wchar_t *const FACES[] = {L"Yu Gothic UI", L"Meiryo UI", L"MS UI Gothic"};
    for (size_t i = 0; dc && i < sizeof FACES / sizeof FACES[0]; i++) {
        LOGFONTW q;
        memset(&q, 0, sizeof q);
        q.lfCharSet = DEFAULT_CHARSET;
        wcsncpy(q.lfFaceName, FACES[i], LF_FACESIZE - 1);
        int found = 0;
        EnumFontFamiliesExW(dc, &q, font_found, (LPARAM)&found, 0);
        if (found) {
            wcsncpy(lf->lfFaceName, FACES[i], LF_FACESIZE - 1);
            lf->lfFaceName[LF_FACESIZE - 1] = 0;
            lf->lfCharSet = SHIFTJIS_CHARSET;
            return;
        }
    }
    lf->lfFaceName[0] = 0;
    lf->lfCharSet = SHIFTJIS_CHARSET;
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
