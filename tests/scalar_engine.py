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
    __slots__ = ("data", "grad", "parents")

    def __init__(self, data, parents=()):
        self.data = float(data)
        self.grad = 0.0
        self.parents = parents  # ((input Value, d self / d input), ...)

    def __add__(self, other):
        other = lift(other)
        return Value(self.data + other.data, ((self, 1.0), (other, 1.0)))

    __radd__ = __add__

    def __mul__(self, other):
        other = lift(other)
        return Value(self.data * other.data, ((self, other.data), (other, self.data)))

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

    def reciprocal(self):
        return Value(1.0 / self.data, ((self, -1.0 / self.data**2),))

    def __pow__(self, k):
        assert isinstance(k, (int, float))
        return Value(self.data**k, ((self, k * self.data ** (k - 1)),))

    def exp(self):
        e = math.exp(self.data)
        return Value(e, ((self, e),))

    def log(self):
        return Value(math.log(self.data), ((self, 1.0 / self.data),))

    def sqrt(self):
        r = math.sqrt(self.data)
        return Value(r, ((self, 0.5 / r),))

    def tanh(self):
        t = math.tanh(self.data)
        return Value(t, ((self, 1.0 - t * t),))

    def sigmoid(self):
        s = 1.0 / (1.0 + math.exp(-self.data))
        return Value(s, ((self, s * (1.0 - s)),))

    def backward(self):
        order, seen = [], set()

        def visit(v):
            if id(v) in seen:
                return
            seen.add(id(v))
            for parent, _ in v.parents:
                visit(parent)
            order.append(v)  # after every input: a true topological order

        visit(self)
        self.grad = 1.0
        for v in reversed(order):
            for parent, local in v.parents:
                parent.grad += local * v.grad


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
    return np.vectorize(lambda v: v.grad, otypes=[float])(a) if a.size else np.zeros(a.shape)


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
