#!/usr/bin/env bash
# End-to-end test of a live upgrade: real releases of the shop umbrella
# (scripts/upgrade/shop/) built by rebar3, the upgrade made by erlrel, and
# installed into a running node with relx's `bin/shop upgrade`.
#
#   a. builds shop 1.0.0 and keeps only its tarball, then builds 1.1.0 in a
#      fresh _build;
#   b. makes the upgrade with erlrel: `appup generate` from the old
#      tarball, the appups placed where rebar3 keeps them (apps/APP/ebin),
#      `relup` (compared with systools:make_relup's), then
#      `rebar3 as prod tar` (or, when `erlrel upgrade pack` exists, that one
#      command: step e);
#   c. when `erlrel upgrade check` exists: the upgrade and the tarball pass
#      it, and each injected mistake (on a copy) gives its code and exit
#      status;
#   d. starts 1.0.0 from its tarball, upgrades it to 1.1.0 with
#      `bin/shop upgrade 1.1.0` and checks: same OS process, 1.1.0
#      permanent, shop_price's state converted by code_change/3, the new
#      module loaded; downgrades with `bin/shop downgrade 1.0.0` and checks
#      the old state shape and code are back.
#
# Run from anywhere; needs erl, rebar3 and a built erlrel
# (ERLREL, default target/release/erlrel). KEEP_WORK=1 keeps the work
# folder. The last line is "N passed, N failed"; the exit status is non-zero
# on any failure. Every node started is stopped on exit.
set -uo pipefail
cd "$(dirname "$0")/.." || exit 2
REPO=$(pwd)
ERLREL=${ERLREL:-target/release/erlrel}
case $ERLREL in /*) ;; *) ERLREL=$REPO/$ERLREL ;; esac
MAKE_SHOP=$REPO/scripts/upgrade/make-shop.sh
EDIT=$REPO/scripts/upgrade/edit-term.escript
export REBAR_COLOR=none

passed=0
failed=0
LIVE_ROOT=""
LIVE_NODE=""
LIVE_PID=""
WORK=$(mktemp -d "${TMPDIR:-/tmp}/live-upgrade.XXXXXX") || exit 2

# Stops the node this script started (if any), then removes the work folder.
cleanup() {
  if [ -n "$LIVE_ROOT" ] && [ -x "$LIVE_ROOT/bin/shop" ]; then
    (cd "$LIVE_ROOT" && SHOP_NODE=$LIVE_NODE timeout 30 bin/shop stop > /dev/null 2>&1)
  fi
  # The OS process recorded at start, if `stop` did not end it (checked to
  # still be this node's BEAM before it is killed).
  if [ -n "$LIVE_PID" ] && grep -qs -- "$LIVE_NODE" "/proc/$LIVE_PID/cmdline"; then
    kill "$LIVE_PID" 2> /dev/null
    sleep 1
    grep -qs -- "$LIVE_NODE" "/proc/$LIVE_PID/cmdline" && kill -9 "$LIVE_PID" 2> /dev/null
  fi
  if [ "${KEEP_WORK:-0}" = 1 ]; then echo "work folder kept: $WORK"; else rm -rf "$WORK"; fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM

pass() {
  passed=$((passed + 1))
  echo "ok   $*"
}
fail() {
  failed=$((failed + 1))
  echo "FAILED: $*"
}
# The summary line, and the exit status.
finish() {
  echo
  echo "timings:${TIMINGS}"
  echo "$passed passed, $failed failed"
  [ "$failed" -eq 0 ] && [ "$passed" -gt 0 ]
  exit $?
}
# A failure after which nothing else can be checked.
abort() {
  fail "$*"
  finish
}
# Indented excerpt of a log, for a failure.
show() { head -n "${2:-20}" "$1" | sed 's/^/    | /'; }

TIMINGS=""
phase_name=""
phase_start=$SECONDS
phase() {
  [ -n "$phase_name" ] && TIMINGS="$TIMINGS $phase_name=$((SECONDS - phase_start))s"
  phase_name=$1
  phase_start=$SECONDS
  echo
  echo "=== $1 (at ${SECONDS}s)"
}

has_command() { "$ERLREL" "$@" --help > /dev/null 2>&1; }

# A new machine may have Erlang (.ci/run installs it) but not rebar3:
# Debian's, as .ci/run installs Erlang.
if ! command -v rebar3 > /dev/null && command -v apt-get > /dev/null && [ "$(id -u)" = 0 ]; then
  echo "(installing Debian's rebar3)"
  { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq rebar3; } > /dev/null 2>&1
fi
[ -x "$ERLREL" ] || { echo "cannot run: $ERLREL is missing (cargo build --release -p erlrel)"; exit 2; }
for tool in erl erlc rebar3 tar; do
  command -v "$tool" > /dev/null || { echo "cannot run: $tool is missing"; exit 2; }
done

# --- a. the two releases ---------------------------------------------------
phase build
SRC=$WORK/shop
OLD_TAR=$WORK/shop-1.0.0.tar.gz
NEW=$SRC/_build/prod/rel/shop
"$MAKE_SHOP" "$SRC" 1.0.0 > "$WORK/build-1.0.0.log" 2>&1 \
  || { show "$WORK/build-1.0.0.log" 40; abort "rebar3 builds shop 1.0.0"; }
mv "$SRC/_build/prod/rel/shop/shop-1.0.0.tar.gz" "$OLD_TAR" || abort "shop-1.0.0.tar.gz was built"
rm -rf "$SRC/_build"
# The 1.1.0 code with the 1.0.0 versions; erlrel vsn bump raises the
# changed application and the release (shop_web keeps 1.0.0).
SHOP_BUILD=0 SHOP_VERSIONS=1.0.0 "$MAKE_SHOP" "$SRC" 1.1.0 > "$WORK/build-1.1.0.log" 2>&1 \
  || { show "$WORK/build-1.1.0.log" 40; abort "the shop 1.1.0 sources are written"; }
(cd "$SRC" && "$ERLREL" vsn bump minor apps/shop_core rebar.config) > "$WORK/bump.log" 2>&1 \
  || { show "$WORK/bump.log"; abort "erlrel vsn bump minor exits 0"; }
grep -q '{vsn, *"1.1.0"}' "$SRC/apps/shop_core/src/shop_core.app.src" \
  && grep -q '"1.1.0"' "$SRC/rebar.config" \
  && grep -q '{vsn, *"1.0.0"}' "$SRC/apps/shop_web/src/shop_web.app.src" \
  || { show "$WORK/bump.log"; abort "erlrel vsn bump minor gives shop_core and the release 1.1.0"; }
pass "erlrel vsn bump minor: shop_core and the release 1.0.0 -> 1.1.0, shop_web unchanged"
(cd "$SRC" && rebar3 as prod tar) >> "$WORK/build-1.1.0.log" 2>&1 \
  || { show "$WORK/build-1.1.0.log" 40; abort "rebar3 builds shop 1.1.0"; }
[ -f "$NEW/releases/1.1.0/shop.rel" ] || abort "release 1.1.0 is in $NEW"
pass "rebar3 built shop 1.0.0 (only its tarball kept) and 1.1.0"

# --- b./e. the upgrade -------------------------------------------------------
NEW_TAR=$WORK/shop-1.1.0.tar.gz
UPG=$NEW # the 1.1.0 release holding the appups and the relup
if has_command upgrade pack; then
  # e. One command: appups generated, relup, tarball.
  phase pack
  if "$ERLREL" upgrade pack --from "$OLD_TAR" --to "$NEW" --generate-appups -o "$NEW_TAR" \
    > "$WORK/pack.log" 2>&1; then
    pass "erlrel upgrade pack exits 0"
  else
    show "$WORK/pack.log"
    abort "erlrel upgrade pack exits 0"
  fi
  UPG=$WORK/packed
  mkdir -p "$UPG" && tar xzf "$NEW_TAR" -C "$UPG" || abort "the packed tarball extracts"
  APPUP_DIR=$UPG/lib/shop_core-1.1.0/ebin
else
  echo "(erlrel upgrade pack is not built: appup generate, relup and rebar3 tar instead)"
  phase appups
  APPUP_DIR=$WORK/appups
  # The old release straight from its tarball (erlrel reads its .beam files).
  "$ERLREL" appup generate --from "$OLD_TAR" --to "$NEW" -o "$APPUP_DIR" > "$WORK/appup.log" 2>&1 \
    || { show "$WORK/appup.log"; abort "erlrel appup generate exits 0"; }
  pass "erlrel appup generate exits 0"
  # Where a rebar3 project keeps its appups: apps/APP/ebin/APP.appup
  # (rebar3 copies ebin/ into _build, relx into the release). Also copied
  # into the release built already, for the relup made before it is built
  # again.
  for f in "$APPUP_DIR"/*.appup; do
    [ -f "$f" ] || continue
    app=$(basename "$f" .appup)
    mkdir -p "$SRC/apps/$app/ebin" && cp "$f" "$SRC/apps/$app/ebin/"
    dest=$(ls -d "$NEW/lib/$app"-*/ebin 2> /dev/null | head -n 1)
    [ -n "$dest" ] && cp "$f" "$dest/" || fail "the release has an ebin folder for $app"
  done

  phase relup
  if "$ERLREL" relup --to "$NEW" --from "$OLD_TAR" -o "$NEW/releases/1.1.0/relup" \
    > "$WORK/relup.log" 2>&1; then
    pass "erlrel relup exits 0"
  else
    show "$WORK/relup.log"
    abort "erlrel relup exits 0"
  fi

  phase tar
  # rebar3 assembles the release again before the tarball: the appups
  # (from apps/APP/ebin) and the relup (left in place) survive that.
  (cd "$SRC" && rebar3 as prod tar) > "$WORK/tar.log" 2>&1 \
    || { show "$WORK/tar.log" 40; abort "rebar3 as prod tar"; }
  cp "$NEW/shop-1.1.0.tar.gz" "$NEW_TAR" || abort "shop-1.1.0.tar.gz was built"
fi

phase verify
# The relup systools:make_relup writes for the same releases (OTP is
# the reference); the old release read from its extracted tarball.
if [ ! -d "$WORK/old" ]; then mkdir -p "$WORK/old" && tar xzf "$OLD_TAR" -C "$WORK/old"; fi
mkdir -p "$WORK/otp-relup"
if ERL_CRASH_DUMP_SECONDS=0 erl -noshell -eval '
    [New, Old, Out] = init:get_plain_arguments(),
    Path = [filename:join(New, "lib/*/ebin"), filename:join(Old, "lib/*/ebin")],
    Rel = fun(Root, V) -> filename:join([Root, "releases", V, "shop"]) end,
    {ok, Relup, _, _} = systools:make_relup(Rel(New, "1.1.0"), [Rel(Old, "1.0.0")],
                                        [Rel(Old, "1.0.0")],
                                        [{path, Path}, {outdir, Out}, silent]),
    {ok, Ours} = file:consult(filename:join([New, "releases", "1.1.0", "relup"])),
    Otp = [Relup],
    case Ours =:= Otp of
        true -> halt(0);
        false -> io:format("erlrel: ~p~notp:    ~p~n", [Ours, Otp]), halt(1)
    end.' -extra "$UPG" "$WORK/old" "$WORK/otp-relup" \
  > "$WORK/otp-relup.log" 2>&1; then
  pass "the relup is the one systools:make_relup writes"
else
  show "$WORK/otp-relup.log" 40
  fail "the relup is the one systools:make_relup writes"
fi

# What the appup says (read by OTP).
appup_text=$(ERL_CRASH_DUMP_SECONDS=0 erl -noshell -eval '
  {ok, T} = file:consult(hd(init:get_plain_arguments())),
  io:format("~w~n", [T]), halt().' -extra "$APPUP_DIR/shop_core.appup" 2>&1)
for want in '{add_module,shop_stats}' '{update,shop_price,{advanced,' '{load_module,shop_fmt' '{delete_module,shop_stats}'; do
  if [[ "$appup_text" == *"$want"* ]]; then pass "shop_core.appup holds $want"; else
    fail "shop_core.appup holds $want"
    echo "    | $appup_text"
  fi
done
[ ! -e "$APPUP_DIR/shop_web.appup" ] && pass "no appup for shop_web (unchanged)" \
  || fail "no appup for shop_web (unchanged)"
listing=$(tar tzf "$NEW_TAR")
# (systools:make_tar, hence rebar3 tar, leaves .appup files out: the
# relup is what runs. The release folder keeps them.)
[ -f "$UPG/lib/shop_core-1.1.0/ebin/shop_core.appup" ] \
  && pass "the 1.1.0 release holds lib/shop_core-1.1.0/ebin/shop_core.appup" \
  || fail "the 1.1.0 release holds lib/shop_core-1.1.0/ebin/shop_core.appup"
for want in releases/1.1.0/relup lib/shop_core-1.1.0/ebin/shop_stats.beam releases/shop.rel releases/1.1.0/start.boot; do
  if grep -qx "$want" <<< "$listing"; then pass "the 1.1.0 tarball holds $want"; else
    fail "the 1.1.0 tarball holds $want"
  fi
done

# --- c. erlrel upgrade check -------------------------------------------------
phase check
# upgrade_check DESC WANT_EXIT WANT_TEXT RELEASE [ARGS...]
upgrade_check() {
  local desc=$1 want=$2 text=$3 rel=$4 out rc
  shift 4
  out=$("$ERLREL" upgrade check --from "$OLD_TAR" --to "$rel" "$@" 2>&1)
  rc=$?
  if [ "$rc" -eq "$want" ] && { [ -z "$text" ] || grep -qF -- "$text" <<< "$out"; }; then
    pass "upgrade check: $desc: exit $rc${text:+, $text}"
  else
    fail "upgrade check: $desc: exit $rc, want $want${text:+ and $text}"
    head -n 20 <<< "$out" | sed 's/^/    | /'
  fi
}
# A copy of the good release to break: hard links, so it is quick; every
# edit below replaces a file (rm, mv, the edit escript's rename), never
# writes into one.
mistake() {
  local dir=$WORK/mistake-$1
  rm -rf "$dir"
  cp -al "$UPG" "$dir" && echo "$dir"
}
# The relup of a copy made again from its (edited) appups and .rel.
remake_relup() {
  rm -f "$1/releases/1.1.0/relup"
  "$ERLREL" relup --to "$1" --from "$OLD_TAR" -o "$1/releases/1.1.0/relup" > "$WORK/remake-relup.log" 2>&1 \
    || { show "$WORK/remake-relup.log"; fail "injecting: the relup of $(basename "$1") made again"; }
}
# An edit that does not apply is a failure of this script, not of erlrel.
inject() { "$EDIT" "$@" || fail "injecting the mistake: edit-term $1 ${3:-}"; }
if has_command upgrade check; then
  upgrade_check "the upgrade as made" 0 "" "$UPG"
  upgrade_check "the upgrade as made, --deny-warnings" 0 "" "$UPG" --deny-warnings
  upgrade_check "the tarball to install, --deny-warnings" 0 "" "$NEW_TAR" --deny-warnings

  # shop_web's code changes, its version stays 1.0.0.
  m=$(mistake unbumped)
  mkdir -p "$WORK/web-src"
  sed 's/"~s: ~s"/"~s costs ~s"/' "$SRC/apps/shop_web/src/shop_web.erl" > "$WORK/web-src/shop_web.erl"
  if erlc +debug_info -o "$WORK/web-src" "$WORK/web-src/shop_web.erl"; then
    rm -f "$m/lib/shop_web-1.0.0/ebin/shop_web.beam"
    mv "$WORK/web-src/shop_web.beam" "$m/lib/shop_web-1.0.0/ebin/shop_web.beam"
    upgrade_check "code changed, version not bumped" 1 "error[unbumped-version]" "$m"
  else
    fail "the changed shop_web compiles"
  fi

  m=$(mistake missing-appup)
  rm "$m/lib/shop_core-1.1.0/ebin/shop_core.appup" || fail "injecting: appup deleted"
  upgrade_check "appup deleted" 1 "error[missing-appup]" "$m"

  m=$(mistake no-matching-entry)
  inject appup-from "$m/lib/shop_core-1.1.0/ebin/shop_core.appup" 1.0.0 0.9.0
  upgrade_check "appup entries for another version" 1 "error[no-matching-entry]" "$m"

  m=$(mistake not-covered)
  inject appup-drop "$m/lib/shop_core-1.1.0/ebin/shop_core.appup" shop_fmt
  upgrade_check "changed module without an instruction" 1 "error[module-not-covered]" "$m"

  m=$(mistake unknown-module)
  inject appup-add "$m/lib/shop_core-1.1.0/ebin/shop_core.appup" '{load_module, shop_typo}'
  upgrade_check "instruction for shop_typo" 1 "error[unknown-module]" "$m"

  m=$(mistake load-gen-server)
  inject appup-replace "$m/lib/shop_core-1.1.0/ebin/shop_core.appup" shop_price '{load_module, shop_price}'
  remake_relup "$m" # the relup follows the appup: only the warning is left
  upgrade_check "gen_server by load_module" 0 "warning[process-without-code-change]" "$m"
  upgrade_check "gen_server by load_module, --deny-warnings" 1 "warning[process-without-code-change]" "$m" --deny-warnings

  m=$(mistake missing-relup)
  rm "$m/releases/1.1.0/relup" || fail "injecting: relup deleted"
  upgrade_check "relup deleted" 1 "error[missing-relup]" "$m"

  m=$(mistake stale-relup)
  inject relup-drop "$m/releases/1.1.0/relup" shop_fmt
  upgrade_check "relup missing an instruction" 1 "error[stale-relup]" "$m"

  # A new ERTS: the .rel names it, the release carries it, and the relup
  # (made again) restarts the emulator.
  m=$(mistake new-erts)
  erts=$(ls -d "$m"/erts-* | head -n 1)
  mv "$erts" "$m/erts-99.0"
  inject rel-erts "$m/releases/1.1.0/shop.rel" 99.0
  remake_relup "$m"
  upgrade_check "ERTS version changed" 0 "warning[emulator-restart]" "$m"
  upgrade_check "ERTS version changed, --deny-warnings" 1 "warning[emulator-restart]" "$m" --deny-warnings
else
  echo "SKIP upgrade check: command not built"
fi

# --- d. the live upgrade -----------------------------------------------------
phase live
LIVE_ROOT=$WORK/live
LIVE_NODE=shop_upg_$$_$RANDOM
export SHOP_NODE=$LIVE_NODE
# run_erl's pipes inside the work folder (relx's default: /tmp/erl_pipes/NODE/).
export PIPE_DIR=$WORK/pipes/
mkdir -p "$LIVE_ROOT" && tar xzf "$OLD_TAR" -C "$LIVE_ROOT" || abort "shop-1.0.0.tar.gz extracts"
cd "$LIVE_ROOT" || abort "cd $LIVE_ROOT"
# The node's answer to an expression, whitespace removed (erl_call pretty
# prints, and may break long terms over lines).
ev() { bin/shop eval "$1" 2>&1 | tr -d ' \n'; }
# expect DESC EXPR WANT: the node's answer to EXPR is WANT.
expect() {
  local got
  got=$(ev "$2")
  if [ "$got" = "$3" ]; then pass "$1"; else
    fail "$1"
    echo "    | $2"
    echo "    | got:  $got"
    echo "    | want: $3"
  fi
}
bin/shop daemon > "$WORK/daemon.log" 2>&1 || { show "$WORK/daemon.log"; abort "bin/shop daemon"; }
up=0
for _ in $(seq 1 60); do
  if bin/shop ping > /dev/null 2>&1; then up=1; break; fi
  sleep 0.5
done
[ "$up" = 1 ] || { show "$LIVE_ROOT/log/erlang.log.1" 2> /dev/null; abort "node $LIVE_NODE answers ping"; }
LIVE_PID=$(bin/shop pid)
pass "1.0.0 runs as $LIVE_NODE, OS pid $LIVE_PID"
PROC=$(ev 'pid_to_list(whereis(shop_price)).')
ev 'shop_price:set_price(plum, 250).' > /dev/null
expect "1.0.0: state {state, Prices}" 'sys:get_state(shop_price).' \
  '{state,#{apple=>120,pear=>95,plum=>250}}'
expect "1.0.0: shop_fmt" 'shop_web:page(plum).' '"plum:2.50"'

cp "$NEW_TAR" "$LIVE_ROOT/releases/shop-1.1.0.tar.gz"
t0=$SECONDS
if bin/shop upgrade 1.1.0 > "$WORK/upgrade.log" 2>&1; then
  pass "bin/shop upgrade 1.1.0 exits 0 ($((SECONDS - t0))s)"
else
  show "$WORK/upgrade.log"
  fail "bin/shop upgrade 1.1.0 exits 0"
fi
sed 's/^/    > /' "$WORK/upgrade.log"
expect "after upgrade: same OS process (no restart)" 'os:getpid().' "\"$LIVE_PID\""
expect "after upgrade: same shop_price process" 'pid_to_list(whereis(shop_price)).' "$PROC"
expect "after upgrade: 1.1.0 permanent, 1.0.0 old" \
  '[{V, S} || {_, V, _, S} <- release_handler:which_releases()].' \
  '[{"1.1.0",permanent},{"1.0.0",old}]'
expect "after upgrade: code_change/3 converted the state" 'sys:get_state(shop_price).' \
  '{state,#{apple=>120,pear=>95,plum=>250},0}'
expect "after upgrade: the new shop_price runs" 'shop_price:release().' '"1.1.0"'
expect "after upgrade: the new module is loaded" \
  '{element(1, code:is_loaded(shop_stats)), shop_stats:summary()}.' \
  '{file,#{hits=>0,release=>"1.1.0"}}'
expect "after upgrade: the new shop_fmt" 'shop_web:page(plum).' '"plum:EUR2.50"'
expect "after upgrade: hits are counted" 'shop_price:hits().' '1'
expect "after upgrade: shop_core 1.1.0 in the code path" \
  'filename:basename(code:lib_dir(shop_core)).' '"shop_core-1.1.0"'

t0=$SECONDS
if bin/shop downgrade 1.0.0 > "$WORK/downgrade.log" 2>&1; then
  pass "bin/shop downgrade 1.0.0 exits 0 ($((SECONDS - t0))s)"
else
  show "$WORK/downgrade.log"
  fail "bin/shop downgrade 1.0.0 exits 0"
fi
sed 's/^/    > /' "$WORK/downgrade.log"
expect "after downgrade: same OS process" 'os:getpid().' "\"$LIVE_PID\""
expect "after downgrade: same shop_price process" 'pid_to_list(whereis(shop_price)).' "$PROC"
expect "after downgrade: 1.0.0 permanent" \
  '[{V, S} || {_, V, _, S} <- release_handler:which_releases(), S =/= old].' \
  '[{"1.0.0",permanent}]'
expect "after downgrade: the old state shape is back" 'sys:get_state(shop_price).' \
  '{state,#{apple=>120,pear=>95,plum=>250}}'
expect "after downgrade: the old shop_price runs" 'shop_price:release().' '"1.0.0"'
expect "after downgrade: the new module is gone" 'code:is_loaded(shop_stats).' 'false'
expect "after downgrade: the old shop_fmt" 'shop_web:page(plum).' '"plum:2.50"'

if bin/shop stop > /dev/null 2>&1; then pass "bin/shop stop"; else fail "bin/shop stop"; fi
for _ in $(seq 1 20); do
  grep -qs -- "$LIVE_NODE" "/proc/$LIVE_PID/cmdline" || break
  sleep 0.5
done
grep -qs -- "$LIVE_NODE" "/proc/$LIVE_PID/cmdline" && fail "the node stopped" || pass "the node stopped"
phase done
finish
