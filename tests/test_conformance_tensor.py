"""PyTorch's documented behaviour, name by name.

Each expected value is copied from the example in PyTorch's documentation for that name
(its docstring) or worked by hand from the documented rule; none comes from running
PyTorch. Where the docs print with an older layout (extra spaces), the values are
compared, not the text.
"""

import math

import numpy as np
import pytest

import tinygrad_scores as torch


def same(t, expected, dtype=None, atol=1e-4):
    """t holds ``expected`` (to the 4 decimals PyTorch prints), with ``dtype`` if given."""
    assert isinstance(t, torch.Tensor)
    np.testing.assert_allclose(
        t.array, np.asarray(expected, dtype=t.array.dtype), atol=atol, rtol=0, equal_nan=True
    )
    assert t.shape == np.shape(expected)
    if dtype is not None:
        assert t.dtype == dtype


# ---------------------------------------------------------------------------- creation
def test_arange():
    same(torch.arange(5), [0, 1, 2, 3, 4], torch.int64)
    same(torch.arange(1, 4), [1, 2, 3], torch.int64)
    same(torch.arange(1, 2.5, 0.5), [1.0, 1.5, 2.0], torch.float32)
    # the length is ceil((end - start) / step)
    assert torch.arange(0, 1, 0.1).shape == (10,)
    assert torch.arange(-1, 1, 0.3).shape == (math.ceil(2 / 0.3),)
    with pytest.raises(RuntimeError, match="step must be nonzero"):
        torch.arange(0, 1, 0)
    with pytest.raises(RuntimeError, match="inconsistent with step sign"):
        torch.arange(0, 1, -1)


def test_linspace_logspace():
    same(torch.linspace(3, 10, steps=5), [3.0, 4.75, 6.5, 8.25, 10.0])
    same(torch.linspace(-10, 10, steps=5), [-10.0, -5.0, 0.0, 5.0, 10.0])
    same(torch.linspace(start=-10, end=10, steps=1), [-10.0])
    same(torch.logspace(start=-10, end=10, steps=5), [1e-10, 1e-5, 1.0, 1e5, 1e10], atol=0)
    same(torch.logspace(start=0.1, end=1.0, steps=5), [1.2589, 2.1135, 3.5481, 5.9566, 10.0])
    same(torch.logspace(start=2, end=2, steps=1, base=2), [4.0])


def test_eye_full_empty_like():
    same(torch.eye(3), np.eye(3))
    same(torch.eye(2, 3), [[1, 0, 0], [0, 1, 0]])
    same(torch.full((2, 3), 3.141592), [[3.1416] * 3] * 2, torch.float32)
    assert torch.full((2,), 7).dtype == torch.int64 and torch.full((1,), True).dtype == torch.bool
    x = torch.tensor([[1, 2]])
    assert torch.zeros_like(x).dtype == torch.int64
    assert torch.ones_like(x, dtype=torch.float64).dtype == torch.float64
    same(torch.full_like(x, 5), [[5, 5]], torch.int64)
    assert torch.empty_like(x, device="cpu").shape == (1, 2)
    assert torch.empty(2, 3).shape == (2, 3) and torch.empty((4,)).shape == (4,)
    assert torch.zeros(size=(2, 2)).shape == (2, 2)


def test_tensor_from_nested_data():
    assert torch.tensor([[0.1, 1.2], [2.2, 3.1], [4.9, 5.2]]).shape == (3, 2)
    assert torch.tensor([0, 1]).dtype == torch.int64
    assert (
        torch.tensor([[0.11111, 0.222222, 0.3333333]], dtype=torch.float64).dtype == torch.float64
    )
    assert torch.tensor(3.14159).shape == () and torch.tensor([]).shape == (0,)
    assert torch.tensor((1, 2.5)).dtype == torch.float32  # mixed: float wins
    assert torch.tensor([True, False]).dtype == torch.bool
    a = np.array([1, 2, 3])
    t = torch.as_tensor(a)
    a[0] = -1
    assert t[0].item() == -1  # as_tensor shares memory
    assert torch.is_tensor(t) and not torch.is_tensor(a) and torch.numel(t) == 3


def test_device_arguments():
    assert torch.zeros(2, device="cpu").device == torch.device("cpu")
    assert torch.ones(1, device=torch.device("cpu")).device.type == "cpu"
    for make in (
        lambda: torch.zeros(2, device="cuda"),
        lambda: torch.tensor([1], device="cuda:0"),
        lambda: torch.randn(2, device="cuda"),
        lambda: torch.arange(3, device="mps"),
        lambda: torch.ones(2).to("cuda"),
        lambda: torch.ones(2).cuda(),
    ):
        with pytest.raises(RuntimeError, match="CPU"):
            make()
    x = torch.ones(2)
    assert x.to("cpu") is x and x.cpu() is x and x.to(torch.device("cpu")) is x
    assert x.to("cpu", torch.float64).dtype == torch.float64
    assert x.to(torch.tensor([1])).dtype == torch.int64
    assert x.to(dtype=torch.float16, device="cpu").dtype == torch.float16
    assert x.to(torch.float32, copy=True) is not x


# ---------------------------------------------------------------------------- random
def test_generator_and_global_seed():
    g = torch.Generator().manual_seed(42)
    assert g.initial_seed() == 42
    state = g.get_state()
    first = torch.randn(3, generator=g)
    g.set_state(state)
    assert torch.equal(first, torch.randn(3, generator=g))
    torch.manual_seed(0)
    a = torch.rand(4)
    torch.manual_seed(0)
    assert torch.equal(a, torch.rand(4)) and torch.initial_seed() == 0
    state = torch.get_rng_state()
    b = torch.randint(0, 10, (5,))
    torch.set_rng_state(state)
    assert torch.equal(b, torch.randint(0, 10, (5,)))
    assert isinstance(torch.seed(), int)
    with pytest.raises(TypeError):
        torch.Generator().set_state(torch.zeros(3))


def test_random_functions():
    g = torch.Generator().manual_seed(1)
    assert torch.randint(3, 10, (2, 2), generator=g).dtype == torch.int64
    r = torch.randint(3, 10, (1000,), generator=g)
    assert 3 <= r.min().item() and r.max().item() < 10
    assert sorted(torch.randperm(4, generator=g).tolist()) == [0, 1, 2, 3]
    x = torch.zeros(2, 3, dtype=torch.float64)
    assert torch.rand_like(x).dtype == torch.float64 and torch.randn_like(x).shape == (2, 3)
    assert torch.randint_like(x, 5).max().item() < 5
    # normal's overloads
    assert torch.normal(mean=torch.arange(1.0, 11.0), std=torch.arange(1, 0, -0.1)).shape == (10,)
    assert torch.normal(mean=0.5, std=torch.arange(1.0, 6.0)).shape == (5,)
    assert torch.normal(mean=torch.arange(1.0, 6.0)).shape == (5,)
    assert torch.normal(2, 3, size=(1, 4)).shape == (1, 4)
    with pytest.raises(RuntimeError, match="std >= 0.0"):
        torch.normal(torch.zeros(2), -torch.ones(2))
    samples = torch.normal(3.0, 0.5, size=(20000,), generator=g)
    assert abs(samples.mean().item() - 3.0) < 0.02 and abs(samples.std().item() - 0.5) < 0.02
    assert set(torch.bernoulli(torch.full((100,), 0.5), generator=g).tolist()) <= {0.0, 1.0}
    weights = torch.tensor([0, 10, 3, 0], dtype=torch.float)
    assert set(torch.multinomial(weights, 2).tolist()) == {1, 2}


# ---------------------------------------------------------------------------- math
def test_elementwise_math_doc_examples():
    same(torch.round(torch.tensor((4.7, -2.3, 9.1, -7.7))), [5.0, -2.0, 9.0, -8.0])
    same(torch.round(torch.tensor([-0.5, 0.5, 1.5, 2.5])), [-0.0, 0.0, 2.0, 2.0])
    same(torch.round(torch.tensor([0.1234567]), decimals=3), [0.123], atol=1e-7)
    same(torch.round(torch.tensor([1200.1234567]), decimals=-3), [1000.0])
    same(torch.frac(torch.tensor([1, 2.5, -3.2])), [0.0, 0.5, -0.2])
    same(torch.sign(torch.tensor([0.7, -1.2, 0.0, 2.3])), [1.0, -1.0, 0.0, 1.0])
    same(torch.exp2(torch.tensor([0, math.log2(2.0), 3, 4])), [1.0, 2.0, 8.0, 16.0])
    same(torch.floor(torch.tensor([-0.8, 1.5])), [-1.0, 1.0])
    same(torch.ceil(torch.tensor([-0.8, 1.5])), [-0.0, 2.0])
    same(torch.trunc(torch.tensor([-0.8, 1.5])), [-0.0, 1.0])
    same(torch.square(torch.tensor([2, -3])), [4, 9], torch.int64)
    same(torch.rsqrt(torch.tensor([4.0, 0.25])), [0.5, 2.0])
    same(torch.reciprocal(torch.tensor([2, 4])), [0.5, 0.25], torch.float32)  # ints -> float
    same(torch.sin(torch.tensor([0, 1])), [0.0, 0.8415], torch.float32)
    same(torch.log2(torch.tensor([8.0])), [3.0])
    same(torch.log10(torch.tensor([1000.0])), [3.0])
    same(torch.log1p(torch.tensor([0.0])), [0.0])
    same(torch.expm1(torch.tensor([0.0, math.log(2.0)])), [0.0, 1.0])
    same(
        torch.atan2(torch.tensor([1.0, 1.0]), torch.tensor([1.0, -1.0])),
        [math.pi / 4, 3 * math.pi / 4],
    )
    same(torch.erf(torch.tensor([0, -1.0, 10.0])), [0.0, -0.8427, 1.0])


def test_binary_math_doc_examples():
    same(
        torch.logaddexp(torch.tensor([-1.0]), torch.tensor([-1.0, -2, -3])),
        [-0.3069, -0.6867, -0.8731],
    )
    same(
        torch.logaddexp(torch.tensor([-100.0, -200, -300]), torch.tensor([-1.0, -2, -3])),
        [-1.0, -2.0, -3.0],
    )
    same(
        torch.logaddexp(torch.tensor([1.0, 2000, 30000]), torch.tensor([-1.0, -2, -3])),
        [1.1269, 2000.0, 30000.0],
    )
    same(torch.hypot(torch.tensor([4.0]), torch.tensor([3.0, 4.0, 5.0])), [5.0, 5.6569, 6.4031])
    same(torch.maximum(torch.tensor((1, 2, -1)), torch.tensor((3, 0, 4))), [3, 2, 4])
    same(torch.minimum(torch.tensor((1, 2, -1)), torch.tensor((3, 0, 4))), [1, 0, -1])
    a = torch.tensor([9.7, float("nan"), 3.1, float("nan")])
    b = torch.tensor([-2.2, 0.5, float("nan"), float("nan")])
    same(torch.fmax(a, b), [9.7, 0.5, 3.1, float("nan")])
    same(torch.fmin(a, b), [-2.2, 0.5, 3.1, float("nan")])
    same(torch.maximum(a, b), [9.7, float("nan"), float("nan"), float("nan")])
    same(torch.max(torch.tensor([1.0, 5.0]), torch.tensor([3.0, 2.0])), [3.0, 5.0])
    same(torch.min(torch.tensor([1.0, 5.0]), torch.tensor([3.0, 2.0])), [1.0, 2.0])
    same(torch.remainder(torch.tensor([-3.0, -2, -1, 1, 2, 3]), 2), [1.0, 0.0, 1.0, 1.0, 0.0, 1.0])
    same(torch.remainder(torch.tensor([1, 2, 3, 4, 5]), -1.5), [-0.5, -1.0, 0.0, -0.5, -1.0])
    same(torch.fmod(torch.tensor([-3.0, -2, -1, 1, 2, 3]), 2), [-1.0, -0.0, -1.0, 1.0, 0.0, 1.0])
    same(torch.fmod(torch.tensor([1, 2, 3, 4, 5]), -1.5), [1.0, 0.5, 0.0, 1.0, 0.5])
    same(torch.tensor([-3, 7]) % 3, [0, 1], torch.int64)
    same(torch.tensor([-3.0, 7.0]) // 2, [-2.0, 3.0])
    same(7 // torch.tensor([2, -2]), [3, -4], torch.int64)
    same(torch.floor_divide(torch.tensor([4.0, 3.0]), torch.tensor([2.0, 2.0])), [2.0, 1.0])
    same(torch.div(torch.tensor([-7.0, 7.0]), 2, rounding_mode="trunc"), [-3.0, 3.0])
    same(torch.div(torch.tensor([-7.0, 7.0]), 2, rounding_mode="floor"), [-4.0, 3.0])
    same(torch.true_divide(torch.tensor([1, 2]), 4), [0.25, 0.5], torch.float32)
    same(torch.pow(2, torch.tensor([1, 2, 3])), [2, 4, 8], torch.int64)
    same(torch.pow(torch.tensor([1.0, 2.0]), 2), [1.0, 4.0])
    same(torch.add(torch.tensor([1.0, 2.0]), torch.tensor([1.0, 1.0]), alpha=10), [11.0, 12.0])
    same(torch.sub(torch.tensor((1, 2)), torch.tensor((0, 1)), alpha=2), [1, 0], torch.int64)
    start, end = torch.arange(1.0, 5.0), torch.empty(4).fill_(10)
    same(torch.lerp(start, end, 0.5), [5.5, 6.0, 6.5, 7.0])
    same(torch.lerp(start, end, torch.full_like(start, 0.5)), [5.5, 6.0, 6.5, 7.0])
    t, t1, t2 = torch.ones(2), torch.tensor([2.0, 3.0]), torch.tensor([4.0, 6.0])
    same(torch.addcmul(t, t1, t2, value=0.1), [1.8, 2.8])
    same(torch.addcdiv(t, t1, t2, value=2), [2.0, 2.0])


def test_clamp_doc_examples():
    a = torch.tensor([-1.7120, 0.1734, -0.0478, -0.0922])
    same(torch.clamp(a, min=-0.5, max=0.5), [-0.5, 0.1734, -0.0478, -0.0922])
    same(torch.clamp(a, min=torch.linspace(-1, 1, steps=4)), [-1.0, 0.1734, 0.3333, 1.0])
    same(torch.clip(a, max=0.0), [-1.712, 0.0, -0.0478, -0.0922])
    same(torch.tensor([1, 5]).clamp(2, 4), [2, 4], torch.int64)
    assert torch.tensor([1, 5]).clamp(2.5).dtype == torch.float32  # promoted as PyTorch
    with pytest.raises(RuntimeError, match="At least one of 'min' or 'max'"):
        a.clamp()


def test_where():
    x = torch.tensor([[-0.4620, 0.3139], [0.3898, -0.7197], [0.0478, -0.1657]])
    same(torch.where(x > 0, 1.0, 0.0), [[0.0, 1.0], [1.0, 0.0], [1.0, 0.0]], torch.float32)
    same(torch.where(x > 0, x, torch.ones(3, 2)), [[1.0, 0.3139], [0.3898, 1.0], [0.0478, 1.0]])
    assert torch.where(torch.tensor([True, False]), 1, 0).dtype == torch.int64
    same(torch.where(torch.tensor([True, False, True]))[0], [0, 2], torch.int64)
    with pytest.raises(RuntimeError, match="boolean"):
        torch.where(torch.tensor([1, 0]), x[0], x[1])


def test_logic():
    same(
        torch.logical_and(torch.tensor([True, False, True]), torch.tensor([True, False, False])),
        [True, False, False],
        torch.bool,
    )
    same(
        torch.logical_or(torch.tensor([True, False, True]), torch.tensor([True, False, False])),
        [True, False, True],
    )
    same(
        torch.logical_xor(torch.tensor([True, False, True]), torch.tensor([True, False, False])),
        [False, False, True],
    )
    same(torch.logical_not(torch.tensor([True, False])), [False, True])
    same(torch.logical_not(torch.tensor([0, 1, -10], dtype=torch.int8)), [True, False, False])
    a, b = torch.tensor([True, False]), torch.tensor([True, True])
    same(a & b, [True, False], torch.bool)
    same(a | b, [True, True])
    same(a ^ b, [False, True])
    same(~a, [False, True])
    same(
        torch.tensor([-1, -2, 3], dtype=torch.int8) ^ torch.tensor([1, 0, 3], dtype=torch.int8),
        [-2, -2, 0],
    )
    same(torch.bitwise_not(torch.tensor([-1, -2, 3], dtype=torch.int8)), [0, 1, -4])


def test_comparisons():
    a, b = torch.tensor([[1, 2], [3, 4]]), torch.tensor([[1, 1], [4, 4]])
    same(torch.eq(a, b), [[True, False], [False, True]], torch.bool)
    same(torch.ne(a, b), [[False, True], [True, False]])
    same(torch.gt(a, b), [[False, True], [False, False]])
    same(torch.ge(a, b), [[True, True], [False, True]])
    same(torch.lt(a, b), [[False, False], [True, False]])
    same(torch.le(a, b), [[True, False], [True, True]])
    same(a.greater(b), [[False, True], [False, False]])
    same(a.less_equal(2), [[True, True], [False, False]])
    same(torch.isnan(torch.tensor([1, float("nan"), 2])), [False, True, False])
    v = torch.tensor([1, float("inf"), 2, float("-inf"), float("nan")])
    same(torch.isinf(v), [False, True, False, True, False])
    same(torch.isfinite(v), [True, False, True, False, False])
    same(
        torch.isclose(torch.tensor((1.0, 2, 3)), torch.tensor((1 + 1e-10, 3, 4))),
        [True, False, False],
    )
    same(
        torch.isclose(torch.tensor((float("inf"), 4)), torch.tensor((float("inf"), 6)), rtol=0.5),
        [True, True],
    )
    assert not torch.allclose(torch.tensor([10000.0, 1e-07]), torch.tensor([10000.1, 1e-08]))
    assert torch.allclose(torch.tensor([10000.0, 1e-08]), torch.tensor([10000.1, 1e-09]))
    assert not torch.allclose(torch.tensor([1.0, float("nan")]), torch.tensor([1.0, float("nan")]))
    assert torch.allclose(
        torch.tensor([1.0, float("nan")]), torch.tensor([1.0, float("nan")]), equal_nan=True
    )
    assert torch.equal(torch.tensor([1, 2]), torch.tensor([1, 2]))
    assert not torch.equal(torch.tensor([1, 2]), torch.tensor([1, 2, 3]))


# ---------------------------------------------------------------------------- reductions
def test_max_min_argmax_named_results():
    a = torch.tensor([[1.0, 5.0, 2.0], [4.0, 3.0, 6.0]])
    values, indices = torch.max(a, 1)
    same(values, [5.0, 6.0])
    same(indices, [1, 2], torch.int64)
    result = a.min(dim=0, keepdim=True)
    assert isinstance(result, torch.return_types.min) and type(result).__name__ == "min"
    same(result.values, [[1.0, 3.0, 2.0]])
    same(result.indices, [[0, 1, 0]])
    same(a.max(), 6.0)
    same(a.argmax(), 5)
    same(a.argmin(dim=1), [0, 1])
    same(torch.argmax(a, dim=1, keepdim=True), [[1], [2]])
    same(a.amax(dim=(0, 1)), 6.0)
    same(torch.amin(a, 1), [1.0, 3.0])
    mn, mx = torch.aminmax(torch.tensor([1, -3, 5]))
    assert (mn.item(), mx.item()) == (-3, 5)
    with pytest.raises(IndexError, match="Dimension out of range"):
        a.max(dim=2)


def test_sum_mean_prod_dtype_and_dims():
    a = torch.arange(6).reshape(2, 3)
    same(a.sum(), 15, torch.int64)
    same(a.sum(dim=(0, 1)), 15)
    same(a.sum([0]), [3, 5, 7])
    same(a.sum(1, keepdim=True), [[3], [12]])
    same(a.sum(dtype=torch.float64), 15.0, torch.float64)
    same(torch.tensor([True, True, False]).sum(), 2, torch.int64)
    same(a.mean(dtype=torch.float32), 2.5)
    same(a.float().mean([0, 1]), 2.5)
    with pytest.raises(RuntimeError, match="mean\\(\\): could not infer output dtype"):
        a.mean()
    same(torch.prod(torch.tensor([[1.0, 2.0], [3.0, 4.0]]), 1), [2.0, 12.0])
    same(torch.tensor([2, 3]).prod(), 6, torch.int64)


def test_std_var_and_their_means():
    x = torch.tensor([1.0, 2.0, 3.0, 4.0])
    same(x.std(), 1.2910)  # Bessel's correction by default
    same(x.std(correction=0), 1.1180)
    same(x.std(unbiased=False), 1.1180)
    same(x.var(), 1.6667)
    same(torch.var(x, 0, True), 1.6667)
    same(torch.var(x, False), 1.25)  # the old var(unbiased) form
    std, mean = torch.std_mean(x)
    same(std, 1.2910)
    same(mean, 2.5)
    var, mean = torch.var_mean(torch.tensor([[1.0, 3.0], [5.0, 7.0]]), dim=1, keepdim=True)
    same(var, [[2.0], [2.0]])
    same(mean, [[2.0], [6.0]])
    with pytest.raises(RuntimeError, match="floating point"):
        torch.tensor([1, 2]).std()


def test_norm_doc_examples():
    a = torch.arange(9, dtype=torch.float) - 4
    b = a.reshape((3, 3))
    same(torch.norm(a), 7.7460)
    same(torch.norm(b), 7.7460)
    same(torch.norm(a, float("inf")), 4.0)
    same(torch.norm(b, float("inf")), 4.0)
    c = torch.tensor([[1, 2, 3], [-1, 1, 4]], dtype=torch.float)
    same(torch.norm(c, dim=0), [1.4142, 2.2361, 5.0])
    same(torch.norm(c, dim=1), [3.7417, 4.2426])
    same(torch.norm(c, p=1, dim=1), [6.0, 6.0])
    same(c.norm(p=0), 6.0)
    with pytest.raises(NotImplementedError, match="nuc"):
        c.norm(p="nuc")


def test_logsumexp_cumsum_cumprod():
    same(
        torch.logsumexp(torch.tensor([[0.0, 0.0], [1.0, 1.0]]), dim=1),
        [math.log(2), 1 + math.log(2)],
    )
    same(torch.tensor([-1000.0, -1000.0]).logsumexp(0), -1000 + math.log(2))
    same(torch.logsumexp(torch.tensor([float("-inf")] * 2), 0), float("-inf"))
    same(torch.cumsum(torch.tensor([1, 2, 3]), dim=0), [1, 3, 6], torch.int64)
    same(torch.cumsum(torch.tensor([[1.0, 2.0], [3.0, 4.0]]), dim=1), [[1.0, 3.0], [3.0, 7.0]])
    same(torch.cumprod(torch.tensor([1.0, 2.0, 3.0, 0.0, 5.0]), dim=0), [1.0, 2.0, 6.0, 0.0, 0.0])


def test_all_any_count_nonzero():
    a = torch.tensor([[True, False], [True, True]])
    assert a.all().item() is False and a.any().item() is True
    same(torch.all(a, dim=1), [False, True])
    same(torch.any(torch.tensor([[0, 0], [0, 1]]), 0), [False, True])
    x = torch.tensor([[0.0, 1.1, 0.0], [1.0, 0.0, 2.0]])
    same(torch.count_nonzero(x), 3, torch.int64)
    same(torch.count_nonzero(x, dim=0), [1, 1, 1])


def test_sort_argsort_topk_kthvalue_median_unique():
    x = torch.tensor([0, 1] * 9)
    same(
        x.sort(stable=True).indices, [0, 2, 4, 6, 8, 10, 12, 14, 16, 1, 3, 5, 7, 9, 11, 13, 15, 17]
    )
    values, indices = torch.sort(torch.tensor([3.0, 1.0, 2.0]), descending=True)
    same(values, [3.0, 1.0 + 1.0, 1.0])
    same(indices, [0, 2, 1])
    same(torch.argsort(torch.tensor([[3, 1], [0, 5]]), dim=1), [[1, 0], [0, 1]])
    same(torch.sort(torch.tensor([2.0, float("nan"), 1.0])).values, [1.0, 2.0, float("nan")])
    same(
        torch.sort(torch.tensor([2.0, float("nan"), 1.0]), descending=True).values,
        [float("nan"), 2.0, 1.0],
    )
    top = torch.topk(torch.arange(1.0, 6.0), 3)
    same(top.values, [5.0, 4.0, 3.0])
    same(top.indices, [4, 3, 2])
    same(torch.topk(torch.arange(1.0, 6.0), 2, largest=False).values, [1.0, 2.0])
    with pytest.raises(RuntimeError, match="selected index k out of range"):
        torch.topk(torch.arange(3.0), 4)
    kth = torch.kthvalue(torch.arange(1.0, 6.0), 4)
    assert (kth.values.item(), kth.indices.item()) == (4.0, 3)
    same(torch.tensor([1.0, 4.0, 2.0, 3.0]).median(), 2.0)  # the lower of the two middles
    same(torch.tensor([1.0, float("nan"), 2.0]).median(), float("nan"))
    med = torch.tensor([[2.0, 0.0, 1.0], [5.0, 9.0, 7.0]]).median(dim=1)
    same(med.values, [1.0, 7.0])
    same(med.indices, [2, 2])
    same(torch.unique(torch.tensor([1, 3, 2, 3], dtype=torch.long)), [1, 2, 3])
    output, inverse = torch.unique(torch.tensor([1, 3, 2, 3]), sorted=True, return_inverse=True)
    same(output, [1, 2, 3])
    same(inverse, [0, 2, 1, 2])
    output, inverse = torch.unique(torch.tensor([[1, 3], [2, 3]]), return_inverse=True)
    same(inverse, [[0, 2], [1, 2]])
    _, counts = torch.tensor([1, 1, 5]).unique(return_counts=True)
    same(counts, [2, 1])


# ---------------------------------------------------------------------------- shapes
def test_gather_scatter_doc_examples():
    t = torch.tensor([[1, 2], [3, 4]])
    same(torch.gather(t, 1, torch.tensor([[0, 0], [1, 0]])), [[1, 1], [4, 3]])
    src = torch.arange(1, 11).reshape((2, 5))
    index = torch.tensor([[0, 1, 2, 0]])
    same(
        torch.zeros(3, 5, dtype=src.dtype).scatter_(0, index, src),
        [[1, 0, 0, 4, 0], [0, 2, 0, 0, 0], [0, 0, 3, 0, 0]],
    )
    index = torch.tensor([[0, 1, 2], [0, 1, 4]])
    same(
        torch.zeros(3, 5, dtype=src.dtype).scatter_(1, index, src),
        [[1, 2, 3, 0, 0], [6, 7, 0, 0, 8], [0, 0, 0, 0, 0]],
    )
    same(
        torch.full((2, 4), 2.0).scatter_(1, torch.tensor([[2], [3]]), 1.23),
        [[2.0, 2.0, 1.23, 2.0], [2.0, 2.0, 2.0, 1.23]],
    )
    src = torch.ones((2, 5))
    index = torch.tensor([[0, 1, 2, 0, 0]])
    same(
        torch.zeros(3, 5, dtype=src.dtype).scatter_add_(0, index, src),
        [[1.0, 0.0, 0.0, 1.0, 1.0], [0.0, 1.0, 0.0, 0.0, 0.0], [0.0, 0.0, 1.0, 0.0, 0.0]],
    )
    index = torch.tensor([[0, 1, 2, 0, 0], [0, 1, 2, 2, 2]])
    same(
        torch.zeros(3, 5, dtype=src.dtype).scatter_add_(0, index, src),
        [[2.0, 0.0, 0.0, 1.0, 1.0], [0.0, 2.0, 0.0, 0.0, 0.0], [0.0, 0.0, 2.0, 1.0, 1.0]],
    )
    with pytest.raises(RuntimeError, match="index 2 is out of bounds for dimension 1"):
        t.gather(1, torch.tensor([[2, 0], [0, 0]]))
    with pytest.raises(RuntimeError, match="int64"):
        t.gather(1, torch.tensor([[0.5]]))


def test_index_select_masked_take_along_dim_nonzero():
    x = torch.tensor([[0.1, 0.2, 0.3, 0.4], [0.5, 0.6, 0.7, 0.8], [0.9, 1.0, 1.1, 1.2]])
    indices = torch.tensor([0, 2])
    same(torch.index_select(x, 0, indices), [[0.1, 0.2, 0.3, 0.4], [0.9, 1.0, 1.1, 1.2]])
    same(torch.index_select(x, 1, indices), [[0.1, 0.3], [0.5, 0.7], [0.9, 1.1]])
    with pytest.raises(IndexError, match="index out of range"):
        x.index_select(0, torch.tensor([3]))
    mask = x.ge(0.65)
    same(torch.masked_select(x, mask), [0.7, 0.8, 0.9, 1.0, 1.1, 1.2])
    same(x.masked_fill(mask, 0.0)[1], [0.5, 0.6, 0.0, 0.0])
    same(
        x.masked_fill(torch.tensor([True, False, False, False]), torch.tensor(9.0))[:, 0],
        [9.0, 9.0, 9.0],
    )
    with pytest.raises(RuntimeError, match="boolean masks"):
        x.masked_fill(torch.tensor([1, 0, 0, 0]), 0.0)
    t = torch.tensor([[10, 30, 20], [60, 40, 50]])
    same(torch.take_along_dim(t, torch.argmax(t)), [60])
    same(torch.take_along_dim(t, torch.argsort(t, dim=1), dim=1), [[10, 20, 30], [40, 50, 60]])
    same(torch.nonzero(torch.tensor([1, 1, 1, 0, 1])), [[0], [1], [2], [4]], torch.int64)
    same(
        torch.nonzero(
            torch.tensor(
                [
                    [0.6, 0.0, 0.0, 0.0],
                    [0.0, 0.4, 0.0, 0.0],
                    [0.0, 0.0, 1.2, 0.0],
                    [0.0, 0.0, 0.0, -0.4],
                ]
            )
        ),
        [[0, 0], [1, 1], [2, 2], [3, 3]],
    )
    (rows,) = torch.nonzero(torch.tensor([1, 1, 1, 0, 1]), as_tuple=True)
    same(rows, [0, 1, 2, 4])
    same(torch.argwhere(torch.tensor([[1, 0], [0, 1]])), [[0, 0], [1, 1]])


def test_roll_flip_split_chunk_unbind():
    x = torch.tensor([1, 2, 3, 4, 5, 6, 7, 8]).view(4, 2)
    same(torch.roll(x, 1), [[8, 1], [2, 3], [4, 5], [6, 7]])
    same(torch.roll(x, 1, 0), [[7, 8], [1, 2], [3, 4], [5, 6]])
    same(torch.roll(x, -1, 0), [[3, 4], [5, 6], [7, 8], [1, 2]])
    same(torch.roll(x, shifts=(2, 1), dims=(0, 1)), [[6, 5], [8, 7], [2, 1], [4, 3]])
    y = torch.arange(8).view(2, 2, 2)
    same(torch.flip(y, [0, 1]), [[[6, 7], [4, 5]], [[2, 3], [0, 1]]])
    same(torch.fliplr(torch.arange(4).view(2, 2)), [[1, 0], [3, 2]])
    same(torch.flipud(torch.arange(4).view(2, 2)), [[2, 3], [0, 1]])
    a = torch.arange(10).reshape(5, 2)
    parts = torch.split(a, 2)
    assert [p.tolist() for p in parts] == [[[0, 1], [2, 3]], [[4, 5], [6, 7]], [[8, 9]]]
    parts = torch.split(a, [1, 4])
    assert [p.shape for p in parts] == [(1, 2), (4, 2)]
    assert [c.tolist() for c in torch.arange(11).chunk(6)] == [
        [0, 1],
        [2, 3],
        [4, 5],
        [6, 7],
        [8, 9],
        [10],
    ]
    assert [c.tolist() for c in torch.arange(13).chunk(6)] == [
        [0, 1, 2],
        [3, 4, 5],
        [6, 7, 8],
        [9, 10, 11],
        [12],
    ]
    assert [t.tolist() for t in torch.unbind(torch.tensor([[1, 2, 3], [4, 5, 6], [7, 8, 9]]))] == [
        [1, 2, 3],
        [4, 5, 6],
        [7, 8, 9],
    ]
    with pytest.raises(RuntimeError, match="split_with_sizes expects split_sizes to sum"):
        torch.split(a, [1, 1])


def test_reshaping_doc_examples():
    t = torch.tensor([[[1, 2], [3, 4]], [[5, 6], [7, 8]]])
    same(torch.flatten(t), [1, 2, 3, 4, 5, 6, 7, 8])
    same(torch.flatten(t, start_dim=1), [[1, 2, 3, 4], [5, 6, 7, 8]])
    assert torch.zeros(0, 2, 3).flatten().shape == (0,)
    assert torch.zeros(0, 2, 3).flatten(1).shape == (0, 6)
    assert torch.tensor(5).flatten().shape == (1,)
    assert torch.unflatten(torch.zeros(3, 4, 1), 1, (2, 2)).shape == (3, 2, 2, 1)
    assert torch.unflatten(torch.zeros(3, 4, 1), 1, (-1, 2)).shape == (3, 2, 2, 1)
    assert torch.zeros(5, 12, 3).unflatten(-2, (2, 2, 3, 1, 1)).shape == (5, 2, 2, 3, 1, 1, 3)
    x = torch.zeros(2, 1, 2, 1, 2)
    assert torch.squeeze(x).shape == (2, 2, 2)
    assert torch.squeeze(x, 0).shape == (2, 1, 2, 1, 2)
    assert torch.squeeze(x, 1).shape == (2, 2, 1, 2)
    assert torch.squeeze(x, (1, 2, 3)).shape == (2, 2, 2)
    v = torch.tensor([1, 2, 3, 4])
    same(torch.unsqueeze(v, 0), [[1, 2, 3, 4]])
    same(torch.unsqueeze(v, 1), [[1], [2], [3], [4]])
    t = torch.zeros(3, 2, 1)
    assert torch.movedim(t, 1, 0).shape == (2, 3, 1)
    assert torch.movedim(t, (1, 2), (0, 1)).shape == (2, 1, 3)
    assert torch.swapaxes(t, 0, 2).shape == (1, 2, 3) and t.swapdims(0, 1).shape == (2, 3, 1)
    assert torch.zeros(2, 3, 4).mT.shape == (2, 4, 3)
    m = torch.tensor([[1, 2, 3], [4, 5, 6], [7, 8, 9]])
    same(torch.narrow(m, 0, 0, 2), [[1, 2, 3], [4, 5, 6]])
    same(torch.narrow(m, 1, 1, 2), [[2, 3], [5, 6], [8, 9]])
    same(torch.narrow(m, -1, -1, 1), [[3], [6], [9]])


def test_expand_repeat_tile():
    x = torch.tensor([[1], [2], [3]])
    same(x.expand(3, 4), [[1] * 4, [2] * 4, [3] * 4])
    same(x.expand(-1, 4), [[1] * 4, [2] * 4, [3] * 4])
    same(torch.tensor([1.0, 2.0, 3.0]).expand(2, 3), [[1.0, 2.0, 3.0]] * 2)
    same(torch.tensor(1.0).expand(2), [1.0, 1.0])
    assert torch.zeros(3).expand_as(torch.zeros(2, 3)).shape == (2, 3)
    with pytest.raises(RuntimeError, match="must match the existing size"):
        torch.zeros(3).expand(4)
    v = torch.tensor([1, 2, 3])
    same(v.repeat(4, 2), [[1, 2, 3, 1, 2, 3]] * 4)
    assert v.repeat(4, 2, 1).shape == (4, 2, 3)
    same(v.tile((2,)), [1, 2, 3, 1, 2, 3])
    same(
        torch.tile(torch.tensor([[1, 2], [3, 4]]), (2, 2)),
        [[1, 2, 1, 2], [3, 4, 3, 4], [1, 2, 1, 2], [3, 4, 3, 4]],
    )


def test_transpose_and_t_on_small_tensors():
    s, v = torch.tensor(2.0), torch.tensor([1.0, 2.0])
    assert s.t().shape == () and v.t().shape == (2,) and s.transpose(0, 0).shape == ()
    assert v.transpose(0, -1).shape == (2,)
    with pytest.raises(RuntimeError, match="t\\(\\) expects a tensor with <= 2 dimensions"):
        torch.zeros(1, 2, 3).t()


def test_joining():
    a, b = torch.tensor([1, 2, 3]), torch.tensor([4, 5, 6])
    same(torch.hstack((a, b)), [1, 2, 3, 4, 5, 6])
    same(
        torch.hstack((torch.tensor([[1], [2], [3]]), torch.tensor([[4], [5], [6]]))),
        [[1, 4], [2, 5], [3, 6]],
    )
    same(torch.vstack((a, b)), [[1, 2, 3], [4, 5, 6]])
    same(torch.dstack((a, b)), [[[1, 4], [2, 5], [3, 6]]])
    same(torch.stack((a, b), dim=1), [[1, 4], [2, 5], [3, 6]])
    same(torch.cat((torch.tensor([1]), torch.tensor([2.5]))), [1.0, 2.5], torch.float32)
    with pytest.raises(RuntimeError, match="stack expects each tensor to be equal size"):
        torch.stack([torch.zeros(2), torch.zeros(3)])


def test_products():
    same(torch.dot(torch.tensor([2, 3]), torch.tensor([2, 1])), 7, torch.int64)
    v1, v2 = torch.arange(1.0, 5.0), torch.arange(1.0, 4.0)
    same(torch.outer(v1, v2), [[1.0, 2.0, 3.0], [2.0, 4.0, 6.0], [3.0, 6.0, 9.0], [4.0, 8.0, 12.0]])
    m = torch.tensor([[1.0, 2.0], [3.0, 4.0]])
    same(torch.mm(m, m), [[7.0, 10.0], [15.0, 22.0]])
    same(torch.mv(m, torch.tensor([1.0, 1.0])), [3.0, 7.0])
    same(torch.bmm(m.expand(2, 2, 2), m.expand(2, 2, 2))[1], [[7.0, 10.0], [15.0, 22.0]])
    same(torch.einsum("ij,jk->ik", m, m), [[7.0, 10.0], [15.0, 22.0]])
    same(torch.einsum("bi,bi->b", m, m), [5.0, 25.0])
    same(torch.einsum("ij->ji", m), [[1.0, 3.0], [2.0, 4.0]])
    same(torch.trace(m), 5.0)
    same(torch.diag(torch.tensor([1.0, 2.0])), [[1.0, 0.0], [0.0, 2.0]])
    same(torch.tril(m), [[1.0, 0.0], [3.0, 4.0]])
    with pytest.raises(RuntimeError, match="1D tensors expected"):
        torch.dot(m, m)


# ---------------------------------------------------------------------------- conversions
def test_conversions_and_small_things():
    x = torch.tensor([1.7, -2.2])
    assert x.double().dtype == torch.float64 and x.half().dtype == torch.float16
    same(x.int(), [1, -2], torch.int32)
    same(x.long(), [1, -2], torch.int64)
    same(x.bool(), [True, True], torch.bool)
    assert torch.tensor([1]).float().dtype == torch.float32
    assert x.type() == "torch.FloatTensor" and torch.tensor([1]).type() == "torch.LongTensor"
    assert x.type(torch.float64).dtype == torch.float64
    assert x.type("torch.DoubleTensor").dtype == torch.float64
    assert x.is_floating_point() and not torch.tensor([1]).is_floating_point()
    assert not x.is_complex() and not torch.is_complex(x)
    assert x.clone().tolist() == x.tolist() and torch.tensor([[1, 2]]).tolist() == [[1, 2]]
    loss = torch.tensor(0.123456)
    assert format(loss, ".4f") == "0.1235" and f"{loss:.2e}" == "1.23e-01"
    assert float(loss) == pytest.approx(0.123456) and int(torch.tensor(3.9)) == 3
    assert bool(torch.tensor([1])) and len(torch.zeros(4, 2)) == 4
    assert [r.tolist() for r in torch.tensor([[1, 2], [3, 4]])] == [[1, 2], [3, 4]]
    assert torch.zeros(2, 3).numel() == 6 == torch.zeros(2, 3).nelement()
    assert torch.zeros(2, 3).size(1) == 3 and torch.zeros(2, 3).size(-1) == 3
    assert (
        torch.zeros(2, 3).dim() == 2 and torch.zeros(2, 3, dtype=torch.float64).element_size() == 8
    )
    assert torch.zeros(2, 3).view_as(torch.zeros(3, 2)).shape == (3, 2)
    assert torch.zeros(6).reshape_as(torch.zeros(2, 3)).shape == (2, 3)
    assert torch.zeros(2, 3).is_contiguous()


# ---------------------------------------------------------------------------- printing
REPRS = [
    (lambda: torch.tensor([1.0, 2.0]), "tensor([1., 2.])"),
    (lambda: torch.tensor([1, 2]), "tensor([1, 2])"),
    (lambda: torch.tensor(3.5), "tensor(3.5000)"),
    (lambda: torch.tensor([0.1, 0.2]), "tensor([0.1000, 0.2000])"),
    (
        lambda: torch.tensor([1.0, 2.0], dtype=torch.float64),
        "tensor([1., 2.], dtype=tinygrad_scores.float64)",
    ),
    (
        lambda: torch.tensor([1, 2], dtype=torch.int32),
        "tensor([1, 2], dtype=tinygrad_scores.int32)",
    ),
    (lambda: torch.tensor([True, False]), "tensor([ True, False])"),
    (lambda: torch.tensor([1.0, 2.0], requires_grad=True), "tensor([1., 2.], requires_grad=True)"),
    (
        lambda: torch.tensor([1.0, 2.0], requires_grad=True) + 1,
        "tensor([2., 3.], grad_fn=<AddBackward0>)",
    ),
    (lambda: torch.tensor([1e-5, 1.0]), "tensor([1.0000e-05, 1.0000e+00])"),
    (lambda: torch.tensor([1e10]), "tensor([1.0000e+10])"),
    (lambda: torch.tensor([1.0, 1000.0]), "tensor([   1., 1000.])"),
    (lambda: torch.tensor([1.0, 10000.0]), "tensor([1.0000e+00, 1.0000e+04])"),
    (lambda: torch.tensor([-1.5, 10.25]), "tensor([-1.5000, 10.2500])"),
    (lambda: torch.tensor([1.0, float("nan"), float("inf")]), "tensor([1., nan, inf])"),
    (lambda: torch.zeros(2, 0), "tensor([], size=(2, 0))"),
    (lambda: torch.zeros(0), "tensor([])"),
    (lambda: torch.tensor([[1, 2], [3, 4]]), "tensor([[1, 2],\n        [3, 4]])"),
    (lambda: torch.zeros(2, 1, 1), "tensor([[[0.]],\n\n        [[0.]]])"),
    (lambda: torch.tensor([-0.5, 0.25]).round(), "tensor([-0., 0.])"),
]


@pytest.mark.parametrize("make,text", REPRS, ids=[t for _, t in REPRS])
def test_repr_matches_pytorch(make, text):
    assert repr(make()) == text


def test_repr_summarises_above_the_threshold_and_wraps_at_the_line_width():
    assert repr(torch.arange(2000)) == "tensor([   0,    1,    2,  ..., 1997, 1998, 1999])"
    text = repr(torch.arange(2000.0))
    assert text == (
        "tensor([0.0000e+00, 1.0000e+00, 2.0000e+00,  ..., 1.9970e+03, 1.9980e+03,\n"
        "        1.9990e+03])"
    )
    lines = repr(torch.arange(30.0) / 7).split("\n")
    assert len(lines) == 4 and all(len(line) <= 80 for line in lines)
    big = repr(torch.zeros(100, 100))
    assert big.count("...") == 7 and big.startswith("tensor([[0., 0., 0.,  ..., 0., 0., 0.],")


def test_set_printoptions_is_honoured():
    try:
        torch.set_printoptions(precision=2)
        assert repr(torch.tensor([1.23456])) == "tensor([1.23])"
        torch.set_printoptions(sci_mode=True)
        assert repr(torch.tensor([1.5])) == "tensor([1.50e+00])"  # precision 2 still holds
        torch.set_printoptions(threshold=5, edgeitems=1)
        assert repr(torch.arange(10)) == "tensor([0,  ..., 9])"
        torch.set_printoptions(profile="default", linewidth=20)
        assert repr(torch.arange(8)) == "tensor([0, 1, 2, 3,\n        4, 5, 6, 7])"
    finally:
        torch.set_printoptions(profile="default")
    assert repr(torch.tensor([1.23456])) == "tensor([1.2346])"


def test_less_common_ops_doc_examples():
    boundaries = torch.tensor([1, 3, 5, 7, 9])
    v = torch.tensor([[3, 6, 9], [3, 6, 9]])
    same(torch.bucketize(v, boundaries), [[1, 3, 4], [1, 3, 4]], torch.int64)
    same(torch.bucketize(v, boundaries, right=True), [[2, 3, 5], [2, 3, 5]])
    same(
        torch.searchsorted(torch.tensor([[1, 3, 5, 7, 9], [2, 4, 6, 8, 10]]), v),
        [[1, 3, 4], [1, 2, 4]],
    )
    same(torch.tril_indices(3, 3), [[0, 1, 1, 2, 2, 2], [0, 0, 1, 0, 1, 2]])
    same(torch.triu_indices(4, 3, -1), [[0, 0, 0, 1, 1, 1, 2, 2, 3], [0, 1, 2, 0, 1, 2, 1, 2, 2]])
    same(
        torch.tensordot(
            torch.arange(60.0).reshape(3, 4, 5),
            torch.arange(24.0).reshape(4, 3, 2),
            dims=([1, 0], [0, 1]),
        ),
        [[4400.0, 4730.0], [4532.0, 4874.0], [4664.0, 5018.0], [4796.0, 5162.0], [4928.0, 5306.0]],
    )
    same(
        torch.kron(torch.eye(2), torch.ones(2, 2)),
        [[1, 1, 0, 0], [1, 1, 0, 0], [0, 0, 1, 1], [0, 0, 1, 1]],
    )
    same(
        torch.nan_to_num(torch.tensor([float("nan"), float("inf"), -float("inf"), 3.14])),
        [0.0, 3.4028e38, -3.4028e38, 3.14],
        atol=1e34,
    )
    same(
        torch.nan_to_num(torch.tensor([float("nan"), float("inf")]), nan=2.0, posinf=1.0),
        [2.0, 1.0],
    )
    a = torch.tensor(
        [-0.3449, -1.5447, 0.0685, -1.5104, -1.1706, 0.2259, 1.4696, -1.3284, 1.9946, -0.8209]
    )
    same(torch.cummax(a, dim=0).indices, [0, 0, 2, 2, 2, 5, 6, 6, 8, 8])
    same(torch.cummin(a, dim=0).indices, [0, 1, 1, 1, 1, 1, 1, 1, 1, 1])
    same(torch.diff(torch.tensor([1, 3, 2])), [2, -1])
    same(torch.diff(torch.tensor([1, 3, 2]), append=torch.tensor([4, 5])), [2, -1, 2, 1])
    same(torch.diff(torch.tensor([[1, 2, 3], [3, 4, 5]]), dim=0), [[2, 2, 2]])
    x = torch.arange(4).view(2, 2)
    same(torch.rot90(x, 1, [0, 1]), [[1, 3], [0, 2]])
    same(torch.rot90(x, -1, [0, 1]), [[2, 0], [3, 1]])
    same(torch.tensor([1, 2, 3]).repeat_interleave(2), [1, 1, 2, 2, 3, 3])
    same(
        torch.repeat_interleave(torch.tensor([[1, 2], [3, 4]]), torch.tensor([1, 2]), dim=0),
        [[1, 2], [3, 4], [3, 4]],
    )
    same(torch.cross(torch.tensor([[1.0, 0, 0]]), torch.tensor([[0.0, 1, 0]]), dim=1), [[0, 0, 1]])
    same(torch.bincount(torch.tensor([4, 3, 6, 3, 4])), [0, 0, 0, 2, 2, 0, 1], torch.int64)
    same(
        torch.addmm(torch.ones(2, 2), torch.eye(2), torch.eye(2), beta=0.5, alpha=2),
        [[2.5, 0.5], [0.5, 2.5]],
    )
    same(torch.zeros(3).index_add(0, torch.tensor([0, 2, 0]), torch.ones(3)), [2.0, 0.0, 1.0])
    same(torch.deg2rad(torch.tensor([180.0, -90.0])), [math.pi, -math.pi / 2])
    same(torch.signbit(torch.tensor([-0.0, 1.0, -2.0])), [True, False, True])


def test_axis_is_an_alias_of_dim():
    x = torch.tensor([[1.0, 5.0], [3.0, 2.0]])
    same(x.argmax(axis=1), [1, 0])
    same(torch.sum(x, axis=0), [4.0, 7.0])
    same(x.max(axis=0).values, [3.0, 5.0])
    with pytest.raises(TypeError, match="alias"):
        x.sum(dim=0, axis=0)
    assert torch.cat([x, x], axis=1).shape == (2, 4) and torch.stack([x, x], axis=2).shape == (
        2,
        2,
        2,
    )


def test_a_numpy_scalar_keeps_its_dtype_as_in_pytorch():
    # torch.tensor(np.float64(0.5)).dtype is torch.float64 (a Python float: the default)
    assert torch.tensor(np.float64(0.5)).dtype == torch.float64
    assert torch.tensor(np.float32(0.5)).dtype == torch.float32
    assert torch.tensor(np.int32(3)).dtype == torch.int32
    assert torch.tensor(0.5).dtype == torch.float32
