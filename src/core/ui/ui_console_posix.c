#include <stdio.h>

#include "core/ui/ui_internal.h"

void ui_console_write(const char *utf8)
{
    fputs(utf8, stderr);
    fflush(stderr);
}
