"""The error for a PyTorch name this package does not provide.

``missing("torch.fft")`` is a NotImplementedError that is also an AttributeError, so a
program that reaches for ``torch.fft`` learns plainly that it is absent here, while
``hasattr(torch, "fft")``, ``getattr(x, name, default)``, pickle and inspection still get
the AttributeError they rely on.
"""


class MissingFeatureError(NotImplementedError, AttributeError):
    """A PyTorch feature tinygrad_scores does not implement.

    A traceback prints it as ``NotImplementedError: tinygrad_scores has no torch.fft``
    (the names below are what Python prints), which is what it is for the reader; code
    may catch it as NotImplementedError, AttributeError or MissingFeatureError."""

    def __reduce__(self):  # pickled (e.g. across processes) as the plain built-in error
        return (NotImplementedError, self.args)


MissingFeatureError.__module__ = "builtins"
MissingFeatureError.__qualname__ = "NotImplementedError"


def missing(name):
    if not name.startswith(("torch.", "Tensor.")):
        name = "torch." + name
    return MissingFeatureError(f"tinygrad_scores has no {name}")


def module_getattr(module_name, torch_name):
    """A module-level ``__getattr__`` (PEP 562) for ``module_name``: private-looking names
    raise a plain AttributeError, public ones ``missing(torch_name + '.' + name)``."""

    def __getattr__(name):
        if name.startswith("_"):
            raise AttributeError(f"module '{module_name}' has no attribute '{name}'")
        raise missing(f"{torch_name}.{name}")

    return __getattr__
