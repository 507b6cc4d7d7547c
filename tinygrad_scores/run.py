"""Run an unmodified PyTorch script on tinygrad_scores:

    python -m tinygrad_scores.run SCRIPT.py [ARGS...]

An import hook resolves ``torch`` and every ``torch.*`` module to this package
(``import torch.nn.functional as F`` gives ``tinygrad_scores.nn.functional``), then the
script runs as ``__main__`` with ``ARGS`` in ``sys.argv``. Where the script reaches for
something this package does not provide, the run stops with the usual traceback and a
last line saying which name is missing and where in the script it is used.

``install()`` puts the same hook into the running interpreter (a notebook, a test).
"""

import importlib
import importlib.abc
import importlib.machinery
import os
import re
import runpy
import sys
import traceback

from . import dtypes
from ._missing import MissingFeatureError

_PACKAGE = "tinygrad_scores"  # (not __name__'s package: run with -m, this is __main__)
_PACKAGE_DIR = os.path.dirname(os.path.abspath(__file__))
_MISSING = "tinygrad_scores has no "


class TorchAlias(importlib.abc.MetaPathFinder, importlib.abc.Loader):
    """A finder that answers ``torch.x.y`` with the module ``tinygrad_scores.x.y`` itself
    (one module object under both names, so classes and state are shared)."""

    def find_spec(self, fullname, path=None, target=None):
        if fullname != "torch" and not fullname.startswith("torch."):
            return None
        real = _PACKAGE + fullname[len("torch") :]
        try:
            module = importlib.import_module(real)
        except ModuleNotFoundError as exc:
            if exc.name is None or not real.startswith(exc.name):
                raise  # a module missing inside ours: a real error, not a missing path
            raise ModuleNotFoundError(_MISSING + fullname, name=fullname) from None
        return importlib.machinery.ModuleSpec(fullname, self, loader_state=module)

    def create_module(self, spec):
        module = spec.loader_state
        spec.loader_state = module.__spec__  # the import system overwrites it: put it back
        return module

    def exec_module(self, module):
        module.__spec__ = module.__spec__.loader_state  # the module's own spec again


def install():
    """Resolve ``import torch`` (and its submodules) to this package from now on."""
    if not any(isinstance(f, TorchAlias) for f in sys.meta_path):
        sys.meta_path.insert(0, TorchAlias())


def _missing_name(exc):
    """The PyTorch name the error says is missing here, or None for any other error."""
    message = str(exc)
    if isinstance(exc, (MissingFeatureError, ModuleNotFoundError)) and message.startswith(_MISSING):
        return message[len(_MISSING) :]
    # `from torch import fft`: Python turns the AttributeError into its own ImportError
    found = re.match(r"cannot import name '(\w+)'", message)
    module = getattr(exc, "name", None) or ""
    if isinstance(exc, ImportError) and found and module.split(".")[0] == _PACKAGE:
        return "torch" + module[len(_PACKAGE) :] + "." + found.group(1)
    return None


def _runner_frame(filename):
    return filename in (__file__, runpy.__file__, "<frozen runpy>")


def _where(tb):
    """The innermost frame of the traceback outside this package: the user's line (the
    script's, or a module of theirs that it imported)."""
    frames = [
        f
        for f in traceback.extract_tb(tb)
        if not os.path.abspath(f.filename).startswith(_PACKAGE_DIR + os.sep)
        and not f.filename.startswith("<frozen")
        and not _runner_frame(f.filename)
    ]
    return frames[-1] if frames else None


def _report(exc, script):
    """Print the traceback without this runner's own frames, then the summary line."""
    tb = exc.__traceback__
    while tb is not None and _runner_frame(tb.tb_frame.f_code.co_filename):
        tb = tb.tb_next
    traceback.print_exception(type(exc), exc, tb)
    name = _missing_name(exc)
    if name is None:
        return
    frame = _where(exc.__traceback__)
    where = f"{frame.filename}, line {frame.lineno}" if frame else script
    line = f":\n    {frame.line}" if frame and frame.line else ""
    print(
        f"\ntinygrad_scores.run: {where} uses {name}, which tinygrad_scores does not "
        f"provide (docs/pytorch-coverage.md lists what it does){line}",
        file=sys.stderr,
    )


def main(argv=None):
    args = list(sys.argv[1:] if argv is None else argv)
    if not args or args[0] in ("-h", "--help"):
        print(__doc__.strip())
        return 0 if args else 2
    script = args[0]
    if not os.path.isfile(script):
        print(f"tinygrad_scores.run: can't open file {script!r}", file=sys.stderr)
        return 2
    install()
    dtypes.NAMESPACE = "torch"  # torch.float32, torch.Size([2, 3]), as the script expects
    sys.argv = args
    sys.path.insert(0, os.path.dirname(os.path.abspath(script)))
    try:
        runpy.run_path(script, run_name="__main__")
    except SystemExit:
        raise
    except Exception as exc:  # noqa: BLE001  (reported; the exit status says it failed)
        _report(exc, script)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
