#!/usr/bin/env bash
# Writes the rebar3 umbrella project `shop` at one version into DIR and
# builds its release and tarball with rebar3 (Debian's; no dependencies,
# no network):
#
#   scripts/upgrade/make-shop.sh DIR VERSION   # VERSION: 1.0.0 or 1.1.0
#
# The sources are the templates of scripts/upgrade/shop/: common/ for
# every version, VERSION/ for the files that differ (VERSION/VERSIONS
# gives the release and application versions substituted for @REL_VSN@,
# @CORE_VSN@ and @WEB_VSN@). Afterwards DIR/_build/prod/rel/shop is the
# release and DIR/_build/prod/rel/shop/shop-VERSION.tar.gz its tarball.
# SHOP_BUILD=0 only writes the project. SHOP_VERSIONS=V takes the
# versions of variant V instead (the 1.1.0 code still at 1.0.0, for
# `erlrel vsn bump` to raise).
set -euo pipefail
if [ $# -ne 2 ]; then
  echo "usage: $0 DIR VERSION" >&2
  exit 2
fi
dir=$1
variant=$2
here=$(cd "$(dirname "$0")" && pwd)
tpl=$here/shop
if [ ! -f "$tpl/$variant/VERSIONS" ]; then
  echo "$0: no variant $variant (have: $(cd "$tpl" && ls -d [0-9]* | tr '\n' ' '))" >&2
  exit 2
fi
# shellcheck disable=SC1090
. "$tpl/${SHOP_VERSIONS:-$variant}/VERSIONS"

mkdir -p "$dir"
# Remove sources of another variant written earlier into the same DIR
# (a module that exists in one version only must not linger).
rm -rf "$dir/apps" "$dir/config" "$dir/rebar.config"
copy() { # copy the template tree $1 into $dir, substituting the versions
  (cd "$1" && find . -type f ! -name VERSIONS) | while read -r f; do
    mkdir -p "$dir/$(dirname "$f")"
    sed -e "s/@REL_VSN@/$REL_VSN/g" -e "s/@CORE_VSN@/$CORE_VSN/g" \
        -e "s/@WEB_VSN@/$WEB_VSN/g" "$1/$f" > "$dir/$f"
  done
}
copy "$tpl/common"
copy "$tpl/$variant"

[ "${SHOP_BUILD:-1}" = 0 ] && exit 0
cd "$dir"
# (rebar3 as prod tar assembles the release first)
rebar3 as prod tar
test -f "_build/prod/rel/shop/shop-$REL_VSN.tar.gz"
