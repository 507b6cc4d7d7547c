"""torch.distributions: PyTorch's formulas, shapes, validation errors and random draws.

Expected values are worked by hand from the densities in PyTorch's documentation (Normal's
log_prob at 0.5 is -0.5**2 / 2 - log sqrt(2 pi)); the error texts are PyTorch 2.13's; a
seeded sample is compared with the draw PyTorch's documented algorithm makes from the same
seed (Categorical.sample is multinomial with replacement, Normal.rsample is loc + scale *
normal_()), never with numbers from running PyTorch."""

import math

import numpy as np
import pytest

import tinygrad_scores as torch
from tinygrad_scores.autograd import gradcheck
from tinygrad_scores.distributions import (
    Bernoulli,
    Categorical,
    Independent,
    Normal,
    Uniform,
    kl_divergence,
    register_kl,
)

LOG_SQRT_2PI = 0.5 * math.log(2 * math.pi)


def close(t, expected, atol=1e-6):
    np.testing.assert_allclose(t.detach().numpy(), expected, atol=atol, rtol=0)


def test_normal_log_prob_entropy_cdf_and_moments_are_the_gaussians():
    n = Normal(0.0, 1.0)
    assert n.batch_shape == () and n.event_shape == () and n.loc.dtype == torch.float32
    close(n.log_prob(torch.tensor(0.5)), -0.125 - LOG_SQRT_2PI)
    close(n.entropy(), 0.5 + LOG_SQRT_2PI)
    close(n.cdf(torch.tensor(1.0)), 0.8413447, atol=1e-6)  # Phi(1)
    m = Normal(torch.tensor([1.0, -2.0]), torch.tensor([2.0, 0.5]))
    close(m.mean, [1.0, -2.0])
    close(m.stddev, [2.0, 0.5])
    close(m.variance, [4.0, 0.25])
    # a value broadcasts against the batch: (2, 1) with (2,) gives (2, 2)
    assert m.log_prob(torch.zeros(2, 1)).shape == (2, 2)


def test_normal_takes_the_dtype_of_its_tensor_argument():
    assert Normal(torch.zeros(2, dtype=torch.float64), 1.0).scale.dtype == torch.float64
    assert Normal(0, 1).loc.dtype == torch.float32


def test_normal_log_prob_gradients_are_the_formulas():
    mu = torch.tensor([0.5], requires_grad=True)
    s = torch.tensor([2.0], requires_grad=True)
    Normal(mu, s).log_prob(torch.tensor([1.0])).sum().backward()
    close(mu.grad, [(1.0 - 0.5) / 4.0])  # (x - mu) / s^2
    close(s.grad, [-1 / 2.0 + 0.25 / 8.0])  # -1/s + (x - mu)^2 / s^3


def test_log_probs_entropies_and_rsamples_pass_gradcheck():
    loc = torch.tensor([0.3, -1.2], dtype=torch.float64, requires_grad=True)
    scale = torch.tensor([0.7, 1.9], dtype=torch.float64, requires_grad=True)
    x = torch.tensor([0.1, 0.4], dtype=torch.float64)
    assert gradcheck(lambda m, s: Normal(m, s).log_prob(x), (loc, scale))
    assert gradcheck(lambda m, s: Normal(m, s).entropy(), (loc, scale))
    logits = torch.tensor(
        [[0.2, -1.0, 0.5], [1.5, 0.0, -0.3]], dtype=torch.float64, requires_grad=True
    )
    k = torch.tensor([2, 0])
    assert gradcheck(lambda z: Categorical(logits=z).log_prob(k), (logits,))
    assert gradcheck(lambda z: Categorical(logits=z).entropy(), (logits,))
    probs = torch.tensor([0.2, 0.7], dtype=torch.float64, requires_grad=True)
    y = torch.tensor([1.0, 0.0], dtype=torch.float64)
    assert gradcheck(lambda p: Bernoulli(p).log_prob(y), (probs,))
    assert gradcheck(lambda p: Bernoulli(p).entropy(), (probs,))

    def reparameterised(m, s):
        torch.manual_seed(3)
        return Normal(m, s).rsample((4,))

    assert gradcheck(reparameterised, (loc, scale))


def test_rsample_and_sample_draw_what_pytorchs_algorithm_draws():
    torch.manual_seed(0)
    drawn = Normal(torch.zeros(3), torch.ones(3)).rsample()
    torch.manual_seed(0)
    assert torch.equal(drawn, torch.randn(3))
    torch.manual_seed(0)
    picked = Categorical(torch.ones(2, 4)).sample((5,))
    torch.manual_seed(0)
    expected = torch.multinomial(torch.ones(2, 4) / 4, 5, True).T
    assert picked.shape == (5, 2) and picked.dtype == torch.int64 and torch.equal(picked, expected)
    torch.manual_seed(0)
    coins = Bernoulli(torch.full((4,), 0.5)).sample((2,))
    torch.manual_seed(0)
    assert torch.equal(coins, torch.bernoulli(torch.full((2, 4), 0.5)))
    torch.manual_seed(0)
    u = Uniform(1.0, 3.0).sample((3,))
    torch.manual_seed(0)
    assert torch.equal(u, 1.0 + torch.rand(3) * 2.0)
    assert not Normal(torch.zeros(1, requires_grad=True), 1.0).sample().requires_grad


def test_categorical_normalises_probs_and_logits():
    c = Categorical(torch.tensor([[0.2, 0.8], [1.0, 1.0]]))
    close(c.probs, [[0.2, 0.8], [0.5, 0.5]])
    close(c.logits, np.log([[0.2, 0.8], [0.5, 0.5]]))
    assert c.batch_shape == (2,) and c.event_shape == () and c.param_shape == (2, 2)
    assert torch.isnan(c.mean).all() and c.mode.tolist() == [1, 0]
    assert c.enumerate_support().tolist() == [[0, 0], [1, 1]]
    d = Categorical(logits=torch.tensor([1.0, 2.0, 0.5]))
    close(d.probs.sum(), 1.0)
    e = np.exp([1.0, 2.0, 0.5]) / np.exp([1.0, 2.0, 0.5]).sum()
    close(d.entropy(), -(e * np.log(e)).sum())
    close(Categorical(torch.ones(3)).entropy(), math.log(3))
    # a zero probability adds nothing to the entropy (not nan)
    close(Categorical(torch.tensor([1.0, 0.0])).entropy(), 0.0)
    close(Categorical(logits=torch.tensor([0.0, float("-inf")])).entropy(), 0.0)


def test_bernoulli_from_probs_and_logits():
    b = Bernoulli(logits=torch.tensor([0.0, 2.0]))
    sig2 = 1 / (1 + math.exp(-2.0))
    close(b.probs, [0.5, sig2])
    close(b.variance, [0.25, sig2 * (1 - sig2)])
    close(b.log_prob(torch.tensor([1.0, 0.0])), [math.log(0.5), math.log(1 - sig2)])
    close(b.entropy()[0], math.log(2))
    assert b.enumerate_support().tolist() == [[0.0, 0.0], [1.0, 1.0]]
    mode = Bernoulli(torch.tensor([0.2, 0.5, 0.9])).mode
    assert mode[0].item() == 0 and math.isnan(mode[1].item()) and mode[2].item() == 1


def test_uniform_density_support_and_moments():
    u = Uniform(torch.tensor([0.0, 1.0]), 3.0)
    close(u.mean, [1.5, 2.0])
    close(u.variance, [9 / 12, 4 / 12])
    close(u.entropy(), [math.log(3), math.log(2)])
    close(u.log_prob(torch.tensor([1.0, 2.5])), [-math.log(3), -math.log(2)])
    close(u.cdf(torch.tensor([1.0, 2.0])), [1 / 3, 1 / 2])


def test_independent_sums_the_reinterpreted_dims():
    i = Independent(Normal(torch.zeros(3, 2), torch.ones(3, 2)), 1)
    assert i.batch_shape == (3,) and i.event_shape == (2,)
    close(i.log_prob(torch.zeros(3, 2)), [-2 * LOG_SQRT_2PI] * 3)
    close(i.entropy(), [2 * (0.5 + LOG_SQRT_2PI)] * 3)
    assert i.sample((4,)).shape == (4, 3, 2) and i.has_rsample
    with pytest.raises(ValueError, match="reinterpreted_batch_ndims <= len"):
        Independent(Normal(0.0, 1.0), 1)


def test_kl_divergences_are_the_closed_forms():
    close(kl_divergence(Normal(0.0, 1.0), Normal(1.0, 1.0)), 0.5)
    close(kl_divergence(Normal(0.0, 2.0), Normal(0.0, 1.0)), 0.5 * (4 - 1 - math.log(4)))
    p, q = torch.tensor([0.5, 0.5]), torch.tensor([0.9, 0.1])
    close(
        kl_divergence(Categorical(p), Categorical(q)), 0.5 * math.log(0.5 / 0.9) + 0.5 * math.log(5)
    )
    close(
        kl_divergence(Bernoulli(0.3), Bernoulli(0.6)),
        0.3 * math.log(0.5) + 0.7 * math.log(0.7 / 0.4),
        atol=1e-6,
    )
    close(kl_divergence(Uniform(0.0, 1.0), Uniform(-1.0, 2.0)), math.log(3))
    assert kl_divergence(Uniform(0.0, 1.0), Uniform(0.5, 2.0)).item() == float("inf")
    # zero probabilities: inf where q has none, nothing where p has none
    kl = kl_divergence(
        Categorical(torch.tensor([0.5, 0.5, 0.0])), Categorical(torch.tensor([0.9, 0.0, 0.1]))
    )
    assert kl.item() == float("inf")
    kl = kl_divergence(
        Bernoulli(torch.tensor([0.0, 1.0, 0.5])), Bernoulli(torch.tensor([0.5, 0.0, 1.0]))
    )
    close(kl[0], math.log(2))
    assert kl[1].item() == float("inf") and kl[2].item() == float("inf")
    with pytest.raises(NotImplementedError, match="No KL"):
        kl_divergence(Normal(0.0, 1.0), Bernoulli(0.5))


def test_register_kl_adds_a_rule_and_the_most_specific_rule_wins():
    class Wide(Normal):
        pass

    @register_kl(Wide, Normal)
    def _always_seven(p, q):
        return torch.tensor(7.0)

    assert kl_divergence(Wide(0.0, 1.0), Normal(0.0, 1.0)).item() == 7.0
    close(kl_divergence(Normal(0.0, 1.0), Wide(1.0, 1.0)), 0.5)


def test_arguments_are_validated_with_pytorchs_messages():
    with pytest.raises(
        ValueError,
        match=r"Expected parameter scale \(Tensor of shape \(1,\)\) of "
        r"distribution Normal\(loc: tensor\(\[0.\]\), scale: tensor\(\[-1.\]\)\) to "
        r"satisfy the constraint GreaterThan\(lower_bound=0.0\), but found invalid",
    ):
        Normal(torch.tensor([0.0]), torch.tensor([-1.0]))
    with pytest.raises(ValueError, match="constraint Simplex()"):
        Categorical(torch.tensor([0.5, -0.1, 0.6]))
    with pytest.raises(ValueError, match="`probs` parameter must be at least one-dimensional."):
        Categorical(torch.tensor(0.5))
    with pytest.raises(
        ValueError, match="Either `probs` or `logits` must be specified, but not both."
    ):
        Categorical(probs=torch.ones(2), logits=torch.ones(2))
    with pytest.raises(
        ValueError, match=r"constraint Interval\(lower_bound=0.0, upper_bound=1.0\)"
    ):
        Bernoulli(torch.tensor([1.5]))
    with pytest.raises(
        ValueError, match=r"Uniform\(low: 1.0, high: 0.0\) to satisfy the constraint LessThan"
    ):
        Uniform(1.0, 0.0)
    with pytest.raises(ValueError, match="must all be instances of Number or torch.Tensor"):
        Normal("a", 1.0)
    # validation off: the value is taken as given
    assert Normal(0.0, torch.tensor(-1.0), validate_args=False).scale.item() == -1.0


def test_log_prob_values_are_checked_against_the_support():
    with pytest.raises(
        ValueError,
        match=r"within the support \(IntegerInterval\(lower_bound=0, "
        r"upper_bound=2\)\) of the distribution Categorical\(probs: ",
    ):
        Categorical(torch.ones(3)).log_prob(torch.tensor([0, 3]))
    with pytest.raises(ValueError, match=r"support \(IntegerInterval"):
        Categorical(torch.ones(3)).log_prob(torch.tensor([0.5]))
    with pytest.raises(ValueError, match=r"support \(Boolean\(\)\)"):
        Bernoulli(0.3).log_prob(torch.tensor(0.5))
    with pytest.raises(ValueError, match=r"support \(Real\(\)\)"):
        Normal(0.0, 1.0).log_prob(torch.tensor(float("nan")))
    with pytest.raises(ValueError, match="Value is not broadcastable with batch_shape"):
        Normal(torch.zeros(2), 1.0).log_prob(torch.zeros(3))
    assert math.isnan(
        Normal(0.0, 1.0, validate_args=False).log_prob(torch.tensor(float("nan"))).item()
    )


def test_what_is_not_provided_says_so():
    assert not Categorical(torch.ones(2)).has_rsample and Normal(0.0, 1.0).has_rsample
    with pytest.raises(NotImplementedError):
        Categorical(torch.ones(2)).rsample()
    with pytest.raises(
        NotImplementedError, match="tinygrad_scores has no torch.distributions.MultivariateNormal"
    ):
        torch.distributions.MultivariateNormal  # noqa: B018
