#!/usr/bin/env python3
"""Element rate of flcli on multi-label targets and segmentation maps, against the binary path.

An element is one score: a binary row has one, a multi-label row K, a segmentation
pixel K. Three inputs hold the same number of float32 logits (20M by default) and
are written the way users write them:

- binary: Parquet from `pyarrow.parquet.write_table` defaults, `label` (int64) and
  `logit` (float32), one row per element;
- multilabel: Parquet, pyarrow defaults, `labels` a list of positive class ids and
  `logits` a fixed-size list of K = 8 float32 (one-vs-rest sigmoid, 8 elements a row);
- segmentation: `np.savez` of `logits` (N, K, H, W) float32 with K = 10 and
  `labels` (N, H, W) uint8 (softmax over the class axis, 10 elements a pixel).

Each runs `flcli compare --gamma 0,0.5,1,2,5 --json` in a fresh child, interleaved,
and the script prints the median wall time, the elements per second and the ratio
of the binary path's rate to each (the target is at most 1.5).

    cargo build --release
    python3 benches/element_rate.py --flcli target/release/flcli --data bench-data/rate --runs 5

Needs numpy and pyarrow. The files are kept in --data (git-ignored bench-data/) and
reused when present.
"""

import argparse
import json
import os
import statistics
import subprocess
import sys
import time

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq

GRID = "0,0.5,1,2,5"
K_ML = 8
K_SEG, H, W = 10, 316, 316


def binary(path, n, rng):
    y = (rng.random(n) < 0.02).astype(np.int64)
    z = (rng.normal(size=n) + 3.0 * y - 2.0).astype(np.float32)
    pq.write_table(pa.table({"label": y, "logit": z}), path)


def multilabel(path, n, rng):
    rows = n // K_ML
    hot = rng.random((rows, K_ML)) < np.linspace(0.01, 0.3, K_ML)
    z = (rng.normal(size=(rows, K_ML)) + 3.0 * hot - 2.0).astype(np.float32)
    ids = np.nonzero(hot)[1].astype(np.int64)
    offsets = np.concatenate([[0], np.cumsum(hot.sum(axis=1))]).astype(np.int32)
    labels = pa.ListArray.from_arrays(pa.array(offsets), pa.array(ids))
    logits = pa.FixedSizeListArray.from_arrays(pa.array(z.reshape(-1)), K_ML)
    pq.write_table(pa.table({"labels": labels, "logits": logits}), path)
    return rows * K_ML


def segmentation(path, n, rng):
    images = max(1, n // (K_SEG * H * W))
    y = rng.integers(0, K_SEG, size=(images, H, W), dtype=np.uint8)
    z = rng.normal(size=(images, K_SEG, H, W)).astype(np.float32)
    z += 2.0 * (np.arange(K_SEG)[None, :, None, None] == y[:, None, :, :])
    np.savez(path, logits=z, labels=y)
    return images * K_SEG * H * W


def make(data, n):
    os.makedirs(data, exist_ok=True)
    rng = np.random.default_rng(7)
    files = {}
    for name, ext, write in [
        ("binary", "parquet", binary),
        ("multilabel", "parquet", multilabel),
        ("segmentation", "npz", segmentation),
    ]:
        path = os.path.join(data, f"{name}-{n}.{ext}")
        meta = path + ".elements"
        if not (os.path.exists(path) and os.path.exists(meta)):
            got = write(path, n, rng)
            with open(meta, "w") as f:
                f.write(str(got if got is not None else n))
        with open(meta) as f:
            files[name] = (path, int(f.read()))
    return files


def run(flcli, path):
    t = time.perf_counter()
    out = subprocess.run(
        [flcli, "compare", path, "--gamma", GRID, "--json"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        check=False,
    )
    wall = time.perf_counter() - t
    if out.returncode != 0:
        sys.exit(f"{path}: flcli exited {out.returncode}: {out.stderr.decode()}")
    return wall, json.loads(out.stdout)


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--flcli", default="target/release/flcli")
    ap.add_argument("--data", default="bench-data/rate")
    ap.add_argument("--elements", type=int, default=20_000_000)
    ap.add_argument("--runs", type=int, default=5)
    a = ap.parse_args()
    files = make(a.data, a.elements)
    times = {name: [] for name in files}
    for name, (path, _) in files.items():
        _, rep = run(a.flcli, path)  # warm-up, and a check of what was read
        print(f"{name}: mode {rep['input']['mode']}, rows used {rep['input']['rows_used']}, {rep['input']['score_kind']}", file=sys.stderr)
    for _ in range(a.runs):
        for name, (path, _) in files.items():
            times[name].append(run(a.flcli, path)[0])
    base = files["binary"][1] / statistics.median(times["binary"])
    print("| input | elements | median s | M elements/s | binary rate ÷ rate |")
    print("|---|---|---|---|---|")
    for name, (_, elements) in files.items():
        med = statistics.median(times[name])
        rate = elements / med
        print(f"| {name} | {elements:,} | {med:.3f} | {rate / 1e6:.1f} | {base / rate:.2f} |")


if __name__ == "__main__":
    main()
