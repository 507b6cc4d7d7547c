"""save / load for state dicts (and any nesting of dicts, lists, tuples, numbers, strings,
None and tensors).

The file is a zip archive of ``.npy`` members, stored uncompressed (NumPy's ``.npz``
layout): one member per array, and ``__structure__.npy`` holding the structure around
them as JSON. Nothing is ever unpickled, so loading a file cannot run code.

``save`` is atomic: it writes a temporary file in the target's directory, flushes and
fsyncs it, then renames it over the target, so a crash mid-save leaves the old file.

``load`` trusts nothing in the file: it refuses duplicate member names and pickled
(object) arrays, parses the structure with a depth limit, reads only the members the
structure references, each once, and checks each one's declared shape and dtype against
its stored size before reading its data, so a small file cannot claim gigabytes.
"""

from __future__ import annotations

import io
import json
import math
import os
import tempfile
import zipfile
import zlib
from collections import Counter
from typing import IO, Any, cast

import numpy as np
from numpy.lib import format as npy

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


def _flatten(obj, arrays, depth=0):
    """The JSON structure of ``obj``; its arrays go into ``arrays`` under keys a0, a1..."""
    if depth > _MAX_DEPTH:
        raise ValueError(
            f"save: the object is nested more than {_MAX_DEPTH} levels deep (or contains itself)"
        )
    if isinstance(obj, (Tensor, np.ndarray)):
        array = obj.array if isinstance(obj, Tensor) else obj
        if array.dtype.kind not in _KINDS:
            raise TypeError(
                f"save: cannot save an array of dtype {array.dtype} (only bool, "
                f"integer, float and complex arrays; others would need pickle)"
            )
        key = f"a{len(arrays)}"
        arrays[key] = array
        return {"__tensor__" if isinstance(obj, Tensor) else "__array__": key}
    if isinstance(obj, dict):
        return {
            "__dict__": [
                [_flatten(k, arrays, depth + 1), _flatten(v, arrays, depth + 1)]
                for k, v in obj.items()
            ]
        }
    if isinstance(obj, (list, tuple)):
        tag = "__tuple__" if isinstance(obj, tuple) else "__list__"
        return {tag: [_flatten(v, arrays, depth + 1) for v in obj]}
    if isinstance(obj, np.generic) and obj.dtype.kind in _KINDS:
        return obj.item()
    if obj is None or isinstance(obj, (bool, int, float, str)):
        return obj
    raise TypeError(
        f"save: cannot save an object of type {type(obj).__name__}; only tensors, "
        f"arrays, numbers, strings, None, lists, tuples and dicts"
    )


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
    arrays: dict[str, np.ndarray] = {}
    structure = json.dumps(_flatten(obj, arrays)).encode()
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


def _collect(node, refs, depth=0):
    """Check the structure's node types and list the array keys it references, in order."""
    if depth > _MAX_DEPTH:
        raise _Bad(f"structure nested more than {_MAX_DEPTH} levels deep")
    if node is None or isinstance(node, (bool, int, float, str)):
        return
    if not isinstance(node, dict) or len(node) != 1:
        raise _Bad(f"malformed structure: unexpected {type(node).__name__} node")
    ((tag, value),) = node.items()
    if tag in ("__tensor__", "__array__"):
        if not isinstance(value, str):
            raise _Bad(f"malformed structure: {tag} must name a member")
        refs.append(value)
    elif tag == "__dict__":
        if not isinstance(value, list) or not all(
            isinstance(kv, list) and len(kv) == 2 for kv in value
        ):
            raise _Bad("malformed structure: __dict__ must be a list of [key, value] pairs")
        for key, item in value:
            _collect(key, refs, depth + 1)
            _collect(item, refs, depth + 1)
    elif tag in ("__list__", "__tuple__"):
        if not isinstance(value, list):
            raise _Bad(f"malformed structure: {tag} must be a list")
        for item in value:
            _collect(item, refs, depth + 1)
    else:
        raise _Bad(f"malformed structure: unknown node {tag!r}")


def _build(node, arrays):
    if not isinstance(node, dict):
        return node
    ((tag, value),) = node.items()
    if tag == "__tensor__":
        return Tensor.wrap(arrays[value])
    if tag == "__array__":
        return arrays[value]
    if tag == "__dict__":
        out = {}
        for key, item in value:
            key = _build(key, arrays)
            try:
                out[key] = _build(item, arrays)
            except TypeError:
                raise _Bad(
                    f"malformed structure: unhashable dict key of type {type(key).__name__}"
                ) from None
        return out
    items = [_build(v, arrays) for v in value]
    return tuple(items) if tag == "__tuple__" else items


def _load_zip(zf, size):
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
    return _build(structure, arrays)


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
    onto the CPU, so ``map_location`` is accepted and ignored; so are ``mmap`` and
    ``weights_only`` (nothing is ever unpickled, whatever its value)."""
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
                return _load_zip(zf, size)
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
