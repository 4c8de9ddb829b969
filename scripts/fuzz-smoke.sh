#!/usr/bin/env bash
# Runs every fuzz target of fuzz/ briefly from its seed corpus; exits
# non-zero on any crash, panic, timeout or out-of-memory.
#
#   scripts/fuzz-smoke.sh            # 20 s per target
#   FUZZ_SECONDS=5 scripts/fuzz-smoke.sh
#   scripts/fuzz-smoke.sh appup tarball   # only these targets
#
# Needs cargo-fuzz (installed if missing) and libFuzzer, which needs a
# nightly compiler: RUSTC_BOOTSTRAP=1 lets the stable toolchain build it.
# Targets run on a copy of the seeds (fuzz/seeds/ is never modified).
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root/fuzz"
export RUSTC_BOOTSTRAP=1
secs="${FUZZ_SECONDS:-20}"

if ! cargo fuzz --version >/dev/null 2>&1; then
  cargo install cargo-fuzz --locked
fi

# Without ASan: the crates forbid unsafe code, and libFuzzer itself catches
# panics, timeouts and memory blow-ups; the build is much faster.
build_flags=(--sanitizer none --debug-assertions)
cargo fuzz build "${build_flags[@]}"

if [ "$#" -gt 0 ]; then
  targets=("$@")
else
  mapfile -t targets < <(cargo fuzz list)
fi

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
failed=()
for t in "${targets[@]}"; do
  mkdir -p "$work/$t" "$work/artifacts/$t"
  echo "== $t (${secs}s)"
  if ! cargo fuzz run "${build_flags[@]}" "$t" "$work/$t" "seeds/$t" -- \
      -max_total_time="$secs" -timeout=20 -rss_limit_mb=2048 \
      -artifact_prefix="$work/artifacts/$t/" >"$work/$t.log" 2>&1; then
    failed+=("$t")
    tail -n 40 "$work/$t.log"
    mkdir -p artifacts/"$t"
    cp "$work/artifacts/$t/"* artifacts/"$t"/ 2>/dev/null || true
  else
    grep -E '^Done|^#[0-9]+ +DONE' "$work/$t.log" | tail -n 1 || true
  fi
done

if [ "${#failed[@]}" -gt 0 ]; then
  echo "fuzz smoke FAILED: ${failed[*]} (inputs kept in fuzz/artifacts/)" >&2
  exit 1
fi
echo "fuzz smoke: ${#targets[@]} targets, no crash"
