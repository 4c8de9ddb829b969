#!/usr/bin/env bash
# MSRV check without an old toolchain: fails when a workspace crate
# declares a `rust-version` older than what it needs to build:
#   - the `rust_version` of every locked dependency it builds with
#     (normal and build dependencies, transitively, all features, all
#     targets; a dependency on edition 2024 needs 1.85), from
#     `cargo metadata --locked`;
#   - the standard library items and language features its own sources
#     use that clippy's `incompatible_msrv` lint does not catch (enum
#     variants, syntax): the table FEATURES below.
# Standard library functions and methods newer than `rust-version` are
# caught by `cargo clippy` (`clippy::incompatible_msrv`, on by default),
# which reads the same `rust-version`.
#
# Dev-dependencies do not count against `rust-version` (it promises that
# the crate builds, for those who depend on it); the toolchain the tests
# need is printed as a note.
#
# Usage: bash scripts/msrv-check.sh [--verbose]
# Exit status: 0 every crate declares enough; 1 a crate declares too
# little (or none); 2 could not run (no cargo or python3, no Cargo.lock).
set -euo pipefail
cd "$(dirname "$0")/.."

command -v python3 >/dev/null || { echo "msrv-check: python3 is missing" >&2; exit 2; }
meta=$(mktemp)
trap 'rm -f "$meta"' EXIT
if ! cargo metadata --format-version 1 --locked --all-features >"$meta"; then
  echo "msrv-check: cargo metadata failed (is Cargo.lock up to date?)" >&2
  exit 2
fi

python3 - "$meta" "${1:-}" <<'PY'
import json, os, re, sys

# (regex over a crate's .rs files, Rust version, what it is). Only what
# clippy::incompatible_msrv does not see.
FEATURES = [
    (r"ErrorKind::(IsADirectory|NotADirectory|DirectoryNotEmpty|ReadOnlyFilesystem|StaleNetworkFileHandle|StorageFull|NotSeekable|FileTooLarge|ResourceBusy|ExecutableFileBusy|Deadlock|TooManyLinks|ArgumentListTooLong)\b",
     "1.83", "io::ErrorKind variants (io_error_a_bit_more)"),
    (r"ErrorKind::CrossesDevices\b", "1.85", "io::ErrorKind::CrossesDevices"),
    (r"ErrorKind::(InvalidFilename|QuotaExceeded)\b", "1.87", "io::ErrorKind::InvalidFilename/QuotaExceeded"),
    (r"\bTryLockError::WouldBlock\b.*|\bfile\.(try_)?lock(_shared)?\(\)", "1.89", "File::lock/try_lock"),
    (r"\.is_multiple_of\(", "1.87", "is_multiple_of"),
    (r"#\[expect\(", "1.81", "#[expect] lint attribute"),
    (r"\buse<", "1.82", "precise capturing use<..>"),
    (r"&raw (const|mut)\b", "1.82", "&raw pointers"),
    (r"#\[unsafe\(", "1.82", "unsafe attributes"),
    (r"\bconst \{", "1.79", "inline const blocks"),
    (r"#\[diagnostic::", "1.78", "#[diagnostic] attributes"),
    (r"\basync (move )?\|", "1.85", "async closures"),
    (r"\boffset_of!", "1.77", "offset_of!"),
]

def ver(s):
    parts = [int(x) for x in s.split(".")] if s else [0]
    return tuple((parts + [0, 0])[:3])

def show(v):
    return ".".join(str(x) for x in (v[:2] if v[2] == 0 else v))

meta = json.load(open(sys.argv[1]))
verbose = sys.argv[2] == "--verbose"
pkgs = {p["id"]: p for p in meta["packages"]}
nodes = {n["id"]: n for n in meta["resolve"]["nodes"]}
members = meta["workspace_members"]

def needs(p):
    """What a package says it needs: rust_version, or its edition's floor."""
    floor = {"2015": "1.0", "2018": "1.31", "2021": "1.56", "2024": "1.85"}[p["edition"]]
    return max(ver(p["rust_version"]), ver(floor))

def deps(node_id, kinds):
    return [d["pkg"] for d in nodes[node_id]["deps"]
            if any(k["kind"] in kinds for k in d["dep_kinds"])]

def closure(start):
    seen, stack = set(), list(start)
    while stack:
        d = stack.pop()
        if d in seen:
            continue
        seen.add(d)
        stack.extend(deps(d, (None, "build")))
    return seen

def code_needs(p):
    root = os.path.dirname(p["manifest_path"])
    found = []
    for base, dirs, files in os.walk(root):
        dirs[:] = [d for d in dirs if d not in ("target", "fuzz", ".git")]
        # Another crate's folder inside this one is that crate's business.
        if base != root and os.path.exists(os.path.join(base, "Cargo.toml")):
            dirs[:] = []
            continue
        for f in files:
            if not f.endswith(".rs"):
                continue
            path = os.path.join(base, f)
            text = open(path, encoding="utf-8", errors="replace").read()
            for rx, v, what in FEATURES:
                m = re.search(rx, text)
                if m:
                    line = text.count("\n", 0, m.start()) + 1
                    found.append((ver(v), what, f"{os.path.relpath(path)}:{line}"))
    return found

failed = 0
dev_max = ((0, 0, 0), None)
for mid in members:
    p = pkgs[mid]
    name = p["name"]
    declared = p["rust_version"]
    if not declared:
        print(f"FAIL {name}: declares no rust-version")
        failed += 1
        continue
    dv = ver(declared)
    build = closure(deps(mid, (None, "build"))) - {mid}
    unknown = sorted(pkgs[d]["name"] for d in build if not pkgs[d]["rust_version"])
    too_new = sorted(((needs(pkgs[d]), pkgs[d]["name"], pkgs[d]["version"]) for d in build
                      if needs(pkgs[d]) > dv), reverse=True)
    code = sorted((c for c in code_needs(p) if c[0] > dv), reverse=True)
    own = needs(dict(p, rust_version=None))
    need_dep = max((needs(pkgs[d]) for d in build), default=(0, 0, 0))
    need_code = max((c[0] for c in code_needs(p)), default=(0, 0, 0))
    need = max(need_dep, need_code, own)
    for d in closure(deps(mid, ("dev",))) - build - {mid}:
        if needs(pkgs[d]) > dev_max[0]:
            dev_max = (needs(pkgs[d]), f"{pkgs[d]['name']} {pkgs[d]['version']} (dev-dependency of {name})")
    if too_new or code or own > dv:
        failed += 1
        print(f"FAIL {name}: declares rust-version {declared} but needs {show(need)}")
        for v, dep, dv_ in too_new[:10]:
            print(f"  dependency {dep} {dv_} needs {show(v)}")
        for v, what, at in code[:10]:
            print(f"  {at}: {what} needs {show(v)}")
    else:
        extra = f" ({len(unknown)} dependencies declare none: {', '.join(unknown)})" if verbose and unknown else ""
        print(f"ok   {name}: rust-version {declared}; needs {show(need)}{extra}")

if dev_max[1]:
    print(f"note: the tests need Rust {show(dev_max[0])} ({dev_max[1]})")
if failed:
    print(f"msrv-check: {failed} crate(s) declare a rust-version older than they need")
    sys.exit(1)
print("msrv-check: every crate declares the Rust version it needs")
PY
