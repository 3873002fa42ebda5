#!/usr/bin/env python3
"""Deterministic benchmark data for flcli.

    python3 benches/gen_data.py --out bench-data [--rows-scale 1.0] [--only NAME]
                                [--big] [--force] [--verify]

Files (row counts at --rows-scale 1.0):

  binary_20m.parquet   20,000,000 rows; label int64 (0/1, ~1% positives),
                       prob f64 = sigmoid(logit), logit f64.
  binary_5m.csv        the first 5,000,000 rows of the same data, header row,
                       floats written with Python repr (shortest round-trip
                       form, up to 17 significant digits: parsing them back
                       gives the exact same doubles as the Parquet file).
  multi80_2m.parquet   2,000,000 rows; label int64 in -1..79 (-1 = background,
                       ~50% of rows; classes long-tailed, class 0 most common),
                       logit_0..logit_79 float32 (float32 keeps the file at
                       ~0.6 GB instead of ~1.2 GB; readers widen to f64).
  binary_200m.parquet  200,000,000 rows, only with --big (or --only binary_200m);
                       the first 20M rows equal binary_20m.parquet.
  softmax100_1m.parquet     1,000,000 rows x K = 100 and
  softmax1000_100k.parquet  100,000 rows x K = 1000: label int64 in 0..K-1 (long
                       tail), logits fixed_size_list<float32>[K], written by one
                       pq.write_table call with pyarrow's defaults (snappy,
                       dictionary on, default row-group size) as users do.

Files as users write them (the same binary stream, label int64, prob and logit
cast to float32 as a model's output is; each writer with its defaults):

  binary_20m_pyarrow.parquet  pyarrow.parquet.write_table(table, path): dictionary
                       encoding on (float chunks fall back to plain pages once
                       the dictionary page is full), snappy, default row groups.
  binary_20m_polars.parquet   polars DataFrame.write_parquet(path) defaults (zstd).
  binary_20m_duckdb.parquet   DuckDB COPY (SELECT * FROM t) TO path (FORMAT parquet).
  binary_5m_pandas.csv        pandas DataFrame.to_csv(path) defaults: an unnamed
                       index column first, float32 written in shortest form.
  binary_20m_onerg.parquet    as binary_20m_pyarrow.parquet in one row group of
                       20M rows (write_table(row_group_size=...)).
  binary_20m_by1000.parquet   as binary_20m_pyarrow.parquet plus a `group` column
                       (int64, 1000 values in random order) for `compare --by`.
  binary_20m_by1000s.parquet  the same with the group column as strings
                       ("g000".."g999", dictionary-encoded as pyarrow writes them).

Everything is generated in chunks of CHUNK rows with one RNG per chunk, seeded
from (SEED, stream, chunk index), so the same command always writes the same
data, and every binary file (at any --rows-scale) is a prefix of the same
stream: binary_5m.csv == first rows of binary_20m.parquet == first rows of
binary_200m.parquet.  Memory stays at a few hundred MB whatever the size.
Parquet: snappy, one row group per chunk (1M rows binary, 250k rows multi80),
no dictionary encoding for float columns, statistics on.

A file that already exists with the expected row count is skipped unless
--force.  Files are written to NAME.tmp and renamed when complete.

Needs numpy and pyarrow (and polars, duckdb, pandas for the files they write).  If the running interpreter lacks them and the peers
venv (default /work/venvs/peers, or $FLCLI_BENCH_VENV) exists, the script
re-executes itself there.
"""
import argparse
import os
import sys
import time


def _ensure_deps():
    try:
        import numpy  # noqa: F401
        import pyarrow  # noqa: F401
        return
    except ImportError:
        pass
    venv = os.environ.get("FLCLI_BENCH_VENV", "/work/venvs/peers")
    py = os.path.join(venv, "bin", "python")
    if os.path.exists(py) and not os.environ.get("_FLCLI_GEN_REEXEC"):
        os.environ["_FLCLI_GEN_REEXEC"] = "1"
        os.execv(py, [py, os.path.abspath(__file__)] + sys.argv[1:])
    sys.exit(
        "gen_data.py needs numpy and pyarrow. Either `pip install numpy pyarrow`, or create "
        "the peers venv with `python3 benches/peers.py --setup-only` (gen_data.py then uses it)."
    )


_ensure_deps()

import numpy as np  # noqa: E402
import pyarrow as pa  # noqa: E402
import pyarrow.parquet as pq  # noqa: E402

SEED = 20240917
STREAM_BINARY = 1
STREAM_MULTI = 2
STREAM_GROUPS = 3
CHUNK_BINARY = 1_000_000
CHUNK_MULTI = 250_000
N_CLASSES = 80

# name -> (base rows, kind)
FILES = {
    "binary_20m.parquet": (20_000_000, "binary_parquet"),
    "binary_5m.csv": (5_000_000, "binary_csv"),
    "multi80_2m.parquet": (2_000_000, "multi_parquet"),
    "binary_200m.parquet": (200_000_000, "binary_parquet"),
    "binary_20m_pyarrow.parquet": (20_000_000, "user_pyarrow"),
    "binary_20m_polars.parquet": (20_000_000, "user_polars"),
    "binary_20m_duckdb.parquet": (20_000_000, "user_duckdb"),
    "binary_5m_pandas.csv": (5_000_000, "user_pandas"),
    "softmax100_1m.parquet": (1_000_000, "softmax100_parquet"),
    "softmax1000_100k.parquet": (100_000, "softmax1000_parquet"),
    "binary_20m_by1000.parquet": (20_000_000, "user_by1000"),
    "binary_20m_by1000s.parquet": (20_000_000, "user_by1000s"),
    "binary_20m_onerg.parquet": (20_000_000, "user_onerg"),
}
BIG = {"binary_200m.parquet"}


def _rng(stream, chunk):
    return np.random.Generator(np.random.PCG64(np.random.SeedSequence([SEED, stream, chunk])))


def sigmoid(x):
    """Numerically stable logistic function (relative accuracy for tiny p too)."""
    out = np.empty_like(x)
    pos = x >= 0
    out[pos] = 1.0 / (1.0 + np.exp(-x[pos]))
    e = np.exp(x[~pos])
    out[~pos] = e / (1.0 + e)
    return out


def binary_chunk(chunk, n):
    """Chunk `chunk` of the binary stream, first n rows (n <= CHUNK_BINARY).

    Detector-like scores: ~1% positives, logit ~ N(1.5, 2.5) (spread over every
    p_t bucket).  Negatives: 90% easy N(-7, 1.5) (p ~ 1e-3, some below the
    1e-7 clamp), 8% medium N(-3.5, 1.2), 2% hard N(0, 2).  1e-4 of all rows
    are saturated (|logit| in 20..50, sign matches the label 95% of the time),
    so prob is sometimes exactly 1.0 and clamping matters.
    """
    rng = _rng(STREAM_BINARY, chunk)
    m = CHUNK_BINARY  # always draw the full chunk so prefixes are stable
    label = (rng.random(m) < 0.01).astype(np.int64)
    u = rng.random(m)
    z = rng.standard_normal(m)
    logit = np.where(
        label == 1,
        1.5 + 2.5 * z,
        np.where(u < 0.90, -7.0 + 1.5 * z, np.where(u < 0.98, -3.5 + 1.2 * z, 2.0 * z)),
    )
    sat = rng.random(m) < 1e-4
    mag = rng.uniform(20.0, 50.0, m)
    sign = np.where(label == 1, 1.0, -1.0) * np.where(rng.random(m) < 0.95, 1.0, -1.0)
    logit = np.where(sat, sign * mag, logit)
    label, logit = label[:n], logit[:n]
    return label, sigmoid(logit), logit


def class_probs():
    w = 1.0 / np.arange(1, N_CLASSES + 1) ** 1.2
    return w / w.sum()


def multi_chunk(chunk, n):
    """Chunk of the multi-class stream: labels and an (80, n) float32 logit block.

    label: -1 (background) with prob 0.5, else class c ~ (c+1)^-1.2 (long tail,
    class 79 ~0.13% of foreground).  Every logit starts as a negative score
    (93% easy N(-6, 1.5), 7% hard N(-2, 1.5)); the true class of a foreground
    row is replaced by N(1, 2).
    """
    rng = _rng(STREAM_MULTI, chunk)
    m = CHUNK_MULTI
    fg = rng.random(m) >= 0.5
    cls = rng.choice(N_CLASSES, size=m, p=class_probs())
    label = np.where(fg, cls, -1).astype(np.int64)
    logits = rng.standard_normal((N_CLASSES, m), dtype=np.float32)
    hard = rng.random((N_CLASSES, m), dtype=np.float32) < 0.07
    logits *= np.float32(1.5)
    logits += np.where(hard, np.float32(-2.0), np.float32(-6.0))
    del hard
    pos_score = (1.0 + 2.0 * rng.standard_normal(m)).astype(np.float32)
    rows = np.nonzero(fg)[0]
    logits[cls[rows], rows] = pos_score[rows]
    return label[:n], logits[:, :n]


BINARY_SCHEMA = pa.schema([("label", pa.int64()), ("prob", pa.float64()), ("logit", pa.float64())])
MULTI_SCHEMA = pa.schema(
    [("label", pa.int64())] + [(f"logit_{j}", pa.float32()) for j in range(N_CLASSES)]
)


def _chunks(total, size):
    k, done = 0, 0
    while done < total:
        n = min(size, total - done)
        yield k, n
        k += 1
        done += n


def _progress(name, done, total, t0):
    el = time.time() - t0
    sys.stderr.write(f"\r  {name}: {done:,}/{total:,} rows  {el:6.1f}s")
    sys.stderr.flush()


def write_binary_parquet(path, rows, name):
    t0 = time.time()
    with pq.ParquetWriter(path, BINARY_SCHEMA, compression="snappy", use_dictionary=["label"]) as w:
        done = 0
        for k, n in _chunks(rows, CHUNK_BINARY):
            label, prob, logit = binary_chunk(k, n)
            t = pa.Table.from_arrays([pa.array(label), pa.array(prob), pa.array(logit)], schema=BINARY_SCHEMA)
            w.write_table(t, row_group_size=CHUNK_BINARY)
            done += n
            _progress(name, done, rows, t0)
    sys.stderr.write("\n")


def write_binary_csv(path, rows, name):
    t0 = time.time()
    with open(path, "w", newline="\n") as f:
        f.write("label,prob,logit\n")
        done = 0
        for k, n in _chunks(rows, CHUNK_BINARY):
            label, prob, logit = binary_chunk(k, n)
            # repr(float) is the shortest string that round-trips exactly.
            f.write("".join(f"{a},{b!r},{c!r}\n" for a, b, c in zip(label.tolist(), prob.tolist(), logit.tolist())))
            done += n
            _progress(name, done, rows, t0)
    sys.stderr.write("\n")


def write_multi_parquet(path, rows, name):
    t0 = time.time()
    with pq.ParquetWriter(path, MULTI_SCHEMA, compression="snappy", use_dictionary=["label"]) as w:
        done = 0
        for k, n in _chunks(rows, CHUNK_MULTI):
            label, logits = multi_chunk(k, n)
            arrays = [pa.array(label)] + [pa.array(logits[j]) for j in range(N_CLASSES)]
            w.write_table(pa.Table.from_arrays(arrays, schema=MULTI_SCHEMA), row_group_size=CHUNK_MULTI)
            done += n
            _progress(name, done, rows, t0)
    sys.stderr.write("\n")


def user_table(rows):
    """The binary stream as a model's output: float32 prob and logit, int64 label."""
    parts = []
    for k, n in _chunks(rows, CHUNK_BINARY):
        label, prob, logit = binary_chunk(k, n)
        parts.append(pa.Table.from_arrays(
            [pa.array(label), pa.array(prob.astype(np.float32)), pa.array(logit.astype(np.float32))],
            names=["label", "prob", "logit"]))
    return pa.concat_tables(parts).combine_chunks()


def write_user_pyarrow(path, rows, name):
    pq.write_table(user_table(rows), path)


def write_user_onerg(path, rows, name):
    pq.write_table(user_table(rows), path, row_group_size=rows)


def write_user_by1000(path, rows, name):
    t = user_table(rows)
    group = _rng(STREAM_GROUPS, 0).integers(0, 1000, t.num_rows)
    pq.write_table(t.append_column("group", pa.array(group)), path)


def write_user_by1000s(path, rows, name):
    t = user_table(rows)
    group = _rng(STREAM_GROUPS, 0).integers(0, 1000, t.num_rows)
    names = np.array([f"g{k:03d}" for k in range(1000)], dtype=object)
    pq.write_table(t.append_column("group", pa.array(names[group], type=pa.string())), path)


def write_user_polars(path, rows, name):
    import polars as pl

    pl.from_arrow(user_table(rows)).write_parquet(path)


def write_user_duckdb(path, rows, name):
    import duckdb

    con = duckdb.connect()
    t = user_table(rows)  # noqa: F841 (DuckDB finds the Arrow table by its Python name)
    quoted = "'" + path.replace("'", "''") + "'"
    con.execute(f"COPY (SELECT * FROM t) TO {quoted} (FORMAT parquet)")


def write_user_pandas(path, rows, name):
    user_table(rows).to_pandas().to_csv(path)


STREAM_SOFTMAX = 3
CHUNK_SOFTMAX_SCORES = 10_000_000  # logits per generated chunk (rows = this / K)


def softmax_chunk(k, chunk, n):
    """Chunk of the K-class softmax stream: labels and an (n, K) float32 logit block.

    label c ~ (c+1)^-1 over K classes (long tail).  Logits N(0, 1.5); the true
    class's logit gets + N(3, 2), so p_t spreads over every bucket (from
    confident and right to confidently wrong).
    """
    rng = _rng(STREAM_SOFTMAX, k * 1_000_003 + chunk)
    m = CHUNK_SOFTMAX_SCORES // k
    w = 1.0 / np.arange(1, k + 1)
    label = rng.choice(k, size=m, p=w / w.sum()).astype(np.int64)
    logits = rng.standard_normal((m, k), dtype=np.float32)
    logits *= np.float32(1.5)
    logits[np.arange(m), label] += (3.0 + 2.0 * rng.standard_normal(m)).astype(np.float32)
    return label[:n], logits[:n]


def write_softmax_parquet(k, path, rows, name):
    """One table, one pq.write_table call with every default: what a user's dump looks like."""
    t0 = time.time()
    labels, lists = [], []
    done = 0
    for c, n in _chunks(rows, CHUNK_SOFTMAX_SCORES // k):
        label, logits = softmax_chunk(k, c, n)
        labels.append(pa.array(label))
        lists.append(pa.FixedSizeListArray.from_arrays(pa.array(logits.reshape(-1)), k))
        done += n
        _progress(name, done, rows, t0)
    t = pa.table({"label": pa.chunked_array(labels), "logits": pa.chunked_array(lists)})
    pq.write_table(t, path)
    sys.stderr.write("\n")


def write_softmax100_parquet(path, rows, name):
    write_softmax_parquet(100, path, rows, name)


def write_softmax1000_parquet(path, rows, name):
    write_softmax_parquet(1000, path, rows, name)


WRITERS = {
    "user_pyarrow": write_user_pyarrow,
    "user_polars": write_user_polars,
    "user_duckdb": write_user_duckdb,
    "user_pandas": write_user_pandas,
    "softmax100_parquet": write_softmax100_parquet,
    "softmax1000_parquet": write_softmax1000_parquet,
    "user_by1000": write_user_by1000,
    "user_by1000s": write_user_by1000s,
    "user_onerg": write_user_onerg,
    "binary_parquet": write_binary_parquet,
    "binary_csv": write_binary_csv,
    "multi_parquet": write_multi_parquet,
}


def existing_rows(path):
    if not os.path.exists(path):
        return None
    try:
        if path.endswith(".parquet"):
            return pq.ParquetFile(path).metadata.num_rows
        n = 0
        with open(path, "rb") as f:
            while True:
                b = f.read(1 << 24)
                if not b:
                    break
                n += b.count(b"\n")
        return n - 1  # header
    except Exception:
        return -1


def verify(out, rows_of):
    """Check CSV == prefix of the Parquet file bit for bit, and the row counts."""
    import pyarrow.csv as pacsv

    ok = True
    pqf = os.path.join(out, "binary_20m.parquet")
    csvf = os.path.join(out, "binary_5m.csv")
    if os.path.exists(pqf) and os.path.exists(csvf):
        c = pacsv.read_csv(csvf)
        n = c.num_rows
        p = pq.read_table(pqf).slice(0, n)
        for col in ("label", "prob", "logit"):
            a = c[col].to_numpy()
            b = p[col].to_numpy()
            if a.dtype == np.float64 and b.dtype == np.float64:
                same = np.array_equal(a.view(np.uint64), b.view(np.uint64))
            else:
                same = a.dtype == b.dtype and np.array_equal(a, b)
            print(f"verify: binary_5m.csv column {col} bit-identical to binary_20m.parquet prefix: {same}")
            ok &= bool(same)
        lab = p["label"].to_numpy()
        print(f"verify: positives in first {n:,} rows: {lab.mean():.4%}")
    m = os.path.join(out, "multi80_2m.parquet")
    if os.path.exists(m):
        lab = pq.read_table(m, columns=["label"])["label"].to_numpy()
        bg = (lab == -1).mean()
        counts = np.bincount(lab[lab >= 0], minlength=N_CLASSES)
        print(f"verify: multi80 background {bg:.2%}, class counts max {counts.max():,} (class {counts.argmax()}), "
              f"min {counts.min():,} (class {counts.argmin()}), imbalance {counts.max() / max(counts.min(), 1):.0f}:1")
    return ok


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--out", default="bench-data", help="output directory (default bench-data)")
    ap.add_argument("--rows-scale", type=float, default=1.0, help="multiply every row count (e.g. 0.01 for a quick test)")
    ap.add_argument("--only", action="append", default=[], help="make only this file (repeatable; extension optional)")
    ap.add_argument("--big", action="store_true", help="also make binary_200m.parquet")
    ap.add_argument("--force", action="store_true", help="rewrite files that already exist")
    ap.add_argument("--verify", action="store_true", help="after writing, check CSV/Parquet agreement and label stats")
    args = ap.parse_args()

    names = list(FILES)
    if args.only:
        want = set()
        for o in args.only:
            hit = [k for k in FILES if k == o or k.split(".")[0] == o]
            if not hit:
                ap.error(f"unknown file {o!r}; choose from {', '.join(FILES)}")
            want.update(hit)
        names = [k for k in names if k in want]
    elif not args.big:
        names = [k for k in names if k not in BIG]

    os.makedirs(args.out, exist_ok=True)
    rows_of = {k: max(1, int(round(FILES[k][0] * args.rows_scale))) for k in FILES}
    t_all = time.time()
    for name in names:
        rows, kind = rows_of[name], FILES[name][1]
        path = os.path.join(args.out, name)
        have = existing_rows(path)
        if have == rows and not args.force:
            print(f"{name}: exists with {rows:,} rows, skipped (--force to rewrite)")
            continue
        if have is not None:
            print(f"{name}: exists with {have} rows (want {rows:,}), rewriting")
        t0 = time.time()
        tmp = path + ".tmp"
        WRITERS[kind](tmp, rows, name)
        os.replace(tmp, path)
        print(f"{name}: {rows:,} rows, {os.path.getsize(path) / 2**20:,.1f} MiB, {time.time() - t0:.1f}s")
    print(f"total {time.time() - t_all:.1f}s")
    if args.verify and not verify(args.out, rows_of):
        sys.exit(1)


if __name__ == "__main__":
    main()
