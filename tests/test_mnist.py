"""MNIST: the shipped subset, the hardened IDX reader, and the verified download (served
from a local HTTP server that the test starts; no test touches the network)."""

import gzip
import hashlib
import http.server
import os
import struct
import sys
import threading
import tracemalloc
import zlib

import numpy as np
import pytest

from tinygrad_scores.data import load_idx as load_idx_from_data
from tinygrad_scores.data import load_mnist as load_mnist_from_data
from tinygrad_scores.datasets import mnist
from tinygrad_scores.datasets.mnist import (
    default_root,
    download_mnist,
    load_idx,
    load_mnist,
    load_mnist_subset,
)


def idx_bytes(array, type_code=0x08):
    header = bytes([0, 0, type_code, array.ndim]) + struct.pack(f">{array.ndim}I", *array.shape)
    return header + array.astype(">u1" if type_code == 0x08 else ">f4").tobytes()


# ----------------------------------------------------------------------------- shipped subset


def test_subset_shapes_dtypes_and_fixed_split():
    x_train, y_train = load_mnist_subset(train=True)
    x_test, y_test = load_mnist_subset(train=False)
    assert tuple(x_train.shape) == (4000, 784) and tuple(x_test.shape) == (1000, 784)
    assert x_train.dtype == np.float32 and y_train.dtype == np.int64
    assert 0.0 <= x_train.array.min() and x_train.array.max() == 1.0
    assert np.bincount(y_train.array).tolist() == [400] * 10
    assert np.bincount(y_test.array).tolist() == [100] * 10
    # the split is in the file: loading again gives the same arrays, and no test image is
    # also a training image
    np.testing.assert_array_equal(load_mnist_subset(train=False)[0].array, x_test.array)
    train_rows = {row.tobytes() for row in x_train.array}
    assert not any(row.tobytes() in train_rows for row in x_test.array)
    images, _ = load_mnist_subset(train=False, flatten=False)
    assert tuple(images.shape) == (1000, 28, 28)


def test_data_module_reexports_the_loaders():
    assert load_idx_from_data is load_idx and load_mnist_from_data is load_mnist


# ----------------------------------------------------------------------------- IDX reader


def test_load_idx_round_trips(tmp_path):
    images = np.arange(2 * 3 * 4, dtype=np.uint8).reshape(2, 3, 4)
    (tmp_path / "a.idx").write_bytes(idx_bytes(images))
    (tmp_path / "a.idx.gz").write_bytes(gzip.compress(idx_bytes(images)))
    floats = np.array([1.5, -2.0, 3.25], np.float32)
    (tmp_path / "f.idx").write_bytes(idx_bytes(floats, 0x0D))
    np.testing.assert_array_equal(load_idx(tmp_path / "a.idx"), images)
    np.testing.assert_array_equal(load_idx(tmp_path / "a.idx.gz"), images)
    out = load_idx(tmp_path / "f.idx")
    np.testing.assert_array_equal(out, floats)
    assert out.dtype.isnative


@pytest.mark.parametrize(
    "data, message",
    [
        (b"\x00\x00", "too short"),
        (b"\x12\x34\x08\x01" + struct.pack(">I", 1) + b"\x00", "not an IDX file"),
        (b"\x00\x00\x07\x01" + struct.pack(">I", 1) + b"\x00", "not an IDX file"),  # type code
        (b"\x00\x00\x08\x03" + struct.pack(">I", 1), "truncated IDX header"),
        (b"\x00\x00\x08\x01" + struct.pack(">I", 5) + b"\x01\x02", "truncated IDX data"),
        (b"\x00\x00\x08\x01" + struct.pack(">I", 2) + b"\x01\x02\x03", "trailing data"),
        (b"\x00\x00\x08\x02" + struct.pack(">2I", 2**31, 2**31), "limit"),  # 4 EiB
    ],
)
def test_load_idx_rejects(tmp_path, data, message):
    (tmp_path / "bad.idx").write_bytes(data)
    with pytest.raises(ValueError, match=message):
        load_idx(tmp_path / "bad.idx")
    (tmp_path / "bad.idx.gz").write_bytes(gzip.compress(data))
    with pytest.raises(ValueError, match=message):
        load_idx(tmp_path / "bad.idx.gz")


def test_load_idx_rejects_a_corrupt_gzip_stream(tmp_path):
    blob = gzip.compress(idx_bytes(np.arange(1000, dtype=np.uint8) % 7))
    (tmp_path / "cut.idx.gz").write_bytes(blob[: len(blob) // 2])
    with pytest.raises(ValueError, match="gzip"):
        load_idx(tmp_path / "cut.idx.gz")


def test_gzip_bomb_is_not_inflated(tmp_path):
    """A header declaring 10 bytes followed by 64 MB of zeros (64 KB compressed): refused
    as trailing data after decompressing only 11 bytes past the header."""
    compressor = zlib.compressobj(9, zlib.DEFLATED, 31)  # 31: gzip container
    chunks = [compressor.compress(b"\x00\x00\x08\x01" + struct.pack(">I", 10))]
    zeros = bytes(1 << 20)
    chunks += [compressor.compress(zeros) for _ in range(64)]
    chunks.append(compressor.flush())
    (tmp_path / "bomb.idx.gz").write_bytes(b"".join(chunks))
    assert (tmp_path / "bomb.idx.gz").stat().st_size < 1 << 20
    tracemalloc.start()
    try:
        with pytest.raises(ValueError, match="trailing data"):
            load_idx(tmp_path / "bomb.idx.gz")
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert peak < 4 << 20, f"decompressed too much: peak {peak} bytes"


# ----------------------------------------------------------------------------- download


class Server:
    """A local HTTP server; ``routes`` maps a path to (body, declared Content-Length)."""

    def __init__(self):
        self.routes, self.requests = {}, []
        server = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_GET(self):
                server.requests.append(self.path)
                if self.path not in server.routes:
                    self.send_error(404)
                    return
                body, length = server.routes[self.path]
                self.send_response(200)
                self.send_header("Content-Length", str(length))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args):
                pass

        self.httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}"
        self.thread = threading.Thread(target=self.httpd.serve_forever, args=(0.05,), daemon=True)
        self.thread.start()

    def serve(self, path, body, length=None):
        self.routes[path] = (body, len(body) if length is None else length)

    def close(self):
        self.httpd.shutdown()
        self.httpd.server_close()


@pytest.fixture
def server(monkeypatch):
    for var in ("http_proxy", "HTTP_PROXY", "https_proxy", "HTTPS_PROXY", "all_proxy", "ALL_PROXY"):
        monkeypatch.delenv(var, raising=False)
    monkeypatch.setenv("no_proxy", "127.0.0.1,localhost")
    s = Server()
    yield s
    s.close()


@pytest.fixture
def tiny_mnist(server, monkeypatch):
    """Four small IDX .gz files (5 train, 3 test digits) served under /good/, with their
    MD5 sums installed as mnist.RESOURCES."""
    rng = np.random.default_rng(0)
    arrays = {
        "train-images-idx3-ubyte.gz": rng.integers(0, 256, (5, 28, 28)),
        "train-labels-idx1-ubyte.gz": np.array([0, 1, 2, 3, 9]),
        "t10k-images-idx3-ubyte.gz": rng.integers(0, 256, (3, 28, 28)),
        "t10k-labels-idx1-ubyte.gz": np.array([7, 2, 1]),
    }
    blobs = {name: gzip.compress(idx_bytes(a.astype(np.uint8))) for name, a in arrays.items()}
    for name, blob in blobs.items():
        server.serve(f"/good/{name}", blob)
    resources = [(name, hashlib.md5(blob).hexdigest()) for name, blob in blobs.items()]
    monkeypatch.setattr(mnist, "RESOURCES", resources)
    return arrays, blobs


def leftovers(root):
    return sorted(n for n in os.listdir(root) if n.startswith("."))


def test_download_verifies_and_falls_back_to_the_next_mirror(server, tiny_mnist, tmp_path):
    arrays, blobs = tiny_mnist
    # the first mirror serves every file with one byte changed: wrong checksum
    for name, blob in blobs.items():
        server.serve(f"/wrong/{name}", blob[:-1] + bytes([blob[-1] ^ 1]))
    logs = []
    mirrors = [server.url + "/wrong/", server.url + "/good/"]
    download_mnist(tmp_path, mirrors=mirrors, log=logs.append)
    assert sorted(os.listdir(tmp_path)) == sorted(blobs)
    assert leftovers(tmp_path) == []  # refused downloads were deleted
    assert sum("does not match the published" in line for line in logs) == 4
    for name, blob in blobs.items():
        assert (tmp_path / name).read_bytes() == blob
    x, y = load_mnist(tmp_path, train=True)
    assert tuple(x.shape) == (5, 784) and y.array.tolist() == [0, 1, 2, 3, 9]
    np.testing.assert_allclose(
        x.array[1], arrays["train-images-idx3-ubyte.gz"][1].ravel() / 255.0, rtol=1e-6
    )
    x, y = load_mnist(tmp_path, "test", flatten=False)  # the old kind= strings still work
    assert tuple(x.shape) == (3, 28, 28) and y.array.tolist() == [7, 2, 1]


def test_verified_files_are_never_downloaded_again(server, tiny_mnist, tmp_path):
    mirrors = [server.url + "/good/"]
    load_mnist(tmp_path, train=False, download=True, mirrors=mirrors)
    assert len(server.requests) == 4
    load_mnist(tmp_path, train=True, download=True, mirrors=mirrors)
    assert len(server.requests) == 4
    # a file spoiled on disk is noticed, deleted and fetched again
    (tmp_path / "t10k-labels-idx1-ubyte.gz").write_bytes(b"spoiled")
    download_mnist(tmp_path, mirrors=mirrors, log=lambda line: None)
    assert server.requests[4:] == ["/good/t10k-labels-idx1-ubyte.gz"]
    assert load_mnist(tmp_path, train=False)[1].array.tolist() == [7, 2, 1]


def test_truncated_or_missing_downloads_are_refused(server, tiny_mnist, tmp_path):
    _, blobs = tiny_mnist
    name = "train-images-idx3-ubyte.gz"
    blob = blobs[name]
    # the server promises the whole file and sends half of it
    server.serve(f"/cut/{name}", blob[: len(blob) // 2], length=len(blob))
    logs = []
    with pytest.raises(RuntimeError, match=f"could not download {name}") as info:
        download_mnist(
            tmp_path, mirrors=[server.url + "/cut/", server.url + "/missing/"], log=logs.append
        )
    assert "truncated download" in str(info.value) and "404" in str(info.value)
    assert os.listdir(tmp_path) == []  # nothing kept under any name


def test_missing_files_name_the_way_out(tmp_path):
    with pytest.raises(FileNotFoundError, match="download=True"):
        load_mnist(tmp_path)
    with pytest.raises(ValueError, match="'train' or 'test'"):
        load_mnist(tmp_path, "validation")


def test_default_root_follows_the_environment(monkeypatch, tmp_path):
    monkeypatch.setenv("TINYGRAD_SCORES_DATA", str(tmp_path))
    assert default_root() == os.path.join(str(tmp_path), "mnist")
    monkeypatch.delenv("TINYGRAD_SCORES_DATA")
    monkeypatch.setenv("HOME", str(tmp_path))
    assert default_root() == os.path.join(str(tmp_path), ".cache", "tinygrad_scores", "mnist")


# ----------------------------------------------------------------------------- main job


@pytest.fixture
def train_mnist():
    examples = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "examples")
    sys.path.insert(0, examples)
    try:
        import train_mnist

        yield train_mnist
    finally:
        sys.path.remove(examples)


def test_train_mnist_learns_and_draws(train_mnist, tmp_path, capsys):
    pytest.importorskip("matplotlib", reason="the pictures need matplotlib")
    curves, errors = tmp_path / "curves.png", tmp_path / "errors.png"
    result = train_mnist.main(
        ["--epochs", "1", "--plot", str(curves), "--show-errors", str(errors)]
    )
    assert result["test_acc"] >= 0.85
    assert result["history"]["epoch"] == [1] and len(result["history"]["test_acc"]) == 1
    printed = capsys.readouterr().out
    assert "final test accuracy" in printed and "\r" not in printed  # no bar when piped
    for png in (curves, errors):
        assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_train_mnist_trains_the_cnn_to_the_accuracy_the_readme_states(train_mnist, capsys):
    result = train_mnist.main(["--model", "cnn", "--quiet"])  # the default 8 epochs
    assert result["test_acc"] >= 0.965  # README: 97.1% (96.9% after 5 epochs)
    layers = [type(m).__name__ for m in result["model"]]
    assert layers.count("Conv2d") == 2 and layers.count("MaxPool2d") == 2


def test_the_main_job_reaches_the_accuracy_the_readme_states(train_mnist, capsys):
    result = train_mnist.main(["--quiet"])  # the default 8 epochs, seed 0
    assert result["test_acc"] >= 0.92  # README: about 93% (93.2%)


def test_train_mnist_names_the_missing_matplotlib(train_mnist, monkeypatch, tmp_path):
    monkeypatch.setitem(sys.modules, "matplotlib", None)  # import matplotlib fails
    with pytest.raises(SystemExit, match="pip install matplotlib"):
        train_mnist.main(["--epochs", "1", "--plot", str(tmp_path / "c.png")])


def test_train_mnist_reads_a_full_set_directory(train_mnist, tmp_path, capsys):
    rng = np.random.default_rng(1)
    for prefix, n in (("train", 30), ("t10k", 10)):
        labels = np.arange(n) % 10
        (tmp_path / f"{prefix}-labels-idx1-ubyte.gz").write_bytes(gzip.compress(idx_bytes(labels)))
        images = rng.integers(0, 256, (n, 28, 28))
        (tmp_path / f"{prefix}-images-idx3-ubyte").write_bytes(idx_bytes(images))
    result = train_mnist.main(["--mnist-dir", str(tmp_path), "--epochs", "1", "--batch-size", "8"])
    assert "MNIST (full set): 30 train / 10 test images" in capsys.readouterr().out
    assert tuple(result["x_test"].shape) == (10, 784) and len(result["history"]["loss"]) == 1
