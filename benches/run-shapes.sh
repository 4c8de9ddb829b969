#!/usr/bin/env bash
# Every input shape (erlrel_benches::SHAPES) at 1 MB and 16 MB: paired
# throughput of erlterm against serde_json (Term / Value, validate /
# IgnoredAny, span tree / Value, typed / typed), peak memory of each
# operation in its own process (16 MB inputs), and one table, worst first.
#
#   bash benches/run-shapes.sh            # from the workspace root
#
#   SHAPES=constructs SIZES=1MB bash benches/run-shapes.sh
#                                         # one construct per file
#
# Settings (environment): SHAPES="config deep" (default: all; "constructs":
# the single-construct files of erlrel_benches::CONSTRUCTS), SIZES="1MB"
# (default: 1MB 16MB), ROUNDS_1MB=20, ROUNDS_16MB=5, REPS_1MB=5, REPS_16MB=3
# (parses per contender and round), INPUTS=target/bench-inputs/shapes,
# CARGO_TARGET_DIR, OUT (the raw results, default $INPUTS/results.tsv),
# NO_BUILD=1 (use the binaries already built), SLOW_SECS=5 (an operation
# whose parse takes longer is timed once, in the first round only).
set -euo pipefail
cd "$(dirname "$0")/.."

TARGET=${CARGO_TARGET_DIR:-target}
INPUTS=${INPUTS:-target/bench-inputs/shapes}
SHAPES=${SHAPES:-"config appup numbers strings deep plain"}
SIZES=${SIZES:-"1MB 16MB"}
OUT=${OUT:-$INPUTS/results.tsv}

if [ -z "${NO_BUILD:-}" ]; then
  cargo build --release -q -p erlrel-benches --bin throughput --bin gen_inputs --bin peakmem
fi
BIN=$TARGET/release
if [ "$SHAPES" = constructs ]; then
  SHAPES=$("$BIN/gen_inputs" --constructs)
fi
mkdir -p "$INPUTS"
# shellcheck disable=SC2086
SIZES="$SIZES" "$BIN/gen_inputs" --shapes "$INPUTS" $SHAPES

commit=${COMMIT:-$(git rev-parse --short HEAD 2>/dev/null || echo unknown)}
{
  printf 'meta\tdate\t%s\n' "$(date -u +%Y-%m-%dT%H:%MZ)"
  printf 'meta\tcommit\t%s\n' "$commit"
  printf 'meta\tcpus\t%s\n' "$(nproc)"
  printf 'meta\tload\t%s\n' "$(cut -d' ' -f1-3 /proc/loadavg)"
} > "$OUT"

start=$(date +%s)
for size in $SIZES; do
  case $size in
    1MB) rounds=${ROUNDS_1MB:-20}; reps=${REPS_1MB:-5} ;;
    *) rounds=${ROUNDS_16MB:-5}; reps=${REPS_16MB:-3} ;;
  esac
  printf 'meta\trounds_%s\t%s rounds of %s parses\n' "$size" "$rounds" "$reps" >> "$OUT"
  for shape in $SHAPES; do
    base=$INPUTS/${shape}_$size
    echo "== $shape $size ($rounds rounds, $reps parses each)" >&2
    REPS=$reps "$BIN/throughput" "$base.erl" "$base.json" "$rounds" "$shape" "$base.typed.json" \
      | tee -a /dev/stderr \
      | awk -v s="$shape" -v z="$size" '/^tsv\t/ { sub(/^tsv\t/, ""); print "time\t" s "\t" z "\t" $0 }' \
      >> "$OUT"
  done
done

# Peak memory, each operation in its own process, on the largest size.
memsize=$(echo "$SIZES" | awk '{print $NF}')
for shape in $SHAPES; do
  base=$INPUTS/${shape}_$memsize
  for mode in term nodes validate typed value ignored typed_json; do
    case $mode in
      value|ignored) file=$base.json ;;
      typed_json) file=$base.typed.json ;;
      *) file=$base.erl ;;
    esac
    line=$("$BIN/peakmem" "$mode" "$file" "$shape")
    printf 'mem\t%s\t%s\t%s\n' "$shape" "$memsize" "$line" >> "$OUT"
  done
done
printf 'meta\tseconds\t%s\n' "$(( $(date +%s) - start ))" >> "$OUT"
printf 'meta\tload_after\t%s\n' "$(cut -d' ' -f1-3 /proc/loadavg)" >> "$OUT"

python3 benches/shapes_table.py "$OUT"
