"""Calls of the activations compared with PyTorch's results (tests/test_activations_pytorch.py).

Each case is a function of a module with PyTorch's API (``tinygrad_scores`` in the tests,
``torch`` in tools/activation_golden.py, which stores PyTorch's results in
tests/activation_golden.json) returning a list of tensors; when it raises, the exception's
type and message are its result. Exact cases (random draws, shrinkage, threshold) must
match value for value; the others to a few units in the last place of their dtype (the
libm functions differ), but integer and bool results always exactly.
"""

import math

import numpy as np

DTYPES = ("bool", "uint8", "int32", "int64", "float16", "float32", "float64")

# every activation of torch.nn.functional on [[-2, 0, 3]] of each dtype
ACTIVATIONS = {
    "relu": lambda F, x: F.relu(x),
    "relu6": lambda F, x: F.relu6(x),
    "elu": lambda F, x: F.elu(x),
    "selu": lambda F, x: F.selu(x),
    "celu": lambda F, x: F.celu(x, 0.7),
    "gelu": lambda F, x: F.gelu(x),
    "gelu_tanh": lambda F, x: F.gelu(x, approximate="tanh"),
    "silu": lambda F, x: F.silu(x),
    "mish": lambda F, x: F.mish(x),
    "softplus": lambda F, x: F.softplus(x),
    "leaky_relu": lambda F, x: F.leaky_relu(x, 0.2),
    "hardtanh": lambda F, x: F.hardtanh(x),
    "hardtanh_0_2": lambda F, x: F.hardtanh(x, 0.0, 2.0),
    "hardswish": lambda F, x: F.hardswish(x),
    "hardsigmoid": lambda F, x: F.hardsigmoid(x),
    "sigmoid": lambda F, x: F.sigmoid(x),
    "tanh": lambda F, x: F.tanh(x),
    "softsign": lambda F, x: F.softsign(x),
    "logsigmoid": lambda F, x: F.logsigmoid(x),
    "tanhshrink": lambda F, x: F.tanhshrink(x),
    "softshrink": lambda F, x: F.softshrink(x, 1.0),
    "hardshrink": lambda F, x: F.hardshrink(x, 1.0),
    "rrelu": lambda F, x: F.rrelu(x),
    "rrelu_train": lambda F, x: F.rrelu(x, training=True),
    "threshold": lambda F, x: F.threshold(x, 1, 0),
    "threshold_cast": lambda F, x: F.threshold(x, -0.5, 9.7),
    "glu": lambda F, x: F.glu(x.repeat(1, 2), 1),
    "prelu": lambda F, x: F.prelu(x, x[0, :1]),  # a weight of x's dtype
    "prelu_float_weight": lambda F, x: F.prelu(x, x[0, :1].float() * 0 + 0.25),
    "normalize": lambda F, x: F.normalize(x),
    "dropout": lambda F, x: F.dropout(x),
    "dropout_all": lambda F, x: F.dropout(x, 1.0),
    "dropout_eval": lambda F, x: F.dropout(x, training=False),
    "layer_norm": lambda F, x: F.layer_norm(x, (3,)),
    "softmax": lambda F, x: F.softmax(x, 1),
    "softmax_dim0": lambda F, x: F.softmax(x, 0),
    "softmax_dtype": lambda F, x: F.softmax(x, 1, dtype=x.new_zeros(()).double().dtype),
    "log_softmax": lambda F, x: F.log_softmax(x, -1),
    "log_softmax_dim0": lambda F, x: F.log_softmax(x, 0),
    "softmin": lambda F, x: F.softmin(x, 1),
    "softmax2d": lambda F, x: F.softmax(x.reshape(1, 3, 1, 1), -3),
}  # fmt: skip

# the in-place forms, the module forms and the torch.* forms
INPLACE = {
    "relu_": lambda t, F, x: F.relu_(x),
    "elu_": lambda t, F, x: F.elu_(x),
    "leaky_relu_": lambda t, F, x: F.leaky_relu_(x),
    "hardtanh_": lambda t, F, x: F.hardtanh_(x, -0.6, 0.6),
    "threshold_": lambda t, F, x: F.threshold_(x, 0.6, 9.0),
    "celu_": lambda t, F, x: F.celu_(x),
    "selu_": lambda t, F, x: F.selu_(x),
    "rrelu_": lambda t, F, x: F.rrelu_(x),
    "Tensor.relu_": lambda t, F, x: x.relu_(),
    "Tensor.sigmoid_": lambda t, F, x: x.sigmoid_(),
    "Tensor.hardshrink": lambda t, F, x: x.hardshrink(),
    "torch.selu_": lambda t, F, x: t.selu_(x),
    "torch.celu_": lambda t, F, x: t.celu_(x, 2.0),
    "torch.rrelu_": lambda t, F, x: t.rrelu_(x),
    "torch.threshold_": lambda t, F, x: t.threshold_(x, 0.0, 5.0),
    "torch.relu_": lambda t, F, x: t.relu_(x),
    "torch.hardshrink": lambda t, F, x: t.hardshrink(x),
    "torch.selu": lambda t, F, x: t.selu(x),
    "torch.celu": lambda t, F, x: t.celu(x, 2.0),
    "torch.rrelu": lambda t, F, x: t.rrelu(x),
    "torch.threshold": lambda t, F, x: t.threshold(x, 0.0, 5.0),
    "torch.prelu": lambda t, F, x: t.prelu(x, x[:1]),
    "nn.ELU": lambda t, F, x: t.nn.ELU()(x),
    "nn.LeakyReLU_inplace": lambda t, F, x: t.nn.LeakyReLU(inplace=True)(x),
    "nn.Softshrink": lambda t, F, x: t.nn.Softshrink(0.3)(x),
    "nn.Hardshrink": lambda t, F, x: t.nn.Hardshrink(0.3)(x),
    "nn.RReLU": lambda t, F, x: t.nn.RReLU(0.2, 0.4)(x),
    "nn.RReLU_eval": lambda t, F, x: t.nn.RReLU(0.2, 0.4).eval()(x),
    "nn.ReLU6": lambda t, F, x: t.nn.ReLU6()(x),
    "nn.Threshold": lambda t, F, x: t.nn.Threshold(0.1, 20)(x),
    "nn.PReLU": lambda t, F, x: t.nn.PReLU()(x),
}
INPLACE_INPUTS = {"int64": [-1, 0, 2], "bool": [True, False, True], "float32": [-1.0, -0.5, 0.5]}

SPECIAL = [-1.0, -0.5, -0.2, 0.0, 0.5, 0.7, math.nan, math.inf, -math.inf]


def _rrelu_draws(torch):
    F = torch.nn.functional
    x = torch.tensor([-1.0, 2.0, -3.0, 0.0, -0.5], requires_grad=True)
    out = F.rrelu(x, training=True)
    out.sum().backward()
    x64 = torch.tensor([-1.0, 2.0, -3.0, 0.0, -0.5, math.nan], dtype=torch.float64)
    transposed = torch.tensor([[-1.0, 1.0, -2.0], [3.0, -4.0, math.nan]]).t()
    z = torch.tensor([-2.0, 5.0])
    F.rrelu_(z, 0.1, 0.9, training=True)
    big = -torch.arange(100.0).reshape(5, 20).t()  # 100 draws, the first at 0
    return [
        out,
        x.grad,
        F.rrelu(x64, training=True),
        F.rrelu(transposed, 0.1, 0.3, training=True),
        z,
        F.rrelu(torch.tensor(-2.0, dtype=torch.float64), 0.3, 0.3, training=True),
        F.rrelu(torch.zeros(0, 3), training=True),
        F.rrelu(big, training=True),
        torch.rand(3, dtype=torch.float64),  # the stream goes on where PyTorch's does
    ]


# name -> function(torch) returning a list of tensors
def _special_cases():
    def shrink(torch, fn, lambd, dtype):
        return [getattr(torch.nn.functional, fn)(torch.tensor(SPECIAL, dtype=dtype), lambd)]

    cases = {}
    for d in ("float16", "float32", "float64"):
        for fn in ("softshrink", "hardshrink"):
            for lambd in (0.5, 0, -0.5, 1e6, math.nan):
                cases[f"{fn}/{d}/{lambd}"] = lambda t, fn=fn, lambd=lambd, d=d: shrink(
                    t, fn, lambd, getattr(t, d)
                )
    for d in ("uint8", "int8", "int32", "int64", "float16", "float32", "float64"):
        for number in (-0.5, 1e39, math.nan, math.inf, -1, -255, -256, 300, 2**40, 127.9):
            for role, args in (("threshold", (number, 0)), ("value", (0, number))):
                cases[f"threshold/{d}/{role}={number}"] = lambda t, d=d, a=args: _threshold(t, d, a)
    for d in ("float16", "float32"):
        for lambd in (1e39, 7e4, math.inf, True):
            cases[f"hardshrink/{d}/convert/{lambd}"] = lambda t, d=d, lambd=lambd: [
                t.nn.functional.hardshrink(t.tensor([0.5, 2.0], dtype=getattr(t, d)), lambd)
            ]
    cases["threshold/float16/compared_in_float32"] = lambda t: [
        t.nn.functional.threshold(t.tensor([0.1], dtype=t.float16), 0.09997, 5.0)
    ]
    cases["threshold/nan_and_gradient"] = _threshold_nan
    cases["rrelu/draws"] = _rrelu_draws
    cases["rrelu/bounds"] = lambda t: [t.nn.functional.rrelu(t.ones(2), 0.5, 0.2)]
    cases["rrelu/float16_train"] = lambda t: [
        t.nn.functional.rrelu(t.ones(2, dtype=t.float16), training=True)
    ]
    cases["softmax2d/4d"] = lambda t: [t.nn.Softmax2d()(t.tensor([[[[0.0, 1]], [[1, 3]]]]))]
    cases["softmax2d/3d"] = lambda t: [t.nn.Softmax2d()(t.tensor([[[0.0, 1]], [[1, 3]]]))]
    cases["softmax2d/2d"] = lambda t: [t.nn.Softmax2d()(t.zeros(2, 2))]
    cases["softmax2d/int64"] = lambda t: [t.nn.Softmax2d()(t.zeros(1, 2, 2, 2, dtype=t.int64))]
    cases["softmax2d/5d"] = lambda t: [t.nn.Softmax2d()(t.zeros(1, 2, 1, 1, 1))]
    for approximate in ("none", "tanh"):
        cases[f"gelu/float16_far/{approximate}"] = lambda t, a=approximate: _gelu_far(t, a)
    return cases


def _threshold(torch, dtype, args):
    x = torch.tensor([0, 1], dtype=getattr(torch, dtype))
    return [torch.nn.functional.threshold(x, *args)]


def _threshold_nan(torch):
    x = torch.tensor([math.nan, -1.0, 2.0], requires_grad=True)
    y = torch.nn.functional.threshold(x, 0.0, 5.0)
    y.sum().backward()
    return [y, x.grad]


def _gelu_far(torch, approximate):
    x = torch.tensor([-1000.0, -50.0, 40.0, 1000.0], dtype=torch.float16, requires_grad=True)
    y = torch.nn.functional.gelu(x, approximate=approximate)
    y.sum().backward()
    return [y, x.grad]


def _x(torch, dtype):
    return torch.tensor([[-2, 0, 3]]).to(getattr(torch, dtype))


def all_cases():
    """name -> (function(torch) returning a list of tensors, exact)."""
    cases = {}
    for d in DTYPES:
        for name, fn in ACTIVATIONS.items():
            cases[f"{name}/{d}"] = (lambda t, fn=fn, d=d: [fn(t.nn.functional, _x(t, d))], False)
    for d, values in INPLACE_INPUTS.items():
        for name, fn in INPLACE.items():
            cases[f"{name}/{d}"] = (lambda t, fn=fn, v=values: _inplace(t, fn, v), False)
    for name, fn in _special_cases().items():
        cases[name] = (fn, name.startswith(("rrelu", "softshrink", "hardshrink", "threshold")))
    return cases


def _inplace(torch, fn, values):
    x = torch.tensor(values)
    out = fn(torch, torch.nn.functional, x)
    return [out, x]  # the result, and what the input holds after the call


def run(torch, case):
    """The case's result after manual_seed(0): a list of (dtype name, shape, values), or
    {"error": [type name, message]}."""
    torch.manual_seed(0)
    try:
        tensors = case(torch)
    except Exception as e:  # noqa: BLE001  (the error is the result)
        return {"error": [type(e).__name__, str(e)]}
    out = []
    for t in tensors:
        a = np.asarray(t.detach().numpy())
        out.append([str(t.dtype).split(".")[-1], list(a.shape), a.ravel().tolist()])
    return out
