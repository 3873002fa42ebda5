#!/usr/bin/env bash
# Runs every libFuzzer target for a fixed time (default 60 s each) and fails on any crash,
# timeout or out-of-memory. Usage: bash fuzz/run.sh [SECONDS] [TARGET...]
# Needs cargo-fuzz (`cargo install cargo-fuzz --locked`); the targets are built with
# AddressSanitizer. The stable toolchain is enough: RUSTC_BOOTSTRAP lets cargo-fuzz pass
# its -Z sanitizer flags. New inputs go to a temporary corpus; fuzz/corpus/ is read only.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
secs="${1:-60}"
shift || true
targets=("$@")
if [ ${#targets[@]} -eq 0 ]; then
    targets=(csv parquet parquet_patch fail_if)
fi
export RUSTC_BOOTSTRAP=1
cargo fuzz build -O
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
for t in "${targets[@]}"; do
    mkdir -p "$work/$t"
    echo "==> fuzz $t for ${secs}s" >&2
    # -close_fd_mask=3: flcli's own stdout/stderr are closed (libFuzzer keeps its report),
    # which also exercises writing to a closed stderr.
    cargo fuzz run -O "$t" "$work/$t" "fuzz/corpus/$t" -- \
        -max_total_time="$secs" -rss_limit_mb=512 -timeout=10 -close_fd_mask=3 \
        -print_final_stats=1 2>"$work/$t.log" || {
        tail -n 60 "$work/$t.log" >&2
        echo "fuzz target $t failed" >&2
        exit 1
    }
    # The last status line: executions, coverage, features, corpus size, exec/s.
    grep -E '^#[0-9]+' "$work/$t.log" | tail -n 1 >&2
    grep -E 'stat::(number_of_executed_units|average_exec_per_sec|peak_rss_mb)' "$work/$t.log" >&2 || true
done
