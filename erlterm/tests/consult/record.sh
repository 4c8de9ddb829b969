#!/usr/bin/env bash
# Re-records expected/*.out by running OTP's file:consult/1 (the oracle) on
# every cases/*.txt. Run from anywhere; needs escript and ../shared (the
# oracle) next to the repository.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
oracle=${ORACLE:-$here/../../../../shared/oracle/consult.escript}
mkdir -p "$here/expected"
for f in "$here"/cases/*.txt; do
  n=$(basename "$f" .txt)
  escript "$oracle" "$f" > "$here/expected/$n.out"
done
escript -version 2>&1 | head -1 > /dev/null
erl -noshell -eval 'io:format("~s~n", [erlang:system_info(otp_release)]), halt().' > "$here/expected/OTP_RELEASE"
echo "recorded $(ls "$here"/cases/*.txt | wc -l) cases"
