/* The one error type of the core (libcrpki and rssp_client). The DLLs map it
 * to HRESULT / SECURITY_STATUS / NTSTATUS once, at their boundary; the
 * management tool maps it to exit codes. Each code has an English message
 * for logs and a Japanese one for end users. docs/errors.md lists them. */
#ifndef CRPKI_ERROR_H
#define CRPKI_ERROR_H

#ifdef __cplusplus
extern "C" {
#endif

typedef enum {
    CRPKI_OK = 0,
    /* the caller */
    CRPKI_E_INVALID_ARG,      /* a NULL, empty or out-of-range argument */
    CRPKI_E_BUFFER_TOO_SMALL, /* the caller's buffer cannot hold the result */
    CRPKI_E_NOT_SUPPORTED,    /* an operation or algorithm this driver does not offer */
    CRPKI_E_CANCELLED,        /* cancelled by the caller (the dialog's Cancel) */
    CRPKI_E_DEADLINE,         /* the caller's time limit passed */
    /* this machine */
    CRPKI_E_NO_MEMORY,
    CRPKI_E_CONFIG,      /* config.json missing a required key or holding a bad value */
    CRPKI_E_IO,          /* a file could not be read or written */
    CRPKI_E_LOCK,        /* the cross-process lock could not be taken */
    CRPKI_E_TOKEN_STORE, /* the token store is unreadable or cannot be unprotected */
    /* login state */
    CRPKI_E_NOT_LOGGED_IN, /* no tokens, or the refresh token was refused: log in again */
    CRPKI_E_UNAUTHORIZED,  /* the service refused a fresh access token */
    /* the network and the service */
    CRPKI_E_NETWORK,  /* cannot connect (DNS, refused, unreachable), after retries */
    CRPKI_E_TLS,      /* TLS handshake or server certificate verification failed */
    CRPKI_E_PROXY,    /* the proxy refused or failed the connection */
    CRPKI_E_TIMEOUT,  /* the service did not answer within the request timeout */
    CRPKI_E_BUSY,     /* 429 / 503 until the retries ran out */
    CRPKI_E_SERVICE,  /* the service failed (5xx) or answered an unexpected error */
    CRPKI_E_PROTOCOL, /* the response broke the protocol (type, size, base64, count) */
    /* signing */
    CRPKI_E_UNKNOWN_CREDENTIAL, /* no such credential for this user */
    CRPKI_E_UNSUPPORTED_ALG,    /* hash or signature algorithm refused */
    CRPKI_E_BAD_HASH,           /* a hash of the wrong length or count */
    CRPKI_E_DENIED,             /* the representative denied it in the gBizID app */
    CRPKI_E_APPROVAL_EXPIRED,   /* the approval request expired before approval */
    CRPKI_E_SAD_REJECTED,       /* the service refused the signature activation data */
    CRPKI_E_BAD_SIGNATURE,      /* a returned signature did not verify */
    CRPKI_E_SILENT,             /* approval needed but the caller asked for no UI */
    CRPKI_E_NO_KEY,             /* no such key in the key catalog / no certificate selected */
    CRPKI_E_INTERNAL,           /* a bug: logged with details */
    CRPKI_E_BAD_CERT,           /* a certificate from the service failed its checks (use) */
    CRPKI_E__COUNT
} crpki_err;

/* English, one line, for logs. Never NULL (unknown codes get a generic text). */
const char *crpki_strerror(crpki_err e);
/* Japanese, for end users (dialogs, the management tool). Never NULL. */
const char *crpki_strerror_ja(crpki_err e);
/* The code's name, e.g. "CRPKI_E_DENIED". Never NULL. */
const char *crpki_err_name(crpki_err e);
/* 1 for the codes that mean "the service could not be reached, or failed":
 * network, TLS, proxy, timeout, busy, the service's own error, protocol. */
int crpki_err_is_network(crpki_err e);

/* What went wrong, in detail, for logs and the management tool: filled by the
 * functions that take one (may be NULL). detail never holds a secret. */
typedef struct {
    crpki_err code;
    int http_status;        /* the service's HTTP status, 0 if none */
    char service_error[64]; /* the service's "error" member, "" if none */
    char detail[256];       /* English: what failed and why */
} crpki_error_info;

#ifdef __cplusplus
}
#endif

#endif
