"""The grid of random draws compared with PyTorch's, bit for bit (tests/test_random_streams.py).

Each case is a function of a module that has PyTorch's API (``tinygrad_scores`` in the
tests; ``torch`` in tools/make_rng_golden.py, which stores PyTorch's answers in
tests/golden/rng.npz) and returns a list of arrays. After each case a probe draws three
float64 normals one at a time, which shows whether the case left the generator where
PyTorch leaves it: the same number of words spent, and the same cached normal sample.
"""

import math

import numpy as np

SEEDS = (0, 42, 2**32 + 7)  # the last: only its low 32 bits seed the Mersenne Twister
SIZES = (1, 15, 16, 17, 1000)
DTYPES = ("float32", "float64")


def arrays(values):
    return [np.asarray(v.detach().numpy() if hasattr(v, "detach") else v) for v in values]


def strided(torch, dtype, kind):
    """Two non-contiguous tensors: a transpose (dense) and a column slice (with gaps)."""
    if kind == "t":
        return torch.empty(5, 8, dtype=dtype).t()
    return torch.empty(6, 10, dtype=dtype)[:, ::2]


def _filled(method, *args):
    def case(torch, dtype, size):
        if isinstance(size, str):
            t = strided(torch, dtype, size)
        else:
            t = torch.empty(size, dtype=dtype)
        getattr(t, method)(*args)
        return [t]

    return case


def _created(name):
    def case(torch, dtype, size):
        return [getattr(torch, name)(size, dtype=dtype)]

    return case


def _like(name):
    def case(torch, dtype, size):
        return [getattr(torch, name)(strided(torch, dtype, size))]

    return case


def _dtype(torch, name):
    return getattr(torch, name)


# name -> (function(torch, dtype, size), dtypes, sizes)
FLOAT_CASES = {
    "rand": (_created("rand"), SIZES),
    "randn": (_created("randn"), SIZES),
    "uniform_": (_filled("uniform_", -0.3, 0.7), SIZES + ("t", "s")),
    "normal_": (_filled("normal_", 0.5, 2.0), SIZES + ("t", "s")),
    "exponential_": (_filled("exponential_", 1.5), (1, 17, 100, "s")),
    "bernoulli_scalar": (_filled("bernoulli_", 0.3), (1, 17, 100, "t")),
    "cauchy_": (_filled("cauchy_", 0.5, 2.0), (1, 17, 100, "t")),
    "log_normal_": (_filled("log_normal_", 0.3, 0.5), (1, 17, 100, "s")),
    "geometric_": (_filled("geometric_", 0.3), (1, 17, 100)),
    "rand_like": (_like("rand_like"), ("t", "s")),
    "randn_like": (_like("randn_like"), ("t", "s")),
}


def _random_int_cases():
    def full(dtype):
        return lambda torch: [torch.empty(20, dtype=_dtype(torch, dtype)).random_()]

    cases = {
        f"random_/{d}": full(d)
        for d in ("int64", "int32", "int16", "int8", "uint8", "bool", "float32", "float64")
    }
    cases.update(
        {
            "random_/to": lambda torch: [torch.empty(20, dtype=torch.int64).random_(10)],
            "random_/from_to": lambda torch: [torch.empty(20, dtype=torch.int32).random_(-3, 7)],
            "random_/from": lambda torch: [torch.empty(9, dtype=torch.int16).random_(100, None)],
            "random_/int64_min": lambda torch: [
                torch.empty(5, dtype=torch.int64).random_(-(2**63), None)
            ],
            "random_/float_from_to": lambda torch: [torch.empty(9).random_(-4, 5)],
            "random_/scalar": lambda torch: [torch.empty((), dtype=torch.int64).random_()],
            "geometric_/int64": lambda torch: [torch.empty(9, dtype=torch.int64).geometric_(0.7)],
            "randint/high_size_kw": lambda torch: [torch.randint(9, size=(17,))],
            "randint/low_high": lambda torch: [torch.randint(3, 10, (4, 5))],
            "randint/keywords": lambda torch: [torch.randint(low=-2, high=2, size=(16,))],
            "randint/wide": lambda torch: [torch.randint(-5, 2**33, (17,))],
            "randint/dtype": lambda torch: [
                torch.randint(0, 100, (15,), dtype=torch.float32),
                torch.randint(0, 100, (15,), dtype=torch.int32),
            ],
            "randint_like": lambda torch: [
                torch.randint_like(torch.empty(3, 4).t(), 10),
                torch.randint_like(torch.empty(17, dtype=torch.int32), -5, 5),
            ],
        }
    )
    for n in (0, 1, 2, 15, 16, 17, 1000):
        cases[f"randperm/{n}"] = lambda torch, n=n: [torch.randperm(n)]
    cases["randperm/dtype"] = lambda torch: [torch.randperm(20, dtype=torch.float32)]
    return cases


def _tensor_cases():
    def probs(torch, dtype, shape=(3, 7)):
        w = torch.arange(1, math.prod(shape) + 1, dtype=dtype).reshape(shape) % 5
        return w / (w.max() + 1)

    cases = {}
    for d in DTYPES:
        cases.update(
            {
                f"bernoulli/{d}": lambda torch, d=d: [
                    torch.bernoulli(probs(torch, _dtype(torch, d)))
                ],
                f"bernoulli_p/{d}": lambda torch, d=d: [
                    torch.bernoulli(torch.empty(17, dtype=_dtype(torch, d)), 0.25)
                ],
                f"bernoulli_tensor_/{d}": lambda torch, d=d: [
                    torch.zeros(3, 7).bernoulli_(probs(torch, _dtype(torch, d)))
                ],
                f"normal/tensor_tensor/{d}": lambda torch, d=d: [
                    torch.normal(
                        torch.arange(20, dtype=_dtype(torch, d)),
                        torch.arange(20, dtype=_dtype(torch, d)) / 10 + 0.1,
                    )
                ],
                f"normal/tensor_float/{d}": lambda torch, d=d: [
                    torch.normal(torch.arange(15, dtype=_dtype(torch, d)), 1.5)
                ],
                f"normal/float_tensor/{d}": lambda torch, d=d: [
                    torch.normal(0.3, torch.arange(1, 18, dtype=_dtype(torch, d)) / 7)
                ],
                f"normal/float_float/{d}": lambda torch, d=d: [
                    torch.normal(0.5, 2.0, (4, 5), dtype=_dtype(torch, d))
                ],
            }
        )
        for replacement in (False, True):
            for n in (1, 3):
                cases[f"multinomial/{d}/{replacement}/{n}"] = (
                    lambda torch, d=d, r=replacement, n=n: [
                        torch.multinomial(probs(torch, _dtype(torch, d)), n, r),
                        torch.multinomial(probs(torch, _dtype(torch, d), (9,)), n, r),
                    ]
                )
    cases["multinomial/many"] = lambda torch: [
        torch.multinomial(torch.tensor([0.1, 0.2, 0.3, 0.4]), 50, True)
    ]
    return cases


def _nn_cases():
    def init(name, *args, shape=(7, 5), **kwargs):
        def case(torch):
            t = torch.empty(shape)
            getattr(torch.nn.init, name)(t, *args, **kwargs)
            return [t]

        return case

    def with_generator(torch):
        g = torch.Generator().manual_seed(123)
        t = torch.empty(4, 6)
        torch.nn.init.xavier_normal_(t, generator=g)
        return [t, torch.rand(3, generator=g)]

    def linear(torch):
        layer = torch.nn.Linear(13, 7)
        return [layer.weight, layer.bias]

    def embedding(torch):
        return [torch.nn.Embedding(10, 3, padding_idx=2).weight]

    def dropout(torch):
        x = torch.ones(40, 5)
        out = [torch.nn.functional.dropout(x, 0.3), torch.nn.Dropout(0.5)(x[:7])]
        out.append(torch.nn.functional.dropout(torch.ones(17, dtype=torch.float64), 0.2))
        return out

    return {
        "init/uniform_": init("uniform_", -2.0, 3.0),
        "init/normal_": init("normal_", 1.0, 0.5),
        "init/xavier_uniform_": init("xavier_uniform_", 2.0),
        "init/xavier_normal_": init("xavier_normal_"),
        "init/kaiming_uniform_": init("kaiming_uniform_", math.sqrt(5)),
        "init/kaiming_normal_": init("kaiming_normal_", mode="fan_out", nonlinearity="relu"),
        "init/kaiming_normal_big": init("kaiming_normal_", shape=(64, 32)),
        "init/trunc_normal_": init("trunc_normal_", 0.0, 1.0, -1.0, 1.5, shape=(40, 30)),
        "init/trunc_normal_tail": init("trunc_normal_", 0.0, 1.0, 2.0, 3.0, shape=(10, 3)),
        "init/orthogonal_": init("orthogonal_", 1.5),
        "init/sparse_": init("sparse_", 0.4),
        "init/generator": with_generator,
        "module/linear": linear,
        "module/embedding": embedding,
        "dropout": dropout,
    }


def _generator_cases():
    def own(torch):
        g = torch.Generator()
        g.manual_seed(7)
        a = torch.randn(20, generator=g)
        b = torch.randn(3, generator=g, dtype=torch.float64)  # leaves a cached sample
        return [a, b, g.get_state(), torch.rand(2, generator=g)]

    def default_state(torch):
        g = torch.Generator()
        return [np.array(g.initial_seed(), np.uint64), g.get_state()]

    def seeded_state(torch):
        state = [torch.get_rng_state()]
        torch.rand(700)
        state.append(torch.get_rng_state())
        return state

    def data(torch):
        dataset = torch.utils.data.TensorDataset(torch.arange(10))
        loader = torch.utils.data.DataLoader(dataset, batch_size=3, shuffle=True)
        epochs = [torch.cat([b[0] for b in loader]) for _ in range(2)]
        g = torch.Generator().manual_seed(5)
        loader = torch.utils.data.DataLoader(dataset, batch_size=4, shuffle=True, generator=g)
        epochs += [torch.cat([b[0] for b in loader]) for _ in range(2)]
        return epochs

    def split(torch):
        parts = torch.utils.data.random_split(range(10), [3, 7])
        parts += torch.utils.data.random_split(range(10), [0.3, 0.7])
        parts += torch.utils.data.random_split(
            range(12), [5, 7], generator=torch.Generator().manual_seed(1)
        )
        return [np.array(list(p)) for p in parts]

    return {
        "generator/own": own,
        "generator/default_state": default_state,
        "generator/seeded_state": seeded_state,
        "data/loader_shuffle": data,
        "data/random_split": split,
    }


def all_cases():
    """name -> function(torch) returning a list of arrays, over the whole grid."""
    cases = {}
    for name, (fn, sizes) in FLOAT_CASES.items():
        for d in DTYPES:
            for size in sizes:
                cases[f"{name}/{d}/{size}"] = lambda torch, fn=fn, d=d, s=size: fn(
                    torch, _dtype(torch, d), s
                )
    cases.update(_random_int_cases())
    cases.update(_tensor_cases())
    cases.update(_nn_cases())
    cases.update(_generator_cases())
    return cases


def run(torch, name, case, seed):
    """The case's arrays after manual_seed(seed), then the probe's three normals."""
    torch.manual_seed(seed)
    out = arrays(case(torch))
    probe = [torch.randn(1, dtype=torch.float64) for _ in range(3)]
    return out + [np.concatenate(arrays(probe))]
