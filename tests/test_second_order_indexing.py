"""Second derivatives of the indexing, shape, reduction, statistics and matrix-product ops:
gradgradcheck in float64 on hypothesis-drawn shapes (broadcasting, keepdim, negative dims),
values kept distinct where a max or a median picks one. Linear ops are squared so that
their backward's own backward is exercised, not only the product with grad_outputs.

Also: a first-order ``backward()`` through all of them builds no second graph."""

import importlib

import numpy as np
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp
from second_order import Registry, leaf64
from strategies import broadcast_pairs, distinct, shapes, values

import tinygrad_scores as ts
import tinygrad_scores.nn.functional as F
from tinygrad_scores.tensor import Tensor

tensor_module = importlib.import_module("tinygrad_scores.tensor")  # (ts.tensor is the function)

REGISTRY = Registry()
case = REGISTRY.case

small = hnp.array_shapes(min_dims=1, max_dims=3, min_side=1, max_side=3)


def _leaf(data, shape, low=-2.0, high=2.0):
    return leaf64(data.draw(values(shape, low, high)))


def _distinct_leaf(data, shape):
    """Values with no ties, in a random order (so the max is not always the last)."""
    x = distinct(data.draw(values(shape)))
    rng = np.random.default_rng(data.draw(st.integers(0, 2**16)))
    return leaf64(rng.permutation(x.reshape(-1)).reshape(shape))


def _dim(data, ndim):
    return data.draw(st.integers(-ndim, ndim - 1), label="dim")


def _dims(data, ndim):
    """A non-empty set of dims, some written negative."""
    chosen = data.draw(st.sets(st.integers(0, ndim - 1), min_size=1), label="dims")
    return tuple(d - ndim if data.draw(st.booleans()) else d for d in sorted(chosen))


def _rng(data):
    return np.random.default_rng(data.draw(st.integers(0, 2**16), label="seed"))


def _index_shape(data, shape, dim):
    """An index shape for gather/scatter: no bigger than ``shape`` off ``dim``."""
    return tuple(
        data.draw(st.integers(1, 3 if i == dim % len(shape) else n)) for i, n in enumerate(shape)
    )


# ---------------------------------------------------------------- indexing.py


@case("Gather")
def gather(data):
    shape = data.draw(small)
    dim = _dim(data, len(shape))
    idx_shape = _index_shape(data, shape, dim)
    idx = ts.tensor(_rng(data).integers(0, shape[dim], idx_shape))  # repeats accumulate
    return (lambda a: a.gather(dim, idx) ** 2), [_leaf(data, shape)]


def _unique_index(data, shape, dim, src_shape=None):
    """A scatter index that writes each position at most once (with repeats the last
    write wins, which finite differences cannot see)."""
    d = dim % len(shape)
    idx_shape = _index_shape(data, shape, dim)
    idx_shape = idx_shape[:d] + (min(idx_shape[d], shape[d]),) + idx_shape[d + 1 :]
    full = tuple(shape[d] if i == d else n for i, n in enumerate(idx_shape))
    order = np.argsort(_rng(data).random(full), axis=d)
    return ts.tensor(np.take(order, np.arange(idx_shape[d]), axis=d))


@case("Scatter")
def scatter(data):
    shape = data.draw(small)
    dim = _dim(data, len(shape))
    idx = _unique_index(data, shape, dim)
    bigger = tuple(n + data.draw(st.integers(0, 1)) for n in idx.shape)  # src may be bigger
    a, src = _leaf(data, shape), _leaf(data, bigger)
    return (lambda x, s: x.scatter(dim, idx, s) * x), [a, src]


@case("Scatter", label="scatter_scalar")
def scatter_scalar(data):
    shape = data.draw(small)
    dim = _dim(data, len(shape))
    idx = _unique_index(data, shape, dim)
    return (lambda x: x.scatter(dim, idx, 1.5) * x), [_leaf(data, shape)]


@case("ScatterAdd")
def scatter_add(data):
    shape = data.draw(small)
    dim = _dim(data, len(shape))
    idx_shape = _index_shape(data, shape, dim)
    idx = ts.tensor(_rng(data).integers(0, shape[dim], idx_shape))
    a, src = _leaf(data, shape), _leaf(data, idx_shape)
    return (lambda x, s: x.scatter_add(dim, idx, s) ** 2), [a, src]


@case("IndexSelect")
def index_select(data):
    shape = data.draw(small)
    dim = _dim(data, len(shape))
    idx = ts.tensor(_rng(data).integers(0, shape[dim], data.draw(st.integers(1, 4))))
    return (lambda a: a.index_select(dim, idx) ** 2), [_leaf(data, shape)]


@case("Flip", "Mul")
def flip(data):
    shape = data.draw(shapes)
    dims = _dims(data, len(shape))
    # a times its own flipped view: the engine must tell the input from the view of it
    return (lambda a: a.flip(dims) * a), [_leaf(data, shape)]


@case("Roll")
def roll(data):
    shape = data.draw(shapes)
    dims = _dims(data, len(shape))
    shifts = tuple(data.draw(st.integers(-4, 4)) for _ in dims)
    return (lambda a: a.roll(shifts, dims) * a), [_leaf(data, shape)]


@case("Roll", label="roll_flat")
def roll_flat(data):
    shift = data.draw(st.integers(-5, 5))
    return (lambda a: a.roll(shift) * a), [_leaf(data, data.draw(shapes))]


@case("Contiguous", "Permute")
def contiguous(data):
    shape = data.draw(shapes)
    return (lambda a: a.transpose(0, -1).contiguous() ** 2), [_leaf(data, shape)]


# ---------------------------------------------------------------- shapes.py


@case("Cat")
def cat(data):
    shape = data.draw(small)
    dim = _dim(data, len(shape))
    d = dim % len(shape)
    parts = []
    for _ in range(data.draw(st.integers(1, 3))):
        parts.append(_leaf(data, shape[:d] + (data.draw(st.integers(1, 3)),) + shape[d + 1 :]))
    return (lambda *xs: ts.cat(xs, dim) ** 2), parts


def _copy_into(a, src):
    c = a * 1.0
    c.copy_(src)
    return c * a


@case("CopyFrom")
def copy_from(data):
    big, small_ = data.draw(broadcast_pairs())
    if np.broadcast_shapes(big, small_) != tuple(big):
        big, small_ = small_, big
    return _copy_into, [_leaf(data, big), _leaf(data, small_)]


@case("Expand")
def expand(data):
    shape, ones = data.draw(broadcast_pairs())
    target = np.broadcast_shapes(shape, ones)
    source = shape if np.broadcast_shapes(shape, target) == target else ones
    return (lambda a: a.expand(*target) ** 2), [_leaf(data, source)]


@case("GetItem")
def get_item(data):
    shape = data.draw(small)
    rng = _rng(data)
    rows = rng.integers(0, shape[0], data.draw(st.integers(1, 4)))  # repeats accumulate
    index = (rows.tolist(), slice(None, None, data.draw(st.integers(1, 2))))[: len(shape)]
    return (lambda a: a[index] ** 2), [_leaf(data, shape)]


@case("GetItem", label="get_item_mixed")
def get_item_mixed(data):
    """An integer before an array index (PyTorch applies it first), a slice between."""
    shape = tuple(data.draw(st.integers(low, 3)) for low in (1, 2, 1))
    cols = _rng(data).integers(0, shape[2], 3).tolist()
    return (lambda a: a[-1, 1:, cols] ** 2), [_leaf(data, shape)]


@case("GetItem", label="get_item_mask")
def get_item_mask(data):
    shape = data.draw(small)
    mask = ts.tensor(_rng(data).random(shape) < 0.6)
    return (lambda a: a[mask] ** 2), [_leaf(data, shape)]


def _put(index):
    def fn(a, v):
        c = a * 1.0
        c[index] = v
        return c * c

    return fn


@case("IndexPut")
def index_put(data):
    shape = data.draw(small)
    rows = _rng(data).permutation(shape[0])[: data.draw(st.integers(1, shape[0]))].tolist()
    index = (rows,)
    picked = np.empty(shape)[index].shape
    v_shape = picked[data.draw(st.integers(0, len(picked) - 1)) :]  # v broadcasts
    v_shape = tuple(1 if data.draw(st.booleans()) else n for n in v_shape)
    return _put(index), [_leaf(data, shape), _leaf(data, v_shape)]


@case("IndexPut", label="index_put_scalar_position")
def index_put_scalar_position(data):
    shape = data.draw(small)
    position = tuple(int(n - 1) for n in shape)
    return _put(position), [_leaf(data, shape), _leaf(data, ())]


def _fill(a):
    c = a * 1.0
    c.fill_(2.0)
    return c * a


@case("Overwrite")
def overwrite(data):
    return _fill, [_leaf(data, data.draw(shapes))]


@case("Permute")
def permute(data):
    shape = data.draw(shapes)
    order = data.draw(st.permutations(range(len(shape))))
    order = [d - len(shape) if data.draw(st.booleans()) else d for d in order]
    return (lambda a: a.permute(*order) ** 2), [_leaf(data, shape)]


@case("Reshape")
def reshape(data):
    shape = data.draw(shapes)
    return (lambda a: a.reshape(-1, shape[0]) ** 2), [_leaf(data, shape)]


# ---------------------------------------------------------------- reductions.py


@case("Max")
def max_dim(data):
    shape = data.draw(shapes)
    dim, keepdim = _dim(data, len(shape)), data.draw(st.booleans())
    return (lambda a: a.max(dim, keepdim=keepdim)[0] ** 2), [_distinct_leaf(data, shape)]


@case("Max", label="max_all")
def max_all(data):
    return (lambda a: a.max() ** 2 * a), [_distinct_leaf(data, data.draw(shapes))]


def _over_dims(op, method, make_leaf):
    """A case for a reduction over a set of dims (some negative), keepdim or not."""

    @case(op, label=method)
    def build(data):
        shape = data.draw(shapes)
        dims, keepdim = _dims(data, len(shape)), data.draw(st.booleans())
        reduce = getattr(Tensor, method)
        return (lambda a: reduce(a, dims, keepdim=keepdim) ** 2), [make_leaf(data, shape)]


_over_dims("Sum", "sum", _leaf)
_over_dims("Mean", "mean", _leaf)
_over_dims("LogSumExp", "logsumexp", _leaf)
_over_dims("Amax", "amax", _distinct_leaf)  # no ties: the max's gradient is a pick
_over_dims("Amin", "amin", _distinct_leaf)


# ---------------------------------------------------------------- statistics.py


@case("PickValue")
def median(data):
    return (lambda a: a.median() ** 2 * a), [_distinct_leaf(data, data.draw(shapes))]


@case("CumSum")
def cumsum(data):
    shape = data.draw(shapes)
    dim = _dim(data, len(shape))
    return (lambda a: a.cumsum(dim) ** 2), [_leaf(data, shape)]


@case("CumProd")
def cumprod(data):
    shape = data.draw(small)
    dim = _dim(data, len(shape))
    return (lambda a: a.cumprod(dim)), [_leaf(data, shape)]


@case("Prod")
def prod(data):
    shape = data.draw(small)
    if data.draw(st.booleans()):
        return (lambda a: a.prod()), [_leaf(data, shape)]
    dim, keepdim = _dim(data, len(shape)), data.draw(st.booleans())
    return (lambda a: a.prod(dim, keepdim=keepdim)), [_leaf(data, shape)]


def _spread_shape(data):
    """A shape whose reduced dims hold at least two values (a variance with correction 1)."""
    shape = data.draw(hnp.array_shapes(min_dims=1, max_dims=3, min_side=2, max_side=4))
    return shape, _dims(data, len(shape))


@case("Var")
def var(data):
    shape, dims = _spread_shape(data)
    correction, keepdim = data.draw(st.sampled_from([0, 1])), data.draw(st.booleans())
    return (lambda a: a.var(dims, correction=correction, keepdim=keepdim)), [
        _distinct_leaf(data, shape)
    ]


@case("Std", "Var")
def std(data):
    shape, dims = _spread_shape(data)
    keepdim = data.draw(st.booleans())
    return (lambda a: a.std(dims, keepdim=keepdim)), [_distinct_leaf(data, shape)]


# ---------------------------------------------------------------- linalg.py


@case("MatMul")
def matmul_2d(data):
    m, k, n = (data.draw(st.integers(1, 3)) for _ in range(3))
    return (lambda a, b: a @ b), [_leaf(data, (m, k)), _leaf(data, (k, n))]


@case("MatMul", label="matmul_batched")
def matmul_batched(data):
    batch, m, k, n = (data.draw(st.integers(1, 3)) for _ in range(4))
    a_shape = data.draw(st.sampled_from([(batch, m, k), (1, m, k), (k,), (m, k)]))
    b_shape = data.draw(st.sampled_from([(batch, k, n), (k, n), (k,)]))
    if len(a_shape) == 2 and len(b_shape) == 2 or a_shape == (k,) == b_shape:
        b_shape = (batch, k, n)
    return (lambda a, b: a @ b), [_leaf(data, a_shape), _leaf(data, b_shape)]


@case("Linear")
def linear(data):
    lead = data.draw(hnp.array_shapes(min_dims=1, max_dims=2, min_side=1, max_side=3))
    k, n = data.draw(st.integers(1, 3)), data.draw(st.integers(1, 3))
    x, w = _leaf(data, lead + (k,)), _leaf(data, (n, k))
    if data.draw(st.booleans()):
        return (lambda x, w, b: F.linear(x, w, b) ** 2), [x, w, _leaf(data, (n,))]
    return (lambda x, w: F.linear(x, w) ** 2), [x, w]


test_second_derivative = REGISTRY.test()
test_create_graph_gradient_equals_the_plain_one = REGISTRY.test_equal_plain()


# ---------------------------------------------------------------- first order stays first order


def test_first_order_backward_builds_no_graph(monkeypatch):
    """A plain backward() through every op above runs on arrays: no Tensor is made but
    the leaves' .grad, and no .grad has a grad_fn."""
    rng = np.random.default_rng(0)
    x = ts.tensor(rng.standard_normal((3, 4)), requires_grad=True)
    w = ts.tensor(rng.standard_normal((5, 4)), requires_grad=True)
    b = ts.tensor(rng.standard_normal(5), requires_grad=True)
    idx = ts.tensor([[0, 2, 1, 0], [1, 1, 0, 2]])
    h = F.linear(x, w, b) @ w  # (3, 4)
    h = ts.cat([h.gather(0, idx), h[[0, 2]], h.index_select(0, ts.tensor([2, 0]))], 1)
    h = h.flip(0).roll(1, 1).permute(1, 0).contiguous().reshape(2, -1)
    h = h.scatter_add(1, ts.tensor([[0, 1]]), h[:, :2]).scatter(1, ts.tensor([[2]]), 0.5)
    h = h.cumsum(1) + h.cumprod(-1) + h.expand(3, 2, -1).sum(0)
    loss = (
        h.max(1)[0].sum()
        + h.amax(0).mean()
        + h.amin(1).sum()
        + h.logsumexp(1).sum()
        + h.var(1).sum()
        + h.std()
        + h.prod(0).sum()
        + h.median()
        + h.max()
    )
    made = []
    init = tensor_module._init

    def counting(t, array, grad_fn):
        made.append(grad_fn)
        init(t, array, grad_fn)

    monkeypatch.setattr(tensor_module, "_init", counting)
    loss.backward()
    monkeypatch.undo()
    assert len(made) == 3  # x.grad, w.grad, b.grad and nothing else
    for leaf in (x, w, b):
        assert leaf.grad is not None and leaf.grad.grad_fn is None
        assert not leaf.grad.requires_grad


def test_std_of_two_values_is_linear_so_its_hessian_is_zero():
    """std([x0, x1]) = |x1 - x0| / sqrt(2): linear off x0 == x1. The 0-d std's output is
    saved for its backward; were it read as a constant, the Hessian would be
    (I - 1/2) / std instead of 0."""
    x = ts.tensor([0.3, 1.2], dtype=ts.float64, requires_grad=True)
    (g,) = ts.autograd.grad(x.std(), x, create_graph=True)
    np.testing.assert_allclose(g.array, [-(0.5**0.5), 0.5**0.5])
    for i in range(2):
        (row,) = ts.autograd.grad(g[i], x, retain_graph=True)
        np.testing.assert_allclose(row.array, [0.0, 0.0], atol=1e-12)


def test_an_element_read_by_index_and_broadcast_has_both_derivatives():
    """b[2, 3] is 0-d; multiplied by a row its gradient is summed back to shape () by the
    engine, a NumPy scalar, which indexing's backward took for a tensor (AttributeError,
    in a plain backward too; found by the side-by-side case random_view_graph_02).
    y = sum(b[:, 2] * b[2, 3]):  dy/db[:, 2] = b[2, 3],  dy/db[2, 3] = sum(b[:, 2])."""
    b = leaf64(np.arange(12.0).reshape(3, 4))
    (b[:, 2] * b[2, 3]).sum().backward()
    expected = np.zeros((3, 4))
    expected[:, 2], expected[2, 3] = 11.0, 18.0
    np.testing.assert_array_equal(b.grad.numpy(), expected)
    (g,) = ts.autograd.grad((b[:, 2] * b[2, 3]).sum(), [b], create_graph=True)
    (h,) = ts.autograd.grad((g * g).sum(), [b])  # 3 b23**2 + (sum b[:, 2])**2
    expected[:, 2], expected[2, 3] = 36.0, 66.0
    np.testing.assert_array_equal(h.numpy(), expected)


def test_a_write_by_index_drops_a_nan_gradient_under_create_graph_too():
    """out[0] = y: the old row 0's gradient is an exact 0, also on tensors (it was a
    product with a 0/1 mask, so a NaN there survived as 0 * NaN; found by the side-by-side
    probe of random view graphs)."""
    x = leaf64(np.arange(8.0).reshape(2, 4))
    seed = np.ones((2, 4))
    seed[0, 3] = np.nan
    for create_graph in (False, True):
        out = x * 1.0
        out[0] = x[1]
        (g,) = ts.autograd.grad(out, [x], ts.tensor(seed), create_graph=create_graph)
        np.testing.assert_array_equal(g.detach().numpy(), [[0, 0, 0, 0], [2, 2, 2, np.nan]])
