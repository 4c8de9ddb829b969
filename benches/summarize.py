#!/usr/bin/env python3
"""Summarizes `cargo bench -p erlrel-benches --bench parse` output: the
middle time estimate of each benchmark, as MB/s of its own input (each
benchmark id ends with its input's size in bytes) and as ratios against
serde_json measured in the same run, both per byte (MB/s / MB/s) and per
document (serde_json's time for the equivalent JSON document / erlterm's
time for the Erlang one).  Usage: cargo bench ... | python3 benches/summarize.py"""
import re
import sys

UNITS = {"ps": 1e-12, "ns": 1e-9, "µs": 1e-6, "us": 1e-6, "ms": 1e-3, "s": 1.0}

name = None
results = {}  # group -> bench -> (seconds, bytes)
for line in sys.stdin:
    text = line.strip()
    m = re.match(r"^([A-Za-z0-9_]+)/([A-Za-z0-9_]+)/(\d+)\b", text)
    if m and not line.startswith(" "):
        name = (m.group(1), m.group(2), int(m.group(3)))
    t = re.search(r"time:\s+\[\S+ \S+ (\S+) (\S+) ", text)
    if t and name and "%" not in text:
        seconds = float(t.group(1)) * UNITS[t.group(2)]
        group, bench, size = name
        results.setdefault(group, {})[bench] = (seconds, size)
        name = None

def mb_s(r):
    return r[1] / 1e6 / r[0] if r else None

fmt = lambda x: f"{x:.0f} MB/s" if x else "-"
ratio = lambda a, b: f"{a / b:.2f}x" if a and b else "-"

print("| input | erlterm Term | erlterm validate | serde_json Value | serde_json IgnoredAny "
      "| Term / Value (MB/s) | validate / IgnoredAny (MB/s) "
      "| Term / Value (per document) | validate / IgnoredAny (per document) |")
print("|---|---|---|---|---|---|---|---|---|")
for g, r in results.items():
    term, val = r.get("erlterm_term"), r.get("erlterm_validate")
    value, ign = r.get("serde_json_value"), r.get("serde_json_ignored")
    per_doc = lambda ours, theirs: ratio(theirs[0], ours[0]) if ours and theirs else "-"
    print(f"| {g} | {fmt(mb_s(term))} | {fmt(mb_s(val))} | {fmt(mb_s(value))} | {fmt(mb_s(ign))} "
          f"| {ratio(mb_s(term), mb_s(value))} | {ratio(mb_s(val), mb_s(ign))} "
          f"| {per_doc(term, value)} | {per_doc(val, ign)} |")

# The shape groups (`shape_SHAPE_SIZE`) also time the span tree and the typed
# models.
shape_groups = {g: r for g, r in results.items() if "erlterm_nodes" in r or "erlterm_typed" in r}
if shape_groups:
    print()
    print("| input | erlterm span tree | erlterm typed | serde_json typed "
          "| span tree / Value (per document) | typed / typed (per document) |")
    print("|---|---|---|---|---|---|")
    for g, r in shape_groups.items():
        nodes, typed = r.get("erlterm_nodes"), r.get("erlterm_typed")
        value, jtyped = r.get("serde_json_value"), r.get("serde_json_typed")
        per_doc = lambda ours, theirs: ratio(theirs[0], ours[0]) if ours and theirs else "-"
        print(f"| {g} | {fmt(mb_s(nodes))} | {fmt(mb_s(typed))} | {fmt(mb_s(jtyped))} "
              f"| {per_doc(nodes, value)} | {per_doc(typed, jtyped)} |")
