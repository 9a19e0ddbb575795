#!/usr/bin/env bash
# installer_admx: the Group Policy template (installer/policy) and the
# product agree. Every value an ADMX policy writes is one the driver reads
# (the PLAT_MACHINE_* value names of src/base/platform/plat_machine.h that
# the config module, src/core/config/, maps to config.json keys) and every such value
# has a policy; every policy writes under Software\Policies\CrpkiRemoteSign
# for the machine; the Japanese and English ADML define every string and
# presentation the ADMX names, and nothing else.
#   check-admx.sh SOURCE_DIR
set -u
root=$1
failures=0
ok() { echo "ok: $*"; }
bad() { echo "FAIL: $*" >&2; failures=$((failures + 1)); }
x() { xmllint --xpath "$2" "$1" 2>/dev/null; }
attr_values() { sed -E 's/[a-zA-Z]+="([^"]*)"/\1\n/g' | sed -E 's/^[[:space:]]+//' | grep -v '^$' | sort -u; }

admx=$root/installer/policy/CrpkiRemoteSign.admx
admls=("$root/installer/policy/ja-JP/CrpkiRemoteSign.adml" "$root/installer/policy/en-US/CrpkiRemoteSign.adml")
for f in "$admx" "${admls[@]}"; do
    xmllint --noout "$f" 2>"/tmp/admx.$$" && ok "well-formed: ${f#"$root"/}" ||
        bad "${f#"$root"/}: $(cat "/tmp/admx.$$")"
done
rm -f "/tmp/admx.$$"

# ---- the values: the template's and the product's -----------------------------
written=$(x "$admx" "//*[local-name()='policy']/@valueName | //*[local-name()='elements']/*/@valueName" | attr_values)
header=$root/src/base/platform/plat_machine.h
config_dir=$root/src/core/config
read_values=""
while read -r macro value; do
    # a value the loader maps to a config.json key: {PLAT_MACHINE_X, "key"}
    if cat "$config_dir"/*.c | grep -Eq "\{$macro, \"[a-z_]+\"\}"; then
        read_values+="$value"$'\n'
    else
        bad "$macro ($value) is named in plat_machine.h but src/core/config does not read it"
    fi
done < <(sed -nE 's/^#define (PLAT_MACHINE_[A-Z_]+)[[:space:]]+"([A-Za-z]+)".*/\1 \2/p' "$header")
read_values=$(printf '%s' "$read_values" | sort -u)
if [ -n "$written" ] && [ "$written" = "$read_values" ]; then
    ok "the ADMX writes exactly the values the driver reads: $(echo $written)"
else
    bad "the ADMX writes [$(echo $written)], the driver reads [$(echo $read_values)]"
fi

# ---- where: the machine's policy key ---------------------------------------------
keys=$(x "$admx" "//*[local-name()='policy']/@key" | attr_values)
[ "$keys" = 'Software\Policies\CrpkiRemoteSign' ] && ok "every policy under HKLM\\$keys" ||
    bad "policy keys: $keys"
classes=$(x "$admx" "//*[local-name()='policy']/@class" | attr_values)
[ "$classes" = Machine ] && ok "every policy is a computer policy" || bad "policy classes: $classes"
grep -q 'PLAT_POLICY_STORE.*"HKLM\\\\SOFTWARE\\\\Policies\\\\CrpkiRemoteSign"' "$header" &&
    ok "the driver reads the same key (PLAT_POLICY_STORE)" || bad "PLAT_POLICY_STORE is not the ADMX's key"

# ---- the language files ------------------------------------------------------------
want_strings=$(grep -o '\$(string\.[A-Za-z_0-9]*)' "$admx" | sed -E 's/\$\(string\.(.*)\)/\1/' | sort -u)
want_pres=$(grep -o '\$(presentation\.[A-Za-z_0-9]*)' "$admx" | sed -E 's/\$\(presentation\.(.*)\)/\1/' | sort -u)
for adml in "${admls[@]}"; do
    name=${adml#"$root"/}
    have_strings=$(x "$adml" "//*[local-name()='string']/@id" | attr_values)
    have_pres=$(x "$adml" "//*[local-name()='presentation']/@id" | attr_values)
    [ "$have_strings" = "$want_strings" ] && ok "$name: the $(echo "$want_strings" | wc -l) strings the ADMX names" ||
        bad "$name: strings [$(echo $have_strings)], the ADMX names [$(echo $want_strings)]"
    [ "$have_pres" = "$want_pres" ] && ok "$name: the $(echo "$want_pres" | wc -l) presentations" ||
        bad "$name: presentations [$(echo $have_pres)], the ADMX names [$(echo $want_pres)]"
    # every text box of a presentation refers to an element of the ADMX
    refs=$(x "$adml" "//*[local-name()='textBox']/@refId" | attr_values)
    ids=$(x "$admx" "//*[local-name()='elements']/*/@id" | attr_values)
    [ "$refs" = "$ids" ] && ok "$name: text boxes for every element" ||
        bad "$name: text boxes [$(echo $refs)], elements [$(echo $ids)]"
done

if [ "$failures" -gt 0 ]; then
    echo "installer_admx: $failures check(s) failed" >&2
    exit 1
fi
echo "installer_admx: all checks passed"
