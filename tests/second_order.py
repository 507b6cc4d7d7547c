"""Shared by the second-order test files: a registry of cases, one or more per op.

Each ``tests/test_second_order_*.py`` module registers cases with ``@case("OpName", ...)``:
a function of ``data`` (hypothesis) returning ``(fn, inputs)``; the module's test runs
``gradgradcheck(fn, inputs)`` in float64 on each. ``tests/test_second_order_coverage.py``
collects every module's registry and fails while a differentiable op of the package has
no case (or is not listed among the ops PyTorch itself cannot differentiate twice).
"""

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

import tinygrad_scores as ts
from tinygrad_scores.autograd import grad
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

    def test_equal_plain(self):
        """Over every case: the create_graph gradient has the plain gradient's values.
        gradgradcheck differentiates whatever the create_graph gradient computes; where that
        path recomputes what a plain backward reads (CE's rows, layer norm's 1 / std, MSE's
        a - b), this checks it computes the same numbers."""
        import pytest

        @pytest.mark.parametrize("label", sorted(self.cases))
        @SECOND
        @given(data=st.data())
        def test_create_graph_gradient_equals_the_plain_one(label, data):
            fn, inputs = self.cases[label][1](data)
            wanted = [x for x in inputs if x.requires_grad]

            def gradients(create_graph):
                rng = np.random.default_rng(0)
                outs = fn(*inputs)
                outs = list(outs) if isinstance(outs, (tuple, list)) else [outs]
                seeds = [ts.tensor(rng.standard_normal(tuple(o.shape))) for o in outs]
                found = grad(outs, wanted, seeds, create_graph=create_graph, allow_unused=True)
                return [None if g is None else g.array for g in found]

            for p, g in zip(gradients(False), gradients(True)):
                assert (p is None) == (g is None)
                if p is not None:
                    np.testing.assert_allclose(g, p, rtol=1e-10, atol=1e-12)

        return test_create_graph_gradient_equals_the_plain_one


def leaf64(array):
    return ts.tensor(array, dtype=ts.float64, requires_grad=True)
