"""The Tensor API's differentiable ops: each forward against NumPy and each gradient
against central differences (gradcheck), on hypothesis-drawn shapes and values.

Values are kept off the points where an op has a kink or a jump (clamp bounds, ties of
max/min/sort, integer quotients of remainder), where a finite difference straddling the
kink would disagree with any one-sided derivative."""

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from strategies import broadcast_pairs, distinct, leaf, off_kinks, shapes, values

import tinygrad_scores as ts

FAST = settings(max_examples=8)

# name, NumPy reference, domain (low, high)
UNARY = [
    ("sin", np.sin, (-3, 3)),
    ("cos", np.cos, (-3, 3)),
    ("tan", np.tan, (-1.2, 1.2)),
    ("asin", np.arcsin, (-0.9, 0.9)),
    ("acos", np.arccos, (-0.9, 0.9)),
    ("atan", np.arctan, (-3, 3)),
    ("sinh", np.sinh, (-2, 2)),
    ("cosh", np.cosh, (-2, 2)),
    ("asinh", np.arcsinh, (-3, 3)),
    ("acosh", np.arccosh, (1.1, 3)),
    ("atanh", np.arctanh, (-0.9, 0.9)),
    ("log1p", np.log1p, (-0.9, 3)),
    ("expm1", np.expm1, (-2, 2)),
    ("log2", np.log2, (0.1, 3)),
    ("log10", np.log10, (0.1, 3)),
    ("exp2", np.exp2, (-2, 2)),
    ("square", np.square, (-2, 2)),
    ("rsqrt", lambda a: 1 / np.sqrt(a), (0.1, 3)),
    ("reciprocal", np.reciprocal, (0.2, 3)),
    ("frac", lambda a: a - np.trunc(a), (0.05, 0.95)),
    ("erf", None, (-2, 2)),
    ("softplus", lambda a: np.log1p(np.exp(a)), (-3, 3)),
]


@pytest.mark.parametrize("name,reference,domain", UNARY, ids=[u[0] for u in UNARY])
@FAST
@given(data=st.data())
def test_unary_forward_and_gradient(name, reference, domain, data):
    x = data.draw(values(data.draw(shapes), *domain))
    out = getattr(ts, name, None)
    fn = out if out is not None and name != "softplus" else (lambda t: getattr(t, name)())
    if reference is not None:
        np.testing.assert_allclose(fn(ts.tensor(x)).array, reference(x), rtol=1e-12, atol=1e-12)
    assert ts.gradcheck(fn, (leaf(x),))


def test_erf_against_known_values():
    # erf(0.5) and erf(1) to 10 digits (Abramowitz and Stegun, table 7.1)
    out = ts.erf(ts.tensor([0.0, 0.5, 1.0, -1.0], dtype=ts.float64)).array
    np.testing.assert_allclose(out, [0.0, 0.5204998778, 0.8427007929, -0.8427007929], atol=1e-9)


@pytest.mark.parametrize("name", ["floor", "ceil", "round", "trunc", "sign"])
@FAST
@given(x=shapes.flatmap(lambda s: values(s, -5, 5)))
def test_rounding_matches_numpy_and_has_zero_gradient(name, x):
    t = leaf(x)
    out = getattr(t, name)()
    np.testing.assert_array_equal(out.array, getattr(np, "round" if name == "round" else name)(x))
    out.sum().backward()
    np.testing.assert_array_equal(t.grad.array, np.zeros_like(x))


# name, NumPy reference, domain of both sides
BINARY = [
    ("atan2", np.arctan2, (0.2, 2)),
    ("hypot", np.hypot, (0.2, 2)),
    ("logaddexp", np.logaddexp, (-3, 3)),
    ("maximum", np.maximum, (-2, 2)),
    ("minimum", np.minimum, (-2, 2)),
    ("fmax", np.fmax, (-2, 2)),
    ("fmin", np.fmin, (-2, 2)),
]


@pytest.mark.parametrize("name,reference,domain", BINARY, ids=[b[0] for b in BINARY])
@FAST
@given(data=st.data())
def test_binary_forward_and_gradient_with_broadcasting(name, reference, domain, data):
    sa, sb = data.draw(broadcast_pairs())
    a, b = data.draw(values(sa, *domain)), data.draw(values(sb, *domain))
    if name in ("maximum", "minimum", "fmax", "fmin"):  # keep a and b apart: no ties
        a, b = _apart(a, b)
    fn = getattr(ts, name)
    np.testing.assert_allclose(fn(ts.tensor(a), ts.tensor(b)).array, reference(a, b), rtol=1e-12)
    assert ts.gradcheck(fn, (leaf(a), leaf(b)))


def _apart(a, b):
    """b moved at least 0.1 away from every value of a it meets under broadcasting."""
    full = np.broadcast_shapes(a.shape, b.shape)
    if b.shape == full:
        return a, np.broadcast_to(a, full) + off_kinks(b - np.broadcast_to(a, full))
    return np.broadcast_to(b, full) + off_kinks(np.broadcast_to(a, full) - b), b


def test_maximum_splits_the_gradient_at_ties():
    a, b = leaf([1.0, 2.0]), leaf([1.0, 3.0])
    ts.maximum(a, b).sum().backward()
    assert a.grad.tolist() == [0.5, 0.0] and b.grad.tolist() == [0.5, 1.0]


@pytest.mark.parametrize("name,reference", [("remainder", np.mod), ("fmod", np.fmod)])
@FAST
@given(x=shapes.flatmap(lambda s: values(s, -4, 4)))
def test_remainder_and_fmod(name, reference, x):
    b = 1.3
    # keep x / b away from whole numbers, where the result jumps
    q = x / b
    x = b * (np.floor(q) + 0.1 + 0.8 * (q - np.floor(q)))
    fn = getattr(ts, name)
    np.testing.assert_allclose(fn(ts.tensor(x), b).array, reference(x, b), rtol=1e-12)
    divisor = leaf(np.full(x.shape, b))
    assert ts.gradcheck(fn, (leaf(x), divisor))


@FAST
@given(data=st.data())
def test_clamp_with_number_and_tensor_bounds(data):
    shape = data.draw(shapes)
    x = data.draw(values(shape, -2, 2))
    x = off_kinks(off_kinks(x - 0.5) + 0.5 + 0.5) - 0.5  # away from both bounds
    np.testing.assert_array_equal(ts.clamp(ts.tensor(x), -0.5, 0.5).array, np.clip(x, -0.5, 0.5))
    assert ts.gradcheck(lambda t: t.clamp(-0.5, 0.5), (leaf(x),))
    assert ts.gradcheck(lambda t: t.clamp(max=0.5), (leaf(x),))
    lo = x - off_kinks(data.draw(values(shape, -1, 1)))
    assert ts.gradcheck(lambda t, m: t.clamp(min=m), (leaf(x), leaf(lo)))


def test_clamp_with_min_above_max_gives_max_everywhere():
    x = leaf([-1.0, 0.0, 5.0])
    out = x.clamp(2.0, 1.0)
    assert out.tolist() == [1.0, 1.0, 1.0]


@FAST
@given(data=st.data())
def test_lerp_where_addcmul_addcdiv(data):
    shape = data.draw(shapes)
    a, b, w = (data.draw(values(shape)) for _ in range(3))
    np.testing.assert_allclose(
        ts.lerp(ts.tensor(a), ts.tensor(b), ts.tensor(w)).array, a + w * (b - a)
    )
    assert ts.gradcheck(ts.lerp, (leaf(a), leaf(b), leaf(w)))
    assert ts.gradcheck(lambda s, e: s.lerp(e, 0.25), (leaf(a), leaf(b)))
    cond = a > 0
    assert ts.gradcheck(lambda x, y: ts.where(ts.tensor(cond), x, y), (leaf(a), leaf(b)))
    c = off_kinks(w) + np.sign(off_kinks(w))
    assert ts.gradcheck(lambda x, y, z: ts.addcdiv(x, y, z, value=0.5), (leaf(a), leaf(b), leaf(c)))
    assert ts.gradcheck(lambda x, y, z: ts.addcmul(x, y, z, value=2), (leaf(a), leaf(b), leaf(c)))


# ---------------------------------------------------------------------------- reductions
def _dim_of(data, ndim):
    return data.draw(st.integers(-ndim, ndim - 1))


@FAST
@given(data=st.data())
def test_var_std_with_correction(data):
    x = data.draw(values(data.draw(shapes)))
    dim = _dim_of(data, x.ndim)
    for correction in (0, 1):
        if x.shape[dim] <= correction:
            continue
        np.testing.assert_allclose(
            ts.tensor(x).var(dim, correction=correction).array,
            np.var(x, axis=dim, ddof=correction),
            atol=1e-12,
        )
        np.testing.assert_allclose(
            ts.tensor(x).std(dim, unbiased=bool(correction)).array,
            np.std(x, axis=dim, ddof=correction),
            atol=1e-12,
        )
        assert ts.gradcheck(lambda t: t.var(dim, correction=correction, keepdim=True), (leaf(x),))
    if x.size > 1:
        assert ts.gradcheck(lambda t: t.std(), (leaf(distinct(x)),))


@FAST
@given(data=st.data())
def test_prod_cumsum_cumprod_logsumexp(data):
    x = data.draw(values(data.draw(shapes)))
    dim = _dim_of(data, x.ndim)
    np.testing.assert_allclose(ts.tensor(x).prod(dim).array, np.prod(x, axis=dim))
    np.testing.assert_allclose(ts.tensor(x).cumsum(dim).array, np.cumsum(x, axis=dim))
    np.testing.assert_allclose(ts.tensor(x).cumprod(dim).array, np.cumprod(x, axis=dim))
    m = np.max(x, axis=dim, keepdims=True)
    lse = (m + np.log(np.exp(x - m).sum(axis=dim, keepdims=True))).squeeze(dim)
    np.testing.assert_allclose(ts.tensor(x).logsumexp(dim).array, lse)
    for fn in (
        lambda t: t.prod(dim),
        lambda t: t.prod(),
        lambda t: t.cumsum(dim),
        lambda t: t.cumprod(dim),
        lambda t: t.logsumexp(dim),
        lambda t: t.logsumexp((0,)),
    ):
        assert ts.gradcheck(fn, (leaf(x),))


def test_prod_gradient_with_zeros_is_exact():
    x = leaf([2.0, 0.0, 3.0])
    x.prod().backward()
    assert x.grad.tolist() == [0.0, 6.0, 0.0]
    y = leaf([0.0, 0.0, 3.0])
    y.prod().backward()
    assert y.grad.tolist() == [0.0, 0.0, 0.0]


@FAST
@given(data=st.data())
def test_max_min_amax_amin_sort_topk_median(data):
    x = distinct(data.draw(values(data.draw(shapes))))
    dim = _dim_of(data, x.ndim)
    t = ts.tensor(x)
    np.testing.assert_array_equal(t.min(dim).values.array, x.min(axis=dim))
    np.testing.assert_array_equal(t.min(dim).indices.array, x.argmin(axis=dim))
    np.testing.assert_array_equal(t.amax(dim).array, x.max(axis=dim))
    np.testing.assert_array_equal(t.sort(dim).values.array, np.sort(x, axis=dim))
    np.testing.assert_array_equal(t.sort(dim, descending=True).values.array, -np.sort(-x, axis=dim))
    k = x.shape[dim] // 2 + 1
    np.testing.assert_array_equal(
        t.topk(k, dim).values.array, np.take(-np.sort(-x, axis=dim), range(k), axis=dim)
    )
    lower = np.take(np.sort(x, axis=dim), (x.shape[dim] - 1) // 2, axis=dim)
    np.testing.assert_array_equal(t.median(dim).values.array, lower)
    for fn in (
        lambda u: u.min(dim).values,
        lambda u: u.max(dim, keepdim=True)[0],
        lambda u: u.amax(dim),
        lambda u: u.amin((0, dim)),
        lambda u: u.min(),
        lambda u: u.sort(dim)[0],
        lambda u: u.topk(k, dim, largest=False).values,
        lambda u: u.median(),
        lambda u: u.median(dim).values,
        lambda u: u.kthvalue(1, dim).values,
    ):
        assert ts.gradcheck(fn, (leaf(x),))


def test_amax_and_min_split_the_gradient_between_ties():
    x = leaf([1.0, 3.0, 3.0])
    x.amax().backward()
    assert x.grad.tolist() == [0.0, 0.5, 0.5]
    y = leaf([1.0, 1.0, 2.0])
    y.min().backward()
    assert y.grad.tolist() == [0.5, 0.5, 0.0]


@pytest.mark.parametrize("p", [2, 1, math.inf, 3])
@FAST
@given(data=st.data())
def test_norm(p, data):
    x = distinct(off_kinks(data.draw(values(data.draw(shapes)))))
    dim = _dim_of(data, x.ndim)
    np.testing.assert_allclose(
        ts.tensor(x).norm(p, dim).array, np.linalg.norm(x, ord=p, axis=dim), rtol=1e-12
    )
    assert ts.gradcheck(lambda t: t.norm(p, dim), (leaf(x),))
    assert ts.gradcheck(lambda t: t.norm(p), (leaf(x),))


# ---------------------------------------------------------------------------- indexing
@FAST
@given(data=st.data())
def test_gather_scatter_scatter_add_index_select(data):
    x = data.draw(values(data.draw(shapes)))
    dim = _dim_of(data, x.ndim) % x.ndim
    n = x.shape[dim]
    index_shape = tuple(data.draw(st.integers(1, s)) for s in x.shape)
    index = data.draw(
        st.lists(
            st.integers(0, n - 1),
            min_size=int(np.prod(index_shape)),
            max_size=int(np.prod(index_shape)),
        )
    )
    index = np.array(index, np.int64).reshape(index_shape)
    gathered = ts.tensor(x).gather(dim, ts.tensor(index)).array
    grids = list(np.indices(index_shape))
    grids[dim] = index
    np.testing.assert_array_equal(gathered, x[tuple(grids)])
    assert ts.gradcheck(lambda t: t.gather(dim, ts.tensor(index)), (leaf(x),))
    src = data.draw(values(index_shape))
    added = np.array(x)
    np.add.at(added, tuple(grids), src)
    np.testing.assert_allclose(
        ts.tensor(x).scatter_add(dim, ts.tensor(index), ts.tensor(src)).array, added
    )
    assert ts.gradcheck(lambda t, s: t.scatter_add(dim, ts.tensor(index), s), (leaf(x), leaf(src)))
    # scatter with distinct positions only, where the result does not depend on write order
    unique_index = np.argsort(data.draw(values((n,) + x.shape[:dim] + x.shape[dim + 1 :])), axis=0)
    unique_index = np.moveaxis(unique_index, 0, dim)
    assert ts.gradcheck(
        lambda t, s: t.scatter(dim, ts.tensor(unique_index), s),
        (leaf(x), leaf(data.draw(values(x.shape)))),
    )
    rows = np.array(data.draw(st.lists(st.integers(0, n - 1), min_size=1, max_size=5)))
    np.testing.assert_array_equal(
        ts.tensor(x).index_select(dim, ts.tensor(rows)).array, np.take(x, rows, axis=dim)
    )
    assert ts.gradcheck(lambda t: t.index_select(dim, ts.tensor(rows)), (leaf(x),))


@FAST
@given(data=st.data())
def test_masked_fill_select_flip_roll_take_along_dim(data):
    x = data.draw(values(data.draw(shapes)))
    mask = x > 0
    np.testing.assert_array_equal(
        ts.tensor(x).masked_fill(ts.tensor(mask), 7.0).array, np.where(mask, 7.0, x)
    )
    np.testing.assert_array_equal(ts.tensor(x).masked_select(ts.tensor(mask)).array, x[mask])
    assert ts.gradcheck(lambda t: t.masked_fill(ts.tensor(mask), -1.0), (leaf(x),))
    assert ts.gradcheck(
        lambda t: t.masked_select(ts.tensor(mask)) * 1.0 if mask.any() else t.sum(), (leaf(x),)
    )
    dim = _dim_of(data, x.ndim)
    shift = data.draw(st.integers(-5, 5))
    np.testing.assert_array_equal(ts.tensor(x).flip(dim).array, np.flip(x, dim))
    np.testing.assert_array_equal(ts.tensor(x).roll(shift, dim).array, np.roll(x, shift, dim))
    np.testing.assert_array_equal(ts.tensor(x).roll(shift).array, np.roll(x, shift))
    assert ts.gradcheck(lambda t: t.flip(dim).roll(shift, dim), (leaf(x),))
    order = np.argsort(x, axis=dim)
    np.testing.assert_array_equal(
        ts.tensor(x).take_along_dim(ts.tensor(order), dim).array, np.take_along_axis(x, order, dim)
    )
    assert ts.gradcheck(lambda t: t.take_along_dim(ts.tensor(order), dim), (leaf(x),))


@FAST
@given(data=st.data())
def test_repeat_tile_split_chunk_unbind_narrow_movedim(data):
    x = data.draw(values(data.draw(shapes)))
    reps = tuple(data.draw(st.integers(1, 3)) for _ in range(x.ndim + 1))
    np.testing.assert_array_equal(ts.tensor(x).repeat(*reps).array, np.tile(x, reps))
    np.testing.assert_array_equal(ts.tensor(x).tile(reps[1:]).array, np.tile(x, reps[1:]))
    assert ts.gradcheck(lambda t: t.repeat(*reps), (leaf(x),))
    dim = _dim_of(data, x.ndim)
    size = data.draw(st.integers(1, 4))
    pieces = ts.tensor(x).split(size, dim)
    expected = np.split(x, range(size, x.shape[dim], size), axis=dim)
    assert len(pieces) == len(expected)
    for p, e in zip(pieces, expected):
        np.testing.assert_array_equal(p.array, e)
    assert ts.gradcheck(
        lambda t: ts.cat([p * (i + 1) for i, p in enumerate(t.split(size, dim))], dim), (leaf(x),)
    )
    assert ts.gradcheck(lambda t: ts.stack(t.unbind(dim), 0) * 2, (leaf(x),))
    assert ts.gradcheck(lambda t: t.chunk(2, dim)[0], (leaf(x),))
    assert ts.gradcheck(lambda t: t.narrow(dim, 0, 1), (leaf(x),))
    np.testing.assert_array_equal(ts.tensor(x).movedim(dim, 0).array, np.moveaxis(x, dim, 0))
    assert ts.gradcheck(lambda t: t.movedim(0, -1), (leaf(x),))


@pytest.mark.parametrize(
    "equation,shapes_",
    [
        ("ij,jk->ik", [(2, 3), (3, 4)]),
        ("bi,bi->b", [(3, 4), (3, 4)]),
        ("ij->ji", [(2, 3)]),
        ("ij->i", [(2, 3)]),
        ("i,j->ij", [(2,), (3,)]),
        ("bij,bjk->bik", [(2, 2, 3), (2, 3, 2)]),
        ("ij,kj->ik", [(2, 3), (4, 3)]),
        ("ij,jk", [(2, 3), (3, 4)]),
        ("i,i", [(3,), (3,)]),
    ],
)
def test_einsum_forward_and_gradient(equation, shapes_):
    rng = np.random.default_rng(0)
    arrays = [rng.standard_normal(s) for s in shapes_]
    np.testing.assert_allclose(
        ts.einsum(equation, *map(ts.tensor, arrays)).array, np.einsum(equation, *arrays), rtol=1e-12
    )
    assert ts.gradcheck(lambda *t: ts.einsum(equation, *t), [leaf(a) for a in arrays])


def test_einsum_refuses_diagonals_clearly():
    with pytest.raises(NotImplementedError, match="einsum"):
        ts.einsum("ii->", ts.zeros(3, 3))


_BY_HAND = {  # what each equation computes, spelled with NumPy's operators
    "...j,jk->...k": lambda x, y: x @ y,
    "...j,jk": lambda x, y: x @ y,
    "b...,b...->b": lambda x, y: (x * y).sum(axis=(1, 2)),
    "...ij,...jk": lambda x, y: x @ y,
    "i...->...": lambda x: x.sum(axis=0),
    "...": lambda x: x,
    "...->": lambda x: x.sum(),
    "ba,...": lambda x, y: y[:, None, None] * x.T[None],
    "...ij,...ji->...": lambda x, y: (x * y.transpose(0, 2, 1)).sum(axis=(1, 2)),
    "ij,ij->ij": lambda x, y: x * y,
}


@pytest.mark.parametrize(
    "equation, shapes_, out_shape",
    [  # out_shape: PyTorch 2.13's result for the same equation and shapes
        ("...j,jk->...k", [(2, 3, 4), (4, 5)], (2, 3, 5)),
        ("...j,jk", [(2, 3, 4), (4, 5)], (2, 3, 5)),  # implicit: the ellipsis first
        ("b...,b...->b", [(2, 3, 4), (2, 3, 4)], (2,)),
        ("...ij,...jk", [(3, 2, 4), (4, 5)], (3, 2, 5)),  # ellipses of 1 and 0 dimensions
        ("i...->...", [(3, 2, 4)], (2, 4)),
        ("...", [(3,)], (3,)),
        ("...->", [(3, 2)], ()),
        ("ba,...", [(2, 3), (4,)], (4, 3, 2)),  # an outer product, ellipsis then a, b
        ("...ij,...ji->...", [(1, 3, 2), (4, 2, 3)], (4,)),  # size 1 broadcast in '...'
        ("ij,ij->ij", [(1, 3), (2, 3)], (2, 3)),  # a letter of size 1 broadcast
    ],
)
def test_einsum_ellipsis_and_broadcasting(equation, shapes_, out_shape):
    rng = np.random.default_rng(1)
    arrays = [rng.standard_normal(s) for s in shapes_]
    out = ts.einsum(equation, *map(ts.tensor, arrays))
    assert tuple(out.shape) == out_shape
    np.testing.assert_allclose(out.array, _BY_HAND[equation](*arrays), rtol=1e-12, atol=1e-12)
    assert ts.gradcheck(lambda *t: ts.einsum(equation, *t), [leaf(a) for a in arrays])
    assert ts.autograd.gradgradcheck(lambda *t: ts.einsum(equation, *t), [leaf(a) for a in arrays])


def test_einsum_ellipsis_errors_are_pytorchs():
    with pytest.raises(RuntimeError, match=r"\(3\) is more than the number of dimensions \(2\)"):
        ts.einsum("ij...k", ts.zeros(3, 2))
    with pytest.raises(RuntimeError, match="operands do not broadcast"):
        ts.einsum("ij,ij->ij", ts.zeros(2, 3), ts.zeros(4, 3))


# ---------------------------------------------------------------------------- in place
def test_inplace_scatter_and_masked_fill_record_the_graph():
    w = leaf([1.0, 2.0, 3.0])
    y = w * 1.0
    y.masked_fill_(ts.tensor([True, False, False]), 0.0)
    y.scatter_(0, ts.tensor([2]), ts.tensor([5.0], dtype=ts.float64))
    y.sum().backward()
    assert w.grad.tolist() == [0.0, 1.0, 0.0]
    z = ts.zeros(3)
    z.scatter_add_(0, ts.tensor([0, 0, 2]), ts.ones(3))
    assert z.tolist() == [2.0, 0.0, 1.0]
    with pytest.raises(RuntimeError, match="leaf Variable"):
        leaf([1.0]).masked_fill_(ts.tensor([True]), 0.0)


def test_view_refuses_a_transposed_tensor_and_reshape_copies():
    a = ts.arange(6.0).reshape(2, 3)
    with pytest.raises(RuntimeError, match=r"view size is not compatible .* Use \.reshape"):
        a.t().view(6)
    assert a.t().reshape(6).tolist() == [0.0, 3.0, 1.0, 4.0, 2.0, 5.0]
    assert not a.t().is_contiguous() and a.t().contiguous().is_contiguous()
    assert a.view(3, 2).shape == (3, 2) and a.view(-1).shape == (6,)


def test_zero_dim_max_and_argmax():
    x = ts.tensor(2.5, requires_grad=True)
    values, indices = x.max(dim=0)
    assert values.item() == 2.5 and indices.item() == 0
    values.backward()
    assert x.grad.item() == 1.0
    assert ts.tensor(3.0).argmax(dim=0).item() == 0 and ts.tensor(3.0).argmin(0).item() == 0


def test_gradients_of_the_composite_ops():
    rng = np.random.default_rng(1)
    v = leaf(distinct(rng.standard_normal((3, 3))))
    for fn in (
        lambda t: t.cummax(1).values,
        lambda t: t.cummin(0).values,
        lambda t: t.rot90(),
        lambda t: t.repeat_interleave(2, dim=0),
        lambda t: ts.diff(t, dim=0),
        lambda t: ts.kron(t, t),
        lambda t: ts.cross(t, t * 2 + 1),
        lambda t: ts.nan_to_num(t),
        lambda t: ts.tensordot(t, t, 1),
        lambda t: ts.addmm(t, t, t, beta=0.5, alpha=2),
        lambda t: t.logaddexp2(t * 2),
        lambda t: ts.zeros(3, 3, dtype=ts.float64).index_add(0, ts.tensor([2, 0, 2]), t),
    ):
        assert ts.gradcheck(fn, (v,))
