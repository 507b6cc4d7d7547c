"""F.interpolate(mode='bicubic'): PyTorch's cubic convolution (Keys, A = -0.75), weights worked
by hand from the formula in PyTorch's upsampling kernel:
near(x) = ((A + 2) x - (A + 3)) x^2 + 1 for |x| <= 1, far(x) = ((A x - 5A) x + 8A) x - 4A for
1 < |x| < 2; output pixel j reads source position (j + 0.5) / scale - 0.5 (align_corners=False)
or j (in - 1) / (out - 1) (True), the four pixels around it clamped to the edge."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import tinygrad_scores as torch
import tinygrad_scores.nn.functional as F
from tinygrad_scores import nn


def test_an_impulse_upsampled_twice_gives_the_cubic_weights():
    x = torch.tensor([[[[0.0, 0.0, 1.0, 0.0, 0.0]]]])
    y = F.interpolate(x, size=(1, 10), mode="bicubic", align_corners=False)
    # pixel 2's weight: j = 1 reads 0.25, far(1.75) = -0.03515625; j = 2 reads 0.75,
    # far(1.25) = -0.10546875; j = 3 reads 1.25, near(0.75) = 0.26171875; j = 4 reads 1.75,
    # near(0.25) = 0.87890625; j = 0 reads -0.25: taps -2..1 clamp to 0, 0, 0, 1 -> 0
    half = [0.0, -0.03515625, -0.10546875, 0.26171875, 0.87890625]
    np.testing.assert_allclose(y.numpy()[0, 0, 0], half + half[::-1], atol=1e-7)


def test_align_corners_keeps_the_corner_pixels_and_reproduces_a_ramp_inside():
    ramp = torch.arange(4.0).view(1, 1, 1, 4).expand(1, 1, 4, 4)
    y = F.interpolate(ramp, size=(7, 7), mode="bicubic", align_corners=True)
    # sources 0, 0.5, ..., 3: the cubic weights sum to 1 and keep a line where no tap is clamped
    np.testing.assert_allclose(y.numpy()[0, 0, 3, 2:5], [1.0, 1.5, 2.0], atol=1e-6)
    assert y[0, 0, 0, 0].item() == 0.0 and y[0, 0, -1, -1].item() == 3.0


def test_bicubic_refuses_what_pytorch_refuses():
    with pytest.raises(NotImplementedError, match="bicubic mode needs 4D input"):
        F.interpolate(torch.zeros(1, 1, 4), scale_factor=2, mode="bicubic")
    with pytest.raises(NotImplementedError, match="antialias"):
        F.interpolate(torch.zeros(1, 1, 4, 4), scale_factor=0.5, mode="bicubic", antialias=True)
    up = nn.Upsample(scale_factor=2, mode="bicubic", align_corners=False)
    assert up(torch.zeros(2, 3, 4, 5)).shape == (2, 3, 8, 10)


@settings(max_examples=8, deadline=None)
@given(seed=st.integers(0, 2**16), corners=st.booleans(), scale=st.sampled_from([0.5, 1.5, 2.0]))
def test_bicubic_gradcheck(seed, corners, scale):
    x = torch.tensor(np.random.default_rng(seed).standard_normal((2, 2, 4, 5)), requires_grad=True)
    assert torch.autograd.gradcheck(
        lambda t: F.interpolate(t, scale_factor=scale, mode="bicubic", align_corners=corners), (x,)
    )
