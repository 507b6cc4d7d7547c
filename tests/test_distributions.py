"""torch.distributions: shapes, values against the formulas, PyTorch's seeded samples,
argument validation, gradients (first and second order), and two small programs that use
them (a REINFORCE update, a VAE's KL term).

The seeded samples are PyTorch 2.13's printed values (tools/make_distribution_golden.py
prints them), written here by hand."""

import math
import os
import subprocess
import sys

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from strategies import broadcast_pairs, leaf

import tinygrad_scores as torch
import tinygrad_scores.distributions as D
import tinygrad_scores.nn as nn
from tinygrad_scores.gradcheck import gradcheck, gradgradcheck
from tinygrad_scores.tensor import Size

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
LOG_SQRT_2PI = 0.5 * math.log(2 * math.pi)


def f64(*values):
    return torch.tensor(values, dtype=torch.float64)


def check_both_orders(fn, *inputs):
    assert gradcheck(fn, inputs)
    assert gradgradcheck(fn, inputs)


# ------------------------------------------------------------------------------ shapes
def test_samples_are_shaped_sample_shape_then_batch_then_event():
    normal = D.Normal(torch.zeros(2, 3), torch.ones(2, 3))
    assert normal.batch_shape == Size((2, 3)) and normal.event_shape == Size(())
    assert normal.sample((4, 5)).shape == (4, 5, 2, 3)
    assert normal.rsample().shape == (2, 3)
    vector = D.Independent(normal, 1)
    assert (vector.batch_shape, vector.event_shape) == (Size((2,)), Size((3,)))
    assert vector.sample((4,)).shape == (4, 2, 3)
    assert vector.log_prob(torch.zeros(4, 2, 3)).shape == (4, 2)
    categorical = D.Categorical(logits=torch.zeros(2, 3, 4))
    assert (categorical.batch_shape, categorical.event_shape) == (Size((2, 3)), Size(()))
    assert categorical.sample((5,)).shape == (5, 2, 3)
    assert categorical.sample().dtype == torch.int64
    onehot = D.OneHotCategorical(probs=torch.ones(2, 4) / 4)
    assert (onehot.batch_shape, onehot.event_shape) == (Size((2,)), Size((4,)))
    assert onehot.sample((3,)).shape == (3, 2, 4)
    assert D.Bernoulli(0.3).sample((3,)).shape == (3,)
    assert D.Uniform(torch.zeros(3), 1.0).rsample((2,)).shape == (2, 3)


def test_numbers_give_an_empty_batch_shape_and_default_dtype():
    normal = D.Normal(0.0, 1.0)
    assert normal.batch_shape == Size(()) and normal.sample().shape == ()
    assert normal.loc.dtype == torch.float32
    mixed = D.Normal(torch.zeros(3, dtype=torch.float64), 2.0)
    assert mixed.scale.dtype == torch.float64 and mixed.scale.shape == (3,)


def test_expand_broadcasts_the_parameters_to_the_new_batch_shape():
    normal = D.Normal(torch.tensor([0.0, 1.0]), 1.0).expand((3, 2))
    assert normal.batch_shape == (3, 2) and normal.loc.shape == (3, 2)
    assert normal.sample((4,)).shape == (4, 3, 2)
    categorical = D.Categorical(logits=torch.zeros(4)).expand((2,))
    assert categorical.batch_shape == (2,) and categorical.logits.shape == (2, 4)
    vector = D.Independent(D.Normal(torch.zeros(3), 1.0), 1).expand((5,))
    assert (vector.batch_shape, vector.event_shape) == (Size((5,)), Size((3,)))
    assert vector.base_dist.batch_shape == (5, 3)
    assert D.Bernoulli(torch.tensor([0.5])).expand((2, 1)).sample().shape == (2, 1)
    assert D.Uniform(0.0, 1.0).expand((2,)).entropy().shape == (2,)
    bernoulli = D.Bernoulli(logits=torch.zeros(2))
    assert bernoulli.probs.shape == (2,)  # computed now: expand carries both
    both = bernoulli.expand((3, 2))
    assert both.__dict__["probs"].shape == both.__dict__["logits"].shape == (3, 2)


def test_empty_batches_and_edges_behave_as_pytorch():
    empty = D.Normal(torch.zeros(0), 1.0)
    assert empty.sample((2,)).shape == (2, 0) and empty.log_prob(torch.zeros(0)).shape == (0,)
    with pytest.raises(RuntimeError, match="cannot sample n_sample <= 0 samples"):
        D.Categorical(logits=torch.zeros(3)).sample((0,))
    assert D.Categorical(logits=torch.zeros(4)).perplexity().item() == pytest.approx(4.0)
    support = D.Bernoulli(torch.tensor([0.3, 0.6])).enumerate_support()
    np.testing.assert_array_equal(support.numpy(), [[0.0, 0.0], [1.0, 1.0]])
    # an integer value is scored as PyTorch does (promoted with the float parameters)
    assert D.Normal(0.0, 1.0).log_prob(torch.tensor(1)).item() == pytest.approx(-0.5 - LOG_SQRT_2PI)
    assert D.Uniform(0.0, 2.0).log_prob(torch.tensor(1)).item() == pytest.approx(-math.log(2.0))


# ------------------------------------------------------------------------------ values
def test_normal_values_match_the_formulas():
    normal = D.Normal(f64(1.0, -1.0), f64(2.0, 0.5))
    x = f64(3.0, 0.0)
    expected = [
        -((3 - 1) ** 2) / (2 * 4.0) - math.log(2.0) - LOG_SQRT_2PI,
        -((0 + 1) ** 2) / (2 * 0.25) - math.log(0.5) - LOG_SQRT_2PI,
    ]
    np.testing.assert_allclose(normal.log_prob(x).numpy(), expected, rtol=1e-12)
    entropy = [0.5 + LOG_SQRT_2PI + math.log(s) for s in (2.0, 0.5)]
    np.testing.assert_allclose(normal.entropy().numpy(), entropy, rtol=1e-12)
    np.testing.assert_array_equal(normal.mean.numpy(), [1.0, -1.0])
    np.testing.assert_array_equal(normal.variance.numpy(), [4.0, 0.25])
    np.testing.assert_array_equal(normal.stddev.numpy(), [2.0, 0.5])
    np.testing.assert_allclose(normal.cdf(f64(1.0, -1.5)).numpy(), [0.5, 0.15865525393145707])


@given(broadcast_pairs(), st.integers(0, 2**16))
def test_normal_log_prob_broadcasts_as_numpy_does(pair, seed):
    rng = np.random.default_rng(seed)
    loc, scale = rng.standard_normal(pair[0]), rng.uniform(0.5, 2.0, pair[1])
    x = rng.standard_normal(np.broadcast_shapes(pair[0], pair[1]))
    got = D.Normal(torch.tensor(loc), torch.tensor(scale)).log_prob(torch.tensor(x)).numpy()
    want = -((x - loc) ** 2) / (2 * scale**2) - np.log(scale) - LOG_SQRT_2PI
    np.testing.assert_allclose(got, want, rtol=1e-12)


def test_categorical_normalises_probs_and_logits_as_pytorch():
    by_probs = D.Categorical(probs=f64(1.0, 2.0, 5.0))
    np.testing.assert_allclose(by_probs.probs.numpy(), [1 / 8, 2 / 8, 5 / 8])
    np.testing.assert_allclose(by_probs.log_prob(torch.tensor(2)).item(), math.log(5 / 8))
    entropy = -sum(p * math.log(p) for p in (1 / 8, 2 / 8, 5 / 8))
    np.testing.assert_allclose(by_probs.entropy().item(), entropy, rtol=1e-12)
    by_logits = D.Categorical(logits=f64(0.0, math.log(3.0)))  # logits - logsumexp
    np.testing.assert_allclose(by_logits.logits.numpy(), [math.log(0.25), math.log(0.75)])
    np.testing.assert_allclose(by_logits.probs.numpy(), [0.25, 0.75])
    assert by_logits.log_prob(torch.tensor([1, 0, 1])).shape == (3,)
    assert by_logits.mode.item() == 1
    assert np.isnan(by_logits.mean.item()) and np.isnan(by_logits.variance.item())
    np.testing.assert_array_equal(
        D.Categorical(logits=torch.zeros(2, 3)).enumerate_support().numpy(),
        [[0, 0], [1, 1], [2, 2]],
    )


@given(st.lists(st.integers(1, 3), min_size=1, max_size=3), st.integers(0, 2**16))
def test_categorical_log_prob_and_entropy_are_log_softmax_on_any_batch(shape, seed):
    rng = np.random.default_rng(seed)
    logits = rng.standard_normal(shape)
    values = rng.integers(0, shape[-1], shape[:-1])
    dist = D.Categorical(logits=torch.tensor(logits))
    shifted = logits - logits.max(-1, keepdims=True)
    log_softmax = shifted - np.log(np.exp(shifted).sum(-1, keepdims=True))
    want = np.take_along_axis(log_softmax, values[..., None], -1)[..., 0]
    np.testing.assert_allclose(dist.log_prob(torch.tensor(values)).numpy(), want, rtol=1e-12)
    entropy = -(np.exp(log_softmax) * log_softmax).sum(-1)
    np.testing.assert_allclose(dist.entropy().numpy(), entropy, rtol=1e-12)
    assert dist.batch_shape == tuple(shape[:-1])


def test_categorical_entropy_counts_a_zero_probability_as_nothing():
    # logits -inf for the empty category: clamped, so 0 * log 0 gives 0, not nan
    dist = D.Categorical(probs=f64(0.5, 0.5, 0.0))
    np.testing.assert_allclose(dist.entropy().item(), math.log(2.0), rtol=1e-12)


def test_bernoulli_values_match_the_formulas():
    p = 0.3
    dist = D.Bernoulli(probs=f64(p, p))
    np.testing.assert_allclose(dist.log_prob(f64(1.0, 0.0)).numpy(), [math.log(p), math.log(1 - p)])
    entropy = -(p * math.log(p) + (1 - p) * math.log(1 - p))
    np.testing.assert_allclose(dist.entropy().numpy(), [entropy, entropy], rtol=1e-12)
    np.testing.assert_allclose(dist.variance.numpy(), [p * (1 - p)] * 2)
    np.testing.assert_allclose(dist.logits.numpy(), [math.log(p / (1 - p))] * 2, rtol=1e-6)
    by_logits = D.Bernoulli(logits=f64(0.0, 2.0))
    np.testing.assert_allclose(by_logits.probs.numpy(), [0.5, 1 / (1 + math.exp(-2.0))])
    mode = D.Bernoulli(probs=f64(0.2, 0.5, 0.9)).mode.numpy()
    assert mode[0] == 0 and np.isnan(mode[1]) and mode[2] == 1


def test_uniform_values_match_the_formulas():
    dist = D.Uniform(f64(-1.0), f64(1.0))
    np.testing.assert_allclose(dist.log_prob(f64(0.5)).numpy(), [-math.log(2.0)])
    outside = D.Uniform(f64(-1.0), f64(1.0), validate_args=False).log_prob(f64(1.5))
    assert outside.item() == -math.inf
    assert dist.entropy().item() == pytest.approx(math.log(2.0))
    assert (dist.mean.item(), dist.variance.item()) == (0.0, pytest.approx(4 / 12))
    np.testing.assert_allclose(dist.cdf(f64(0.0)).numpy(), [0.5])


def test_independent_sums_the_reinterpreted_dimensions():
    base = D.Normal(torch.zeros(2, 3, dtype=torch.float64), 1.0)
    x = torch.tensor(np.arange(6.0).reshape(2, 3))
    vector = D.Independent(base, 1)
    np.testing.assert_allclose(vector.log_prob(x).numpy(), base.log_prob(x).sum(-1).numpy())
    np.testing.assert_allclose(vector.entropy().numpy(), base.entropy().sum(-1).numpy())
    assert D.Independent(base, 2).log_prob(x).shape == ()
    shape = Size((2, 3))
    assert repr(vector) == f"Independent(Normal(loc: {shape}, scale: {shape}), 1)"


# ---------------------------------------------------------------------- kl_divergence
def test_kl_normal_normal_is_the_closed_form():
    p, q = D.Normal(f64(0.5), f64(2.0)), D.Normal(f64(-1.0), f64(0.5))
    want = math.log(0.5 / 2.0) + (2.0**2 + 1.5**2) / (2 * 0.5**2) - 0.5
    np.testing.assert_allclose(D.kl_divergence(p, q).numpy(), [want], rtol=1e-12)
    assert D.kl_divergence(p, p).item() == 0.0


def test_kl_categorical_weights_log_ratios_and_marks_missing_mass_infinite():
    p, q = D.Categorical(probs=f64(0.5, 0.5, 0.0)), D.Categorical(probs=f64(0.25, 0.25, 0.5))
    np.testing.assert_allclose(D.kl_divergence(p, q).item(), math.log(2.0), rtol=1e-12)
    assert D.kl_divergence(q, p).item() == math.inf
    onehot = D.kl_divergence(
        D.OneHotCategorical(f64(0.5, 0.5, 0.0)), D.OneHotCategorical(f64(0.25, 0.25, 0.5))
    )
    np.testing.assert_allclose(onehot.item(), math.log(2.0), rtol=1e-12)


def test_kl_bernoulli_and_its_edges():
    p, q = D.Bernoulli(f64(0.3, 0.0, 1.0, 0.4)), D.Bernoulli(f64(0.6, 0.5, 0.5, 0.0))
    kl = D.kl_divergence(p, q).numpy()
    np.testing.assert_allclose(kl[0], 0.3 * math.log(0.3 / 0.6) + 0.7 * math.log(0.7 / 0.4))
    np.testing.assert_allclose(kl[1:3], [math.log(2.0), math.log(2.0)])
    assert kl[3] == math.inf


def test_kl_uniform_is_infinite_unless_nested():
    p = D.Uniform(f64(0.0, -1.0), f64(1.0, 1.0))
    q = D.Uniform(f64(-1.0, 0.0), f64(3.0, 1.0))
    np.testing.assert_allclose(D.kl_divergence(p, q).numpy(), [math.log(4.0), math.inf])


def test_kl_independent_sums_and_unregistered_pairs_are_refused():
    p = D.Independent(D.Normal(f64(0.0, 1.0), f64(1.0, 1.0)), 1)
    q = D.Independent(D.Normal(f64(0.0, 0.0), f64(1.0, 1.0)), 1)
    np.testing.assert_allclose(D.kl_divergence(p, q).item(), 0.5)
    with pytest.raises(NotImplementedError, match="p type Normal and q type Bernoulli"):
        D.kl_divergence(D.Normal(0.0, 1.0), D.Bernoulli(0.5))


def test_register_kl_picks_the_most_specific_pair():
    class Wide(D.Normal):
        pass

    @D.register_kl(Wide, D.Normal)
    def _wide_normal(p, q):
        return torch.tensor(7.0)

    assert D.kl_divergence(Wide(0.0, 1.0), D.Normal(0.0, 1.0)).item() == 7.0
    assert D.kl_divergence(D.Normal(0.0, 1.0), Wide(0.0, 1.0)).item() == 0.0
    with pytest.raises(TypeError, match="Distribution subclass"):
        D.register_kl(int, D.Normal)


# ----------------------------------------------------------- PyTorch's seeded samples
def f32(*values):
    return np.array(values, np.float32)


def test_normal_sample_and_rsample_draw_pytorchs_values():
    torch.manual_seed(0)
    got = D.Normal(torch.tensor([0.0, 1.0]), torch.tensor([1.0, 2.0])).sample((3,))
    want = f32(1.5409960746765137, 0.41314220428466797, -2.1787893772125244)
    want = np.append(want, f32(2.1368625164031982, -1.0845223665237427, -1.7971909046173096))
    np.testing.assert_array_equal(got.numpy().ravel(), want)
    np.testing.assert_array_equal(
        torch.randn(2).numpy(), f32(0.40334683656692505, 0.8380263447761536)
    )
    torch.manual_seed(0)
    got = D.Normal(0.5, 2.0).rsample((5,)).numpy()
    want = f32(
        3.5819921493530273,
        -0.08685779571533203,
        -3.857578754425049,
        1.6368625164031982,
        -1.6690447330474854,
    )
    np.testing.assert_array_equal(got, want)
    torch.manual_seed(0)  # 16 or more draws: PyTorch's vectorised normal_ path
    got = D.Normal(torch.zeros(20), torch.ones(20)).rsample().numpy()
    np.testing.assert_array_equal(got[:2], f32(-1.1258398294448853, -1.152360200881958))
    np.testing.assert_array_equal(got[-2:], f32(2.0049805641174316, 0.05373690277338028))
    np.testing.assert_array_equal(
        torch.randn(2).numpy(), f32(-0.8919953107833862, -1.5091077089309692)
    )


def test_normal_float64_samples_are_pytorchs():
    torch.manual_seed(0)
    got = D.Normal(torch.zeros(3, dtype=torch.float64), 1.0).sample((2,)).numpy().ravel()
    want = [1.5409961082440433, -0.2934289057609464, -2.1787893820745574]
    want += [0.5684312772806678, -1.084522342424021, -1.3985953953708767]
    np.testing.assert_array_equal(got, want)


def test_categorical_samples_are_pytorchs():
    torch.manual_seed(0)
    got = D.Categorical(probs=torch.tensor([0.2, 0.3, 0.5])).sample((8,))
    np.testing.assert_array_equal(got.numpy(), [2, 2, 1, 2, 2, 2, 0, 1])
    np.testing.assert_array_equal(
        torch.randn(2).numpy(), f32(-0.7192575931549072, -0.40334352850914)
    )
    torch.manual_seed(0)
    logits = torch.tensor([[0.0, 1.0, 2.0, -1.0], [1.0, 0.0, 0.0, 0.5]])
    np.testing.assert_array_equal(
        D.Categorical(logits=logits).sample((3,)).numpy(), [[3, 3], [2, 2], [2, 3]]
    )
    torch.manual_seed(0)  # one sample: the exponential-race draw
    assert D.Categorical(logits=torch.tensor([0.1, 0.2, 0.3])).sample().item() == 2
    np.testing.assert_array_equal(
        torch.randn(2).numpy(), f32(1.2644586563110352, -0.6874263882637024)
    )
    torch.manual_seed(0)
    got = D.OneHotCategorical(probs=torch.tensor([0.2, 0.3, 0.5])).sample((4,))
    np.testing.assert_array_equal(got.numpy(), [[0, 0, 1], [0, 0, 1], [0, 1, 0], [0, 0, 1]])


def test_bernoulli_and_uniform_samples_are_pytorchs():
    torch.manual_seed(0)
    got = D.Bernoulli(probs=torch.tensor([0.3, 0.7])).sample((4,))
    np.testing.assert_array_equal(got.numpy(), [[0, 0], [1, 1], [0, 1], [0, 0]])
    np.testing.assert_array_equal(
        torch.randn(2).numpy(), f32(-1.0845223665237427, -1.3985954523086548)
    )
    torch.manual_seed(0)
    got = D.Bernoulli(logits=torch.tensor([-1.0, 0.0, 2.0])).sample((2,))
    np.testing.assert_array_equal(got.numpy(), [[0, 0, 1], [1, 1, 1]])
    torch.manual_seed(0)
    got = D.Uniform(torch.tensor([0.0, 1.0]), torch.tensor([1.0, 3.0])).sample((3,)).numpy().ravel()
    want = f32(0.49625658988952637, 2.5364437103271484, 0.08847743272781372)
    want = np.append(want, f32(1.2640609741210938, 0.30742281675338745, 2.268157482147217))
    np.testing.assert_array_equal(got, want)
    torch.manual_seed(0)
    got = D.Uniform(-1.0, 1.0).rsample((4,)).numpy()
    want = f32(-0.007486820220947266, 0.5364435911178589, -0.8230451345443726, -0.7359390258789062)
    np.testing.assert_array_equal(got, want)
    np.testing.assert_array_equal(
        torch.randn(2).numpy(), f32(-2.1787893772125244, 0.5684312582015991)
    )


def test_sample_records_no_graph_and_rsample_does():
    loc = torch.zeros(3, requires_grad=True)
    assert not D.Normal(loc, 1.0).sample().requires_grad
    assert D.Normal(loc, 1.0).rsample().requires_grad
    assert not D.Bernoulli(logits=loc).sample().requires_grad
    assert D.Categorical(logits=loc).has_enumerate_support and not D.Categorical.has_rsample


# -------------------------------------------------------------------------- validation
def test_invalid_parameters_raise_pytorchs_value_errors():
    with pytest.raises(
        ValueError,
        match=r"Expected parameter scale \(Tensor of shape \(\)\) of distribution "
        r"Normal\(loc: 0.0, scale: -1.0\) to satisfy the constraint GreaterThan\(lower_bound=0.0\)",
    ):
        D.Normal(0.0, -1.0)
    with pytest.raises(
        ValueError, match=r"parameter probs \(Tensor of shape \(2,\)\).*constraint Simplex\(\)"
    ):
        D.Categorical(torch.tensor([0.5, -0.1]))
    with pytest.raises(
        ValueError, match=r"Either `probs` or `logits` must be specified, but not both."
    ):
        D.Categorical()
    with pytest.raises(ValueError, match="Either `probs` or `logits`"):
        D.Bernoulli(probs=0.5, logits=0.0)
    with pytest.raises(ValueError, match=r"`probs` parameter must be at least one-dimensional."):
        D.Categorical(torch.tensor(0.5))
    with pytest.raises(
        ValueError, match=r"constraint Interval\(lower_bound=0.0, upper_bound=1.0\)"
    ):
        D.Bernoulli(torch.tensor([1.5]))
    with pytest.raises(
        ValueError, match=r"parameter low .* constraint LessThan\(upper_bound=0.0\)"
    ):
        D.Uniform(1.0, 0.0)
    with pytest.raises(
        ValueError,
        match=r"reinterpreted_batch_ndims <= len\(base_distribution.batch_shape\), actual 1 vs 0",
    ):
        D.Independent(D.Normal(0.0, 1.0), 1)
    with pytest.raises(ValueError, match="must all be instances of Number"):
        D.Normal("a", 1.0)
    with pytest.raises(ValueError, match=r"parameter loc .* constraint Real\(\)"):
        D.Normal(torch.tensor([math.nan]), 1.0)


def test_invalid_values_to_score_raise_pytorchs_value_errors():
    with pytest.raises(ValueError, match="The value argument to log_prob must be a Tensor"):
        D.Normal(0.0, 1.0).log_prob(0.0)
    with pytest.raises(
        ValueError, match="Value is not broadcastable with batch_shape\\+event_shape"
    ):
        D.Normal(torch.zeros(3), 1.0).log_prob(torch.zeros(2))
    with pytest.raises(
        ValueError, match=r"within the support \(IntegerInterval\(lower_bound=0, upper_bound=2\)\)"
    ):
        D.Categorical(logits=torch.zeros(3)).log_prob(torch.tensor(3))
    with pytest.raises(ValueError, match=r"within the support \(Boolean\(\)\)"):
        D.Bernoulli(0.5).log_prob(torch.tensor(0.5))
    with pytest.raises(
        ValueError, match=r"within the support \(Interval\(lower_bound=0.0, upper_bound=1.0\)\)"
    ):
        D.Uniform(0.0, 1.0).log_prob(torch.tensor(2.0))
    with pytest.raises(ValueError, match="The right-most size of value must match event_shape"):
        D.OneHotCategorical(logits=torch.zeros(3)).log_prob(torch.zeros(2))
    with pytest.raises(ValueError, match=r"support \(OneHot\(\)\)"):
        D.OneHotCategorical(logits=torch.zeros(3)).log_prob(torch.tensor([1.0, 1.0, 0.0]))


def test_validation_can_be_turned_off_per_instance_and_by_default():
    assert D.Normal(0.0, -1.0, validate_args=False).scale.item() == -1.0
    D.Distribution.set_default_validate_args(False)
    try:
        assert D.Normal(0.0, -1.0).log_prob(torch.tensor(0.0)).isnan().item()
    finally:
        D.Distribution.set_default_validate_args(True)
    with pytest.raises(ValueError):
        D.Normal(0.0, -1.0)
    with pytest.raises(ValueError):
        D.Distribution.set_default_validate_args(2)


# --------------------------------------------------------------------------- gradients
def test_normal_log_prob_entropy_and_rsample_gradients_to_second_order():
    loc, scale, x = (
        leaf(np.array([0.3, -1.0])),
        leaf(np.array([0.7, 1.6])),
        leaf(np.array([1.1, 0.2])),
    )
    check_both_orders(lambda m, s, v: D.Normal(m, s).log_prob(v), loc, scale, x)
    check_both_orders(lambda s: D.Normal(0.0, s).entropy(), scale)

    def reparameterized(m, s):
        torch.manual_seed(3)  # the same eps on every evaluation
        return D.Normal(m, s).rsample((4,))

    check_both_orders(reparameterized, loc, scale)


def test_categorical_gradients_through_probs_and_logits():
    logits = leaf(np.array([[0.2, -0.5, 1.0], [0.0, 0.3, -0.1]]))
    probs = leaf(np.array([[0.2, 0.5, 0.3], [0.6, 0.1, 0.3]]))
    actions = torch.tensor([2, 0])
    check_both_orders(lambda z: D.Categorical(logits=z).log_prob(actions), logits)
    check_both_orders(lambda z: D.Categorical(logits=z).entropy(), logits)
    check_both_orders(
        lambda p: D.Categorical(probs=p, validate_args=False).log_prob(actions), probs
    )
    check_both_orders(lambda p: D.Categorical(probs=p, validate_args=False).entropy(), probs)


def test_bernoulli_and_uniform_gradients():
    logits, probs = leaf(np.array([-0.4, 1.2])), leaf(np.array([0.2, 0.7]))
    x = torch.tensor([1.0, 0.0], dtype=torch.float64)
    check_both_orders(lambda z: D.Bernoulli(logits=z).log_prob(x), logits)
    check_both_orders(lambda z: D.Bernoulli(logits=z).entropy(), logits)
    check_both_orders(lambda p: D.Bernoulli(probs=p).log_prob(x), probs)
    low, high = leaf(np.array([-1.0, 0.5])), leaf(np.array([2.0, 0.9]))

    def uniform_draw(a, b):
        torch.manual_seed(1)
        return D.Uniform(a, b).rsample((3,))

    check_both_orders(uniform_draw, low, high)
    check_both_orders(lambda a, b: D.Uniform(a, b).entropy(), low, high)


def test_kl_divergence_gradients_to_second_order():
    m1, s1 = leaf(np.array([0.1, -0.4])), leaf(np.array([0.8, 1.3]))
    m2, s2 = leaf(np.array([0.5, 0.2])), leaf(np.array([1.1, 0.6]))
    check_both_orders(
        lambda a, b, c, d: D.kl_divergence(D.Normal(a, b), D.Normal(c, d)), m1, s1, m2, s2
    )
    z1, z2 = leaf(np.array([0.2, -0.5, 1.0])), leaf(np.array([0.0, 0.4, -0.3]))
    check_both_orders(
        lambda a, b: D.kl_divergence(D.Categorical(logits=a), D.Categorical(logits=b)), z1, z2
    )
    b1, b2 = leaf(np.array([-0.4, 0.9])), leaf(np.array([0.3, -1.2]))
    check_both_orders(
        lambda a, b: D.kl_divergence(D.Bernoulli(logits=a), D.Bernoulli(logits=b)), b1, b2
    )
    lo, hi = leaf(np.array([0.0, 0.2])), leaf(np.array([1.0, 0.5]))
    check_both_orders(lambda a, b: D.kl_divergence(D.Uniform(a, b), D.Uniform(-1.0, 2.0)), lo, hi)


# ------------------------------------------------------------------ MultivariateNormal
COV = np.array([[4.0, 1.0], [1.0, 1.25]])  # = L L^T with L = [[2, 0], [0.5, 1]]


def test_multivariate_normal_values_match_the_formulas_for_each_parameterisation():
    loc, x = f64(1.0, -1.0), f64(0.5, 0.2)
    d = x.numpy() - loc.numpy()
    log_prob = -0.5 * (2 * math.log(2 * math.pi) + d @ np.linalg.inv(COV) @ d)
    log_prob -= 0.5 * math.log(np.linalg.det(COV))
    entropy = 1 + math.log(2 * math.pi) + 0.5 * math.log(np.linalg.det(COV))
    for parameter in (
        {"covariance_matrix": torch.tensor(COV)},
        {"scale_tril": torch.tensor([[2.0, 0.0], [0.5, 1.0]], dtype=torch.float64)},
        {"precision_matrix": torch.tensor(np.linalg.inv(COV))},
    ):
        dist = D.MultivariateNormal(loc, **parameter)
        np.testing.assert_allclose(dist.log_prob(x).item(), log_prob, rtol=1e-12)
        np.testing.assert_allclose(dist.entropy().item(), entropy, rtol=1e-12)
        np.testing.assert_allclose(dist.covariance_matrix.numpy(), COV, rtol=1e-12)
        np.testing.assert_allclose(dist.precision_matrix.numpy(), np.linalg.inv(COV), rtol=1e-12)
        np.testing.assert_allclose(dist.scale_tril.numpy(), np.linalg.cholesky(COV), rtol=1e-12)
        np.testing.assert_allclose(dist.variance.numpy(), np.diag(COV), rtol=1e-12)


def test_multivariate_normal_shapes_and_batched_factors():
    dist = D.MultivariateNormal(torch.zeros(3, 2), scale_tril=torch.eye(2))
    assert (dist.batch_shape, dist.event_shape) == (Size((3,)), Size((2,)))
    assert dist.sample((4,)).shape == (4, 3, 2)
    assert dist.log_prob(torch.zeros(3, 2)).shape == (3,) and dist.entropy().shape == (3,)
    assert dist.expand((5, 3)).rsample().shape == (5, 3, 2)
    covs = torch.tensor(np.stack([COV, 2 * COV]))
    batched = D.MultivariateNormal(torch.zeros(2, dtype=torch.float64), covs)
    np.testing.assert_allclose(batched.scale_tril.numpy()[1], np.linalg.cholesky(2 * COV))


def test_multivariate_normal_rsample_is_pytorchs():
    torch.manual_seed(0)
    tril = torch.tensor([[2.0, 0.0], [0.5, 1.0]])
    got = D.MultivariateNormal(torch.tensor([1.0, -1.0]), scale_tril=tril).rsample((3,))
    want = f32(4.081992149353027, -0.5229308605194092, -3.357578754425049)
    want = np.append(want, f32(-1.520963430404663, -1.1690447330474854, -2.940856695175171))
    np.testing.assert_array_equal(got.numpy().ravel(), want)


def test_kl_multivariate_normal_is_the_closed_form():
    p = D.MultivariateNormal(f64(1.0, -1.0), torch.tensor(COV))
    q = D.MultivariateNormal(f64(0.0, 0.0), torch.tensor(2 * COV))
    d = np.array([-1.0, 1.0])
    inv_q = np.linalg.inv(2 * COV)
    want = 0.5 * (np.trace(inv_q @ COV) + d @ inv_q @ d - 2 + math.log(4.0))
    np.testing.assert_allclose(D.kl_divergence(p, q).item(), want, rtol=1e-12)


def test_multivariate_normal_refuses_bad_arguments_as_pytorch():
    with pytest.raises(ValueError, match=r"covariance_matrix .* constraint PositiveDefinite\(\)"):
        D.MultivariateNormal(torch.zeros(2), torch.tensor([[1.0, 2.0], [2.0, 1.0]]))
    with pytest.raises(ValueError, match=r"PositiveDefinite"):  # not symmetric
        D.MultivariateNormal(torch.zeros(2), torch.tensor([[1.0, 2.0], [0.0, 1.0]]))
    with pytest.raises(ValueError, match=r"scale_tril .* constraint LowerCholesky\(\)"):
        D.MultivariateNormal(torch.zeros(2), scale_tril=torch.tensor([[1.0, 1.0], [0.0, 1.0]]))
    with pytest.raises(ValueError, match="Exactly one of covariance_matrix or precision_matrix"):
        D.MultivariateNormal(torch.zeros(2))
    with pytest.raises(ValueError, match="loc must be at least one-dimensional."):
        D.MultivariateNormal(torch.tensor(0.0), torch.eye(2))
    with pytest.raises(ValueError, match="scale_tril matrix must be at least two-dimensional"):
        D.MultivariateNormal(torch.zeros(2), scale_tril=torch.ones(2))
    with pytest.raises(RuntimeError, match="the leading minor of order 2 is not positive-definite"):
        bad = torch.tensor([[1.0, 2.0], [2.0, 1.0]])
        D.MultivariateNormal(torch.zeros(2), bad, validate_args=False)


def test_multivariate_normal_gradients_to_second_order():
    loc, x = leaf(np.array([0.3, -0.2])), leaf(np.array([0.5, 0.1]))
    tril = leaf(np.array([[1.5, 0.0], [0.4, 0.8]]))
    cov = leaf(COV)

    def by_tril(m, lower, v):
        return D.MultivariateNormal(m, scale_tril=lower, validate_args=False).log_prob(v)

    def by_cov(c, v):  # Cholesky reads the lower triangle only: the upper one gets 0
        return D.MultivariateNormal(
            torch.zeros(2, dtype=torch.float64), c, validate_args=False
        ).log_prob(v)

    def draw(m, lower):
        torch.manual_seed(2)
        return D.MultivariateNormal(m, scale_tril=lower, validate_args=False).rsample((3,))

    def kl(m, lower, c):
        p = D.MultivariateNormal(m, scale_tril=lower, validate_args=False)
        return D.kl_divergence(p, D.MultivariateNormal(-m, c, validate_args=False))

    check_both_orders(by_tril, loc, tril, x)
    check_both_orders(by_cov, cov, x)
    check_both_orders(draw, loc, tril)
    check_both_orders(kl, loc, tril, cov)


# ----------------------------------------------------------------- programs using them
def test_reinforce_gradient_is_onehot_minus_softmax_times_reward():
    torch.manual_seed(0)
    logits = leaf(np.array([[0.5, -0.2, 0.1], [0.0, 1.0, -1.0]]))
    dist = D.Categorical(logits=logits)
    actions = dist.sample()
    reward = torch.tensor([1.0, -2.0], dtype=torch.float64)
    (-(dist.log_prob(actions) * reward).sum()).backward()
    z = logits.detach().numpy()
    softmax = np.exp(z) / np.exp(z).sum(-1, keepdims=True)
    onehot = np.eye(3)[actions.numpy()]
    np.testing.assert_allclose(logits.grad.numpy(), -(onehot - softmax) * reward.numpy()[:, None])


def test_reinforce_learns_the_rewarded_arm_of_a_bandit():
    torch.manual_seed(0)
    policy = nn.Linear(2, 3)
    optimizer = torch.optim.SGD(policy.parameters(), lr=0.5)
    state = torch.ones(16, 2)
    for _ in range(60):
        dist = D.Categorical(logits=policy(state))
        actions = dist.sample()
        reward = (actions == 2).float()  # only arm 2 pays
        loss = -(dist.log_prob(actions) * (reward - reward.mean())).mean()
        loss = loss - 0.01 * dist.entropy().mean()
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
    probs = D.Categorical(logits=policy(state[:1])).probs
    assert probs[0, 2].item() > 0.9


def test_vae_kl_term_and_its_gradient_are_the_closed_forms():
    mu = leaf(np.array([[0.5, -1.0, 0.0], [0.2, 0.3, -0.4]]))
    logvar = leaf(np.array([[0.1, -0.3, 0.4], [0.0, 0.2, -0.6]]))
    posterior = D.Independent(D.Normal(mu, (0.5 * logvar).exp()), 1)
    prior = D.Independent(D.Normal(torch.zeros_like(mu), torch.ones_like(mu)), 1)
    kl = D.kl_divergence(posterior, prior)
    m, lv = mu.detach().numpy(), logvar.detach().numpy()
    np.testing.assert_allclose(
        kl.detach().numpy(), -0.5 * np.sum(1 + lv - m**2 - np.exp(lv), -1), rtol=1e-12
    )
    torch.manual_seed(0)
    z = posterior.rsample()  # the reparameterised draw carries gradients to mu and logvar
    (kl.sum() + z.sum()).backward()
    np.testing.assert_allclose(mu.grad.numpy(), m + 1)
    eps = (z.detach().numpy() - m) / np.exp(0.5 * lv)
    np.testing.assert_allclose(
        logvar.grad.numpy(), 0.5 * (np.exp(lv) - 1) + 0.5 * eps * np.exp(0.5 * lv)
    )


def test_a_pytorch_script_imports_torch_distributions_under_the_run_hook(tmp_path):
    script = tmp_path / "policy.py"
    script.write_text(
        "import torch\n"
        "import torch.distributions as D\n"
        "from torch.distributions import Categorical\n"
        "from torch.distributions.normal import Normal\n"
        "dist = Categorical(logits=torch.zeros(4))\n"
        "assert D.Categorical is Categorical and D.Normal is Normal\n"
        "print(round(dist.entropy().item(), 6), dist.sample().item() in range(4))\n"
    )
    env = dict(os.environ, PYTHONPATH=ROOT + os.pathsep + os.environ.get("PYTHONPATH", ""))
    out = subprocess.run(
        [sys.executable, "-m", "tinygrad_scores.run", str(script)],
        capture_output=True,
        text=True,
        timeout=300,
        env=env,
    )
    assert out.returncode == 0, out.stderr[-3000:]
    assert out.stdout.split() == [str(round(math.log(4), 6)), "True"]
