"""``torch.testing.assert_close``: PyTorch's comparison of tensors, numbers and containers of
them, with its default tolerances per dtype and its failure messages."""

from __future__ import annotations

import numbers
from collections.abc import Mapping, Sequence

import numpy as np

from . import dtypes
from ._missing import module_getattr
from .tensor import Size, Tensor

# (rtol, atol) by dtype, PyTorch's defaults; integers and bools compare exactly
_TOLERANCES = {"float16": (1e-3, 1e-5), "float32": (1.3e-6, 1e-5), "float64": (1e-7, 1e-7)}


def _message(kind, what, extra, path, msg):
    text = f"{kind} are not {what}!\n\n" + extra
    if path:
        text += "\n\nThe failure occurred for item " + "".join(f"[{p!r}]" for p in path)
    if msg is None:
        return text
    return msg(text) if callable(msg) else msg


def _tolerances(np_dtype, rtol, atol):
    if rtol is not None:
        return rtol, atol
    return _TOLERANCES.get(np.dtype(np_dtype).name, (0.0, 0.0))


def _compare_tensors(actual, expected, rtol, atol, equal_nan, check_dtype, path, msg):
    a, e = actual.array, expected.array
    if a.shape != e.shape:
        shapes = f"{Size(a.shape)!r} != {Size(e.shape)!r}"
        raise AssertionError(f"The values for attribute 'shape' do not match: {shapes}.")
    if a.dtype != e.dtype:
        if check_dtype:
            types = f"{dtypes.of(a)!r} != {dtypes.of(e)!r}"
            raise AssertionError(f"The values for attribute 'dtype' do not match: {types}.")
        common = np.result_type(a, e)
        a, e = a.astype(common), e.astype(common)
    rtol, atol = _tolerances(a.dtype, rtol, atol)
    if a.dtype.kind == "b":
        a, e = a.astype(np.int64), e.astype(np.int64)
    close = np.isclose(a, e, rtol=rtol, atol=atol, equal_nan=equal_nan)
    if close.all():
        return
    if close.size == 1:  # one element: PyTorch words it as two scalars
        scalars = (a.reshape(-1)[0].item(), e.reshape(-1)[0].item(), rtol, atol)
        return _scalar_mismatch(*scalars, path, msg)
    with np.errstate(all="ignore"):
        diff = (
            np.abs(a - e)
            if a.dtype.kind == "f"
            else np.abs(a.astype(np.int64) - e.astype(np.int64))
        )
        float_type = a.dtype if a.dtype.kind == "f" else np.float32
        rel = diff.astype(float_type) / np.abs(e).astype(float_type)
    exact = rtol == 0 and atol == 0
    total, bad = close.size, int((~close).sum())

    def greatest(values, tol):
        flat = values.reshape(-1)
        at = int(np.argmax(flat)) if not np.isnan(flat).any() else int(np.argmax(np.isnan(flat)))
        where = np.unravel_index(at, values.shape) if values.ndim else ()
        index = tuple(int(i) for i in where)
        limit = "" if exact else f" (up to {tol} allowed)"
        return f"{flat[at].item()} at index {index}{limit}"

    extra = (
        f"Mismatched elements: {bad} / {total} ({100 * bad / total:.1f}%)\n"
        f"Greatest absolute difference: {greatest(diff, atol)}\n"
        f"Greatest relative difference: {greatest(rel, rtol)}"
    )
    raise AssertionError(_message("Tensor-likes", "equal" if exact else "close", extra, path, msg))


def _compare_scalars(actual, expected, rtol, atol, equal_nan, path, msg):
    if type(actual) is not type(expected):
        raise AssertionError(f"The (d)types do not match: {type(actual)} != {type(expected)}.")
    if isinstance(actual, float):
        rtol, atol = (rtol, atol) if rtol is not None else _TOLERANCES["float64"]
    else:
        rtol, atol = (rtol, atol) if rtol is not None else (0.0, 0.0)
    if bool(np.isclose(actual, expected, rtol=rtol, atol=atol, equal_nan=equal_nan)):
        return
    _scalar_mismatch(actual, expected, rtol, atol, path, msg)


def _scalar_mismatch(actual, expected, rtol, atol, path, msg):
    diff = abs(actual - expected)
    rel = diff / abs(expected) if expected else float("inf")
    exact = rtol == 0 and atol == 0
    up = ("", "") if exact else (f" (up to {atol} allowed)", f" (up to {rtol} allowed)")
    extra = (
        f"Expected {expected} but got {actual}.\n"
        f"Absolute difference: {diff}{up[0]}\nRelative difference: {rel}{up[1]}"
    )
    raise AssertionError(_message("Scalars", "equal" if exact else "close", extra, path, msg))


def _compare(actual, expected, rtol, atol, equal_nan, check_dtype, path, msg):
    if isinstance(actual, np.ndarray):
        actual = Tensor.wrap(actual)
    if isinstance(expected, np.ndarray):
        expected = Tensor.wrap(expected)
    if isinstance(actual, Tensor) and isinstance(expected, Tensor):
        return _compare_tensors(actual, expected, rtol, atol, equal_nan, check_dtype, path, msg)
    if isinstance(actual, numbers.Number) and isinstance(expected, numbers.Number):
        return _compare_scalars(actual, expected, rtol, atol, equal_nan, path, msg)
    if isinstance(actual, Mapping) and isinstance(expected, Mapping):
        if set(actual) != set(expected):
            raise AssertionError(
                f"The keys of the mappings do not match:\n{sorted(map(repr, actual))} != "
                f"{sorted(map(repr, expected))}"
            )
        for key in actual:
            _compare(
                actual[key], expected[key], rtol, atol, equal_nan, check_dtype, [*path, key], msg
            )
        return None
    sequences = (isinstance(x, Sequence) and not isinstance(x, str) for x in (actual, expected))
    if all(sequences):
        if len(actual) != len(expected):
            raise AssertionError(
                f"The length of the sequences mismatch: {len(actual)} != {len(expected)}"
            )
        for i, (a, e) in enumerate(zip(actual, expected)):
            _compare(a, e, rtol, atol, equal_nan, check_dtype, [*path, i], msg)
        return None
    raise TypeError(
        f"No comparison pair was able to handle inputs of type {type(actual)} and {type(expected)}."
    )


def assert_close(
    actual,
    expected,
    *,
    allow_subclasses=True,
    rtol=None,
    atol=None,
    equal_nan=False,
    check_device=True,
    check_dtype=True,
    check_layout=True,
    check_stride=False,
    msg=None,
):
    """Raise AssertionError unless ``|actual - expected| <= atol + rtol * |expected|``
    elementwise, with equal shapes and (``check_dtype``) dtypes; defaults by dtype: float32
    rtol 1.3e-6 / atol 1e-5, float64 1e-7 / 1e-7, float16 1e-3 / 1e-5, exact otherwise."""
    if (rtol is None) != (atol is None):
        absent = "rtol" if rtol is None else "atol"
        raise ValueError(
            f"Both 'rtol' and 'atol' must be either specified or omitted, but got no {absent}."
        )
    _compare(actual, expected, rtol, atol, equal_nan, check_dtype, [], msg)


__getattr__ = module_getattr(__name__, "torch.testing")
