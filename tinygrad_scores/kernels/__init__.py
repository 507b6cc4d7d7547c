"""The kernels, on two floors with the same entry points:

- ``fast`` (this directory): tuned kernels (blocked matmul, vectorised exp, fused
  cross-entropy, threads for large arrays); entry points gathered in fast.py.
- ``loops`` (loops/): the plainest correct loop nest for each, written to be read.

The op layer calls ``active().<entry point>``; switch with ``set_kernels("loops" | "fast")``
or the environment variable ``TINYGRAD_SCORES_KERNELS`` (read at import).
compiler.py holds the Numba machinery (lazy compile, cache repair, threads): skippable.
"""

import os

from . import fast, loops
from .compiler import background, set_quiet

FLOORS = {"fast": fast, "loops": loops}
ENTRY_POINTS = tuple(fast.__all__)

_active = fast


def active():
    """The namespace (module) of entry points of the active floor."""
    return _active


def set_kernels(name):
    """Run every op on the ``"fast"`` (tuned) or ``"loops"`` (plain loop) kernels."""
    global _active
    if name not in FLOORS:
        raise ValueError(f"set_kernels: expected 'fast' or 'loops', got {name!r}")
    _active = FLOORS[name]


def wait_for_builds(timeout=None):
    """Block until the threaded builds asked for so far are there (they are built on a
    background thread: compiler._Background). Benchmarks call it before timing."""
    return background.wait(timeout)


__all__ = ["active", "set_kernels", "set_quiet", "wait_for_builds", "FLOORS", "ENTRY_POINTS"]

set_kernels(os.environ.get("TINYGRAD_SCORES_KERNELS", "fast") or "fast")
