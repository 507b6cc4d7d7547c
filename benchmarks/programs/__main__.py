"""Whole PyTorch programs of many small ops, timed under PyTorch and under ours.

    python -m benchmarks.programs [--rounds 5] [--threads 1,default] [--only bigram]
        [--torch-python /work/torchvenv/bin/python] [--json PATH]
    python -m benchmarks --only programs ...          (the same)

Each program in this folder is one file written for PyTorch (``import torch``). PyTorch
runs it as it is; ours runs the same file through ``python -m tinygrad_scores.run``,
which resolves ``import torch`` to this package. Every run is a fresh process, so a figure
is what a user waits for: start-up, data preparation, training, evaluation and sampling.
``import torch`` alone is timed the same way (the "start-up" row) so it can be told apart.

Rounds are interleaved (the order of the frameworks alternates), each ratio is taken
within a round and the median over rounds is reported, beside the median wall and CPU
seconds. N threads: every thread variable N (at 1 the process is also pinned to one
core); "default": no thread variable set, as a user runs it. One untimed run of ours first
compiles any kernel that the cache lacks. The last line each program prints (its first
and last loss) must agree between the frameworks: the programs seed PyTorch's generator
and ours draws the same numbers, so a disagreement is reported.
"""

import argparse
import json
import os
import statistics
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
PROGRAMS = {
    "bigram": ("bigram.py", "bigram LM, 3,000 AdamW steps (batch 32, block 8)"),
    "makemore": ("makemore_mlp.py", "makemore MLP, 5,000 SGD steps (batch 32)"),
}
STARTUP = "start-up"
THREAD_VARS = ("OMP_NUM_THREADS", "MKL_NUM_THREADS", "OPENBLAS_NUM_THREADS", "NUMBA_NUM_THREADS")


def command(framework, python, program, steps):
    """The argv that runs ``program`` (a key of PROGRAMS, or STARTUP) under ``framework``."""
    if program == STARTUP:
        module = "torch" if framework == "pytorch" else "tinygrad_scores"
        return [python, "-c", f"import {module}"]
    script = os.path.join(HERE, PROGRAMS[program][0])
    extra = [str(steps)] if steps else []
    if framework == "pytorch":
        return [python, script, *extra]
    return [python, "-m", "tinygrad_scores.run", script, *extra]


def environment(threads):
    env = dict(os.environ, PYTHONPATH=os.pathsep.join([ROOT, os.environ.get("PYTHONPATH", "")]))
    env["TINYGRAD_SCORES_QUIET"] = "1"
    for var in THREAD_VARS:
        env.pop(var, None)
        if threads != "default":
            env[var] = threads
    return env


def run_once(argv, threads):
    """(wall seconds, the last line the program printed); its CPU time is read by the
    caller from the growth of the children's CPU time."""
    if threads == "1" and sys.platform.startswith("linux"):
        argv = ["taskset", "-c", str(min(os.sched_getaffinity(0))), *argv]
    t0 = time.perf_counter()
    proc = subprocess.Popen(
        argv, cwd=HERE, env=environment(threads), stdout=subprocess.PIPE, stderr=subprocess.PIPE
    )
    out, err = proc.communicate()
    wall = time.perf_counter() - t0
    if proc.returncode != 0:
        raise RuntimeError(f"{' '.join(argv)} failed:\n{err.decode()[-2000:]}")
    lines = out.decode().strip().splitlines()
    return wall, lines[-1] if lines else ""


def cpu_of_children():
    usage = os.times()
    return usage.children_user + usage.children_system


def measure(programs, pythons, threads, rounds, steps):
    """program -> framework -> list of (wall, cpu) per round, and program -> framework ->
    last line printed."""
    samples = {p: {f: [] for f in pythons} for p in programs}
    last = {p: {} for p in programs}
    for program in programs:  # warm-up: kernel compiles, file caches
        if program != STARTUP:
            run_once(command("ours", pythons["ours"], program, steps), threads)
    names = list(pythons)
    for rnd in range(rounds):
        order = names[rnd % len(names) :] + names[: rnd % len(names)]
        for program in programs:
            for name in order:
                cpu0 = cpu_of_children()
                wall, line = run_once(command(name, pythons[name], program, steps), threads)
                samples[program][name].append((wall, cpu_of_children() - cpu0))
                last[program][name] = line
    return samples, last


def summarise(samples):
    med = statistics.median
    row = {}
    for name, pairs in samples.items():
        row[name] = {
            "wall_s": med(w for w, _ in pairs),
            "cpu_s": med(c for _, c in pairs),
            "min_wall_s": min(w for w, _ in pairs),
        }
    if "pytorch" in samples:
        for clock, i in (("wall", 0), ("cpu", 1)):
            row[f"ratio_{clock}"] = med(
                o[i] / t[i] for o, t in zip(samples["ours"], samples["pytorch"])
            )
    return row


def main(argv=None):
    parser = argparse.ArgumentParser(prog="python -m benchmarks.programs", description=__doc__)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument(
        "--threads",
        default="1,default",
        help="comma-separated thread counts; default: no thread variable set",
    )
    parser.add_argument("--only", choices=sorted(PROGRAMS), action="append")
    parser.add_argument("--steps", type=int, help="training steps (default: the program's)")
    parser.add_argument(
        "--torch-python", default=os.environ.get("TORCH_PYTHON", "/work/torchvenv/bin/python")
    )
    parser.add_argument("--json", metavar="PATH")
    args = parser.parse_args(argv)
    pythons = {"ours": sys.executable}
    if os.path.exists(args.torch_python):
        pythons["pytorch"] = args.torch_python
    else:
        print(f"# {args.torch_python} not found: the PyTorch column is left out")
    programs = [*(args.only or PROGRAMS), STARTUP]
    results = []
    for threads in args.threads.split(","):
        samples, last = measure(programs, pythons, threads, args.rounds, args.steps)
        for program in programs:
            row = {"program": program, "threads": threads, **summarise(samples[program])}
            lines = set(last[program].values())
            row["outputs_agree"] = len(lines) <= 1
            row["last_line"] = sorted(lines)
            results.append(row)
    print_table(results, args.rounds)
    if args.json:
        with open(args.json, "w") as f:
            json.dump(results, f, indent=1)
    return 0


def print_table(results, rounds):
    print(
        f"# whole program in a fresh process, median of {rounds} interleaved rounds; "
        "ratio = ours / PyTorch (median of the per-round ratios)"
    )
    head = (
        "program",
        "threads",
        "PyTorch s",
        "ours s",
        "ratio",
        "PyTorch cpu",
        "ours cpu",
        "ratio",
    )
    print("| " + " | ".join(head) + " |")
    print("|" + " --- |" * len(head))
    for r in results:
        torch = r.get("pytorch")
        cells = [
            r["program"],
            r["threads"],
            f"{torch['wall_s']:.2f}" if torch else "-",
            f"{r['ours']['wall_s']:.2f}",
            f"{r['ratio_wall']:.2f}" if torch else "-",
            f"{torch['cpu_s']:.2f}" if torch else "-",
            f"{r['ours']['cpu_s']:.2f}",
            f"{r['ratio_cpu']:.2f}" if torch else "-",
        ]
        print("| " + " | ".join(cells) + " |")
    for r in results:
        if not r["outputs_agree"]:
            print(f"# {r['program']} ({r['threads']}): last lines differ: {r['last_line']}")


if __name__ == "__main__":
    sys.exit(main())
