"""The long tail of PyTorch's Tensor methods (math, reductions, comparisons, shape and
indexing helpers), each a thin call to one Function in ``functions/``. ``Tensor``
inherits them; ``tensor.py`` keeps the essentials."""


class TensorMethods:
    __slots__ = ()
