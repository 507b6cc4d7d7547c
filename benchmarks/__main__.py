"""python -m benchmarks [--quick] [--threads N[,M]] [--json PATH] [--plot PATH] [--only PART]
    [--torch-python PATH] [--jax-python PATH]
python -m benchmarks --matmul [options of benchmarks.matmul_shapes]: every network product
python -m benchmarks --cnn [options of benchmarks.cnn]: CNN steps against PyTorch and NumPy
python -m benchmarks --only programs [options of benchmarks.programs]: whole PyTorch programs"""

import os
import sys


def _threads_from_argv(argv):
    for i, arg in enumerate(argv):
        if arg == "--threads" and i + 1 < len(argv):
            return argv[i + 1]
        if arg.startswith("--threads="):
            return arg.split("=", 1)[1]
    return None


if "--matmul" in sys.argv[1:]:  # its own subprocesses, one per thread count
    from .matmul_shapes import main as matmul_main

    sys.exit(matmul_main([a for a in sys.argv[1:] if a != "--matmul"]))

if "--cnn" in sys.argv[1:]:  # a process per framework and thread count
    from .cnn import main as cnn_main

    sys.exit(cnn_main([a for a in sys.argv[1:] if a != "--cnn"]))


def _without_only_programs(argv):
    """argv less its ``--only programs`` (or ``--only=programs``), or None without one."""
    for i, arg in enumerate(argv):
        if arg == "--only=programs":
            return argv[:i] + argv[i + 1 :]
        if arg == "--only" and argv[i + 1 : i + 2] == ["programs"]:
            return argv[:i] + argv[i + 2 :]
    return None


_programs_argv = _without_only_programs(sys.argv[1:])
if _programs_argv is not None:  # a fresh process per run of a program
    from .programs.__main__ import main as programs_main

    sys.exit(programs_main(_programs_argv))

# Thread counts must be fixed before NumPy's BLAS and Numba start their pools.
# The kernel table runs in this process at the first count of --threads (the workers of
# the other tables get theirs from benchmarks.procs).
_n = _threads_from_argv(sys.argv[1:])
if _n:
    for var in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS", "NUMBA_NUM_THREADS"):
        os.environ[var] = _n.split(",")[0]

# Two thread pools share the cores in one process: OpenBLAS's (NumPy) and Numba's OpenMP
# team. Each spin-waits after its work, so the one that ran last steals the cores from the
# other. OpenBLAS spins 2**28 cycles (~0.1 s) by default; 2**16 (~20 us) keeps it hot
# between back-to-back calls and quiet soon after. OpenMP keeps its default. measure()
# also runs each side untimed for a few ms before timing it, so the other pool is asleep.
os.environ.setdefault("OPENBLAS_THREAD_TIMEOUT", "16")

from .run import main  # noqa: E402

sys.exit(main())
