#!/usr/bin/env bash
# Differential check of `erlrel consult --otp` against OTP's file:consult/1:
#  1. every conformance case (recorded expectations),
#  2. every corpus file (live oracle run, and MANIFEST.tsv ok:N / error),
#  3. a few thousand randomly generated term files (live oracle run).
# Run from the repo root; needs escript on PATH and ../shared.
set -u
SHARED=${SHARED:-../shared}
ORACLE="$SHARED/oracle/consult.escript"
N_RANDOM=${N_RANDOM:-3000}
# A fixed seed keeps CI reproducible (the case seed 31676 once caught is in
# erlterm/tests/consult/cases/pattern-random-seed-31676.txt);
# scripts/soak.sh runs fresh seeds.
SEED=${SEED:-31676}
cargo build -q --release -p erlrel -p erlterm --example gen_terms || exit 2
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
# Private copies: other builds may replace target/ while this runs.
cp target/release/erlrel "$work/erlrel"; cp target/release/examples/gen_terms "$work/gen_terms"
BIN=$work/erlrel
GEN=$work/gen_terms
pass=0; fail=0; lvl_a=0; lvl_b=0

# compare NAME EXPECTED_FILE GOT_FILE
compare() {
  if cmp -s "$2" "$3"; then pass=$((pass + 1)); return; fi
  fail=$((fail + 1))
  local e g
  e=$(head -c 300 "$2"); g=$(head -c 300 "$3")
  if [[ "$e" == error* && "$g" == error* ]]; then
    # same {Line,Module} prefix?
    if [[ "$(sed -E 's/^error \{([0-9]+,[a-z_]+),.*/\1/' "$2")" == "$(sed -E 's/^error \{([0-9]+,[a-z_]+),.*/\1/' "$3")" ]]; then
      echo "DESCRIPTION differs: $1"
    else
      lvl_b=$((lvl_b + 1)); echo "LINE/MODULE differs: $1"
    fi
  else
    lvl_a=$((lvl_a + 1)); echo "RESULT differs: $1"
  fi
  echo "  expected: $e" | head -3; echo "  got:      $g" | head -3
}

# split_oracle OUTFILE DIR: "== FILE" sections into DIR/<index>.out (index = order)
split_oracle() {
  awk -v d="$2" '/^== /{n++; f=d "/" n ".out"; printf "" > f; next} {print >> f}' "$1"
}

echo "== conformance cases"
for f in "$SHARED"/conformance/consult/cases/*.txt; do
  n=$(basename "$f" .txt)
  "$BIN" consult --otp "$f" > "$work/got" 2>/dev/null
  compare "conformance/$n" "$SHARED/conformance/consult/expected/$n.out" "$work/got"
done

echo "== corpus"
mapfile -t files < <(tail -n +2 "$SHARED/corpus/MANIFEST.tsv" | cut -f1,7)
list=(); for row in "${files[@]}"; do list+=("$SHARED/corpus/${row%%$'\t'*}"); done
escript "$ORACLE" --each "${list[@]}" > "$work/corpus.oracle" 2>/dev/null
mkdir -p "$work/corpus"; split_oracle "$work/corpus.oracle" "$work/corpus"
i=0
for row in "${files[@]}"; do
  i=$((i + 1)); path="$SHARED/corpus/${row%%$'\t'*}"; want=${row##*$'\t'}
  "$BIN" consult --otp "$path" > "$work/got" 2>/dev/null
  compare "corpus/${row%%$'\t'*}" "$work/corpus/$i.out" "$work/got"
  if [[ "$want" == n/a ]]; then
    :
  elif [[ "$want" == error* ]]; then
    grep -q '^error ' "$work/got" || { echo "MANIFEST says error: $path"; fail=$((fail + 1)); }
  else
    [[ "$(grep -c '' "$work/got")" == "${want#ok:}" ]] || { echo "MANIFEST count differs: $path"; fail=$((fail + 1)); }
  fi
done

echo "== random terms (seed $SEED, $N_RANDOM files)"
"$GEN" "$SEED" "$N_RANDOM" "$work/gen"
gl=(); for ((k = 0; k < N_RANDOM; k++)); do gl+=("$work/gen/t_$k.txt"); done
escript "$ORACLE" --each "${gl[@]}" > "$work/gen.oracle" 2>/dev/null
mkdir -p "$work/genout"; split_oracle "$work/gen.oracle" "$work/genout"
for ((k = 0; k < N_RANDOM; k++)); do
  "$BIN" consult --otp "$work/gen/t_$k.txt" > "$work/got" 2>/dev/null
  if ! cmp -s "$work/genout/$((k + 1)).out" "$work/got"; then
    cp "$work/gen/t_$k.txt" "/tmp/live-consult-fail-$SEED-$k.txt" 2>/dev/null
  fi
  compare "random/t_$k (kept as /tmp/live-consult-fail-$SEED-$k.txt)" "$work/genout/$((k + 1)).out" "$work/got"
done

echo "result-level disagreements: $lvl_a, line/module disagreements: $lvl_b"
echo "$pass passed, $fail failed"
[[ $fail -eq 0 ]]
