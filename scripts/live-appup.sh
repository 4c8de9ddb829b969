#!/usr/bin/env bash
# Live differential check of the appup crate against the installed OTP:
#  * >= 2,000 generated (pattern, version) pairs (alternations, anchors,
#    classes, repetitions, inline options) through re:run as systools does;
#  * every appup of the shared corpus and of OTP itself, versions drawn
#    around each pattern, through systools_relup:appup_search_for_version/2;
#  * systools_rc's verdict (expansion, point_of_no_return, syntax check) on
#    every entry of those appups.
# Run from the repo root after `cargo build --release`, with the shared
# folder at ../shared (or $SHARED). Prints `N passed, N failed`.
set -euo pipefail
SHARED=${SHARED:-../shared}
BIN=${ERLREL:-target/release/erlrel}
# A fixed seed keeps CI reproducible (34678 once caught a regex-syntax
# bug); scripts/soak.sh runs fresh seeds.
SEED=${SEED:-34678}
ORACLE=scripts/appup/oracle.escript
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

files=("$SHARED"/corpus/appup/* /usr/lib/erlang/lib/*/ebin/*.appup)
echo "seed $SEED; ${#files[@]} appup files"
escript "$ORACLE" gen 600 "$SEED" > "$tmp/gen.tsv"
escript "$ORACLE" corpus "${files[@]}" > "$tmp/corpus.tsv"
escript "$ORACLE" validate "${files[@]}" > "$tmp/validate.tsv"
echo "generated pairs: $(wc -l < "$tmp/gen.tsv"), corpus lookups: $(wc -l < "$tmp/corpus.tsv"), entries: $(wc -l < "$tmp/validate.tsv")"

cat "$tmp/gen.tsv" "$tmp/corpus.tsv" "$tmp/validate.tsv" \
    | "$BIN" appup oracle-compare 2> "$tmp/log" > "$tmp/out" || true
grep -E '^(DISAGREE|bad line)' "$tmp/log" | head -50 || true
grep -c '^unsupported' "$tmp/log" > /dev/null || true
cat "$tmp/out"
tail -n 1 "$tmp/out" | grep -q ', 0 failed$'
