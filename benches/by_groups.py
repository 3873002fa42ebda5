#!/usr/bin/env python3
"""`compare --by COL` with 1000 groups against the same run without `--by`.

    python3 benches/by_groups.py --data bench-data [--runs 7] \\
        --flcli target/release/flcli [--flcli before=/tmp/flcli-before ...]

Times `compare --prob prob --gamma 0,0.5,1,2,5 --alpha 0.25 --json` on the two
20M-row files of `gen_data.py` that carry a `group` column of 1000 values
(binary_20m_by1000.parquet: int64 keys; binary_20m_by1000s.parquet: string
keys), each without `--by` and with `--by group`. Every (binary, file, flags)
command runs once per round, rounds interleave them, and the table gives the
median wall time, CPU time and peak RSS per command and the ratio of each `--by` median
to the median of the same binary on the same file without it. Each binary's
JSON outputs are compared to the first binary's, byte for byte (a changed
result is reported, as the speed of a wrong answer means nothing).
"""
import argparse
import hashlib
import os
import statistics
import subprocess
import sys
import tempfile
import time

FILES = {"ints": "binary_20m_by1000.parquet", "strings": "binary_20m_by1000s.parquet"}
GRID = ["--prob", "prob", "--gamma", "0,0.5,1,2,5", "--alpha", "0.25", "--json"]


def run(cmd):
    """Wall seconds, CPU seconds (user + system), peak RSS (MiB) and the
    SHA-256 of stdout of one run of `cmd` (the `--by` JSON of 1000 groups is
    ~130 MB: kept whole, it would swell this process and every child forked from it)."""
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        t0 = time.perf_counter()
        p = subprocess.Popen(cmd, stdout=out, stderr=err)
        _, status, ru = os.wait4(p.pid, 0)
        wall = time.perf_counter() - t0
        p.returncode = os.waitstatus_to_exitcode(status)
        out.seek(0)
        err.seek(0)
        if p.returncode != 0:
            sys.exit(f"{' '.join(cmd)} failed ({p.returncode}): {err.read().decode(errors='replace')}")
        digest = hashlib.sha256()
        for block in iter(lambda: out.read(1 << 20), b""):
            digest.update(block)
        return wall, ru.ru_utime + ru.ru_stime, ru.ru_maxrss / 1024, digest.hexdigest()


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--data", default="bench-data")
    ap.add_argument("--runs", type=int, default=7)
    ap.add_argument("--flcli", action="append", default=[],
                    help="LABEL=PATH or PATH (repeat to compare binaries)")
    a = ap.parse_args()
    bins = []
    for spec in a.flcli or ["target/release/flcli"]:
        label, _, path = spec.rpartition("=")
        bins.append((label or path, path))
    for f in FILES.values():
        if not os.path.exists(os.path.join(a.data, f)):
            sys.exit(f"{a.data}/{f} is missing: python3 benches/gen_data.py --out {a.data} --only {f[:-8]}")
    cmds = []
    for label, path in bins:
        for key, f in FILES.items():
            base = [path, "compare", os.path.join(a.data, f)] + GRID
            cmds.append((label, key, "", base))
            cmds.append((label, key, "--by", base + ["--by", "group"]))
    times = {c[:3]: [] for c in cmds}
    cpus = {c[:3]: [] for c in cmds}
    rss = {c[:3]: 0.0 for c in cmds}
    outs = {}
    for r in range(a.runs):
        for label, key, by, cmd in cmds:
            wall, cpu, mib, out = run(cmd)
            times[(label, key, by)].append(wall)
            cpus[(label, key, by)].append(cpu)
            rss[(label, key, by)] = max(rss[(label, key, by)], mib)
            outs[(label, key, by)] = out
        sys.stderr.write(f"\rround {r + 1}/{a.runs}")
    sys.stderr.write("\n")
    first = bins[0][0]
    print(f"median of {a.runs} interleaved runs, load average {os.getloadavg()[0]:.1f}")
    print("| binary | keys | without --by s | --by group s | ratio | CPU s without / with (ratio) | peak RSS without / with | JSON as first binary's |")
    print("|---|---|---:|---:|---:|---:|---:|---|")
    for label, _ in bins:
        for key in FILES:
            m0 = statistics.median(times[(label, key, "")])
            m1 = statistics.median(times[(label, key, "--by")])
            c0 = statistics.median(cpus[(label, key, "")])
            c1 = statistics.median(cpus[(label, key, "--by")])
            same = all(outs[(label, key, b)] == outs[(first, key, b)] for b in ("", "--by"))
            print(f"| {label} | {key} | {m0:.3f} | {m1:.3f} | {m1 / m0:.2f}x | {c0:.2f} / {c1:.2f} ({c1 / c0:.1f}x) | {rss[(label, key, '')]:.0f} / {rss[(label, key, '--by')]:.0f} MiB | {'same' if same else 'DIFFERENT'} |")


if __name__ == "__main__":
    main()
