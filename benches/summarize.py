#!/usr/bin/env python3
"""Summarizes `cargo bench -p erlrel-benches --bench parse` output: the
middle estimate of each benchmark in MB/s and the ratios against serde_json
measured in the same run.  Usage: cargo bench ... | python3 benches/summarize.py"""
import re
import sys

name = None
results = {}
for line in sys.stdin:
    m = re.match(r"^(\S+/\S+)(?:\s+time:.*)?$", line.strip())
    if m and not line.startswith(" ") and "/" in m.group(1) and not line.startswith("Benchmarking"):
        name = m.group(1)
    t = re.search(r"thrpt:\s+\[\S+ \S+ (\S+) (\S+)", line)
    if t and name and "%" not in line:
        value, unit = float(t.group(1)), t.group(2)
        mb = value * (1.048576 if unit == "MiB/s" else 1.048576 / 1024 if unit == "KiB/s" else 1.048576 * 1024)
        results[name] = mb

groups = {}
for key, mb in results.items():
    parts = key.split("/")
    groups.setdefault(parts[0], {})[parts[1]] = mb

print("| input | erlterm Term | erlterm validate | serde_json Value | serde_json IgnoredAny | Term / Value | validate / IgnoredAny |")
print("|---|---|---|---|---|---|---|")
for g, r in groups.items():
    term, val = r.get("erlterm_term"), r.get("erlterm_validate")
    value, ign = r.get("serde_json_value"), r.get("serde_json_ignored")
    fmt = lambda x: f"{x:.0f} MB/s" if x else "-"
    ratio = lambda a, b: f"{a / b:.2f}x" if a and b else "-"
    print(f"| {g} | {fmt(term)} | {fmt(val)} | {fmt(value)} | {fmt(ign)} | {ratio(term, value)} | {ratio(val, ign)} |")
