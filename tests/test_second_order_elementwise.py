"""Second derivatives of the elementwise ops (arithmetic, elementwise, math, activations):
gradgradcheck in float64 on hypothesis-drawn shapes, values kept off kinks and domain edges."""

from second_order import Registry, leaf64
from strategies import broadcast_pairs, shapes, values

REGISTRY = Registry()
case = REGISTRY.case


def _unary(data, low=-2.0, high=2.0):
    return leaf64(data.draw(values(data.draw(shapes), low, high)))


@case("Sin")
def sin(data):
    return (lambda a: a.sin()), [_unary(data)]


@case("Mul", "Add")
def mul_add_broadcast(data):
    sa, sb = data.draw(broadcast_pairs())
    a, b = leaf64(data.draw(values(sa))), leaf64(data.draw(values(sb)))
    return (lambda x, y: x * y + x * x), [a, b]


test_second_derivative = REGISTRY.test()
