"""Writes the seed corpora of the `npy` and `npz` fuzz targets (fuzz/corpus/npy, npz):
small real files from NumPy, one per layout and dtype flcli reads, plus a few it refuses.
Run with any Python that has NumPy: python fuzz/make_npy_corpus.py"""

import io
import pathlib

import numpy as np

HERE = pathlib.Path(__file__).parent / "corpus"
rng = np.random.default_rng(7)


def save_npy(name, a, version=None):
    buf = io.BytesIO()
    if version is None:
        np.save(buf, a)
    else:
        np.lib.format.write_array(buf, np.asarray(a), version=version)
    (HERE / "npy" / name).write_bytes(buf.getvalue())


def probs(n, k):
    p = rng.random((n, k)) + 0.05
    return p / p.sum(axis=1, keepdims=True)


# Four rows: the npy target's fixed labels file has four labels.
save_npy("binary_f64.npy", rng.random(4))
save_npy("binary_f32.npy", rng.random(4).astype(np.float32))
save_npy("binary_f16.npy", rng.random(4).astype(np.float16))
save_npy("softmax_f64.npy", probs(4, 3))
save_npy("softmax_fortran.npy", np.asfortranarray(probs(4, 3)))
save_npy("logits_f32.npy", rng.normal(size=(4, 3)).astype(np.float32))
save_npy("seg_map.npy", probs(16, 2).reshape(4, 2, 2, 2).astype(np.float32))
save_npy("header_v2.npy", rng.random(4), version=(2, 0))
save_npy("header_v3.npy", rng.random(4), version=(3, 0))
save_npy("labels_i64.npy", np.array([0, 1, 1, 0], dtype=np.int64))
save_npy("labels_u8.npy", np.array([0, 1, 1, 0], dtype=np.uint8))
save_npy("labels_bool.npy", np.array([False, True, True, False]))
save_npy("big_endian.npy", rng.random(4).astype(">f8"))
save_npy("empty.npy", np.zeros((0,), dtype=np.float64))
save_npy("scalar.npy", np.float64(0.5))


def save_npz(name, compressed=False, **arrays):
    buf = io.BytesIO()
    (np.savez_compressed if compressed else np.savez)(buf, **arrays)
    (HERE / "npz" / name).write_bytes(buf.getvalue())


y = np.array([0, 1, 1, 0, 2, 1])
save_npz("binary.npz", labels=np.array([0, 1, 1, 0]), probs=rng.random(4))
save_npz("binary_deflated.npz", True, labels=np.array([0, 1, 1, 0]), probs=rng.random(4))
save_npz("softmax_logits.npz", labels=y, logits=rng.normal(size=(6, 3)).astype(np.float32))
save_npz("softmax_by.npz", True, labels=y, probs=probs(6, 3), split=np.array([0, 0, 1, 1, 2, 2]))
save_npz(
    "segmentation.npz",
    labels=rng.integers(0, 3, size=(2, 2, 2)),
    logits=rng.normal(size=(2, 3, 2, 2)).astype(np.float16),
)
save_npz(
    "multilabel.npz",
    targets=(rng.random((4, 3)) < 0.4).astype(np.uint8),
    logits=rng.normal(size=(4, 3)),
)
save_npz("no_labels.npz", probs=rng.random(4))
