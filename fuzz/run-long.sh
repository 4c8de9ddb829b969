#!/usr/bin/env bash
# Long fuzz runs from prebuilt binaries (fuzz/bin/, copied after
# `cargo fuzz build -a`), two at a time: ./run-long.sh SECONDS TARGET...
# Each run grows corpus/TARGET from seeds/TARGET; logs go to logs/TARGET.log.
set -u
cd "$(dirname "$0")"
secs=$1
shift
mkdir -p logs
printf '%s\n' "$@" | xargs -P "${FUZZ_JOBS:-2}" -I{} sh -c '
  mkdir -p corpus/{} artifacts/{}
  bin/{} corpus/{} seeds/{} -max_total_time='"$secs"' -timeout=10 -rss_limit_mb=2048 \
    -print_final_stats=1 -artifact_prefix=artifacts/{}/ > logs/{}.log 2>&1
  echo "exit $?" >> logs/{}.log'
