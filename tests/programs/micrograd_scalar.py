"""micrograd-style scalar tests: a tiny scalar autograd engine written here (the reference) and
the same expressions in torch, values and gradients compared (Karpathy's sanity check and
'more ops' test), plus retain_grad on intermediates and gradient accumulation."""

import math

import tinygrad_scores as torch


class Value:
    """A scalar with a gradient; backward walks the expression in reverse topological order."""

    def __init__(self, data, _children=()):
        self.data, self.grad = data, 0.0
        self._backward = lambda: None
        self._prev = set(_children)

    def __add__(self, other):
        other = other if isinstance(other, Value) else Value(other)
        out = Value(self.data + other.data, (self, other))

        def _backward():
            self.grad += out.grad
            other.grad += out.grad

        out._backward = _backward
        return out

    def __mul__(self, other):
        other = other if isinstance(other, Value) else Value(other)
        out = Value(self.data * other.data, (self, other))

        def _backward():
            self.grad += other.data * out.grad
            other.grad += self.data * out.grad

        out._backward = _backward
        return out

    def __pow__(self, k):
        out = Value(self.data**k, (self,))

        def _backward():
            self.grad += k * self.data ** (k - 1) * out.grad

        out._backward = _backward
        return out

    def relu(self):
        out = Value(max(0.0, self.data), (self,))

        def _backward():
            self.grad += (out.data > 0) * out.grad

        out._backward = _backward
        return out

    def tanh(self):
        t = math.tanh(self.data)
        out = Value(t, (self,))

        def _backward():
            self.grad += (1 - t * t) * out.grad

        out._backward = _backward
        return out

    def backward(self):
        topo, seen = [], set()

        def build(v):
            if v not in seen:
                seen.add(v)
                for child in v._prev:
                    build(child)
                topo.append(v)

        build(self)
        self.grad = 1.0
        for v in reversed(topo):
            v._backward()

    __radd__ = __add__
    __rmul__ = __mul__

    def __neg__(self):
        return self * -1

    def __sub__(self, other):
        return self + (-other)

    def __rsub__(self, other):
        return other + (-self)

    def __truediv__(self, other):
        return self * other**-1

    def __rtruediv__(self, other):
        return other * self**-1


def sanity(x):
    z = 2 * x + 2 + x
    q = z.relu() + z * x
    h = (z * z).relu()
    return h + q + q * x


def more_ops(a, b):
    c = a + b
    d = a * b + b**3
    c = c + c + 1
    c = c + 1 + c + (-a)
    d = d + d * 2 + (b + a).relu()
    d = d + 3 * d + (b - a).relu()
    e = c - d
    f = e**2
    g = f / 2.0
    g = g + 10.0 / f
    return g


tol = 1e-6

x = Value(-4.0)
y = sanity(x)
y.backward()
xt = torch.Tensor([-4.0]).double()
xt.requires_grad = True
yt = sanity(xt)
yt.backward()
assert abs(yt.data.item() - y.data) < tol and abs(xt.grad.item() - x.grad) < tol
assert y.data == -20.0 and x.grad == 46.0  # worked by hand

a, b = Value(-4.0), Value(2.0)
g = more_ops(a, b)
g.backward()
at = torch.Tensor([-4.0]).double()
bt = torch.Tensor([2.0]).double()
at.requires_grad = True
bt.requires_grad = True
gt = more_ops(at, bt)
gt.backward()
print(f"g = {gt.data.item():.4f}, dg/da = {at.grad.item():.4f}, dg/db = {bt.grad.item():.4f}")
assert abs(gt.data.item() - g.data) < tol
assert abs(at.grad.item() - a.grad) < tol and abs(bt.grad.item() - b.grad) < tol
assert abs(g.data - 24.70408163265306) < 1e-9

# A neuron: tanh(w . x + b), gradients through retain_grad on an intermediate.
x1 = torch.tensor(2.0, requires_grad=True)
x2 = torch.tensor(0.0, requires_grad=True)
w1 = torch.tensor(-3.0, requires_grad=True)
w2 = torch.tensor(1.0, requires_grad=True)
bias = torch.tensor(6.8813735870195432, requires_grad=True)
n = x1 * w1 + x2 * w2 + bias
n.retain_grad()
o = torch.tanh(n)
o.backward()
assert abs(o.item() - math.sqrt(0.5)) < 1e-5
assert abs(n.grad.item() - 0.5) < 1e-5
assert abs(x1.grad.item() + 1.5) < 1e-5 and abs(w1.grad.item() - 1.0) < 1e-5
assert abs(x2.grad.item() - 0.5) < 1e-5 and w2.grad.item() == 0.0

# Gradients accumulate across backward calls until zeroed.
s = torch.tensor(3.0, requires_grad=True)
(s * s).backward()
(s * s).backward()
assert s.grad.item() == 12.0
s.grad.zero_()
(s**3).backward()
assert s.grad.item() == 27.0
print("ok")
