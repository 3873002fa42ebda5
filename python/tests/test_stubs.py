"""The stubs list every flag of the CLI as a keyword, so editors complete them."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

from conftest import run_cli

STUBS = Path(__file__).resolve().parents[1] / "flcli"
# Where a report goes, help and the terminal: not keywords of a function that returns the report.
NOT_KEYWORDS = {"json", "output", "out", "fail_if", "plot", "help", "color", "quiet", "version"}


def keywords(stub: str, name: str) -> set:
    tree = ast.parse((STUBS / stub).read_text())
    for node in tree.body:
        if isinstance(node, ast.FunctionDef) and node.name == name:
            return {a.arg for a in node.args.kwonlyargs}
    raise AssertionError(f"{stub} has no {name}")


@pytest.mark.parametrize("stub", ["__init__.pyi", "spark.pyi", "dask.pyi", "ray.pyi"])
@pytest.mark.parametrize("command", ["stats", "compare", "recommend", "partial"])
def test_every_flag_is_a_keyword(stub, command):
    if command == "partial" and stub != "__init__.pyi":
        return
    help_text = run_cli(command, "--help").stdout.decode()
    flags = {f.replace("-", "_") for f in re.findall(r"--([a-z][a-z-]*)", help_text)} - NOT_KEYWORDS
    assert flags, help_text
    missing = flags - keywords(stub, command)
    assert not missing, f"{stub}: {command} lacks {sorted(missing)}"
