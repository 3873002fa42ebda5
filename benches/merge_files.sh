#!/usr/bin/env bash
# `flcli merge` of 1000 partial files of a 10-class compare grid: wall time (median of RUNS)
# and peak RSS, as a user runs it at the end of a tree reduction.
# Usage: bash benches/merge_files.sh [FLCLI] [RUNS]   (default target/release/flcli, 5 runs)
# Needs GNU time (/usr/bin/time). Each partial is `flcli partial` of fixtures/longtail.parquet
# (the default γ list: 7 terms, tails and calibration kept), copied 1000 times.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
flcli="$(realpath "${1:-target/release/flcli}")"
runs="${2:-5}"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
"$flcli" partial fixtures/longtail.parquet -q -o "$work/p0.flp"
for i in $(seq 1 999); do cp "$work/p0.flp" "$work/p$i.flp"; done
echo "partial size: $(stat -c %s "$work/p0.flp") bytes; 1000 files" >&2
for _ in $(seq "$runs"); do
    /usr/bin/time -f "%e %M" -o "$work/t" "$flcli" merge "$work"/p*.flp -o "$work/merged.flp" -q
    cat "$work/t"
done | sort -n | awk '{ t[NR] = $1; if ($2 > rss) rss = $2 }
    END { printf "flcli merge, 1000 partials: median %.2f s (min %.2f, max %.2f), peak RSS %.1f MiB\n",
          t[int((NR + 1) / 2)], t[1], t[NR], rss / 1024 }'
