import os

from hypothesis import HealthCheck, settings

# Numba compiles on first use (or loads from its cache): no per-example deadline.
settings.register_profile(
    "default",
    deadline=None,
    max_examples=int(os.environ.get("HYPOTHESIS_EXAMPLES", 40)),
    suppress_health_check=[HealthCheck.too_slow],
)
settings.load_profile("default")

# tests/programs/ holds whole PyTorch programs that test_pytorch_programs.py runs in
# subprocesses; they are not test modules themselves.
collect_ignore_glob = ["programs/*"]
