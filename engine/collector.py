"""The cyclic garbage collector paused while a stage builds what it keeps.

Loading rule sets, assessing, writing a record and laying out a PDF allocate many objects and free
next to none of them in cycles: the collector would walk them again and again for nothing (the
peak RSS is the same without it). Each stage pauses it for its length and restores it after, so a
long-lived caller (a batch worker, a library user) keeps collecting between runs.
"""

from __future__ import annotations

import contextlib
import gc
from collections.abc import Iterator


@contextlib.contextmanager
def paused() -> Iterator[None]:
    """No cyclic garbage collection inside the block; the collector's state restored after."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()
