#!/usr/bin/env python3
"""Compare flcli with peer tools on the benchmark data: agreement first, then time.

    python3 benches/peers.py [--data bench-data] [--flcli target/release/flcli]
                             [--flcli-before OTHER_BUILD/flcli]
                             [--runs 5] [--workloads A,B,C] [--no-check]
                             [--json results.json] [--venv /work/venvs/peers]
    python3 benches/peers.py --memory      # flcli peak RSS on 20M vs 200M rows
    python3 benches/peers.py --setup-only  # just create/update the venv

Workloads (data from benches/gen_data.py):
  A  binary_20m.parquet, `prob` column, alpha 0.25, gamma in {0, 0.5, 1, 2, 5}:
     p = clamp(prob, 1e-7, 1-1e-7); p_t = p if label == 1 else 1-p;
     ce = -ln p_t; fl_g = alpha_t (1-p_t)^g ce, alpha_t = 0.25 (label 1) / 0.75 (label 0);
     count, sum ce, sum fl_g per label and per p_t bucket
     (edges 0, .1, .25, .5, .75, .9, .99, 1; [lower, upper), last closed).
     Peers: DuckDB SQL on the Parquet file, polars lazy (scan_parquet), numpy + pyarrow.
  B  the same on binary_5m.csv (DuckDB read_csv, polars scan_csv, pyarrow.csv + numpy).
  C  multi80_2m.parquet, sigmoid one-vs-rest over logit_0..logit_79, label -1 =
     background; torchvision.ops.sigmoid_focal_loss(float32 logits, one-hot targets,
     alpha 0.25, gamma 2, reduction "sum"), reading included (pyarrow -> numpy -> torch).
     numpy float64 (streamed by row group) runs too, as an exact reference.
  D  binary_20m_pyarrow.parquet (pyarrow write_table defaults: float32 prob and logit,
     dictionary on, snappy), the grid of A.  flcli twice: on its default column
     choice (no --prob/--label: it reads the logits) and with --prob prob.
     Peer: polars lazy, the aggregates of A from prob (widened to f64).
  E  the same on binary_20m_polars.parquet (polars write_parquet defaults).
  F  the same on binary_20m_duckdb.parquet (DuckDB COPY ... TO defaults).
  G  the same on binary_5m_pandas.csv (pandas to_csv defaults, index column first).
  SM100   softmax100_1m.parquet (1M rows x K = 100) and
  SM1000  softmax1000_100k.parquet (100K rows x K = 1000): softmax over a fixed-size
     list column of float32 logits, no alpha, gamma in {0, 0.5, 1, 2, 5}; the
     count, CE and focal sums per class.  torch: pyarrow -> numpy -> torch,
     F.cross_entropy(reduction="none") in float32, 1 - p_t = -expm1(-ce), the
     focal terms, index_add_ into float64 per-class sums, reading included.
     numpy float64 (streamed by record batch) is the exact reference.
  H  binary_20m_by1000.parquet (D's file plus a `group` column, 1000 values in
     random order): flcli `compare --prob prob` with and without `--by group`
     (the ÷ flcli column is the cost of --by); polars checks the totals.
  I  binary_20m_onerg.parquet (D's data in one row group of 20M rows): as D, so
     flcli's time here against D's says whether one row group uses every core.

Agreement: DuckDB, polars and numpy must agree with each other to 1e-6 relative on
A and B (always checked).  Then every peer is compared with flcli's JSON
(`compare --json` and `stats --json`) to 1e-6 relative; torch float32 to 1e-4.
If flcli is missing or a check fails the script stops before timing, unless
--no-check (then it says which checks failed and times anyway).

Timing: every measured command is a fresh process (a peer is `python peers.py
--_child ...`, so interpreter start-up and imports are included, as a user would
pay them), 1 warm-up round then --runs rounds, tools interleaved within each
round.  Wall time from perf_counter around the process; peak RSS from GNU time's
%M (/usr/bin/time; wait4's ru_maxrss would include this script's own RSS).  Files are read from the page cache after warm-up.

The script re-executes itself inside a venv (default /work/venvs/peers), creating
it and pip-installing duckdb, polars, numpy, pyarrow, torch, torchvision if missing.
"""
import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)

GAMMAS = [0.0, 0.5, 1.0, 2.0, 5.0]
ALPHA = 0.25
EPS = 1e-7
EDGES = [0.0, 0.1, 0.25, 0.5, 0.75, 0.9, 0.99, 1.0]
INTERIOR = EDGES[1:-1]
NB = len(EDGES) - 1
N_CLASSES = 80
C_GAMMA = 2.0

RTOL = 1e-6
RTOL_TORCH = 1e-4

PACKAGES = [  # (import name, pip name)
    ("duckdb", "duckdb"),
    ("polars", "polars"),
    ("numpy", "numpy"),
    ("pyarrow", "pyarrow"),
    ("pandas", "pandas"),
    ("torch", "torch"),
    ("torchvision", "torchvision"),
]

WORKLOADS = {
    "A": {"file": "binary_20m.parquet", "kind": "binary", "tools": ["duckdb", "polars", "numpy"]},
    "B": {"file": "binary_5m.csv", "kind": "binary", "tools": ["duckdb", "polars", "numpy"]},
    "C": {"file": "multi80_2m.parquet", "kind": "multi", "tools": ["torch", "numpy"]},
    "D": {"file": "binary_20m_pyarrow.parquet", "kind": "binary", "tools": ["polars"], "user": True},
    "E": {"file": "binary_20m_polars.parquet", "kind": "binary", "tools": ["polars"], "user": True},
    "F": {"file": "binary_20m_duckdb.parquet", "kind": "binary", "tools": ["polars"], "user": True},
    "G": {"file": "binary_5m_pandas.csv", "kind": "binary", "tools": ["polars"], "user": True},
    "SM100": {"file": "softmax100_1m.parquet", "kind": "softmax", "tools": ["torch", "numpy"]},
    "SM1000": {"file": "softmax1000_100k.parquet", "kind": "softmax", "tools": ["torch", "numpy"]},
    "H": {"file": "binary_20m_by1000.parquet", "kind": "binary", "tools": [], "check_tools": ["polars"],
          "by": "group"},
    "HS": {"file": "binary_20m_by1000s.parquet", "kind": "binary", "tools": [], "check_tools": ["polars"],
           "by": "group"},
    "I": {"file": "binary_20m_onerg.parquet", "kind": "binary", "tools": ["polars"], "user": True},
}
# Packages only the multi-class and softmax workloads need (several GB): installed only when they run.
TORCH_ONLY = {"torch", "torchvision"}

GAMMA_ARG = ",".join(f"{g:g}" for g in GAMMAS)


def flcli_args(workload, path):
    """The flcli command lines (the JSON contract of the Rust side)."""
    if WORKLOADS[workload]["kind"] == "softmax":
        return {
            "compare": ["compare", path, "--logits", "logits", "--label", "label",
                        "--gamma", GAMMA_ARG, "--json"],
            "timed": "compare",
        }
    if WORKLOADS[workload]["kind"] == "binary":
        grid = ["--gamma", GAMMA_ARG, "--alpha", f"{ALPHA:g}"]
        out = {
            "compare": ["compare", path, "--prob", "prob", "--label", "label"] + grid + ["--json"],
            "stats": ["stats", path, "--prob", "prob", "--label", "label",
                      "--gamma", f"{C_GAMMA:g}", "--alpha", f"{ALPHA:g}", "--json"],
            "timed": "compare",
        }
        if WORKLOADS[workload].get("by"):
            prob = ["compare", path, "--prob", "prob"] + grid + ["--json"]
            out["timed_as"] = {"flcli": prob, "flcli --by": prob + ["--by", WORKLOADS[workload]["by"]]}
        elif WORKLOADS[workload].get("user"):
            # Timed as a user runs it: flcli's own column choice, and the probability column named.
            out["timed_as"] = {"flcli": ["compare", path] + grid + ["--json"],
                               "flcli --prob": ["compare", path, "--prob", "prob"] + grid + ["--json"]}
        return out
    return {
        "stats": ["stats", path, "--mode", "sigmoid", "--logits", "logit_*", "--label", "label",
                  "--gamma", f"{C_GAMMA:g}", "--alpha", f"{ALPHA:g}", "--json"],
        "timed": "stats",
    }


# --------------------------------------------------------------------------
# Peer implementations.  Each runs in its own process (`--_child TOOL WL FILE`)
# and prints one JSON object on stdout.
#   binary: {"groups": [[label, bucket, count, ce_sum, fl_sum(g) for g in GAMMAS], ...]}
#   multi : {"elements", "rows", "positives", "fl_sum", ["ce_sum", "class_count",
#            "class_ce", "class_fl"] (the bracketed ones with --detail)}
# --------------------------------------------------------------------------

def _sql_str(s):
    return "'" + s.replace("'", "''") + "'"


def peer_duckdb_binary(path):
    import duckdb

    if path.endswith(".csv"):
        src = (f"read_csv({_sql_str(path)}, header = true, "
               "columns = {'label': 'BIGINT', 'prob': 'DOUBLE', 'logit': 'DOUBLE'})")
    else:
        src = f"read_parquet({_sql_str(path)})"
    # Literals are cast to DOUBLE explicitly: a bare 0.25 is DECIMAL in DuckDB.
    # (`at` is a reserved word in DuckDB's grammar, hence alpha_t; ln() is the
    # natural log, log() would be log10.)
    d = lambda x: f"CAST({x!r} AS DOUBLE)"  # noqa: E731
    bucket = "CASE " + " ".join(f"WHEN pt < {d(e)} THEN {i}" for i, e in enumerate(INTERIOR)) + f" ELSE {NB - 1} END"
    fls = ", ".join(f"sum(alpha_t * pow(1 - pt, {d(g)}) * ce)" for g in GAMMAS)
    sql = f"""
        WITH a AS (
            SELECT label, greatest(least(prob, {d(1 - EPS)}), {d(EPS)}) AS p FROM {src}
        ), b AS (
            SELECT label,
                   CASE WHEN label = 1 THEN p ELSE 1 - p END AS pt,
                   CASE WHEN label = 1 THEN {d(ALPHA)} ELSE {d(1 - ALPHA)} END AS alpha_t
            FROM a
        ), c AS (
            SELECT label, pt, alpha_t, -ln(pt) AS ce, {bucket} AS bucket FROM b
        )
        SELECT label, bucket, count(*), sum(ce), {fls}
        FROM c GROUP BY label, bucket ORDER BY label, bucket
    """
    rows = duckdb.connect().execute(sql).fetchall()
    return {"groups": [[int(r[0]), int(r[1]), int(r[2])] + [float(x) for x in r[3:]] for r in rows]}


def peer_polars_binary(path):
    import polars as pl

    if path.endswith(".csv"):
        try:
            lf = pl.scan_csv(path, schema_overrides={"label": pl.Int64, "prob": pl.Float64, "logit": pl.Float64})
        except TypeError:  # polars < 0.20.31 called it dtypes=
            lf = pl.scan_csv(path, dtypes={"label": pl.Int64, "prob": pl.Float64, "logit": pl.Float64})
    else:
        lf = pl.scan_parquet(path)
    pos = pl.col("label") == 1
    # A float32 prob is widened first, so every tool sums the same f64 terms.
    lf = (
        lf.select(pl.col("label"), pl.col("prob").cast(pl.Float64).clip(EPS, 1 - EPS).alias("p"))
        .with_columns(
            pl.when(pos).then(pl.col("p")).otherwise(1 - pl.col("p")).alias("pt"),
            pl.when(pos).then(pl.lit(ALPHA)).otherwise(pl.lit(1 - ALPHA)).alias("at"),
        )
        .with_columns(
            (-pl.col("pt").log()).alias("ce"),  # Expr.log() defaults to base e
            pl.sum_horizontal([(pl.col("pt") >= e).cast(pl.Int32) for e in INTERIOR]).alias("bucket"),
        )
        .group_by(["label", "bucket"])
        .agg(
            [pl.len().alias("n"), pl.col("ce").sum().alias("ce_sum")]
            + [(pl.col("at") * (1 - pl.col("pt")).pow(g) * pl.col("ce")).sum().alias(f"fl{i}")
               for i, g in enumerate(GAMMAS)]
        )
        .sort(["label", "bucket"])
    )
    df = lf.collect()
    cols = ["label", "bucket", "n", "ce_sum"] + [f"fl{i}" for i in range(len(GAMMAS))]
    return {"groups": [[int(r[0]), int(r[1]), int(r[2])] + [float(x) for x in r[3:]]
                       for r in df.select(cols).iter_rows()]}


def peer_numpy_binary(path):
    import numpy as np

    if path.endswith(".csv"):
        import pyarrow.csv as pacsv

        t = pacsv.read_csv(path, convert_options=pacsv.ConvertOptions(include_columns=["label", "prob"]))
    else:
        import pyarrow.parquet as pq

        t = pq.read_table(path, columns=["label", "prob"])
    label = t["label"].to_numpy()
    prob = t["prob"].to_numpy()
    del t
    interior = np.array(INTERIOR)
    nk = 2 * NB
    count = np.zeros(nk, np.int64)
    sums = np.zeros((1 + len(GAMMAS), nk))
    step = 1 << 20  # vectorised over 1M-row slices to bound the temporaries
    for s in range(0, len(label), step):
        y = label[s:s + step] == 1
        p = np.clip(prob[s:s + step], EPS, 1 - EPS)
        pt = np.where(y, p, 1 - p)
        at = np.where(y, ALPHA, 1 - ALPHA)
        ce = -np.log(pt)
        key = y * NB + np.searchsorted(interior, pt, side="right")
        count += np.bincount(key, minlength=nk)
        sums[0] += np.bincount(key, weights=ce, minlength=nk)
        q = 1 - pt
        for i, g in enumerate(GAMMAS):
            sums[1 + i] += np.bincount(key, weights=at * q ** g * ce, minlength=nk)
    groups = []
    for k in range(nk):
        if count[k]:
            groups.append([k // NB, k % NB, int(count[k])] + [float(x) for x in sums[:, k]])
    return {"groups": groups}


def _read_multi_labels_logits(path):
    import numpy as np
    import pyarrow.parquet as pq

    t = pq.read_table(path)
    label = t["label"].to_numpy()
    x = np.empty((t.num_rows, N_CLASSES), np.float32)
    for j in range(N_CLASSES):
        x[:, j] = t[f"logit_{j}"].to_numpy()
    return label, x


def peer_torch_multi(path, detail=False):
    import numpy as np
    import torch
    from torchvision.ops import sigmoid_focal_loss

    label, x = _read_multi_labels_logits(path)
    n = len(label)
    logits = torch.from_numpy(x)  # float32, as a torch user would have it
    fg = np.nonzero(label >= 0)[0]
    targets = torch.zeros((n, N_CLASSES), dtype=torch.float32)
    targets[torch.from_numpy(fg), torch.from_numpy(label[fg])] = 1.0
    fl = sigmoid_focal_loss(logits, targets, alpha=ALPHA, gamma=C_GAMMA, reduction="sum")
    out = {"elements": n * N_CLASSES, "rows": n, "positives": int(len(fg)), "fl_sum": float(fl)}
    if detail:
        # Per-class sums for the check: float32 element losses, float64 accumulation.
        per = sigmoid_focal_loss(logits, targets, alpha=ALPHA, gamma=C_GAMMA, reduction="none")
        out["class_fl"] = per.sum(0, dtype=torch.float64).tolist()
        del per
        ce = torch.nn.functional.binary_cross_entropy_with_logits(logits, targets, reduction="none")
        out["class_ce"] = ce.sum(0, dtype=torch.float64).tolist()
        out["ce_sum"] = float(ce.sum())  # float32 reduction, like fl_sum
        out["class_count"] = np.bincount(label[fg], minlength=N_CLASSES).tolist()
    return out


def peer_numpy_multi(path, detail=False):
    """float64 reference: ce = softplus(-s x), 1-p_t = sigmoid(-s x), s = +1/-1."""
    import numpy as np
    import pyarrow.parquet as pq

    f = pq.ParquetFile(path)
    cols = ["label"] + [f"logit_{j}" for j in range(N_CLASSES)]
    cls = np.arange(N_CLASSES)
    class_ce = np.zeros(N_CLASSES)
    class_fl = np.zeros(N_CLASSES)
    class_count = np.zeros(N_CLASSES, np.int64)
    n = 0
    for batch in f.iter_batches(batch_size=65536, columns=cols):
        label = batch.column(0).to_numpy()
        x = np.empty((len(label), N_CLASSES))
        for j in range(N_CLASSES):
            x[:, j] = batch.column(j + 1).to_numpy()
        t = label[:, None] == cls[None, :]
        z = np.where(t, -x, x)  # z = -s x
        ce = np.logaddexp(0.0, z)  # -ln p_t
        q = np.exp(z - ce)  # 1 - p_t = sigmoid(z)
        at = np.where(t, ALPHA, 1 - ALPHA)
        class_ce += ce.sum(0)
        class_fl += (at * q ** C_GAMMA * ce).sum(0)
        class_count += t.sum(0)
        n += len(label)
    out = {"elements": n * N_CLASSES, "rows": n, "positives": int(class_count.sum()),
           "fl_sum": float(class_fl.sum()), "ce_sum": float(class_ce.sum())}
    if detail:
        out.update(class_fl=class_fl.tolist(), class_ce=class_ce.tolist(), class_count=class_count.tolist())
    return out


def peer_torch_softmax(path, detail=False):
    """What a PyTorch user writes: the whole file into one float32 tensor, then per-class sums."""
    import warnings

    import pyarrow.parquet as pq
    import torch
    import torch.nn.functional as F

    t = pq.read_table(path, columns=["label", "logits"])
    col = t.column("logits").combine_chunks()
    k = col.type.list_size
    x = col.flatten().to_numpy().reshape(-1, k)
    y = t.column("label").to_numpy()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # read-only Arrow memory: torch only reads it
        logits, target = torch.from_numpy(x), torch.from_numpy(y)
    ce = F.cross_entropy(logits, target, reduction="none")
    q = -torch.expm1(-ce)  # 1 - p_t
    class_loss = []
    for g in GAMMAS:
        fl = ce if g == 0 else q.pow(g) * ce
        class_loss.append(torch.zeros(k, dtype=torch.float64).index_add_(0, target, fl.double()).tolist())
    count = torch.bincount(target, minlength=k).tolist()
    return {"rows": len(y), "classes": k, "class_count": count, "class_loss": class_loss}


def peer_numpy_softmax(path, detail=False):
    """float64 reference, streamed by record batch: ce = logsumexp(x) - x_y."""
    import numpy as np
    import pyarrow.parquet as pq

    f = pq.ParquetFile(path)
    k = f.schema_arrow.field("logits").type.list_size
    class_loss = np.zeros((len(GAMMAS), k))
    count = np.zeros(k, np.int64)
    n = 0
    for b in f.iter_batches(batch_size=max(1, (1 << 20) // k), columns=["label", "logits"]):
        y = b.column(0).to_numpy()
        x = b.column(1).flatten().to_numpy().reshape(-1, k).astype(np.float64)
        m = x.max(1)
        lse = m + np.log(np.exp(x - m[:, None]).sum(1))
        ce = lse - x[np.arange(len(y)), y]
        q = -np.expm1(-ce)
        for i, g in enumerate(GAMMAS):
            class_loss[i] += np.bincount(y, weights=ce if g == 0 else q ** g * ce, minlength=k)
        count += np.bincount(y, minlength=k)
        n += len(y)
    return {"rows": n, "classes": k, "class_count": count.tolist(), "class_loss": class_loss.tolist()}


def check_flcli_softmax(checks, wl, tool, R, fj, rtol):
    """R: a softmax peer's result; fj: `flcli compare --json` (no alpha: one variant per gamma,
    per-class loss_sum, classes named 0..K-1)."""
    what = f"{tool} vs flcli compare (loss_sum per class and total, x{len(GAMMAS)} gammas)"
    D = Diff(rtol)
    try:
        k = R["classes"]
        _check_input(D, fj, R["rows"], "softmax", "logits", [str(j) for j in range(k)])
        for gi, g in enumerate(GAMMAS):
            vs = [v for v in fj["variants"] if _num(v.get("gamma")) and v["gamma"] == g and v.get("alpha") is None]
            if len(vs) != 1:
                D.bad.append(f"{len(vs)} variants with gamma={g:g} and no alpha (expected 1)")
                continue
            ref = R["class_loss"][gi]
            D.close(f"gamma={g:g} loss_sum", vs[0].get("loss_sum"), sum(ref))
            got = {c.get("name"): c.get("loss_sum") for c in vs[0].get("classes", [])}
            for j in range(k):
                if R["class_count"][j]:
                    D.close(f"gamma={g:g} class {j} loss_sum", got.get(str(j)), ref[j])
        return checks.add(wl, what, not D.bad, D.detail())
    except Exception as e:
        return checks.add(wl, what, False, f"cannot read flcli JSON: {type(e).__name__}: {e}")


def cross_check_softmax(checks, wl, results):
    T, N = results["torch"], results["numpy"]
    worst = max(rel(a, b) for ta, na in zip(T["class_loss"], N["class_loss"]) for a, b in zip(ta, na))
    ok = worst <= RTOL_TORCH and T["class_count"] == N["class_count"] and T["rows"] == N["rows"]
    checks.add(wl, f"torch float32 vs numpy float64 (loss per class, x{len(GAMMAS)} gammas; rtol {RTOL_TORCH:g})",
               ok, f"max rel diff {worst:.2e}")


PEERS = {
    ("torch", "softmax"): peer_torch_softmax,
    ("numpy", "softmax"): peer_numpy_softmax,
    ("duckdb", "binary"): peer_duckdb_binary,
    ("polars", "binary"): peer_polars_binary,
    ("numpy", "binary"): peer_numpy_binary,
    ("torch", "multi"): peer_torch_multi,
    ("numpy", "multi"): peer_numpy_multi,
}


def child_main(argv):
    tool, wl, path = argv[:3]
    detail = "--detail" in argv[3:]
    fn = PEERS[(tool, WORKLOADS[wl]["kind"])]
    res = fn(path, detail=detail) if WORKLOADS[wl]["kind"] in ("multi", "softmax") else fn(path)
    json.dump(res, sys.stdout)
    sys.stdout.write("\n")


# --------------------------------------------------------------------------
# venv bootstrap
# --------------------------------------------------------------------------

def _pins():
    """pip name -> pinned spec from benches/requirements.txt (if present)."""
    pins = {}
    try:
        with open(os.path.join(HERE, "requirements.txt")) as f:
            for line in f:
                line = line.split("#", 1)[0].strip()
                if line:
                    pins[line.split("==")[0].strip().lower()] = line
    except OSError:
        pass
    return pins


def bootstrap(venv, argv, install=True, need_torch=True):
    py = os.path.join(venv, "bin", "python")
    if not os.path.exists(py):
        print(f"[setup] creating venv {venv}", file=sys.stderr)
        subprocess.check_call([sys.executable, "-m", "venv", venv])
        subprocess.check_call([py, "-m", "pip", "install", "-q", "--upgrade", "pip"])
    probe = ("import importlib.util, sys; "
             f"print(' '.join(p for m, p in {PACKAGES!r} if importlib.util.find_spec(m) is None))")
    missing = subprocess.run([py, "-c", probe], capture_output=True, text=True, check=True).stdout.split()
    if not need_torch:
        missing = [m for m in missing if m not in TORCH_ONLY]
    if missing:
        if not install:
            sys.exit(f"missing in {venv}: {' '.join(missing)} (drop --no-install)")
        pins = _pins()
        specs = [pins.get(m, m) for m in missing]
        print(f"[setup] pip install {' '.join(specs)} (torch is large; this takes a while)", file=sys.stderr)
        subprocess.check_call([py, "-m", "pip", "install", "-q"] + specs)
    if os.path.realpath(sys.prefix) != os.path.realpath(venv):
        os.execv(py, [py, os.path.abspath(__file__)] + argv)


# --------------------------------------------------------------------------
# Measurement
# --------------------------------------------------------------------------

# GNU time reports the peak RSS of the command alone.  wait4()'s ru_maxrss of a
# child started from this (large) Python process does not: Linux records the
# parent's memory high-water mark into the child at exec (vfork shares the
# parent's mm; a fork copies its RSS), so a small command such as flcli would
# show ~70 MiB after pyarrow is imported here.  The fallback is flagged in the output.
GNU_TIME = "/usr/bin/time"


def run_measured(cmd, capture=False):
    """Run cmd as a fresh process; return (rc, wall s, peak RSS MiB, stdout, stderr)."""
    use_time = os.path.exists(GNU_TIME)
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err, \
            tempfile.NamedTemporaryFile("r", suffix=".rss") as rssf:
        full = [GNU_TIME, "-f", "%M", "-o", rssf.name] + cmd if use_time else cmd
        t0 = time.perf_counter()
        p = subprocess.Popen(full, stdout=out if capture else subprocess.DEVNULL, stderr=err, cwd=ROOT)
        _, status, ru = os.wait4(p.pid, 0)
        wall = time.perf_counter() - t0
        p.returncode = os.waitstatus_to_exitcode(status)
        rss = ru.ru_maxrss / 1024.0
        if use_time:
            # The file holds "Command exited with non-zero status N" first on failure; %M is the last line.
            lines = [x for x in rssf.read().split() if x.isdigit()]
            rss = int(lines[-1]) / 1024.0 if lines else float("nan")
        out.seek(0)
        err.seek(0)
        return (p.returncode, wall, rss,
                out.read().decode(errors="replace") if capture else "",
                err.read().decode(errors="replace"))


def peer_cmd(tool, wl, path, detail=False):
    return [sys.executable, os.path.abspath(__file__), "--_child", tool, wl, path] + (["--detail"] if detail else [])


# --------------------------------------------------------------------------
# Agreement checks
# --------------------------------------------------------------------------

def rel(a, b):
    if a == b:
        return 0.0
    return abs(a - b) / max(abs(a), abs(b))


class Checks:
    def __init__(self):
        self.rows = []  # (workload, what, ok, detail)

    def add(self, wl, what, ok, detail=""):
        self.rows.append((wl, what, bool(ok), detail))
        mark = "ok  " if ok else "FAIL"
        print(f"  [{mark}] {wl}: {what}" + (f" — {detail}" if detail else ""), file=sys.stderr)
        return ok

    def failed(self, wl=None):
        return [r for r in self.rows if not r[2] and (wl is None or r[0] == wl)]


def marginals(groups):
    """groups -> {'label': {l: vec}, 'bucket': {b: vec}, 'total': vec}; vec = [n, ce, fl(g)...]."""
    width = 2 + len(GAMMAS)
    lab, buc, tot = {}, {}, [0] * width
    for g in groups:
        l, b, vec = g[0], g[1], g[2:]
        for d, k in ((lab, l), (buc, b)):
            acc = d.setdefault(k, [0] * width)
            for i in range(width):
                acc[i] += vec[i]
        for i in range(width):
            tot[i] += vec[i]
    return {"label": lab, "bucket": buc, "total": tot}


def compare_vecs(a, b):
    """max relative difference over float entries; None if counts differ."""
    if a[0] != b[0]:
        return None
    return max(rel(x, y) for x, y in zip(a[1:], b[1:]))


def cross_check_binary(checks, wl, results, ref="numpy"):
    if ref not in results:
        ref = next(iter(results))
    R = marginals(results[ref]["groups"])
    for tool, res in results.items():
        if tool == ref:
            continue
        M = marginals(res["groups"])
        worst, bad = 0.0, []
        for part in ("label", "bucket"):
            keys = set(R[part]) | set(M[part])
            for k in sorted(keys):
                a, b = R[part].get(k), M[part].get(k)
                if a is None or b is None:
                    bad.append(f"{part} {k} missing in {'ref' if a is None else tool}")
                    continue
                d = compare_vecs(a, b)
                if d is None:
                    bad.append(f"{part} {k} count {a[0]} vs {b[0]}")
                else:
                    worst = max(worst, d)
        d = compare_vecs(R["total"], M["total"])
        worst = max(worst, d or 0.0)
        ok = not bad and worst <= RTOL
        checks.add(wl, f"{tool} vs {ref} (per label & bucket: count, ce, fl x{len(GAMMAS)} gammas)", ok,
                   f"max rel diff {worst:.2e}" + ("; " + "; ".join(bad[:5]) if bad else ""))


def _num(x):
    return isinstance(x, (int, float)) and not isinstance(x, bool)


class Diff:
    """Collects one flcli-vs-peer comparison: the worst relative difference and every failure."""

    def __init__(self, rtol):
        self.rtol, self.worst, self.bad = rtol, 0.0, []

    def close(self, where, got, ref):
        """A float field: relative difference at most rtol (a missing field fails)."""
        if not _num(got):
            self.bad.append(f"{where} missing or not a number ({got!r}), expected {ref!r}")
            return
        d = rel(float(got), float(ref))
        self.worst = max(self.worst, d)
        if d > self.rtol:
            self.bad.append(f"{where} {got!r} vs {ref!r} (rel {d:.1e})")

    def exact(self, where, got, ref):
        """A count or a name: equal."""
        if got != ref:
            self.bad.append(f"{where} {got!r} vs {ref!r}")

    def detail(self):
        return f"max rel diff {self.worst:.2e}" + ("; " + "; ".join(self.bad[:6]) if self.bad else "") + (
            f" (+{len(self.bad) - 6} more)" if len(self.bad) > 6 else "")


def _bucket_index(lo, hi):
    for i in range(NB):
        if _num(lo) and _num(hi) and abs(lo - EDGES[i]) < 1e-12 and abs(hi - EDGES[i + 1]) < 1e-12:
            return i
    return None


def _check_input(D, fj, rows, mode, kind, classes):
    """The `input` object every report carries (rows read = used: the data has no invalid rows)."""
    inp = fj["input"]
    D.exact("input.rows_read", inp.get("rows_read"), rows)
    D.exact("input.rows_used", inp.get("rows_used"), rows)
    D.exact("input.mode", inp.get("mode"), mode)
    D.exact("input.score_kind", inp.get("score_kind"), kind)
    D.exact("input.class_names", inp.get("class_names"), classes)


def _check_buckets(D, prefix, rows_json, M, fields):
    """Buckets matched by `lower`/`upper` (all NB of ours, nothing else); fields: [(key, index into vec)]."""
    seen = set()
    for b in rows_json:
        i = _bucket_index(b.get("lower"), b.get("upper"))
        if i is None:
            D.bad.append(f"{prefix} bucket [{b.get('lower')}, {b.get('upper')}] is not one of {EDGES}")
            continue
        seen.add(i)
        ref = M["bucket"].get(i, [0] * (2 + len(GAMMAS)))
        for key, j in fields:
            if key == "count":
                D.exact(f"{prefix} bucket {i} count", b.get("count"), ref[0])
            else:
                D.close(f"{prefix} bucket {i} {key}", b.get(key), ref[j])
    if seen != set(range(NB)):
        D.bad.append(f"{prefix} buckets {sorted(seen)} vs {list(range(NB))}")


def check_flcli_compare(checks, wl, tool, M, fj, rtol):
    """M: marginals of a peer; fj: `flcli compare --json`.

    flcli's contract: one variant per (γ, α) with numeric `gamma` and `alpha`; `loss_sum`
    is Σ α_t (1-p_t)^γ CE (α applied), `loss_mean` = loss_sum / rows used, `ratio_to_ce`
    = loss_sum / Σ CE with CE plain (unweighted); per-class `loss_sum` with classes named
    "0" and "1"; per-bucket `loss_sum` for every bucket."""
    what = f"{tool} vs flcli compare (loss_sum, loss_mean, ratio_to_ce; per class & bucket; x{len(GAMMAS)} gammas)"
    D = Diff(rtol)
    try:
        n, ce_plain = M["total"][0], M["total"][1]
        _check_input(D, fj, n, "binary", "probabilities", ["0", "1"])
        for gi, g in enumerate(GAMMAS):
            vs = [v for v in fj["variants"] if _num(v.get("gamma")) and v["gamma"] == g
                  and _num(v.get("alpha")) and v["alpha"] == ALPHA]
            if len(vs) != 1:
                D.bad.append(f"{len(vs)} variants with gamma={g:g} alpha={ALPHA} (expected 1)")
                continue
            v, fl_tot, at = vs[0], M["total"][2 + gi], f"gamma={g:g}"
            D.close(f"{at} loss_sum", v.get("loss_sum"), fl_tot)
            D.close(f"{at} loss_mean", v.get("loss_mean"), fl_tot / n)
            D.close(f"{at} ratio_to_ce (to plain CE)", v.get("ratio_to_ce"), fl_tot / ce_plain)
            names = [c.get("name") for c in v.get("classes", [])]
            D.exact(f"{at} class names", sorted(names), sorted(str(k) for k in M["label"]))
            for c in v.get("classes", []):
                ref = M["label"].get(int(c["name"])) if c.get("name") in ("0", "1") else None
                if ref is not None:
                    D.close(f"{at} class {c['name']} loss_sum", c.get("loss_sum"), ref[2 + gi])
            _check_buckets(D, at, v.get("buckets", []), M, [("loss_sum", 2 + gi)])
        return checks.add(wl, what, not D.bad, D.detail())
    except Exception as e:  # malformed JSON: report, don't crash
        return checks.add(wl, what, False, f"cannot read flcli JSON: {type(e).__name__}: {e}")


def check_flcli_stats_binary(checks, wl, tool, M, fj, rtol):
    """`flcli stats --gamma 2 --alpha 0.25 --json`: totals, per class and per bucket.

    `ce_sum` is plain CE, `focal_sum` has α applied; means are over elements (rows);
    `loss_per_positive` = focal_sum / positives."""
    what = f"{tool} vs flcli stats (totals, per class & bucket: count, ce_sum, focal_sum gamma={C_GAMMA:g})"
    D = Diff(rtol)
    try:
        gi = GAMMAS.index(C_GAMMA)
        n, ce, fl = M["total"][0], M["total"][1], M["total"][2 + gi]
        pos = M["label"].get(1, [0])[0]
        _check_input(D, fj, n, "binary", "probabilities", ["0", "1"])
        D.exact("params.gamma", fj["params"].get("gamma"), C_GAMMA)
        D.exact("params.alpha", fj["params"].get("alpha"), ALPHA)
        t = fj["totals"]
        D.exact("totals.elements", t.get("elements"), n)
        D.exact("totals.positives", t.get("positives"), pos)
        D.close("totals.ce_sum", t.get("ce_sum"), ce)
        D.close("totals.ce_mean", t.get("ce_mean"), ce / n)
        D.close("totals.focal_sum", t.get("focal_sum"), fl)
        D.close("totals.focal_mean", t.get("focal_mean"), fl / n)
        if pos:
            D.close("totals.loss_per_positive", t.get("loss_per_positive"), fl / pos)
        classes = fj.get("classes", [])
        D.exact("class names", [c.get("name") for c in classes], ["0", "1"])
        for c in classes:
            k = c.get("index")
            ref = M["label"].get(k) if k in (0, 1) else None
            if ref is None or c.get("name") != str(k):
                D.bad.append(f"class {c.get('name')!r} index {k!r} is not label 0/1")
                continue
            D.exact(f"class {k} count", c.get("count"), ref[0])
            D.close(f"class {k} ce_sum", c.get("ce_sum"), ref[1])
            D.close(f"class {k} focal_sum", c.get("focal_sum"), ref[2 + gi])
        _check_buckets(D, "stats", fj.get("buckets", []), M,
                       [("count", 0), ("ce_sum", 1), ("focal_sum", 2 + gi)])
        return checks.add(wl, what, not D.bad, D.detail())
    except Exception as e:
        return checks.add(wl, what, False, f"cannot read flcli JSON: {type(e).__name__}: {e}")


def check_flcli_stats_multi(checks, wl, tool, R, fj, rtol):
    """`flcli stats --mode sigmoid`: an element is a (row, class) pair, class j's `count` is its
    positive rows, label -1 rows are background; `loss_per_positive` = focal_sum / positives."""
    what = f"{tool} vs flcli stats sigmoid (rtol {rtol:g})"
    D = Diff(rtol)
    try:
        names = [str(j) for j in range(N_CLASSES)]
        _check_input(D, fj, R["rows"], "sigmoid", "logits", names)
        D.exact("input.background_rows", fj["input"].get("background_rows"), R["rows"] - R["positives"])
        t = fj["totals"]
        D.exact("totals.elements", t.get("elements"), R["elements"])
        D.exact("totals.positives", t.get("positives"), R["positives"])
        D.close("totals.focal_sum", t.get("focal_sum"), R["fl_sum"])
        D.close("totals.focal_mean", t.get("focal_mean"), R["fl_sum"] / R["elements"])
        if "ce_sum" in R:
            D.close("totals.ce_sum", t.get("ce_sum"), R["ce_sum"])
        if R["positives"]:
            D.close("totals.loss_per_positive", t.get("loss_per_positive"), R["fl_sum"] / R["positives"])
        if "class_count" in R:
            classes = {c.get("index"): c for c in fj.get("classes", [])}
            D.exact("class indices", sorted(classes, key=str), sorted(range(N_CLASSES), key=str))
            for j in range(N_CLASSES):
                c = classes.get(j)
                if c is None:
                    continue
                D.exact(f"class {j} name", c.get("name"), str(j))
                D.exact(f"class {j} count (positives)", c.get("count"), R["class_count"][j])
                D.exact(f"class {j} elements", c.get("elements"), R["rows"])
                D.close(f"class {j} ce_sum", c.get("ce_sum"), R["class_ce"][j])
                D.close(f"class {j} focal_sum", c.get("focal_sum"), R["class_fl"][j])
        return checks.add(wl, what, not D.bad, D.detail())
    except Exception as e:
        return checks.add(wl, what, False, f"cannot read flcli JSON: {type(e).__name__}: {e}")


def run_flcli_json(flcli, args):
    rc, wall, rss, out, err = run_measured([flcli] + args, capture=True)
    if rc != 0:
        return None, f"`flcli {' '.join(args[:2])} ...` exited {rc}: {err.strip()[-300:]}"
    try:
        return json.loads(out), None
    except json.JSONDecodeError as e:
        return None, f"`flcli {args[0]}` printed no valid JSON ({e}): {out[:200]!r}"


def agreement(wl, path, tools, flcli, checks, use_flcli=True):
    """Run every peer once (check mode), cross-check them, compare with flcli."""
    kind = WORKLOADS[wl]["kind"]
    results = {}
    for tool in tools:
        rc, wall, rss, out, err = run_measured(peer_cmd(tool, wl, path, detail=True), capture=True)
        if rc != 0:
            lines = err.strip().splitlines() or ["(no stderr)"]
            checks.add(wl, f"{tool} ran", False, f"exit {rc}: {lines[-1][-300:]}")
            continue
        results[tool] = json.loads(out)
        print(f"  [run ] {wl}: {tool} {wall:.1f}s", file=sys.stderr)

    if kind == "binary" and len(results) >= 2:
        cross_check_binary(checks, wl, results)
    if kind == "softmax" and "torch" in results and "numpy" in results:
        cross_check_softmax(checks, wl, results)
    if kind == "multi" and "torch" in results and "numpy" in results:
        T, N = results["torch"], results["numpy"]
        worst = max(rel(T["fl_sum"], N["fl_sum"]), rel(T["ce_sum"], N["ce_sum"]),
                    max(rel(a, b) for a, b in zip(T["class_fl"], N["class_fl"])))
        ok = worst <= RTOL_TORCH and T["class_count"] == N["class_count"] and T["elements"] == N["elements"]
        checks.add(wl, f"torch float32 vs numpy float64 (fl, ce, per class; rtol {RTOL_TORCH:g})", ok,
                   f"max rel diff {worst:.2e}")

    if not use_flcli:
        return results
    if not os.path.exists(flcli):
        checks.add(wl, "flcli available", False, f"no executable at {flcli} (cargo build --release, or --flcli PATH)")
        return results
    cmds = flcli_args(wl, path)
    if kind == "softmax":
        fj, why = run_flcli_json(flcli, cmds["compare"])
        if fj is None:
            checks.add(wl, "flcli compare --json", False, why)
        else:
            for tool, res in results.items():
                check_flcli_softmax(checks, wl, tool, res, fj, RTOL_TORCH if tool == "torch" else RTOL)
        return results
    if kind == "binary":
        fj, why = run_flcli_json(flcli, cmds["compare"])
        sj, why2 = run_flcli_json(flcli, cmds["stats"])
        if fj is None:
            checks.add(wl, "flcli compare --json", False, why)
        if sj is None:
            checks.add(wl, "flcli stats --json", False, why2)
        for tool, res in results.items():
            M = marginals(res["groups"])
            if fj is not None:
                check_flcli_compare(checks, wl, tool, M, fj, RTOL)
            if sj is not None:
                check_flcli_stats_binary(checks, wl, tool, M, sj, RTOL)
    else:
        sj, why = run_flcli_json(flcli, cmds["stats"])
        if sj is None:
            checks.add(wl, "flcli stats --json", False, why)
        else:
            for tool, res in results.items():
                check_flcli_stats_multi(checks, wl, tool, res, sj, RTOL_TORCH if tool == "torch" else RTOL)
    return results


# --------------------------------------------------------------------------
# Reporting
# --------------------------------------------------------------------------

def machine_info():
    info = {"nproc": os.cpu_count()}
    try:
        info["nproc_usable"] = len(os.sched_getaffinity(0))
    except AttributeError:
        pass
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("model name"):
                    info["cpu"] = line.split(":", 1)[1].strip()
                    break
    except OSError:
        pass
    try:
        with open("/proc/meminfo") as f:
            for line in f:
                if line.startswith("MemTotal"):
                    info["ram_gib"] = round(int(line.split()[1]) / 2**20, 1)
    except OSError:
        pass
    info["kernel"] = os.uname().release
    info["loadavg_start"] = os.getloadavg()
    return info


def versions(flcli):
    from importlib import metadata

    v = {"python": sys.version.split()[0]}
    for mod, pip in PACKAGES:
        try:
            v[pip] = metadata.version(pip)
        except metadata.PackageNotFoundError:
            v[pip] = None
    if os.path.exists(flcli):
        try:
            out = subprocess.run([flcli, "--version"], capture_output=True, text=True, timeout=30).stdout.strip()
            v["flcli"] = out[len("flcli "):] if out.startswith("flcli ") else out
        except Exception:
            v["flcli"] = "?"
    return v


def print_report(timings, info, vers, runs, checks):
    print("## flcli vs peers\n")
    print(f"Machine: {info.get('nproc')} CPUs ({info.get('cpu', '?')}), {info.get('ram_gib', '?')} GiB RAM, "
          f"Linux {info.get('kernel')}; load average at start {info['loadavg_start'][0]:.2f}, "
          f"at end {info.get('loadavg_end', (0,))[0]:.2f}.")
    print("Versions: " + ", ".join(f"{k} {v}" for k, v in vers.items() if v))
    print(f"\n{runs} timed runs per tool after 1 warm-up, interleaved; each run is a fresh process "
          "(peers: `python peers.py --_child ...`, interpreter start-up and imports included). "
          f"Peak RSS = max over the runs of {'GNU time %M' if os.path.exists(GNU_TIME) else 'wait4 ru_maxrss (inflated by this script: no ' + GNU_TIME + ')'}. "
          "Speed-up = peer median / flcli median; ÷ polars = median / polars' median (H: / flcli's median).\n")
    print("| workload | tool | median s | min s | max s | peak RSS MiB | flcli speed-up | ÷ polars |")
    print("|---|---|---:|---:|---:|---:|---:|---:|")
    for wl, per_tool in timings.items():
        fl = per_tool.get("flcli")
        fl_med = statistics.median(fl["wall"]) if fl and fl["wall"] else None
        pol = per_tool.get("polars")
        pol_med = statistics.median(pol["wall"]) if pol and pol["wall"] else None
        base = "polars"
        if pol_med is None:  # no polars timing (H): relative to flcli's first command
            pol_med, base = fl_med, "flcli"
        for tool, r in per_tool.items():
            if not r["wall"]:
                print(f"| {wl} {WORKLOADS[wl]['file']} | {tool} | failed | | | | | |")
                continue
            med = statistics.median(r["wall"])
            sp = "—" if tool.startswith("flcli") or fl_med is None else f"{med / fl_med:.2f}x"
            vp = "—" if tool == base or pol_med is None else f"{med / pol_med:.3f}"
            print(f"| {wl} {WORKLOADS[wl]['file']} | {tool} | {med:.3f} | {min(r['wall']):.3f} | "
                  f"{max(r['wall']):.3f} | {max(r['rss']):.0f} | {sp} | {vp} |")
    failed = checks.failed()
    if checks.rows:
        print(f"\nAgreement checks: {len(checks.rows) - len(failed)} passed, {len(failed)} failed.")
        for wl, what, ok, detail in checks.rows:
            print(f"- {'ok' if ok else 'FAILED'} {wl}: {what}" + (f" — {detail}" if detail else ""))
    print("\nNotes: torch runs in float32 (as its users would), so it is checked to 1e-4 relative. "
          "DuckDB, polars and torch use every core; numpy is single-threaded. Files come from the page "
          "cache after the warm-up. A peer's time includes Python start-up and imports (torch alone: ~4 s, "
          "~1 GiB RSS with the PyPI CUDA wheel).")


def time_workloads(plan, runs, flcli):
    """plan: [(wl, tool, cmd)], interleaved per workload."""
    timings = {}
    by_wl = {}
    for wl, tool, cmd in plan:
        by_wl.setdefault(wl, []).append((tool, cmd))
        timings.setdefault(wl, {})[tool] = {"wall": [], "rss": [], "cmd": cmd, "errors": []}
    for wl, items in by_wl.items():
        for r in range(runs + 1):
            for tool, cmd in items:
                rc, wall, rss, _, err = run_measured(cmd)
                tag = "warm-up" if r == 0 else f"run {r}/{runs}"
                if rc != 0:
                    timings[wl][tool]["errors"].append(err.strip()[-300:])
                    print(f"  [time] {wl} {tool} {tag}: exit {rc}: {err.strip()[-200:]}", file=sys.stderr)
                    continue
                print(f"  [time] {wl} {tool} {tag}: {wall:.3f}s {rss:.0f} MiB", file=sys.stderr)
                if r > 0:
                    timings[wl][tool]["wall"].append(wall)
                    timings[wl][tool]["rss"].append(rss)
    return timings


def memory_mode(args, flcli):
    """flcli stats on the 20M- and 200M-row files: 1 warm-up then --runs rounds, interleaved."""
    if not os.path.exists(flcli):
        sys.exit(f"--memory needs flcli: no executable at {flcli}")
    import pyarrow.parquet as pq

    files = []
    for name in ("binary_20m.parquet", "binary_200m.parquet"):
        path = os.path.join(args.data, name)
        if not os.path.exists(path):
            print(f"{name}: not present (python3 benches/gen_data.py --out {args.data} --only {name.split('.')[0]})",
                  file=sys.stderr)
            continue
        files.append({"file": name, "rows": pq.ParquetFile(path).metadata.num_rows,
                      "cmd": [flcli] + flcli_args("A", path)["stats"], "wall": [], "rss": []})
    for r in range(args.runs + 1):
        for f in files:
            rc, wall, rss, _, err = run_measured(f["cmd"])
            if rc != 0:
                sys.exit(f"flcli stats on {f['file']} exited {rc}: {err.strip()[-400:]}")
            tag = "warm-up" if r == 0 else f"run {r}/{args.runs}"
            print(f"  [mem ] {f['file']} {tag}: {wall:.2f}s {rss:.1f} MiB", file=sys.stderr)
            if r == 0:
                f["warmup_rss"] = rss
            else:
                f["wall"].append(wall)
                f["rss"].append(rss)
    print(f"flcli {' '.join(flcli_args('A', 'FILE')['stats'])}\n")
    how = "GNU time %M" if os.path.exists(GNU_TIME) else "wait4 ru_maxrss (inflated: no " + GNU_TIME + ")"
    print(f"1 warm-up + {args.runs} runs per file, interleaved; peak RSS of each process from {how}.\n")
    print("| file | rows | median wall s | median peak RSS MiB | max peak RSS MiB | warm-up run RSS MiB |")
    print("|---|---:|---:|---:|---:|---:|")
    for f in files:
        print(f"| {f['file']} | {f['rows']:,} | {statistics.median(f['wall']):.2f} | "
              f"{statistics.median(f['rss']):.1f} | {max(f['rss']):.1f} | {f['warmup_rss']:.1f} |")
    if len(files) == 2:
        a, b = files
        print(f"\npeak RSS ratio {b['file']} / {a['file']}: median {statistics.median(b['rss']) / statistics.median(a['rss']):.2f}, "
              f"max {max(b['rss']) / max(a['rss']):.2f} (1.0 = memory independent of the row count)")
    if args.json:
        with open(args.json, "w") as fh:
            json.dump({"memory": [{k: v for k, v in f.items() if k != "cmd"} for f in files],
                       "flcli": flcli, "runs": args.runs}, fh, indent=2)


def main():
    argv = sys.argv[1:]
    if argv[:1] == ["--_child"]:
        return child_main(argv[1:])

    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--data", default=os.path.join(ROOT, "bench-data"), help="directory made by gen_data.py")
    ap.add_argument("--flcli", default=os.path.join(ROOT, "target", "release", "flcli"), help="flcli binary")
    ap.add_argument("--flcli-before", metavar="PATH",
                    help="another flcli build (e.g. the last commit's) timed beside --flcli, interleaved in every round")
    ap.add_argument("--flcli-jobs", type=int, metavar="N",
                    help="time flcli (and --flcli-before) with -j N, as on a machine or container with N cores")
    ap.add_argument("--runs", type=int, default=5, help="timed runs per tool (after 1 warm-up)")
    ap.add_argument("--workloads", default="A,B,C", help="comma list of " + ", ".join(WORKLOADS))
    ap.add_argument("--tools", default=None,
                    help="comma list to restrict tools (duckdb,polars,numpy,torch,flcli); without flcli its checks are skipped")
    ap.add_argument("--no-check", action="store_true", help="time even when flcli is missing or disagrees")
    ap.add_argument("--check-only", action="store_true", help="agreement checks only, no timing")
    ap.add_argument("--json", metavar="FILE", help="also save raw results as JSON")
    ap.add_argument("--memory", action="store_true", help="flcli peak RSS on binary_20m vs binary_200m")
    ap.add_argument("--venv", default=os.environ.get("FLCLI_BENCH_VENV", "/work/venvs/peers"))
    ap.add_argument("--no-install", action="store_true", help="fail instead of pip-installing missing packages")
    ap.add_argument("--setup-only", action="store_true", help="create/update the venv and exit")
    args = ap.parse_args(argv)

    wls = [w.strip().upper() for w in args.workloads.split(",") if w.strip()]
    bad = [w for w in wls if w not in WORKLOADS]
    if bad:
        ap.error(f"unknown workload {', '.join(bad)}; choose from {', '.join(WORKLOADS)}")
    bootstrap(args.venv, argv, install=not args.no_install,
              need_torch=args.setup_only or any(WORKLOADS[w]["kind"] in ("multi", "softmax") for w in wls))
    if args.setup_only:
        print(f"venv ready: {args.venv}")
        return 0
    flcli = os.path.abspath(args.flcli)
    before = os.path.abspath(args.flcli_before) if args.flcli_before else None
    if before and not os.path.exists(before):
        ap.error(f"--flcli-before: no executable at {before}")
    if args.memory:
        return memory_mode(args, flcli)

    only = set(t.strip() for t in args.tools.split(",")) if args.tools else None
    info = machine_info()
    vers = versions(flcli)
    checks = Checks()
    plan = []
    for wl in wls:
        path = os.path.join(os.path.abspath(args.data), WORKLOADS[wl]["file"])
        if not os.path.exists(path):
            checks.add(wl, "data present", False, f"{path} missing: python3 benches/gen_data.py --out {args.data}")
            continue
        tools = [t for t in WORKLOADS[wl]["tools"] if only is None or t in only]
        check_tools = WORKLOADS[wl].get("check_tools", tools)
        print(f"[check] {wl}: {WORKLOADS[wl]['file']}", file=sys.stderr)
        agreement(wl, path, check_tools, flcli, checks, use_flcli=only is None or "flcli" in only)
        for t in tools:
            plan.append((wl, t, peer_cmd(t, wl, path)))
        if os.path.exists(flcli) and (only is None or "flcli" in only):
            c = flcli_args(wl, path)
            for name, cmd in c.get("timed_as", {"flcli": c[c["timed"]]}).items():
                if args.flcli_jobs:
                    name, cmd = f"{name} -j {args.flcli_jobs}", cmd + ["-j", str(args.flcli_jobs)]
                plan.append((wl, name, [flcli] + cmd))
                if before:
                    plan.append((wl, name + " (before)", [before] + cmd))

    failed = checks.failed()
    if failed:
        print(f"\n{len(failed)} check(s) failed:", file=sys.stderr)
        for wl, what, _, detail in failed:
            print(f"  {wl}: {what} — {detail}", file=sys.stderr)
        peer_disagree = [f for f in failed if "flcli" not in f[1]]
        if not args.no_check:
            print("stopping before timing (use --no-check to time anyway)", file=sys.stderr)
            return 1
        if peer_disagree:
            print("WARNING: peers disagree with each other; timing anyway (--no-check)", file=sys.stderr)
    if args.check_only:
        return 1 if failed else 0

    timings = time_workloads(plan, args.runs, flcli)
    info["loadavg_end"] = os.getloadavg()
    print_report(timings, info, vers, args.runs, checks)
    if args.json:
        with open(args.json, "w") as f:
            json.dump({"machine": info, "versions": vers, "runs": args.runs, "timings": timings,
                       "checks": [dict(zip(("workload", "check", "ok", "detail"), r)) for r in checks.rows]},
                      f, indent=2)
    return 1 if failed and not args.no_check else 0


if __name__ == "__main__":
    sys.exit(main() or 0)
