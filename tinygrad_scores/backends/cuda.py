"""``torch.backends.cuda``: the flags GPU training scripts set (``matmul.allow_tf32``, the
scaled-dot-product-attention back-ends) kept and read back, affecting nothing: there is no
CUDA here. ``set_float32_matmul_precision`` (torch's) sets ``matmul.allow_tf32`` as PyTorch
does; the CPU kernels here compute float32 products in float32 whatever it says."""

import warnings

_PRECISIONS = ("highest", "high", "medium")


class _Matmul:
    allow_tf32 = False
    allow_fp16_reduced_precision_reduction = True
    allow_bf16_reduced_precision_reduction = True


matmul = _Matmul()
_state = {"precision": "highest", "flash": True, "mem_efficient": True, "math": True}


def is_built():
    return False


def set_float32_matmul_precision(precision):
    if precision not in _PRECISIONS:
        warnings.warn(
            f"{precision} is not one of 'highest', 'high', or 'medium'; the current "
            "setFloat32MatmulPrecision call has no effect.",
            UserWarning,
            stacklevel=2,
        )
        return
    _state["precision"] = precision
    matmul.allow_tf32 = precision != "highest"


def get_float32_matmul_precision():
    return _state["precision"]


def flash_sdp_enabled():
    return _state["flash"]


def enable_flash_sdp(enabled):
    _state["flash"] = bool(enabled)


def mem_efficient_sdp_enabled():
    return _state["mem_efficient"]


def enable_mem_efficient_sdp(enabled):
    _state["mem_efficient"] = bool(enabled)


def math_sdp_enabled():
    return _state["math"]


def enable_math_sdp(enabled):
    _state["math"] = bool(enabled)
