"""The separate-process benchmark harness (benchmarks/procs.py, benchmarks/worker.py):
its workers answer, agree on the first loss, and run every op of the per-op table."""

import sys

from benchmarks import procs
from benchmarks.worker import MODES, OPS


def test_workers_agree_on_the_first_loss_and_time_each_round():
    cases = {"tiny": {"kind": "step", "shape": [8, 4, 16, 3]}}
    notes, versions = [], {}
    pythons = {name: sys.executable for name in ("numpy", "tinygrad_scores", "captured")}
    workers = procs.start_workers(pythons, 1, notes, versions)
    try:
        samples, checks = procs.compare(cases, workers, repeats=2, min_time=0.002)
    finally:
        for worker in workers.values():
            worker.close()
    assert not notes and {"numpy", "numba", "python"} <= set(versions)
    losses = {name: check["check"] for name, check in checks["tiny"].items()}
    assert set(losses) == set(pythons)
    assert max(losses.values()) - min(losses.values()) < 1e-5  # the same network and data
    assert procs._check_note(checks["tiny"]) is None
    for times in samples["tiny"].values():
        assert len(times) == 2 and min(times) > 0


def test_disagreeing_losses_and_errors_are_named_under_the_row():
    note = procs._check_note(
        {"numpy": {"check": 1.0}, "jax": {"check": 1.5}, "pytorch": {"error": "boom"}}
    )
    assert "pytorch: boom" in note and "first losses disagree" in note


def test_every_op_runs_in_every_mode():
    notes, versions = [], {}
    rows = procs.op_rows(1, 0.0005, 1, {"tinygrad_scores": sys.executable}, versions, notes)
    assert len(rows) == len(OPS) * len(MODES) * len(procs.OP_SIZES)
    for row in rows:
        assert row["note"] is None, (row["case"], row["note"])
        assert row["tinygrad_scores"]["median_s"] > 0


def test_a_framework_that_is_not_importable_is_skipped_with_a_note():
    python, why = procs.find_python(None, "no_such_module_here")
    assert python is None and "--jax-python" in why
    assert procs.find_python("/some/python", "torch") == ("/some/python", None)
