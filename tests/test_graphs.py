"""The engine on whole graphs, not single ops.

Hypothesis draws a program: 1-3 leaves of shapes that broadcast together, then 3-12 ops
whose inputs are earlier leaves *or intermediates* (so intermediates feed several later
ops, along paths of different lengths), then 1-3 outputs. The gradients the engine puts
in ``.grad`` must agree with two oracles that share no code with it:

- central differences in float64 of the same program, and
- a scalar reference engine (tests/scalar_engine.py) that recomputes the program element
  by element, micrograd-style.

Each program is run three ways: the outputs summed into one loss and ``backward()``;
each output backpropagated in turn with ``retain_graph=True`` (gradients accumulate);
and ``autograd.grad`` (which must leave ``.grad`` untouched). An intermediate picked at
random calls ``retain_grad()`` and its gradient is checked too.
"""

import os

import numpy as np
import pytest
import scalar_engine as se
from hypothesis import assume, given, settings
from hypothesis import strategies as st

import tinygrad_scores as ts

GRAPHS = int(os.environ.get("GRAPHS", 300))  # random graphs drawn per run (each checked three ways)


def _safe_div(a, b):
    return a / (b * b + 1)


# name -> (arity, on tensors, on object arrays of scalar Values)
UNARY = {
    "exp": (lambda a: a.exp(), lambda a: se.elementwise(lambda v: v.exp(), a)),
    "tanh": (lambda a: a.tanh(), lambda a: se.elementwise(lambda v: v.tanh(), a)),
    "sigmoid": (lambda a: a.sigmoid(), lambda a: se.elementwise(lambda v: v.sigmoid(), a)),
    "neg": (lambda a: -a, lambda a: se.elementwise(lambda v: -v, a)),
    "square": (lambda a: a**2, lambda a: se.elementwise(lambda v: v**2, a)),
    "log_sq1": (
        lambda a: (a * a + 1).log(),
        lambda a: se.elementwise(lambda v: (v * v + 1).log(), a),
    ),
    "sqrt_sq1": (
        lambda a: (a * a + 1).sqrt(),
        lambda a: se.elementwise(lambda v: (v * v + 1).sqrt(), a),
    ),
    "affine": (lambda a: a * 0.5 + 1, lambda a: se.elementwise(lambda v: v * 0.5 + 1, a)),
}
BINARY = {
    "add": (lambda a, b: a + b, lambda a, b: se.elementwise(lambda x, y: x + y, a, b)),
    "sub": (lambda a, b: a - b, lambda a, b: se.elementwise(lambda x, y: x - y, a, b)),
    "mul": (lambda a, b: a * b, lambda a, b: se.elementwise(lambda x, y: x * y, a, b)),
    "div": (_safe_div, lambda a, b: se.elementwise(lambda x, y: x / (y * y + 1), a, b)),
}


def _apply(op, args, on_tensors):
    kind, name, axis = op
    if kind == "unary":
        fn = UNARY[name][0 if on_tensors else 1]
        return fn(args[0])
    if kind == "binary":
        fn = BINARY[name][0 if on_tensors else 1]
        return fn(args[0], args[1])
    a = args[0]
    if kind == "sum":
        return a.sum(dim=axis, keepdim=True) if on_tensors else se.reduce_sum(a, axis, True)
    if kind == "mean":
        if on_tensors:
            return a.mean(dim=axis, keepdim=True)
        n = a.shape[axis]
        return se.elementwise(lambda v: v * (1.0 / n), se.reduce_sum(a, axis, True))
    if kind == "softmax":
        return a.softmax(axis) if on_tensors else se.softmax(a, axis)
    if kind == "log_softmax":
        return a.log_softmax(axis) if on_tensors else se.log_softmax(a, axis)
    raise AssertionError(kind)


@st.composite
def programs(draw):
    m, n = draw(st.integers(1, 3)), draw(st.integers(1, 3))
    leaf_shapes = draw(
        st.lists(st.sampled_from([(m, n), (n,), (m, 1), (1, n), ()]), min_size=1, max_size=3)
    )
    leaves = [
        draw(
            st.lists(
                st.floats(-1.5, 1.5, allow_subnormal=False),
                min_size=int(np.prod(s)),
                max_size=int(np.prod(s)),
            )
        )
        for s in leaf_shapes
    ]
    leaves = [np.array(v, dtype=np.float64).reshape(s) for v, s in zip(leaves, leaf_shapes)]
    shapes = list(leaf_shapes)
    ops = []
    for _ in range(draw(st.integers(3, 12))):
        # prefer intermediates, so that they are reused along paths of different lengths
        pick = st.integers(0, len(shapes) - 1)
        recent = (
            st.integers(max(len(leaf_shapes), len(shapes) - 4), len(shapes) - 1)
            if len(shapes) > len(leaf_shapes)
            else pick
        )
        first = draw(st.one_of(recent, pick))
        kind = draw(
            st.sampled_from(
                [
                    "unary",
                    "unary",
                    "binary",
                    "binary",
                    "binary",
                    "sum",
                    "mean",
                    "softmax",
                    "log_softmax",
                ]
            )
        )
        shape = shapes[first]
        if kind in ("sum", "mean", "softmax", "log_softmax") and not shape:
            kind = "unary"
        if kind == "unary":
            ops.append((("unary", draw(st.sampled_from(sorted(UNARY))), None), (first,)))
            shapes.append(shape)
        elif kind == "binary":
            second = draw(st.one_of(recent, pick))
            ops.append((("binary", draw(st.sampled_from(sorted(BINARY))), None), (first, second)))
            shapes.append(np.broadcast_shapes(shape, shapes[second]))
        else:
            axis = draw(st.integers(0, len(shape) - 1))
            ops.append(((kind, None, axis), (first,)))
            shapes.append(
                tuple(1 if k == axis else s for k, s in enumerate(shape))
                if kind in ("sum", "mean")
                else shape
            )
    intermediates = list(range(len(leaf_shapes), len(shapes)))
    outputs = draw(st.lists(st.sampled_from(intermediates), min_size=1, max_size=3, unique=True))
    weights = [
        np.array(
            draw(
                st.lists(
                    st.floats(-1, 1, allow_subnormal=False),
                    min_size=int(np.prod(shapes[o])),
                    max_size=int(np.prod(shapes[o])),
                )
            )
        ).reshape(shapes[o])
        for o in outputs
    ]
    retained = draw(st.sampled_from(intermediates))
    return leaves, ops, outputs, weights, retained


def _run_program(leaves, ops, on_tensors):
    nodes = list(leaves)
    for op, inputs in ops:
        nodes.append(_apply(op, [nodes[i] for i in inputs], on_tensors))
    return nodes


def _loss_numpy(leaves, ops, outputs, weights):
    nodes = _run_program([ts.tensor(x) for x in leaves], ops, on_tensors=True)
    return sum(float((nodes[o].array * w).sum()) for o, w in zip(outputs, weights))


def _central_differences(leaves, ops, outputs, weights, eps=1e-6):
    grads = []
    for k, leaf in enumerate(leaves):
        g = np.zeros_like(leaf)
        for index in np.ndindex(leaf.shape):
            plus = [x.copy() for x in leaves]
            minus = [x.copy() for x in leaves]
            plus[k][index] += eps
            minus[k][index] -= eps
            g[index] = (
                _loss_numpy(plus, ops, outputs, weights) - _loss_numpy(minus, ops, outputs, weights)
            ) / (2 * eps)
        grads.append(g)
    return grads


def _scalar_program(leaves, ops, outputs, weights):
    """The program on scalar Values: its leaves, its nodes, and the weighted loss."""
    value_leaves = [se.array_of_values(x) for x in leaves]
    nodes = _run_program(value_leaves, ops, on_tensors=False)
    loss = se.Value(0.0)
    for o, w in zip(outputs, weights):
        for index in np.ndindex(nodes[o].shape):
            loss = loss + nodes[o][index] * float(w[index])
    return value_leaves, nodes, loss


def _scalar_reference(leaves, ops, outputs, weights, retained):
    value_leaves, nodes, loss = _scalar_program(leaves, ops, outputs, weights)
    loss.backward()
    return (
        [se.grads(x) for x in value_leaves],
        se.grads(nodes[retained]),
        [se.values(nodes[o]) for o in outputs],
    )


def _grad_or_zeros(t):
    return np.zeros(t.shape) if t.grad is None else t.grad.array


@settings(max_examples=GRAPHS)
@given(programs(), st.sampled_from(["sum", "retain_graph", "autograd.grad"]))
def test_random_graph_gradients_agree_with_both_oracles(program, mode):
    leaves, ops, outputs, weights, retained = program
    try:
        reference_grads, reference_retained, reference_outputs = _scalar_reference(
            leaves, ops, outputs, weights, retained
        )
    except (OverflowError, ZeroDivisionError):
        assume(False)  # exp of exp of ...: a graph no oracle can check in floating point
    for out in reference_outputs:
        assume(np.all(np.abs(out) < 1e3))  # keep finite differences well conditioned

    tensors = [ts.tensor(x, requires_grad=True) for x in leaves]
    nodes = _run_program(tensors, ops, on_tensors=True)
    for o, ref in zip(outputs, reference_outputs):
        np.testing.assert_allclose(nodes[o].array, ref, rtol=1e-10, atol=1e-12)
    if mode != "autograd.grad":
        nodes[retained].retain_grad()
    if mode == "sum":
        loss = sum((nodes[o] * ts.tensor(w)).sum() for o, w in zip(outputs, weights))
        loss.backward()
        got = [_grad_or_zeros(t) for t in tensors]
    elif mode == "retain_graph":
        for k, (o, w) in enumerate(zip(outputs, weights)):
            nodes[o].backward(gradient=ts.tensor(w), retain_graph=k < len(outputs) - 1)
        got = [_grad_or_zeros(t) for t in tensors]
    else:
        loss = sum((nodes[o] * ts.tensor(w)).sum() for o, w in zip(outputs, weights))
        found = ts.autograd.grad(loss, tensors, allow_unused=True)
        got = [np.zeros(t.shape) if g is None else g.array for t, g in zip(tensors, found)]
        assert all(t.grad is None for t in tensors)  # autograd.grad leaves .grad alone

    numeric = _central_differences(leaves, ops, outputs, weights)
    for g, ref, num in zip(got, reference_grads, numeric):
        np.testing.assert_allclose(g, ref, rtol=1e-9, atol=1e-10)
        np.testing.assert_allclose(g, num, rtol=1e-5, atol=1e-6)
    if mode != "autograd.grad" and retained not in outputs or mode == "sum":
        kept = nodes[retained].grad
        got_retained = np.zeros(nodes[retained].shape) if kept is None else kept.array
        np.testing.assert_allclose(got_retained, reference_retained, rtol=1e-9, atol=1e-10)


# ----------------------------------------------------------------------------- second order
# The same random programs, differentiated twice: the Hessian of the loss times a random
# direction v (a Hessian-vector product), from ``autograd.grad(create_graph=True)`` then a
# second ``autograd.grad``, against the scalar engine's backward(create_graph=True) and
# against central differences of the engine's own first-order gradient along v.

SECOND_ORDER_GRAPHS = int(os.environ.get("SECOND_ORDER_GRAPHS", 100))


def _first_order_grads(leaves, ops, outputs, weights):
    tensors = [ts.tensor(x, requires_grad=True) for x in leaves]
    nodes = _run_program(tensors, ops, on_tensors=True)
    loss = sum((nodes[o] * ts.tensor(w)).sum() for o, w in zip(outputs, weights))
    found = ts.autograd.grad(loss, tensors, allow_unused=True)
    return [np.zeros(t.shape) if g is None else g.array for t, g in zip(tensors, found)]


def _scalar_hessian_vector(leaves, ops, outputs, weights, directions):
    value_leaves, _, loss = _scalar_program(leaves, ops, outputs, weights)
    loss.backward(create_graph=True)
    along = se.Value(0.0)
    for x, v in zip(value_leaves, directions):
        for index in np.ndindex(x.shape):
            along = along + x[index].grad * float(v[index])
    for x in value_leaves:  # a leaf the second pass does not reach has a zero Hessian row
        for v in x.flat:
            v.grad = 0.0
    along.backward()
    return [se.grads(x) for x in value_leaves]


@settings(max_examples=SECOND_ORDER_GRAPHS)
@given(programs(), st.randoms(use_true_random=False))
def test_random_graph_hessian_vector_products_agree_with_both_oracles(program, rnd):
    leaves, ops, outputs, weights, _ = program
    directions = [
        np.array([rnd.uniform(-1, 1) for _ in range(x.size)]).reshape(x.shape) for x in leaves
    ]
    try:
        reference = _scalar_hessian_vector(leaves, ops, outputs, weights, directions)
    except (OverflowError, ZeroDivisionError):
        assume(False)
    for ref in reference:
        assume(np.all(np.abs(ref) < 1e3))

    tensors = [ts.tensor(x, requires_grad=True) for x in leaves]
    nodes = _run_program(tensors, ops, on_tensors=True)
    loss = sum((nodes[o] * ts.tensor(w)).sum() for o, w in zip(outputs, weights))
    grads = ts.autograd.grad(loss, tensors, create_graph=True, allow_unused=True)
    along = sum(
        (g * ts.tensor(v)).sum()
        for g, v in zip(grads, directions)
        if g is not None and g.requires_grad
    )
    if isinstance(along, ts.Tensor):
        found = ts.autograd.grad(along, tensors, allow_unused=True)
        got = [np.zeros(t.shape) if h is None else h.array for t, h in zip(tensors, found)]
    else:  # every gradient is constant: the Hessian is zero
        got = [np.zeros(x.shape) for x in leaves]

    eps = 1e-6
    plus = _first_order_grads(
        [x + eps * v for x, v in zip(leaves, directions)], ops, outputs, weights
    )
    minus = _first_order_grads(
        [x - eps * v for x, v in zip(leaves, directions)], ops, outputs, weights
    )
    for h, ref, p, m in zip(got, reference, plus, minus):
        np.testing.assert_allclose(h, ref, rtol=1e-8, atol=1e-9)
        np.testing.assert_allclose(h, (p - m) / (2 * eps), rtol=1e-5, atol=1e-6)


# ----------------------------------------------------------------------------- named graphs
# The shapes users build every day, each reusing an intermediate along two paths.


def _leaf(*shape, seed=0):
    rng = np.random.default_rng(seed)
    return ts.tensor(rng.standard_normal(shape), requires_grad=True)


def _check(fn, *inputs):
    assert ts.gradcheck(fn, inputs)


def test_intermediate_reused_along_paths_of_different_length():
    x = ts.tensor([1.0], requires_grad=True)
    d = x * 3
    (d + d * 2).sum().backward()
    assert x.grad.item() == 9.0  # PyTorch's answer; the old engine gave 3


@pytest.mark.parametrize(
    "expression",
    [
        lambda a: a + a.exp(),
        lambda a: a.exp() + a,
        lambda a: a * a.sigmoid(),  # swish / SiLU
        lambda a: a.exp() / a.exp().sum(1, keepdim=True),  # a hand-written softmax
    ],
)
def test_common_expressions_that_reuse_an_intermediate(expression):
    x = _leaf(3, 4)
    _check(lambda t: expression(t * 1.5), x)


def test_residual_block():
    h0, w, b = _leaf(4, 3, seed=1), _leaf(3, 3, seed=2), _leaf(3, seed=3)

    def block(h0, w, b):
        h = h0.tanh()
        return (h + (h @ w + b).tanh()).sum(1)

    _check(block, h0, w, b)


def test_micrograd_sanity_expression():
    """micrograd's own test expression, its values worked by hand there."""
    x = ts.tensor(-4.0, dtype=ts.float64, requires_grad=True)
    z = 2 * x + 2 + x
    q = z.relu() + z * x
    h = (z * z).relu()
    y = h + q + q * x
    y.backward()
    assert y.item() == -20.0
    assert x.grad.item() == 46.0


def test_micrograd_more_ops_expression():
    a = ts.tensor(-4.0, dtype=ts.float64, requires_grad=True)
    b = ts.tensor(2.0, dtype=ts.float64, requires_grad=True)
    c = a + b
    d = a * b + b**3
    c = c + c + 1
    c = c + 1 + c + (-a)
    d = d + d * 2 + (b + a).relu()
    d = d + 3 * d + (b - a).relu()
    e = c - d
    f = e**2
    g = f / 2.0
    g = g + 10.0 / f
    g.backward()
    # micrograd's test checks these against PyTorch to 1e-6
    assert abs(g.item() - 24.70408163265306) < 1e-6
    assert abs(a.grad.item() - 138.83381924198252) < 1e-6
    assert abs(b.grad.item() - 645.5772594752186) < 1e-6


def test_long_chain_has_no_recursion_limit():
    x = ts.tensor([1.0], requires_grad=True)
    y = x
    for _ in range(100_000):
        y = y * 1.0
    y.sum().backward()
    assert x.grad.item() == 1.0


def test_wide_fan_out_and_fan_in():
    x = ts.tensor([2.0], requires_grad=True)
    h = x * 1.0
    parts = [h * k for k in range(50)]
    total = parts[0]
    for p in parts[1:]:
        total = total + p + h
    total.sum().backward()
    assert x.grad.item() == sum(range(50)) + 49


def test_two_outputs_backpropagated_one_after_another():
    x = ts.tensor([1.0, 2.0], requires_grad=True)
    h = x.exp()
    a, b = h.sum(), (h * h).sum()
    a.backward(retain_graph=True)
    b.backward()
    np.testing.assert_allclose(x.grad.array, np.exp([1.0, 2.0]) + 2 * np.exp([2.0, 4.0]), rtol=1e-6)


def test_backward_of_several_roots_at_once():
    x = ts.tensor([1.0, 2.0], dtype=ts.float64, requires_grad=True)
    h = x * x
    ts.autograd.backward([h.sum(), (h * 3).sum()])
    np.testing.assert_allclose(x.grad.array, 8 * np.array([1.0, 2.0]))


@pytest.mark.parametrize("floor", ["fast", "loops"])
@settings(max_examples=30)
@given(
    st.integers(1, 6),
    st.integers(1, 5),
    st.sampled_from(["mean", "sum", "none"]),
    st.integers(0, 2**31 - 1),
)
def test_fused_cross_entropy_is_log_softmax_then_pick(floor, n, c, reduction, seed):
    """The identity behind the fused kernel: cross_entropy(x, y) equals picking each row's
    label entry of log_softmax(x), in value and in gradient, on both kernel floors."""
    import tinygrad_scores.nn.functional as F

    rng = np.random.default_rng(seed)
    logits = rng.standard_normal((n, c)) * 3
    labels = ts.tensor(rng.integers(0, c, n))
    weight = ts.tensor(rng.uniform(0.5, 2.0, c))
    ts.set_kernels(floor)
    try:
        fused_x = ts.tensor(logits, requires_grad=True)
        plain_x = ts.tensor(logits, requires_grad=True)
        fused = F.cross_entropy(fused_x, labels, weight=weight, reduction=reduction)
        picked = -F.log_softmax(plain_x, 1)[ts.arange(n), labels] * weight[labels]
        plain = {"mean": picked.sum() / weight[labels].sum(), "sum": picked.sum(), "none": picked}[
            reduction
        ]
        np.testing.assert_allclose(fused.array, plain.array, rtol=1e-10, atol=1e-12)
        upstream = ts.tensor(rng.standard_normal(fused.shape))
        fused.backward(upstream)
        plain.backward(upstream)
        np.testing.assert_allclose(fused_x.grad.array, plain_x.grad.array, rtol=1e-9, atol=1e-12)
    finally:
        ts.set_kernels("fast")
