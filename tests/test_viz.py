"""viz: DOT text with op names, shapes, dtypes and gradient norms; rendering via Graphviz."""

import re
import shutil

import numpy as np
import pytest

import tinygrad_scores as ts
import tinygrad_scores.nn as nn
import tinygrad_scores.nn.functional as F
from tinygrad_scores import viz


def small_net():
    ts.manual_seed(0)
    model = nn.Sequential(nn.Linear(6, 5), nn.ReLU(), nn.Linear(5, 3))
    x = ts.randn(4, 6)
    y = ts.tensor([0, 1, 2, 1])
    return model, x, y


def labels(dot):
    """node id -> label text (DOT escapes undone)."""
    found = re.findall(r'^\s*(n\d+) \[.*label="((?:[^"\\]|\\.)*)"\]', dot, re.M)
    return {nid: text.replace("\\n", "\n").replace('\\"', '"') for nid, text in found}


def test_names_shapes_and_dtypes_before_backward():
    model, x, y = small_net()
    loss = F.cross_entropy(model(x), y)
    dot = viz.to_dot(loss, params=dict(model.named_parameters()))
    assert dot.startswith("digraph graph_of_loss {") and dot.rstrip().endswith("}")
    text = "\n".join(labels(dot).values())
    for expected in (
        "CrossEntropyBackward0\nout scalar float32",
        "LinearBackward0\nout 4x3 float32",
        "ReLUBackward0\nout 4x5 float32",
        "0.weight 5x6 float32\nrequires_grad",
        "2.bias 3 float32",
        "Tensor 4x6 float32\nconstant",
        "loss\nscalar float32",
    ):
        assert expected in text
    assert "grad norm" not in dot
    # every edge joins two declared nodes, and each of the 4 ops and 5 leaves appears once
    declared = set(labels(dot))
    edges = re.findall(r"^\s*(n\d+) -> (n\d+);", dot, re.M)
    assert {a for e in edges for a in e} <= declared and len(declared) == 1 + 4 + 5


def test_gradient_norms_after_backward():
    model, x, y = small_net()
    hidden = model[1](model[0](x))
    hidden.retain_grad()
    loss = F.cross_entropy(model[2](hidden), y)
    with viz.record_grads() as grads:
        loss.backward()
    params = dict(model.named_parameters())
    text = labels(viz.to_dot(loss, params=params, grads=grads))
    by_title = {t.split("\n")[0].split(" ")[0]: t for t in text.values()}
    for pname, p in params.items():
        expected = f"grad norm {np.linalg.norm(p.grad.array.astype(np.float64)):.3g}"
        assert expected in by_title[pname], pname
    ops = {t.split("\n")[0]: t for t in text.values() if "Backward0" in t}
    assert ops["CrossEntropyBackward0"].endswith("grad norm 1")  # d loss / d loss
    # the ReLU node receives d loss / d hidden, which retain_grad() also kept
    relu_norm = f"grad norm {np.linalg.norm(hidden.grad.array.astype(np.float64)):.3g}"
    assert ops["ReLUBackward0"].endswith(relu_norm)
    # without the recorder, only the retained tensor's producer shows a norm
    plain = labels(viz.to_dot(loss, params=params))
    plain_ops = {t.split("\n")[0]: t for t in plain.values() if "Backward0" in t}
    assert plain_ops["ReLUBackward0"].endswith(relu_norm)
    assert "grad norm" not in plain_ops["CrossEntropyBackward0"]


def test_labels_are_escaped_and_leaves_alone_work():
    w = ts.randn(2, 2, requires_grad=True)
    dot = viz.to_dot((w * 2).sum(), name='my "loss"', params={'w"\\': w})
    assert 'label="w\\"\\\\ 2x2 float32' in dot and 'my \\"loss\\"' in dot
    assert "digraph graph_of_my__loss_ {" in dot
    leaf = viz.to_dot(ts.ones(3, dtype=ts.float64))
    assert 'label="loss\\n3 float64"' in leaf


def test_render_without_graphviz_says_how_to_install_it(tmp_path):
    model, x, y = small_net()
    loss = F.cross_entropy(model(x), y)
    with pytest.raises(RuntimeError, match="apt-get install graphviz") as info:
        viz.render(loss, tmp_path / "g.svg", dot="no-such-dot-program-here")
    assert "pip install graphviz` is not enough" in str(info.value)
    assert not (tmp_path / "g.svg").exists()


@pytest.mark.skipif(shutil.which("dot") is None, reason="Graphviz's dot program is not installed")
def test_render_writes_svg_and_png(tmp_path):
    model, x, y = small_net()
    loss = F.cross_entropy(model(x), y)
    with viz.record_grads() as grads:
        loss.backward()
    svg = viz.render(loss, tmp_path / "g.svg", params=dict(model.named_parameters()), grads=grads)
    text = svg.read_text()
    assert "<svg" in text and "ReLUBackward0" in text and "grad norm" in text
    png = viz.render(loss, tmp_path / "g.png")
    assert png.read_bytes()[:4] == b"\x89PNG"
    with pytest.raises(ValueError, match="unsupported image format"):
        viz.render(loss, tmp_path / "g.gif")


def test_edges_follow_the_engine_after_an_in_place_op():
    w = ts.randn(3, requires_grad=True)
    a = w * 2
    b = a * 3  # consumes a as it was: the first Mul's output
    a.add_(1)  # a now has a newer grad_fn; b's edge must still lead to the Mul
    dot = viz.to_dot((a + b).sum())
    names = labels(dot)
    ops = {nid: text.split("\n")[0] for nid, text in names.items() if "Backward0" in text}
    assert sorted(ops.values()) == [
        "AddBackward0",
        "AddBackward0",
        "MulBackward0",
        "MulBackward0",
        "SumBackward0",
    ]
    edges = re.findall(r"^\s*(n\d+) -> (n\d+);", dot, re.M)
    first_mul = next(
        nid
        for nid, op in ops.items()
        if op == "MulBackward0"
        and any(src == nid and ops.get(dst) == "MulBackward0" for src, dst in edges)
    )
    consumers = sorted(ops[dst] for src, dst in edges if src == first_mul)
    assert consumers == ["AddBackward0", "MulBackward0"]  # the in-place add_ and b's Mul
