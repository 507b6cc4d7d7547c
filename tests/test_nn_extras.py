"""More of PyTorch's nn surface: the extra activations, cosine similarity and pairwise
distance, the margin / embedding / Poisson / Gaussian / triplet losses, GroupNorm,
ParameterList / ParameterDict, orthogonal_ / sparse_ / dirac_ and the torch.pi-style
constants. Expected values are PyTorch's documented formulas worked out (to 1e-12);
gradients are checked against central differences on hypothesis-drawn shapes."""

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from strategies import leaf, off_kinks, shapes, values

import tinygrad_scores as ts
import tinygrad_scores.nn as nn
import tinygrad_scores.nn.functional as F

X = [-4.0, -3.0, -1.0, 0.0, 0.5, 1.0, 3.0, 4.0]


def val(t):
    return t.detach().numpy()


def t64(x):
    return ts.tensor(x, dtype=ts.float64)


def close(got, expected):
    np.testing.assert_allclose(val(got), np.asarray(expected, dtype=np.float64), rtol=1e-10)


def away_from(x, points, gap=0.1):
    for p in points:
        x = p + off_kinks(x - p, gap)
    return x


# ---------------------------------------------------------------------------- activations
ACTIVATION_VALUES = {
    # scale * (x if x > 0 else alpha * (exp(x) - 1)), SELU's constants
    "selu": [-1.7258986281898945, -1.6705687287671118, -1.1113307378125625, 0.0,
             0.5253504936777402, 1.0507009873554805, 3.1521029620664414, 4.202803949421922],
    # x if x > 0 else exp(x) - 1 (alpha = 1)
    "celu": [-0.9816843611112658, -0.950212931632136, -0.6321205588285577, 0.0, 0.5, 1.0,
             3.0, 4.0],
    # x * tanh(log(1 + exp(x)))
    "mish": [-0.07259174079202535, -0.1456474612756246, -0.30340146137410895, 0.0,
             0.3752452113048951, 0.8650983882673103, 2.9865350049679575, 3.9974128069762385],
    # x * relu6(x + 3) / 6
    "hardswish": [0.0, 0.0, -1 / 3, 0.0, 0.5 * 3.5 / 6, 4 / 6, 3.0, 4.0],
    # relu6(x + 3) / 6
    "hardsigmoid": [0.0, 0.0, 2 / 6, 0.5, 3.5 / 6, 4 / 6, 1.0, 1.0],
    # x / (1 + |x|)
    "softsign": [-0.8, -0.75, -0.5, 0.0, 1 / 3, 0.5, 0.75, 0.8],
    # x - tanh(x)
    "tanhshrink": [-3.000670700260933, -2.0049452463132695, -0.23840584404423515, 0.0,
                   0.03788284273999021, 0.23840584404423515, 2.0049452463132695,
                   3.000670700260933],
    # -log(1 + exp(-x))
    "logsigmoid": [-4.0181499279178094, -3.048587351573742, -1.3132616875182228, -math.log(2),
                   -0.4740769841801067, -0.31326168751822286, -0.04858735157374206,
                   -0.018149927917809738],
}  # fmt: skip


@pytest.mark.parametrize("name", sorted(ACTIVATION_VALUES))
def test_activation_values(name):
    close(getattr(F, name)(t64(X)), ACTIVATION_VALUES[name])


def test_parametrised_activation_values():
    x = t64(X)
    close(F.celu(x, 0.5), [0.5 * (math.exp(v / 0.5) - 1) if v <= 0 else v for v in X])
    close(F.threshold(x, 0.5, -2.0), [-2, -2, -2, -2, -2, 1, 3, 4])  # x == 0.5 is not above
    e = math.exp
    close(
        F.softmin(t64([[1.0, 2, 3], [0, 0, 1]]), 1),
        [
            [e(-1) / (e(-1) + e(-2) + e(-3)), e(-2) / (e(-1) + e(-2) + e(-3)),
             e(-3) / (e(-1) + e(-2) + e(-3))],
            [1 / (2 + e(-1)), 1 / (2 + e(-1)), e(-1) / (2 + e(-1))],
        ],
    )  # fmt: skip
    close(F.glu(t64([[1.0, 2, 0, -1]])), [[1 * 0.5, 2 / (1 + e(1))]])
    close(F.prelu(t64([[-1.0, 2], [3, -4]]), t64([0.1, 0.5])), [[-0.1, 2.0], [3.0, -2.0]])
    close(F.prelu(t64([-1.0, 2]), t64([0.25])), [-0.25, 2.0])


def test_logsigmoid_and_soft_margin_do_not_overflow():
    assert val(F.logsigmoid(t64([-800.0, 800.0]))).tolist() == [-800.0, 0.0]
    close(F.soft_margin_loss(t64([800.0]), t64([-1.0]), reduction="sum"), 800.0)


ACTIVATION_FNS = {
    "selu": F.selu,
    "celu": lambda x: F.celu(x, 0.7),
    "mish": F.mish,
    "hardswish": F.hardswish,
    "hardsigmoid": F.hardsigmoid,
    "softsign": F.softsign,
    "tanhshrink": F.tanhshrink,
    "logsigmoid": F.logsigmoid,
    "threshold": lambda x: F.threshold(x, 0.5, -3.0),
    "softmin": lambda x: F.softmin(x, -1),
    "glu": lambda x: F.glu(ts.cat([x, x * 0.5 + 1], -1), -1),
}


@pytest.mark.parametrize("name", sorted(ACTIVATION_FNS))
@settings(max_examples=8)
@given(data=st.data())
def test_activation_gradcheck(name, data):
    x = data.draw(shapes.flatmap(lambda s: values(s, -4.0, 4.0)))
    x = away_from(x, [-3.0, 0.0, 0.5, 3.0])  # the kinks of elu, threshold, hardswish
    assert ts.gradcheck(ACTIVATION_FNS[name], (leaf(x),))


@settings(max_examples=8)
@given(data=st.data())
def test_prelu_gradcheck(data):
    n, c = data.draw(st.integers(1, 3)), data.draw(st.integers(1, 4))
    x = off_kinks(data.draw(values((n, c, 2))))
    w = data.draw(st.sampled_from([1, c]))
    weight = data.draw(values((w,), 0.0, 1.0))
    assert ts.gradcheck(F.prelu, (leaf(x), leaf(weight)))


def test_prelu_gradient_at_zero_takes_the_slope_side():
    x, w = leaf(np.array([-1.0, 0.0, 1.0])), leaf(np.array([0.25]))
    F.prelu(x, w).sum().backward()
    assert val(x.grad).tolist() == [0.25, 0.25, 1.0]
    assert val(w.grad).tolist() == [-1.0]


def test_hard_activations_gradient_at_the_edges():
    x = leaf(np.array([-3.0, 0.0, 3.0]))
    F.hardswish(x).sum().backward()
    assert val(x.grad).tolist() == [0.0, 0.5, 1.0]
    x.grad = None
    F.hardsigmoid(x).sum().backward()
    np.testing.assert_allclose(val(x.grad), [0.0, 1 / 6, 0.0])


def test_activation_errors():
    with pytest.raises(RuntimeError, match="Halving dimension must be even"):
        F.glu(ts.ones(2, 3))
    with pytest.raises(RuntimeError, match="glu does not support scalars"):
        F.glu(ts.tensor(1.0))
    with pytest.raises(RuntimeError, match="Mismatch of parameter numbers"):
        F.prelu(ts.ones(2, 3), ts.ones(2))
    with pytest.raises(RuntimeError, match="alpha cannot be 0 for CELU"):
        F.celu(ts.ones(2), 0.0)


def test_inplace_activations_write_into_the_input():
    x = ts.tensor([-1.0, 2.0])
    assert F.threshold(x, 0.0, 5.0, inplace=True) is x
    assert x.tolist() == [5.0, 2.0]
    y = ts.tensor([-1.0, 1.0])
    nn.Hardsigmoid(inplace=True)(y)
    np.testing.assert_allclose(y.numpy(), [2 / 6, 4 / 6])


@pytest.mark.parametrize(
    "module, text",
    [
        (nn.PReLU(), "PReLU(num_parameters=1)"),
        (nn.PReLU(3, init=0.1), "PReLU(num_parameters=3)"),
        (nn.SELU(), "SELU()"),
        (nn.SELU(inplace=True), "SELU(inplace=True)"),
        (nn.CELU(), "CELU(alpha=1.0)"),
        (nn.CELU(0.5, inplace=True), "CELU(alpha=0.5, inplace=True)"),
        (nn.Mish(inplace=True), "Mish(inplace=True)"),
        (nn.Hardswish(inplace=True), "Hardswish()"),
        (nn.Hardsigmoid(), "Hardsigmoid()"),
        (nn.Softsign(), "Softsign()"),
        (nn.Tanhshrink(), "Tanhshrink()"),
        (nn.Threshold(0.1, 20), "Threshold(threshold=0.1, value=20)"),
        (nn.Threshold(0.1, 20, True), "Threshold(threshold=0.1, value=20, inplace=True)"),
        (nn.LogSigmoid(), "LogSigmoid()"),
        (nn.GLU(), "GLU(dim=-1)"),
        (nn.Softmin(), "Softmin(dim=None)"),
        (nn.Softmin(1), "Softmin(dim=1)"),
        (nn.CosineSimilarity(), "CosineSimilarity()"),
        (nn.PairwiseDistance(1, 1e-3, True), "PairwiseDistance()"),
        (nn.CosineEmbeddingLoss(0.5), "CosineEmbeddingLoss()"),
        (nn.MarginRankingLoss(), "MarginRankingLoss()"),
        (nn.HingeEmbeddingLoss(), "HingeEmbeddingLoss()"),
        (nn.PoissonNLLLoss(), "PoissonNLLLoss()"),
        (nn.GaussianNLLLoss(), "GaussianNLLLoss()"),
        (nn.TripletMarginLoss(), "TripletMarginLoss()"),
        (nn.SoftMarginLoss(), "SoftMarginLoss()"),
        (nn.GroupNorm(2, 4), "GroupNorm(2, 4, eps=1e-05, affine=True, bias=True)"),
        (nn.GroupNorm(2, 4, affine=False), "GroupNorm(2, 4, eps=1e-05, affine=False, bias=False)"),
        (
            nn.BatchNorm1d(3, affine=False),
            "BatchNorm1d(3, eps=1e-05, momentum=0.1, affine=False, bias=False, "
            "track_running_stats=True)",
        ),
        (
            nn.BatchNorm1d(3, bias=False),
            "BatchNorm1d(3, eps=1e-05, momentum=0.1, affine=True, bias=False, "
            "track_running_stats=True)",
        ),
        (
            nn.LayerNorm((2, 3), bias=False),
            "LayerNorm((2, 3), eps=1e-05, elementwise_affine=True, bias=False)",
        ),
        (
            nn.LayerNorm(4, elementwise_affine=False),
            "LayerNorm((4,), eps=1e-05, elementwise_affine=False, bias=False)",
        ),
    ],
)
def test_reprs_as_pytorch_prints_them(module, text):
    assert repr(module) == text


def test_prelu_module_learns_its_slope():
    m = nn.PReLU(2, init=0.1)
    assert m.weight.tolist() == pytest.approx([0.1, 0.1])
    assert [n for n, _ in m.named_parameters()] == ["weight"]
    out = m(ts.tensor([[-1.0, -2.0], [1.0, 1.0]]))
    out.sum().backward()
    assert m.weight.grad.tolist() == [-1.0, -2.0]


# ---------------------------------------------------------------------------- distances
A = [[1.0, 2, 3], [0, 1, 0]]
B = [[1.0, 0, 1], [0, -2, 0]]


def test_cosine_similarity_and_pairwise_distance_values():
    close(F.cosine_similarity(t64(A), t64(B)), [4 / math.sqrt(14 * 2), -1.0])
    close(nn.CosineSimilarity(dim=0)(t64([3.0, 4]), t64([4.0, 3])), 24 / 25)
    # each norm is clamped at eps separately: 1e-5 / (max(1e-5, 1e-3) * 1)
    close(F.cosine_similarity(t64([1e-5, 0]), t64([1.0, 0]), dim=0, eps=1e-3), 1e-2)
    close(F.cosine_similarity(t64([[1.0, 0]]), t64([[0.0, 0]])), [0.0])
    d = [math.sqrt((0 + 1e-6) ** 2 + (2 + 1e-6) ** 2 + (2 + 1e-6) ** 2), 3 + 1e-6]
    close(F.pairwise_distance(t64(A), t64(B)), d)
    close(F.pairwise_distance(t64(A), t64(B), p=1), [4 + 3e-6, 3 + 3e-6])
    close(nn.PairwiseDistance(keepdim=True)(t64(A), t64(B)), [[d[0]], [d[1]]])
    assert F.pairwise_distance(t64(A), t64([[0.0, 0, 0]])).shape == (2,)  # broadcast


@settings(max_examples=10)
@given(data=st.data())
def test_distance_gradcheck(data):
    n, d = data.draw(st.integers(1, 3)), data.draw(st.integers(1, 4))
    a, b = data.draw(values((n, d))), data.draw(values((n, d)))
    b = a + off_kinks(b - a, 0.2)  # no zero differences (|.| kinks)
    assert ts.gradcheck(F.cosine_similarity, (leaf(a + 3.0), leaf(b - 3.0)))
    p = data.draw(st.sampled_from([1.0, 2.0, 3.0]))
    assert ts.gradcheck(lambda x, y: F.pairwise_distance(x, y, p), (leaf(a), leaf(b)))


# ---------------------------------------------------------------------------- losses
def test_cosine_embedding_loss():
    y = t64([1.0, -1])
    close(F.cosine_embedding_loss(t64(A), t64(B), y, reduction="none"), [1 - 4 / math.sqrt(28), 0])
    neg = F.cosine_embedding_loss(t64(A), t64(B), t64([-1.0, -1]), margin=-0.5, reduction="none")
    close(neg, [4 / math.sqrt(28) + 0.5, 0.0])
    close(nn.CosineEmbeddingLoss()(t64(A), t64(B), y), (1 - 4 / math.sqrt(28)) / 2)
    close(F.cosine_embedding_loss(t64([1.0, 0]), t64([0.0, 1]), t64(1.0)), 1.0)  # 1-D


def test_margin_ranking_and_hinge_and_soft_margin_losses():
    i1, i2, t = t64([1.0, 2, 3]), t64([2.0, 1, 3]), t64([1.0, 1, -1])
    close(F.margin_ranking_loss(i1, i2, t, reduction="none"), [1.0, 0.0, 0.0])
    close(nn.MarginRankingLoss(margin=0.5)(i1, i2, t), (1.5 + 0 + 0.5) / 3)
    x, y = t64([0.5, 2, -1, 0.3]), t64([1.0, -1, -1, -1])
    close(F.hinge_embedding_loss(x, y, reduction="none"), [0.5, 0.0, 2.0, 0.7])
    close(nn.HingeEmbeddingLoss(margin=2.0, reduction="sum")(x, y), 0.5 + 0 + 3 + 1.7)
    x, y = t64([0.0, 2, -1]), t64([1.0, -1, -1])
    expected = [math.log(2), math.log1p(math.exp(2)), math.log1p(math.exp(-1))]
    close(F.soft_margin_loss(x, y, reduction="none"), expected)
    close(nn.SoftMarginLoss()(x, y), sum(expected) / 3)


def test_poisson_nll_loss():
    x, t = t64([0.0, 1, -1, 2]), t64([0.0, 2, 1, 3])
    e = math.exp
    plain = [1.0, e(1) - 2, e(-1) + 1, e(2) - 6]
    close(F.poisson_nll_loss(x, t, reduction="none"), plain)

    def stirling(k):
        return k * math.log(k) - k + 0.5 * math.log(2 * math.pi * k) if k > 1 else 0.0

    full = [p + stirling(k) for p, k in zip(plain, [0.0, 2, 1, 3])]
    close(nn.PoissonNLLLoss(full=True, reduction="none")(x, t), full)
    rate = t64([1.0, 2, 0.5])
    expected = [1 - 0 * math.log(1 + 1e-8), 2 - 2 * math.log(2 + 1e-8), 0.5 - math.log(0.5 + 1e-8)]
    close(
        F.poisson_nll_loss(rate, t64([0.0, 2, 1]), log_input=False, reduction="sum"),
        sum(expected),
    )


def test_gaussian_nll_loss():
    mu, t = t64([[0.0, 1], [2, 3]]), t64([[1.0, 1], [0, 3]])
    var = t64([[1.0, 0.5], [2, 1e-9]])  # 1e-9 is clamped to eps = 1e-6
    expected = [[0.5, 0.5 * math.log(0.5)], [0.5 * (math.log(2) + 2), 0.5 * math.log(1e-6)]]
    close(F.gaussian_nll_loss(mu, t, var, reduction="none"), expected)
    full = np.mean(expected) + 0.5 * math.log(2 * math.pi)
    close(nn.GaussianNLLLoss(full=True)(mu, t, var), full)
    # var without the last dim, with 1 there, or a number
    close(
        F.gaussian_nll_loss(mu, t, t64([1.0, 2]), reduction="none"),
        [[0.5, 0.0], [0.5 * (math.log(2) + 2), 0.5 * math.log(2)]],
    )
    close(F.gaussian_nll_loss(mu, t, t64([[1.0], [2]]), reduction="sum"), 0.5 + 1 + math.log(2))
    close(F.gaussian_nll_loss(mu, t, 1.0, reduction="sum"), 0.5 + 2.0)
    with pytest.raises(ValueError, match="var is of incorrect size"):
        F.gaussian_nll_loss(mu, t, ts.ones(2, 3))
    with pytest.raises(ValueError, match="var has negative entry"):
        F.gaussian_nll_loss(mu, t, -ts.ones(2, 1))
    with pytest.raises(ValueError, match="x is not valid"):
        F.gaussian_nll_loss(mu, t, var, reduction="x")


def test_gaussian_nll_gradient_passes_the_clamp_unchanged():
    # PyTorch clamps var under no_grad: d loss / d var = 0.5 / v - 0.5 d**2 / v**2, v = eps
    var = leaf(np.array([1e-9]))
    F.gaussian_nll_loss(t64([0.0]), t64([0.0]), var).backward()
    close(var.grad, [0.5 / 1e-6])


def test_triplet_margin_loss():
    an, po, ne = t64([[0.0, 0], [1, 1]]), t64([[1.0, 0], [1, 2]]), t64([[0.0, 2], [1, 1.5]])

    def dist(u, v, p=2.0):
        return sum(abs(a - b + 1e-6) ** p for a, b in zip(u, v)) ** (1 / p)

    rows = [([0.0, 0], [1.0, 0], [0.0, 2]), ([1.0, 1], [1.0, 2], [1.0, 1.5])]
    expected = [max(1 + dist(a, p) - dist(a, n), 0) for a, p, n in rows]
    close(F.triplet_margin_loss(an, po, ne, reduction="none"), expected)
    swapped = [max(1 + dist(a, p) - min(dist(a, n), dist(p, n)), 0) for a, p, n in rows]
    close(nn.TripletMarginLoss(swap=True, reduction="none")(an, po, ne), swapped)
    l1 = [max(2 + dist(a, p, 1) - dist(a, n, 1), 0) for a, p, n in rows]
    close(nn.TripletMarginLoss(margin=2.0, p=1)(an, po, ne), sum(l1) / 2)
    with pytest.raises(ValueError, match="margin to be greater than 0"):
        nn.TripletMarginLoss(margin=0)
    with pytest.raises(RuntimeError, match="same number of dimensions"):
        F.triplet_margin_loss(an, po, ne[0])


LOSSES = {
    "cosine_embedding": lambda a, b, y: F.cosine_embedding_loss(a, b, y, margin=0.1),
    "margin_ranking": lambda a, b, y: F.margin_ranking_loss(a, b, y, margin=0.3),
    "hinge_embedding": lambda a, b, y: F.hinge_embedding_loss(a, y, margin=1.5),
    "soft_margin": lambda a, b, y: F.soft_margin_loss(a, y),
    "poisson": lambda a, b, y: F.poisson_nll_loss(a, b * b),
    "poisson_rate": lambda a, b, y: F.poisson_nll_loss(a * a + 0.5, b * b, log_input=False),
    # Stirling's term is a function of the target, differentiated too (targets above 1)
    "poisson_full": lambda a, b, y: F.poisson_nll_loss(a, b * b + 1.5, full=True),
    "gaussian": lambda a, b, y: F.gaussian_nll_loss(a, b, y.abs() + 0.5),
    "triplet": lambda a, b, y: F.triplet_margin_loss(a, b, y.reshape(a.shape), swap=True),
}


@pytest.mark.parametrize("name", sorted(LOSSES))
@pytest.mark.parametrize("reduction", ["none", "sum", "mean"])
@settings(max_examples=5)
@given(data=st.data())
def test_loss_gradcheck(name, reduction, data):
    n, d = data.draw(st.integers(1, 3)), data.draw(st.integers(1, 3))
    a, b = data.draw(values((n, d))), data.draw(values((n, d)))
    if name in ("cosine_embedding", "margin_ranking"):
        a, b = a + 3.0, b - 3.0  # keep clear of zero norms and of the hinge
        signs = np.where(data.draw(values((n,))) > 0, 1.0, -1.0)
        y = signs if name == "cosine_embedding" else signs[:, None] * np.ones((n, d))
    else:
        y = np.where(data.draw(values((n, d))) > 0, 1.0, -1.0)
        if name in ("gaussian", "triplet"):
            y = data.draw(values((n, d))) + 3.0
    if name == "hinge_embedding":
        a = 1.5 + off_kinks(a - 1.5)
    fn = LOSSES[name]

    def loss(x1, x2):
        out = fn(x1, x2, ts.tensor(y, dtype=ts.float64))
        return out if reduction == "mean" else out.sum() if reduction == "sum" else out

    assert ts.gradcheck(loss, (leaf(a), leaf(b)), atol=1e-4)


@pytest.mark.parametrize(
    "cls",
    [nn.CosineEmbeddingLoss, nn.MarginRankingLoss, nn.HingeEmbeddingLoss, nn.SoftMarginLoss],
)
def test_loss_modules_check_the_reduction(cls):
    with pytest.raises(ValueError, match="not a valid value for reduction"):
        cls(reduction="avg")
    with pytest.warns(UserWarning, match="size_average and reduce"):
        assert cls(size_average=False).reduction == "sum"


# ---------------------------------------------------------------------------- GroupNorm
def test_group_norm_values_and_errors():
    x = t64((np.arange(12.0) ** 2).reshape(1, 4, 3))
    weight, bias = t64([1.0, 2, 3, 4]), t64([0.0, 0, 1, 1])
    out = val(F.group_norm(x, 2, weight, bias, eps=0.0))
    groups = (np.arange(12.0) ** 2).reshape(2, 6)
    by_hand = ((groups - groups.mean(1, keepdims=True)) / groups.std(1, keepdims=True)).reshape(
        1, 4, 3
    ) * np.array([1, 2, 3, 4.0])[:, None] + np.array([0, 0, 1, 1.0])[:, None]
    np.testing.assert_allclose(out, by_hand, rtol=1e-12)
    with pytest.raises(ValueError, match=r"num_channels \(4\) must be divisible by num_groups"):
        nn.GroupNorm(3, 4)
    with pytest.raises(RuntimeError, match="divisible by num_groups, but got input of shape"):
        F.group_norm(ts.ones(2, 4, 3), 3)
    with pytest.raises(RuntimeError, match="Expected weight to be a vector of size"):
        F.group_norm(ts.ones(2, 4, 3), 2, ts.ones(3))


@settings(max_examples=10)
@given(data=st.data())
def test_group_norm_gradcheck(data):
    groups, per = data.draw(st.integers(1, 3)), data.draw(st.integers(1, 2))
    n, rest = data.draw(st.integers(1, 2)), data.draw(st.integers(1, 3))
    c = groups * per
    if per * rest == 1:
        rest = 2  # one element per group has no variance to differentiate
    x = data.draw(values((n, c, rest)))
    x = x + np.arange(x.size).reshape(x.shape) * 0.3  # spread values: variance far from 0
    w, b = data.draw(values((c,))), data.draw(values((c,)))
    module = nn.GroupNorm(groups, c).double()
    assert [name for name, _ in module.named_parameters()] == ["weight", "bias"]
    assert ts.gradcheck(
        lambda x, w, b: F.group_norm(x, groups, w, b), (leaf(x), leaf(w), leaf(b)), atol=1e-4
    )


def test_batchnorm_without_bias_has_only_a_weight():
    m = nn.BatchNorm1d(3, bias=False)
    assert [n for n, _ in m.named_parameters()] == ["weight"] and m.bias is None
    assert m(ts.randn(4, 3)).shape == (4, 3)


# ---------------------------------------------------------------------------- containers
def test_parameter_list():
    plist = nn.ParameterList([ts.ones(2, 3), nn.Parameter(ts.zeros(()))])
    assert isinstance(plist[0], nn.Parameter) and plist[0].requires_grad
    assert len(plist) == 2 and plist[-1].shape == ()
    plist.append(ts.ones(4))
    plist += [ts.ones(1)]
    assert len(plist) == 4 and len(plist[1:3]) == 2
    model = nn.Module()
    model.weights = plist
    assert [n for n, _ in model.named_parameters()] == [f"weights.{i}" for i in range(4)]
    assert list(model.state_dict()) == [f"weights.{i}" for i in range(4)]
    assert repr(nn.ParameterList([ts.ones(2, 3), ts.ones(3)])) == (
        "ParameterList(\n"
        "    (0): Parameter containing: [tinygrad_scores.float32 of size 2x3]\n"
        "    (1): Parameter containing: [tinygrad_scores.float32 of size 3]\n"
        ")"
    )
    assert repr(nn.ParameterList()) == "ParameterList()"
    plist[0] = ts.zeros(1)
    assert isinstance(plist[0], nn.Parameter) and plist[0].shape == (1,)
    with pytest.raises(IndexError):
        plist[4]
    with pytest.raises(RuntimeError, match="ParameterList should not be called"):
        plist(1)


def test_parameter_dict():
    pdict = nn.ParameterDict({"b": ts.ones(1), "a": nn.Parameter(ts.ones(2, 3))})
    assert list(pdict.keys()) == ["a", "b"]  # a plain dict's keys are sorted, as PyTorch
    assert isinstance(pdict["b"], nn.Parameter) and "a" in pdict and len(pdict) == 2
    pdict["c"] = ts.zeros(3)
    model = nn.Module()
    model.params = pdict
    assert list(model.state_dict()) == ["params.a", "params.b", "params.c"]
    assert [n for n, _ in model.named_parameters()] == ["params.a", "params.b", "params.c"]
    assert [k for k, _ in pdict.items()] == ["a", "b", "c"]
    del pdict["b"]
    assert list(pdict) == ["a", "c"] and pdict.get("b") is None
    assert pdict.pop("c").shape == (3,) and list(pdict) == ["a"]
    assert repr(pdict) == (
        "ParameterDict(  (a): Parameter containing: [torch.FloatTensor of size 2x3])"
    )
    assert repr(nn.ParameterDict([("x", ts.ones(2)), ("y", ts.ones(2))])) == (
        "ParameterDict(\n"
        "    (x): Parameter containing: [torch.FloatTensor of size 2]\n"
        "    (y): Parameter containing: [torch.FloatTensor of size 2]\n"
        ")"
    )
    with pytest.raises(KeyError):
        pdict["zz"]
    with pytest.raises(TypeError, match="not a string"):
        pdict[1] = ts.ones(1)


def test_parameter_containers_train_with_an_optimizer():
    model = nn.Module()
    model.scales = nn.ParameterList([ts.ones(2)])
    model.shifts = nn.ParameterDict({"s": ts.zeros(2)})
    opt = ts.optim.SGD(model.parameters(), lr=0.5)
    loss = (model.scales[0] * 2 + model.shifts["s"]).sum()
    loss.backward()
    opt.step()
    assert model.scales[0].tolist() == [0.0, 0.0] and model.shifts["s"].tolist() == [-0.5, -0.5]


# ---------------------------------------------------------------------------- init
def test_orthogonal_init():
    for shape in [(3, 5), (5, 3), (4, 2, 3)]:
        w = ts.empty(*shape, dtype=ts.float64)
        nn.init.orthogonal_(w, gain=2.0, generator=ts.Generator().manual_seed(0))
        flat = w.numpy().reshape(shape[0], -1)
        small = min(flat.shape)
        gram = flat @ flat.T if flat.shape[0] == small else flat.T @ flat
        np.testing.assert_allclose(gram, 4.0 * np.eye(small), atol=1e-12)
    with pytest.raises(ValueError, match="2 or more dimensions"):
        nn.init.orthogonal_(ts.empty(3))


def test_sparse_and_dirac_init():
    w = nn.init.sparse_(ts.empty(10, 4), sparsity=0.3, std=1.0)
    assert ((w.numpy() == 0).sum(0) == 3).all()  # ceil(0.3 * 10) zeros per column
    k = nn.init.dirac_(ts.empty(4, 2, 3, 3), groups=2)
    expected = np.zeros((4, 2, 3, 3))
    for out, inp in [(0, 0), (1, 1), (2, 0), (3, 1)]:
        expected[out, inp, 1, 1] = 1
    assert (k.numpy() == expected).all()
    with pytest.raises(ValueError, match="3, 4, or 5 dimensions"):
        nn.init.dirac_(ts.empty(2, 2))


def test_constants():
    assert ts.pi == math.pi and ts.e == math.e and ts.inf == math.inf
    assert math.isnan(ts.nan) and ts.newaxis is None
    assert ts.ones(3)[ts.newaxis].shape == (1, 3)
