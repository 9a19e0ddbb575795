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

/* "" when only administrators can change the machine file and its folder
 * (or there is no file), else why not (malloc'ed; NULL: out of memory). */
char *config_machine_distrust(const char *path);

/* Cuts path at its last separator ('/' or '\\'), in place: *sep_out points
 * at the cut (NULL: there was none). Returns path. */
char *config_cut_dir(char *path, char **sep_out);

/* CRPKI_OK when text (NUL-terminated, len bytes) loads as a config.json: the
 * checks of a load, over the defaults; else CRPKI_E_CONFIG naming label. */
crpki_err config_check_text(const char *label, const char *text, size_t len, crpki_error_info *ei);

/* crpki_config_save_machine's work on an explicit file (tests). */
crpki_err config_save_machine_at(const char *machine_file, const char *service_url,
                                 const char *ca_pem_file, char **where, crpki_error_info *ei);

#endif
