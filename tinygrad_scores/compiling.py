"""``torch.compile``: capture a training step and replay it (capture.py does the work).

It sits above ``nn`` because a Module is returned unchanged: a module's output needs its
graph for the backward pass its caller makes."""

from .capture import CompiledFunction
from .nn.module import Module


def compile(
    model=None,
    *,
    fullgraph=False,
    dynamic=None,
    backend=None,
    mode=None,  # noqa: A001
    options=None,
    disable=False,
):
    """Capture ``model`` (a training-step function) and replay it on later calls.

    Accepts PyTorch's ``torch.compile`` arguments; a Module (or ``disable=True``) is
    returned unchanged, since a module's output needs its graph for a backward pass the
    caller makes. Usable as ``@compile`` and ``@compile(...)``.
    """
    if model is None:
        return lambda fn: compile(
            fn,
            fullgraph=fullgraph,
            dynamic=dynamic,
            backend=backend,
            mode=mode,
            options=options,
            disable=disable,
        )
    if disable or isinstance(model, Module):
        return model
    return CompiledFunction(model)
