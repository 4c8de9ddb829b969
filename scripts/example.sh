#!/usr/bin/env bash
# The main job: the relup that upgrades the example shop release to 1.2.0 from
# 1.1.0 and 1.0.0 (examples/shop), as systools:make_relup would write it.
set -euo pipefail
cd "$(dirname "$0")/.."
cargo run --quiet --release -p erlrel -- relup \
  --to examples/shop/releases/1.2.0/shop.rel \
  --from examples/shop/releases/1.1.0/shop.rel \
  --from examples/shop/releases/1.0.0/shop.rel \
  --lib examples/shop/lib
# ... and whether 1.2.0 (with that relup in releases/1.2.0/) can be
# hot-upgraded from both: every appup entry, the relup, the layout.
cargo run --quiet --release -p erlrel -- upgrade check \
  --from 1.1.0 --from 1.0.0 --to examples/shop
