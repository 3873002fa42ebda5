"""Errors reach Python as flcli.FlcliError with the CLI's message; no panic crosses."""

from __future__ import annotations

import math

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

import flcli
from conftest import FIXTURES, cli_error


def test_is_a_value_error():
    assert issubclass(flcli.FlcliError, ValueError)


def test_missing_column_message_is_the_cli_s():
    path = FIXTURES / "detection.parquet"
    want = cli_error("stats", path, "--label", "nope", "--json")
    with pytest.raises(flcli.FlcliError) as e:
        flcli.stats(str(path), label="nope")
    assert str(e.value) == want
    # In memory: the same message, naming <memory> instead of the file.
    with pytest.raises(flcli.FlcliError) as e:
        flcli.stats(pq.read_table(path), label="nope")
    assert str(e.value) == want.replace(str(path), "<memory>")


def test_nan_score_in_strict_mode(tmp_path):
    t = pa.table({"label": [0, 1, 1], "prob": [0.2, math.nan, 0.7]})
    f = tmp_path / "nan.parquet"
    pq.write_table(t, f)
    want = cli_error("stats", f, "--json")
    assert "NaN" in want or "nan" in want
    with pytest.raises(flcli.FlcliError) as e:
        flcli.stats(t)
    assert str(e.value) == want.replace(str(f), "<memory>")
    # --skip-invalid counts the row instead.
    r = flcli.stats(t, skip_invalid=True)
    assert r["input"]["rows_skipped"] == 1


def test_bad_flag_values_and_unknown_keywords():
    t = pq.read_table(FIXTURES / "detection.parquet")
    with pytest.raises(flcli.FlcliError, match="--gamma"):
        flcli.stats(t, gamma=-1)
    with pytest.raises(flcli.FlcliError, match="--no-such-flag"):
        flcli.stats(t, no_such_flag=1)
    with pytest.raises(flcli.FlcliError, match="--out does not apply"):
        flcli.stats(t, out="x.json")
    with pytest.raises(flcli.FlcliError, match="--fail-if does not apply"):
        flcli.stats(t, fail_if=["totals.focal_mean > 0"])
    with pytest.raises(flcli.FlcliError, match="no data rows"):
        flcli.stats(t.slice(0, 0))
    with pytest.raises(flcli.FlcliError, match="cannot read data of type"):
        flcli.stats(42)


def test_damaged_partial_and_mismatched_merge():
    with pytest.raises(flcli.FlcliError, match="not a readable flcli partial result"):
        flcli.stats(b"\x89FLP\r\n\x1a\n garbage")
    t = pq.read_table(FIXTURES / "detection.parquet")
    a = flcli.partial(t)
    b = flcli.partial(t, eps=1e-6)
    with pytest.raises(flcli.FlcliError, match="eps"):
        flcli.merge([a, b])
    with pytest.raises(flcli.FlcliError, match="--label applies to reading data files"):
        flcli.stats(a, label="label")
