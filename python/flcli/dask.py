"""flcli on a Dask DataFrame: ``map_partitions`` turns every partition into
a partial result where it lives; the client merges them and builds the
report (the CLI's JSON, as a dict).

    import dask.dataframe as dd, flcli.dask
    report = flcli.dask.compare(dd.read_parquet("preds/"), gamma=[0, 1, 2])
"""

from __future__ import annotations

from typing import Any, Dict

from . import _dist


def partials(ddf: Any, command: str = "stats", **flags: Any) -> list:
    """The partial results (bytes) of `ddf`'s non-empty partitions, for `command`'s flags."""
    import pandas as pd

    args, _ = _dist.plan(command, flags)

    def per_partition(pdf):
        import pandas as pd
        import pyarrow as pa

        from flcli import _dist as d

        b = d.partial_of_table(args, pa.Table.from_pandas(pdf, preserve_index=False))
        return pd.DataFrame({"partial": pd.Series([] if b is None else [b], dtype=object)})

    meta = pd.DataFrame({"partial": pd.Series([], dtype=object)})
    out = ddf.map_partitions(per_partition, meta=meta).compute()
    return [bytes(b) for b in out["partial"]]


def _run(command: str, ddf: Any, flags: Dict[str, Any]) -> Dict[str, Any]:
    _, rep = _dist.plan(command, flags)
    return _dist.report(command, partials(ddf, command, **flags), rep)


def stats(ddf: Any, **flags: Any) -> Dict[str, Any]:
    """:func:`flcli.stats` of a Dask DataFrame, computed partition by partition."""
    return _run("stats", ddf, flags)


def compare(ddf: Any, **flags: Any) -> Dict[str, Any]:
    """:func:`flcli.compare` of a Dask DataFrame."""
    return _run("compare", ddf, flags)


def recommend(ddf: Any, **flags: Any) -> Dict[str, Any]:
    """:func:`flcli.recommend` of a Dask DataFrame."""
    return _run("recommend", ddf, flags)
