#include "installed_util.h"

#include <stdio.h>

int installed_write_file(const char *prog, const char *dir, const char *name, const BYTE *data,
                         DWORD len)
{
    char path[MAX_PATH];
    snprintf(path, sizeof path, "%s\\%s", dir, name);
    FILE *f = fopen(path, "wb");
    if (!f || fwrite(data, 1, len, f) != len || fclose(f) != 0) {
        fprintf(stderr, "%s: cannot write %s\n", prog, path);
        return 1;
    }
    return 0;
}

const char *installed_image_kind(HMODULE m)
{
    const IMAGE_DOS_HEADER *dos = (const IMAGE_DOS_HEADER *)m;
    const IMAGE_NT_HEADERS *nt = (const IMAGE_NT_HEADERS *)((const BYTE *)m + dos->e_lfanew);
    BOOL wow64 = FALSE;
    IsWow64Process(GetCurrentProcess(), &wow64);
    switch (nt->FileHeader.Machine) {
    case IMAGE_FILE_MACHINE_I386:
        return wow64 ? "x86 DLL, 32-bit process under WoW64" : "x86 DLL, 32-bit process";
    case IMAGE_FILE_MACHINE_AMD64:
        return "x64 DLL, 64-bit process";
    default:
        return "DLL of another machine";
    }
}
