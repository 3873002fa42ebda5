#!/usr/bin/env python3
"""Timings of the Python package against the CLI (medians of interleaved runs).

    python benches/python_bench.py --data bench-data --flcli target/release/flcli [--runs 5] [--spark]

1. flcli.stats on the 20M-row binary table in memory (pyarrow, read before timing)
   vs `flcli stats bench-data/binary_20m.parquet --json` on the same rows.
2. flcli.merge of 1000 partial results of a 10-class compare grid, and `flcli merge`
   of the same 1000 files.
3. The size of a partial result: binary, 10-class softmax, 80-class sigmoid.
4. With --spark: flcli.spark.stats on the 20M-row file in Spark local[2] vs the CLI.

Needs the package installed (pip install ./python) and benches/gen_data.py's binary_20m.parquet.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq

import flcli


def timed(fn):
    t = time.perf_counter()
    fn()
    return time.perf_counter() - t


def interleaved(named, runs):
    times = {k: [] for k in named}
    for _ in range(runs):
        for k, fn in named.items():
            times[k].append(timed(fn))
    return {k: statistics.median(v) for k, v in times.items()}


def close(a, b, rel=1e-13):
    """Equal, floats within `rel` (partitions split the rows elsewhere than at unit boundaries)."""
    if isinstance(a, dict):
        return isinstance(b, dict) and a.keys() == b.keys() and all(close(a[k], b[k], rel) for k in a)
    if isinstance(a, list):
        return isinstance(b, list) and len(a) == len(b) and all(close(x, y, rel) for x, y in zip(a, b))
    if isinstance(a, float) and isinstance(b, float):
        return abs(a - b) <= max(rel * max(abs(a), abs(b)), 1e-15)
    return a == b


def softmax_table(rows, k, seed):
    rng = np.random.default_rng(seed)
    logits = rng.normal(size=(rows, k))
    labels = rng.integers(0, k, rows)
    logits[np.arange(rows), labels] += 2.0
    p = np.exp(logits - logits.max(1, keepdims=True))
    p /= p.sum(1, keepdims=True)
    return pa.table({"label": labels, **{f"prob_{i}": p[:, i] for i in range(k)}})


def sigmoid_table(rows, k, seed):
    rng = np.random.default_rng(seed)
    labels = rng.integers(-1, k, rows)
    return pa.table({"label": labels, **{f"logit_{i}": rng.normal(-4, 2, rows) for i in range(k)}})


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--data", default="bench-data")
    ap.add_argument("--flcli", default="target/release/flcli")
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--spark", action="store_true")
    ap.add_argument("--parts", default="1,2,3", help="which of 1-3 to run (--spark needs 1)")
    a = ap.parse_args()
    parts = set(a.parts.split(","))
    if a.spark:
        parts.add("1")
    if "1" in parts:
        table, want = stats_in_memory(a)
    if "2" in parts:
        merge_many(a)
    if "3" in parts:
        sizes_of_partials()
    if a.spark:
        spark_local(a, table, want)


def stats_in_memory(a):
    """1. flcli.stats in memory against the library and the CLI on the Parquet file."""
    path = os.path.join(a.data, "binary_20m.parquet")
    cli = [a.flcli, "stats", path, "--json", "-q"]

    # 1. In memory vs the CLI on Parquet (and the library on the same Parquet file, in process).
    table = pq.read_table(path)
    got = flcli.stats(table)
    have_cli = os.path.exists(a.flcli)
    want = flcli.stats(path)
    if have_cli:
        want = __import__("json").loads(subprocess.run(cli, capture_output=True, check=True).stdout)
    same = close({k: v for k, v in got.items() if k != "input"}, {k: v for k, v in want.items() if k != "input"})
    named = {"memory": lambda: flcli.stats(table), "parquet": lambda: flcli.stats(path)}
    if have_cli:
        named["cli"] = lambda: subprocess.run(cli, capture_output=True, check=True)
    m = interleaved(named, a.runs)
    line = (f"1. stats, {table.num_rows:,} rows: flcli.stats in memory {m['memory']:.3f} s, "
            f"flcli.stats on the Parquet file {m['parquet']:.3f} s (ratio {m['memory'] / m['parquet']:.2f})")
    if have_cli:
        line += f", CLI on Parquet {m['cli']:.3f} s (ratio {m['memory'] / m['cli']:.2f})"
    print(line + f"; reports equal (input aside, 1e-13): {same}")
    return table, want


def merge_many(a):
    """2. Merging 1000 partials of a 10-class compare grid: the bytes (decoded one at a
    time), the same parts already decoded (flcli.Partial objects), and the CLI on files."""
    t = softmax_table(200_000, 10, 1)
    grid = dict(gamma=[0, 0.5, 1, 2, 5])
    parts = [flcli.partial(t.slice(i * 200, 200), **grid) for i in range(1000)]
    with tempfile.TemporaryDirectory() as d:
        files = []
        for i, p in enumerate(parts):
            f = os.path.join(d, f"p{i:04}.flp")
            with open(f, "wb") as fh:
                fh.write(p)
            files.append(f)
        out = os.path.join(d, "all.flp")
        cmd = [a.flcli, "merge", *files, "-o", out, "-q"]
        decoded = [flcli.Partial.from_bytes(p, f"p{i}") for i, p in enumerate(parts)]
        named = {
            "python": lambda: flcli.merge(parts),
            "decoded": lambda: flcli.merge(decoded),
            "decode_all": lambda: flcli.merge([flcli.Partial.from_bytes(p, "p") for p in parts]),
        }
        if os.path.exists(a.flcli):
            named["cli"] = lambda: subprocess.run(cmd, check=True)
        m = interleaved(named, a.runs)
        line = (f"2. merge 1000 partials (10 classes, 5 γ + recommend's): flcli.merge {m['python']:.3f} s, "
                f"of decoded Partial objects {m['decoded']:.3f} s, decoding all first {m['decode_all']:.3f} s")
        if "cli" in m:
            with open(out, "rb") as fh:
                same = fh.read() == flcli.merge(parts)
            line += f", flcli merge (files) {m['cli']:.3f} s; same bytes: {same}"
    print(line)


def sizes_of_partials():
    """3. The size of a partial result with the default γ list."""
    binary = pq.read_table(os.path.join(os.path.dirname(__file__), "..", "fixtures", "detection.parquet"))
    sizes = {
        "binary": len(flcli.partial(binary)),
        "10-class softmax": len(flcli.partial(softmax_table(10_000, 10, 2))),
        "80-class sigmoid": len(flcli.partial(sigmoid_table(10_000, 80, 3), mode="sigmoid")),
    }
    print("3. partial size (default γ list):", ", ".join(f"{k} {v:,} B" for k, v in sizes.items()))


def spark_local(a, table, want):
    """4. flcli.spark.stats in Spark local[2] against the library and the CLI."""
    path = os.path.join(a.data, "binary_20m.parquet")
    cli = [a.flcli, "stats", path, "--json", "-q"]
    have_cli = os.path.exists(a.flcli)
    os.environ.setdefault("PYSPARK_PYTHON", sys.executable)
    from pyspark.sql import SparkSession

    from flcli import spark as flcli_spark

    spark = (SparkSession.builder.master("local[2]").config("spark.driver.memory", "4g")
             .config("spark.ui.enabled", "false").getOrCreate())
    df = spark.read.parquet(os.path.abspath(path))
    got = flcli_spark.stats(df)
    same = close({k: v for k, v in got.items() if k != "input"}, {k: v for k, v in want.items() if k != "input"})
    runs = max(1, a.runs // 2)
    named = {"spark": lambda: flcli_spark.stats(df), "parquet": lambda: flcli.stats(path)}
    if have_cli:
        named["cli"] = lambda: subprocess.run(cli, capture_output=True, check=True)
    m = interleaved(named, runs)
    line = (f"4. Spark local[2] stats on {table.num_rows:,} rows: {m['spark']:.2f} s, "
            f"flcli.stats on the file {m['parquet']:.2f} s (ratio {m['spark'] / m['parquet']:.1f})")
    if have_cli:
        line += f", CLI {m['cli']:.2f} s (ratio {m['spark'] / m['cli']:.1f})"
    print(line + f"; reports equal (input aside, 1e-13): {same} (median of {runs})")
    spark.stop()


if __name__ == "__main__":
    main()
