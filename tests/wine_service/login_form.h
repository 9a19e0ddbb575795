/* login_form: plays the browser of a gBizID login at crpki-rsspd (login_form.c),
 * and ends a login at the service (login_revoke.c). */
#ifndef CRPKI_TESTS_LOGIN_FORM_H
#define CRPKI_TESTS_LOGIN_FORM_H

/* GET url (the login page, TLS verified with ca), then POST its query
 * with user, pw and consent=approve to the same path: the Location of the
 * answer (the redirect to the app, malloc'ed), or NULL with a message on
 * stderr. */
char *login_form_drive(const char *url, const char *ca, const char *user, const char *pw);

/* The browser following that redirect to the program's loopback listener
 * (plain HTTP on 127.0.0.1): the HTTP status of the listener's page, or -1
 * with a message on stderr. */
long login_form_return(const char *redirect);

/* Revokes the login stored in home at its service (RFC 7009: the refresh
 * token, and with it the login's access token), as the service does when the
 * user ends every session or the login ages out; checks the service then
 * refuses a refresh with it. 0, or -1 with a message on stderr. */
int login_revoke(const char *home);

#endif
