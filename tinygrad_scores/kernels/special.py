"""Special functions NumPy lacks: erf, elementwise over contiguous memory.

NumPy has no vectorised erf (SciPy does, but it is not a dependency); Numba compiles
``math.erf`` to the C library's erf, accurate to about one ulp in float64.
"""

import math

from ._jit import kernel

_SIGS = [f"void({t}[::1], {t}[::1])" for t in ("float32", "float64")]


@kernel(_SIGS)
def erf_forward(x, out):
    """out[i] = erf(x[i])  (erf(+-inf) = +-1, NaN stays NaN)."""
    for i in range(x.shape[0]):
        out[i] = math.erf(x[i])
