#!/usr/bin/env python3
"""Peak memory of flcli on a 320 MB float32 segmentation map, as .npy and .npz.

Writes a (20, 16, 500, 500) float32 logit map (320 MB) and its (20, 500, 500)
uint8 mask, slice by slice, as: a .npy pair (--labels-npy), an np.savez
archive, the same with the class axis last (--channels-last) and an
np.savez_compressed archive. Then runs `flcli stats --json` on each in a fresh
child process and reads the child's peak RSS from wait4() (ru_maxrss), with
the wall time. Every file must give the same totals, and every peak must stay
under the bound (200 MiB): the arrays are streamed, never loaded whole.

    cargo build --release
    python3 benches/npy_rss.py --flcli target/release/flcli --data bench-data/npy

Needs numpy. The files are kept in --data (git-ignored bench-data/) and
reused when present.
"""

import argparse
import json
import os
import subprocess
import sys
import time
import zipfile

import numpy as np

N, K, H, W = 20, 16, 500, 500
BOUND_MIB = 200


def write_npy(path, shape, dtype, chunks):
    """Writes an .npy of `shape` from an iterator of C-order chunks."""
    with open(path, "wb") as f:
        np.lib.format.write_array_header_1_0(
            f, {"descr": np.dtype(dtype).str, "fortran_order": False, "shape": shape}
        )
        for c in chunks:
            f.write(np.ascontiguousarray(c, dtype=dtype).tobytes())


def image(i):
    """Image i: its mask (H, W) and logits (K, H, W), seeded by i."""
    rng = np.random.default_rng(1000 + i)
    y = rng.integers(0, K, size=(H, W), dtype=np.uint8)
    y[rng.random((H, W)) < 0.02] = 255
    z = rng.normal(size=(K, H, W)).astype(np.float32)
    z[y.astype(np.int64) % K, np.arange(H)[:, None], np.arange(W)[None, :]] += 2.0
    return y, z


def make(data):
    os.makedirs(data, exist_ok=True)
    paths = {
        "pair": os.path.join(data, "logits.npy"),
        "labels": os.path.join(data, "labels.npy"),
        "npz": os.path.join(data, "map.npz"),
        "npz_last": os.path.join(data, "map_last.npz"),
        "npz_compressed": os.path.join(data, "map_z.npz"),
    }
    if all(os.path.exists(p) for p in paths.values()):
        return paths
    write_npy(paths["labels"], (N, H, W), np.uint8, (image(i)[0] for i in range(N)))
    write_npy(paths["pair"], (N, K, H, W), np.float32, (image(i)[1] for i in range(N)))
    last = os.path.join(data, "logits_last.npy")
    write_npy(last, (N, H, W, K), np.float32, (np.moveaxis(image(i)[1], 0, -1) for i in range(N)))
    for name, logits, method in [
        ("npz", paths["pair"], zipfile.ZIP_STORED),
        ("npz_last", last, zipfile.ZIP_STORED),
        ("npz_compressed", paths["pair"], zipfile.ZIP_DEFLATED),
    ]:
        # As np.savez does: members labels.npy and logits.npy, ZIP64 allowed.
        with zipfile.ZipFile(paths[name], "w", method, allowZip64=True) as z:
            z.write(paths["labels"], "labels.npy")
            z.write(logits, "logits.npy")
    os.remove(last)
    return paths


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--flcli", default="target/release/flcli")
    ap.add_argument("--data", default="bench-data/npy")
    ap.add_argument("--runs", type=int, default=3)
    a = ap.parse_args()
    paths = make(a.data)
    size = os.path.getsize(paths["pair"]) / 1e6
    print(f"logits: {N}x{K}x{H}x{W} float32, {size:.0f} MB; masks {N}x{H}x{W} uint8")
    cases = [
        ("npy pair", [paths["pair"], "--labels-npy", paths["labels"]]),
        ("npz (np.savez)", [paths["npz"]]),
        ("npz --channels-last", [paths["npz_last"], "--channels-last"]),
        ("npz (np.savez_compressed)", [paths["npz_compressed"]]),
    ]
    want = None
    worst = 0.0
    totals = None
    print(f"{'input':<28} {'median s':>9} {'peak RSS MiB':>13}")
    for name, args in cases:
        walls, peaks = [], []
        for _ in range(a.runs):
            cmd = [a.flcli, "stats", "--json", "-q", "--ignore-index", "255", *args]
            t = time.perf_counter()
            p = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
            out = p.stdout.read()
            err = p.stderr.read()
            _, status, ru = os.wait4(p.pid, 0)
            walls.append(time.perf_counter() - t)
            if status != 0:
                sys.exit(f"{' '.join(cmd)} failed:\n{err.decode()}")
            peaks.append(ru.ru_maxrss / 1024)  # KiB on Linux
            totals = json.loads(out)["totals"]
        if want is None:
            want = totals
        for k in ("elements", "ce_sum", "focal_sum"):
            if abs(totals[k] - want[k]) > 1e-9 * abs(want[k]):
                sys.exit(f"{name}: totals.{k} {totals[k]} differs from {want[k]}")
        peak = max(peaks)
        worst = max(worst, peak)
        print(f"{name:<28} {sorted(walls)[len(walls) // 2]:>9.3f} {peak:>13.1f}")
    print(f"elements {want['elements']}, every input gives the same totals")
    if worst >= BOUND_MIB:
        sys.exit(f"peak RSS {worst:.1f} MiB is over the {BOUND_MIB} MiB bound")
    print(f"largest peak RSS {worst:.1f} MiB < {BOUND_MIB} MiB")


if __name__ == "__main__":
    main()
