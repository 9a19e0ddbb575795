/* What the config module's files share (config.c: parsing, the layers,
 * saving; config_machine.c: the administrator's layers, read and written),
 * and what its tests reach. */
#ifndef CRPKI_CORE_CONFIG_CONFIG_INTERNAL_H
#define CRPKI_CORE_CONFIG_CONFIG_INTERNAL_H

#include "crpki/config.h"

/* The layers over the defaults, lowest first: the user's file, the machine
 * file, the machine's registry values and Group Policy's (config.json
 * objects as text, or NULL); what the last three set is fixed. */
crpki_err config_load_layers(const char *machine_file, const char *machine_text,
                             const char *policy_text, const char *user_file, const char *home,
                             crpki_config *out, crpki_error_info *ei);

/* config.c: the defaults (approval_ui: a dialog where there is a desktop). */
void config_defaults(crpki_config *c);
crpki_approval_ui config_default_approval_ui(void);

/* config_parse.c: text (NUL-terminated, len bytes) applied over cfg, named
 * label in messages; admin: the keys it sets become fixed. */
crpki_err config_apply_text(const char *label, crpki_config *cfg, int admin, const char *text,
                            size_t len, crpki_error_info *ei);
/* The i-th config.json key (the bit of crpki_config.fixed), NULL past the last. */
const char *config_key_name(size_t i);
/* "dialog" ..., "error" ...: NULL for a value out of range. */
const char *config_ui_name(crpki_approval_ui ui);
const char *config_level_name(crpki_log_level level);

/* Appends a line to cfg->warnings and logs it. */
void config_add_warning(crpki_config *cfg, const char *line);

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
