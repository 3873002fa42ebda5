#!/usr/bin/env bash
# Runs every libFuzzer target for a fixed budget and fails on any crash, timeout or
# out-of-memory. Usage: bash fuzz/run.sh [SECONDS] [TARGET...]
# With FUZZ_SEED set (CI sets 1), each target runs a fixed number of inputs from that seed
# (about SECONDS on this 2-core machine), so a run is repeatable: the same inputs every time;
# SECONDS stays a cap. Without it, each target runs for SECONDS from a random seed.
# Needs cargo-fuzz (`cargo install cargo-fuzz --locked`); the targets are built with
# AddressSanitizer. The stable toolchain is enough: RUSTC_BOOTSTRAP lets cargo-fuzz pass
# its -Z sanitizer flags. New inputs go to a temporary corpus; fuzz/corpus/ is read only.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
secs="${1:-60}"
shift || true
targets=("$@")
if [ ${#targets[@]} -eq 0 ]; then
    targets=(csv parquet parquet_patch fail_if partial npy npz)
fi
export RUSTC_BOOTSTRAP=1
# FUZZ_TARGET_DIR keeps the ASan build outside the checkout, so a fresh clone reuses it.
td=()
if [ -n "${FUZZ_TARGET_DIR:-}" ]; then
    td=(--target-dir "$FUZZ_TARGET_DIR")
fi
cargo fuzz build -O "${td[@]}"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
# Inputs per second each target reached here under ASan (2 cores, loaded): the fixed budgets.
declare -A rate=([csv]=100 [parquet]=180 [parquet_patch]=60 [fail_if]=400 [partial]=100 [npy]=75 [npz]=100)
# One target per core at a time (FUZZ_JOBS overrides): the seeded budgets are input counts,
# so running side by side changes the wall time, not the inputs each target runs.
jobs="${FUZZ_JOBS:-$(nproc 2>/dev/null || echo 1)}"
run_one() {
    local t="$1"
    mkdir -p "$work/$t"
    local budget=(-max_total_time="$secs")
    if [ -n "${FUZZ_SEED:-}" ]; then
        # A generous cap, so a slower machine still runs every input of the sequence.
        budget=(-max_total_time="$((secs * 4))" -seed="$FUZZ_SEED" -runs="$((secs * ${rate[$t]:-100}))")
    fi
    # -close_fd_mask=3: flcli's own stdout/stderr are closed (libFuzzer keeps its report),
    # which also exercises writing to a closed stderr.
    local rc=0
    cargo fuzz run -O "${td[@]}" "$t" "$work/$t" "fuzz/corpus/$t" -- \
        "${budget[@]}" -rss_limit_mb=512 -timeout=10 -close_fd_mask=3 \
        -print_final_stats=1 >"$work/$t.out" 2>"$work/$t.log" || rc=$?
    echo "$rc" >"$work/$t.rc"
}
for t in "${targets[@]}"; do
    while [ "$(jobs -rp | wc -l)" -ge "$jobs" ]; do
        wait -n || true
    done
    echo "==> fuzz $t for ${secs}s" >&2
    run_one "$t" &
done
wait
failed=0
for t in "${targets[@]}"; do
    if [ "$(cat "$work/$t.rc")" != 0 ]; then
        tail -n 60 "$work/$t.log" >&2
        echo "fuzz target $t failed" >&2
        failed=1
        continue
    fi
    # The last status line: executions, coverage, features, corpus size, exec/s.
    echo "==> $t" >&2
    grep -E '^#[0-9]+' "$work/$t.log" | tail -n 1 >&2
    grep -E 'stat::(number_of_executed_units|average_exec_per_sec|peak_rss_mb)' "$work/$t.log" >&2 || true
done
exit "$failed"
