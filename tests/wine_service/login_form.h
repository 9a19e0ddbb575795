/* login_form: plays the browser of a gBizID login at crpki-rsspd. */
#ifndef CRPKI_TESTS_LOGIN_FORM_H
#define CRPKI_TESTS_LOGIN_FORM_H

/* GET url (the login page, TLS verified with ca), then POST its query
 * with user, pw and consent=approve to the same path: the Location of the
 * answer (the redirect to the app, malloc'ed), or NULL with a message on
 * stderr. */
char *login_form_drive(const char *url, const char *ca, const char *user, const char *pw);

#endif
