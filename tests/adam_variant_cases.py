"""Adamax, NAdam and RAdam run the same way with PyTorch (tools/golden_optim.py, which
writes tests/golden/adam_variants.npz) and with tinygrad_scores
(tests/test_adam_variants.py, which compares): two parameters (two groups where a case
says so) stepped on gradients computed with NumPy from their current values, so both
libraries see the same gradient for the same parameter."""

import numpy as np

STEPS = 12

# name -> (optimizer class name, options, second group's options or None)
CASES = {
    "adamax": ("Adamax", dict(lr=0.01), None),
    "adamax_weight_decay_maximize": (
        "Adamax",
        dict(lr=0.02, weight_decay=0.1, maximize=True),
        None,
    ),
    "adamax_small_beta1_groups": ("Adamax", dict(lr=0.01, betas=(0.3, 0.9)), dict(lr=0.05)),
    "nadam": ("NAdam", dict(lr=0.01), None),
    "nadam_l2": ("NAdam", dict(lr=0.01, weight_decay=0.05, momentum_decay=0.01), None),
    "nadam_decoupled": (
        "NAdam",
        dict(lr=0.01, weight_decay=0.1, decoupled_weight_decay=True),
        dict(lr=0.03, betas=(0.5, 0.9)),
    ),
    "nadam_maximize": ("NAdam", dict(lr=0.02, betas=(0.8, 0.99), maximize=True), None),
    "radam": ("RAdam", dict(lr=0.01), None),
    "radam_short_rectifier": ("RAdam", dict(lr=0.01, betas=(0.8, 0.9)), dict(lr=0.002)),
    "radam_l2": ("RAdam", dict(lr=0.01, weight_decay=0.05, eps=1e-6), None),
    "radam_decoupled_maximize": (
        "RAdam",
        dict(lr=0.01, weight_decay=0.1, decoupled_weight_decay=True, maximize=True),
        None,
    ),
}
DTYPES = ("float32", "float64")
STATE_KEYS = ("step", "exp_avg", "exp_avg_sq", "exp_inf", "mu_product")


def _initial(dtype):
    rng = np.random.default_rng(5)
    return [rng.standard_normal(s).astype(dtype) for s in [(3, 4), (5,)]]


def _grad(a):
    return np.sin(3 * a) + a * a * a / 4 - a.dtype.type(0.1)


def run(torch, name, dtype):
    """{"p{i}": the parameter after each step (steps x shape), "p{i}_{key}": its final
    state}: arrays of the parameter's dtype."""
    cls, options, second = CASES[name]
    params = [torch.nn.Parameter(torch.from_numpy(a.copy())) for a in _initial(dtype)]
    if second is None:
        opt = getattr(torch.optim, cls)(params, **options)
    else:
        opt = getattr(torch.optim, cls)(
            [{"params": [params[0]]}, {"params": [params[1]], **second}], **options
        )
    out = {f"p{i}": [] for i in range(len(params))}
    for _ in range(STEPS):
        for p in params:
            p.grad = torch.from_numpy(_grad(p.detach().numpy()))
        opt.step()
        for i, p in enumerate(params):
            out[f"p{i}"].append(p.detach().numpy().copy())
    state = opt.state_dict()["state"]
    for i in range(len(params)):
        for key in STATE_KEYS:
            if key in state[i]:
                out[f"p{i}_{key}"] = [np.asarray(state[i][key].detach().numpy()).copy()]
    return {k: np.stack(v) for k, v in out.items()}
