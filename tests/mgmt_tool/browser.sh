#!/bin/bash
# A scripted browser for the crpki-mgmt login tests (set as $BROWSER): opens
# the authorization URL ($1), submits the reference service's login form as a
# user would (MGMT_TEST_USER, MGMT_TEST_PASSWORD, MGMT_TEST_CONSENT), follows
# the redirect to crpki-mgmt's loopback listener and saves the page it shows
# to MGMT_TEST_PAGE.
# MGMT_TEST_HOSTILE=1: before the real redirect, a silent connection is held
# open to the listener (a browser preconnect, or a local process) and forged
# requests are sent (a wrong state, none at all); their HTTP status and page
# go to MGMT_TEST_PAGE.stray (the login must go on past them).
set -eu
url=$1
ca=$MGMT_TEST_CA
curl -sS --noproxy '*' --fail --cacert "$ca" -o /dev/null "$url"
base=${url%%\?*}
query=${url#*\?}
loc=$(curl -sS --noproxy '*' --cacert "$ca" -o /dev/null -w '%{redirect_url}' \
  --data "$query&username=$MGMT_TEST_USER&password=$MGMT_TEST_PASSWORD&consent=$MGMT_TEST_CONSENT" \
  "$base")
if [ -z "$loc" ]; then
  echo "browser.sh: the login form did not redirect" >&2
  exit 1
fi
if [ "${MGMT_TEST_HOSTILE:-}" = 1 ]; then
  hostport=${loc#http://}
  hostport=${hostport%%/*}
  exec 3<>"/dev/tcp/${hostport%:*}/${hostport#*:}" # says nothing, stays open
  : >"$MGMT_TEST_PAGE.stray"
  for q in 'code=forged&state=forged' 'error=access_denied'; do
    code=$(curl -sS --noproxy '*' --max-time 4 -o "$MGMT_TEST_PAGE.stray.body" -w '%{http_code}' \
      "http://$hostport/callback?$q" || true)
    { echo "status $code"; cat "$MGMT_TEST_PAGE.stray.body" 2>/dev/null || true; } >>"$MGMT_TEST_PAGE.stray"
  done
fi
curl -sS --noproxy "*" -o "$MGMT_TEST_PAGE.tmp" "$loc" || : >"$MGMT_TEST_PAGE.tmp"
if [ "${MGMT_TEST_HOSTILE:-}" = 1 ]; then exec 3>&-; fi
mv "$MGMT_TEST_PAGE.tmp" "$MGMT_TEST_PAGE"
