#!/bin/sh
# A scripted browser for the crpki-mgmt login tests (set as $BROWSER): opens
# the authorization URL ($1), submits the reference service's login form as a
# user would (MGMT_TEST_USER, MGMT_TEST_PASSWORD, MGMT_TEST_CONSENT), follows
# the redirect to crpki-mgmt's loopback listener and saves the page it shows
# to MGMT_TEST_PAGE.
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
curl -sS --noproxy "*" -o "$MGMT_TEST_PAGE.tmp" "$loc" || : >"$MGMT_TEST_PAGE.tmp"
mv "$MGMT_TEST_PAGE.tmp" "$MGMT_TEST_PAGE"
