"""The training steps and the per-op costs, each framework in its own process.

One long-lived worker process (benchmarks/worker.py) per framework and thread count, its
thread pools sized through the environment before it starts, so no two frameworks share a
pool or a process. Rounds are interleaved: each round times every case in every worker
(the order of the frameworks rotated), and a ratio is taken within each round, then the
median over rounds is reported."""

import importlib.util
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time

from .worker import MARK, MODES, OPS

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
THREAD_VARS = (
    "OMP_NUM_THREADS",
    "MKL_NUM_THREADS",
    "OPENBLAS_NUM_THREADS",
    "NUMBA_NUM_THREADS",
    "BENCH_THREADS",
)
CLOCK = {"clock": "wall"}  # set by run.main from --clock
# Between two requests: the worker that just ran lets its spinning threads go quiet, and
# its work leaves the 0.2 s window in which our kernels count other processes' busy cores
# (kernels/matmul._Team), before the next process starts its block, as when a user runs
# one program after the other. (At 2 ms, our 2-thread steps ran on one thread: the last
# framework's threads still counted as a busy core.) Workers pinned to one thread have
# no team to spin: 2 ms.
PAUSE_S = {1: 0.002}
PAUSE_THREADED_S = 0.3


class WorkerFailed(RuntimeError):
    pass


class Worker:
    def __init__(self, framework, python, threads):
        self.framework = framework
        self.threads = threads
        env = dict(os.environ, PYTHONPATH=os.pathsep.join([ROOT, os.environ.get("PYTHONPATH", "")]))
        for var in THREAD_VARS:
            env[var] = str(threads)
        env["BENCH_CLOCK"] = CLOCK["clock"]
        # What a user's program runs with: the spin timeout that this process sets for
        # its own two pools (benchmarks/__main__.py) is not theirs.
        if os.environ.get("OPENBLAS_THREAD_TIMEOUT") == "16":
            env.pop("OPENBLAS_THREAD_TIMEOUT")
        if threads == 1:
            # XLA keeps a thread pool of its own whatever the thread variables say.
            env["XLA_FLAGS"] = (
                env.get("XLA_FLAGS", "")
                + " --xla_cpu_multi_thread_eigen=false intra_op_parallelism_threads=1"
            )
        self.stderr = tempfile.TemporaryFile(mode="w+")
        cmd = [python, "-m", "benchmarks.worker", framework]
        if threads == 1 and sys.platform.startswith("linux"):
            cmd = ["taskset", "-c", str(min(os.sched_getaffinity(0))), *cmd]
        self.proc = subprocess.Popen(
            cmd,
            cwd=ROOT,
            env=env,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=self.stderr,
            text=True,
        )

    def ask(self, **request):
        try:
            self.proc.stdin.write(json.dumps(request) + "\n")
            self.proc.stdin.flush()
            for line in self.proc.stdout:
                if line.startswith(MARK):
                    answer = json.loads(line[len(MARK) :])
                    if "error" in answer:
                        raise WorkerFailed(answer["error"])
                    return answer
        except BrokenPipeError:
            pass
        self.stderr.seek(0)
        tail = self.stderr.read().strip().splitlines()[-1:] or ["no output"]
        raise WorkerFailed(f"{self.framework} worker stopped: {tail[0]}")

    def close(self):
        if self.proc.poll() is None:
            self.proc.stdin.close()
            self.proc.wait(timeout=30)
        self.stderr.close()


def find_python(option, module):
    """The interpreter for a PyTorch or JAX worker: the one given, else this one when it
    imports ``module``; (None, why) when neither."""
    if option:
        return option, None
    if importlib.util.find_spec(module) is not None:
        return sys.executable, None
    flag = "--torch-python" if module == "torch" else "--jax-python"
    return None, f"{module} is not importable here: skipped (give {flag} PATH)"


def start_workers(pythons, threads, notes, versions):
    """One worker per framework whose interpreter is known; a failed start becomes a
    note. ``versions`` collects what each worker reports."""
    workers = {}
    for name, python in pythons.items():
        worker = Worker(name, python, threads)
        try:
            versions.update(worker.ask(cmd="info"))
            workers[name] = worker
        except WorkerFailed as exc:
            notes.append(f"{name} skipped: {exc}")
            worker.close()
    return workers


def compare(cases, workers, repeats, min_time):
    """case label -> framework -> per-round seconds, each case set up in each worker,
    then ``repeats`` interleaved rounds. Also label -> the worker's checks and notes."""
    checks = {label: {} for label in cases}
    for label, case in cases.items():
        for name, worker in list(workers.items()):
            try:
                checks[label][name] = worker.ask(cmd="setup", case=case, min_time=min_time)
            except WorkerFailed as exc:
                checks[label][name] = {"error": str(exc)}
    samples = {label: {} for label in cases}
    names = list(workers)
    for rnd in range(repeats):
        order = names[rnd % len(names) :] + names[: rnd % len(names)]
        for label, case in cases.items():
            for name in order:
                if "error" in checks[label][name]:
                    continue
                time.sleep(PAUSE_S.get(workers[name].threads, PAUSE_THREADED_S))
                seconds = workers[name].ask(cmd="time", case=case)["seconds"]
                samples[label].setdefault(name, []).append(seconds)
    return samples, checks


def run_cases(cases, pythons, threads, repeats, min_time, notes, versions):
    """``compare`` on fresh workers at ``threads`` threads, closed afterwards."""
    workers = start_workers(pythons, threads, notes, versions)
    try:
        return compare(cases, workers, repeats, min_time)
    finally:
        for worker in workers.values():
            worker.close()


def summarise(samples, bases):
    """A row's framework -> {median_s, min_s, max_s, ratio_vs_BASE...}: each ratio the
    median over rounds of the ratio within the round."""
    row = {}
    for name, times in samples.items():
        cell = {
            "median_s": statistics.median(times),
            "min_s": min(times),
            "max_s": max(times),
            "gflops": None,
        }
        for base in bases:
            if base in samples:
                cell["ratio_vs_" + base] = statistics.median(
                    t / b for t, b in zip(times, samples[base])
                )
        row[name] = cell
    return row


STEP_SHAPES = {
    "seed 64: 784-128-2": (64, 784, 128, 2),
    "mnist 128: 784-256-10": (128, 784, 256, 10),
    "bigger 512: 784-1024-10": (512, 784, 1024, 10),
    "tiny 8: 4-16-3": (8, 4, 16, 3),
}
QUICK_SHAPES = ("seed 64: 784-128-2", "tiny 8: 4-16-3")


def step_rows(quick, repeats, min_time, threads, pythons, versions, notes):
    """One row per network and thread count: forward, cross-entropy, backward and Adam,
    the loss read each step, in NumPy, ours (eager and captured), PyTorch and JAX."""
    shapes = {k: v for k, v in STEP_SHAPES.items() if not quick or k in QUICK_SHAPES}
    cases = {label: {"kind": "step", "shape": list(shape)} for label, shape in shapes.items()}
    rows = []
    for n in threads:
        samples, checks = run_cases(cases, pythons, n, repeats, min_time, notes, versions)
        for label, shape in shapes.items():
            batch, n_in, hidden, n_out = shape
            row = {
                "group": "train_step",
                "case": f"train step {batch}: {n_in}-{hidden}-{n_out} ({n} thr)",
                "threads": n,
                **summarise(samples[label], ("numpy", "jax", "pytorch")),
            }
            flops = 3 * 2 * batch * (n_in * hidden + hidden * n_out)
            for name in samples[label]:
                row[name]["gflops"] = flops / row[name]["median_s"] / 1e9
            row["note"] = _check_note(checks[label])
            row["captured_replays"] = "captured" in row and not any(
                "does NOT replay" in (c.get("note") or "") for c in checks[label].values()
            )
            rows.append(row)
    return rows


def _check_note(checks):
    """The errors and notes of a row's workers, and a complaint when the first losses
    (the same parameters and data everywhere) disagree."""
    parts = [f"{n}: {c['error']}" for n, c in checks.items() if "error" in c]
    parts += [c["note"] for c in checks.values() if c.get("note")]
    losses = {n: c["check"] for n, c in checks.items() if c.get("check") is not None}
    if losses and max(losses.values()) - min(losses.values()) > 1e-4 * max(
        1.0, abs(min(losses.values()))
    ):
        parts.append(f"first losses disagree: {losses}")
    return "; ".join(parts) or None


OP_SIZES = ((8, 16), (64, 64))


def op_rows(repeats, min_time, threads, pythons, versions, notes):
    """One row per op of benchmarks.worker.OPS, size and mode: ours and PyTorch, each in
    its own process."""
    cases = {
        f"{op} {r}x{c} {mode}": {"kind": "op", "op": op, "size": [r, c], "mode": mode}
        for r, c in OP_SIZES
        for mode in MODES
        for op in OPS
    }
    pythons = {k: pythons[k] for k in ("tinygrad_scores", "pytorch") if k in pythons}
    samples, checks = run_cases(cases, pythons, threads, repeats, min_time, notes, versions)
    rows = []
    for label in cases:
        row = {"group": "op", "case": label, "threads": threads}
        row.update(summarise(samples[label], ("pytorch",)))
        row["note"] = _check_note(checks[label])
        rows.append(row)
    return rows
