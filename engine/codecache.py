"""The compiled code of the dataclass methods, kept from run to run (issue 17).

Python's `dataclasses` writes each class's `__init__`, `__repr__`, `__eq__`, `__hash__`,
`__setattr__` and `__delattr__` as source text and compiles it when the class is defined: some 540
compilations for the classes a run imports, 40-80 ms of every start (a third of `import cli`). The
text is the same from run to run, so `install` lets the module run the code compiled from it
before, kept in the cache folder (`code/`, one entry per module and Python version, see
`engine.filecache`), instead of compiling it again.

What runs is what compiling the text gives: `compile(text, "<string>", "exec")` with no compiler
flags, as `exec(text)` in `dataclasses` (whose source has no `__future__` import) compiles it.
Text a run has not met is compiled then, and the module's entry is rewritten, with the texts the
process ran, when it exits (so an entry holds what the module's classes are today). With
the cache off (`SPM_AUDIT_NO_CACHE=1`) nothing is installed; an entry that cannot be read is as no
entry. An entry holds code to run, as Python's own `__pycache__` does, in a folder only the user
writes to.
"""

from __future__ import annotations

import atexit
import builtins
import dataclasses
import marshal
import sys
import types
from typing import Any

from engine import filecache

KIND = "code"
# Compiled code is only good for the interpreter that compiled it.
INTERPRETER = f"{sys.implementation.cache_tag}-{sys.hexversion:x}"

_read: dict[str, dict[str, types.CodeType]] = {}  # per module: its entry, then what it compiled
_ran: dict[str, dict[str, types.CodeType]] = {}  # per module: the texts run by this process
_compiled: set[str] = set()  # modules with texts compiled here: their entries are rewritten at exit


def key(module: str) -> str:
    """The cache key of a module's entry: the code of its classes' methods."""
    return f"{module}-{INTERPRETER}"


def install() -> None:
    """Let `dataclasses` take its methods' compiled code from the cache (once per process)."""
    if getattr(dataclasses, "exec", None) is _exec or not filecache.is_enabled():
        return
    # `dataclasses` calls the builtin by its name: a module global of that name comes first
    dataclasses.exec = _exec  # type: ignore[attr-defined]


def uninstall() -> None:
    """`dataclasses` compiles every text again (the tests compare the two)."""
    if getattr(dataclasses, "exec", None) is _exec:
        del dataclasses.exec  # type: ignore[attr-defined]


def _entry(module: str) -> dict[str, types.CodeType]:
    """A module's entry as read (empty when there is none or it cannot be read)."""
    data = filecache.read_entry(KIND, key(module))
    if data is None:
        return {}
    try:
        entry = marshal.loads(data)  # noqa: S302 - our own entry, as __pycache__ is
    except (EOFError, ValueError, TypeError):
        return {}
    if not isinstance(entry, dict):
        return {}
    return {t: c for t, c in entry.items() if type(t) is str and type(c) is types.CodeType}


def _exec(source: Any, globals: Any = None, locals: Any = None, /, **kwargs: Any) -> None:
    """`exec`, with the code compiled from `source` before when it is text met before.

    `dataclasses` runs a class's methods' text in the globals of the class's module: the module
    names the entry.
    """
    module = globals.get("__name__") if type(globals) is dict else None
    if type(source) is not str or type(module) is not str:
        return builtins.exec(source, globals, locals, **kwargs)  # noqa: S102 - dataclasses' call
    known = _read.get(module)
    if known is None:
        known = _read[module] = _entry(module)
    code = known.get(source)
    if code is None:
        code = known[source] = compile(source, "<string>", "exec", dont_inherit=True)
        if not _compiled:
            atexit.register(_save)
        _compiled.add(module)
    _ran.setdefault(module, {})[source] = code
    return builtins.exec(code, globals, locals, **kwargs)  # noqa: S102 - the code of its text


def _save() -> None:
    """Rewrite the entries of the modules that compiled texts: the texts this process ran."""
    for module in sorted(_compiled):
        filecache.write_entry(KIND, key(module), marshal.dumps(_ran[module]))
