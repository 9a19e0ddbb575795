#define WIN32_LEAN_AND_MEAN
#include <windows.h>

#include "base/platform/plat_fs.h"

#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <wchar.h>

#include "base/error/fail.h"
#include "base/platform/plat_utf16_win.h"

const char plat_path_sep = '\\';

static atomic_int g_fault;
static atomic_uint g_tmp_counter;

void plat_fs_set_fault(plat_fault f)
{
    atomic_store(&g_fault, (int)f);
}

char *plat_path_join(const char *dir, const char *name)
{
    size_t dl = strlen(dir), nl = strlen(name);
    int sep = dl > 0 && dir[dl - 1] != '\\' && dir[dl - 1] != '/';
    char *p = malloc(dl + (size_t)sep + nl + 1);
    if (!p)
        return NULL;
    memcpy(p, dir, dl);
    if (sep)
        p[dl] = '\\';
    memcpy(p + dl + (size_t)sep, name, nl + 1);
    return p;
}

static crpki_err bad_path(const char *path, crpki_error_info *ei)
{
    return fail_with(ei, CRPKI_E_IO, "%s: path is not valid UTF-8 (or out of memory)", path);
}

crpki_err plat_read_file(const char *path, size_t max, uint8_t **data, size_t *len, int *too_big,
                         crpki_error_info *ei)
{
    *data = NULL;
    *len = 0;
    if (too_big)
        *too_big = 0;
    wchar_t *w = plat_utf8_to_wide(path);
    if (!w)
        return bad_path(path, ei);
    /* FILE_SHARE_DELETE: a writer may rename a new version over it meanwhile */
    HANDLE h = CreateFileW(w, GENERIC_READ, FILE_SHARE_READ | FILE_SHARE_WRITE | FILE_SHARE_DELETE,
                           NULL, OPEN_EXISTING, FILE_ATTRIBUTE_NORMAL, NULL);
    free(w);
    if (h == INVALID_HANDLE_VALUE) {
        DWORD e = GetLastError();
        if (e == ERROR_FILE_NOT_FOUND || e == ERROR_PATH_NOT_FOUND)
            return CRPKI_OK;
        return fail_with(ei, CRPKI_E_IO, "%s: cannot open (error %lu)", path, (unsigned long)e);
    }
    LARGE_INTEGER sz;
    if (!GetFileSizeEx(h, &sz)) {
        DWORD e = GetLastError();
        CloseHandle(h);
        return fail_with(ei, CRPKI_E_IO, "%s: cannot get size (error %lu)", path, (unsigned long)e);
    }
    if ((uint64_t)sz.QuadPart > max) {
        CloseHandle(h);
        if (too_big)
            *too_big = 1;
        return fail_with(ei, CRPKI_E_IO, "%s: larger than %lu bytes", path, (unsigned long)max);
    }
    size_t n = (size_t)sz.QuadPart, got = 0;
    uint8_t *buf = malloc(n + 1);
    if (!buf) {
        CloseHandle(h);
        return fail_with(ei, CRPKI_E_NO_MEMORY, "%s: reading", path);
    }
    while (got < n) {
        DWORD r = 0;
        if (!ReadFile(h, buf + got, (DWORD)(n - got), &r, NULL)) {
            DWORD e = GetLastError();
            free(buf);
            CloseHandle(h);
            return fail_with(ei, CRPKI_E_IO, "%s: read failed (error %lu)", path, (unsigned long)e);
        }
        if (r == 0)
            break; /* shrank meanwhile */
        got += r;
    }
    CloseHandle(h);
    buf[got] = 0;
    *data = buf;
    *len = got;
    return CRPKI_OK;
}

crpki_err plat_read_own_file(const char *path, size_t max, uint8_t **data, size_t *len,
                             int *too_big, crpki_error_info *ei)
{
    return plat_read_file(path, max, data, len, too_big, ei);
}

static int write_all(HANDLE h, const uint8_t *p, size_t n)
{
    while (n > 0) {
        DWORD chunk = n > 0x10000000u ? 0x10000000u : (DWORD)n, w = 0;
        if (!WriteFile(h, p, chunk, &w, NULL) || w == 0)
            return -1;
        p += w;
        n -= w;
    }
    return 0;
}

crpki_err plat_write_file_atomic(const char *path, const void *data, size_t len,
                                 plat_file_mode mode, crpki_error_info *ei)
{
    (void)mode; /* the new file inherits the directory's ACL (the user's profile) */
    wchar_t *wpath = plat_utf8_to_wide(path);
    if (!wpath)
        return bad_path(path, ei);
    size_t pl = wcslen(wpath);
    wchar_t *tmp = malloc((pl + 48) * sizeof *tmp);
    if (!tmp) {
        free(wpath);
        return fail_with(ei, CRPKI_E_NO_MEMORY, "%s: temporary name", path);
    }
    HANDLE h = INVALID_HANDLE_VALUE;
    DWORD e = 0;
    for (int tries = 0; h == INVALID_HANDLE_VALUE && tries < 100; tries++) {
        swprintf(tmp, pl + 48, L"%ls.tmp.%lu.%u", wpath, (unsigned long)GetCurrentProcessId(),
                 atomic_fetch_add(&g_tmp_counter, 1));
        h = CreateFileW(tmp, GENERIC_WRITE, 0, NULL, CREATE_NEW, FILE_ATTRIBUTE_NORMAL, NULL);
        e = GetLastError();
        if (h == INVALID_HANDLE_VALUE && e != ERROR_FILE_EXISTS && e != ERROR_ALREADY_EXISTS)
            break;
    }
    if (h == INVALID_HANDLE_VALUE) {
        free(tmp);
        free(wpath);
        return fail_with(ei, CRPKI_E_IO, "%s: cannot create a temporary file (error %lu)", path,
                         (unsigned long)e);
    }
    const char *stage = "write";
    e = 0;
    int fault = atomic_load(&g_fault);
    if (fault == PLAT_FAULT_WRITE) {
        (void)write_all(h, data, len / 2);
        e = ERROR_DISK_FULL;
    } else if (write_all(h, data, len) != 0) {
        e = GetLastError();
    } else if (!FlushFileBuffers(h)) {
        stage = "flush";
        e = GetLastError();
    }
    CloseHandle(h);
    if (!e) {
        stage = "rename";
        if (fault == PLAT_FAULT_RENAME) {
            e = ERROR_ACCESS_DENIED;
        } else {
            /* a reader or a virus scanner holding the target open without
             * FILE_SHARE_DELETE makes the replace fail for a moment: retry */
            for (int tries = 0; tries < 20; tries++) {
                if (MoveFileExW(tmp, wpath, MOVEFILE_REPLACE_EXISTING | MOVEFILE_WRITE_THROUGH)) {
                    e = 0;
                    break;
                }
                e = GetLastError();
                if (e != ERROR_ACCESS_DENIED && e != ERROR_SHARING_VIOLATION)
                    break;
                Sleep(25);
            }
        }
    }
    if (e)
        DeleteFileW(tmp);
    free(tmp);
    free(wpath);
    if (e)
        return fail_with(ei, CRPKI_E_IO, "%s: %s failed (error %lu; old content kept)", path, stage,
                         (unsigned long)e);
    return CRPKI_OK;
}

static int is_sep(wchar_t c)
{
    return c == L'\\' || c == L'/';
}

crpki_err plat_mkdir_p(const char *dir, plat_file_mode mode, crpki_error_info *ei)
{
    (void)mode;
    wchar_t *w = plat_utf8_to_wide(dir);
    if (!w)
        return bad_path(dir, ei);
    size_t n = wcslen(w);
    while (n > 1 && is_sep(w[n - 1]) && !(n == 3 && w[1] == L':'))
        w[--n] = 0;
    /* skip the root: "C:\", "\\server\share\" or "\\?\C:\" */
    size_t i = 0;
    if (n >= 2 && w[1] == L':') {
        i = 3;
    } else if (n >= 2 && is_sep(w[0]) && is_sep(w[1])) {
        if (n >= 4 && w[2] == L'?' && is_sep(w[3])) {
            i = 7; /* \\?\C:\ */
        } else {
            int seps = 0;
            for (i = 2; i < n && seps < 2; i++)
                if (is_sep(w[i]))
                    seps++;
        }
    }
    DWORD e = 0;
    for (; i <= n; i++) {
        if (i < n && !is_sep(w[i]))
            continue;
        wchar_t c = w[i];
        w[i] = 0;
        if (w[0] && !CreateDirectoryW(w, NULL)) {
            e = GetLastError();
            if (e == ERROR_ALREADY_EXISTS || e == ERROR_ACCESS_DENIED)
                e = 0; /* a parent we may not create but which exists: checked below */
        }
        w[i] = c;
        if (e)
            break;
    }
    DWORD attr = GetFileAttributesW(w);
    free(w);
    if (e)
        return fail_with(ei, CRPKI_E_IO, "%s: cannot create (error %lu)", dir, (unsigned long)e);
    if (attr == INVALID_FILE_ATTRIBUTES || !(attr & FILE_ATTRIBUTE_DIRECTORY))
        return fail_with(ei, CRPKI_E_IO, "%s: cannot create the directory", dir);
    return CRPKI_OK;
}

crpki_err plat_remove(const char *path, crpki_error_info *ei)
{
    wchar_t *w = plat_utf8_to_wide(path);
    if (!w)
        return bad_path(path, ei);
    BOOL ok = DeleteFileW(w);
    DWORD e = ok ? 0 : GetLastError();
    free(w);
    if (!ok && e != ERROR_FILE_NOT_FOUND && e != ERROR_PATH_NOT_FOUND)
        return fail_with(ei, CRPKI_E_IO, "%s: cannot delete (error %lu)", path, (unsigned long)e);
    return CRPKI_OK;
}

crpki_err plat_rename(const char *from, const char *to, crpki_error_info *ei)
{
    wchar_t *a = plat_utf8_to_wide(from), *b = plat_utf8_to_wide(to);
    BOOL ok = a && b && MoveFileExW(a, b, MOVEFILE_REPLACE_EXISTING);
    DWORD e = ok ? 0 : GetLastError();
    free(a);
    free(b);
    if (!ok)
        return fail_with(ei, CRPKI_E_IO, "%s: cannot rename (error %lu)", from, (unsigned long)e);
    return CRPKI_OK;
}

int plat_file_stamp(const char *path, plat_stamp *st)
{
    memset(st, 0, sizeof *st);
    wchar_t *w = plat_utf8_to_wide(path);
    if (!w)
        return 0;
    HANDLE h =
        CreateFileW(w, FILE_READ_ATTRIBUTES, FILE_SHARE_READ | FILE_SHARE_WRITE | FILE_SHARE_DELETE,
                    NULL, OPEN_EXISTING, FILE_FLAG_BACKUP_SEMANTICS, NULL);
    free(w);
    if (h == INVALID_HANDLE_VALUE)
        return 0;
    BY_HANDLE_FILE_INFORMATION fi;
    BOOL ok = GetFileInformationByHandle(h, &fi);
    CloseHandle(h);
    if (!ok)
        return 0;
    st->v[0] = fi.dwVolumeSerialNumber;
    st->v[1] = ((uint64_t)fi.nFileIndexHigh << 32) | fi.nFileIndexLow;
    st->v[2] = ((uint64_t)fi.nFileSizeHigh << 32) | fi.nFileSizeLow;
    st->v[3] =
        ((uint64_t)fi.ftLastWriteTime.dwHighDateTime << 32) | fi.ftLastWriteTime.dwLowDateTime;
    return 1;
}

struct plat_append {
    HANDLE h;
};

plat_append *plat_append_open(const char *path, plat_file_mode mode)
{
    (void)mode;
    wchar_t *w = plat_utf8_to_wide(path);
    if (!w)
        return NULL;
    /* FILE_APPEND_DATA without FILE_WRITE_DATA: every WriteFile goes to the
     * current end. FILE_READ_DATA only so that LockFileEx is allowed. */
    HANDLE h = CreateFileW(w, FILE_APPEND_DATA | FILE_READ_DATA | SYNCHRONIZE,
                           FILE_SHARE_READ | FILE_SHARE_WRITE | FILE_SHARE_DELETE, NULL,
                           OPEN_ALWAYS, FILE_ATTRIBUTE_NORMAL, NULL);
    free(w);
    if (h == INVALID_HANDLE_VALUE)
        return NULL;
    plat_append *f = malloc(sizeof *f);
    if (!f) {
        CloseHandle(h);
        return NULL;
    }
    f->h = h;
    return f;
}

int plat_append_write(plat_append *f, const char *buf, size_t len)
{
    /* NTFS makes each append atomic, but Wine finds the end per write and
     * processes appending at once lose lines (seen: 409 of 600). A lock on
     * one byte far past any real end serializes writers everywhere; if it
     * cannot be taken the write still happens. */
    OVERLAPPED ov;
    memset(&ov, 0, sizeof ov);
    ov.Offset = 0xFFFFFFFEu;
    ov.OffsetHigh = 0x7FFFFFFFu;
    BOOL locked = LockFileEx(f->h, LOCKFILE_EXCLUSIVE_LOCK, 0, 1, 0, &ov);
    DWORD w = 0;
    int rc = WriteFile(f->h, buf, (DWORD)len, &w, NULL) && w == len ? 0 : -1;
    if (locked)
        UnlockFileEx(f->h, 0, 1, 0, &ov);
    return rc;
}

void plat_append_close(plat_append *f)
{
    if (!f)
        return;
    CloseHandle(f->h);
    free(f);
}
