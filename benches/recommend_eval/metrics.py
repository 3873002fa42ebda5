"""Held-out metrics: the primary one per kind, and the expected calibration error.

- binary: average precision of p(positive).
- sigmoid: mean over classes of the average precision of column k against "label == k".
- softmax: balanced accuracy of the arg-max (macro-F1 is kept as a secondary number).
- ECE: 15 equal-width bins over the top-label confidence (Mukhoti et al. 2020, torchmetrics);
  binary and sigmoid use max(p, 1-p) per element against "p ≥ 0.5 is right".
"""

import numpy as np
from scipy.special import expit, softmax
from sklearn.metrics import average_precision_score, balanced_accuracy_score, f1_score

PRIMARY = {"binary": "AP", "sigmoid": "mAP", "softmax": "balanced accuracy"}


def ece(conf, correct, bins=15):
    conf = np.asarray(conf, dtype=np.float64)
    correct = np.asarray(correct, dtype=np.float64)
    edges = np.linspace(0.0, 1.0, bins + 1)
    idx = np.clip(np.searchsorted(edges, conf, side="right") - 1, 0, bins - 1)
    total = 0.0
    for b in range(bins):
        m = idx == b
        if m.any():
            total += m.sum() * abs(conf[m].mean() - correct[m].mean())
    return total / len(conf)


def evaluate(kind, logits, y):
    """logits: (N, n_out) float64; returns {"primary": …, "ece": …, and secondary numbers}."""
    if kind == "softmax":
        p = softmax(logits, axis=1)
        pred = p.argmax(axis=1)
        return {
            "primary": float(balanced_accuracy_score(y, pred)),
            "macro_f1": float(f1_score(y, pred, average="macro")),
            "accuracy": float((pred == y).mean()),
            "ece": float(ece(p.max(axis=1), pred == y)),
        }
    p = expit(logits)
    if kind == "binary":
        t = y.reshape(-1, 1).astype(np.float64)
        ap = float(average_precision_score(y, p[:, 0]))
        per_class = [ap]
    else:
        t = np.zeros_like(p)
        rows = np.flatnonzero(y >= 0)
        t[rows, y[rows]] = 1.0
        per_class = [float(average_precision_score(t[:, k], p[:, k])) for k in range(p.shape[1])]
    conf = np.maximum(p, 1.0 - p).ravel()
    correct = ((p >= 0.5) == (t == 1)).ravel()
    return {
        "primary": float(np.mean(per_class)),
        "ap_per_class": per_class,
        "ece": float(ece(conf, correct)),
    }
