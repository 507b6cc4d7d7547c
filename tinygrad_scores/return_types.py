"""Named results of the ops that return several tensors (``torch.return_types``):
``x.max(dim)`` is a ``max(values=..., indices=...)`` that also unpacks as a tuple."""

from collections import namedtuple

from . import dtypes


def _repr(self):
    """PyTorch's layout: the qualified name, then one field a line."""
    fields = ",\n".join(f"{name}={value!r}" for name, value in zip(self._fields, self))
    return f"{dtypes.NAMESPACE}.return_types.{type(self).__name__}(\n{fields})"


def _pair(name, fields=("values", "indices")):
    cls = namedtuple(name, fields)
    cls.__module__ = __name__
    cls.__doc__ = f"The result of ``{name}``: {', '.join(fields)}."
    cls.__repr__ = _repr
    return cls


max = _pair("max")  # noqa: A001  (PyTorch's names)
min = _pair("min")  # noqa: A001
sort = _pair("sort")
topk = _pair("topk")
kthvalue = _pair("kthvalue")
median = _pair("median")
mode = _pair("mode")
aminmax = _pair("aminmax", ("min", "max"))
cummax = _pair("cummax")
cummin = _pair("cummin")
histogram = _pair("histogram", ("hist", "bin_edges"))
linalg_slogdet = _pair("linalg_slogdet", ("sign", "logabsdet"))
linalg_eigh = _pair("linalg_eigh", ("eigenvalues", "eigenvectors"))
linalg_svd = _pair("linalg_svd", ("U", "S", "Vh"))
linalg_qr = _pair("linalg_qr", ("Q", "R"))
linalg_lstsq = _pair("linalg_lstsq", ("solution", "residuals", "rank", "singular_values"))
linalg_inv_ex = _pair("linalg_inv_ex", ("inverse", "info"))
linalg_cholesky_ex = _pair("linalg_cholesky_ex", ("L", "info"))
linalg_solve_ex = _pair("linalg_solve_ex", ("result", "info"))
slogdet = _pair("slogdet", ("sign", "logabsdet"))
svd = _pair("svd", ("U", "S", "V"))
qr = _pair("qr", ("Q", "R"))
