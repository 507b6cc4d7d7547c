"""Graphs differentiated twice, side by side with PyTorch 2.13: values, gradients (plain
and create_graph) and Hessian-vector products of tests/second_order_torch_cases.py, at the
kinks, ties, corners, zeros and powers where a finite-difference check cannot tell two
conventions apart, and the functional API on such functions. The golden file is written by
tools/golden_second_order.py with PyTorch; PyTorch is not imported here."""

import pathlib
import re

import numpy as np
import pytest
import second_order_torch_cases

import tinygrad_scores as torch

GOLDEN = np.load(pathlib.Path(__file__).parent / "golden" / "second_order_torch.npz")
CASES = sorted({key.split("|")[0] for key in GOLDEN.files if "|" in key})

# Every case is float64 and equal to rounding (rtol 1e-10), but where the order of a sum
# differs from PyTorch's (matmul and convolution kernels, recurrent steps); these agree to
# a few hundred ulps at most, never less than 1e-8 relative.
SUMMED = {
    "linear",
    "linear_no_bias_3d",
    "matmul_chain",
    "bmm",
    "conv2d",
    "conv2d_stride_groups",
    "conv1d",
    "relu_network",
    "module_lstm",
    "module_lstm_state",
    "module_lstm_two_layers",
    "module_gru",
    "module_multihead_attention",
    "module_conv2d_reflect",
    "module_rnn_relu_bidirectional",
    "module_transformer_encoder",
    "conv_transpose2d",
    "einsum_outer",
    "sdpa_mask",
    "sdpa_causal",
}


# PyTorch's CPU hardsigmoid_backward multiplies by the float constant 1.0f / 6.0f in every
# dtype (ATen's Activation kernels), so its float64 gradient is off by 5e-9 relative to
# terms of size 1 (at x = -2 they cancel: absolute, too).
FLOAT32_CONSTANT = {"hardsigmoid_corners"}

# The float32 random graphs (dtypes compared exactly): the same numbers to float32
# rounding accumulated over ten ops and two derivatives; the worst measured is 1.3e-5
# relative to max(|PyTorch's|, 1).
FLOAT32_TOLERANCE = (1e-4, 1e-4)

# Where PyTorch's derivative at a zero is a NaN or a convention we do not follow: key ->
# the input whose zero entries differ; compared everywhere else, ours finite there.
AT_ZERO_DIFFERS = {
    # vector_norm's double backward divides 0 by a zero norm (NaN; acknowledged as a bug,
    # pytorch/functorch#1097); ours keeps the masked 0, so F.normalize or cosine_similarity
    # of a zero row, x / eps near 0, gets its true Hessian.
    "norm_at_0|hvp0": 0,
    "norm_dim_zero_row|hvp0": 0,
    "normalize_at_0|hvp0": 0,
    "cosine_similarity_zero|hvp0": 0,
    # poisson_nll_loss(full=True) masks Stirling's term with masked_fill(target <= 1, 0),
    # whose backward multiplies that 0 by log(0): NaN in the target's gradient at 0.
    "poisson_nll|grad1": 1,
    "poisson_nll|hvp1": 1,
}


@pytest.fixture(scope="module")
def ours():
    return second_order_torch_cases.results(torch)


@pytest.fixture(scope="module")
def ours_plain():
    return second_order_torch_cases.results(torch, create_graph=False)


def _compare(case, found, keys):
    rtol = 1e-8 if case in SUMMED else 1e-10
    atol = 1e-7 if case in FLOAT32_CONSTANT else rtol * 1e-2
    rtol = 1e-7 if case in FLOAT32_CONSTANT else rtol
    if case.startswith("float32_"):  # float32 rounding, summed in another order
        rtol, atol = FLOAT32_TOLERANCE
    for key in keys:
        if key.endswith("hvp_error"):  # PyTorch's message: it has no double backward
            continue
        assert key in found, f"{key}: PyTorch has it, tinygrad_scores does not"
        expected, got = GOLDEN[key], np.asarray(found[key])
        assert got.shape == expected.shape, f"{key}: shape {got.shape} vs {expected.shape}"
        assert got.dtype == expected.dtype, f"{key}: dtype {got.dtype} vs {expected.dtype}"
        if key in AT_ZERO_DIFFERS:
            zero = np.broadcast_to(GOLDEN[f"{case}|input{AT_ZERO_DIFFERS[key]}"] == 0, got.shape)
            assert np.isfinite(got[zero]).all() and (got[zero] != expected[zero]).any()
            got, expected = got[~zero], expected[~zero]
        np.testing.assert_allclose(got, expected, rtol=rtol, atol=atol, err_msg=key)


@pytest.mark.parametrize("case", CASES)
def test_second_derivatives_equal_pytorchs(case, ours):
    keys = [k for k in GOLDEN.files if k.split("|")[0] == case]
    extra = [k for k in ours if k.split("|")[0] == case and k not in GOLDEN.files]
    if f"{case}|hvp_error" in GOLDEN.files:  # PyTorch cannot differentiate twice; we can
        extra = [k for k in extra if "|hvp" not in k]
    assert not extra, extra
    _compare(case, ours, keys)


@pytest.mark.parametrize("case", [c for c in CASES if f"{c}|input0" in GOLDEN.files])
def test_plain_gradients_equal_pytorchs(case, ours_plain):
    keys = [k for k in GOLDEN.files if k.split("|")[0] == case and "|grad" in k]
    _compare(case, ours_plain, keys)


def test_the_golden_file_has_every_case(ours):
    """The golden file was written from these very cases: a case added or renamed in
    second_order_torch_cases.py needs tools/golden_second_order.py rerun (inputs that
    changed fail their case's comparison)."""
    assert {key.split("|")[0] for key in ours} == set(CASES)
    assert len(CASES) > 300


def test_docs_state_the_case_counts():
    """docs/higher-order.md's counts of what this file compares are the golden file's."""
    doc = (pathlib.Path(__file__).parents[1] / "docs" / "higher-order.md").read_text()
    text = " ".join(doc.split())
    seeded = [c for c in CASES if c.startswith("seed_")]
    float32 = [c for c in CASES if c.startswith("float32_")]
    graphs = [c for c in CASES if f"{c}|input0" in GOLDEN.files and c not in float32]
    functional = [c for c in CASES if c not in graphs + float32 + seeded]
    views = [c for c in graphs if c.startswith("random_view_graph")]
    randoms = [c for c in graphs if c.startswith("random_graph")] + views
    stated = re.search(
        r"compares (\d+) float64 graphs .*?(\d+) seeded random compositions, (\d+) of them .*?"
        r"(\d+) of them again in float32 .*?(\d+) calls of the functional API and (\d+) "
        r"gradients seeded",
        text,
    )
    assert stated, "docs/higher-order.md no longer states the counts"
    counts = [len(c) for c in (graphs, randoms, views, float32, functional, seeded)]
    assert [int(n) for n in stated.groups()] == counts
