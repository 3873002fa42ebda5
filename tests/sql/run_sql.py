"""Runs a query that `flcli sql` printed, for the integration tests (tests/it/sql.rs).

    run_sql.py duckdb QUERY_FILE OUT.parquet|OUT.csv
    run_sql.py datafusion QUERY_FILE OUT.parquet|OUT.csv TABLE=FILE.parquet...
    run_sql.py spark JOBS_FILE               (each line: QUERY_FILE OUT.parquet TABLE=FILE.parquet;
                                              one local Spark session runs them all)
    run_sql.py parse DIALECT QUERY_FILE      (sqlglot: trino, bigquery, postgres, spark)

Writes the result (the sums table) to OUT; exits non-zero on any error.
"""
import sys


def write(table, out):
    if out.endswith(".csv"):
        import pyarrow.csv as pc
        pc.write_csv(table, out)
    else:
        import pyarrow.parquet as pq
        pq.write_table(table, out)


def spark(jobs_file):
    import os
    from pyspark.sql import SparkSession
    os.environ.setdefault("PYSPARK_PYTHON", sys.executable)
    # One local session for every job: starting the JVM is most of the time.
    session = (
        SparkSession.builder.master("local[1]")
        .appName("flcli-sql-test")
        .config("spark.ui.enabled", "false")
        .config("spark.sql.shuffle.partitions", "2")
        .getOrCreate()
    )
    session.sparkContext.setLogLevel("ERROR")
    try:
        for line in open(jobs_file, encoding="utf-8"):
            if not line.strip():
                continue
            query, out, *tables = line.split("\t")
            for spec in tables:
                name, path = spec.strip().split("=", 1)
                session.read.parquet(path).createOrReplaceTempView(name)
            q = open(query, encoding="utf-8").read()
            write(session.sql(q).toArrow(), out.strip())
    finally:
        session.stop()


def main():
    engine = sys.argv[1]
    if engine == "parse":
        import sqlglot
        dialect, path = sys.argv[2], sys.argv[3]
        q = open(path, encoding="utf-8").read()
        trees = sqlglot.parse(q, read=dialect, error_level=sqlglot.ErrorLevel.RAISE)
        assert len(trees) == 1 and trees[0] is not None, "one statement expected"
        return
    if engine == "spark":
        spark(sys.argv[2])
        return
    q = open(sys.argv[2], encoding="utf-8").read()
    out = sys.argv[3]
    if engine == "duckdb":
        import duckdb
        con = duckdb.connect()
        write(con.sql(q).to_arrow_table(), out)
    elif engine == "datafusion":
        import datafusion
        ctx = datafusion.SessionContext()
        for spec in sys.argv[4:]:
            name, path = spec.split("=", 1)
            ctx.register_parquet(name, path)
        write(ctx.sql(q).to_arrow_table(), out)
    else:
        raise SystemExit(f"unknown engine {engine}")


if __name__ == "__main__":
    main()
