#!/usr/bin/env bash
# layer_check_fixtures: cmake/LayerCheck.cmake on two small trees that use the
# real folder names. clean/ must pass; violations/ must fail, naming each of
# its five breaches (the holes the check once had: a bare include a target's
# include path resolves, and an include that resolves nowhere).
#   run.sh SOURCE_DIR
set -u -o pipefail
src=$1
here=$(cd "$(dirname "$0")" && pwd)
# CMake wraps its messages: one line, single spaces
check() { cmake -DROOT="$here/$1" -P "$src/cmake/LayerCheck.cmake" 2>&1 | tr -s " \n" "  "; }
failures=0
bad() { echo "FAIL: $*" >&2; failures=$((failures + 1)); }

out=$(check clean)
rc=$?
[ "$rc" = 0 ] && grep -q "all pointing down" <<<"$out" && echo "ok: clean/ passes ($out)" ||
    bad "clean/ did not pass (exit $rc): $out"

out=$(check violations)
rc=$?
[ "$rc" != 0 ] && echo "ok: violations/ fails (exit $rc)" || bad "violations/ passed: $out"
while IFS='|' read -r what pattern; do
    grep -q -- "$pattern" <<<"$out" && echo "ok: $what" || bad "$what not reported ($pattern)"
done <<'LIST'
the GUI reaching past the tool's interface|mgmt_gui/gui_job.c includes mgmt_tool/mgmt.h: mgmt_tool offers only mgmt_run.h
the module's internal header from outside|pkcs11/p11_exports.c includes pkcs11/core/p11_internal.h, internal to pkcs11/core
base including core|src/base/util/up.c (src/base/util) includes src/core/config/config.h: src/core/config is a higher layer
an include that is no file of the tree|src/base/log/nowhere.c includes "nowhere.h", which is no file of the tree
an ambiguous bare name|mgmt_tool/dup.c includes "twice.h": ambiguous
LIST
[ "$failures" = 0 ] && echo "layer_check_fixtures: all checks passed" && exit 0
echo "layer_check_fixtures: $failures check(s) failed" >&2
exit 1
