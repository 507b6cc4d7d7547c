"""Hypothesis strategies shared by the tests: shapes, broadcasting pairs, float arrays."""

import numpy as np
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

import tinygrad_scores as ts

shapes = hnp.array_shapes(min_dims=1, max_dims=3, min_side=1, max_side=4)


@st.composite
def broadcast_pairs(draw):
    """Two shapes that broadcast together: b drops leading dims and/or has size-1 dims."""
    a = draw(shapes)
    drop = draw(st.integers(0, len(a) - 1))
    b = [1 if draw(st.booleans()) else n for n in a[drop:]]
    pair = (a, tuple(b))
    return pair if draw(st.booleans()) else pair[::-1]


def values(shape, low=-2.0, high=2.0):
    return hnp.arrays(
        np.float64, shape, elements=st.floats(low, high, allow_nan=False, allow_subnormal=False)
    )


def off_kinks(x, gap=0.1):
    """Move values within ``gap`` of 0 away from it, so finite differences never straddle
    a kink (relu, abs at 0)."""
    return np.where(np.abs(x) < gap, np.where(x < 0, -gap, gap), x)


def distinct(x):
    """Break ties (max): add to each element a small offset that grows with its rank, so
    values keep their order and any two differ by at least the step. (An offset growing
    with the position could cancel a difference and make a tie: 0.002 + k * 0.002 at k
    equals 0 + (k + 1) * 0.002 at k + 1; hypothesis found it.)"""
    ranks = np.argsort(np.argsort(x, axis=None, kind="stable"), kind="stable")
    return x + ranks.reshape(x.shape) * 1e-3 * (1 + np.abs(x).max())


def leaf(array):
    return ts.tensor(array, dtype=ts.float64, requires_grad=True)
