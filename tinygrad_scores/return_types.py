"""Named results of the ops that return several tensors (``torch.return_types``):
``x.max(dim)`` is a ``max(values=..., indices=...)`` that also unpacks as a tuple."""

from collections import namedtuple


def _pair(name, fields=("values", "indices")):
    cls = namedtuple(name, fields)
    cls.__module__ = __name__
    cls.__doc__ = f"The result of ``{name}``: {', '.join(fields)}."
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
