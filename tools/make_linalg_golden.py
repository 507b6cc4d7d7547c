"""Write tests/golden/linalg_pytorch.npz: PyTorch's values and input gradients for the
torch.linalg cases that tests/test_linalg.py replays (its backward formulas, not only
central differences, so a formula that differs from PyTorch's where the derivative is not
unique, such as det's at a singular matrix, shows).

Run with a PyTorch install (not a dependency of the package or its tests):
    /work/torchvenv/bin/python tools/make_linalg_golden.py
Each case is an expression of ``L`` (torch.linalg, or tinygrad_scores.linalg) and
``torch``, valid in both libraries, and float64 inputs; eigenvectors and singular vectors
enter squared (their signs are arbitrary). Stored: the inputs, the outputs, a fixed
weighting w of each output, and the gradient of sum(out * w) for every input.
"""

import os

import numpy as np
import torch

OUT = os.path.join(os.path.dirname(__file__), "..", "tests", "golden", "linalg_pytorch.npz")
rng = np.random.default_rng(3)


def r(*shape, shift=0.0):
    a = rng.standard_normal(shape)
    return a + shift * np.eye(shape[-1]) if shift else a


SPD = "lambda a: L.cholesky(a @ a.mT + 3 * torch.eye(3, dtype=a.dtype))"
CASES = [
    ("inv", "lambda a: L.inv(a)", [r(2, 3, 3, shift=3)]),
    ("det", "lambda a: L.det(a)", [r(2, 3, 3, shift=2)]),
    ("det_singular", "lambda a: L.det(a)", [np.array([[1.0, 2.0], [2.0, 4.0]])]),
    ("logabsdet", "lambda a: L.slogdet(a)[1]", [r(2, 3, 3, shift=2)]),
    ("logdet", "lambda a: torch.logdet(a @ a.mT)", [r(3, 3)]),
    ("solve", "lambda a, b: L.solve(a, b)", [r(2, 3, 3, shift=3), r(2, 3, 2)]),
    ("solve_vector", "lambda a, b: L.solve(a, b)", [r(2, 3, 3, shift=3), r(3)]),
    ("solve_left_false", "lambda a, b: L.solve(a, b, left=False)", [r(3, 3, shift=3), r(4, 3)]),
    ("cholesky", SPD, [r(2, 3, 4)]),
    ("cholesky_raw", "lambda a: L.cholesky(a + 5 * torch.eye(3, dtype=a.dtype))", [r(3, 3)]),
    ("eigh", "lambda a: (L.eigh(a)[0], L.eigh(a)[1] ** 2)", [r(2, 3, 3)]),
    ("eigh_upper", "lambda a: L.eigh(a, UPLO='U')[1] ** 2", [r(3, 3)]),
    ("eigvalsh", "lambda a: L.eigvalsh(a)", [r(2, 4, 4)]),
    ("svdvals", "lambda a: L.svdvals(a)", [r(2, 4, 3)]),
    ("svd_tall", "lambda a: tuple(x ** 2 for x in L.svd(a, full_matrices=False))", [r(4, 3)]),
    ("svd_wide", "lambda a: tuple(x ** 2 for x in L.svd(a, full_matrices=False))", [r(3, 4)]),
    ("svd_full", "lambda a: L.svd(a)[0][..., :3] ** 2", [r(2, 4, 3)]),
    (
        "svd_product",
        "lambda a: (lambda u, s, vh: u @ vh)(*L.svd(a, full_matrices=False))",
        [r(4, 3)],
    ),
    ("qr_tall", "lambda a: tuple(L.qr(a))", [r(2, 4, 3)]),
    ("qr_wide", "lambda a: tuple(L.qr(a))", [r(3, 5)]),
    ("pinv_tall", "lambda a: L.pinv(a)", [r(2, 4, 3)]),
    ("pinv_wide", "lambda a: L.pinv(a)", [r(3, 5)]),
    ("lstsq", "lambda a, b: L.lstsq(a, b)[0]", [r(5, 3), r(5, 2)]),
    ("matrix_power", "lambda a: L.matrix_power(a, -3)", [r(3, 3, shift=3)]),
    ("matrix_exp", "lambda a: L.matrix_exp(a)", [r(2, 3, 3)]),
    ("multi_dot", "lambda a, b, c: L.multi_dot([a, b, c])", [r(3), r(3, 4), r(4, 2)]),
    ("cross", "lambda a, b: L.cross(a, b)", [r(2, 3), r(1, 3)]),
    ("norm_nuc", "lambda a: L.matrix_norm(a, 'nuc')", [r(2, 4, 3)]),
    ("norm_2", "lambda a: L.matrix_norm(a, 2, dim=(0, 2))", [r(4, 2, 3)]),
    ("norm_inf", "lambda a: L.matrix_norm(a, float('inf'), keepdim=True)", [r(2, 4, 3)]),
    ("norm_default", "lambda a: L.norm(a)", [r(2, 4, 3)]),
    ("vector_norm", "lambda a: L.vector_norm(a, 3.5, dim=(0, 2))", [r(2, 4, 3)]),
    ("cond", "lambda a: L.cond(a)", [r(2, 4, 3)]),
    (
        "solve_triangular",
        "lambda a, b: L.solve_triangular(a, b, upper=True, unitriangular=True)",
        [r(3, 3), r(3, 2)],
    ),
    ("vander", "lambda x: L.vander(x, N=4)", [r(2, 3)]),
    ("tensorinv", "lambda a: L.tensorinv(a, ind=1)", [r(4, 2, 2) + np.eye(4).reshape(4, 2, 2)]),
]


def main():
    store = {"names": np.array([c[0] for c in CASES]), "sources": np.array([c[1] for c in CASES])}
    namespace = {"L": torch.linalg, "torch": torch}
    for name, source, arrays in CASES:
        inputs = [torch.tensor(a, requires_grad=True) for a in arrays]
        out = eval(source, namespace)(*inputs)
        outs = out if isinstance(out, tuple) else (out,)
        weights = [torch.tensor(rng.standard_normal(tuple(o.shape))) for o in outs]
        sum((o * w).sum() for o, w in zip(outs, weights)).backward()
        for i, (a, x) in enumerate(zip(arrays, inputs)):
            store[f"{name}/in{i}"] = a
            store[f"{name}/grad{i}"] = x.grad.numpy()
        for j, (o, w) in enumerate(zip(outs, weights)):
            store[f"{name}/out{j}"] = o.detach().numpy()
            store[f"{name}/w{j}"] = w.numpy()
    np.savez_compressed(OUT, **store)
    print(f"wrote {os.path.relpath(OUT)} ({len(CASES)} cases)")


if __name__ == "__main__":
    main()
