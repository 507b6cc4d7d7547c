"""How a tensor prints: PyTorch's layout, reproduced rule by rule from its printing
module (torch/_tensor_str.py), with this package's name in the dtype.

One format is chosen for the whole tensor from its finite non-zero values:
- integer values in a float tensor print as ``1.`` (int mode);
- otherwise fixed point with ``precision`` decimals (``0.1000``);
- scientific (``1.0000e-05``) when the largest / smallest magnitude exceeds 1000, the
  largest exceeds 1e8, or (outside int mode) the smallest is below 1e-4;
every element is right-aligned to the widest, rows wrap at ``linewidth``, and tensors
over ``threshold`` elements show ``edgeitems`` at each end around ``...``.
"""

import math

import numpy as np

from . import dtypes


class _Options:
    precision = 4
    threshold = 1000
    edgeitems = 3
    linewidth = 80
    sci_mode = None


PRINT_OPTS = _Options()


def set_printoptions(
    precision=None, threshold=None, edgeitems=None, linewidth=None, profile=None, sci_mode=None
):
    """PyTorch's print options: ``profile`` 'default', 'short' or 'full' sets the first
    four; ``sci_mode`` True/False forces scientific notation on or off (None: automatic)."""
    if profile == "default":
        PRINT_OPTS.precision, PRINT_OPTS.threshold = 4, 1000
        PRINT_OPTS.edgeitems, PRINT_OPTS.linewidth = 3, 80
    elif profile == "short":
        PRINT_OPTS.precision, PRINT_OPTS.threshold = 2, 1000
        PRINT_OPTS.edgeitems, PRINT_OPTS.linewidth = 2, 80
    elif profile == "full":
        PRINT_OPTS.precision, PRINT_OPTS.threshold = 4, math.inf
        PRINT_OPTS.edgeitems, PRINT_OPTS.linewidth = 3, 80
    elif profile is not None:
        raise ValueError(f"profile must be 'default', 'short' or 'full', got {profile!r}")
    for name, value in (
        ("precision", precision),
        ("threshold", threshold),
        ("edgeitems", edgeitems),
        ("linewidth", linewidth),
    ):
        if value is not None:
            setattr(PRINT_OPTS, name, value)
    PRINT_OPTS.sci_mode = sci_mode


def get_printoptions():
    return {
        "precision": PRINT_OPTS.precision,
        "threshold": PRINT_OPTS.threshold,
        "edgeitems": PRINT_OPTS.edgeitems,
        "linewidth": PRINT_OPTS.linewidth,
        "sci_mode": PRINT_OPTS.sci_mode,
    }


class _Formatter:
    """The single number format of one tensor (PyTorch's _Formatter)."""

    def __init__(self, values):
        self.floating = values.dtype.kind == "f"
        self.int_mode, self.sci_mode, self.max_width = True, False, 1
        flat = values.reshape(-1)
        p = PRINT_OPTS.precision
        if not self.floating:
            for v in flat.tolist():
                self.max_width = max(self.max_width, len(str(v)))
            return
        finite = flat[np.isfinite(flat) & (flat != 0)].astype(np.float64)
        if finite.size:
            big, small = np.abs(finite).max(), np.abs(finite).min()
            self.int_mode = bool(np.all(finite == np.ceil(finite)))
            if self.int_mode:
                self.sci_mode = big / small > 1000.0 or big > 1.0e8
                widths = [
                    len(f"{v:.{p}e}") if self.sci_mode else len(f"{v:.0f}") + 1
                    for v in finite.tolist()
                ]
            else:
                self.sci_mode = big / small > 1000.0 or big > 1.0e8 or small < 1.0e-4
                widths = [
                    len(f"{v:.{p}e}" if self.sci_mode else f"{v:.{p}f}") for v in finite.tolist()
                ]
            self.max_width = max(widths)
        if PRINT_OPTS.sci_mode is not None:
            self.sci_mode = PRINT_OPTS.sci_mode

    def format(self, value):
        p = PRINT_OPTS.precision
        if self.floating:
            if self.sci_mode:
                text = f"{value:{self.max_width}.{p}e}"
            elif self.int_mode:
                text = f"{value:.0f}"
                if not (math.isinf(value) or math.isnan(value)):
                    text += "."
            else:
                text = f"{value:.{p}f}"
        else:
            text = str(value)
        return " " * (self.max_width - len(text)) + text


def _summarized(a):
    """The elements that will be shown: edgeitems at each end of every dim."""
    e = PRINT_OPTS.edgeitems
    if a.ndim == 0:
        return a
    if a.shape[0] > 2 * e:
        a = np.concatenate([a[:e], a[-e:]]) if e else a[:0]
    return np.stack([_summarized(x) for x in a]) if a.ndim > 1 and a.shape[0] else a


def _vector(a, indent, summarize, fmt):
    e = PRINT_OPTS.edgeitems
    per_line = max(1, int(math.floor((PRINT_OPTS.linewidth - indent) / (fmt.max_width + 2))))
    if summarize and a.shape[0] > 2 * e:
        items = (
            [fmt.format(v) for v in a[:e].tolist()]
            + [" ..."]
            + [fmt.format(v) for v in a[-e:].tolist()]
        )
    else:
        items = [fmt.format(v) for v in a.tolist()]
    lines = [", ".join(items[i : i + per_line]) for i in range(0, len(items), per_line)]
    return "[" + ("," + "\n" + " " * (indent + 1)).join(lines) + "]"


def _nested(a, indent, summarize, fmt):
    if a.ndim == 0:
        return fmt.format(a.item())
    if a.ndim == 1:
        return _vector(a, indent, summarize, fmt)
    e = PRINT_OPTS.edgeitems
    if summarize and a.shape[0] > 2 * e:
        parts = (
            [_nested(a[i], indent + 1, summarize, fmt) for i in range(e)]
            + ["..."]
            + [_nested(a[i], indent + 1, summarize, fmt) for i in range(a.shape[0] - e, a.shape[0])]
        )
    else:
        parts = [_nested(x, indent + 1, summarize, fmt) for x in a]
    return "[" + ("," + "\n" * (a.ndim - 1) + " " * (indent + 1)).join(parts) + "]"


def _with_suffixes(text, suffixes, indent):
    parts = [text]
    last_line = len(text) - text.rfind("\n") + 1
    for suffix in suffixes:
        if last_line + len(suffix) + 2 > PRINT_OPTS.linewidth:
            parts.append(",\n" + " " * indent + suffix)
            last_line = indent + len(suffix)
        else:
            parts.append(", " + suffix)
            last_line += len(suffix) + 2
    return "".join(parts) + ")"


def format_array(a, prefix="tensor("):
    """The body PyTorch prints for a NumPy array, e.g. ``[1., 2.]``."""
    indent = len(prefix)
    if a.size == 0:
        return "[]"
    summarize = a.size > PRINT_OPTS.threshold
    shown = _summarized(a) if summarize else a
    return _nested(a, indent, summarize, _Formatter(shown))


def format_tensor(t):
    a = t.array
    prefix = "tensor("
    suffixes = []
    if a.size == 0 and a.ndim != 1:
        suffixes.append(f"size={tuple(a.shape)}")
    if a.dtype not in (dtypes.default_float(), np.int64, np.bool_):
        suffixes.append(f"dtype={dtypes.NAMESPACE}.{dtypes.of(a).name}")
    if t.grad_fn is not None:
        suffixes.append(f"grad_fn=<{t.grad_fn.name()}>")
    elif t.requires_grad:
        suffixes.append("requires_grad=True")
    return _with_suffixes(prefix + format_array(a, prefix), suffixes, len(prefix))
