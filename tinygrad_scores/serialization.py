"""save / load for state dicts (and any nesting of dicts, lists, tuples, numbers, strings,
None and tensors).

The file is a zip archive of ``.npy`` members, stored uncompressed (NumPy's ``.npz``
layout): one member per array, and ``__structure__.npy`` holding the structure around
them as JSON. Nothing is ever unpickled, so loading a file cannot run code.

Whole modules and optimizers are saved too: an object is its class's name and its
attributes, and ``load`` rebuilds only the classes it is allowed to (see ``load``).

``save`` is atomic: it writes a temporary file in the target's directory, flushes and
fsyncs it, then renames it over the target, so a crash mid-save leaves the old file.

``load`` trusts nothing in the file: it refuses duplicate member names and pickled
(object) arrays, parses the structure with a depth limit, reads only the members the
structure references, each once, and checks each one's declared shape and dtype against
its stored size before reading its data, so a small file cannot claim gigabytes.
"""

from __future__ import annotations

import importlib
import io
import json
import math
import os
import pickle  # for its UnpicklingError only: nothing is pickled or unpickled
import sys
import tempfile
import types
import zipfile
import zlib
from collections import Counter, OrderedDict
from typing import IO, Any, cast

import numpy as np
from numpy.lib import format as npy

from . import dtypes
from ._missing import module_getattr
from .device import device
from .tensor import Tensor

# Where a checkpoint goes or comes from: a path, or a binary file object.
FileLike = str | os.PathLike | IO[bytes]

_STRUCTURE = "__structure__"
_MAX_DEPTH = 100  # nesting levels of dicts/lists in one checkpoint
_MAX_STRUCTURE_BYTES = 64 << 20
_MAX_MEMBERS = 1 << 16
_CHUNK = 16 << 20
_KINDS = "biufc"  # bool, integers, floats, complex


# ---------------------------------------------------------------------------- save


class _Flattener:
    """Turns an object into the JSON structure; its arrays go into ``arrays`` under keys
    a0, a1... A tensor or object met again is written as ``{"__same__": n}``, n counting
    the tensors and objects in the order they were first written, so sharing (tied
    weights, an optimizer's parameters) survives the round trip."""

    def __init__(self) -> None:
        self.arrays: dict[str, np.ndarray] = {}
        self.seen: dict[int, tuple[int, Any]] = {}  # id -> (number, the object kept alive)

    def _remember(self, obj):
        self.seen[id(obj)] = (len(self.seen), obj)

    def __call__(self, obj, depth=0):
        if depth > _MAX_DEPTH:
            raise ValueError(
                f"save: the object is nested more than {_MAX_DEPTH} levels deep "
                f"(or contains itself)"
            )
        if id(obj) in self.seen:
            return {"__same__": self.seen[id(obj)][0]}
        if isinstance(obj, (Tensor, np.ndarray)):
            return self._array(obj)
        if isinstance(obj, dict):
            pairs = [[self(k, depth + 1), self(v, depth + 1)] for k, v in obj.items()]
            return {"__odict__" if isinstance(obj, OrderedDict) else "__dict__": pairs}
        if isinstance(obj, (list, tuple, set, frozenset)):
            tag = (
                "__list__"
                if isinstance(obj, list)
                else "__tuple__"  # named tuples included
                if isinstance(obj, tuple)
                else "__set__"
            )
            return {tag: [self(v, depth + 1) for v in obj]}
        if isinstance(obj, np.generic) and obj.dtype.kind in _KINDS:
            return obj.item()
        if obj is None or isinstance(obj, (bool, int, float, str)):
            return obj
        if isinstance(obj, (dtypes.dtype, device)):
            return {"__dtype__" if isinstance(obj, dtypes.dtype) else "__device__": str(obj)}
        if isinstance(obj, (type, types.FunctionType)):
            return {"__global__": _global_name(obj)}
        if hasattr(obj, "__dict__") and not isinstance(obj, types.ModuleType):
            self._remember(obj)  # before its attributes: they may point back to it
            state = {"__dict__": [[k, self(v, depth + 1)] for k, v in vars(obj).items()]}
            return {"__object__": [_global_name(type(obj)), state]}
        raise TypeError(
            f"save: cannot save an object of type {type(obj).__name__}; only tensors, "
            f"arrays, numbers, strings, None, lists, tuples, dicts, sets and objects "
            f"made of those (modules, optimizers)"
        )

    def _array(self, obj):
        array = obj.array if isinstance(obj, Tensor) else obj
        if array.dtype.kind not in _KINDS:
            raise TypeError(
                f"save: cannot save an array of dtype {array.dtype} (only bool, "
                f"integer, float and complex arrays; others would need pickle)"
            )
        key = f"a{len(self.arrays)}"
        self.arrays[key] = array
        if not isinstance(obj, Tensor):
            return {"__array__": key}
        self._remember(obj)
        if type(obj) is not Tensor:  # nn.Parameter
            return {"__parameter__": [_global_name(type(obj)), key, bool(obj.requires_grad)]}
        return {"__leaf__" if obj.requires_grad else "__tensor__": key}


def _global_name(obj):
    """``module:qualname`` of a class or function, checked to lead back to ``obj``."""
    name = f"{obj.__module__}:{obj.__qualname__}"
    if _lookup(obj.__module__, obj.__qualname__) is not obj:
        raise TypeError(
            f"save: cannot save {obj!r}: it cannot be found again by its name {name} "
            f"(a lambda or a function defined inside another)"
        )
    return name


def _lookup(module_name, qualname):
    """The object at ``qualname`` in an imported module, or None. Only this package's own
    modules are imported here; no other module is ever imported by ``load``."""
    module = sys.modules.get(module_name)
    if module is None and module_name.split(".")[0] == "tinygrad_scores":
        try:
            module = importlib.import_module(module_name)
        except ImportError:
            return None
    obj = module
    for part in qualname.split("."):
        if part == "<locals>" or obj is None:
            return None
        try:
            obj = getattr(obj, part, None)
        except Exception:  # noqa: BLE001  (a module __getattr__ saying the name is missing)
            return None
    return obj


# ---------------------------------------------------------------------------- safe globals

_SAFE_GLOBALS: list[Any] = []


def add_safe_globals(safe_globals: list[Any]) -> None:
    """Allow ``load`` to rebuild these classes (and refer to these functions) from a
    checkpoint, as ``torch.serialization.add_safe_globals`` does for ``weights_only=True``.
    This package's own classes are always allowed (its functions are not). An entry may
    be ``(obj, name)``."""
    _SAFE_GLOBALS.extend(safe_globals)


def get_safe_globals() -> list[Any]:
    return list(_SAFE_GLOBALS)


def clear_safe_globals() -> None:
    _SAFE_GLOBALS.clear()


class safe_globals:  # noqa: N801  (PyTorch's name)
    """``with safe_globals([Net]): torch.load(path)``: ``add_safe_globals`` for a block."""

    def __init__(self, safe_globals: list[Any]) -> None:
        self.safe_globals = list(safe_globals)

    def __enter__(self) -> None:
        self.before = list(_SAFE_GLOBALS)
        add_safe_globals(self.safe_globals)

    def __exit__(self, *exc: Any) -> None:
        _SAFE_GLOBALS[:] = self.before


def _allowed(obj):
    return any((g[0] if isinstance(g, tuple) else g) is obj for g in _SAFE_GLOBALS)


class _NotAllowed(pickle.UnpicklingError):
    """A class or function in a checkpoint that ``load`` may not rebuild."""


def _resolve(name, weights_only):
    module_name, _, qualname = name.partition(":")
    ours = module_name == "tinygrad_scores" or module_name.startswith("tinygrad_scores.")
    obj = _lookup(module_name, qualname)
    dotted = f"{module_name}.{qualname}"
    if obj is None:
        raise _NotAllowed(
            f"the checkpoint refers to {dotted}, which is not defined in this process "
            f"(load never imports a module a file names: import or define it first)"
        )
    # weights_only: this package's classes, or what the program allowed; a function
    # (which a hook or a forward could call) only if allowed, even one of ours
    if weights_only and not (ours and isinstance(obj, type)) and not _allowed(obj):
        raise _NotAllowed(
            "Weights only load failed. Re-running `load` with `weights_only=False` will "
            "rebuild it (this package still unpickles nothing), or allow the class:\n"
            f"Unsupported global: GLOBAL {dotted} was not an allowed global by default. "
            f"Please use `torch.serialization.add_safe_globals([{qualname}])` or the "
            f"`torch.serialization.safe_globals([{qualname}])` context manager to "
            f"allowlist this global if you trust this class/function."
        )
    return obj


def _write(fh, arrays, structure):
    with zipfile.ZipFile(fh, "w", compression=zipfile.ZIP_STORED, allowZip64=True) as zf:
        for key, array in arrays.items():
            with zf.open(key + ".npy", "w", force_zip64=True) as member:
                npy.write_array(member, np.asanyarray(array), allow_pickle=False)
        with zf.open(_STRUCTURE + ".npy", "w", force_zip64=True) as member:
            npy.write_array(member, np.frombuffer(structure, np.uint8), allow_pickle=False)


def save(
    obj: Any,
    f: FileLike,
    pickle_module: Any = None,
    pickle_protocol: Any = None,
    _use_new_zipfile_serialization: bool = True,
) -> None:
    """Write ``obj`` (a ``state_dict``, or a dict of them with epochs, names...) to ``f``:
    a path (str or ``os.PathLike``, written exactly there) or a binary file object.
    ``pickle_module`` and ``pickle_protocol`` are accepted for PyTorch's signature and
    unused: nothing is pickled."""
    flatten = _Flattener()
    structure = json.dumps(flatten(obj)).encode()
    arrays = flatten.arrays
    if hasattr(f, "write"):
        _write(f, arrays, structure)
        return
    path = os.fspath(f)
    directory = os.path.dirname(os.path.abspath(path))
    try:
        mode = os.stat(path).st_mode & 0o7777
    except OSError:
        umask = os.umask(0)
        os.umask(umask)
        mode = 0o666 & ~umask
    fd, tmp = tempfile.mkstemp(
        prefix="." + os.path.basename(os.fsdecode(path)) + ".", suffix=".tmp", dir=directory
    )
    try:
        with os.fdopen(fd, "wb") as fh:
            _write(fh, arrays, structure)
            fh.flush()
            os.fsync(fh.fileno())
        os.chmod(tmp, mode)
        os.replace(tmp, path)
    except BaseException:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        raise
    try:  # make the rename itself durable
        dir_fd = os.open(directory, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(dir_fd)
    except OSError:
        pass
    finally:
        os.close(dir_fd)


# ---------------------------------------------------------------------------- load


class _Bad(ValueError):
    """A problem with the file; ``load`` adds the file's name."""


def _header(zf, info):
    """(shape, fortran_order, dtype, header_bytes) of a .npy member, reading only its header."""
    with zf.open(info) as member:
        try:
            version = npy.read_magic(member)
        except ValueError:
            raise _Bad(f"member {info.filename!r} is not a .npy array") from None
        if version == (1, 0):
            shape, fortran, dtype = npy.read_array_header_1_0(member)
        elif version == (2, 0):
            shape, fortran, dtype = npy.read_array_header_2_0(member)
        else:
            raise _Bad(f"member {info.filename!r}: unsupported .npy version {version}")
        return shape, fortran, dtype, member.tell()


def _check_not_pickled(zf, info):
    try:
        _, _, dtype, _ = _header(zf, info)
    except _Bad:
        return
    except (ValueError, SyntaxError):
        raise _Bad(f"member {info.filename!r} has a malformed .npy header") from None
    if dtype.hasobject:
        raise _Bad(
            f"holds pickled Python objects (member {info.filename!r}, dtype {dtype}); "
            f"refusing to unpickle them (pickle can run arbitrary code)"
        )


def _plan(zf, info):
    """Check a member's header against its stored size before any data is read."""
    try:
        shape, fortran, dtype, offset = _header(zf, info)
    except (ValueError, SyntaxError) as exc:
        if isinstance(exc, _Bad):
            raise
        raise _Bad(f"member {info.filename!r} has a malformed .npy header ({exc})") from None
    if dtype.hasobject:
        raise _Bad(
            f"holds pickled Python objects (member {info.filename!r}); refusing to "
            f"unpickle them (pickle can run arbitrary code)"
        )
    if dtype.kind not in _KINDS or dtype.fields is not None or dtype.subdtype is not None:
        raise _Bad(f"member {info.filename!r} has unsupported dtype {dtype}")
    if info.compress_type != zipfile.ZIP_STORED:
        raise _Bad(
            f"member {info.filename!r} is compressed; save() stores arrays "
            f"uncompressed, and a compressed member could expand far beyond the file"
        )
    nbytes = math.prod(shape) * dtype.itemsize
    if offset + nbytes != info.file_size:
        raise _Bad(
            f"member {info.filename!r} declares shape {tuple(shape)} of {dtype} "
            f"({nbytes} bytes) but stores {info.file_size - offset} bytes of data"
        )
    return shape, fortran, dtype, offset, nbytes


def _read(zf, info, plan):
    shape, fortran, dtype, offset, nbytes = plan
    if nbytes == 0:
        return np.zeros(shape, dtype.newbyteorder("="))
    buf = bytearray(nbytes)
    view = memoryview(buf)
    with zf.open(info) as member:
        member.read(offset)
        done = 0
        while done < nbytes:
            chunk = member.read(min(_CHUNK, nbytes - done))
            if not chunk:
                raise _Bad(f"member {info.filename!r} is truncated")
            view[done : done + len(chunk)] = chunk
            done += len(chunk)
        member.read(1)  # reach the end, where zipfile checks the CRC
    array = np.frombuffer(buf, dtype).reshape(shape, order="F" if fortran else "C")
    return np.array(array, dtype=dtype.newbyteorder("="), order="C")  # keeps 0-d shapes


_ARRAY_TAGS = ("__tensor__", "__leaf__", "__array__")
_SEQUENCE_TAGS = ("__list__", "__tuple__", "__set__")
_PAIRS_TAGS = ("__dict__", "__odict__")


def _pairs(tag, value):
    if not isinstance(value, list) or not all(
        isinstance(kv, list) and len(kv) == 2 for kv in value
    ):
        raise _Bad(f"malformed structure: {tag} must be a list of [key, value] pairs")
    return value


def _collect(node, refs, depth=0, counted=None):
    """Check the structure's node types and list the array keys it references, in order;
    ``counted`` numbers the tensors and objects so each ``__same__`` names an earlier one."""
    counted = [0] if counted is None else counted
    if depth > _MAX_DEPTH:
        raise _Bad(f"structure nested more than {_MAX_DEPTH} levels deep")
    if node is None or isinstance(node, (bool, int, float, str)):
        return
    if not isinstance(node, dict) or len(node) != 1:
        raise _Bad(f"malformed structure: unexpected {type(node).__name__} node")
    ((tag, value),) = node.items()
    if tag in _ARRAY_TAGS or tag == "__parameter__":
        if tag == "__parameter__":
            if not (isinstance(value, list) and len(value) == 3 and isinstance(value[0], str)):
                raise _Bad("malformed structure: __parameter__ must be [class, member, flag]")
            value = value[1]
        if not isinstance(value, str):
            raise _Bad(f"malformed structure: {tag} must name a member")
        refs.append(value)
        counted[0] += tag != "__array__"
    elif tag in _PAIRS_TAGS:
        for key, item in _pairs(tag, value):
            _collect(key, refs, depth + 1, counted)
            _collect(item, refs, depth + 1, counted)
    elif tag in _SEQUENCE_TAGS:
        if not isinstance(value, list):
            raise _Bad(f"malformed structure: {tag} must be a list")
        for item in value:
            _collect(item, refs, depth + 1, counted)
    elif tag == "__object__":
        if not (isinstance(value, list) and len(value) == 2 and isinstance(value[0], str)):
            raise _Bad("malformed structure: __object__ must be [class, attributes]")
        counted[0] += 1
        state = value[1]
        if not (isinstance(state, dict) and list(state) == ["__dict__"]):
            raise _Bad("malformed structure: an object's attributes must be a __dict__")
        for key, item in _pairs("__dict__", state["__dict__"]):
            if not isinstance(key, str):
                raise _Bad("malformed structure: an attribute name must be a string")
            _collect(item, refs, depth + 1, counted)
    elif tag == "__same__":
        if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value < counted[0]:
            raise _Bad("malformed structure: __same__ must name an earlier tensor or object")
    elif tag in ("__global__", "__dtype__", "__device__"):
        if not isinstance(value, str):
            raise _Bad(f"malformed structure: {tag} must be a string")
    else:
        raise _Bad(f"malformed structure: unknown node {tag!r}")


class _Builder:
    """Rebuilds what ``_Flattener`` wrote; classes only through ``_resolve``."""

    def __init__(self, arrays: dict[str, np.ndarray], weights_only: bool) -> None:
        self.arrays, self.weights_only = arrays, weights_only
        self.built: list[Any] = []  # tensors and objects, numbered as __same__ counts them

    def __call__(self, node):
        if not isinstance(node, dict):
            return node
        ((tag, value),) = node.items()
        if tag == "__array__":
            return self.arrays[value]
        if tag in ("__tensor__", "__leaf__", "__parameter__"):
            return self._tensor(tag, value)
        if tag == "__same__":
            return self.built[value]
        if tag in _PAIRS_TAGS:
            out = OrderedDict() if tag == "__odict__" else {}
            for key, item in value:
                key = self(key)
                try:
                    out[key] = self(item)
                except TypeError:
                    raise _Bad(
                        f"malformed structure: unhashable dict key of type {type(key).__name__}"
                    ) from None
            return out
        if tag == "__dtype__":
            return self._dtype(value)
        if tag == "__device__":
            return device(value)
        if tag == "__global__":
            return _resolve(value, self.weights_only)
        if tag == "__object__":
            return self._object(*value)
        items = [self(v) for v in value]
        if tag == "__set__":
            try:
                return set(items)
            except TypeError:
                raise _Bad("malformed structure: unhashable set member") from None
        return tuple(items) if tag == "__tuple__" else items

    def _tensor(self, tag, value):
        if tag == "__parameter__":
            cls = _resolve(value[0], self.weights_only)
            if not (isinstance(cls, type) and issubclass(cls, Tensor)):
                raise _Bad(f"malformed structure: {value[0]} is not a tensor class")
            tensor = cls(Tensor.wrap(self.arrays[value[1]]), requires_grad=bool(value[2]))
        else:
            tensor = Tensor.wrap(self.arrays[value])
            if tag == "__leaf__":
                tensor.requires_grad_(True)
        self.built.append(tensor)
        return tensor

    def _dtype(self, name):
        found = getattr(dtypes, name.rpartition(".")[2], None)
        if not isinstance(found, dtypes.dtype):
            raise _Bad(f"malformed structure: unknown dtype {name!r}")
        return found

    def _object(self, name, state):
        cls = _resolve(name, self.weights_only)
        if not isinstance(cls, type) or issubclass(cls, Tensor):
            raise _Bad(f"malformed structure: {name} is not a class of objects")
        try:
            obj = object.__new__(cls)  # no __init__, no __setstate__: no code of the file's
            attributes = obj.__dict__
        except (TypeError, AttributeError):
            raise _Bad(f"{name} cannot be rebuilt from its attributes") from None
        self.built.append(obj)
        for key, item in state["__dict__"]:
            attributes[key] = self(item)
        return obj


def _load_zip(zf, size, weights_only):
    infos = zf.infolist()
    if len(infos) > _MAX_MEMBERS:
        raise _Bad(f"{len(infos)} members (at most {_MAX_MEMBERS})")
    duplicates = [n for n, c in Counter(i.filename for i in infos).items() if c > 1]
    if duplicates:
        raise _Bad(f"duplicate member name {duplicates[0]!r} in the zip directory")
    members = {info.filename: info for info in infos}
    for info in infos:
        if info.filename.endswith(".npy"):
            _check_not_pickled(zf, info)
    info = members.get(_STRUCTURE + ".npy")
    if info is None:
        raise _Bad(
            "a zip archive but not a checkpoint written by save() (no __structure__ "
            "member; PyTorch's own .pt files hold pickles, which are never loaded)"
        )
    plan = _plan(zf, info)
    shape, _, dtype, _, nbytes = plan
    if dtype != np.uint8 or len(shape) != 1 or nbytes > _MAX_STRUCTURE_BYTES:
        raise _Bad(
            f"the __structure__ member must be 1-D uint8 of at most "
            f"{_MAX_STRUCTURE_BYTES} bytes, got {dtype} of shape {tuple(shape)}"
        )
    try:
        structure = json.loads(_read(zf, info, plan).tobytes().decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise _Bad(f"the structure is not valid JSON ({exc})") from None
    except RecursionError:
        raise _Bad(f"structure nested more than {_MAX_DEPTH} levels deep") from None
    refs = []
    _collect(structure, refs)
    repeated = [k for k, c in Counter(refs).items() if c > 1]
    if repeated:
        raise _Bad(f"the structure references member {repeated[0]!r} more than once")
    plans = {}
    for key in refs:
        info = members.get(key + ".npy")
        if info is None:
            raise _Bad(f"the structure references member {key + '.npy'!r}, which is missing")
        plans[key] = (info, _plan(zf, info))
    total = sum(p[4] for _, p in plans.values())
    if total > size:
        raise _Bad(
            f"members declare {total} bytes of data in a file of {size} bytes (overlapping members)"
        )
    arrays = {key: _read(zf, info, p) for key, (info, p) in plans.items()}
    return _Builder(arrays, weights_only)(structure)


def load(
    f: FileLike,
    map_location: Any = None,
    pickle_module: Any = None,
    *,
    weights_only: bool = True,
    mmap: Any = None,
    **pickle_load_args: Any,
) -> Any:
    """Read what ``save`` wrote, from a path or a binary file object. Everything is loaded
    onto the CPU, so ``map_location`` is accepted and ignored; so is ``mmap``.

    Nothing is ever unpickled. A saved module, optimizer or other object is rebuilt from
    its class's name and its attributes (no ``__init__`` runs): with ``weights_only=True``
    (the default, as in PyTorch >= 2.6) only this package's classes and those allowed by
    ``add_safe_globals`` / ``safe_globals``; with ``weights_only=False`` any class defined
    in this process (no module a file names is ever imported)."""
    if hasattr(f, "read"):
        name = repr(getattr(f, "name", f))
        fh = opened = cast(IO[bytes], f)
        if not (hasattr(f, "seekable") and f.seekable()):
            fh = io.BytesIO(f.read())
    else:
        path = os.fspath(f)
        name = repr(os.fsdecode(path))
        fh = opened = open(path, "rb")  # FileNotFoundError / IsADirectoryError as they are
    try:
        start = fh.tell()
        magic = fh.read(6)
        size = fh.seek(0, os.SEEK_END) - start
        fh.seek(start)
        if start:
            fh = io.BytesIO(fh.read())
        if magic == b"\x93NUMPY":
            raise _Bad("a single .npy array, not a checkpoint (save writes a zip of arrays)")
        if not magic.startswith(b"PK"):
            raise _Bad("not a checkpoint (not a zip archive)")
        try:
            with zipfile.ZipFile(fh) as zf:
                return _load_zip(zf, size, weights_only is not False)
        except (
            zipfile.BadZipFile,
            zipfile.LargeZipFile,
            EOFError,
            zlib.error,
            NotImplementedError,
        ) as exc:
            raise _Bad(f"truncated or corrupt zip archive ({exc})") from None
        except OSError as exc:
            raise _Bad(f"truncated or unreadable ({exc})") from None
    except _Bad as exc:
        raise ValueError(f"load: {name}: {exc}") from None
    finally:
        if opened is not f:
            opened.close()


__getattr__ = module_getattr(__name__, "torch.serialization")
