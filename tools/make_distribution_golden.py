"""Print PyTorch's seeded samples for the cases tests/test_distributions.py writes by hand.

    /work/torchvenv/bin/python tools/make_distribution_golden.py

Run with PyTorch (never a dependency of the package); the printed float32 values are
shortest reprs, pasted into the tests as literals."""

import numpy as np
import torch
import torch.distributions as D


def show(name, value):
    array = value.detach().numpy()
    if array.dtype.kind == "f":
        text = ", ".join(
            repr(np.float32(v).item()) if array.dtype == np.float32 else repr(v.item())
            for v in array.ravel()
        )
    else:
        text = ", ".join(str(v) for v in array.ravel())
    print(f"{name}: shape {tuple(array.shape)} [{text}]")


CASES = {
    "normal_sample": lambda: D.Normal(torch.tensor([0.0, 1.0]), torch.tensor([1.0, 2.0])).sample(
        (3,)
    ),
    "normal_rsample_scalar": lambda: D.Normal(0.5, 2.0).rsample((5,)),
    "normal_rsample_20": lambda: D.Normal(torch.zeros(20), torch.ones(20)).rsample(),
    "normal_sample_float64": lambda: D.Normal(torch.zeros(3, dtype=torch.float64), 1.0).sample(
        (2,)
    ),
    "categorical_probs": lambda: D.Categorical(probs=torch.tensor([0.2, 0.3, 0.5])).sample((8,)),
    "categorical_logits_batch": lambda: D.Categorical(
        logits=torch.tensor([[0.0, 1.0, 2.0, -1.0], [1.0, 0.0, 0.0, 0.5]])
    ).sample((3,)),
    "categorical_one": lambda: D.Categorical(logits=torch.tensor([0.1, 0.2, 0.3])).sample(),
    "bernoulli_probs": lambda: D.Bernoulli(probs=torch.tensor([0.3, 0.7])).sample((4,)),
    "bernoulli_logits": lambda: D.Bernoulli(logits=torch.tensor([-1.0, 0.0, 2.0])).sample((2,)),
    "uniform_sample": lambda: D.Uniform(torch.tensor([0.0, 1.0]), torch.tensor([1.0, 3.0])).sample(
        (3,)
    ),
    "uniform_rsample_scalar": lambda: D.Uniform(-1.0, 1.0).rsample((4,)),
    "independent_normal": lambda: D.Independent(
        D.Normal(torch.zeros(2, 3), torch.ones(2, 3)), 1
    ).sample(),
    "mvn_rsample": lambda: D.MultivariateNormal(
        torch.tensor([1.0, -1.0]), scale_tril=torch.tensor([[2.0, 0.0], [0.5, 1.0]])
    ).rsample((3,)),
    "onehot_sample": lambda: D.OneHotCategorical(probs=torch.tensor([0.2, 0.3, 0.5])).sample((4,)),
}

for name, case in CASES.items():
    torch.manual_seed(0)
    show(name, case())
    show(name + " then randn(2)", torch.randn(2))
