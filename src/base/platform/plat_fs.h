/* fs: the file operations of the core, on UTF-8 paths (plat_fs_posix.c,
 * plat_fs_win.c; Windows converts to UTF-16 and uses the wide APIs). */
#ifndef CRPKI_BASE_PLATFORM_PLAT_FS_H
#define CRPKI_BASE_PLATFORM_PLAT_FS_H

#include <stddef.h>
#include <stdint.h>

#include "crpki/error.h"

/* '/' on POSIX, '\\' on Windows. */
extern const char plat_path_sep;

/* dir + separator + name (no doubled separator); malloc'ed, NULL if out of
 * memory. */
char *plat_path_join(const char *dir, const char *name);

/* Reads a whole file. Absent file: CRPKI_OK with *data NULL, *len 0.
 * Larger than max bytes: CRPKI_E_IO with detail "... larger than N bytes"
 * (and *too_big set if too_big is not NULL). *data is malloc'ed with a NUL
 * after the content. */
crpki_err plat_read_file(const char *path, size_t max, uint8_t **data, size_t *len, int *too_big,
                         crpki_error_info *ei);
/* plat_read_file for a file of the user's own directory that decides what
 * the user's programs do (config.json, keys.json). POSIX: refused
 * (CRPKI_E_CONFIG) when it is a symbolic link, not owned by the user or
 * writable by others, or its folder is not the user's or others may write
 * to it (tokens.dat keeps the same rule: plat_protect.h). Windows: as
 * plat_read_file (the profile's ACL keeps other users out). */
crpki_err plat_read_own_file(const char *path, size_t max, uint8_t **data, size_t *len,
                             int *too_big, crpki_error_info *ei);

typedef enum {
    PLAT_FILE_PUBLIC = 0, /* POSIX 0644 (before umask) */
    PLAT_FILE_PRIVATE,    /* POSIX 0600, created so from the first byte */
} plat_file_mode;

/* Replaces path with data atomically: a temporary file beside it is written,
 * flushed to disk and renamed over path (POSIX rename; Windows MoveFileExW
 * with MOVEFILE_REPLACE_EXISTING | MOVEFILE_WRITE_THROUGH). Whatever fails,
 * path holds either its old or its new content and no temporary remains. */
crpki_err plat_write_file_atomic(const char *path, const void *data, size_t len,
                                 plat_file_mode mode, crpki_error_info *ei);

/* Test seam: makes the next plat_write_file_atomic calls fail at a stage,
 * as a full disk or a crash would. Tests only; process-wide. */
typedef enum { PLAT_FAULT_NONE = 0, PLAT_FAULT_WRITE, PLAT_FAULT_RENAME } plat_fault;
void plat_fs_set_fault(plat_fault f);

/* Creates dir and its missing parents (PRIVATE: 0700 on POSIX). */
crpki_err plat_mkdir_p(const char *dir, plat_file_mode mode, crpki_error_info *ei);

/* Deletes a file; an absent file is not an error. */
crpki_err plat_remove(const char *path, crpki_error_info *ei);
/* Renames from to to, replacing to (a file others may hold open for
 * appending: plat_append shares delete access on Windows). */
crpki_err plat_rename(const char *from, const char *to, crpki_error_info *ei);

/* What identifies a file's version (device, inode/file index, size, mtime):
 * equal stamps mean the file was not replaced or written in between. */
typedef struct {
    uint64_t v[4];
} plat_stamp;
/* 1 and *st if the file exists, 0 if not (or on error). */
int plat_file_stamp(const char *path, plat_stamp *st);

/* A file opened for appending, shared with other processes: each
 * plat_append_write lands as one piece at the end of the file. */
typedef struct plat_append plat_append;
plat_append *plat_append_open(const char *path, plat_file_mode mode); /* NULL on failure */
int plat_append_write(plat_append *f, const char *buf, size_t len);   /* 0 or -1 */
void plat_append_close(plat_append *f);

#endif
