#!/usr/bin/env bash
# Re-record relx-config's golden outputs from the real tools (needs erl and
# ../shared/oracle). Not run by CI: the recorded files are committed.
#   vm_args:    relx-config/tests/vm_args/cases/*.args   -> oracle/vm_args.sh (cwd = cases)
#   sys_config: relx-config/tests/sys_config/cases/NAME/ -> oracle/sys_config.sh
#   substitute: relx-config/tests/substitute/cases/NAME.src + NAME.env -> relx's awk
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
oracle=${SHARED:-$root/../shared}/oracle
t=$root/relx-config/tests
(cd "$t/vm_args/cases" && for f in *.args; do "$oracle/vm_args.sh" "$f" > "../expected/${f%.args}.out" 2>&1; done)
(cd "$t/sys_config/cases" && for d in */; do n=${d%/}; "$oracle/sys_config.sh" "$n" > "../expected/$n.out" 2>&1; done)
(cd "$t/substitute/cases" && for f in *.src; do
    n=${f%.src}; envs=()
    while IFS= read -r l; do envs+=("$l"); done < "$n.env"
    env -i "${envs[@]}" awk -f "$root/scripts/config/replace_os_vars.awk" "$f" > "../expected/$n.out"
done)
echo "recorded"
