"""Compile every kernel ahead of time, so the first training step does not wait for Numba.

    python -m tinygrad_scores.warmup [--floor fast|loops|all] [--dtype float32|float64|all]

Kernels otherwise compile on first use (a few seconds, once: Numba caches the machine code
on disk). Useful after installing, in a Docker image build, or in CI before timing anything.
Prints a progress bar on a terminal, one line per kernel otherwise.
"""

import argparse
import sys
import time

from .kernels import compiler


def jobs(floor="all", dtype="all"):
    """(kernel, dtype) pairs still to build for the chosen floor(s) and dtype(s)."""
    from . import kernels  # noqa: F401  (defines every kernel of both floors)

    out = []
    for k in compiler.all_kernels():
        if floor not in ("all", k.floor):
            continue
        for dt in k.groups:
            if dtype in ("all", dt.name) and not k.is_built(dt):
                out.append((k, dt))
    return out


def warmup(floor="all", dtype="all", out=sys.stderr):
    """Build the kernels; returns how many were built (compiled or loaded from the cache)."""
    todo = jobs(floor, dtype)
    tty = out.isatty()
    start = time.perf_counter()
    was_quiet = compiler._quiet
    compiler.set_quiet(True)  # this bar replaces the "compiling kernels" line
    try:
        for n, (k, dt) in enumerate(todo, 1):
            k.build(dt)
            label = f"{k.floor}/{k.__name__} {dt}"
            if tty:
                bar = "#" * (30 * n // len(todo))
                out.write(f"\r[{bar:<30}] {n}/{len(todo)} {label:<50.50}")
            else:
                out.write(f"warmup: {n}/{len(todo)} {label}\n")
            out.flush()
    finally:
        compiler.set_quiet(was_quiet)
    if tty and todo:
        out.write("\n")
    out.write(f"warmup: {len(todo)} kernels ready in {time.perf_counter() - start:.1f} s\n")
    return len(todo)


def main(argv=None):
    parser = argparse.ArgumentParser(
        prog="python -m tinygrad_scores.warmup",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--floor", choices=["fast", "loops", "all"], default="all")
    parser.add_argument("--dtype", choices=["float32", "float64", "all"], default="all")
    args = parser.parse_args(argv)
    warmup(args.floor, args.dtype)


if __name__ == "__main__":
    main()
