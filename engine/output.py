"""Writing reports: atomically, and never over an input file."""

from __future__ import annotations

import json
import json.encoder
import os
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

from engine.errors import UsageError


def _file_mode() -> int:
    """The mode a new file gets here (0o666 less the umask): mkstemp's 0o600 is for secrets."""
    mask = os.umask(0o022)
    os.umask(mask)
    return 0o666 & ~mask


def write_atomically(path: Path, data: bytes, *, inputs: Iterable[Path] = ()) -> None:
    """Write `data` to `path` through a temporary file and a rename.

    A crash leaves either the old file or the new one, never half of one.

    Raises:
        UsageError: `path` is one of the inputs, or its folder does not exist.
    """
    target = path.resolve()
    for source in inputs:
        if source.exists() and target == source.resolve():
            raise UsageError(f"refusing to write the report over an input file: {path}")
    if target.is_dir():
        raise UsageError(f"output path is a directory: {path}")
    folder = target.parent
    if not folder.is_dir():
        raise UsageError(f"output folder does not exist: {folder}")
    import tempfile  # only when a file is written: a report to stdout never needs it

    fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=folder)
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(data)
            f.flush()
            os.fsync(f.fileno())
        os.chmod(tmp, _file_mode())
        os.replace(tmp, target)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def json_bytes(data: object) -> bytes:
    """Plain data as UTF-8 JSON: sorted keys, two-space indent, a final newline."""
    return (indented_json(data) + "\n").encode("utf-8")  # the record holds no NaN or infinity


# -- JSON text ----------------------------------------------------------------------------------
# `json.dumps(..., indent=2)` runs CPython's pure-Python encoder (its C encoder only writes compact
# text), about 33 ms for a full result. `indented_json` writes the same bytes for plain data
# (dict, list, tuple, str, int, float, bool, None; keys sorted) at a fraction of the cost: one
# recursive function, the C string escaper, no generators. tests/unit/test_jsontext.py checks it
# against json.dumps on random data.

_escape = json.encoder.encode_basestring  # the C escaper when available (ensure_ascii=False)
_float_repr = float.__repr__
_int_repr = int.__repr__
_INFINITY = float("inf")


def _float(value: float) -> str:
    if value != value or value == _INFINITY or value == -_INFINITY:
        raise ValueError("Out of range float values are not JSON compliant: " + repr(value))
    return _float_repr(value)


def _key(key: object) -> str:
    """A dict key as json.dumps writes it (it converts scalars to strings)."""
    if isinstance(key, str):
        return _escape(key)
    if key is True:
        return '"true"'
    if key is False:
        return '"false"'
    if key is None:
        return '"null"'
    if isinstance(key, int):
        return '"' + _int_repr(key) + '"'
    if isinstance(key, float):
        return '"' + _float(key) + '"'
    raise TypeError(f"keys must be str, int, float, bool or None, not {type(key).__name__}")


def _scalar(value: object) -> str:
    if isinstance(value, str):
        return _escape(value)
    if value is None:
        return "null"
    if value is True:
        return "true"
    if value is False:
        return "false"
    if isinstance(value, int):
        return _int_repr(value)
    if isinstance(value, float):
        return _float(value)
    raise TypeError(f"Object of type {type(value).__name__} is not JSON serializable")


def _write(
    value: object,
    out: Callable[[str], None],
    newline: str,
    step: str,
    plans: dict[tuple[object, ...], tuple[tuple[str, str], ...]],
) -> None:
    """Pass `value`'s indented JSON to `out`; `newline` is a newline and the current indent.

    `plans` keeps, per indent and keys (as inserted), the keys in sorted order, each with the
    `,<newline><indent>"key": ` written before its value: the record's dicts are built by a few
    functions, so tens of thousands of them share a few dozen plans (issue 17: a sort and a text
    per key saved).
    """
    written = _WRITTEN
    if isinstance(value, dict):
        if not value:
            out("{}")
            return
        inner = newline + step
        shape = (inner, *value)
        plan = plans.get(shape)
        if plan is None:
            plan = _plan(value, inner)
            # kept for text keys only: 1, 1.0 and True are one key to a dict, so the plan made
            # for (inner, True) would be found for (inner, 1)
            if all(type(key) is str for key in value):
                plans[shape] = plan
        for key, head in plan:
            out(head)  # appended apart: join is cheaper than a concatenation per item
            item = value[key]
            kind = type(item)
            flat = written.get(kind)
            if flat is not None:
                out(flat(item))
            elif kind is dict or kind is list or kind is tuple or not _is_scalar(item):
                _write(item, out, inner, step, plans)
            else:
                out(_scalar(item))
        out(newline + "}")
    elif isinstance(value, list | tuple):
        if not value:
            out("[]")
            return
        inner = newline + step
        separator = "," + inner
        head = "[" + inner
        for item in value:
            out(head)
            kind = type(item)
            flat = written.get(kind)
            if flat is not None:
                out(flat(item))
            elif kind is dict or kind is list or kind is tuple or not _is_scalar(item):
                _write(item, out, inner, step, plans)
            else:
                out(_scalar(item))
            head = separator
        out(newline + "]")
    else:
        out(_scalar(value))


def _plan(value: dict[Any, Any], inner: str) -> tuple[tuple[Any, str], ...]:
    """A dict's keys in sorted order, each with the text written before its value."""
    plan = [(key, "," + inner + _key(key) + ": ") for key in sorted(value)]
    plan[0] = (plan[0][0], "{" + plan[0][1][1:])
    return tuple(plan)


# How each exact scalar type is written (a subclass goes through `_scalar`).
_WRITTEN: dict[type, Callable[[Any], str]] = {
    str: _escape,
    int: _int_repr,
    float: _float,
    bool: lambda value: "true" if value else "false",
    type(None): lambda _: "null",
}


def _is_scalar(value: object) -> bool:
    return value is None or isinstance(value, str | int | float)


def indented_json(data: object, indent: int = 2) -> str:
    """`json.dumps(data, indent=indent, sort_keys=True, ensure_ascii=False, allow_nan=False)`, faster.

    For plain data only: no `default`, and a cyclic structure ends in RecursionError.
    """
    out: list[str] = []
    _write(data, out.append, "\n", " " * indent, {})
    return "".join(out)
