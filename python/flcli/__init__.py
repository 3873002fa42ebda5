"""flcli in Python: class imbalance, cross-entropy and focal loss from a
model's predictions, with the same Rust engine and the same reports as the
``flcli`` command line.

``stats``, ``compare`` and ``recommend`` return the CLI's JSON report as a
dict; ``partial`` returns the bytes of a partial result (``flcli partial``),
``merge`` merges them, and every report function reports on them. Keyword
arguments are the CLI's long flags with ``-`` -> ``_`` (``label="y"``,
``probs=["p0", "p1"]``, ``gamma=[0, 1, 2]``, ``skip_invalid=True``); see
``flcli stats --help``.

``data`` is anything with ``__arrow_c_stream__`` (a pyarrow Table,
RecordBatch or RecordBatchReader, a polars or pandas >= 2.2 DataFrame: read
without a copy), a pandas DataFrame, a dict of numpy arrays or torch tensors
(a 2-D array is one list column of scores per row), a path or a list of
paths, or partial-result bytes (or a list of them).

Errors raise :class:`FlcliError` (a ``ValueError``) with the CLI's message.
The GIL is released while the engine runs.
"""

from __future__ import annotations

import json
import os
from typing import Any, Dict, Iterable, List, Optional

from . import _flags
from ._flcli import FlcliError, Partial, __version__
from . import _flcli

__all__ = [
    "FlcliError",
    "Accumulator",
    "stats",
    "compare",
    "recommend",
    "partial",
    "merge",
    "__version__",
]


def _is_path(x: Any) -> bool:
    return isinstance(x, (str, os.PathLike))


def _is_partial(x: Any) -> bool:
    return isinstance(x, (bytes, bytearray, memoryview, Partial))


def _to_partial(x: Any, i: int) -> Partial:
    if isinstance(x, Partial):
        return x
    return Partial.from_bytes(bytes(x), f"partial #{i + 1}")


def _column(v: Any) -> Any:
    import pyarrow as pa

    if hasattr(v, "detach") and hasattr(v, "numpy"):  # a torch tensor
        v = v.detach().cpu().numpy()
    if hasattr(v, "__arrow_c_array__") or isinstance(v, (pa.Array, pa.ChunkedArray)):
        return v
    import numpy as np

    a = np.asarray(v)
    if a.ndim == 2:
        # One row of K scores per element: a fixed-size list column (the buffer is shared).
        flat = pa.array(np.ascontiguousarray(a).reshape(-1))
        return pa.FixedSizeListArray.from_arrays(flat, a.shape[1])
    if a.ndim != 1:
        raise FlcliError(f"a column must be 1-D (or 2-D: a row of scores), got shape {a.shape}")
    return pa.array(a)


def _arrow(data: Any) -> Any:
    """An object with ``__arrow_c_stream__`` holding `data`."""
    if hasattr(data, "__arrow_c_stream__"):
        return data
    import pyarrow as pa

    if isinstance(data, pa.RecordBatch):
        return pa.Table.from_batches([data])
    if isinstance(data, dict):
        return pa.table({str(k): _column(v) for k, v in data.items()})
    if type(data).__module__.startswith("pandas"):
        return pa.Table.from_pandas(data, preserve_index=False)
    if hasattr(data, "__arrow_c_array__"):
        return pa.Table.from_batches([pa.record_batch(data)])
    raise FlcliError(
        f"cannot read data of type {type(data).__name__}: give a pyarrow, polars or pandas table, "
        "a dict of numpy arrays, a path, or partial-result bytes"
    )


def _input(data: Any):
    """(paths for the argument list, the in-memory input) of `data`."""
    if _is_path(data):
        return [os.fspath(data)], None
    if _is_partial(data):
        return [], [_to_partial(data, 0)]
    if isinstance(data, (list, tuple)) and data and all(_is_path(x) for x in data):
        return [os.fspath(x) for x in data], None
    if isinstance(data, (list, tuple)) and data and all(_is_partial(x) for x in data):
        return [], [_to_partial(x, i) for i, x in enumerate(data)]
    if isinstance(data, (list, tuple)):
        raise FlcliError("a list is read as paths or as partial results (bytes); got neither")
    return [], _arrow(data)


def _report(command: str, data: Any, flags: Dict[str, Any]) -> Dict[str, Any]:
    paths, mem = _input(data)
    args = [command, *_flags.argv(flags), *(["--"] + paths if paths else [])]
    return json.loads(_flcli.report(args, mem))


def stats(data: Any, **flags: Any) -> Dict[str, Any]:
    """Imbalance, CE and focal loss per class and per difficulty bucket:
    ``flcli stats --json``. Flags: gamma, alpha, by, max_groups, eps, buckets,
    beta, easy, and the input flags (label, prob, probs, logit, logits, mode,
    positive, background, ignore_index, skip_invalid, input_format, delimiter),
    threads."""
    return _report("stats", data, flags)


def compare(data: Any, **flags: Any) -> Dict[str, Any]:
    """A γ × α grid and named variants side by side: ``flcli compare --json``.
    Flags: gamma (list), alpha (list; a softmax setting is itself a list, None
    is none), variant (list), by, max_groups, eps, buckets, beta, easy, and
    the input flags."""
    return _report("compare", data, flags)


def recommend(data: Any, **flags: Any) -> Dict[str, Any]:
    """Whether to use focal loss, with which γ and α, and why:
    ``flcli recommend --json``. Flags: gamma (list), max_easy_grad_share,
    max_easy_loss_share, min_imbalance, max_ece, calibration_gamma, eps,
    buckets, beta, easy, and the input flags."""
    return _report("recommend", data, flags)


def _partial(data: Any, flags: Dict[str, Any]) -> Partial:
    paths, mem = _input(data)
    if isinstance(mem, list):
        raise FlcliError("partial() reads data; merge partial results with flcli.merge")
    args = ["partial", *_flags.argv(flags), *(["--"] + paths if paths else [])]
    return _flcli.partial(args, mem)


def partial(data: Any, **flags: Any) -> bytes:
    """The partial result of `data`: the bytes ``flcli partial -o FILE.flp``
    writes. Flags: gamma (list of γ to keep sums for), variant (list), by,
    max_groups, eps, buckets, easy, and the input flags."""
    return _partial(data, flags).to_bytes()


def merge(parts: Iterable[Any]) -> bytes:
    """Merges partial results (bytes) into one, as ``flcli merge``; any order
    or tree of merges gives the same bytes."""
    parts = list(parts)
    if not any(isinstance(p, Partial) for p in parts):
        # Decoded one at a time in Rust: a thousand partials are never all held decoded.
        return _flcli.merge_bytes([bytes(p) for p in parts])
    ps = [_to_partial(p, i) for i, p in enumerate(parts)]
    return _flcli.merge(ps).to_bytes()


def _restore(flags: Dict[str, Any], data: Optional[bytes]) -> "Accumulator":
    acc = Accumulator(**flags)
    if data is not None:
        acc._part = Partial.from_bytes(data, "pickled accumulator")
    return acc


class Accumulator:
    """Sums for a report, fed one batch at a time (a validation loop):
    ``acc.update(batch)`` as often as needed, then ``acc.stats()``,
    ``acc.compare()``, ``acc.recommend()`` or ``acc.partial()``.

    The flags are those of :func:`partial` (label, probs, mode, gamma, by, ...);
    the report methods take the report's own flags (alpha, beta, ...) and
    repeat the shared ones (positive, background, ignore_index, eps, buckets,
    easy, by). Accumulators merge (``a + b``, ``a.merge(b)``) and pickle, so
    Spark, Dask and Ray can ship them."""

    def __init__(self, **flags: Any) -> None:
        self._flags = dict(flags)
        self._part: Optional[Partial] = None

    def update(self, batch: Any) -> "Accumulator":
        """Adds the rows of `batch` (any `data` of :func:`stats`); returns self."""
        p = _partial(batch, self._flags)
        self._part = p if self._part is None else _flcli.merge([self._part, p])
        return self

    def _merged_with(self, others: Iterable["Accumulator"]) -> "Accumulator":
        parts = [self._part] + [o._part for o in others]
        out = Accumulator(**self._flags)
        parts = [p for p in parts if p is not None]
        out._part = _flcli.merge(parts) if parts else None
        return out

    def merge(self, *others: "Accumulator") -> "Accumulator":
        """A new accumulator with the rows of this one and `others`."""
        return self._merged_with(others)

    def __add__(self, other: "Accumulator") -> "Accumulator":
        if not isinstance(other, Accumulator):
            return NotImplemented
        return self._merged_with([other])

    @property
    def rows_read(self) -> int:
        """The rows added so far."""
        return 0 if self._part is None else self._part.rows_read

    def _sums(self) -> Partial:
        if self._part is None:
            raise FlcliError("the accumulator holds no rows yet: call update(batch) first")
        return self._part

    def partial(self) -> bytes:
        """The partial result of every row added (``flcli partial``'s bytes)."""
        return self._sums().to_bytes()

    def _report(self, command: str, flags: Dict[str, Any]) -> Dict[str, Any]:
        shared = _flags.partial_flags(self._flags)
        if command == "recommend":
            shared.pop("by", None)
            shared.pop("max_groups", None)
        merged = {**shared, **flags}
        args = [command, *_flags.argv(merged)]
        return json.loads(_flcli.report(args, [self._sums()]))

    def stats(self, **flags: Any) -> Dict[str, Any]:
        """The stats report of the rows added (flags as :func:`stats`'s report flags)."""
        return self._report("stats", flags)

    def compare(self, **flags: Any) -> Dict[str, Any]:
        """The compare report of the rows added."""
        return self._report("compare", flags)

    def recommend(self, **flags: Any) -> Dict[str, Any]:
        """The recommendation for the rows added."""
        return self._report("recommend", flags)

    def __reduce__(self):
        data = None if self._part is None else self._part.to_bytes()
        return (_restore, (self._flags, data))

    def __repr__(self) -> str:
        return f"flcli.Accumulator(rows_read={self.rows_read})"
