"""flcli.stats / compare / recommend / partial / merge against the CLI's JSON
and files on the same data."""

from __future__ import annotations

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

import flcli
from conftest import FIXTURES, assert_close, cli_json, run_cli, same_counts, without_input

CASES = [
    ("detection.parquet", {}, []),
    ("detection.parquet", {"logit": "logit"}, ["--logit", "logit"]),
    ("animals.parquet", {}, []),
    ("longtail.parquet", {"by": "split"}, ["--by", "split"]),
    ("longtail_logits.parquet", {}, []),
    ("sigmoid.parquet", {"mode": "sigmoid"}, ["--mode", "sigmoid"]),
]


@pytest.mark.parametrize("name,flags,args", CASES)
@pytest.mark.parametrize("command", ["stats", "compare", "recommend"])
def test_table_equals_cli(command, name, flags, args):
    if command == "recommend" and "by" in flags:
        pytest.skip("recommend has no --by")
    path = FIXTURES / name
    want = cli_json(command, path, *args)
    got = getattr(flcli, command)(pq.read_table(path), **flags)
    assert without_input(got) == without_input(want)
    same_counts(got, want)
    assert got["input"]["paths"] == ["<memory>"]


@pytest.mark.parametrize("command", ["stats", "compare", "recommend"])
def test_path_equals_cli_exactly(command):
    path = FIXTURES / "animals.parquet"
    assert getattr(flcli, command)(str(path)) == cli_json(command, path)
    assert getattr(flcli, command)([path, path]) == cli_json(command, path, path)


def test_flags_as_keywords():
    path = FIXTURES / "detection.parquet"
    want = cli_json(
        "compare", path, "--gamma", "0,1,2", "--alpha", "none,0.5", "--variant", "flsd53",
        "--variant", "poly1:1", "--buckets", "0,0.5,1", "--eps", "1e-6",
    )
    got = flcli.compare(
        pq.read_table(path), gamma=[0, 1, 2], alpha=[None, 0.5], variant=["flsd53", "poly1:1"],
        buckets=[0, 0.5, 1], eps=1e-6,
    )
    assert without_input(got) == without_input(want)
    soft = FIXTURES / "longtail.parquet"
    want = cli_json("compare", soft, "--alpha", "none;" + ",".join(["0.1"] * 10))
    got = flcli.compare(pq.read_table(soft), alpha=[None, [0.1] * 10])
    assert without_input(got) == without_input(want)


def test_every_arrow_source_gives_the_same_report():
    path = FIXTURES / "longtail.parquet"
    t = pq.read_table(path)
    want = without_input(cli_json("stats", path))
    t_small = t.combine_chunks().to_batches(max_chunksize=100)
    sources = [
        t,
        pa.Table.from_batches(t_small),
        pa.RecordBatchReader.from_batches(t.schema, t_small),
        t.combine_chunks().to_batches()[0],
        t.to_pandas(),
    ]
    try:
        import polars as pl

        sources.append(pl.from_arrow(t))
    except ImportError:
        pass
    for s in sources:
        assert without_input(flcli.stats(s)) == want, type(s)


def test_dict_of_numpy_and_torch():
    import numpy as np

    path = FIXTURES / "longtail.parquet"
    t = pq.read_table(path)
    probs = np.stack([t[f"prob_{i}"].to_numpy() for i in range(10)], axis=1)
    labels = t["label"].to_numpy()
    want = cli_json("stats", path)
    got = flcli.stats({"label": labels, "probs": probs}, probs="probs")
    assert without_input(got) == without_input(want)
    torch = pytest.importorskip("torch")
    got = flcli.stats({"label": torch.from_numpy(labels), "probs": torch.from_numpy(probs)}, probs="probs")
    assert without_input(got) == without_input(want)


def test_partial_bytes_equal_the_cli_file(tmp_path):
    path = FIXTURES / "sigmoid.parquet"
    out = tmp_path / "s.flp"
    run_cli("partial", path, "--mode", "sigmoid", "--gamma", "0,1", "-o", out, "-q")
    assert flcli.partial(str(path), mode="sigmoid", gamma=[0, 1]) == out.read_bytes()


def test_merge_and_reports_on_partials(tmp_path):
    a, b = FIXTURES / "detection.parquet", FIXTURES / "detection.csv"
    pa_, pb = tmp_path / "a.flp", tmp_path / "b.flp"
    run_cli("partial", a, "-o", pa_, "-q")
    run_cli("partial", b, "-o", pb, "-q")
    ba, bb = flcli.partial(str(a)), flcli.partial(str(b))
    merged = tmp_path / "m.flp"
    run_cli("merge", pa_, pb, "-o", merged, "-q")
    assert flcli.merge([ba, bb]) == merged.read_bytes()
    # Another tree, the same bytes; another order, the same sums (the file list follows the order).
    assert flcli.merge([flcli.merge([ba]), bb]) == flcli.merge([ba, bb])
    assert without_input(flcli.stats([bb, ba])) == without_input(flcli.stats([ba, bb]))
    for command in ("stats", "compare", "recommend"):
        want = cli_json(command, pa_, pb)
        got = getattr(flcli, command)([ba, bb])
        assert without_input(got) == without_input(want)
        assert got["input"]["rows_read"] == want["input"]["rows_read"]
    # In-memory partials report as the whole table does.
    t = pq.read_table(a)
    halves = [flcli.partial(t.slice(0, 2500)), flcli.partial(t.slice(2500))]
    assert_close(without_input(flcli.stats(halves)), without_input(cli_json("stats", a)))


def test_threads_keyword():
    t = pq.read_table(FIXTURES / "animals.parquet")
    assert flcli.stats(t, threads=1) == flcli.stats(t)


def test_a_null_by_value_is_a_group_of_its_own_keyed_none(tmp_path):
    table = pa.table({
        "label": [0, 1, 0, 1, 1],
        "prob": [0.2, 0.7, 0.4, 0.6, 0.9],
        "g": [None, "(null)", None, "a", "(null)"],
    })
    path = tmp_path / "keys.parquet"
    pq.write_table(table, path)
    got = flcli.stats(table, by="g")
    assert [g["key"] for g in got["groups"]] == [None, "(null)", "a"]
    assert [g["input"]["rows_read"] for g in got["groups"]] == [2, 2, 1]
    assert without_input(got) == without_input(cli_json("stats", path, "--by", "g"))
