"""Checks the PyTorch code that `flcli recommend` prints under `reproduce.pytorch`.

For each fixture: runs `flcli recommend --json`, builds the tensors the code
expects from the same file (float64 `logits` or `probs`; `targets` as 0/1
labels, class indices, or one-hot rows with background all zero; rows with
the ignore index left out), runs the code, and checks that its `loss` equals
the recommended variant's `loss_mean` to a relative 1e-9. Exits 1 on any
mismatch.

    python check_reproduce.py --flcli target/release/flcli
"""
import argparse
import json
import pathlib
import subprocess
import sys

import numpy as np
import pyarrow.parquet as pq
import torch
import torch.nn.functional as F
import torchvision

FIXTURES = pathlib.Path(__file__).resolve().parents[2] / "fixtures"
CASES = [
    ("detection.parquet", []),
    ("detection.parquet", ["--prob", "prob"]),
    ("animals.parquet", []),
    ("longtail.parquet", []),
    ("longtail_logits.parquet", []),
    ("sigmoid.parquet", ["--mode", "sigmoid"]),
    ("detection.parquet", ["--max-easy-grad-share", "0.05"]),
    ("sigmoid.parquet", ["--mode", "sigmoid", "--max-easy-grad-share", "0.05"]),
]
IGNORE = -100


def tensors(path, report):
    """The score tensor's name and value, and the targets, as the code expects them."""
    table = pq.read_table(path)
    inp = report["input"]
    labels = table.column(inp["label_column"]).to_pylist()
    scores = np.stack(
        [table.column(c).to_numpy().astype(np.float64) for c in inp["score_columns"]], axis=1
    )
    keep = np.array([lab != IGNORE for lab in labels])
    labels = [lab for lab, k in zip(labels, keep) if k]
    scores = scores[keep]
    names = inp["class_names"]
    mode = inp["mode"]
    if mode == "binary":
        targets = torch.tensor([float(lab) for lab in labels], dtype=torch.float64)
        scores = scores[:, 0]
    elif mode == "softmax":
        targets = torch.tensor([names.index(str(lab)) for lab in labels], dtype=torch.int64)
    else:
        onehot = np.zeros((len(labels), len(names)))
        for i, lab in enumerate(labels):
            if lab >= 0:
                onehot[i, lab] = 1.0
        targets = torch.tensor(onehot, dtype=torch.float64)
    name = "logits" if inp["score_kind"] == "logits" else "probs"
    return name, torch.tensor(scores, dtype=torch.float64), targets


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--flcli", required=True)
    args = ap.parse_args()
    bad = 0
    for file, extra in CASES:
        path = FIXTURES / file
        out = subprocess.run(
            [args.flcli, "recommend", str(path), "--json", "-q", *extra],
            check=True,
            capture_output=True,
        )
        report = json.loads(out.stdout)
        code = report["reproduce"]["pytorch"]
        name, scores, targets = tensors(path, report)
        scope = {"torch": torch, "torchvision": torchvision, "F": F, name: scores, "targets": targets}
        exec(code, scope)
        got = scope["loss"].item()
        rec = report["recommendation"]["variant"]
        want = next(v for v in report["evidence"]["variants"] if v["name"] == rec)["loss_mean"]
        rel = abs(got - want) / abs(want)
        ok = rel <= 1e-9
        bad += not ok
        print(f"{'ok ' if ok else 'BAD'} {file} {' '.join(extra)}: {rec}: torch {got!r}, flcli {want!r} (rel {rel:.1e})")
    if bad:
        print(f"{bad} case(s) differ", file=sys.stderr)
        sys.exit(1)


if __name__ == "__main__":
    main()
