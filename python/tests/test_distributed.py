"""flcli.spark / flcli.dask / flcli.ray run for real on this machine; each
report equals the CLI's on the same rows (the `input` object aside)."""

from __future__ import annotations

import os
import sys

import pyarrow.parquet as pq
import pytest

import flcli
from conftest import FIXTURES, assert_close, cli_json, same_counts, without_input

CASES = [
    ("stats", "detection.parquet", {}, []),
    ("compare", "longtail.parquet", {"gamma": [0, 1, 2], "by": "split"}, ["--gamma", "0,1,2", "--by", "split"]),
    ("recommend", "sigmoid.parquet", {"mode": "sigmoid"}, ["--mode", "sigmoid"]),
    ("stats", "animals.parquet", {"alpha": None, "gamma": 1}, ["--alpha", "none", "--gamma", "1"]),
]


def check(engine, command, name, flags, args, make):
    path = FIXTURES / name
    want = cli_json(command, path, *args)
    got = getattr(engine, command)(make(path), **flags)
    # Partitions split the rows elsewhere than at unit boundaries: within 1e-13.
    assert_close(without_input(got), without_input(want))
    same_counts(got, want)
    assert got["input"]["format"] == "partial"


@pytest.fixture(scope="module")
def spark():
    pytest.importorskip("pyspark")
    os.environ.setdefault("PYSPARK_PYTHON", sys.executable)
    from pyspark.sql import SparkSession

    s = (
        SparkSession.builder.master("local[2]")
        .config("spark.ui.enabled", "false")
        .config("spark.sql.shuffle.partitions", "2")
        .getOrCreate()
    )
    yield s
    s.stop()


@pytest.mark.parametrize("command,name,flags,args", CASES)
def test_spark(spark, command, name, flags, args):
    import flcli.spark

    # Four partitions over two local workers.
    check(flcli.spark, command, name, flags, args,
          lambda p: spark.read.parquet(str(p)).repartition(4))


def test_spark_partials_are_one_per_partition(spark):
    import flcli.spark

    df = spark.read.parquet(str(FIXTURES / "detection.parquet")).repartition(3)
    parts = flcli.spark.partials(df)
    assert len(parts) == 3
    assert_close(without_input(flcli.stats(parts)), without_input(cli_json("stats", FIXTURES / "detection.parquet")))


@pytest.mark.parametrize("command,name,flags,args", CASES)
def test_dask(command, name, flags, args):
    dd = pytest.importorskip("dask.dataframe")
    import flcli.dask

    check(flcli.dask, command, name, flags, args,
          lambda p: dd.from_pandas(pq.read_table(p).to_pandas(), npartitions=3))


@pytest.fixture(scope="module")
def ray():
    ray = pytest.importorskip("ray")
    ray.init(num_cpus=2, include_dashboard=False, log_to_driver=False,
             runtime_env={"env_vars": {"PYTHONPATH": os.pathsep.join(sys.path)}})
    yield ray
    ray.shutdown()


@pytest.mark.parametrize("command,name,flags,args", CASES)
def test_ray(ray, command, name, flags, args):
    import flcli.ray

    check(flcli.ray, command, name, flags, args,
          lambda p: ray.data.from_arrow(pq.read_table(p)).repartition(3))


def test_errors_reach_the_driver(spark):
    import flcli.spark

    df = spark.read.parquet(str(FIXTURES / "detection.parquet"))
    with pytest.raises(Exception, match="nope"):
        flcli.spark.stats(df, label="nope")
    with pytest.raises(flcli.FlcliError, match="every partition was empty"):
        flcli.spark.stats(df.limit(0))
