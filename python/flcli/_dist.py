"""What the Spark, Dask and Ray front ends share: each partition of the
data becomes one partial result (the Rust engine runs where the partition
is), and the driver merges them and builds the report from the merged sums.
A report built this way equals the one ``flcli`` builds from the same rows
read in one process (its ``input`` object aside: it says ``partial``).
"""

from __future__ import annotations

import itertools
import json
from typing import Any, Dict, Iterable, List, Optional, Tuple

from . import _flags, _flcli

COMMANDS = ("stats", "compare", "recommend")


def plan(command: str, flags: Dict[str, Any]) -> Tuple[List[str], Dict[str, Any]]:
    """The argument list of the per-partition partial results, and the report's flags."""
    if command not in COMMANDS:
        raise ValueError(f"unknown report {command!r}; expected one of {COMMANDS}")
    part, rep = _flags.split(command, flags)
    return ["partial", *_flags.argv(part)], rep


def partial_of_table(args: List[str], table: Any) -> Optional[bytes]:
    """The partial result of one partition (anything with ``__arrow_c_stream__``),
    or ``None`` when it holds no rows."""
    if getattr(table, "num_rows", 1) == 0:
        return None
    return _flcli.partial(args, table).to_bytes()


def partial_of_batches(args: List[str], batches: Iterable[Any]) -> Optional[bytes]:
    """The partial result of a partition given as pyarrow record batches."""
    import pyarrow as pa

    it = iter(batches)
    first = next(it, None)
    if first is None:
        return None
    reader = pa.RecordBatchReader.from_batches(first.schema, itertools.chain([first], it))
    return _flcli.partial(args, reader).to_bytes()


def report(command: str, parts: List[bytes], flags: Dict[str, Any]) -> Dict[str, Any]:
    """Merges the partitions' partial results and builds the report."""
    if not parts:
        raise _flcli.FlcliError(
            "no data rows: every partition was empty; point flcli at data with predictions"
        )
    ps = [_flcli.Partial.from_bytes(bytes(b), f"partition {i}") for i, b in enumerate(parts)]
    merged = _flcli.merge(ps)
    return json.loads(_flcli.report([command, *_flags.argv(flags)], [merged]))
