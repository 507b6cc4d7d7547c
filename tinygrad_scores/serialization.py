"""save / load for state dicts (and any nesting of dicts, lists, numbers, strings and
tensors) as an ``.npz`` file: arrays are stored as arrays, the structure around them as
JSON. Nothing is ever unpickled, so loading a file cannot run code."""
import json
import zipfile

import numpy as np

from .tensor import Tensor

_STRUCTURE = "__structure__"


def _flatten(obj, arrays):
    if isinstance(obj, Tensor):
        key = f"a{len(arrays)}"
        arrays[key] = obj.array
        return {"__tensor__": key}
    if isinstance(obj, np.ndarray):
        if obj.dtype == object:
            raise TypeError("save: object arrays cannot be saved (they would need pickle)")
        key = f"a{len(arrays)}"
        arrays[key] = obj
        return {"__array__": key}
    if isinstance(obj, dict):
        return {"__dict__": [[_flatten(k, arrays), _flatten(v, arrays)] for k, v in obj.items()]}
    if isinstance(obj, (list, tuple)):
        return {"__list__" if isinstance(obj, list) else "__tuple__": [_flatten(v, arrays) for v in obj]}
    if isinstance(obj, np.generic):
        return obj.item()
    if obj is None or isinstance(obj, (bool, int, float, str)):
        return obj
    raise TypeError(f"save: cannot save an object of type {type(obj).__name__}; "
                    f"only tensors, arrays, numbers, strings, lists, tuples and dicts")


def _unflatten(node, arrays):
    if isinstance(node, dict):
        if "__tensor__" in node:
            return Tensor._wrap(arrays[node["__tensor__"]])
        if "__array__" in node:
            return arrays[node["__array__"]]
        if "__dict__" in node:
            return {_unflatten(k, arrays): _unflatten(v, arrays) for k, v in node["__dict__"]}
        if "__list__" in node:
            return [_unflatten(v, arrays) for v in node["__list__"]]
        if "__tuple__" in node:
            return tuple(_unflatten(v, arrays) for v in node["__tuple__"])
    return node


def save(obj, f):
    """Write ``obj`` (typically ``model.state_dict()``) to ``f`` in NumPy's .npz format."""
    arrays = {}
    structure = _flatten(obj, arrays)
    arrays[_STRUCTURE] = np.frombuffer(json.dumps(structure).encode(), dtype=np.uint8)
    if isinstance(f, str) and not f.endswith(".npz"):
        with open(f, "wb") as fh:      # np.savez would append .npz to a plain path
            np.savez(fh, **arrays)
    else:
        np.savez(f, **arrays)


def load(f, weights_only=True):
    """Read what ``save`` wrote. Files holding pickled objects are refused."""
    try:
        with np.load(f, allow_pickle=False) as archive:
            if not hasattr(archive, "files"):
                raise ValueError(f"load: {f!r} is a single .npy array, not a checkpoint")
            if _STRUCTURE not in archive.files:
                raise ValueError(f"load: {f!r} is an .npz file but not one written by save()")
            arrays = {k: archive[k] for k in archive.files}
    except ValueError as exc:
        if "allow_pickle" in str(exc) or "Object arrays" in str(exc):
            raise ValueError(f"load: {f!r} holds pickled Python objects; refusing to unpickle "
                             f"them (pickle can run arbitrary code)") from None
        raise
    except (zipfile.BadZipFile, EOFError, OSError) as exc:
        raise ValueError(f"load: {f!r} is truncated or not a checkpoint ({exc})") from None
    structure = json.loads(arrays.pop(_STRUCTURE).tobytes().decode())
    return _unflatten(structure, arrays)
