"""save / load: round trips of model + optimizer + scheduler state, exact paths, atomic
writes, and hostile files (bombs, duplicates, broken structures, pickles)."""

import io
import json
import os
import pathlib
import signal
import struct
import subprocess
import sys
import textwrap
import time
import zipfile

import numpy as np
import pytest

import tinygrad_scores as ts
import tinygrad_scores.nn as nn
import tinygrad_scores.nn.functional as F
import tinygrad_scores.optim as optim
from tinygrad_scores import serialization


def _net():
    ts.manual_seed(0)
    return nn.Sequential(nn.Linear(4, 8), nn.ReLU(), nn.Linear(8, 3))


def _npy_bytes(array=None, header=None):
    """A .npy member: an array's, or a raw header dict (to lie about shapes)."""
    if header is None:
        buf = io.BytesIO()
        np.lib.format.write_array(buf, np.asarray(array))
        return buf.getvalue()
    text = repr(header).encode("latin1")
    pad = 64 - (10 + len(text) + 1) % 64
    text += b" " * pad + b"\n"
    return b"\x93NUMPY\x01\x00" + struct.pack("<H", len(text)) + text


def _zip(path, members, compression=zipfile.ZIP_STORED):
    with zipfile.ZipFile(path, "w", compression=compression) as zf:
        for name, data in members:
            zf.writestr(name, data)
    return path


def _structure(obj):
    text = obj if isinstance(obj, bytes) else json.dumps(obj).encode()
    return ("__structure__.npy", _npy_bytes(np.frombuffer(text, np.uint8)))


# ---------------------------------------------------------------- round trips


def test_checkpoint_round_trip_keeps_types(tmp_path):
    net = _net()
    opt = optim.Adam(net.parameters(), amsgrad=True)
    F.cross_entropy(net(ts.randn(5, 4)), ts.tensor([0, 1, 2, 0, 1])).backward()
    opt.step()
    sched = optim.lr_scheduler.MultiStepLR(opt, [2, 4])
    ckpt = {
        "epoch": 3,
        "name": "run-1",
        "model": net.state_dict(),
        "opt": opt.state_dict(),
        "sched": sched.state_dict(),
        "misc": (1, None, 2.5, True, [float("inf")]),
        "array": np.arange(6, dtype=np.int32).reshape(2, 3).T,
    }
    path = tmp_path / "ckpt.pt"
    ts.save(ckpt, path)
    back = ts.load(path)
    assert back["epoch"] == 3 and back["name"] == "run-1"
    assert back["misc"] == (1, None, 2.5, True, [float("inf")])
    assert back["opt"]["param_groups"][0]["betas"] == (0.9, 0.999)
    assert sorted(back["opt"]["state"]) == [0, 1, 2, 3]
    step = back["opt"]["state"][0]["step"]
    assert isinstance(step, ts.Tensor) and step.dtype == ts.float32 and step.item() == 1
    assert back["sched"]["milestones"] == {2: 1, 4: 1}
    np.testing.assert_array_equal(back["array"], ckpt["array"])
    for key, value in net.state_dict().items():
        assert np.array_equal(back["model"][key].detach().numpy(), value.detach().numpy())


def test_resuming_from_a_checkpoint_trains_identically(tmp_path):
    x, y = ts.randn(16, 4), ts.randint(0, 3, (16,))

    def make():
        net = _net()
        opt = optim.Adam(net.parameters(), lr=0.01, weight_decay=0.01, amsgrad=True)
        return net, opt, optim.lr_scheduler.StepLR(opt, step_size=2, gamma=0.5)

    def train(net, opt, sched, steps):
        for _ in range(steps):
            opt.zero_grad()
            F.cross_entropy(net(x), y).backward()
            opt.step()
            sched.step()

    net, opt, sched = make()
    train(net, opt, sched, 3)
    ts.save(
        {"model": net.state_dict(), "opt": opt.state_dict(), "sched": sched.state_dict()},
        str(tmp_path / "ckpt"),
    )
    train(net, opt, sched, 4)

    net2, opt2, sched2 = make()
    ckpt = ts.load(str(tmp_path / "ckpt"))
    net2.load_state_dict(ckpt["model"])
    opt2.load_state_dict(ckpt["opt"])
    sched2.load_state_dict(ckpt["sched"])
    train(net2, opt2, sched2, 4)
    for a, b in zip(net.parameters(), net2.parameters()):
        assert np.array_equal(a.detach().numpy(), b.detach().numpy())
    assert sched.get_last_lr() == sched2.get_last_lr()


def test_paths_are_used_exactly_and_file_objects_work(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    ts.save({"w": ts.ones(2)}, pathlib.Path("model.pt"))
    ts.save({"w": ts.ones(2)}, "plain")
    assert sorted(os.listdir(tmp_path)) == ["model.pt", "plain"]
    buf = io.BytesIO()
    ts.save({"w": ts.full((2,), 3.0)}, buf)
    buf.seek(0)
    assert ts.load(buf, map_location="cpu", weights_only=False, mmap=None)["w"].tolist() == [3, 3]
    with open("model.pt", "rb") as fh:
        assert ts.load(fh)["w"].tolist() == [1, 1]


def test_save_refuses_what_it_cannot_store():
    with pytest.raises(TypeError, match="object"):
        ts.save({"x": np.array([{}], dtype=object)}, io.BytesIO())
    with pytest.raises(TypeError, match="cannot be found again by its name"):
        ts.save({"f": lambda x: x}, io.BytesIO())  # a lambda has no name to restore it by
    loop = []
    loop.append(loop)
    with pytest.raises(ValueError, match="nested more than"):
        ts.save(loop, io.BytesIO())


# ---------------------------------------------------------------- atomic save


def test_a_failed_save_leaves_the_old_checkpoint(tmp_path, monkeypatch):
    path = tmp_path / "ckpt.pt"
    ts.save({"w": ts.ones(3)}, path)

    def broken(fh, arrays, structure):
        fh.write(b"PK\x03\x04 half a checkpoint")
        raise OSError("disk full")

    monkeypatch.setattr(serialization, "_write", broken)
    with pytest.raises(OSError, match="disk full"):
        ts.save({"w": ts.zeros(3)}, path)
    assert os.listdir(tmp_path) == ["ckpt.pt"]  # the temporary file is gone
    monkeypatch.undo()
    assert ts.load(path)["w"].tolist() == [1, 1, 1]


def test_a_process_killed_mid_save_leaves_a_whole_checkpoint(tmp_path):
    path = tmp_path / "ckpt.pt"
    script = textwrap.dedent(f"""
        import sys
        import numpy as np
        import tinygrad_scores as ts
        big = np.empty(2_000_000)
        for i in range(10_000):
            big.fill(i)
            ts.save({{"w": big, "i": i}}, {str(path)!r})
            if i == 0:
                print("saved", flush=True)
    """)
    child = subprocess.Popen([sys.executable, "-c", script], stdout=subprocess.PIPE, text=True)
    try:
        assert child.stdout.readline().strip() == "saved"
        time.sleep(0.5)
    finally:
        child.send_signal(signal.SIGKILL)
        child.wait()
    ckpt = ts.load(path)
    assert np.all(ckpt["w"] == ckpt["i"]) and ckpt["w"].shape == (2_000_000,)


# ---------------------------------------------------------------- hostile files


def test_missing_directory_text_and_npy_files(tmp_path):
    with pytest.raises(FileNotFoundError, match="nope.pt"):
        ts.load(tmp_path / "nope.pt")
    with pytest.raises(IsADirectoryError):
        ts.load(tmp_path)
    (tmp_path / "notes.txt").write_text("hello\n")
    with pytest.raises(ValueError, match=r"notes\.txt.*not a checkpoint \(not a zip archive\)"):
        ts.load(tmp_path / "notes.txt")
    (tmp_path / "empty").write_bytes(b"")
    with pytest.raises(ValueError, match="not a zip archive"):
        ts.load(tmp_path / "empty")
    np.save(tmp_path / "one.npy", np.zeros(3))
    with pytest.raises(ValueError, match=r"one\.npy.*single \.npy array"):
        ts.load(tmp_path / "one.npy")
    _zip(tmp_path / "other.zip", [("a.txt", b"x")])
    with pytest.raises(ValueError, match="not a checkpoint written by save"):
        ts.load(tmp_path / "other.zip")


@pytest.mark.parametrize(
    "structure, message",
    [
        (b"{not json", "not valid JSON"),
        (b"\xff\xfe", "not valid JSON"),
        (b"[" * 100_000 + b"]" * 100_000, "nested more than"),
        ({"__dict__": 5}, "__dict__ must be a list"),
        ({"__dict__": [[1]]}, "__dict__ must be a list"),
        ([1, 2], "unexpected list node"),
        ({"a": 1, "b": 2}, "unexpected dict node"),
        ({"__pickle__": "x"}, "unknown node"),
        ({"__tensor__": 3}, "must name a member"),
        ({"__tensor__": "a0"}, "'a0.npy', which is missing"),
        ({"__list__": [{"__tensor__": "a0"}, {"__tensor__": "a0"}]}, "more than once"),
        ({"__dict__": [[{"__list__": []}, 1]]}, "unhashable"),
    ],
)
def test_broken_structures_are_value_errors_naming_the_file(tmp_path, structure, message):
    members = [_structure(structure)]
    if "more than once" in message:
        members.append(("a0.npy", _npy_bytes(np.zeros(2))))
    path = _zip(tmp_path / "broken.pt", members)
    with pytest.raises(ValueError, match=message) as err:
        ts.load(path)
    assert "broken.pt" in str(err.value)


def test_deep_but_valid_json_nesting_is_refused(tmp_path):
    node = 1
    for _ in range(150):
        node = {"__list__": [node]}
    with pytest.raises(ValueError, match="nested more than 100 levels"):
        ts.load(_zip(tmp_path / "deep.pt", [_structure(node)]))


def test_a_member_claiming_more_data_than_it_stores_is_refused_before_reading(tmp_path):
    # 2 GiB declared, 16 bytes stored.
    bomb = _npy_bytes(header={"descr": "<f8", "fortran_order": False, "shape": (1 << 28,)})
    path = _zip(
        tmp_path / "bomb.pt", [_structure({"__tensor__": "a0"}), ("a0.npy", bomb + bytes(16))]
    )
    with pytest.raises(ValueError, match=r"declares shape \(268435456,\).*2147483648 bytes"):
        ts.load(path)
    zeros = _npy_bytes(np.zeros(1 << 16))
    path = _zip(
        tmp_path / "deflated.pt",
        [_structure({"__tensor__": "a0"}), ("a0.npy", zeros)],
        compression=zipfile.ZIP_DEFLATED,
    )
    with pytest.raises(ValueError, match="compressed"):
        ts.load(path)


def test_duplicate_member_names_are_refused(tmp_path):
    member = ("a0.npy", _npy_bytes(np.zeros(1000)))
    with pytest.warns(UserWarning, match="Duplicate name"):
        path = _zip(tmp_path / "dup.pt", [_structure({"__tensor__": "a0"})] + [member] * 40)
    with pytest.raises(ValueError, match=r"dup\.pt.*duplicate member name 'a0.npy'"):
        ts.load(path)


def test_pickled_members_are_refused_even_when_referenced(tmp_path):
    buf = io.BytesIO()
    np.lib.format.write_array(buf, np.array([{"a": 1}], dtype=object), allow_pickle=True)
    path = _zip(tmp_path / "evil.pt", [_structure({"__array__": "a0"}), ("a0.npy", buf.getvalue())])
    with pytest.raises(ValueError, match="pickled"):
        ts.load(path)


def test_truncated_and_corrupted_checkpoints(tmp_path):
    good = tmp_path / "good.pt"
    ts.save({"w": ts.ones(1000)}, good)
    data = good.read_bytes()
    for cut in (10, len(data) // 2, len(data) - 5):
        (tmp_path / "cut.pt").write_bytes(data[:cut])
        with pytest.raises(ValueError, match=r"cut\.pt.*(truncated|not a zip)"):
            ts.load(tmp_path / "cut.pt")
    flipped = bytearray(data)
    flipped[200] ^= 0xFF  # inside a0's data: the CRC check catches it
    (tmp_path / "flip.pt").write_bytes(bytes(flipped))
    with pytest.raises(ValueError, match=r"flip\.pt.*(CRC|corrupt)"):
        ts.load(tmp_path / "flip.pt")
