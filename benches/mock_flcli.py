#!/usr/bin/env python3
"""Stand-in for `flcli` that prints the JSON contract, computed with numpy.

Only for testing benches/peers.py's agreement checks before (or independently
of) the Rust binary:

    python3 benches/peers.py --flcli benches/mock_flcli.py --check-only

It understands exactly the command lines peers.py sends:
    compare FILE --prob prob --label label --gamma 0,0.5,1,2,5 --alpha 0.25 --json
    stats FILE --prob prob --label label --gamma 2 --alpha 0.25 --json
    stats FILE --mode sigmoid --logits 'logit_*' --label label --gamma 2 --alpha 0.25 --json
and only gammas peers.py uses.  MOCK_FLCLI_PERTURB=1e-5 multiplies every loss
sum by (1 + 1e-5), to see the checks fail.  It re-executes itself in the peers
venv when numpy is missing, like gen_data.py.
"""
import argparse
import json
import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))

try:
    import numpy  # noqa: F401
except ImportError:
    py = os.path.join(os.environ.get("FLCLI_BENCH_VENV", "/work/venvs/peers"), "bin", "python")
    if os.path.exists(py) and not os.environ.get("_MOCK_REEXEC"):
        os.environ["_MOCK_REEXEC"] = "1"
        os.execv(py, [py, os.path.abspath(__file__)] + sys.argv[1:])
    sys.exit("mock_flcli.py needs numpy (python3 benches/peers.py --setup-only)")

sys.path.insert(0, HERE)
import peers  # noqa: E402

K = 1.0 + float(os.environ.get("MOCK_FLCLI_PERTURB", "0"))


def binary(path, gammas, alpha):
    if abs(alpha - peers.ALPHA) > 1e-12:
        sys.exit("mock supports alpha 0.25 only")
    idx = [peers.GAMMAS.index(g) for g in gammas]
    M = peers.marginals(peers.peer_numpy_binary(path)["groups"])
    return M, idx


def compare(a):
    gammas = [float(g) for g in a.gamma.split(",")]
    M, idx = binary(a.file, gammas, a.alpha)
    n, ce = M["total"][0], M["total"][1]
    variants = []
    for g, i in zip(gammas, idx):
        tot = M["total"][2 + i] * K
        variants.append({
            "name": f"focal g={g:g} a={a.alpha:g}", "gamma": g, "alpha": a.alpha,
            "loss_sum": tot, "loss_mean": tot / n, "ratio_to_ce": tot / ce,
            "classes": [{"name": str(k), "loss_sum": v[2 + i] * K, "share": v[2 + i] * K / tot}
                        for k, v in sorted(M["label"].items())],
            "buckets": [{"lower": peers.EDGES[b], "upper": peers.EDGES[b + 1],
                         "loss_sum": M["bucket"].get(b, [0] * 7)[2 + i] * K,
                         "share": M["bucket"].get(b, [0] * 7)[2 + i] * K / tot}
                        for b in range(peers.NB)],
        })
    return {"schema_version": 1, "command": "compare", "input": _input(a.file, n, "binary", ["0", "1"]),
            "params": {"gammas": gammas, "alphas": [a.alpha]}, "variants": variants}


def _input(path, rows, mode, names, background=None):
    """The `input` object of flcli's reports (the fields peers.py checks)."""
    return {"paths": [path], "mode": mode, "score_kind": "probabilities" if mode == "binary" else "logits",
            "class_names": names, "rows_read": rows, "rows_used": rows, "background_rows": background}


def stats(a):
    g = float(a.gamma)
    if a.mode == "sigmoid":
        R = peers.peer_numpy_multi(a.file, detail=True)
        fl, ce = R["fl_sum"] * K, R["ce_sum"]
        totals = {"elements": R["elements"], "positives": R["positives"], "ce_sum": ce, "ce_mean": ce / R["elements"],
                  "focal_sum": fl, "focal_mean": fl / R["elements"], "loss_per_positive": fl / R["positives"]}
        classes = [{"name": str(j), "index": j, "count": R["class_count"][j], "elements": R["rows"],
                    "ce_sum": R["class_ce"][j], "focal_sum": R["class_fl"][j] * K} for j in range(peers.N_CLASSES)]
        names = [str(j) for j in range(peers.N_CLASSES)]
        return {"schema_version": 1, "command": "stats", "params": {"gamma": g, "alpha": a.alpha},
                "input": _input(a.file, R["rows"], "sigmoid", names, R["rows"] - R["positives"]),
                "totals": totals, "classes": classes, "buckets": []}
    M, (i,) = binary(a.file, [g], a.alpha)
    n, ce, fl = M["total"][0], M["total"][1], M["total"][2 + i] * K
    pos = M["label"].get(1, [0])[0]
    totals = {"elements": n, "positives": pos, "ce_sum": ce, "ce_mean": ce / n, "focal_sum": fl, "focal_mean": fl / n,
              "loss_per_positive": fl / pos if pos else None}
    classes = [{"name": str(k), "index": k, "count": v[0], "ce_sum": v[1], "focal_sum": v[2 + i] * K}
               for k, v in sorted(M["label"].items())]
    empty = [0] * (2 + len(peers.GAMMAS))
    buckets = [{"lower": peers.EDGES[b], "upper": peers.EDGES[b + 1], "count": M["bucket"].get(b, empty)[0],
                "ce_sum": M["bucket"].get(b, empty)[1], "focal_sum": M["bucket"].get(b, empty)[2 + i] * K}
               for b in range(peers.NB)]
    return {"schema_version": 1, "command": "stats", "params": {"gamma": g, "alpha": a.alpha},
            "input": _input(a.file, n, "binary", ["0", "1"]),
            "totals": totals, "classes": classes, "buckets": buckets}


def main():
    if sys.argv[1:] == ["--version"]:
        print("flcli (mock_flcli.py)")
        return
    ap = argparse.ArgumentParser()
    ap.add_argument("command", choices=["compare", "stats"])
    ap.add_argument("file")
    ap.add_argument("--prob")
    ap.add_argument("--logits")
    ap.add_argument("--label")
    ap.add_argument("--mode")
    ap.add_argument("--gamma")
    ap.add_argument("--alpha", type=float)
    ap.add_argument("--json", action="store_true")
    a = ap.parse_args()
    out = compare(a) if a.command == "compare" else stats(a)
    json.dump(out, sys.stdout)
    print()


if __name__ == "__main__":
    main()
