#!/usr/bin/env bash
# The project's tests, on any machine: installs Erlang/OTP first when it is
# missing (some hermetic tests read the installed OTP's own .beam files and
# compare them with answers recorded from beam_lib), then runs cargo test.
set -euo pipefail
cd "$(dirname "$0")/.."
if ! command -v escript >/dev/null 2>&1; then
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq erlang-base erlang-src >/dev/null
fi
cargo test --workspace "$@"
