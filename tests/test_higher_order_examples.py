"""The higher-order examples reach what they promise: docs/higher-order.md's three Hessian-
vector products agree, and examples/pinn.py solves the heat equation.

Both need create_graph=True through Linear, ReLU, cross-entropy and cat (the so_nn and
so_index branches)."""

import os
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(ROOT, "examples"))


def test_higher_order_by_hand_agrees_with_the_engine_and_finite_differences():
    import higher_order_by_hand

    assert higher_order_by_hand.main() < 1e-8


def test_pinn_example_learns_the_heat_equation():
    import pinn

    first, last, error = pinn.main(["--steps", "400", "--quiet"])
    assert last < first / 100, (first, last)  # 0.318 -> 0.0004 here
    assert error < 0.06, error  # 0.028 here: the largest error over a 41 x 41 grid
