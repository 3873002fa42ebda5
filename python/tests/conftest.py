"""Shared helpers: the fixtures of the repository, and the CLI whose JSON the
Python package must reproduce (``FLCLI_BIN``, else the repository's build)."""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
FIXTURES = ROOT / "fixtures"


def cli_bin() -> str:
    env = os.environ.get("FLCLI_BIN")
    if env:
        return env
    for profile in ("release", "debug"):
        p = ROOT / "target" / profile / "flcli"
        if p.exists():
            return str(p)
    raise RuntimeError("no flcli binary: build it (cargo build) or set FLCLI_BIN")


def run_cli(*args: str, check: bool = True) -> subprocess.CompletedProcess:
    r = subprocess.run([cli_bin(), *map(str, args)], capture_output=True)
    if check and r.returncode != 0:
        raise AssertionError(f"flcli {' '.join(map(str, args))} failed: {r.stderr.decode()}")
    return r


def cli_json(*args: str) -> dict:
    return json.loads(run_cli(*args, "--json").stdout)


def cli_error(*args: str) -> str:
    """The CLI's error message (stderr without 'error: '), asserting exit 2 and an empty stdout."""
    r = run_cli(*args, check=False)
    assert r.returncode == 2, r
    assert r.stdout == b""
    msg = r.stderr.decode().strip()
    assert msg.startswith("error: "), msg
    return msg[len("error: "):]


def without_input(report: dict) -> dict:
    """A report without what says where its rows came from: the `input` object,
    and `recommend`'s command line to reproduce it (which names the input)."""
    out = {k: v for k, v in report.items() if k != "input"}
    if isinstance(out.get("reproduce"), dict):
        out["reproduce"] = {k: v for k, v in out["reproduce"].items() if k != "flcli"}
    if out.get("groups"):
        out["groups"] = [without_input(g) for g in out["groups"]]
    return out


def assert_close(got, want, rel: float = 1e-13, path: str = "") -> None:
    """Equal, except floats within `rel` relative: the sums inside one unit of
    work are plain f64 sums, so rows split elsewhere than at a unit boundary
    (partitions, batches) may change the last bits (docs/partial.md)."""
    if isinstance(want, dict):
        assert isinstance(got, dict) and got.keys() == want.keys(), path
        for k in want:
            assert_close(got[k], want[k], rel, f"{path}.{k}")
    elif isinstance(want, list):
        assert isinstance(got, list) and len(got) == len(want), path
        for i, (g, w) in enumerate(zip(got, want)):
            assert_close(g, w, rel, f"{path}[{i}]")
    elif isinstance(want, float) and isinstance(got, float):
        # 1e-15 absolute: a difference of two means (calibration's confidence gap) cancels.
        assert abs(got - want) <= max(rel * max(abs(got), abs(want)), 1e-15), f"{path}: {got} != {want}"
    else:
        assert got == want, f"{path}: {got!r} != {want!r}"


def same_counts(a: dict, b: dict) -> None:
    for k in ("rows_read", "rows_used", "rows_ignored", "rows_skipped", "class_names", "mode"):
        assert a["input"][k] == b["input"][k], k


@pytest.fixture(scope="session")
def fixtures() -> Path:
    return FIXTURES
