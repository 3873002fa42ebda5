"""flcli on a Spark DataFrame: every partition runs the Rust engine through
``mapInArrow`` and returns its partial result; the driver merges them and
builds the report (the CLI's JSON, as a dict).

    import flcli.spark
    report = flcli.spark.stats(spark.read.parquet("s3://bucket/preds/"), label="y")

Keyword arguments are those of :func:`flcli.stats` (and compare, recommend).
The workers need the flcli package installed (as pyarrow, for ``mapInArrow``).
"""

from __future__ import annotations

from typing import Any, Dict

from . import _dist


def partials(df: Any, command: str = "stats", **flags: Any) -> list:
    """The partial results (bytes) of `df`'s non-empty partitions, for `command`'s flags."""
    args, _ = _dist.plan(command, flags)

    def per_partition(batches):
        import pyarrow as pa

        from flcli import _dist as d

        b = d.partial_of_batches(args, batches)
        if b is not None:
            yield pa.RecordBatch.from_arrays([pa.array([b], pa.binary())], names=["partial"])

    rows = df.mapInArrow(per_partition, "partial binary").collect()
    return [bytes(r["partial"]) for r in rows]


def _run(command: str, df: Any, flags: Dict[str, Any]) -> Dict[str, Any]:
    _, rep = _dist.plan(command, flags)
    return _dist.report(command, partials(df, command, **flags), rep)


def stats(df: Any, **flags: Any) -> Dict[str, Any]:
    """:func:`flcli.stats` of a Spark DataFrame, computed where its partitions are."""
    return _run("stats", df, flags)


def compare(df: Any, **flags: Any) -> Dict[str, Any]:
    """:func:`flcli.compare` of a Spark DataFrame."""
    return _run("compare", df, flags)


def recommend(df: Any, **flags: Any) -> Dict[str, Any]:
    """:func:`flcli.recommend` of a Spark DataFrame."""
    return _run("recommend", df, flags)
