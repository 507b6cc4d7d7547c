"""Custom autograd.Functions: the Legendre polynomial P3 of the 'learning with examples'
tutorial (staticmethod forward/backward, ctx.save_for_backward, ctx.saved_tensors, .apply)
trained by hand, and the 'Extending PyTorch' LinearFunction (optional bias, needs_input_grad,
one gradient per forward argument) and MulConstant (a non-tensor argument), checked with
torch.autograd.gradcheck."""

import math

import tinygrad_scores as torch
from tinygrad_scores.autograd import Function, gradcheck


class LegendrePolynomial3(torch.autograd.Function):
    """P3(x) = (5x^3 - 3x) / 2, with dP3/dx = 1.5 (5x^2 - 1)."""

    @staticmethod
    def forward(ctx, input):
        ctx.save_for_backward(input)
        return 0.5 * (5 * input**3 - 3 * input)

    @staticmethod
    def backward(ctx, grad_output):
        (input,) = ctx.saved_tensors
        return grad_output * 1.5 * (5 * input**2 - 1)


dtype = torch.float
device = torch.device("cpu")
torch.manual_seed(0)

# The Function against a hand computation first.
x0 = torch.tensor([0.5, -1.0, 2.0], requires_grad=True)
out = LegendrePolynomial3.apply(x0)
assert torch.allclose(out, torch.tensor([-0.4375, -1.0, 17.0])), out
out.sum().backward()
assert torch.allclose(x0.grad, torch.tensor([0.375, 6.0, 28.5])), x0.grad
assert out.grad_fn is not None

x = torch.linspace(-math.pi, math.pi, 2000, device=device, dtype=dtype)
y = torch.sin(x)

a = torch.full((), 0.0, device=device, dtype=dtype, requires_grad=True)
b = torch.full((), -1.0, device=device, dtype=dtype, requires_grad=True)
c = torch.full((), 0.0, device=device, dtype=dtype, requires_grad=True)
d = torch.full((), 0.3, device=device, dtype=dtype, requires_grad=True)

learning_rate = 5e-6
first = None
for t in range(2000):
    P3 = LegendrePolynomial3.apply
    y_pred = a + b * P3(c + d * x)
    loss = (y_pred - y).pow(2).sum()
    if first is None:
        first = loss.item()
    if t % 500 == 99:
        print(t, loss.item())
    loss.backward()
    with torch.no_grad():
        a -= learning_rate * a.grad
        b -= learning_rate * b.grad
        c -= learning_rate * c.grad
        d -= learning_rate * d.grad
        a.grad = None
        b.grad = None
        c.grad = None
        d.grad = None

print(f"Result: y = {a.item()} + {b.item()} * P3({c.item()} + {d.item()} x)")
assert loss.item() < first / 10 and loss.item() < 50, (first, loss.item())


class LinearFunction(Function):
    @staticmethod
    def forward(ctx, input, weight, bias=None):
        ctx.save_for_backward(input, weight, bias)
        output = input.mm(weight.t())
        if bias is not None:
            output += bias.unsqueeze(0).expand_as(output)
        return output

    @staticmethod
    def backward(ctx, grad_output):
        input, weight, bias = ctx.saved_tensors
        grad_input = grad_weight = grad_bias = None
        if ctx.needs_input_grad[0]:
            grad_input = grad_output.mm(weight)
        if ctx.needs_input_grad[1]:
            grad_weight = grad_output.t().mm(input)
        if bias is not None and ctx.needs_input_grad[2]:
            grad_bias = grad_output.sum(0)
        return grad_input, grad_weight, grad_bias


class MulConstant(Function):
    @staticmethod
    def forward(ctx, tensor, constant):
        ctx.constant = constant
        return tensor * constant

    @staticmethod
    def backward(ctx, grad_output):
        return grad_output * ctx.constant, None


linear = LinearFunction.apply
inputs = (
    torch.randn(20, 20, dtype=torch.double, requires_grad=True),
    torch.randn(30, 20, dtype=torch.double, requires_grad=True),
)
assert gradcheck(
    linear, inputs + (torch.randn(30, dtype=torch.double, requires_grad=True),), eps=1e-6, atol=1e-4
)
assert gradcheck(linear, inputs, eps=1e-6, atol=1e-4)  # bias left out: its gradient is None
x = torch.ones(3, requires_grad=True)
MulConstant.apply(x, 5.5).sum().backward()
assert x.grad.tolist() == [5.5, 5.5, 5.5]
print("ok")
