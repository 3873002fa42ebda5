"""Runs a query that `flcli sql` printed, for the tests (tests/it/sql.rs, src/sql/engines_tests.rs).

    run_sql.py duckdb QUERY_FILE OUT.parquet|OUT.csv
    run_sql.py datafusion QUERY_FILE OUT.parquet|OUT.csv TABLE=FILE.parquet...
    run_sql.py spark JOBS_FILE               (each line: QUERY_FILE OUT.parquet TABLE=FILE.parquet;
                                              one local Spark session runs them all)
    run_sql.py postgres JOBS_FILE            (the same jobs, in a throwaway PostgreSQL cluster that
                                              this script creates, starts and removes)
    run_sql.py parse DIALECT QUERY_FILE      (sqlglot: trino, bigquery, postgres, spark)

Writes the result (the sums table) to OUT; exits non-zero on any error.
"""
import sys


def write(table, out):
    if out.endswith(".csv"):
        import pyarrow as pa
        import pyarrow.csv as pc
        # pyarrow's CSV writer takes no string views (DataFusion's text columns).
        table = pa.table({
            f.name: (c.cast(pa.string()) if pa.types.is_string_view(f.type) else c)
            for f, c in zip(table.schema, table.columns)
        })
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


# Arrow types of the fixtures, as PostgreSQL column types.
PG_TYPES = {
    "int8": "smallint", "int16": "smallint", "int32": "integer", "int64": "bigint",
    "float": "real", "double": "double precision", "string": "text", "large_string": "text",
    "bool": "boolean",
}


def pg_type(t):
    """A PostgreSQL column type for an Arrow type: lists as arrays of their elements' type."""
    import pyarrow as pa
    if pa.types.is_list(t) or pa.types.is_large_list(t) or pa.types.is_fixed_size_list(t):
        return pg_type(t.value_type) + "[]"
    return PG_TYPES[str(t)]


def pg_bindir():
    import glob
    import os
    if os.environ.get("FLCLI_PG_BIN"):
        return os.environ["FLCLI_PG_BIN"]
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/postgres"))
    if not found:
        raise SystemExit("no PostgreSQL server: install Debian's postgresql package or set FLCLI_PG_BIN")
    return os.path.dirname(found[-1])


def postgres(jobs_file):
    """Creates a cluster in a temporary folder, listening only on a Unix socket there, runs
    every job in it, and removes it. As root the server runs as the `postgres` user, since
    PostgreSQL refuses to run as root."""
    import os
    import shutil
    import subprocess
    import tempfile
    import psycopg
    import pyarrow as pa
    import pyarrow.parquet as pq

    bindir = pg_bindir()
    root = tempfile.mkdtemp(prefix="flcli-pg-")
    data = os.path.join(root, "data")
    as_user = []
    if os.geteuid() == 0:
        import pwd
        pw = pwd.getpwnam("postgres")
        os.chown(root, pw.pw_uid, pw.pw_gid)
        as_user = ["runuser", "-u", "postgres", "--"]
    user = "postgres" if as_user else None

    def run(*cmd):
        subprocess.run(as_user + list(cmd), check=True, stdout=subprocess.DEVNULL)

    try:
        run(f"{bindir}/initdb", "-D", data, "-U", "postgres", "--auth=trust", "--no-sync")
        run(f"{bindir}/pg_ctl", "-D", data, "-w", "-l", os.path.join(root, "log"),
            "-o", f"-k {root} -c listen_addresses='' -p 5433 -c fsync=off", "start")
        with psycopg.connect(host=root, port=5433, user=user or os.environ.get("USER", "postgres"),
                             dbname="postgres", autocommit=True) as con:
            for line in open(jobs_file, encoding="utf-8"):
                if not line.strip():
                    continue
                query, out, *tables = line.split("\t")
                for spec in tables:
                    name, path = spec.strip().split("=", 1)
                    t = pq.read_table(path)
                    cols = ", ".join(f'"{f.name}" {pg_type(f.type)}' for f in t.schema)
                    con.execute(f'DROP TABLE IF EXISTS "{name}"')
                    con.execute(f'CREATE TABLE "{name}" ({cols})')
                    names = ", ".join(f'"{f.name}"' for f in t.schema)
                    with con.cursor().copy(f'COPY "{name}" ({names}) FROM STDIN') as cp:
                        for row in zip(*(c.to_pylist() for c in t.columns)):
                            cp.write_row(row)
                q = open(query, encoding="utf-8").read()
                cur = con.execute(q)
                names = [d.name for d in cur.description]
                rows = cur.fetchall()
                cols = {n: [r[i] for r in rows] for i, n in enumerate(names)}
                write(pa.table(cols), out.strip())
    finally:
        subprocess.run(as_user + [f"{bindir}/pg_ctl", "-D", data, "-m", "immediate", "stop"],
                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        shutil.rmtree(root, ignore_errors=True)


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
    if engine == "postgres":
        postgres(sys.argv[2])
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
