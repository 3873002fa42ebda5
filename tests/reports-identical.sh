#!/usr/bin/env bash
# Shows that two revisions print the same reports.
#
#   tests/reports-identical.sh REV_A REV_B
#
# Builds the flcli binary of each revision (from `git archive`, in a temporary
# directory), runs every command (stats, compare, recommend) in every output
# format (table, json, markdown, csv) on every fixture in fixtures/ (CSV and
# Parquet), plus a few flag sets (--by, --variant, --skip-invalid, -a, -g),
# and compares stdout, stderr and the exit code of each run byte for byte.
# Exit 0 when everything is identical, 1 when a run differs (the diffs are
# printed), 2 on a usage or build error.
#
# CARGO_TARGET_DIR is honoured (one directory serves both builds, so the
# dependencies compile once); by default a temporary one is used.
# KEEP=1 keeps the temporary directory with the outputs.
set -euo pipefail

if [ $# -ne 2 ]; then
    echo "usage: $0 REV_A REV_B" >&2
    exit 2
fi
repo=$(git rev-parse --show-toplevel)
work=$(mktemp -d "${TMPDIR:-/tmp}/flcli-identical.XXXXXX")
if [ "${KEEP:-0}" != 1 ]; then
    trap 'rm -rf "$work"' EXIT
fi
target=${CARGO_TARGET_DIR:-$work/target}

build() { # REV NAME
    local rev=$1 name=$2 src="$work/src-$2"
    mkdir -p "$src"
    git -C "$repo" archive "$rev" | tar -x -C "$src"
    echo "==> building $rev ($(git -C "$repo" rev-parse --short "$rev"))" >&2
    CARGO_TARGET_DIR=$target cargo build --quiet --locked --bin flcli \
        --manifest-path "$src/Cargo.toml" >&2
    cp "$target/debug/flcli" "$work/flcli-$name"
}
build "$1" a || exit 2
build "$2" b || exit 2

# Fixtures come from REV_A, so both binaries read the same bytes.
fx="$work/src-a/fixtures"
cases=()
for f in "$fx"/*.csv "$fx"/*.parquet; do
    base=$(basename "$f")
    for cmd in stats compare recommend; do
        cases+=("$cmd $f")
    done
    cases+=("stats --skip-invalid $f")
done
# Flag sets on the fixtures that have the columns they need.
for ext in csv parquet; do
    cases+=(
        "stats --logit logit --by size $fx/detection.$ext"
        "stats --prob prob -g 1 -a 0.5 $fx/detection.$ext"
        "compare --logit logit --by size $fx/detection.$ext"
        "compare --logit logit -g 0,1,2 -a 0.25,0.5 $fx/detection.$ext"
        "compare --variant flsd53 --variant asl:4,1 --variant cb:0.99,2 --variant poly1:1 $fx/animals.$ext"
        "compare --variant cb:0.999 $fx/sigmoid.$ext"
        "recommend --logit logit $fx/detection.$ext"
        "stats --by split $fx/longtail.$ext"
        "compare --by split $fx/longtail.$ext"
        "stats -a 0.1,0.2,0.3,0.2,0.2 $fx/sigmoid.$ext"
        "compare --variant nope $fx/animals.$ext"
    )
done

n=0
bad=0
for c in "${cases[@]}"; do
    for fmt in table json markdown csv; do
        n=$((n + 1))
        for side in a b; do
            rc=0
            # shellcheck disable=SC2086
            "$work/flcli-$side" --color never -j 2 $c --output "$fmt" \
                >"$work/out-$side" 2>"$work/err-$side" </dev/null || rc=$?
            echo "exit $rc" >"$work/rc-$side"
        done
        for s in out err rc; do
            if ! cmp -s "$work/$s-a" "$work/$s-b"; then
                bad=$((bad + 1))
                echo "DIFF ($s): flcli $c --output $fmt"
                diff "$work/$s-a" "$work/$s-b" | head -20 || true
            fi
        done
    done
done
echo "$n runs ($((${#cases[@]})) cases x 4 formats), $bad differences" >&2
[ "$bad" -eq 0 ]
