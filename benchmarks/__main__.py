"""python -m benchmarks [--quick] [--threads N] [--json PATH] [--plot PATH]"""
import os
import sys


def _threads_from_argv(argv):
    for i, arg in enumerate(argv):
        if arg == "--threads" and i + 1 < len(argv):
            return argv[i + 1]
        if arg.startswith("--threads="):
            return arg.split("=", 1)[1]
    return None


# Thread counts must be fixed before NumPy's BLAS and Numba start their pools.
_n = _threads_from_argv(sys.argv[1:])
if _n:
    for var in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS", "NUMBA_NUM_THREADS"):
        os.environ[var] = _n

# Two thread pools share the cores in one process: OpenBLAS's (NumPy) and Numba's OpenMP
# team. Each spins after its work by default and so steals the cores from the other when
# calls alternate, which measures the spinning, not the code. Both are told to sleep.
os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")
os.environ.setdefault("OPENBLAS_THREAD_TIMEOUT", "4")

from .run import main  # noqa: E402

sys.exit(main())
