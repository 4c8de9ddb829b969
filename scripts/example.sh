#!/usr/bin/env bash
# The main job on the example releases shipped in examples/.
set -euo pipefail
cd "$(dirname "$0")/.."
cargo run --quiet --release -p erlrel -- consult examples/terms/sys.config
