"""Keyword arguments -> the CLI's argument list, and which flags a partial
result takes versus a report on partial results.

Keyword names are the CLI's long flags with ``-`` -> ``_``; the list goes
through the same clap parser as the command line, so nothing drifts.
"""

from __future__ import annotations

import os
from typing import Any, Dict, List, Mapping, Tuple

# Flags that may be given more than once on the command line.
_REPEATED = {"variant", "fail_if"}

# Flags about reading data files: a partial result records them; a report on
# partial results refuses them.
_READ_ONLY = {
    "label",
    "targets",
    "prob",
    "probs",
    "logit",
    "logits",
    "mode",
    "input_format",
    "delimiter",
    "skip_invalid",
    "labels_npy",
    "channels_last",
    "max_line_bytes",
    "class_names",
}
# Settings the partial result is computed under, that a report on it must repeat.
_SHARED = {"positive", "background", "ignore_index", "eps", "buckets", "easy", "threads"}
# Only stats and compare break a report down by a column.
_BY = {"by", "max_groups"}


def _number(x: Any) -> str:
    if isinstance(x, bool):
        raise TypeError(f"expected a number, got {x!r}")
    return str(x)


def _alpha_item(x: Any) -> str:
    if x is None:
        return "none"
    if isinstance(x, (list, tuple)) or _is_array(x):
        return ",".join(_number(v) for v in list(x))
    return str(x)


def _is_array(x: Any) -> bool:
    return hasattr(x, "tolist") and hasattr(x, "shape")


def _value(name: str, v: Any) -> str:
    if isinstance(v, (str, os.PathLike)):
        return os.fspath(v)
    if name == "alpha" and (isinstance(v, (list, tuple)) or _is_array(v)):
        # compare's settings are ';'-separated; a softmax setting is a ','-list.
        return ";".join(_alpha_item(x) for x in list(v))
    if name == "alpha" and v is None:
        return "none"
    if isinstance(v, (list, tuple)) or _is_array(v):
        return ",".join(str(x) for x in list(v))
    return str(v)


def argv(flags: Mapping[str, Any]) -> List[str]:
    """The command-line flags of keyword arguments: ``True`` is a switch,
    ``False`` and ``None`` leave the flag out (except ``alpha=None``, which is
    ``--alpha none``), lists are comma lists (``alpha`` settings ``;``-separated),
    ``variant`` and ``fail_if`` repeat."""
    out: List[str] = []
    for name, v in flags.items():
        flag = "--" + name.replace("_", "-")
        if v is False or (v is None and name != "alpha"):
            continue
        if v is True:
            out.append(flag)
        elif name in _REPEATED and isinstance(v, (list, tuple)):
            out.extend(f"{flag}={_value(name, x)}" for x in v)
        else:
            # --flag=value: a value that starts with '-' is never read as a flag.
            out.append(f"{flag}={_value(name, v)}")
    return out


def split(command: str, flags: Mapping[str, Any]) -> Tuple[Dict[str, Any], Dict[str, Any]]:
    """Splits a report's flags into those of the partial results it is built
    from and those of the report on them (for `command`)."""
    part: Dict[str, Any] = {}
    rep: Dict[str, Any] = {}
    for name, v in flags.items():
        if name in _READ_ONLY:
            part[name] = v
        elif name in _SHARED:
            part[name] = v
            rep[name] = v
        elif name in _BY:
            part[name] = v
            if command != "recommend":
                rep[name] = v
        elif name == "variant":
            part[name] = v
            rep[name] = v
        elif name == "gamma":
            part["gamma"] = v
            rep[name] = v
        else:
            rep[name] = v
    if command == "recommend" and flags.get("calibration_gamma") is not None and "gamma" in part:
        # recommend always weighs its calibration γ: the partials must hold it.
        g = part["gamma"]
        g = list(g) if isinstance(g, (list, tuple)) or _is_array(g) else [g]
        part["gamma"] = g + [flags["calibration_gamma"]]
    elif command == "recommend" and flags.get("calibration_gamma") is not None:
        part["gamma"] = [0, 0.5, 1, 2, 3, 5, flags["calibration_gamma"]]
    return part, rep


def partial_flags(flags: Mapping[str, Any]) -> Dict[str, Any]:
    """The flags of an accumulator's partial results that its reports repeat."""
    return {k: v for k, v in flags.items() if k in _SHARED or k in _BY}
