"""One framework's side of the separate-process benchmarks.

``python -m benchmarks.worker FRAMEWORK`` (numpy, tinygrad_scores, captured, pytorch, jax)
reads one JSON request a line on stdin and answers each with one line that starts with
MARK on stdout. It imports only NumPy and its own framework, so it runs under another
interpreter (a venv holding PyTorch or JAX). The thread count is fixed by the parent
through the environment before this process starts; BENCH_THREADS says which it is.

Requests: {"cmd": "info"}; {"cmd": "setup", "case": C, "min_time": s} builds the case,
runs it until warm and picks the calls per timed block; {"cmd": "time", "case": C} runs
it untimed for WARM_S (its own thread pools wake up), then one timed block, and answers
the seconds per call. A case is {"kind": "step", "shape": [batch, in, hidden, out]} or
{"kind": "op", "op": NAME, "size": [rows, cols], "mode": one of MODES}."""

import json
import os
import sys
import time

import numpy as np

MARK = "@@bench "
WARM_S = 0.003
MODES = ("fwd", "fwd grad", "fwd+bwd")


def step_data(batch, n_in, hidden, n_out):
    """The same parameters (PyTorch's Linear initialisation), inputs and labels in every
    process: float32 arrays from one seeded generator."""
    rng = np.random.default_rng(0)
    params = []
    for fan_in, fan_out in ((n_in, hidden), (hidden, n_out)):
        bound = 1 / np.sqrt(fan_in)
        params.append(rng.uniform(-bound, bound, (fan_out, fan_in)).astype(np.float32))
        params.append(rng.uniform(-bound, bound, fan_out).astype(np.float32))
    x = rng.standard_normal((batch, n_in)).astype(np.float32)
    y = rng.integers(0, n_out, batch)
    return params, x, y


def step_model(T, batch, n_in, hidden, n_out):
    """(model, Adam, inputs, labels) of the step in PyTorch or tinygrad_scores (``T``)."""
    params, x, y = step_data(batch, n_in, hidden, n_out)
    nn = T.nn
    model = nn.Sequential(nn.Linear(n_in, hidden), nn.ReLU(), nn.Linear(hidden, n_out))
    with T.no_grad():
        for p, a in zip(model.parameters(), params):
            p.copy_(T.from_numpy(a))
    opt = T.optim.Adam(model.parameters(), lr=1e-3)
    return model, opt, T.from_numpy(x), T.from_numpy(y)


def torch_like_step(T, captured, batch, n_in, hidden, n_out):
    """Forward, cross-entropy, backward and Adam in PyTorch or tinygrad_scores (``T``),
    the loss read each step; ``captured`` wraps the step in tinygrad_scores.compile."""
    nn = T.nn
    model, opt, tx, ty = step_model(T, batch, n_in, hidden, n_out)

    def step(tx, ty):
        loss = nn.functional.cross_entropy(model(tx), ty)
        opt.zero_grad()
        loss.backward()
        opt.step()
        return loss

    if not captured:
        return lambda: step(tx, ty).item(), None
    run = T.compile(step)
    first = run(tx, ty).item()  # the first loss, before any update: the parent compares it
    for _ in range(2):  # the second recorded call, then a replay
        run(tx, ty)
    note = None
    if run.eager_reason is not None or run._replay_step is None:
        note = f"captured step does NOT replay (runs eagerly: {run.eager_reason})"
    return lambda: run(tx, ty).item(), note, first


def numpy_step(batch, n_in, hidden, n_out):
    from .baselines import NumpyMLP

    params, x, y = step_data(batch, n_in, hidden, n_out)
    net = NumpyMLP(params)
    return lambda: float(net.step(x, y)), None


def jax_step(batch, n_in, hidden, n_out, lr=1e-3, b1=0.9, b2=0.999, eps=1e-8):
    """The same step in JAX: forward, cross-entropy, backward and Adam in one jax.jit."""
    import jax
    import jax.numpy as jnp

    def loss_fn(p, x, y):
        w1, c1, w2, c2 = p
        s = jnp.maximum(x @ w1.T + c1, 0) @ w2.T + c2
        return -jnp.mean(jax.nn.log_softmax(s)[jnp.arange(y.shape[0]), y])

    @jax.jit
    def step(p, m, v, t, x, y):
        loss, g = jax.value_and_grad(loss_fn)(p, x, y)
        t = t + 1
        m = [b1 * mi + (1 - b1) * gi for mi, gi in zip(m, g)]
        v = [b2 * vi + (1 - b2) * gi * gi for vi, gi in zip(v, g)]
        p = [
            pi - lr / (1 - b1**t) * mi / (jnp.sqrt(vi / (1 - b2**t)) + eps)
            for pi, mi, vi in zip(p, m, v)
        ]
        return p, m, v, t, loss

    params, x, y = step_data(batch, n_in, hidden, n_out)
    state = {"p": [jnp.asarray(q) for q in params], "t": jnp.float32(0)}
    state["m"] = [jnp.zeros_like(q) for q in state["p"]]
    state["v"] = [jnp.zeros_like(q) for q in state["p"]]
    xj, yj = jnp.asarray(x), jnp.asarray(y)

    def run():
        state["p"], state["m"], state["v"], state["t"], loss = step(
            state["p"], state["m"], state["v"], state["t"], xj, yj
        )
        return float(loss)  # the loss read each step, as the other columns do

    return run, None


# The common small ops, each written once for PyTorch and tinygrad_scores (same API).
# a, b: rows x cols; w: cols x cols; bias: cols; t: class labels; all inputs in [0.5, 1.5)
# so that log, sqrt and div take their ordinary path.
OPS = {
    "add": lambda T, F, v: v["a"] + v["b"],
    "sub": lambda T, F, v: v["a"] - v["b"],
    "mul": lambda T, F, v: v["a"] * v["b"],
    "div": lambda T, F, v: v["a"] / v["b"],
    "add bias (broadcast)": lambda T, F, v: v["a"] + v["bias"],
    "neg": lambda T, F, v: -v["a"],
    "pow 2": lambda T, F, v: v["a"] ** 2,
    "matmul": lambda T, F, v: v["a"] @ v["w"],
    "linear": lambda T, F, v: F.linear(v["a"], v["w"], v["bias"]),
    "relu": lambda T, F, v: F.relu(v["a"]),
    "tanh": lambda T, F, v: v["a"].tanh(),
    "sigmoid": lambda T, F, v: v["a"].sigmoid(),
    "exp": lambda T, F, v: v["a"].exp(),
    "log": lambda T, F, v: v["a"].log(),
    "sqrt": lambda T, F, v: v["a"].sqrt(),
    "sum": lambda T, F, v: v["a"].sum(),
    "mean": lambda T, F, v: v["a"].mean(),
    "sum dim=1": lambda T, F, v: v["a"].sum(1),
    "amax dim=1": lambda T, F, v: v["a"].amax(1),
    "reshape": lambda T, F, v: v["a"].reshape(-1),
    "view": lambda T, F, v: v["a"].view(v["a"].shape[1], -1),
    "transpose": lambda T, F, v: v["a"].t(),
    "index a[2:5, 1]": lambda T, F, v: v["a"][2:5, 1],
    "cat": lambda T, F, v: T.cat([v["a"], v["b"]]),
    "softmax": lambda T, F, v: F.softmax(v["a"], dim=1),
    "log_softmax": lambda T, F, v: F.log_softmax(v["a"], dim=1),
    "cross_entropy": lambda T, F, v: F.cross_entropy(v["a"], v["t"]),
    "mse_loss": lambda T, F, v: F.mse_loss(v["a"], v["b"]),
}


def op_case(T, name, rows, cols, mode):
    """A callable running one op of OPS: forward without gradients ("fwd"), forward on
    inputs that require them ("fwd grad", the graph is recorded), or forward and backward
    with a given output gradient ("fwd+bwd", the leaves' .grad reset each call)."""
    rng = np.random.default_rng(1)
    grad = mode != "fwd"
    arrays = {
        "a": rng.uniform(0.5, 1.5, (rows, cols)),
        "b": rng.uniform(0.5, 1.5, (rows, cols)),
        "w": rng.uniform(0.5, 1.5, (cols, cols)),
        "bias": rng.uniform(0.5, 1.5, cols),
    }
    v = {k: T.tensor(a.astype(np.float32), requires_grad=grad) for k, a in arrays.items()}
    v["t"] = T.from_numpy(rng.integers(0, cols, rows))
    op, F = OPS[name], T.nn.functional
    if mode != "fwd+bwd":
        return lambda: op(T, F, v)
    leaves = [v[k] for k in ("a", "b", "w", "bias")]
    out_grad = T.ones_like(op(T, F, v))

    def fwd_bwd():
        for leaf in leaves:
            leaf.grad = None
        op(T, F, v).backward(out_grad)

    return fwd_bwd


def load(framework):
    """(versions, case -> (callable, note)) for ``framework``."""
    versions = {"numpy": np.__version__, "python": sys.version.split()[0]}
    if framework in ("tinygrad_scores", "captured", "pytorch"):
        if framework == "pytorch":
            import torch as T

            threads = int(os.environ.get("BENCH_THREADS", "0"))
            if threads:
                T.set_num_threads(threads)
            versions["pytorch"] = T.__version__
        else:
            import numba

            import tinygrad_scores as T

            versions["numba"] = numba.__version__
            versions["blas"] = _blas()

        def make(case):
            if case["kind"] == "step":
                return torch_like_step(T, framework == "captured", *case["shape"])
            return op_case(T, case["op"], *case["size"], case["mode"]), None

        return versions, make
    if framework == "jax":
        import jax

        versions["jax"] = jax.__version__
        return versions, lambda case: jax_step(*case["shape"])
    if framework == "numpy":
        versions["blas"] = _blas()
        return versions, lambda case: numpy_step(*case["shape"])
    raise SystemExit(f"unknown framework {framework!r}")


def _blas():
    try:
        lib = np.show_config(mode="dicts")["Build Dependencies"]["blas"]
        return f"{lib['name']} {lib.get('version', '')}".strip()
    except Exception:  # older NumPy has no mode="dicts"
        return "unknown"


# BENCH_CLOCK=cpu: the process's CPU time instead of wall time, for one-thread work on a
# machine shared with other programs (time spent waiting for a core is not counted).
CLOCK = time.process_time if os.environ.get("BENCH_CLOCK") == "cpu" else time.perf_counter


def _block(fn, calls):
    start = time.perf_counter()
    while time.perf_counter() - start < WARM_S:
        fn()
    start = CLOCK()
    for _ in range(calls):
        fn()
    return (CLOCK() - start) / calls


def serve(framework):
    versions, make = load(framework)
    cases = {}  # json of the case -> [callable, calls per timed block]
    out = sys.stdout
    for line in sys.stdin:
        req = json.loads(line)
        try:
            if req["cmd"] == "info":
                answer = versions
            else:
                key = json.dumps(req["case"], sort_keys=True)
                if req["cmd"] == "setup":
                    fn, note, *first = make(req["case"])
                    check = first[0] if first else fn()
                    fn()
                    n, start = 0, time.perf_counter()
                    while time.perf_counter() - start < req["min_time"] / 4 or n < 2:
                        fn()
                        n += 1
                    per_call = (time.perf_counter() - start) / n
                    cases[key] = [fn, max(1, int(req["min_time"] / per_call))]
                    check = check if isinstance(check, float) else None
                    answer = {"check": check, "note": note}
                else:
                    fn, calls = cases[key]
                    answer = {"seconds": _block(fn, calls)}
        except Exception as exc:  # the parent prints it under the row
            answer = {"error": f"{type(exc).__name__}: {exc}"}
        out.write(MARK + json.dumps(answer) + "\n")
        out.flush()


if __name__ == "__main__":
    serve(sys.argv[1])
