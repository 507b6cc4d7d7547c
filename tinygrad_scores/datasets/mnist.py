"""MNIST: the shipped 5,000-digit subset, the full set from IDX files, and their download.

* ``load_mnist_subset(train=True)``: 4,000 training / 1,000 test digits shipped inside the
  package (``mnist_5k.npz``, see README.md here); works offline, split fixed in the file.
* ``load_mnist(root=None, train=True, download=False)``: the full 60,000 / 10,000 set read
  from the four IDX files in ``root``; with ``download=True`` missing files are fetched
  from ``MIRRORS`` and checked against the MD5 sums in ``RESOURCES`` first.
* ``load_idx(path)``: one IDX file (``.gz`` or not) as a NumPy array.

The default ``root`` is ``$TINYGRAD_SCORES_DATA/mnist`` when that variable is set, else
``~/.cache/tinygrad_scores/mnist``.
"""

import gzip
import hashlib
import math
import os
import struct
import tempfile
import zlib

import numpy as np

from ..tensor import Tensor

SUBSET_PATH = os.path.join(os.path.dirname(__file__), "mnist_5k.npz")

# The mirrors torchvision uses, tried in order; the test points this at a local server.
MIRRORS = [
    "https://ossci-datasets.s3.amazonaws.com/mnist/",
    "http://yann.lecun.com/exdb/mnist/",
]
# (file name, published MD5 of the .gz file)
RESOURCES = [
    ("train-images-idx3-ubyte.gz", "f68b3c2dcbeaaa9fbdd348bbdeb94873"),
    ("train-labels-idx1-ubyte.gz", "d53e105ee54ea40749a09fcbcd1e9432"),
    ("t10k-images-idx3-ubyte.gz", "9fb629c4189551a2d022fa330f9573f3"),
    ("t10k-labels-idx1-ubyte.gz", "ec29112dd5afa0611ce80d1b7f02629c"),
]
# The largest MNIST file is 9.9 MB compressed; a mirror sending far more is refused.
MAX_DOWNLOAD_BYTES = 64 << 20
# IDX files declaring more data than this are refused before anything is read.
MAX_IDX_BYTES = 1 << 30

_IDX_TYPES = {
    0x08: np.uint8,
    0x09: np.int8,
    0x0B: np.dtype(">i2"),
    0x0C: np.dtype(">i4"),
    0x0D: np.dtype(">f4"),
    0x0E: np.dtype(">f8"),
}


# ----------------------------------------------------------------------------- IDX files


def load_idx(path, max_bytes=MAX_IDX_BYTES):
    """Read an IDX file (MNIST's format; ``.gz`` too) into a NumPy array.

    The header's declared shape bounds the read: at most header + declared size + 1 bytes
    are ever decompressed, so a small gzip bomb cannot inflate into memory. Raises
    ValueError for a wrong magic number, an unknown type code, a declared size over
    ``max_bytes``, a truncated file, trailing data after the declared array, or a corrupt
    gzip stream.
    """
    opener = gzip.open if str(path).endswith(".gz") else open
    try:
        with opener(path, "rb") as fh:
            return _read_idx(fh, path, max_bytes)
    except (EOFError, gzip.BadGzipFile, zlib.error) as exc:
        raise ValueError(f"{path}: corrupt or truncated gzip stream ({exc})") from None


def _read_idx(fh, path, max_bytes):
    magic = fh.read(4)
    if len(magic) < 4:
        raise ValueError(f"{path}: too short to be an IDX file ({len(magic)} bytes)")
    zero, type_code, ndim = magic[0] << 8 | magic[1], magic[2], magic[3]
    if zero != 0 or type_code not in _IDX_TYPES or ndim == 0:
        raise ValueError(
            f"{path}: not an IDX file (magic bytes {magic.hex()}; expected "
            f"00 00, a type code in {sorted(_IDX_TYPES)} and a dimension count)"
        )
    dims = fh.read(4 * ndim)
    if len(dims) < 4 * ndim:
        raise ValueError(
            f"{path}: truncated IDX header ({4 + len(dims)} bytes, need {4 + 4 * ndim})"
        )
    shape = struct.unpack(f">{ndim}I", dims)
    dtype = np.dtype(_IDX_TYPES[type_code])
    count = math.prod(shape)  # Python ints: no overflow for absurd shapes
    need = count * dtype.itemsize
    if need > max_bytes:
        raise ValueError(
            f"{path}: IDX header declares shape {shape} ({need} bytes), more than "
            f"the {max_bytes}-byte limit (max_bytes=)"
        )
    raw = fh.read(need + 1)  # one byte more than declared: detects trailing data
    if len(raw) < need:
        raise ValueError(
            f"{path}: truncated IDX data: shape {shape} needs {need} bytes, file has {len(raw)}"
        )
    if len(raw) > need:
        raise ValueError(
            f"{path}: trailing data after the {need} bytes that shape {shape} declares"
        )
    return (
        np.frombuffer(raw, dtype=dtype, count=count).reshape(shape).astype(dtype.newbyteorder("="))
    )


# ----------------------------------------------------------------------------- download


def default_root():
    """Where ``load_mnist`` keeps the full set unless given a ``root``."""
    base = os.environ.get("TINYGRAD_SCORES_DATA")
    if base:
        return os.path.join(os.path.expanduser(base), "mnist")
    return os.path.join(os.path.expanduser("~"), ".cache", "tinygrad_scores", "mnist")


def _md5(path):
    digest = hashlib.md5()
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _fetch(url, directory, filename, md5, timeout):
    """Download ``url`` into a temporary file in ``directory``; return its path once its
    length, MD5 and IDX contents check out. Raises OSError or ValueError otherwise, after
    deleting the temporary file."""
    import urllib.request  # (here: ssl, http and email cost 5 ms of every import)

    fd, tmp = tempfile.mkstemp(prefix=f".{filename}.", suffix=".part.gz", dir=directory)
    try:
        digest, size = hashlib.md5(), 0
        with os.fdopen(fd, "wb") as out, urllib.request.urlopen(url, timeout=timeout) as resp:
            declared = resp.headers.get("Content-Length")
            while True:
                block = resp.read(1 << 16)
                if not block:
                    break
                size += len(block)
                if size > MAX_DOWNLOAD_BYTES:
                    raise ValueError(f"{url}: more than {MAX_DOWNLOAD_BYTES} bytes; refused")
                digest.update(block)
                out.write(block)
        if declared is not None and int(declared) != size:
            raise ValueError(f"{url}: truncated download ({size} of {declared} bytes)")
        if digest.hexdigest() != md5:
            raise ValueError(f"{url}: MD5 {digest.hexdigest()} does not match the published {md5}")
        load_idx(tmp)  # readable as IDX, with nothing missing or extra
        return tmp
    except BaseException:
        os.unlink(tmp)
        raise


def download_mnist(root=None, mirrors=None, resources=None, timeout=60, log=print):
    """Make sure the four MNIST .gz files are in ``root``, verified; return ``root``.

    A file already there whose MD5 matches is kept (never downloaded again); one that does
    not match is deleted and fetched anew. Each mirror is tried in turn; a download is
    written to a temporary file and renamed into place only after its MD5 and contents
    check out, so an interrupted or wrong download never leaves a file under the real name.
    """
    import http.client  # (here, like urllib in _fetch: only a download needs it)

    root = default_root() if root is None else os.fspath(root)
    mirrors = MIRRORS if mirrors is None else mirrors
    resources = RESOURCES if resources is None else resources
    os.makedirs(root, exist_ok=True)
    for filename, md5 in resources:
        path = os.path.join(root, filename)
        if os.path.exists(path):
            if _md5(path) == md5:
                continue
            log(
                f"{path}: MD5 does not match the published {md5}; deleting it and downloading again"
            )
            os.unlink(path)
        errors = []
        for mirror in mirrors:
            url = mirror + filename
            log(f"downloading {url}")
            try:
                tmp = _fetch(url, root, filename, md5, timeout)
            # URLError is an OSError; IncompleteRead an HTTPException
            except (OSError, ValueError, http.client.HTTPException) as exc:
                errors.append(f"{url}: {exc}")
                log(f"  failed, trying the next mirror: {exc}")
                continue
            os.replace(tmp, path)
            break
        else:
            raise RuntimeError(
                f"could not download {filename} from any mirror:\n  " + "\n  ".join(errors)
            )
    return root


# ----------------------------------------------------------------------------- loaders


def _find(directory, stem):
    for name in (stem, stem + ".gz"):
        path = os.path.join(directory, name)
        if os.path.exists(path):
            return path
    raise FileNotFoundError(
        f"{stem}[.gz] not found in {directory}; pass download=True to fetch "
        f"MNIST there, or use load_mnist_subset() for the 5,000 shipped digits"
    )


def _as_tensors(images, labels, flatten):
    x = images.astype(np.float32) / 255.0
    if flatten:
        x = x.reshape(len(x), -1)
    return Tensor.wrap(x), Tensor.wrap(labels.astype(np.int64))


def load_mnist(root=None, train=True, download=False, flatten=True, mirrors=None):
    """The full MNIST training (60,000) or test (10,000) split as ``(images, labels)``.

    Images are float32 in [0, 1], flattened to 784 features unless ``flatten=False``
    (then N x 28 x 28); labels are int64. ``root`` holds ``train-images-idx3-ubyte[.gz]``
    and the three other files (default: ``default_root()``). ``train`` may also be the
    string ``"train"`` or ``"test"``.
    """
    if isinstance(train, str):
        if train not in ("train", "test"):
            raise ValueError(f"train must be True, False, 'train' or 'test', not {train!r}")
        train = train == "train"
    root = default_root() if root is None else os.fspath(root)
    if download:
        download_mnist(root, mirrors=mirrors)
    prefix = "train" if train else "t10k"
    images = load_idx(_find(root, f"{prefix}-images-idx3-ubyte"))
    labels = load_idx(_find(root, f"{prefix}-labels-idx1-ubyte"))
    if images.ndim != 3 or labels.ndim != 1 or len(images) != len(labels):
        raise ValueError(
            f"{root}: images of shape {images.shape} do not match labels of shape {labels.shape}"
        )
    return _as_tensors(images, labels, flatten)


def load_mnist_subset(train=True, flatten=True):
    """The 5,000 shipped MNIST digits: 4,000 for training or 1,000 for testing.

    The split is fixed (stratified, 400 / 100 of each digit, made once by
    tools/make_mnist_subset.py); same pixel scaling and dtypes as ``load_mnist``.
    """
    split = "train" if train else "test"
    with np.load(SUBSET_PATH, allow_pickle=False) as f:
        return _as_tensors(f[f"{split}_images"], f[f"{split}_labels"], flatten)


__all__ = [
    "load_idx",
    "load_mnist",
    "load_mnist_subset",
    "download_mnist",
    "default_root",
    "MIRRORS",
    "RESOURCES",
]
