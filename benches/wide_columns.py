#!/usr/bin/env python3
"""Column detection and binding on very wide dumps: K score columns, 3 rows.

Writes `prob_0..prob_{K-1}` plus `label` as CSV and as Parquet (pyarrow
defaults), runs `flcli stats --json --mode sigmoid` on each in a fresh child,
interleaved, and prints the median wall time per file. The time should grow
about linearly with K (each column found by name once, through a map).

    cargo build --release
    python3 benches/wide_columns.py --flcli target/release/flcli --data bench-data/wide --runs 5

Needs numpy and pyarrow. The files are kept in --data and reused when present.
"""

import argparse
import os
import statistics
import subprocess
import time

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq


def make(data, k):
    os.makedirs(data, exist_ok=True)
    csv, parquet = (os.path.join(data, f"wide-{k}.{e}") for e in ("csv", "parquet"))
    if not os.path.exists(csv):
        header = ["label"] + [f"prob_{i}" for i in range(k)]
        rows = [",".join([str(r)] + ["0.25"] * k) for r in range(3)]
        with open(csv, "w") as f:
            f.write(",".join(header) + "\n" + "\n".join(rows) + "\n")
    if not os.path.exists(parquet):
        cols = {"label": pa.array([0, 1, 2])}
        for i in range(k):
            cols[f"prob_{i}"] = pa.array(np.full(3, 0.25))
        pq.write_table(pa.table(cols), parquet)
    return {"csv": csv, "parquet": parquet}


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--flcli", default="target/release/flcli")
    ap.add_argument("--data", default="bench-data/wide")
    ap.add_argument("--columns", default="12000,48000")
    ap.add_argument("--runs", type=int, default=5)
    a = ap.parse_args()
    files = {(k, kind): p for k in map(int, a.columns.split(",")) for kind, p in make(a.data, k).items()}
    times = {key: [] for key in files}
    for _ in range(a.runs):
        for key, path in files.items():
            t = time.perf_counter()
            subprocess.run([a.flcli, "stats", path, "--json", "--mode", "sigmoid"], stdout=subprocess.DEVNULL, check=True)
            times[key].append(time.perf_counter() - t)
    print("| score columns | file | median s |")
    print("|---|---|---|")
    for (k, kind), v in times.items():
        print(f"| {k:,} | {kind} | {statistics.median(v):.3f} |")


if __name__ == "__main__":
    main()
