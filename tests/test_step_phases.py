"""benchmarks.step_phases times the products the step runs, and every phase of it."""

from benchmarks import matmul_shapes, step_phases


def test_step_products_are_the_networks_products():
    for name, batch, (n_in, hidden, n_out) in matmul_shapes.NETWORKS:
        tag = f"{name} {batch} "
        listed = [p[1:] for p in matmul_shapes.products() if p[0].startswith(tag)]
        ours = [p[1:] for p in step_phases.step_products((batch, n_in, hidden, n_out))]
        assert ours == listed


def test_phase_times_cover_each_phase_of_a_step():
    import tinygrad_scores

    times = step_phases.phase_times(tinygrad_scores, (8, 4, 16, 3), steps=5, clock="wall")
    assert set(times) == set(step_phases.PHASES)
    assert all(t > 0 for t in times.values())
