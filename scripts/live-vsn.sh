#!/usr/bin/env bash
# `erlrel vsn set --git` against rebar3 itself: erlrel/tests/vsn_git.rs
# records what rebar3 3.19 (OTP 25) and relx compute for `{vsn, git}` and
# `{release, {r, git}, _}` in each state of a scratch repository (the
# hermetic tests compare with that record); `live_rebar3_agrees` runs
# `rebar3 release` in each state again and compares with erlrel's answer.
# Needs rebar3 and git (installed by .ci/run). Run from the repo root.
set -euo pipefail
if ! command -v rebar3 >/dev/null 2>&1; then
  echo "live-vsn: no rebar3" >&2
  exit 1
fi
cargo test -q -p erlrel --test vsn_git -- --ignored
