"""flcli on a Ray Dataset: ``map_batches`` (one Arrow batch per block) turns
every block into a partial result on the worker that holds it; the driver
merges them and builds the report (the CLI's JSON, as a dict).

    import ray, flcli.ray
    report = flcli.ray.recommend(ray.data.read_parquet("preds/"))
"""

from __future__ import annotations

from typing import Any, Dict

from . import _dist


def partials(ds: Any, command: str = "stats", **flags: Any) -> list:
    """The partial results (bytes) of `ds`'s non-empty blocks, for `command`'s flags."""
    args, _ = _dist.plan(command, flags)

    def per_block(table):
        import pyarrow as pa

        from flcli import _dist as d

        b = d.partial_of_table(args, table)
        return pa.table({"partial": pa.array([] if b is None else [b], pa.binary())})

    out = ds.map_batches(per_block, batch_format="pyarrow", batch_size=None, zero_copy_batch=True)
    return [bytes(r["partial"]) for r in out.take_all()]


def _run(command: str, ds: Any, flags: Dict[str, Any]) -> Dict[str, Any]:
    _, rep = _dist.plan(command, flags)
    return _dist.report(command, partials(ds, command, **flags), rep)


def stats(ds: Any, **flags: Any) -> Dict[str, Any]:
    """:func:`flcli.stats` of a Ray Dataset, computed block by block."""
    return _run("stats", ds, flags)


def compare(ds: Any, **flags: Any) -> Dict[str, Any]:
    """:func:`flcli.compare` of a Ray Dataset."""
    return _run("compare", ds, flags)


def recommend(ds: Any, **flags: Any) -> Dict[str, Any]:
    """:func:`flcli.recommend` of a Ray Dataset."""
    return _run("recommend", ds, flags)
