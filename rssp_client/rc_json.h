/* rc_json: strict reading of the service's JSON responses over cJSON.
 * The body must be exactly one JSON object (RFC 8259) with nothing after it,
 * no NUL byte, no "\u0000" escape, nesting at most RC_JSON_MAX_DEPTH levels;
 * a member read through these accessors must appear once and have the
 * expected type, and its strings must be UTF-8 without control characters.
 * Unknown members are ignored. Errors are English, name the member path
 * ("key.len: expected an integer") and never quote a value. */
#ifndef CRPKI_RSSP_CLIENT_RC_JSON_H
#define CRPKI_RSSP_CLIENT_RC_JSON_H

#include <stddef.h>
#include <stdint.h>

#include <cjson/cJSON.h>

#define RC_JSON_MAX_DEPTH 32

/* Parses body[0..len) (body[len] must be readable; the function does not
 * need it to be NUL). NULL with err filled on any violation. The caller
 * frees the result with rc_json_free. */
cJSON *rc_json_parse(const char *body, size_t len, char *err, size_t errsz);

/* Every tree the client parses or builds may hold a token, a SAD or a
 * password: rc_json_free zeroes each key and string value before
 * cJSON_Delete (NULL ok), and rc_json_print prints into a buffer of its own
 * sizing (never one that cJSON grows and leaves behind), to be wiped by the
 * caller (plat_wipe) before free. NULL when out of memory. */
void rc_json_free(cJSON *j);
char *rc_json_print(const cJSON *j);

/* The accessors return 0 when the member was found and is valid, 1 when it
 * is absent and optional (outputs untouched), -1 with err filled otherwise.
 * path is the member's name as reported in errors ("cert.status"). */
int rc_json_member(const cJSON *obj, const char *name, const char *path, int required,
                   const cJSON **out, char *err, size_t errsz);
int rc_json_string(const cJSON *obj, const char *name, const char *path, int required,
                   size_t maxlen, const char **out, char *err, size_t errsz);
int rc_json_int(const cJSON *obj, const char *name, const char *path, int required, int64_t min,
                int64_t max, int64_t *out, char *err, size_t errsz);
int rc_json_bool(const cJSON *obj, const char *name, const char *path, int required, int *out,
                 char *err, size_t errsz);
int rc_json_object(const cJSON *obj, const char *name, const char *path, int required,
                   const cJSON **out, char *err, size_t errsz);
/* An array of at most max elements (*n set). */
int rc_json_array(const cJSON *obj, const char *name, const char *path, int required, size_t max,
                  const cJSON **out, size_t *n, char *err, size_t errsz);

/* Checks one string value (an array element): UTF-8, no controls, length
 * 1..maxlen. 0, or -1 with err ("path[i]: ..."). */
int rc_json_string_value(const cJSON *v, const char *path, size_t index, size_t maxlen,
                         const char **out, char *err, size_t errsz);

#endif
