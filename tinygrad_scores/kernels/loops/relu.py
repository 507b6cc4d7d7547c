"""ReLU:  out = max(x, 0);   backward: grad_in = grad where out > 0, else 0.

(NaN stays NaN in the forward, as in PyTorch; the gradient at x == 0 is 0.)
"""

from .._jit import kernel

_DTYPES = ("float32", "float64")


@kernel([f"void({t}[::1], {t}[::1])" for t in _DTYPES])
def relu_forward(x, out):
    """out[i] = x[i] if x[i] > 0 else 0 (NaN stays NaN)."""
    for i in range(x.shape[0]):
        if x[i] <= 0.0:
            out[i] = 0.0
        else:
            out[i] = x[i]


@kernel([f"void({t}[::1], {t}[::1], {t}[::1])" for t in _DTYPES])
def relu_backward(out, grad, grad_in):
    """grad_in[i] = grad[i] if out[i] > 0 else 0."""
    for i in range(out.shape[0]):
        if out[i] > 0.0:
            grad_in[i] = grad[i]
        else:
            grad_in[i] = 0.0
