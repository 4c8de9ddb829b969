#!/usr/bin/env bash
# Differential check of the beamfile crate and `erlrel appup generate/check`
# against OTP. Run from the repo root with the shared folder at ../shared.
# Exit status non-zero on any disagreement; the last line is
# "N passed, N failed".
#   1. every .beam of the installed OTP (lib/*/ebin): beam_lib:md5/1,
#      behaviours, exports, imports, attributes and compile info printed by
#      beam/tests/beam_info.escript (one VM) against
#      `cargo run -p beamfile --example beam_info`, one check per file;
#   2. the fixture releases (beam/tests/fixtures/r1 -> r2): appups written
#      by `erlrel appup generate` equal the committed ones; with them,
#      ../shared/oracle/make_relup.escript and `erlrel relup` build the same
#      relup (any of OTP's variants when its order is not deterministic);
#      `erlrel appup check` passes, and fails naming the module once one
#      instruction is removed.
set -uo pipefail
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT
TARGET=${CARGO_TARGET_DIR:-target}
cargo build --release -q -p erlrel || exit 2
cargo build --release -q -p beamfile --example beam_info || exit 2
ERLREL=$TARGET/release/erlrel
INFO=$TARGET/release/examples/beam_info
ORACLE=../shared/oracle
FIX=beam/tests/fixtures
passed=0
failed=0
ok() { passed=$((passed + 1)); }
bad() { failed=$((failed + 1)); echo "MISMATCH $*"; }

# 1. Every beam of the installed OTP.
OTPLIB=$(erl -noshell -eval 'io:format("~s", [code:lib_dir()]), halt().')
(cd "$OTPLIB" && ls ./*/ebin/*.beam) > "$WORK/beams"
(cd "$OTPLIB" && escript "$OLDPWD/beam/tests/beam_info.escript" - < "$WORK/beams") > "$WORK/otp.tsv"
(cd "$OTPLIB" && "$OLDPWD/$INFO" - < "$WORK/beams") > "$WORK/rust.tsv" 2> "$WORK/rust.err"
n_beams=$(wc -l < "$WORK/beams")
while IFS= read -r line; do
  case "$line" in
    same) ok ;;
    *) bad "$line" ;;
  esac
done < <(paste -d '\n' "$WORK/otp.tsv" "$WORK/rust.tsv" | awk -v n="$n_beams" '
  NR % 2 == 1 { o = $0; next }
  { if (o == $0) print "same"; else { split(o, f, "\t"); print "beam " f[1] } }
  END { if (NR != 2 * n) print "beam count: " NR / 2 " lines for " n " files" }')
echo "beams: $n_beams files of $OTPLIB compared with beam_lib"

# 2. Fixture releases.
cp -r "$FIX/r1" "$FIX/r2" "$WORK/"
R1=$WORK/r1
R2=$WORK/r2
for a in fx:1.1.0 fy:1.0.1; do
  app=${a%%:*}; vsn=${a##*:}
  rm -f "$R2/lib/$app-$vsn/ebin/$app.appup"
  "$ERLREL" appup generate --from "$R1" --to "$R2" --app "$app" -o "$R2/lib/$app-$vsn/ebin" 2> /dev/null
  if cmp -s "$R2/lib/$app-$vsn/ebin/$app.appup" "$FIX/r2/lib/$app-$vsn/ebin/$app.appup"; then ok
  else bad "generated $app.appup differs from the committed one"; fi
done

relup_pair() { # TOP BASE label
  local top=$1 base=$2 label=$3
  local want got
  want=$("$ORACLE/make_relup.escript" --compact --relup-only --lib "$R2/lib" --lib "$R1/lib" \
           "$top" "$base" 2>&1 | head -n 1)
  rm -f "$WORK/relup" # relup -o never replaces a file
  if "$ERLREL" relup --to "$top" --from "$base" -o "$WORK/relup" 2> "$WORK/err"; then
    got=$(escript scripts/relup/print_term.escript "$WORK/relup")
  else
    got="error: $(cat "$WORK/err")"
  fi
  if [ "$got" = "$want" ]; then ok; return; fi
  case "$want" in "{error,"*) case "$got" in "error: "*) ok; return ;; esac ;; esac
  # OTP's order among independent modules may depend on atom indices.
  # (exit 3 there means "not deterministic": read the variants from the file)
  "$ORACLE/make_relup.escript" --lib "$R2/lib" --lib "$R1/lib" --determinism 8 \
    "$top" "$base" > "$WORK/variants" 2>&1
  if grep -qxF "$got" "$WORK/variants"; then ok; return; fi
  bad "relup $label"; echo " otp:  $want"; echo " rust: $got"
}
relup_pair "$R2/releases/2.0" "$R1/releases/1.0" "r1 -> r2"

if "$ERLREL" appup check --from "$R1" --to "$R2" > "$WORK/check" 2>&1; then ok
else bad "appup check fails on the generated appups: $(cat "$WORK/check")"; fi
grep -v '^ *{load_module,fx_lib,\[\]},$' "$R2/lib/fx-1.1.0/ebin/fx.appup" > "$WORK/fx.appup"
cp "$WORK/fx.appup" "$R2/lib/fx-1.1.0/ebin/fx.appup"
"$ERLREL" appup check --from "$R1" --to "$R2" > "$WORK/check" 2>&1
status=$?
if [ "$status" = 1 ] && grep -q "^error\[module-not-covered\]: fx: fx_lib: " "$WORK/check"; then ok
else bad "appup check after removing fx_lib's instruction: exit $status: $(cat "$WORK/check")"; fi

echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
