"""Runs the checked recipes of docs/export.md and reads what they write with flcli.

Each ```python block of docs/export.md whose first line is
`# recipe: NAME -> FILE MODE` runs in an empty folder with this Python; then
`flcli stats FILE --json` must succeed without column flags and detect MODE.
Exits 1 when a recipe fails or flcli reads its file differently.

    python tests/export_recipes.py --flcli target/debug/flcli
"""
import argparse
import json
import pathlib
import re
import subprocess
import sys
import tempfile

DOC = pathlib.Path(__file__).resolve().parents[1] / "docs" / "export.md"
BLOCK = re.compile(r"```python\n(# recipe: (\S+) -> (\S+) (\S+)\n.*?)```", re.S)


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--flcli", required=True)
    args = ap.parse_args()
    flcli = str(pathlib.Path(args.flcli).resolve())
    recipes = BLOCK.findall(DOC.read_text())
    if len(recipes) < 4:
        sys.exit(f"{DOC}: found {len(recipes)} checked recipes, expected at least 4")
    bad = 0
    for code, name, out, mode in recipes:
        with tempfile.TemporaryDirectory() as d:
            run = subprocess.run([sys.executable, "-c", code], cwd=d, capture_output=True, text=True)
            if run.returncode != 0:
                print(f"BAD {name}: the recipe failed:\n{run.stderr}")
                bad += 1
                continue
            st = subprocess.run(
                [flcli, "stats", out, "--json", "-q"], cwd=d, capture_output=True, text=True
            )
            if st.returncode != 0:
                print(f"BAD {name}: flcli stats {out} exited {st.returncode}:\n{st.stderr}")
                bad += 1
                continue
            inp = json.loads(st.stdout)["input"]
            ok = inp["mode"] == mode and inp["rows_used"] > 0
            bad += not ok
            print(
                f"{'ok ' if ok else 'BAD'} {name}: {inp['rows_used']} rows, {inp['mode']} mode, "
                f"label {inp['label_column']!r}, {inp['score_kind']} in {inp['score_columns'][:3]}"
            )
    if bad:
        sys.exit(1)


if __name__ == "__main__":
    main()
