#!/usr/bin/env bash
# Differential check of the relup crate against OTP's systools:make_relup.
# Run from the repo root with the shared folder at ../shared, after
# `cargo build --release`. Exit status non-zero on any disagreement;
# the last line is "N passed, N failed".
#   1. 400 seeded random release sets (relup/examples/gen_cases.rs), all
#      checked in one Erlang VM (scripts/relup/check.escript);
#   2. the fake releases of ../shared/oracle/gen_fake_releases.sh through the
#      erlrel CLI, compared with ../shared/oracle/make_relup.escript.
set -uo pipefail
COUNT=${RELUP_CASES:-400}
SEED=${RELUP_SEED:-20240601}
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT
cargo build --release -q -p relup --example gen_cases || exit 2
GEN=target/release/examples/gen_cases
ERLREL=target/release/erlrel
"$GEN" gen "$WORK/cases" "$COUNT" "$SEED" || exit 2
"$GEN" run "$WORK/cases" || exit 2
out=$(escript scripts/relup/check.escript "$WORK/cases")
status=$?
echo "$out" | grep -v '^[0-9]* passed' | tail -n 20
passed=$(echo "$out" | tail -n 1 | awk '{print $1}')
failed=$(echo "$out" | tail -n 1 | awk '{print $3}')
[ "$status" -eq 0 ] || [ "${failed:-0}" -gt 0 ] || failed=$((failed + 1))

# Fake releases of the shared oracle, through the CLI.
../shared/oracle/gen_fake_releases.sh "$WORK/fake" > /dev/null
D=$WORK/fake
for pair in "2.0.0 1.0.0" "3.0.0 2.0.0" "3.0.0 1.0.0" "2.0.0 3.0.0" "1.0.0 2.0.0"; do
  set -- $pair
  for opt in "" "--restart-emulator"; do
    want=$(../shared/oracle/make_relup.escript --compact --relup-only --lib "$D/lib" $opt \
             "$D/releases/$1" "$D/releases/$2" 2>&1 | head -n 1)
    got_file="$WORK/relup-$1-$2"
    rm -f "$got_file" # relup -o never replaces a file
    if "$ERLREL" relup --to "$D/releases/$1/demo.rel" --from "$D/releases/$2/demo.rel" \
         --lib "$D/lib" $opt -o "$got_file" 2> "$WORK/err"; then
      got=$(escript scripts/relup/print_term.escript "$got_file")
    else
      got="error"
    fi
    case "$want" in
      "{error,"*) [ "$got" = "error" ] && ok=1 || ok=0 ;;
      *) [ "$got" = "$want" ] && ok=1 || ok=0 ;;
    esac
    if [ "$ok" = 1 ]; then passed=$((passed + 1)); else
      failed=$((failed + 1)); echo "MISMATCH fake $1 from $2 $opt"; echo " otp:  $want"; echo " rust: $got"; fi
  done
done
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
