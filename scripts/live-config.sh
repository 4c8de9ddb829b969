#!/usr/bin/env bash
# relx-config against ../shared: the vm_args and sys_config conformance
# cases (recorded OTP answers) and every consultable config file of the
# corpus (must be accepted, or be listed in
# relx-config/tests/corpus-rejections.tsv with the reason).
# Run from the repo root after `cargo build --release`.
set -uo pipefail
root=$(pwd)
shared=${SHARED:-$root/../shared}
target=${CARGO_TARGET_DIR:-$root/target}
cargo build --release -q -p erlrel && cargo build --release -q -p relx-config --example config_oracle || exit 1
oracle=$target/release/examples/config_oracle
erlrel=$target/release/erlrel
pass=0; fail=0
ok() { pass=$((pass+1)); }
ko() { fail=$((fail+1)); echo "FAIL $*"; }

# 1. vm_args: erl -args_file answers.
conf=$shared/conformance
for f in "$conf"/vm_args/cases/*.args; do
    n=$(basename "$f" .args)
    got=$(cd "$conf/vm_args/cases" && "$oracle" vm-args "$n.args")
    [ "$got" == "$(cat "$conf/vm_args/expected/$n.out")" ] && ok || ko "vm_args $n"
done

# 2. sys_config: the VM's answers (a VM crash is compared as `error <crash>`).
for d in "$conf"/sys_config/cases/*/; do
    n=$(basename "$d")
    exp=$(sed 's/^error {.*/error <crash>/' "$conf/sys_config/expected/$n.out")
    got=$("$oracle" sys-config "$d")
    [ "$got" == "$exp" ] && ok || ko "sys_config $n: $got"
done

# 3. corpus: kinds owned by relx-config, files OTP consults (vm.args: all).
rejections=$root/relx-config/tests/corpus-rejections.tsv
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
while IFS=$'\t' read -r file _ _ orig _ _ result; do
    case "$file" in
        app/*) k=app;; app_src/*.app.src) k=app-src;; rebar_config/*) k=rebar-config;;
        sys_config/*) k=sys-config;; config_src/*sys.config.src) k=sys-config-src;; config_src/*) k=terms;;
        vm_args/*.src) k=vm-args-src;; vm_args/*) k=vm-args;; *) continue;;
    esac
    case "$result" in ok:*|n/a) ;; *) continue;; esac
    # .app names are checked against the file name: use the original one.
    mkdir -p "$tmp/f"; copy="$tmp/f/$(basename "$orig")"
    cp "$shared/corpus/$file" "$copy"
    listed=$(grep -c "^$file"$'\t' "$rejections")
    if "$erlrel" check --kind "$k" "$copy" >/dev/null 2>"$tmp/err"; then
        [ "$listed" = 0 ] && ok || ko "corpus $file: accepted but listed as rejected"
    else
        [ "$listed" != 0 ] && ok || ko "corpus $file: $(head -1 "$tmp/err")"
    fi
    rm -f "$copy"
done < <(tail -n +2 "$shared/corpus/MANIFEST.tsv")

echo "$pass passed, $fail failed"
[ "$fail" = 0 ]
