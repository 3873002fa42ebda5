"""flcli.Accumulator: batches in, the same report out; merges and pickles."""

from __future__ import annotations

import pickle

import pyarrow.parquet as pq
import pytest

import flcli
from conftest import FIXTURES, assert_close, cli_json, without_input


def batches(path, n):
    t = pq.read_table(path)
    step = (t.num_rows + n - 1) // n
    return [t.slice(i, step) for i in range(0, t.num_rows, step)]


@pytest.mark.parametrize("name,flags,args", [
    ("detection.parquet", {}, []),
    ("longtail.parquet", {"by": "split"}, ["--by", "split"]),
    ("sigmoid.parquet", {"mode": "sigmoid"}, ["--mode", "sigmoid"]),
])
def test_batches_give_the_cli_report(name, flags, args):
    path = FIXTURES / name
    acc = flcli.Accumulator(**flags)
    for b in batches(path, 7):
        acc.update(b)
    assert acc.rows_read == pq.read_metadata(path).num_rows
    # Batches are split elsewhere than at unit boundaries: within 1e-13 (docs/partial.md).
    assert_close(without_input(acc.stats()), without_input(cli_json("stats", path, *args)))
    assert_close(without_input(acc.compare(gamma=[0, 2])),
                 without_input(cli_json("compare", path, *args, "--gamma", "0,2")))
    if "by" not in flags:
        assert_close(without_input(acc.recommend()), without_input(cli_json("recommend", path, *args)))
    # One batch holding every row: bit for bit.
    one = flcli.Accumulator(**flags).update(pq.read_table(path))
    assert without_input(one.stats()) == without_input(cli_json("stats", path, *args))


def test_merge_pickle_and_partial():
    path = FIXTURES / "animals.parquet"
    parts = batches(path, 4)
    a, b = flcli.Accumulator(), flcli.Accumulator()
    for p in parts[:2]:
        a.update(p)
    for p in parts[2:]:
        b.update(p)
    whole = flcli.Accumulator().update(pq.read_table(path))
    assert_close((a + b).stats(), whole.stats())
    assert a.merge(b).partial() == (b + a).partial()
    c = pickle.loads(pickle.dumps(a))
    assert c.partial() == a.partial() and c.rows_read == a.rows_read
    assert pickle.loads(pickle.dumps(flcli.Accumulator(label="x"))).rows_read == 0
    with pytest.raises(flcli.FlcliError, match="no rows yet"):
        flcli.Accumulator().stats()
