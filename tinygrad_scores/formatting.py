"""How a tensor prints: PyTorch's layout (4 decimals, scientific notation for very large
or small values, dtype / grad_fn / requires_grad after the values)."""
import numpy as np


def format_tensor(t):
    a = t.array
    opts = dict(precision=4, separator=", ", threshold=1000, edgeitems=3,
                prefix="tensor(", floatmode="fixed" if a.dtype.kind == "f" else "maxprec")
    if a.dtype.kind == "f" and a.size and np.all(np.isfinite(a)) and np.all(a == np.round(a)):
        opts["floatmode"] = "unique"
    if a.dtype.kind == "f" and a.size:
        finite = np.abs(a[np.isfinite(a)])
        big = finite.size and (finite.max() >= 1e8 or (finite[finite > 0].size
                                                       and finite[finite > 0].min() < 1e-4))
        if big:
            opts["formatter"] = {"float_kind": lambda v: f"{v:.4e}"}
    body = np.array2string(a, **opts) if a.size else "[]"
    extras = []
    if a.size == 0 and a.ndim != 1:
        extras.append(f"size={tuple(a.shape)}")
    if a.dtype not in (np.float32, np.int64, np.bool_):
        extras.append(f"dtype=tinygrad_scores.{a.dtype.name}")
    if t.grad_fn is not None:
        extras.append(f"grad_fn=<{t.grad_fn.name()}>")
    elif t.requires_grad:
        extras.append("requires_grad=True")
    return "tensor(" + body + "".join(", " + e for e in extras) + ")"
