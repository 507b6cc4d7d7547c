"""A tiny scalar reverse-mode engine, micrograd-style: one ``Value`` per element.

It shares no code with tinygrad_scores and is written to be obviously right rather than
fast: each op records its inputs and the local derivative d out / d input as a number,
and ``backward`` walks a topological order built by a recursive depth-first search that
appends a node only after all of its inputs (the textbook construction). The graph tests
use it as the second oracle, beside finite differences.
"""

import math

import numpy as np


class Value:
    """A scalar with the edges to its inputs. Each edge holds the local derivative
    d self / d input as a function returning a Value, so that ``backward(create_graph=True)``
    builds the gradient out of Values too, and a gradient can be differentiated again."""

    __slots__ = ("data", "grad", "parents")

    def __init__(self, data, parents=()):
        self.data = float(data)
        self.grad = 0.0
        self.parents = parents  # ((input Value, () -> d self / d input as a Value), ...)

    def __add__(self, other):
        other = lift(other)
        return Value(self.data + other.data, ((self, one), (other, one)))

    __radd__ = __add__

    def __mul__(self, other):
        other = lift(other)
        return Value(self.data * other.data, ((self, lambda: other), (other, lambda: self)))

    __rmul__ = __mul__

    def __neg__(self):
        return self * -1.0

    def __sub__(self, other):
        return self + (-lift(other))

    def __rsub__(self, other):
        return lift(other) + (-self)

    def __truediv__(self, other):
        other = lift(other)
        return self * other.reciprocal()

    def _unary(self, data, local):
        """A Value of ``data`` whose local derivative is ``local(out)`` (a Value)."""
        out = Value(data)
        out.parents = ((self, lambda: local(out)),)
        return out

    def reciprocal(self):
        return self._unary(1.0 / self.data, lambda out: -(out * out))

    def __pow__(self, k):
        assert isinstance(k, (int, float))
        return self._unary(self.data**k, lambda out: k * self ** (k - 1) if k != 1 else one())

    def exp(self):
        return self._unary(math.exp(self.data), lambda out: out)

    def log(self):
        return self._unary(math.log(self.data), lambda out: self.reciprocal())

    def sqrt(self):
        return self._unary(math.sqrt(self.data), lambda out: 0.5 * out.reciprocal())

    def tanh(self):
        return self._unary(math.tanh(self.data), lambda out: 1.0 - out * out)

    def sigmoid(self):
        return self._unary(1.0 / (1.0 + math.exp(-self.data)), lambda out: out * (1.0 - out))

    def backward(self, create_graph=False):
        """Gradients of self into every Value's ``grad``: numbers, or with ``create_graph``
        Values whose own graph leads back to the inputs (micrograd's loop, one level up)."""
        order, seen = [], set()

        def visit(v):
            if id(v) in seen:
                return
            seen.add(id(v))
            for parent, _ in v.parents:
                visit(parent)
            order.append(v)  # after every input: a true topological order

        visit(self)
        for v in order:
            v.grad = Value(0.0) if create_graph else 0.0
        self.grad = Value(1.0) if create_graph else 1.0
        for v in reversed(order):
            for parent, local in v.parents:
                if create_graph:
                    parent.grad = parent.grad + local() * v.grad
                else:
                    parent.grad += local().data * v.grad


def one():
    return Value(1.0)


def lift(x):
    return x if isinstance(x, Value) else Value(x)


def array_of_values(a):
    out = np.empty(np.shape(a), dtype=object)
    for index in np.ndindex(out.shape):
        out[index] = Value(np.asarray(a)[index])
    return out


def values(a):
    return np.vectorize(lambda v: v.data, otypes=[float])(a) if a.size else np.zeros(a.shape)


def grads(a):
    def number(v):
        return v.grad.data if isinstance(v.grad, Value) else v.grad

    return np.vectorize(number, otypes=[float])(a) if a.size else np.zeros(a.shape)


def elementwise(fn, *arrays):
    shape = np.broadcast_shapes(*(np.shape(a) for a in arrays))
    arrays = [np.broadcast_to(a, shape) for a in arrays]
    out = np.empty(shape, dtype=object)
    for index in np.ndindex(shape):
        out[index] = fn(*(a[index] for a in arrays))
    return out


def reduce_sum(a, axis, keepdims):
    total = np.empty(np.delete(a.shape, axis) if a.ndim else (), dtype=object)
    moved = np.moveaxis(a, axis, -1)
    for index in np.ndindex(moved.shape[:-1]):
        acc = Value(0.0)
        for v in moved[index]:
            acc = acc + v
        total[index] = acc
    return np.expand_dims(total, axis) if keepdims else total


def softmax(a, axis):
    moved = np.moveaxis(a, axis, -1)
    out = np.empty(moved.shape, dtype=object)
    for index in np.ndindex(moved.shape[:-1]):
        row = moved[index]
        m = max(v.data for v in row)  # a constant shift: no gradient through it
        exps = [(v - m).exp() for v in row]
        total = Value(0.0)
        for e in exps:
            total = total + e
        for j, e in enumerate(exps):
            out[index + (j,)] = e / total
    return np.moveaxis(out, -1, axis)


def log_softmax(a, axis):
    moved = np.moveaxis(a, axis, -1)
    out = np.empty(moved.shape, dtype=object)
    for index in np.ndindex(moved.shape[:-1]):
        row = moved[index]
        m = max(v.data for v in row)
        total = Value(0.0)
        for v in row:
            total = total + (v - m).exp()
        log_total = total.log()
        for j, v in enumerate(row):
            out[index + (j,)] = v - m - log_total
    return np.moveaxis(out, -1, axis)
