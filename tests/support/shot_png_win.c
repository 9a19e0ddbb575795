/* shot_png_win: a window as the screen shows it, saved as PNG (zlib). */
#include "shot_png_win.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <wchar.h>

#include <zlib.h>

static void put32(unsigned char *p, unsigned long v)
{
    p[0] = (unsigned char)(v >> 24);
    p[1] = (unsigned char)(v >> 16);
    p[2] = (unsigned char)(v >> 8);
    p[3] = (unsigned char)v;
}

static int chunk(FILE *f, const char *type, const unsigned char *data, unsigned long len)
{
    unsigned char h[8];
    put32(h, len);
    memcpy(h + 4, type, 4);
    unsigned long crc = crc32(0, h + 4, 4);
    if (len)
        crc = crc32(crc, data, (uInt)len);
    unsigned char c[4];
    put32(c, crc);
    return fwrite(h, 1, 8, f) == 8 && (!len || fwrite(data, 1, len, f) == len) &&
           fwrite(c, 1, 4, f) == 4;
}

int shot_png(HWND w, const char *path)
{
    RECT r;
    if (!GetWindowRect(w, &r))
        return -1;
    int wd = r.right - r.left, ht = r.bottom - r.top;
    if (wd <= 0 || ht <= 0)
        return -1;
    HDC screen = GetDC(NULL);
    HDC mem = CreateCompatibleDC(screen);
    BITMAPINFO bi;
    memset(&bi, 0, sizeof bi);
    bi.bmiHeader.biSize = sizeof bi.bmiHeader;
    bi.bmiHeader.biWidth = wd;
    bi.bmiHeader.biHeight = -ht; /* top-down */
    bi.bmiHeader.biPlanes = 1;
    bi.bmiHeader.biBitCount = 32;
    void *bits = NULL;
    HBITMAP bmp = CreateDIBSection(screen, &bi, DIB_RGB_COLORS, &bits, NULL, 0);
    int rc = -1;
    if (bmp && bits) {
        HGDIOBJ old = SelectObject(mem, bmp);
        BitBlt(mem, 0, 0, wd, ht, screen, r.left, r.top, SRCCOPY);
        GdiFlush();
        /* RGB rows, each with filter byte 0 */
        size_t raw_len = (size_t)ht * ((size_t)wd * 3 + 1);
        unsigned char *raw = malloc(raw_len);
        uLongf z_len = compressBound((uLong)raw_len);
        unsigned char *z = malloc(z_len);
        if (raw && z) {
            const unsigned char *src = bits;
            unsigned char *d = raw;
            for (int y = 0; y < ht; y++) {
                *d++ = 0;
                for (int x = 0; x < wd; x++, src += 4) {
                    *d++ = src[2];
                    *d++ = src[1];
                    *d++ = src[0];
                }
            }
            FILE *f = NULL;
            if (compress2(z, &z_len, raw, (uLong)raw_len, 9) == Z_OK &&
                (f = fopen(path, "wb")) != NULL) {
                static const unsigned char sig[8] = {0x89, 'P', 'N', 'G', '\r', '\n', 0x1A, '\n'};
                unsigned char ihdr[13];
                put32(ihdr, (unsigned long)wd);
                put32(ihdr + 4, (unsigned long)ht);
                ihdr[8] = 8;  /* bit depth */
                ihdr[9] = 2;  /* truecolour */
                ihdr[10] = 0; /* deflate */
                ihdr[11] = 0; /* adaptive filtering */
                ihdr[12] = 0; /* no interlace */
                int ok = fwrite(sig, 1, 8, f) == 8 && chunk(f, "IHDR", ihdr, 13) &&
                         chunk(f, "IDAT", z, z_len) && chunk(f, "IEND", NULL, 0);
                rc = fclose(f) == 0 && ok ? 0 : -1;
            }
        }
        free(raw);
        free(z);
        SelectObject(mem, old);
    }
    if (bmp)
        DeleteObject(bmp);
    DeleteDC(mem);
    ReleaseDC(NULL, screen);
    return rc;
}

int shot_dir(char *dir, size_t n)
{
    const char *shots = getenv("CRPKI_GUI_SHOTS");
    dir[0] = '\0';
    if (!shots || !*shots)
        return 0;
    snprintf(dir, n, "%s%s", shots[0] == '/' ? "Z:" : "", shots);
    for (char *p = dir; *p; p++)
        if (*p == '/')
            *p = '\\';
    CreateDirectoryA(dir, NULL);
    /* Wine draws the frame and caption itself (no window manager under
       Xvfb), so the pictures show the title bar as Windows would */
    HKEY k;
    if (RegCreateKeyExA(HKEY_CURRENT_USER, "Software\\Wine\\X11 Driver", 0, NULL, 0, KEY_WRITE,
                        NULL, &k, NULL) == ERROR_SUCCESS) {
        RegSetValueExA(k, "Managed", 0, REG_SZ, (const BYTE *)"N", 2);
        RegCloseKey(k);
    }
    /* and writes the caption in a face with Japanese glyphs (Wine's Tahoma
       has none; a Japanese Windows uses Yu Gothic UI) */
    NONCLIENTMETRICSW m;
    memset(&m, 0, sizeof m);
    m.cbSize = sizeof m;
    if (SystemParametersInfoW(SPI_GETNONCLIENTMETRICS, sizeof m, &m, 0)) {
        LOGFONTW *f[] = {&m.lfCaptionFont, &m.lfSmCaptionFont, &m.lfMessageFont, &m.lfStatusFont,
                         &m.lfMenuFont};
        for (size_t i = 0; i < sizeof f / sizeof f[0]; i++) {
            wcscpy(f[i]->lfFaceName, L"IPAPGothic");
            f[i]->lfCharSet = SHIFTJIS_CHARSET;
        }
        SystemParametersInfoW(SPI_SETNONCLIENTMETRICS, sizeof m, &m,
                              SPIF_UPDATEINIFILE | SPIF_SENDCHANGE);
    }
    return 1;
}
