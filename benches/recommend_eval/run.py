#!/usr/bin/env python3
"""Does `flcli recommend` pick a loss that trains well? The experiment behind it.

For each task and seed: train one small MLP per loss setting of the grid (γ × α,
CE, class-balanced, FLSD-53), dump the plain-CE model's validation logits, run
`flcli recommend FILE --json` on them, and score the recommended setting on the
held-out test split beside plain CE, the fixed default (γ = 2, α = .25) and the
best grid setting (chosen by its mean test metric over seeds: an oracle).

    python benches/recommend_eval/run.py [--flcli PATH] [--seeds 3] [--jobs 2]
    python benches/recommend_eval/run.py --smoke   # one task, one seed, tiny grid (CI)

Writes results.md and results.json beside this file (--out DIR elsewhere; the
smoke run writes nowhere unless --out is given). See README.md here.
"""

import argparse
import json
import os
import platform
import shutil
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

import numpy as np

HERE = Path(__file__).resolve().parent
REPO = HERE.parent.parent


def find_flcli(given):
    if given:
        p = shutil.which(given) or (given if Path(given).is_file() else None)
        if not p:
            sys.exit(f"recommend_eval: --flcli {given}: no such executable")
        return str(Path(p).resolve())
    p = shutil.which("flcli")
    if p:
        return p
    p = REPO / "target" / "release" / "flcli"
    if p.is_file():
        return str(p)
    sys.exit(
        "recommend_eval: no flcli on PATH and no target/release/flcli: "
        "build it (cargo build --release) or pass --flcli PATH"
    )


def dump_predictions(path, kind, logits, y):
    """The CE model's validation predictions as Parquet: `label` and `logit` / `logit_k`."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    cols = {"label": pa.array(y.astype(np.int64))}
    if kind == "binary":
        cols["logit"] = pa.array(logits[:, 0])
    else:
        for k in range(logits.shape[1]):
            cols[f"logit_{k}"] = pa.array(logits[:, k])
    pq.write_table(pa.table(cols), path)


# `flcli recommend` as shipped, and with the calibration argument switched off (an ECE
# threshold no model exceeds), to see what that one rule costs or gains.
RECOMMEND_RUNS = {"default": [], "no-calibration": ["--max-ece", "1"]}


def run_recommend(flcli, path, kind, extra=()):
    args = [flcli, "recommend", str(path), "--json", "-q", *extra]
    if kind == "sigmoid":
        args += ["--mode", "sigmoid"]
    out = subprocess.run(args, capture_output=True, text=True)
    if out.returncode != 0:
        raise RuntimeError(f"{' '.join(args)} exited {out.returncode}: {out.stderr.strip()}")
    return json.loads(out.stdout)


def recommended_setting(task, rec, settings):
    """The grid setting the recommendation names, or a new one (an off-grid α)."""
    from train import Setting, focal_name, sigmoid_setting

    gamma, alpha = float(rec["gamma"]), rec["alpha"]
    names = {s.name: s for s in settings}
    if task.kind == "softmax":
        if alpha is None:
            return names.get(focal_name(gamma, None)) or Setting(
                focal_name(gamma, None), gamma, None, "focal"
            )
        if len(alpha) != task.n_out:
            raise RuntimeError(f"recommended α has {len(alpha)} classes, the task {task.n_out}")
        # Class-balanced weights from the validation dump's counts (flcli sees only that);
        # the grid's cb settings use the training counts.
        return Setting("recommended", gamma, tuple(float(a) for a in alpha), "recommended", alpha)
    if alpha is not None and not isinstance(alpha, (int, float)):
        raise RuntimeError(f"recommended α {alpha!r} is not a number in {task.kind} mode")
    s = sigmoid_setting(gamma, None if alpha is None else float(alpha))
    return names.get(s.name, s)


def one_run(job):
    """One task × seed: train the grid, ask flcli, score everything. Runs in a worker."""
    name, seed, flcli, workdir, smoke, threads = job
    import torch

    torch.set_num_threads(threads)
    from metrics import evaluate
    from tasks import TASKS
    from train import default_setting, grid, train

    t0 = time.time()
    task = TASKS[name](seed)
    if smoke:
        task.epochs = min(task.epochs, 60)
        settings = grid(task, gammas=(0.0, 2.0), alphas=(None, 0.25), flsd=False, cb=True)
    else:
        settings = grid(task)
    zv, zt = train(task, settings, seed)
    names = [s.name for s in settings]
    ce = names.index("ce")
    dump = Path(workdir) / f"{name}-seed{seed}.parquet"
    dump_predictions(dump, task.kind, zv[ce], task.y_val)
    test = {s.name: evaluate(task.kind, zt[i], task.y_test) for i, s in enumerate(settings)}
    val = {s.name: evaluate(task.kind, zv[i], task.y_val) for i, s in enumerate(settings)}
    recs = {}
    for label, extra in RECOMMEND_RUNS.items():
        report = run_recommend(flcli, dump, task.kind, extra)
        rec = report["recommendation"]
        chosen = recommended_setting(task, rec, settings)
        in_grid = chosen.name in names
        if in_grid:
            metrics = test[chosen.name]
        else:
            _, zt_rec = train(task, [chosen], seed)
            metrics = evaluate(task.kind, zt_rec[0], task.y_test)
        ev = report["evidence"]
        recs[label] = {
            "flcli_args": extra,
            "loss": rec["loss"],
            "gamma": rec["gamma"],
            "alpha": rec["alpha"],
            "flcli_variant": rec["variant"],
            "setting": chosen.name,
            "in_grid": in_grid,
            "test": metrics,
            "rationale": rec["rationale"],
            "decision": ev["decision"],
            "ece": ev["calibration"].get("ece"),
            "calibration_direction": ev["calibration"].get("direction"),
        }
    for m in [*(r["test"] for r in recs.values()), *test.values(), *val.values()]:
        if not np.isfinite(m["primary"]) or not np.isfinite(m["ece"]):
            raise RuntimeError(f"{name} seed {seed}: a non-finite metric")
    return {
        "task": name,
        "seed": seed,
        "kind": task.kind,
        "about": task.about,
        "sizes": {"train": len(task.y_train), "val": len(task.y_val), "test": len(task.y_test)},
        "default": default_setting(task),
        "test": test,
        "val": val,
        "recommend": recs,
        "seconds": time.time() - t0,
    }


def mean_std(xs):
    xs = np.asarray(xs, dtype=np.float64)
    return float(xs.mean()), float(xs.std(ddof=1)) if len(xs) > 1 else 0.0


def summarise(runs):
    """Per task: each contender's primary metric and ECE (mean, std over seeds)."""
    tasks = {}
    for r in runs:
        tasks.setdefault(r["task"], []).append(r)
    out = {}
    for name, rs in tasks.items():
        rs.sort(key=lambda r: r["seed"])
        grid_names = list(rs[0]["test"])
        per = {
            n: {
                "primary": mean_std([r["test"][n]["primary"] for r in rs]),
                "ece": mean_std([r["test"][n]["ece"] for r in rs]),
            }
            for n in grid_names
        }
        best = max(grid_names, key=lambda n: per[n]["primary"][0])
        bm, bs = per[best]["primary"]
        default = rs[0]["default"]
        # What a sweep would pick without the oracle: the best validation metric, per seed.
        val_pick = [max(grid_names, key=lambda n: r["val"][n]["primary"]) for r in rs]
        recs = {}
        for label in rs[0]["recommend"]:
            rr = [r["recommend"][label] for r in rs]
            prim = mean_std([x["test"]["primary"] for x in rr])
            recs[label] = {
                "flcli_args": rr[0]["flcli_args"],
                "names": [x["setting"] for x in rr],
                "primary": prim,
                "ece": mean_std([x["test"]["ece"] for x in rr]),
                "minus_best_per_seed": [
                    x["test"]["primary"] - r["test"][best]["primary"] for x, r in zip(rr, rs)
                ],
                "within_1sd_of_best": bool(prim[0] >= bm - bs),
                "minus_default": prim[0] - per[default]["primary"][0],
                "flcli": [
                    {k: x[k] for k in ("decision", "ece", "calibration_direction", "gamma", "flcli_variant")}
                    for x in rr
                ],
            }
        out[name] = {
            "kind": rs[0]["kind"],
            "about": rs[0]["about"],
            "sizes": rs[0]["sizes"],
            "seeds": [r["seed"] for r in rs],
            "ce": per["ce"],
            "default_name": default,
            "default": per[default],
            "best_name": best,
            "best": per[best],
            "recommend": recs,
            "val_selected_names": val_pick,
            "val_selected": {
                "primary": mean_std([r["test"][n]["primary"] for r, n in zip(rs, val_pick)]),
                "ece": mean_std([r["test"][n]["ece"] for r, n in zip(rs, val_pick)]),
            },
            "grid_size": len(grid_names),
            "grid_ranked": [
                [n, *per[n]["primary"], *per[n]["ece"]]
                for n in sorted(grid_names, key=lambda n: -per[n]["primary"][0])
            ],
        }
    return out


def pm(ms, digits=3):
    return f"{ms[0]:.{digits}f} ± {ms[1]:.{digits}f}"


def names_list(names):
    uniq = []
    for n in names:
        if n not in uniq:
            uniq.append(n)
    return ", ".join(f"{n} ×{names.count(n)}" if names.count(n) > 1 else n for n in uniq)


def rec_label(task_summary, label):
    """How a recommended setting is named in the tables: its grid name, or γ and "cb from val"."""
    r = task_summary["recommend"][label]
    out = []
    for n, f in zip(r["names"], r["flcli"]):
        out.append(f"cb(val) g={f['gamma']:g}" if n == "recommended" else n)
    return names_list(out)


def verdict(summary, label):
    n_within = sum(s["recommend"][label]["within_1sd_of_best"] for s in summary.values())
    diffs = [s["recommend"][label]["minus_default"] for s in summary.values()]
    return {
        "within_1sd_count": n_within,
        "tasks": len(summary),
        "target_4_of_5_met": (n_within >= 4) if len(summary) >= 5 else None,
        "mean_minus_default": float(np.mean(diffs)),
        "minus_default_per_task": dict(zip(summary, diffs)),
        "target_default_met": bool(np.mean(diffs) >= 0),
    }


def render(summary, meta):
    from metrics import PRIMARY

    lines = []
    add = lines.append
    add("| task | metric | CE | default γ=2, α=.25 | recommended | best grid setting (oracle) | within 1 sd |")
    add("|---|---|---|---|---|---|---|")
    for name, s in summary.items():
        r = s["recommend"]["default"]
        add(
            f"| {name} | {PRIMARY[s['kind']]} | {pm(s['ce']['primary'])} "
            f"| {pm(s['default']['primary'])} ({s['default_name']}) "
            f"| {pm(r['primary'])} ({rec_label(s, 'default')}) "
            f"| {pm(s['best']['primary'])} ({s['best_name']}) "
            f"| {'yes' if r['within_1sd_of_best'] else 'no'} |"
        )
    add("")
    add("Held-out ECE (15 bins, lower is better):")
    add("")
    add("| task | CE | default | recommended | best grid setting | best-ECE grid setting |")
    add("|---|---|---|---|---|---|")
    for name, s in summary.items():
        low = min(s["grid_ranked"], key=lambda row: row[3])
        add(
            f"| {name} | {pm(s['ce']['ece'])} | {pm(s['default']['ece'])} "
            f"| {pm(s['recommend']['default']['ece'])} | {pm(s['best']['ece'])} "
            f"| {low[3]:.3f} ± {low[4]:.3f} ({low[0]}) |"
        )
    add("")
    add("The same without the calibration argument (`flcli recommend --max-ece 1`), and a sweep "
        "that picks the grid setting with the best validation metric per seed (no oracle):")
    add("")
    add("| task | recommended, --max-ece 1 | ECE | within 1 sd | validation-selected sweep | ECE | its picks |")
    add("|---|---|---|---|---|---|---|")
    for name, s in summary.items():
        r = s["recommend"]["no-calibration"]
        add(
            f"| {name} | {pm(r['primary'])} ({rec_label(s, 'no-calibration')}) | {pm(r['ece'])} "
            f"| {'yes' if r['within_1sd_of_best'] else 'no'} "
            f"| {pm(s['val_selected']['primary'])} | {pm(s['val_selected']['ece'])} "
            f"| {names_list(s['val_selected_names'])} |"
        )
    add("")
    add("What flcli saw on the CE model's validation predictions (seed 0, 1, 2, …):")
    add("")
    add("| task | imbalance ratio | α rule | CE easy-gradient share | ECE | over-confident | γ for gradient, calibration |")
    add("|---|---|---|---|---|---|---|")
    for name, s in summary.items():
        f = s["recommend"]["default"]["flcli"]
        d = [x["decision"] for x in f]

        gammas = [f"{x['gamma_for_gradient']:g}, {x['gamma_for_calibration']:g}" for x in d]

        def col(vals, fmt="{:.3g}"):
            return " / ".join("∞" if v is None else fmt.format(v) for v in vals)

        add(
            f"| {name} | {col([x['imbalance_ratio'] for x in d])} "
            f"| {names_list([x['alpha_rule'] for x in d])} "
            f"| {col([x['ce_easy_grad_share'] for x in d], '{:.2f}')} "
            f"| {col([x['ece'] for x in f], '{:.3f}')} "
            f"| {' / '.join('yes' if x['overconfident'] else 'no' for x in d)} "
            f"| {' / '.join(gammas)} |"
        )
    add("")
    verdicts = {label: verdict(summary, label) for label in next(iter(summary.values()))["recommend"]}
    for label, v in verdicts.items():
        what = "`flcli recommend`" if label == "default" else "`flcli recommend --max-ece 1`"
        add(f"- {what}: within one seed-standard-deviation of the best grid setting on "
            f"{v['within_1sd_count']} of {v['tasks']} tasks (target: at least 4 of 5); "
            f"minus the fixed default, mean over tasks {v['mean_minus_default']:+.4f} "
            f"(target: ≥ 0; per task "
            + ", ".join(f"{n} {d:+.4f}" for n, d in v["minus_default_per_task"].items()) + ").")
    add(f"- Seeds: {meta['seeds']}; grid sizes: "
        + ", ".join(f"{n} {s['grid_size']}" for n, s in summary.items())
        + f"; wall time {meta['seconds']:.0f} s with {meta['jobs']} worker(s) × "
        f"{meta['threads']} torch thread(s) on {meta['machine']}.")
    return "\n".join(lines) + "\n", verdicts


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--flcli", help="the flcli binary (default: flcli on PATH, else target/release/flcli)")
    ap.add_argument("--seeds", type=int, default=3)
    ap.add_argument("--tasks", default=None, help="comma-separated task names (default: all)")
    ap.add_argument("--jobs", type=int, default=2, help="worker processes (default 2)")
    ap.add_argument("--threads", type=int, default=1, help="torch threads per worker (default 1)")
    ap.add_argument("--smoke", action="store_true", help="one task, one seed, tiny grid; for CI")
    ap.add_argument("--out", help="directory for results.md/results.json (default: beside this file; "
                                  "the smoke run writes to a temporary one unless given)")
    ap.add_argument("--rerender", metavar="JSON",
                    help="print the tables again from a results.json, without training")
    ap.add_argument("--keep-dumps", help="keep the validation Parquet dumps in this directory")
    args = ap.parse_args()
    sys.path.insert(0, str(HERE))
    from tasks import TASKS

    if args.rerender:
        raw = json.loads(Path(args.rerender).read_text())
        runs, meta = raw["runs"], raw["meta"]
        tasks = list(dict.fromkeys(r["task"] for r in runs))
        summary = summarise(runs)
        summary = {t: summary[t] for t in tasks}
        table, _ = render(summary, meta)
        print(table)
        return
    flcli = find_flcli(args.flcli)
    if args.smoke:
        from train import self_check

        self_check()
        # The softmax task: its class-balanced α vector is trained off the grid, the longest path.
        tasks, seeds = ["digits-10class"], [0]
    else:
        tasks = args.tasks.split(",") if args.tasks else list(TASKS)
        seeds = list(range(args.seeds))
    unknown = [t for t in tasks if t not in TASKS]
    if unknown:
        sys.exit(f"recommend_eval: unknown task(s) {unknown}; known: {', '.join(TASKS)}")
    t0 = time.time()
    with tempfile.TemporaryDirectory() as tmp:
        workdir = args.keep_dumps or tmp
        os.makedirs(workdir, exist_ok=True)
        jobs = [(t, s, flcli, workdir, args.smoke, args.threads) for t in tasks for s in seeds]
        # Heaviest first, so the two workers finish together.
        jobs.sort(key=lambda j: {"dense-detection": 0, "long-tail": 1, "overconfident": 2}.get(j[0], 3))
        if args.jobs > 1 and len(jobs) > 1:
            with ProcessPoolExecutor(args.jobs) as ex:
                runs = list(ex.map(one_run, jobs))
        else:
            runs = [one_run(j) for j in jobs]
    seconds = time.time() - t0
    order = {t: i for i, t in enumerate(tasks)}
    runs.sort(key=lambda r: (order[r["task"]], r["seed"]))
    summary = summarise(runs)
    summary = {t: summary[t] for t in tasks}
    meta = {
        "seeds": seeds,
        "seconds": seconds,
        "jobs": args.jobs,
        "threads": args.threads,
        "machine": f"{platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}",
        "flcli": flcli,
        "smoke": args.smoke,
    }
    table, verdicts = render(summary, meta)
    print(table)
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(args.out) if args.out else (Path(tmp) if args.smoke else HERE)
        out.mkdir(parents=True, exist_ok=True)
        (out / "results.md").write_text(table)
        for r in runs:
            # Kept small: the validation metrics only pick the sweep's setting.
            r["val"] = {n: {"primary": m["primary"]} for n, m in r["val"].items()}
        raw = {"meta": meta, "verdicts": verdicts, "summary": summary, "runs": runs}
        (out / "results.json").write_text(json.dumps(raw, separators=(",", ":")) + "\n")
        again = json.loads((out / "results.json").read_text())
        if render(summarise(again["runs"]), again["meta"])[0] != table:
            raise RuntimeError("the tables rendered from results.json differ from the run's")
    print(f"recommend_eval: {len(runs)} runs in {seconds:.1f} s", file=sys.stderr)


if __name__ == "__main__":
    main()
