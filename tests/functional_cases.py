"""The functional API's cases compared with PyTorch: ``results(torch)`` runs each with the
library given (PyTorch in ``tools/functional_golden.py``, which writes the golden file;
tinygrad_scores in ``tests/test_autograd_functional.py``) and returns, per case, its result
flattened to {path: array}, the path spelling the nesting (``[0][1]``, ``['a']``), so both
the structure and the numbers are compared."""

import numpy as np


def flatten(value, path=""):
    if isinstance(value, tuple):
        out = {f"{path}#tuple{len(value)}": np.zeros(0)}
        for i, v in enumerate(value):
            out.update(flatten(v, f"{path}[{i}]"))
        return out
    if isinstance(value, dict):
        out = {f"{path}#dict": np.zeros(0)}
        for k, v in value.items():
            out.update(flatten(v, f"{path}[{k!r}]"))
        return out
    return {path: value.detach().numpy().copy()}


def results(torch):
    af, func = torch.autograd.functional, torch.func
    rng = np.random.default_rng(0)

    def t(*shape):
        return torch.tensor(rng.standard_normal(shape), dtype=torch.float64)

    x, y, v, m = t(3), t(3), t(3), t(2, 3)
    two = torch.tensor(2.0, dtype=torch.float64)

    def f1(x):
        return (x.sin() * x.exp()).sum()

    def f2(x, y):
        return (x * y).tanh(), (x**2 * y).sum()

    def f3(m):
        return (m.sin() ** 2).sum(1)

    def f4(x, y):
        return ((x * y.cos()) ** 2).sum()

    out, vjp_fn = func.vjp(f2, x, y)
    cases = {
        "jacobian": af.jacobian(f1, x),
        "jacobian_tuples": af.jacobian(f2, (x, y)),
        "jacobian_matrix": af.jacobian(f3, m),
        "jacobian_tuple_out": af.jacobian(lambda x: f2(x, y), x),
        "jacobian_tuple_in": af.jacobian(lambda x: f2(x, y)[0], (x,)),
        "hessian": af.hessian(f1, x),
        "hessian_tuples": af.hessian(f4, (x, y)),
        "hessian_matrix": af.hessian(lambda m: f3(m).sum(), m),
        "vjp": af.vjp(f2, (x, y), (v, two)),
        "jvp": af.jvp(f2, (x, y), (v, y)),
        "hvp": af.hvp(f4, (x, y), (v, y)),
        "vhp": af.vhp(f4, (x, y), (v, y)),
        "hvp_one": af.hvp(f1, x, v),
        "vjp_matrix": af.vjp(f3, m, t(2)),
        "func_grad": func.grad(f4, argnums=(0, 1))(x, y),
        "func_grad_grad": func.grad(lambda x: func.grad(f1)(x).sum())(x),
        "func_jacrev": func.jacrev(f2, argnums=(0, 1))(x, y),
        "func_jacfwd": func.jacfwd(f2, argnums=1)(x, y),
        "func_hessian": func.hessian(f4, argnums=(0, 1))(x, y),
        "func_hessian_one": func.hessian(f1)(x),
        "func_vjp": (out, vjp_fn((v, two))),
        "func_jvp": func.jvp(f2, (x, y), (v, y)),
        "func_grad_and_value_dict": func.grad_and_value(lambda d: (d["a"] * d["b"].sin()).sum())(
            {"a": x, "b": y}
        ),
        "func_jacrev_dict": func.jacrev(lambda d: {"o": d["a"] * d["b"]})({"a": x, "b": y}),
        "func_jacrev_matrix": func.jacrev(f3)(m),
        "func_jacrev_0d": func.jacrev(lambda x: (x * 3).sum())(two),
    }
    return {name: flatten(value) for name, value in cases.items()}
