/* The levels of crpki.log, as config.json's "log_level" names them. */
#ifndef CRPKI_LOG_H
#define CRPKI_LOG_H

#ifdef __cplusplus
extern "C" {
#endif

typedef enum {
    CRPKI_LOG_ERROR = 0,
    CRPKI_LOG_WARN,
    CRPKI_LOG_INFO,
    CRPKI_LOG_DEBUG
} crpki_log_level;

#ifdef __cplusplus
}
#endif

#endif
