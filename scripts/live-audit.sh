#!/usr/bin/env bash
# Live comparison of `erlrel audit` with Debian's hardening-check and readelf.
#
# Builds the fixture binaries listed in audit/tests/fixtures/fixtures.txt
# with cc, lays them out as a release (executables in erts-0.0/bin, shared
# objects in lib/fixtures-1.0/priv), audits it with `erlrel audit --format
# json`, and compares for every ELF file:
#   - each hardening-check verdict line (but "Stack clash protection",
#     which erlrel does not check) with erlrel's verdict text;
#   - the non-executable stack verdict with readelf's GNU_STACK flags;
#   - the DT_NEEDED libraries with readelf -d;
#   - the newest GLIBC_* version needed with readelf -V.
# Then does the same for the installed Erlang/OTP (/usr/lib/erlang), whose
# beam.smp, erlexec and epmd must be among the files audited.
#
# Prints "N passed, N failed" and exits non-zero on any disagreement.
# With --record, first rewrites the golden files the cargo tests read
# (audit/tests/golden/) from hardening-check and readelf on the fixtures.
set -u
ROOT=$(cd "$(dirname "$0")/.." && pwd)
RECORD=0
[ "${1:-}" = "--record" ] && RECORD=1
OTP_ROOT=${OTP_ROOT:-/usr/lib/erlang}

need_apt=()
command -v hardening-check >/dev/null || need_apt+=(devscripts)
command -v readelf >/dev/null || need_apt+=(binutils)
command -v jq >/dev/null || need_apt+=(jq)
if [ ${#need_apt[@]} -gt 0 ]; then
    echo "installing ${need_apt[*]}" >&2
    apt-get update -qq >/dev/null && DEBIAN_FRONTEND=noninteractive \
        apt-get install -y -qq --no-install-recommends "${need_apt[@]}" >/dev/null || {
        echo "cannot install ${need_apt[*]}" >&2
        exit 2
    }
fi

WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT
FIXTURES=$ROOT/audit/tests/fixtures
REL=$WORK/rel
mkdir -p "$REL/erts-0.0/bin" "$REL/lib/fixtures-1.0/priv"

names=()
while IFS='|' read -r name src flags; do
    case "$name" in '#'* | '') continue ;; esac
    case " $flags " in
        *" -shared "*) out=$REL/lib/fixtures-1.0/priv/$name.so ;;
        *) out=$REL/erts-0.0/bin/$name ;;
    esac
    # shellcheck disable=SC2086
    cc $flags -o "$out" "$FIXTURES/$src" 2>"$WORK/cc.err" || {
        cat "$WORK/cc.err" >&2
        echo "cannot build fixture $name" >&2
        exit 2
    }
    names+=("$name:$out")
done <"$FIXTURES/fixtures.txt"

if [ $RECORD = 1 ]; then
    GOLDEN=$ROOT/audit/tests/golden
    mkdir -p "$GOLDEN"
    {
        echo "# hardening-check $(dpkg-query -W -f='${Version}' devscripts 2>/dev/null) output on the fixtures, cc: $(cc --version | head -1)"
        for entry in "${names[@]}"; do
            name=${entry%%:*}
            out=${entry#*:}
            hardening-check "$out" | sed "1s|.*|$name:|"
        done
    } >"$GOLDEN/hardening-check.txt"
    {
        echo "# readelf -lW GNU_STACK flags of the fixtures"
        for entry in "${names[@]}"; do
            name=${entry%%:*}
            out=${entry#*:}
            flags=$(readelf -lW "$out" | awk '$1 == "GNU_STACK" { f = $7; if ($8 != "" && $8 !~ /^0x/) f = f $8; print f }')
            echo "$name: ${flags:-none}"
        done
    } >"$GOLDEN/gnu-stack.txt"
    echo "recorded $GOLDEN" >&2
fi

(cd "$ROOT" && cargo build -q -p erlrel) || exit 2
ERLREL=${CARGO_TARGET_DIR:-$ROOT/target}/debug/erlrel

PASSED=0
FAILED=0
pass() { PASSED=$((PASSED + 1)); }
fail() {
    FAILED=$((FAILED + 1))
    echo "DISAGREE $*"
}

# compare RELEASE_ROOT: audits it and compares every ELF file in the report.
compare() {
    local root=$1 json=$WORK/report.json rc
    "$ERLREL" audit "$root" --format json >"$json"
    rc=$?
    if [ $rc -ne 0 ] && [ $rc -ne 1 ]; then
        fail "$root: erlrel audit exited $rc"
        return
    fi
    while IFS= read -r path; do
        local file=$root/$path
        # Hardening verdicts.
        while IFS= read -r line; do
            local label=${line%%: *} theirs=${line#*: } ours
            label=${label# }
            [ "$label" = "Stack clash protection" ] && continue
            ours=$(jq -r --arg p "$path" --arg l "$label" \
                '.files[] | select(.path == $p) | .verdicts[] | select(.label == $l) | .message' "$json")
            if [ "$ours" = "$theirs" ]; then pass; else fail "$path: $label: hardening-check '$theirs', erlrel '$ours'"; fi
        done < <(hardening-check "$file" | tail -n +2)
        # Non-executable stack, against readelf's GNU_STACK flags.
        local stack ours_nx want_nx
        stack=$(readelf -lW "$file" | awk '$1 == "GNU_STACK" { f = $7; if ($8 != "" && $8 !~ /^0x/) f = f $8; print f }')
        case "$stack" in
            "") want_nx=no ;;
            *E*) want_nx=no ;;
            *) want_nx=yes ;;
        esac
        ours_nx=$(jq -r --arg p "$path" '.files[] | select(.path == $p) | .verdicts[] | select(.check == "nx-stack") | .outcome' "$json")
        if { [ "$want_nx" = yes ] && [ "$ours_nx" = pass ]; } || { [ "$want_nx" = no ] && [ "$ours_nx" = fail ]; }; then
            pass
        else
            fail "$path: non-executable stack: readelf GNU_STACK '$stack', erlrel '$ours_nx'"
        fi
        # DT_NEEDED.
        local theirs_needed ours_needed
        theirs_needed=$(readelf -dW "$file" | sed -n 's/.*(NEEDED).*\[\(.*\)\]$/\1/p' | tr '\n' ' ')
        ours_needed=$(jq -r --arg p "$path" '[.files[] | select(.path == $p) | .libraries[] | select(.needed) | .library] | join(" ")' "$json")
        if [ "${theirs_needed% }" = "$ours_needed" ]; then pass; else fail "$path: NEEDED: readelf '$theirs_needed', erlrel '$ours_needed'"; fi
        # Newest GLIBC version needed.
        local theirs_glibc ours_glibc
        theirs_glibc=$(readelf -VW "$file" | sed -n 's/.*Name: \(GLIBC_[0-9][0-9.]*\) .*/\1/p' | sort -V | tail -1)
        ours_glibc=$(jq -r --arg p "$path" '.files[] | select(.path == $p) | .newest_glibc // ""' "$json")
        if [ "$theirs_glibc" = "$ours_glibc" ]; then pass; else fail "$path: newest GLIBC: readelf '$theirs_glibc', erlrel '$ours_glibc'"; fi
    done < <(jq -r '.files[] | .path' "$json")
}

compare "$REL"
echo "fixtures: $PASSED agreements, $FAILED disagreements so far" >&2

if [ -d "$OTP_ROOT" ]; then
    "$ERLREL" audit "$OTP_ROOT" --format json >"$WORK/otp.json"
    for exe in beam.smp erlexec epmd; do
        if jq -e --arg e "$exe" '[.files[] | select(.location == "runtime" and (.path | endswith("/" + $e)))] | length == 1' "$WORK/otp.json" >/dev/null; then
            pass
        else
            fail "$OTP_ROOT: $exe is not among the audited runtime files"
        fi
    done
    compare "$OTP_ROOT"
    "$ERLREL" audit "$OTP_ROOT" >&2
else
    fail "no installed Erlang/OTP at $OTP_ROOT"
fi

echo "$PASSED passed, $FAILED failed"
[ "$FAILED" -eq 0 ]
