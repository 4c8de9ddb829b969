#!/usr/bin/env bash
# Memory guard (issue #22): every reading command of erlrel, on the densest
# input of its kind (about 4 MB of one- and two-byte list elements, the
# worst case for a span tree: 48 bytes a node), must peak below a bound
# times the size of its input.
#
#   bash scripts/memory-bounds.sh            # from the workspace root
#   MEMORY_BOUNDS_BYTES=1000000 bash scripts/memory-bounds.sh   # smaller inputs
#
# Uses ${CARGO_TARGET_DIR:-target}/release/erlrel (built if missing) and
# /usr/bin/time (GNU time: apt-get install time). Prints one row per
# command: command, input, bytes, peak (KiB), factor (peak / bytes),
# bound, ok; exits 1 if any bound is exceeded or a command did not end as
# expected, 2 if it cannot run.
#
# The bounds (peak RSS / input bytes), from release builds on 4 MB inputs:
#   consult, check of a plain *.config or relx.config    ~18x  bound 22
#     (one term, 32 bytes a value: 16x)
#   check .app.src / .app (dense `modules`), sys.config,
#     rebar.config                                        ~26x  bound 30
#   check sys.config.src (the rendered text is a copy)    ~31x  bound 34
#     (one span tree, 48 bytes a node: 24x; the models are built by moving
#     out of the tree, lists of atoms converted in place)
#   check .rel (dense application list)                   ~34x  bound 40
#   check .appup (dense instruction list: the typed model
#     keeps each instruction's full form and written term) ~34x  bound 40
#   check .appup (dense version entries: distinct regex
#     patterns and exact versions, each pattern compiled
#     and dropped once run; the lints' version strings)   ~33x  bound 40
#   appup match (read without spans)              ~9x-18x  bound 22
#   vsn show (versions found without a tree of the file)  ~2.3x  bound 5
#   vsn set --dry-run (plus the edited text and its diff)  ~7.3x  bound 12
set -uo pipefail
cd "$(dirname "$0")/.."

TIME=/usr/bin/time
if [ ! -x "$TIME" ] || ! "$TIME" -f %M true >/dev/null 2>&1; then
  echo "error: $TIME (GNU time) is missing: apt-get install time" >&2
  exit 2
fi
BIN="${CARGO_TARGET_DIR:-target}/release/erlrel"
if [ ! -x "$BIN" ]; then
  cargo build --release -p erlrel --quiet || { echo "error: could not build $BIN" >&2; exit 2; }
fi
BYTES="${MEMORY_BOUNDS_BYTES:-4000000}"
# Peak RSS has a fixed part (the binary, the allocator): inputs much
# smaller than a megabyte would measure that, not the factor.
if [ "$BYTES" -lt 500000 ]; then
  echo "error: MEMORY_BOUNDS_BYTES must be at least 500000" >&2
  exit 2
fi

WORK="$(mktemp -d)"
trap 'rm -rf "$WORK"' EXIT

# `rep UNIT N`: N copies of UNIT, without a separator.
rep() { yes "$1" | head -n "$2" | tr -d '\n'; }
# Elements that fill about BYTES with UNIT (its length + 1 for the comma).
count() { echo $(( BYTES / ($1 + 1) )); }

N2=$(count 1)    # `a,`
N16=$(count 15)  # `{load_module,a},`
N10=$(count 9)   # `{a,"1.0"},`

# Every input: a dense list of one-letter atoms (or small tuples) where the
# kind allows one.
{ printf '{a,['; rep 'a,' "$N2"; printf 'a]}.\n'; } >"$WORK/dense.config"
{ printf '{release,{x,"1"},['; rep 'a,' "$N2"; printf 'a]}.\n'; } >"$WORK/relx.config"
mkdir -p "$WORK/src" "$WORK/ebin" "$WORK/proj/src"
{ printf '{application,x,[{vsn,"1.0.0"},{description,"x"},{applications,[kernel,stdlib]},{modules,['
  rep 'a,' "$N2"; printf 'a]}]}.\n'; } >"$WORK/src/x.app.src"
{ printf '{application,x,[{vsn,"1.0.0"},{description,"x"},{registered,[]},{applications,[kernel,stdlib]},{modules,['
  rep 'a,' "$N2"; printf 'a]}]}.\n'; } >"$WORK/ebin/x.app"
{ printf '[{kernel,[{x,['; rep 'a,' "$N2"; printf 'a]}]}].\n'; } >"$WORK/sys.config"
cp "$WORK/sys.config" "$WORK/sys.config.src"
{ printf '{erl_opts,['; rep 'a,' "$N2"; printf 'a]}.\n'; } >"$WORK/rebar.config"
{ printf '{"1.0.1",[{"1.0.0",['; rep '{load_module,a},' "$N16"; printf '{load_module,a}]}],[{"1.0.0",[]}]}.\n'; } >"$WORK/x.appup"
{ printf '{"1.0.1",[{"1.0.0",['; rep 'a,' "$N2"; printf 'a]}],[]}.\n'; } >"$WORK/atoms.appup"
# Many version entries: a distinct regex and an exact version per step
# (about 50 bytes), the lints' worst realistic case (issue: quadratic).
{ printf '{"2.0.0",['
  seq 1 $(( BYTES / 50 )) | awk '{printf "{<<\"1\\\\.%d(\\\\.[0-9]+)*\">>,[]},{\"1.0.%d\",[]},", $1, $1}'
  printf '{"1.0",[]}],[{<<".*">>,[]}]}.\n'; } >"$WORK/versions.appup"
{ printf '{release,{"x","1"},{erts,"13.0"},[{kernel,"8.0"},{stdlib,"4.0"},'
  rep '{a,"1.0"},' "$N10"; printf '{a,"1.0"}]}.\n'; } >"$WORK/x.rel"
cp "$WORK/src/x.app.src" "$WORK/proj/src/x.app.src"

failed=0
printf '%-28s %-16s %10s %10s %7s %6s %s\n' command input bytes peak_kib factor bound ok
# `row NAME INPUT BOUND EXPECTED_STATUS -- COMMAND...`
row() {
  local name=$1 input=$2 bound=$3 want=$4
  shift 5
  local bytes
  bytes=$(du -sb --apparent-size "$input" | cut -f1)
  "$TIME" -f %M -o "$WORK/rss" "$@" >"$WORK/out" 2>"$WORK/err"
  local status=$?
  local peak
  peak=$(tail -n 1 "$WORK/rss")
  local factor ok=yes
  factor=$(awk -v p="$peak" -v b="$bytes" 'BEGIN { printf "%.1f", p * 1024 / b }')
  if ! awk -v f="$factor" -v m="$bound" 'BEGIN { exit !(f <= m) }'; then
    ok=NO
  fi
  if [ "$status" != "$want" ]; then
    ok="NO (exit $status, not $want: $(head -c 200 "$WORK/err" | tr '\n' ' '))"
  fi
  [ "$ok" = yes ] || failed=1
  printf '%-28s %-16s %10s %10s %7s %6s %s\n' "$name" "$(basename "$input")" "$bytes" "$peak" "$factor" "$bound" "$ok"
}

row "consult" "$WORK/dense.config" 22 0 -- "$BIN" consult "$WORK/dense.config"
row "check (plain config)" "$WORK/dense.config" 22 0 -- "$BIN" check "$WORK/dense.config"
row "check (relx.config)" "$WORK/relx.config" 22 0 -- "$BIN" check "$WORK/relx.config"
row "check (.app.src)" "$WORK/src/x.app.src" 30 0 -- "$BIN" check "$WORK/src/x.app.src"
row "check (.app)" "$WORK/ebin/x.app" 30 0 -- "$BIN" check "$WORK/ebin/x.app"
row "check (sys.config)" "$WORK/sys.config" 30 0 -- "$BIN" check "$WORK/sys.config"
row "check (sys.config.src)" "$WORK/sys.config.src" 34 0 -- "$BIN" check "$WORK/sys.config.src"
row "check (rebar.config)" "$WORK/rebar.config" 30 0 -- "$BIN" check "$WORK/rebar.config"
row "check (.rel)" "$WORK/x.rel" 40 0 -- "$BIN" check "$WORK/x.rel"
row "check (.appup)" "$WORK/x.appup" 40 0 -- "$BIN" check "$WORK/x.appup"
row "check (.appup versions)" "$WORK/versions.appup" 40 0 -- "$BIN" check "$WORK/versions.appup"
row "appup match" "$WORK/x.appup" 22 0 -- "$BIN" appup match "$WORK/x.appup" 1.0.0
row "appup match (atoms)" "$WORK/atoms.appup" 22 0 -- "$BIN" appup match "$WORK/atoms.appup" 1.0.0
row "vsn show" "$WORK/proj" 5 0 -- "$BIN" vsn show "$WORK/proj"
row "vsn set --dry-run" "$WORK/proj" 12 0 -- "$BIN" vsn set 2.0.0 --dry-run "$WORK/proj"

if [ "$failed" != 0 ]; then
  echo "memory-bounds: a bound is exceeded (or a command failed)" >&2
  exit 1
fi
echo "memory-bounds: every command within its bound"
