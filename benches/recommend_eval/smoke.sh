#!/usr/bin/env bash
# CI smoke run of the recommend evaluation: one task, one seed, a tiny grid (about 10 s once the
# venv exists). Creates the venv from requirements.txt if it is missing (RECOMMEND_EVAL_VENV,
# default ~/.cache/flcli-recommend-eval-venv), so it also runs on a fresh machine. The binary
# under test: $FLCLI, else target/release/flcli, else target/debug/flcli (built if absent).
# Exits non-zero if any step fails.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo="$(cd "$here/../.." && pwd)"
venv="${RECOMMEND_EVAL_VENV:-$HOME/.cache/flcli-recommend-eval-venv}"
if ! "$venv/bin/python" -c "import torch, torchvision, sklearn, scipy, pyarrow, numpy, pandas" 2>/dev/null; then
    python3 -m venv "$venv"
    "$venv/bin/pip" install --quiet -r "$here/requirements.txt"
fi
flcli="${FLCLI:-}"
if [ -z "$flcli" ]; then
    for candidate in "$repo/target/release/flcli" "$repo/target/debug/flcli"; do
        if [ -x "$candidate" ]; then
            flcli="$candidate"
            break
        fi
    done
fi
if [ -z "$flcli" ]; then
    (cd "$repo" && cargo build --quiet)
    flcli="$repo/target/debug/flcli"
fi
"$venv/bin/python" "$here/check_reproduce.py" --flcli "$flcli"
exec "$venv/bin/python" "$here/run.py" --smoke --flcli "$flcli" "$@"
