"""Every differentiable op of the package is differentiated twice by some test.

The op list is read from ``tinygrad_scores.functions`` (every ``ArrayFunction`` subclass), so a
new op without a second-order case fails here until it gets one."""

import inspect

import test_second_order_conv_seq as conv_seq
import test_second_order_elementwise as elementwise
import test_second_order_indexing as indexing
import test_second_order_linalg as linalg
import test_second_order_nn as nn

from tinygrad_scores import functions
from tinygrad_scores.autograd import ArrayFunction

MODULES = [elementwise, indexing, nn, conv_seq, linalg]

# Ops whose backward has no derivative in PyTorch either (derivatives.yaml marks them
# not_implemented or non-differentiable), so create_graph raises naming them.
NO_DOUBLE_BACKWARD: set[str] = set()


def package_ops():
    return {
        name
        for name, obj in vars(functions).items()
        if inspect.isclass(obj) and issubclass(obj, ArrayFunction) and obj is not ArrayFunction
    }


def test_every_op_has_a_second_order_case():
    covered = set().union(*(m.REGISTRY.covered() for m in MODULES))
    missing = package_ops() - covered - NO_DOUBLE_BACKWARD
    assert not missing, f"ops without a second-order test: {sorted(missing)}"
