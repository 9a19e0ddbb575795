/* login_form: the browser's part of a gBizID login at the reference
 * service, for test programs: the login page fetched, its form posted with
 * the user's credentials and consent, the redirect read (libcurl). */
#include "login_form.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <curl/curl.h>

typedef struct {
    char *location;
} hdrs;

static size_t discard(char *p, size_t sz, size_t n, void *ud)
{
    (void)p;
    (void)ud;
    return sz * n;
}

static size_t header_cb(char *p, size_t sz, size_t n, void *ud)
{
    hdrs *h = ud;
    size_t len = sz * n;
    static const char name[] = "location:";
    if (len > sizeof name - 1 && curl_strnequal(p, name, sizeof name - 1)) {
        const char *v = p + sizeof name - 1;
        size_t vl = len - (sizeof name - 1);
        while (vl && (*v == ' ' || *v == '\t')) {
            v++;
            vl--;
        }
        while (vl && (v[vl - 1] == '\r' || v[vl - 1] == '\n' || v[vl - 1] == ' '))
            vl--;
        free(h->location);
        h->location = malloc(vl + 1);
        if (h->location) {
            memcpy(h->location, v, vl);
            h->location[vl] = '\0';
        }
    }
    return len;
}

/* GET url (the login page), then POST its query with the credentials and
 * consent=approve to the same path: the redirect target (malloc'ed). */
char *login_form_drive(const char *url, const char *ca, const char *user, const char *pw)
{
    const char *q = strchr(url, '?');
    if (!q) {
        fprintf(stderr, "login form: login URL without a query: %s\n", url);
        return NULL;
    }
    CURL *c = curl_easy_init();
    if (!c)
        return NULL;
    char *result = NULL, *form = NULL, *eu = NULL, *ep = NULL, *base = NULL;
    hdrs h = {NULL};
    curl_easy_setopt(c, CURLOPT_CAINFO, ca);
    curl_easy_setopt(c, CURLOPT_SSL_VERIFYPEER, 1L);
    curl_easy_setopt(c, CURLOPT_SSL_VERIFYHOST, 2L);
    curl_easy_setopt(c, CURLOPT_PROXY, "");
    curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT, 10L);
    curl_easy_setopt(c, CURLOPT_TIMEOUT, 60L);
    curl_easy_setopt(c, CURLOPT_FOLLOWLOCATION, 0L);
    curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, discard);
    curl_easy_setopt(c, CURLOPT_HEADERFUNCTION, header_cb);
    curl_easy_setopt(c, CURLOPT_HEADERDATA, &h);
    curl_easy_setopt(c, CURLOPT_URL, url);
    CURLcode cc = curl_easy_perform(c);
    long status = 0;
    curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &status);
    if (cc != CURLE_OK || status != 200) {
        fprintf(stderr, "login form: GET login page: %s, HTTP %ld\n", curl_easy_strerror(cc),
                status);
        goto out;
    }
    eu = curl_easy_escape(c, user, 0);
    ep = curl_easy_escape(c, pw, 0);
    size_t blen = (size_t)(q - url);
    base = malloc(blen + 1);
    size_t flen = strlen(q) + (eu ? strlen(eu) : 0) + (ep ? strlen(ep) : 0) + 64;
    form = malloc(flen);
    if (!eu || !ep || !base || !form)
        goto out;
    memcpy(base, url, blen);
    base[blen] = '\0';
    snprintf(form, flen, "%s&username=%s&password=%s&consent=approve", q + 1, eu, ep);
    curl_easy_setopt(c, CURLOPT_URL, base);
    curl_easy_setopt(c, CURLOPT_POSTFIELDS, form);
    free(h.location);
    h.location = NULL;
    cc = curl_easy_perform(c);
    status = 0;
    curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &status);
    if (cc != CURLE_OK || status != 302 || !h.location) {
        fprintf(stderr, "login form: POST login form: %s, HTTP %ld (wrong password?)\n",
                curl_easy_strerror(cc), status);
        goto out;
    }
    result = h.location;
    h.location = NULL;
out:
    free(h.location);
    curl_free(eu);
    curl_free(ep);
    free(base);
    free(form);
    curl_easy_cleanup(c);
    return result;
}

long login_form_return(const char *redirect)
{
    CURL *c = curl_easy_init();
    if (!c)
        return -1;
    curl_easy_setopt(c, CURLOPT_URL, redirect);
    curl_easy_setopt(c, CURLOPT_NOPROXY, "*");
    curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, discard);
    curl_easy_setopt(c, CURLOPT_TIMEOUT, 30L);
    CURLcode cc = curl_easy_perform(c);
    long status = -1;
    if (cc == CURLE_OK)
        curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &status);
    else
        fprintf(stderr, "login form: GET %s: %s\n", redirect, curl_easy_strerror(cc));
    curl_easy_cleanup(c);
    return status;
}
