#!/usr/bin/env bash
# Runs the randomised live checks (scripts/live-consult.sh,
# scripts/live-appup.sh and scripts/live-relup.sh) ROUNDS times with fresh
# seeds, against the installed OTP, and lists the seeds that found a
# disagreement. CI runs each with one fixed seed; this is the long run that
# finds new bugs.
#   bash scripts/soak.sh [ROUNDS]     (default 10; logs in $SOAK_LOGS)
set -u
ROUNDS=${1:-10}
LOGS=${SOAK_LOGS:-$(mktemp -d)}
cargo build -q --release -p erlrel || exit 2
failed=0
for ((i = 1; i <= ROUNDS; i++)); do
  for check in consult appup relup; do
    seed=$(( (RANDOM << 15 | RANDOM) % 100000 ))
    log="$LOGS/$check-$seed.log"
    if SEED=$seed RELUP_SEED=$seed bash "scripts/live-$check.sh" > "$log" 2>&1; then
      echo "round $i: $check seed $seed: $(tail -n 1 "$log")"
    else
      failed=$((failed + 1))
      echo "round $i: $check seed $seed FAILED, see $log"
    fi
  done
done
echo "$failed failing seed(s); logs in $LOGS"
[ $failed -eq 0 ]
