/* What config.c keeps to itself but its tests reach. */
#ifndef CRPKI_CORE_CONFIG_CONFIG_INTERNAL_H
#define CRPKI_CORE_CONFIG_CONFIG_INTERNAL_H

#include "crpki/config.h"

/* crpki_config_load's work once the paths are known: the machine file is
 * taken only when it and its folder can be changed by administrators only
 * (plat_admin_only); otherwise it is ignored, out->machine_ignored says why
 * and a warning is added and logged. */
crpki_err config_load_at(const char *machine_file, const char *user_file, const char *home,
                         crpki_config *out, crpki_error_info *ei);

#endif
