"""Shared by the second-order test files: a registry of cases, one or more per op.

Each ``tests/test_second_order_*.py`` module registers cases with ``@case("OpName", ...)``:
a function of ``data`` (hypothesis) returning ``(fn, inputs)``; the module's test runs
``gradgradcheck(fn, inputs)`` in float64 on each. ``tests/test_second_order_coverage.py``
collects every module's registry and fails while a differentiable op of the package has
no case (or is not listed among the ops PyTorch itself cannot differentiate twice).
"""

from hypothesis import given, settings
from hypothesis import strategies as st

import tinygrad_scores as ts
from tinygrad_scores.gradcheck import gradgradcheck

SECOND = settings(max_examples=5, deadline=None)


class Registry:
    def __init__(self):
        self.cases = {}  # label -> (op class names covered, builder)

    def case(self, *ops, label=None):
        def register(builder):
            self.cases[label or builder.__name__] = (ops, builder)
            return builder

        return register

    def covered(self):
        return {op for ops, _ in self.cases.values() for op in ops}

    def test(self):
        """A parametrised pytest test over every registered case."""
        import pytest

        labels = sorted(self.cases)

        @pytest.mark.parametrize("label", labels)
        @SECOND
        @given(data=st.data())
        def test_second_derivative(label, data):
            _, builder = self.cases[label]
            fn, inputs = builder(data)
            assert gradgradcheck(fn, inputs, atol=1e-5, rtol=1e-3)

        return test_second_derivative


def leaf64(array):
    return ts.tensor(array, dtype=ts.float64, requires_grad=True)
