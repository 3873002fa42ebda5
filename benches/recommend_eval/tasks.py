"""The imbalanced tasks of the evaluation, all available offline.

Each task is built from a seed: the seed draws the subsample, the split and (in
train.py) the model's initial weights, so the spread over seeds covers both the
data and the training. Features are standardised with the training split's mean
and standard deviation.

Kinds:
- binary:  one logit per row, label 0/1; metric average precision (AP).
- softmax: C logits per row, label 0..C-1; metric balanced accuracy.
- sigmoid: K one-vs-rest logits per row (RetinaNet), label 0..K-1 or -1 for
           background; metric mean AP over the K classes.
"""

from dataclasses import dataclass, field

import numpy as np
from sklearn.datasets import load_digits, make_classification
from sklearn.model_selection import train_test_split


@dataclass
class Task:
    name: str
    kind: str  # binary | softmax | sigmoid
    n_out: int  # logits per row
    X_train: np.ndarray
    y_train: np.ndarray
    X_val: np.ndarray
    y_val: np.ndarray
    X_test: np.ndarray
    y_test: np.ndarray
    hidden: int
    epochs: int
    lr: float
    weight_decay: float
    # Prior probability for the output bias at initialisation (RetinaNet's π), sigmoid kinds only.
    prior: float | None = None
    about: str = ""
    info: dict = field(default_factory=dict)


def _standardise(task_parts):
    Xtr = task_parts[0]
    mu = Xtr.mean(axis=0)
    sd = Xtr.std(axis=0)
    sd[sd == 0] = 1.0
    return [(X - mu) / sd for X in task_parts]


def _long_tail_counts(n_max, ratio, n_classes):
    """Exponential profile n_c = n_max · ratio^(-c/(C-1)) (Cui et al. 2019's long-tailed CIFAR)."""
    return [max(1, int(round(n_max * ratio ** (-c / (n_classes - 1))))) for c in range(n_classes)]


def digits_binary(seed):
    """load_digits, "is it an 8?": 8s are subsampled to 1 in 20 of the rows; split 50/20/30."""
    rng = np.random.default_rng(seed)
    X, y = load_digits(return_X_y=True)
    pos = np.flatnonzero(y == 8)
    neg = np.flatnonzero(y != 8)
    n_pos = int(round(len(neg) / 20))
    keep = np.concatenate([neg, rng.choice(pos, n_pos, replace=False)])
    X, y = X[keep].astype(np.float64), (y[keep] == 8).astype(np.int64)
    Xtr, Xrest, ytr, yrest = train_test_split(X, y, train_size=0.5, stratify=y, random_state=seed)
    Xva, Xte, yva, yte = train_test_split(
        Xrest, yrest, train_size=0.4, stratify=yrest, random_state=seed
    )
    Xtr, Xva, Xte = _standardise([Xtr, Xva, Xte])
    return Task(
        "digits-binary", "binary", 1, Xtr, ytr, Xva, yva, Xte, yte,
        hidden=32, epochs=200, lr=0.01, weight_decay=1e-4, prior=0.01,
        about="scikit-learn digits, 8 vs rest, positives subsampled to 1:20",
    )


def digits_10class(seed):
    """load_digits, 10 classes: 40 rows per class held out as a balanced test set; the rest
    subsampled long-tailed (imbalance 20, class 0 largest) and split 70/30 into train/val."""
    rng = np.random.default_rng(seed)
    X, y = load_digits(return_X_y=True)
    X = X.astype(np.float64)
    test_idx, pool = [], []
    for c in range(10):
        idx = rng.permutation(np.flatnonzero(y == c))
        test_idx.append(idx[:40])
        pool.append(idx[40:])
    counts = _long_tail_counts(min(len(p) for p in pool), 20.0, 10)
    keep = np.concatenate([p[:n] for p, n in zip(pool, counts)])
    Xtr, Xva, ytr, yva = train_test_split(
        X[keep], y[keep], train_size=0.7, stratify=y[keep], random_state=seed
    )
    test_idx = np.concatenate(test_idx)
    Xtr, Xva, Xte = _standardise([Xtr, Xva, X[test_idx]])
    return Task(
        "digits-10class", "softmax", 10, Xtr, ytr, Xva, yva, Xte, y[test_idx],
        hidden=32, epochs=200, lr=0.01, weight_decay=1e-4,
        about="scikit-learn digits, 10 classes subsampled long-tailed 1:20, balanced test set",
        info={"train_val_counts": counts},
    )


def long_tail(seed):
    """make_classification, 10 classes, long-tailed 1:100 train/val (1000 … 10 rows), a
    balanced test set of 200 rows per class (the long-tailed CIFAR protocol)."""
    counts = _long_tail_counts(1000, 100.0, 10)
    n_test = 200
    per_class = max(counts) + n_test
    X, y = make_classification(
        n_samples=per_class * 10, n_features=20, n_informative=12, n_redundant=4,
        n_classes=10, n_clusters_per_class=2, class_sep=1.2, flip_y=0.0,
        weights=None, random_state=seed,
    )
    rng = np.random.default_rng(seed)
    test_idx, keep = [], []
    for c in range(10):
        idx = rng.permutation(np.flatnonzero(y == c))
        test_idx.append(idx[:n_test])
        keep.append(idx[n_test : n_test + counts[c]])
    keep = np.concatenate(keep)
    test_idx = np.concatenate(test_idx)
    Xtr, Xva, ytr, yva = train_test_split(
        X[keep], y[keep], train_size=0.7, stratify=y[keep], random_state=seed
    )
    Xtr, Xva, Xte = _standardise([Xtr, Xva, X[test_idx]])
    return Task(
        "long-tail", "softmax", 10, Xtr, ytr, Xva, yva, Xte, y[test_idx],
        hidden=64, epochs=300, lr=0.01, weight_decay=1e-4,
        about="make_classification, 10 classes long-tailed 1:100, balanced test set",
        info={"train_val_counts": counts},
    )


def dense_detection(seed, n_rows=20000):
    """Anchors of a dense detector: 3 object classes in one-vs-rest sigmoid, ~1% positive rows.
    Negatives: 90% easy background far from every object, 10% hard ones near an object's
    cluster (a shifted, wider copy of it). Split 50/20/30."""
    rng = np.random.default_rng(seed)
    d, K = 16, 3
    centres = rng.normal(size=(K, d))
    centres *= 3.0 / np.linalg.norm(centres, axis=1, keepdims=True)
    n_pos = int(n_rows * 0.01)
    n_hard = int(n_rows * 0.1)
    n_easy = n_rows - n_pos - n_hard
    lab_pos = rng.integers(0, K, n_pos)
    X_pos = centres[lab_pos] + rng.normal(scale=0.8, size=(n_pos, d))
    near = rng.integers(0, K, n_hard)
    shift = rng.normal(scale=0.6, size=(K, d))
    X_hard = centres[near] + shift[near] + rng.normal(scale=1.2, size=(n_hard, d))
    X_easy = rng.normal(scale=1.0, size=(n_easy, d)) - 2.0 * centres.mean(axis=0)
    X = np.concatenate([X_pos, X_hard, X_easy])
    y = np.concatenate([lab_pos, -np.ones(n_hard + n_easy, dtype=np.int64)])
    strat = y.copy()
    Xtr, Xrest, ytr, yrest = train_test_split(X, y, train_size=0.5, stratify=strat, random_state=seed)
    Xva, Xte, yva, yte = train_test_split(
        Xrest, yrest, train_size=0.4, stratify=yrest, random_state=seed
    )
    Xtr, Xva, Xte = _standardise([Xtr, Xva, Xte])
    return Task(
        "dense-detection", "sigmoid", K, Xtr, ytr, Xva, yva, Xte, yte,
        hidden=32, epochs=200, lr=0.01, weight_decay=1e-4, prior=0.01,
        about="synthetic anchors, 3 classes one-vs-rest, 1% positive rows, 90% easy negatives",
    )


def overconfident(seed):
    """make_classification, 4 balanced classes with 20% of the labels flipped, 400 training rows
    and a wide MLP trained long without weight decay: it memorises the noise and is
    over-confident on held-out rows (Mukhoti et al. 2020's setting in small). Test: 2000 rows."""
    X, y = make_classification(
        n_samples=400 + 200 + 2000, n_features=20, n_informative=8, n_redundant=4,
        n_classes=4, n_clusters_per_class=2, class_sep=1.0, flip_y=0.2, random_state=seed,
    )
    Xtr, Xrest, ytr, yrest = train_test_split(X, y, train_size=400, stratify=y, random_state=seed)
    Xva, Xte, yva, yte = train_test_split(
        Xrest, yrest, train_size=200, stratify=yrest, random_state=seed
    )
    Xtr, Xva, Xte = _standardise([Xtr, Xva, Xte])
    return Task(
        "overconfident", "softmax", 4, Xtr, ytr, Xva, yva, Xte, yte,
        hidden=256, epochs=400, lr=0.01, weight_decay=0.0,
        about="make_classification, 4 balanced classes, 20% label noise, wide MLP trained long",
    )


TASKS = {
    "digits-binary": digits_binary,
    "digits-10class": digits_10class,
    "long-tail": long_tail,
    "dense-detection": dense_detection,
    "overconfident": overconfident,
}
