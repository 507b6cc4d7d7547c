"""All parameters as one flat vector, and back."""

from __future__ import annotations

from collections.abc import Iterable

from ...autograd import no_grad
from ...functions import Cat
from ...tensor import Tensor


def _check(parameters):
    if isinstance(parameters, Tensor):
        raise TypeError(f"expected an iterable of Tensors, but got: {type(parameters).__name__}")
    return list(parameters)


def parameters_to_vector(parameters: Iterable[Tensor]) -> Tensor:
    """One 1-D tensor: every parameter flattened, concatenated (differentiable)."""
    params = _check(parameters)
    if not params:
        raise RuntimeError("parameters_to_vector(): expected a non-empty iterable of Tensors")
    return Cat.apply(*[p.reshape(-1) for p in params], dim=0)


def vector_to_parameters(vec: Tensor, parameters: Iterable[Tensor]) -> None:
    """Copy consecutive slices of ``vec`` into the parameters, in place (their storage
    and identity stay, so optimizers holding them keep working)."""
    if not isinstance(vec, Tensor):
        raise TypeError(f"expected torch.Tensor, but got: {type(vec).__name__}")
    params = _check(parameters)
    total = sum(p.numel() for p in params)
    if vec.ndim != 1 or vec.numel() != total:
        raise RuntimeError(
            f"vector_to_parameters(): vec has shape {tuple(vec.shape)}, but the "
            f"parameters hold {total} elements in all"
        )
    offset = 0
    with no_grad():  # copy_ moves each parameter's version on
        for p in params:
            n = p.numel()
            p.copy_(Tensor.wrap(vec.array[offset : offset + n].reshape(p.shape)))
            offset += n
