#!/usr/bin/env bash
# CI smoke run of the recommend evaluation: one task, one seed, a tiny grid (< 60 s once the
# venv exists). Creates the venv from requirements.txt if it is missing, so it runs on a fresh
# machine; FLCLI (default: target/release/flcli, built if absent) is the binary under test.
# Exits non-zero if any step fails.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo="$(cd "$here/../.." && pwd)"
venv="${RECOMMEND_EVAL_VENV:-$HOME/.cache/flcli-recommend-eval-venv}"
if ! "$venv/bin/python" -c "import torch, sklearn, pyarrow, numpy" 2>/dev/null; then
    python3 -m venv "$venv"
    "$venv/bin/pip" install --quiet -r "$here/requirements.txt"
fi
flcli="${FLCLI:-$repo/target/release/flcli}"
if [ ! -x "$flcli" ]; then
    (cd "$repo" && cargo build --release --quiet)
fi
exec "$venv/bin/python" "$here/run.py" --smoke --flcli "$flcli" "$@"
