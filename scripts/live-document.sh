#!/usr/bin/env bash
# Live check of erlterm::document and `erlrel vsn` over the shared corpus:
#  1. every corpus file round-trips byte for byte as a Document (or is
#     rejected with the parser's own error), and every corpus file that
#     LEXES round-trips byte for byte as erlterm::document::Tokens (appup.src
#     scripts, *.config.script, templates too); a file that does not lex
#     fails with the scan error erlterm::parse_bytes reports;
#  2. `erlrel vsn set` on copies of every .app.src / rebar.config /
#     relx.config that parses changes only the versions: `vsn verify`
#     (terms equal the original's with the new version, other lines
#     untouched), and OTP's file:consult/1 reads each result as erlterm does.
# Run from the repo root; needs ../shared (or SHARED) and escript.
set -u
SHARED=${SHARED:-../shared}
ORACLE="$SHARED/oracle/consult.escript"
VERSION='9.8.7-live+build.1'
cargo build -q --release -p erlrel || exit 2
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cp target/release/erlrel "$work/erlrel"   # private copy: others may rebuild
BIN=$work/erlrel
pass=0; fail=0

echo "== round trip"
mapfile -t files < <(tail -n +2 "$SHARED/corpus/MANIFEST.tsv" | cut -f1)
list=(); for f in "${files[@]}"; do list+=("$SHARED/corpus/$f"); done
"$BIN" vsn roundtrip "${list[@]}" > "$work/rt.txt"
ok=$(grep -c '^ok' "$work/rt.txt"); rejected=$(grep -c '^rejected' "$work/rt.txt")
bad=$(grep -c '^FAIL' "$work/rt.txt")
grep '^FAIL' "$work/rt.txt" | head -20
echo "round trip: $ok byte-exact, $rejected rejected as by the parser, $bad failed"
pass=$((pass + ok + rejected)); fail=$((fail + bad))

echo "== token round trip (every file that lexes)"
"$BIN" vsn roundtrip --tokens "${list[@]}" > "$work/tok.txt"
lexed=$(grep -c '^ok' "$work/tok.txt")
same=$(grep -c '^scan-error ' "$work/tok.txt"); after=$(grep -c '^scan-error-after ' "$work/tok.txt")
tbad=$(grep -c '^FAIL' "$work/tok.txt")
nonterm=$(paste <(cut -f1 "$work/rt.txt" | cut -d' ' -f1) <(cut -f1 "$work/tok.txt" | cut -d' ' -f1) \
  | grep -c $'^rejected\tok$')
grep '^FAIL' "$work/tok.txt" | head -20
grep '^scan-error' "$work/tok.txt" | head -10
lex=$(grep -c -v '^scan-error\|^FAIL tokens reject\|^FAIL other' "$work/tok.txt")
echo "tokens: ${#list[@]} files, $lex lex," \
  "$lexed round-tripped byte for byte ($nonterm of them not terms)," \
  "$((same + after)) fail to lex ($same with parse_bytes' own error," \
  "$after after an earlier parser error), $tbad failed"
pass=$((pass + lexed + same + after)); fail=$((fail + tbad))

echo "== vsn set"
mkdir -p "$work/orig" "$work/new"
i=0
while IFS=$'\t' read -r status path; do
  [[ "$status" == ok ]] || continue
  case "$path" in *.app.src|*rebar.config|*relx.config) ;; *) continue ;; esac
  i=$((i + 1)); mkdir -p "$work/orig/$i" "$work/new/$i"
  cp "$path" "$work/orig/$i/"; cp "$path" "$work/new/$i/"
done < "$work/rt.txt"
# ../shared is read-only and so are the copies: vsn set refuses read-only files.
chmod -R u+w "$work/new"
"$BIN" vsn set "$VERSION" "$work/new" > "$work/set.out" 2> "$work/set.err" \
  || { echo "vsn set failed:"; head -20 "$work/set.err"; fail=$((fail + 1)); }
changed=$(grep -c ': set to ' "$work/set.out"); skipped=$(grep -c 'left alone' "$work/set.err")
echo "vsn set: $i files, $changed changed, $skipped dynamic versions left alone"
news=()
for ((k = 1; k <= i; k++)); do
  o=$(ls "$work/orig/$k"/*); n="$work/new/$k/$(basename "$o")"; news+=("$n")
  if err=$("$BIN" vsn verify "$o" "$n" "$VERSION" 2>&1); then
    pass=$((pass + 1))
  else
    fail=$((fail + 1)); echo "VERIFY $o: $err"
  fi
done

echo "== OTP file:consult on the edited files"
escript "$ORACLE" --each "${news[@]}" > "$work/otp.txt" 2>/dev/null
for n in "${news[@]}"; do echo "== $n"; "$BIN" consult --otp "$n" 2>/dev/null; done > "$work/ours.txt"
if cmp -s "$work/otp.txt" "$work/ours.txt"; then
  pass=$((pass + 1)); echo "OTP reads all ${#news[@]} edited files as erlterm does"
else
  fail=$((fail + 1)); echo "OTP disagrees on edited files:"; diff "$work/otp.txt" "$work/ours.txt" | head -20
fi
codes=$(printf '%s' "$VERSION" | od -An -tu1 | tr -s ' \n' ',' | sed 's/^,//; s/,$//')
echo "OTP terms holding the new version: $(grep -c -F "[$codes]" "$work/otp.txt")"

echo "$pass passed, $fail failed"
[[ $fail -eq 0 ]]
