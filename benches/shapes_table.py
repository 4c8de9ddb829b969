#!/usr/bin/env python3
"""Turns the raw results of `benches/run-shapes.sh` (results.tsv) into the
tables of benches/README.md, worst first, each against the targets of issue
#21:

- per shape, size and operation: MB/s of erlterm and serde_json and the
  median of the per-round ratios (serde_json's time for the JSON document /
  erlterm's time for the Erlang one), sorted by ratio over its target;
- per operation and size: erlterm's slowest shape per byte against its
  fastest (target: at most 1.3x), with serde_json's spread beside it;
- peak memory per shape: Term / Value (target <= 1) and typed / serde_json
  typed (target <= 2).

Usage: python3 benches/shapes_table.py target/bench-inputs/shapes/results.tsv"""
import sys

TARGETS = {  # comparison label -> minimum ratio (per document)
    "Term / Value": 1.5,
    "validate / IgnoredAny": 1.0,
    "span tree / Value": 1.0,
    "typed / serde_json typed": 1.0,
}
OPS = {"term": "Term", "validate": "validate", "nodes": "span tree", "typed": "typed"}
SPREAD_TARGET = 1.3

meta, times, mem = {}, [], []
for line in open(sys.argv[1] if len(sys.argv) > 1 else "target/bench-inputs/shapes/results.tsv"):
    f = line.rstrip("\n").split("\t")
    if f[0] == "meta":
        meta[f[1]] = f[2]
    elif f[0] == "time":
        shape, size, label, ours, ours_mbs, theirs, theirs_mbs, doc, q1, q3, byte, best, ours_b, theirs_b = f[1:15]
        times.append(dict(shape=shape, size=size, label=label, ours=ours, ours_mbs=float(ours_mbs),
                          theirs=theirs, theirs_mbs=float(theirs_mbs), doc=float(doc), q1=float(q1),
                          q3=float(q3), byte=float(byte), best=float(best)))
    elif f[0] == "mem":
        shape, size, mode, nbytes, kib = f[1:6]
        mem.append(dict(shape=shape, size=size, mode=mode, kib=int(kib.split()[0])))

rounds = "; ".join(f"{k[len('rounds_'):]}: {v}" for k, v in meta.items() if k.startswith("rounds_"))
print(f"Run {meta.get('date', '?')}, commit {meta.get('commit', '?')}, {meta.get('cpus', '?')} CPUs, "
      f"load average {meta.get('load', '?')} before and {meta.get('load_after', '?')} after; "
      f"{rounds}; {meta.get('seconds', '?')} s.")
print()
print("Paired time, worst first (ratio = serde_json's time / erlterm's, per document; "
      "median of the rounds, quartiles in brackets):")
print()
print("| shape | size | comparison | erlterm | serde_json | ratio per document | per byte | fastest of a round | target | met |")
print("|---|---|---|---|---|---|---|---|---|---|")
for t in sorted(times, key=lambda t: t["doc"] / TARGETS.get(t["label"], 1.0)):
    target = TARGETS.get(t["label"], 1.0)
    print(f"| {t['shape']} | {t['size']} | {t['label']} | {t['ours_mbs']:.0f} MB/s | {t['theirs_mbs']:.0f} MB/s "
          f"| {t['doc']:.2f}x ({t['q1']:.2f}-{t['q3']:.2f}) | {t['byte']:.2f}x | {t['best']:.2f}x "
          f"| >= {target:.1f}x | {'yes' if t['doc'] >= target else '**no**'} |")

print()
print(f"Slowest shape per byte against the fastest, per operation (target: at most {SPREAD_TARGET}x "
      "for erlterm; serde_json's spread on the JSON twins for comparison):")
print()
print("| operation | size | erlterm fastest | erlterm slowest | spread | met | serde_json fastest | serde_json slowest | spread |")
print("|---|---|---|---|---|---|---|---|---|")
rows = []
for op, name in OPS.items():
    for size in sorted({t["size"] for t in times}, key=lambda s: int(s.rstrip("MB"))):
        ours = {t["shape"]: t["ours_mbs"] for t in times if t["ours"] == op and t["size"] == size}
        pair = next((t for t in times if t["ours"] == op), None)
        theirs = {t["shape"]: t["theirs_mbs"] for t in times
                  if pair and t["theirs"] == pair["theirs"] and t["ours"] == op and t["size"] == size}
        if not ours:
            continue
        fo, so = max(ours, key=ours.get), min(ours, key=ours.get)
        ft, st = max(theirs, key=theirs.get), min(theirs, key=theirs.get)
        spread = ours[fo] / ours[so]
        rows.append((spread, f"| {name} | {size} | {fo} {ours[fo]:.0f} MB/s | {so} {ours[so]:.0f} MB/s "
                             f"| {spread:.2f}x | {'yes' if spread <= SPREAD_TARGET else '**no**'} "
                             f"| {ft} {theirs[ft]:.0f} MB/s | {st} {theirs[st]:.0f} MB/s "
                             f"| {theirs[ft] / theirs[st]:.2f}x |"))
for _, row in sorted(rows, reverse=True):
    print(row)

if mem:
    print()
    print(f"Peak memory of one parse ({mem[0]['size']} inputs; growth of VmHWM, each operation "
          "in its own process), worst first:")
    print()
    print("| shape | Term | Value | Term / Value (target <= 1.0) | span tree | typed | serde_json typed "
          "| typed / typed (target <= 2.0) | validate | IgnoredAny |")
    print("|---|---|---|---|---|---|---|---|---|---|")
    by = {}
    for m in mem:
        by.setdefault(m["shape"], {})[m["mode"]] = m["kib"]
    mb = lambda k: f"{k / 1024:.0f} MB" if k >= 1024 else f"{k} KB"
    def ratio(a, b):
        return a / b if b else float("inf")
    def key(item):
        m = item[1]
        return -max(ratio(m.get("term", 0), m.get("value", 0)) / 1.0,
                    ratio(m.get("typed", 0), m.get("typed_json", 0)) / 2.0)
    for shape, m in sorted(by.items(), key=key):
        tv = ratio(m.get("term", 0), m.get("value", 0))
        tt = ratio(m.get("typed", 0), m.get("typed_json", 0))
        print(f"| {shape} | {mb(m.get('term', 0))} | {mb(m.get('value', 0))} "
              f"| {tv:.2f}{'' if tv <= 1.0 else ' **no**'} | {mb(m.get('nodes', 0))} "
              f"| {mb(m.get('typed', 0))} | {mb(m.get('typed_json', 0))} "
              f"| {tt:.2f}{'' if tt <= 2.0 else ' **no**'} | {mb(m.get('validate', 0))} "
              f"| {mb(m.get('ignored', 0))} |")
