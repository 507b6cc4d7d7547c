"""Benchmarks against NumPy: ``python -m benchmarks`` from the repository root."""
