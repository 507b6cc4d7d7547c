"""What GPU training scripts (nanoGPT's train.py and the AMP recipes) touch on a CPU-only
PyTorch, with PyTorch 2.13's behaviour there: GradScaler / autocast for CUDA warn and disable
themselves; GradScaler('cpu') scales, unscales, skips a non-finite step and backs off;
torch.bfloat16 can be named but not stored; the matmul-precision and tf32 flags read back."""

import warnings

import pytest

import tinygrad_scores as torch
from tinygrad_scores import nn, optim


def sgd():
    p = nn.Parameter(torch.ones(2))
    return p, optim.SGD([p], lr=0.1)


def test_a_cuda_grad_scaler_warns_and_passes_everything_through():
    with pytest.warns(FutureWarning, match=r"`torch.cuda.amp.GradScaler\(args...\)` is deprecated"):
        with pytest.warns(
            UserWarning, match="GradScaler is enabled, but CUDA is not available.  Disabling."
        ):
            scaler = torch.cuda.amp.GradScaler(enabled=True)
    assert not scaler.is_enabled() and scaler.get_scale() == 1.0 and scaler.state_dict() == {}
    with pytest.warns(UserWarning, match="CUDA is not available"):
        assert not torch.amp.GradScaler().is_enabled()
    p, opt = sgd()
    loss = (p * 3).sum()
    assert scaler.scale(loss) is loss
    loss.backward()
    scaler.unscale_(opt)
    scaler.step(opt)
    scaler.update()
    assert p.tolist() == pytest.approx([0.7, 0.7])
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert not torch.amp.GradScaler(enabled=False).is_enabled()  # disabled: no warning


def test_a_cpu_grad_scaler_scales_unscales_and_backs_off_on_inf():
    scaler = torch.amp.GradScaler("cpu")
    assert scaler.is_enabled() and scaler.get_scale() == 65536.0
    p, opt = sgd()
    scaled = scaler.scale((p * 3).sum())
    assert scaled.item() == 6 * 65536.0
    scaled.backward()
    assert p.grad.tolist() == [3 * 65536.0] * 2
    scaler.unscale_(opt)
    assert p.grad.tolist() == [3.0, 3.0]
    with pytest.raises(RuntimeError, match="unscale_\\(\\) has already been called"):
        scaler.unscale_(opt)
    scaler.step(opt)
    scaler.update()
    assert p.tolist() == pytest.approx([0.7, 0.7]) and scaler.get_scale() == 65536.0
    p.grad = torch.tensor([float("inf"), 1.0])
    assert scaler.step(opt) is None  # skipped
    assert p.tolist() == pytest.approx([0.7, 0.7])
    scaler.update()
    assert scaler.get_scale() == 32768.0
    assert scaler.state_dict() == {
        "scale": 32768.0,
        "growth_factor": 2.0,
        "backoff_factor": 0.5,
        "growth_interval": 2000,
        "_growth_tracker": 0,
    }


def test_the_scale_grows_after_growth_interval_clean_steps():
    scaler = torch.amp.GradScaler("cpu", init_scale=4.0, growth_interval=2)
    p, opt = sgd()
    for expected in (4.0, 8.0, 8.0, 16.0):  # doubles after every second clean step
        scaler.scale(p.sum()).backward()
        scaler.step(opt)
        scaler.update()
        opt.zero_grad()
        assert scaler.get_scale() == expected


def test_autocast_for_cuda_is_a_warning_and_cpu_autocast_is_refused():
    with pytest.warns(
        UserWarning, match="User provided device_type of 'cuda', but CUDA is not available"
    ):
        ctx = torch.autocast(device_type="cuda", dtype=torch.float16)
    with ctx:
        assert (torch.ones(2) @ torch.ones(2)).dtype == torch.float32
    with torch.autocast(device_type="cpu", enabled=False):
        pass
    with pytest.raises(NotImplementedError, match="tinygrad_scores has no torch.autocast"):
        torch.autocast(device_type="cpu", dtype=torch.bfloat16)


def test_bfloat16_can_be_named_but_not_stored():
    ptdtype = {"float32": torch.float32, "bfloat16": torch.bfloat16, "float16": torch.float16}
    assert (
        repr(ptdtype["bfloat16"]) == "tinygrad_scores.bfloat16" and torch.bfloat16.is_floating_point
    )
    assert torch.bfloat16 != torch.float32 and torch.bfloat16.itemsize == 2
    for make in (
        lambda: torch.zeros(2, dtype=torch.bfloat16),
        lambda: torch.ones(2).to(torch.bfloat16),
        lambda: torch.tensor([1.0], dtype=torch.bfloat16),
    ):
        with pytest.raises(
            NotImplementedError, match="tinygrad_scores has no torch.bfloat16 tensors"
        ):
            make()


def test_matmul_precision_tf32_flags_and_the_build_read_back():
    assert (
        torch.get_float32_matmul_precision() == "highest"
        and not torch.backends.cuda.matmul.allow_tf32
    )
    try:
        torch.set_float32_matmul_precision("high")
        assert (
            torch.get_float32_matmul_precision() == "high" and torch.backends.cuda.matmul.allow_tf32
        )
        with pytest.warns(UserWarning, match="is not one of 'highest', 'high', or 'medium'"):
            torch.set_float32_matmul_precision("fastest")
        assert torch.get_float32_matmul_precision() == "high"
    finally:
        torch.set_float32_matmul_precision("highest")
    torch.backends.cuda.matmul.allow_tf32 = True  # nanoGPT's line: accepted, changes nothing
    torch.backends.cuda.matmul.allow_tf32 = False
    assert torch.version.cuda is None and torch.version.__version__ == torch.__version__
    assert not torch.backends.cuda.is_built()
    assert torch.get_num_interop_threads() >= 1
    with pytest.raises(RuntimeError, match="Expected positive number of threads"):
        torch.set_num_interop_threads(0)
