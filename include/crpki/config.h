/* Configuration of the driver: config.json in the per-user state directory,
 * over defaults from a machine-wide file of the same form (docs/architecture.md,
 * "Names other programs rely on"; docs/configuration.md). A missing file means defaults; a present
 * but bad one is CRPKI_E_CONFIG with ei->detail naming the key and what is wrong. */
#ifndef CRPKI_CONFIG_H
#define CRPKI_CONFIG_H

#include "crpki/error.h"
#include "crpki/log.h"
#include "crpki/rssp_client.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef enum { CRPKI_UI_DIALOG = 0, CRPKI_UI_CONSOLE, CRPKI_UI_NONE } crpki_approval_ui;

typedef struct {
    char *home;                 /* the per-user state directory this came from */
    char *service_url;          /* required for any network call; NULL when unset */
    char *machine_service_url;  /* the machine-wide file's service_url, or NULL: set by an
                                   administrator, so the tool keeps it read-only and
                                   crpki_config_save never copies it into config.json */
    char *ca_bundle;            /* extra trusted CA file, or NULL */
    rssp_proxy_mode proxy_mode; /* "proxy": "none" | "system" | {host, port, user} */
    char *proxy_host;
    unsigned proxy_port;
    char *proxy_user;
    int proxy_allow_basic;         /* proxy.allow_basic: also send the password by Basic */
    int proxy_sign_on;             /* "proxy_sign_on", default true: on Windows a proxy that asks
                                      gets the Windows sign-on (Negotiate/NTLM) in "system" mode
                                      and for an explicit proxy without a stored password */
    unsigned connect_timeout_s;    /* default 10 */
    unsigned request_timeout_s;    /* default 30 */
    unsigned approval_timeout_s;   /* default 180: how long a signature may wait */
    crpki_approval_ui approval_ui; /* default dialog on Windows, console elsewhere */
    crpki_log_level log_level;     /* default warn; CRPKI_LOG_LEVEL overrides */
    char **trusted_roots;          /* "trusted_roots": SHA-256 fingerprints (64 lower-case hex
                                      digits) of the registrar roots a certificate's chain must
                                      end at; none: any root the service sends */
    size_t ntrusted_roots;
    unsigned fixed;        /* the keys an administrator set (crpki_config_fixed) */
    char *warnings;        /* what the load ignored (unknown keys), one per line, or NULL */
    char *machine_ignored; /* why the machine-wide file was ignored (someone other than an
                              administrator can change it), or NULL */
} crpki_config;

/* The per-user state directory: $CRPKI_HOME if set, else Windows
 * %APPDATA%\CrpkiRemoteSign, Linux $XDG_CONFIG_HOME/crpki or ~/.config/crpki.
 * Not created. *out is malloc'ed. */
crpki_err crpki_home_dir(char **out, crpki_error_info *ei);

/* Loads the machine-wide file (Windows %ProgramData%\CrpkiRemoteSign\config.json,
 * Linux /etc/crpki/config.json), then on Windows the administrator's values
 * of HKLM\SOFTWARE\CrpkiRemoteSign (ServiceUrl, CaBundle: plat_machine.h),
 * then home/config.json over them. home NULL: crpki_home_dir(). Both
 * machine-wide sources apply to every user of the PC: each is ignored, and
 * machine_ignored and a warning say why, when anyone but administrators can
 * change it (the file or its folder, the key: plat_acl.h). */
crpki_err crpki_config_load(const char *home, crpki_config *out, crpki_error_info *ei);
/* The same from explicit files (either may be NULL or absent), for tests:
 * no ownership rule. */
crpki_err crpki_config_load_files(const char *machine_file, const char *user_file, const char *home,
                                  crpki_config *out, crpki_error_info *ei);
/* Writes cfg to cfg->home/config.json atomically (only keys differing from
 * the defaults); creates home (0700 on Linux). */
crpki_err crpki_config_save(const crpki_config *cfg, crpki_error_info *ei);
/* Sets the machine-wide service URL (and CA) as an administrator deploys
 * them (run elevated on Windows, as root on Linux): service_url (https, the
 * checks of a load) and, when ca_pem_file is given, a copy of that PEM
 * certificate file in the machine folder (ca-bundle.pem, changeable by
 * administrators only) named as ca_bundle. Windows: the values of
 * HKLM\SOFTWARE\CrpkiRemoteSign (plat_machine.h), what the MSI's SERVICE_URL
 * and CA_BUNDLE write. Linux: /etc/crpki/config.json, its other keys kept,
 * file and folder root's alone. Read back as crpki_config_load reads them.
 * *where (malloc'ed, may be NULL) names the place written. Errors:
 * CRPKI_E_CONFIG (a bad URL or CA file, or an existing file that does not
 * load: nothing written), CRPKI_E_IO (cannot write: ei->detail ends "run as
 * administrator" / "run as root" when that is why). */
crpki_err crpki_config_save_machine(const char *service_url, const char *ca_pem_file, char **where,
                                    crpki_error_info *ei);
void crpki_config_free(crpki_config *cfg);

/* 1 when an administrator fixed the config.json key (service_url, proxy,
 * ...): the machine file, HKLM\SOFTWARE\CrpkiRemoteSign or Group Policy
 * (HKLM\SOFTWARE\Policies\CrpkiRemoteSign) set it, so the user's own value
 * is not used and the tools do not offer to change it. */
int crpki_config_fixed(const crpki_config *cfg, const char *key);

/* Client options for this configuration (pointers into cfg, which must
 * outlive opt; *opt is overwritten). proxy_password comes from the token
 * store, not from here. */
void crpki_config_client_options(const crpki_config *cfg, rssp_options *opt);

/* Opens the log (log_open) in cfg->home at cfg->log_level, then logs
 * cfg->warnings: the load runs before the log is open, so this is where its
 * warnings reach crpki.log. */
void crpki_config_open_log(const crpki_config *cfg);

#ifdef __cplusplus
}
#endif

#endif
