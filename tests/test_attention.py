"""Attention: F.scaled_dot_product_attention, nn.MultiheadAttention and the Transformer
family against the formulas written out in NumPy, gradients by finite differences, and
PyTorch's parameter names, shapes and errors."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import tinygrad_scores as ts
import tinygrad_scores.nn as nn
import tinygrad_scores.nn.functional as F
from tinygrad_scores.autograd import gradcheck


def val(t):
    return t.detach().numpy()


def T(a):
    return ts.tensor(a)


def np_softmax(x):
    e = np.exp(x - x.max(-1, keepdims=True))
    return e / e.sum(-1, keepdims=True)


def np_attention(q, k, v, bias=None, scale=None):
    scale = 1 / np.sqrt(q.shape[-1]) if scale is None else scale
    scores = q @ np.swapaxes(k, -1, -2) * scale
    if bias is not None:
        scores = scores + bias
    return np_softmax(scores) @ v


def np_layer_norm(x, w, b, eps=1e-5):
    mu, var = x.mean(-1, keepdims=True), x.var(-1, keepdims=True)
    return (x - mu) / np.sqrt(var + eps) * w + b


# ---------------------------------------------------------------------------- SDPA
def test_sdpa_is_the_softmax_formula():
    rng = np.random.default_rng(0)
    q, k, v = (
        rng.standard_normal((2, 3, 4, 5)),
        rng.standard_normal((2, 3, 6, 5)),
        rng.standard_normal((2, 3, 6, 2)),
    )
    np.testing.assert_allclose(
        val(F.scaled_dot_product_attention(T(q), T(k), T(v))), np_attention(q, k, v), rtol=1e-12
    )
    np.testing.assert_allclose(
        val(F.scaled_dot_product_attention(T(q), T(k), T(v), scale=0.3)),
        np_attention(q, k, v, scale=0.3),
        rtol=1e-12,
    )
    float_mask = rng.standard_normal((4, 6))
    np.testing.assert_allclose(
        val(F.scaled_dot_product_attention(T(q), T(k), T(v), attn_mask=T(float_mask))),
        np_attention(q, k, v, float_mask),
        rtol=1e-12,
    )
    keep = rng.random((2, 1, 4, 6)) > 0.4
    keep[..., 0] = True
    np.testing.assert_allclose(
        val(F.scaled_dot_product_attention(T(q), T(k), T(v), attn_mask=T(keep))),
        np_attention(q, k, v, np.where(keep, 0.0, -np.inf)),
        rtol=1e-12,
    )


def test_sdpa_causal_masks_the_future():
    rng = np.random.default_rng(1)
    q = rng.standard_normal((3, 5, 4))
    out = val(F.scaled_dot_product_attention(T(q), T(q), T(q), is_causal=True))
    causal = np.triu(np.full((5, 5), -np.inf), 1)
    np.testing.assert_allclose(out, np_attention(q, q, q, causal), rtol=1e-12)
    np.testing.assert_allclose(out[:, 0], q[:, 0], rtol=1e-12)  # the first query sees itself only


def test_sdpa_grouped_query_attention_repeats_key_heads():
    rng = np.random.default_rng(2)
    q, k, v = (
        rng.standard_normal((1, 4, 3, 2)),
        rng.standard_normal((1, 2, 5, 2)),
        rng.standard_normal((1, 2, 5, 2)),
    )
    out = F.scaled_dot_product_attention(T(q), T(k), T(v), enable_gqa=True)
    want = np_attention(q, np.repeat(k, 2, axis=1), np.repeat(v, 2, axis=1))
    np.testing.assert_allclose(val(out), want, rtol=1e-12)


def test_sdpa_row_with_every_key_masked_gives_zeros_as_pytorch():
    q = ts.randn(1, 2, 3, dtype=ts.float64, requires_grad=True)
    mask = ts.tensor([[True, False], [False, False]])
    out = F.scaled_dot_product_attention(q, q, q, attn_mask=mask)
    assert np.all(val(out)[0, 1] == 0) and np.isfinite(val(out)).all()
    out.sum().backward()
    assert np.isfinite(val(q.grad)).all()


def test_sdpa_dropout_is_seeded_and_p1_drops_everything():
    q = ts.randn(2, 3, 4)
    assert np.all(val(F.scaled_dot_product_attention(q, q, q, dropout_p=1.0)) == 0)
    ts.manual_seed(3)
    a = val(F.scaled_dot_product_attention(q, q, q, dropout_p=0.5))
    ts.manual_seed(3)
    np.testing.assert_array_equal(a, val(F.scaled_dot_product_attention(q, q, q, dropout_p=0.5)))


def test_sdpa_errors():
    q = ts.randn(2, 3, 4)
    with pytest.raises(RuntimeError, match="attn_mask should not be set when is_causal=True"):
        F.scaled_dot_product_attention(q, q, q, attn_mask=ts.ones(3, 3), is_causal=True)
    with pytest.raises(RuntimeError, match="do not fit"):
        F.scaled_dot_product_attention(q, ts.randn(2, 3, 5), q)
    with pytest.raises(RuntimeError, match="same dtype"):
        F.scaled_dot_product_attention(q, q.double(), q)


@settings(max_examples=20)
@given(
    lead=st.lists(st.integers(1, 2), min_size=1, max_size=2),
    length=st.integers(1, 3),
    source=st.integers(1, 3),
    dim=st.integers(1, 3),
    masked=st.sampled_from(["none", "float", "causal"]),
)
def test_gradcheck_sdpa(lead, length, source, dim, masked):
    rng = np.random.default_rng(4)
    shape = tuple(lead)
    q = ts.tensor(rng.standard_normal(shape + (length, dim)), requires_grad=True)
    k = ts.tensor(rng.standard_normal(shape + (source, dim)), requires_grad=True)
    v = ts.tensor(rng.standard_normal(shape + (source, 2)), requires_grad=True)
    mask = ts.tensor(rng.standard_normal((length, source))) if masked == "float" else None
    causal = masked == "causal" and length == source

    def fn(q, k, v):
        return F.scaled_dot_product_attention(q, k, v, attn_mask=mask, is_causal=causal)

    assert gradcheck(fn, (q, k, v))


# ---------------------------------------------------------------------------- multi-head
def test_multihead_attention_parameters_are_pytorchs():
    m = nn.MultiheadAttention(8, 2)
    assert [(n, tuple(p.shape)) for n, p in m.named_parameters()] == [
        ("in_proj_weight", (24, 8)),
        ("in_proj_bias", (24,)),
        ("out_proj.weight", (8, 8)),
        ("out_proj.bias", (8,)),
    ]
    assert np.all(val(m.in_proj_bias) == 0) and np.all(val(m.out_proj.bias) == 0)
    bound = np.sqrt(6 / (8 + 24))  # xavier_uniform_ over the packed (24, 8) matrix
    assert np.abs(val(m.in_proj_weight)).max() <= bound
    m = nn.MultiheadAttention(8, 2, kdim=3, vdim=5, add_bias_kv=True, bias=False)
    assert [(n, tuple(p.shape)) for n, p in m.named_parameters()] == [
        ("q_proj_weight", (8, 8)),
        ("k_proj_weight", (8, 3)),
        ("v_proj_weight", (8, 5)),
        ("bias_k", (1, 1, 8)),
        ("bias_v", (1, 1, 8)),
        ("out_proj.weight", (8, 8)),
    ]
    assert m.in_proj_weight is None and m.in_proj_bias is None
    assert type(m.out_proj).__name__ == "NonDynamicallyQuantizableLinear"


def np_mha(m, q, k, v, kpm=None, mask=None, average=True):
    """PyTorch's multi-head attention written out, time-major (L, N, E)."""
    p = {n: val(t) for n, t in m.named_parameters()}
    e, h = m.embed_dim, m.num_heads
    if "in_proj_weight" in p:
        wq, wk, wv = np.split(p["in_proj_weight"], 3)
    else:
        wq, wk, wv = p["q_proj_weight"], p["k_proj_weight"], p["v_proj_weight"]
    bq, bk, bv = np.split(p["in_proj_bias"], 3) if "in_proj_bias" in p else (0, 0, 0)
    qp, kp, vp = q @ wq.T + bq, k @ wk.T + bk, v @ wv.T + bv
    n_batch, bias = q.shape[1], np.zeros((q.shape[0], k.shape[0]))
    bias = np.broadcast_to(bias, (n_batch, h) + bias.shape).copy()
    if mask is not None:
        bias += np.where(mask, -np.inf, 0.0) if mask.dtype == bool else mask
    if "bias_k" in p:
        kp = np.concatenate([kp, np.broadcast_to(p["bias_k"], (1, n_batch, e))])
        vp = np.concatenate([vp, np.broadcast_to(p["bias_v"], (1, n_batch, e))])
        bias = np.concatenate([bias, np.zeros(bias.shape[:3] + (1,))], -1)
        kpm = None if kpm is None else np.concatenate([kpm, np.zeros((n_batch, 1), bool)], 1)
    split = lambda t: t.reshape(t.shape[0], n_batch, h, e // h).transpose(1, 2, 0, 3)  # noqa: E731
    qh, kh, vh = split(qp), split(kp), split(vp)
    if m.add_zero_attn:
        kh = np.concatenate([kh, np.zeros(kh.shape[:2] + (1, e // h))], 2)
        vh = np.concatenate([vh, np.zeros(vh.shape[:2] + (1, e // h))], 2)
        bias = np.concatenate([bias, np.zeros(bias.shape[:3] + (1,))], -1)
        kpm = None if kpm is None else np.concatenate([kpm, np.zeros((n_batch, 1), bool)], 1)
    if kpm is not None:
        bias = bias + np.where(kpm, -np.inf, 0.0)[:, None, None, :]
    scores = qh @ kh.transpose(0, 1, 3, 2) / np.sqrt(e // h) + bias
    weights = np_softmax(scores)
    out = (weights @ vh).transpose(2, 0, 1, 3).reshape(q.shape[0], n_batch, e)
    out = out @ p["out_proj.weight"].T + p.get("out_proj.bias", 0)
    return out, (weights.mean(1) if average else weights)


@pytest.mark.parametrize(
    "kwargs",
    [
        {},
        {"kdim": 3, "vdim": 5},
        {"add_bias_kv": True, "add_zero_attn": True},
        {"bias": False, "kdim": 3, "vdim": 3},
    ],
)
def test_multihead_attention_matches_numpy(kwargs):
    ts.manual_seed(0)
    m = nn.MultiheadAttention(6, 3, **kwargs).double()
    rng = np.random.default_rng(5)
    q = rng.standard_normal((4, 2, 6))
    k = rng.standard_normal((5, 2, m.kdim))
    v = rng.standard_normal((5, 2, m.vdim))
    kpm = np.array([[False, False, True, False, True], [False] * 5])
    mask = rng.standard_normal((4, 5))
    out, w = m(T(q), T(k), T(v))
    want, want_w = np_mha(m, q, k, v)
    np.testing.assert_allclose(val(out), want, rtol=1e-10, atol=1e-12)
    np.testing.assert_allclose(val(w), want_w, rtol=1e-10, atol=1e-12)
    out, w = m(
        T(q), T(k), T(v), key_padding_mask=T(kpm), attn_mask=T(mask), average_attn_weights=False
    )
    want, want_w = np_mha(m, q, k, v, kpm, mask, average=False)
    np.testing.assert_allclose(val(out), want, rtol=1e-10, atol=1e-12)
    np.testing.assert_allclose(val(w), want_w, rtol=1e-10, atol=1e-12)
    out, w = m(T(q), T(k), T(v), attn_mask=T(mask > 1.0), need_weights=False)
    assert w is None
    np.testing.assert_allclose(val(out), np_mha(m, q, k, v, None, mask > 1.0)[0], rtol=1e-10)


def test_multihead_attention_batch_first_and_unbatched_agree():
    ts.manual_seed(1)
    m = nn.MultiheadAttention(4, 2, batch_first=True)
    x = ts.randn(3, 5, 4)
    out, w = m(x, x, x)
    assert out.shape == (3, 5, 4) and w.shape == (3, 5, 5)
    m.batch_first = False
    out_t, _ = m(x.transpose(0, 1), x.transpose(0, 1), x.transpose(0, 1))
    np.testing.assert_allclose(val(out), val(out_t.transpose(0, 1)), rtol=1e-6)
    one, w1 = m(x[0], x[0], x[0])
    assert one.shape == (5, 4) and w1.shape == (5, 5)
    np.testing.assert_allclose(val(one), val(out[0]), rtol=1e-5, atol=1e-6)


def test_gradcheck_multihead_attention_inputs_and_parameters():
    ts.manual_seed(2)
    m = nn.MultiheadAttention(4, 2, add_bias_kv=True, kdim=3, vdim=2).double()
    q = ts.randn(3, 2, 4, dtype=ts.float64, requires_grad=True)
    k = ts.randn(2, 2, 3, dtype=ts.float64, requires_grad=True)
    v = ts.randn(2, 2, 2, dtype=ts.float64, requires_grad=True)
    kpm = ts.tensor([[False, True], [False, False]])
    assert gradcheck(lambda q, k, v: m(q, k, v, key_padding_mask=kpm), (q, k, v))
    names = [n for n, _ in m.named_parameters()]

    def run(*params):
        for name, p in zip(names, params):
            owner, _, leaf = name.rpartition(".")
            object.__setattr__(m.get_submodule(owner) if owner else m, leaf, p)
        return m(q.detach(), k.detach(), v.detach())[0]

    assert gradcheck(run, [p.detach().requires_grad_(True) for p in m.parameters()])


def test_multihead_attention_errors():
    with pytest.raises(AssertionError, match="embed_dim must be divisible by num_heads"):
        nn.MultiheadAttention(5, 2)
    m = nn.MultiheadAttention(4, 2)
    x = ts.randn(3, 4)
    with pytest.raises(RuntimeError, match="Need attn_mask if specifying the is_causal hint"):
        m(x, x, x, is_causal=True)
    with pytest.raises(RuntimeError, match="The shape of the 2D attn_mask is"):
        m(x, x, x, attn_mask=ts.zeros(2, 2))
    with pytest.raises(AssertionError, match="only bool and floating types of attn_mask"):
        m(x, x, x, attn_mask=ts.zeros(3, 3, dtype=ts.int64))
    with pytest.raises(AssertionError, match="expected `key` and `value` to be 2-D"):
        m(x, ts.randn(3, 1, 4), x)


# ---------------------------------------------------------------------------- transformer
def np_encoder_layer(layer, x, norm_first):
    p = {n: val(t) for n, t in layer.named_parameters()}
    attn = lambda h: np_mha(layer.self_attn, h, h, h)[0]  # noqa: E731
    ff = lambda h: (
        np.maximum(h @ p["linear1.weight"].T + p["linear1.bias"], 0) @ p["linear2.weight"].T
        + p["linear2.bias"]
    )  # noqa: E731, E501
    n1 = lambda h: np_layer_norm(h, p["norm1.weight"], p["norm1.bias"])  # noqa: E731
    n2 = lambda h: np_layer_norm(h, p["norm2.weight"], p["norm2.bias"])  # noqa: E731
    if norm_first:
        x = x + attn(n1(x))
        return x + ff(n2(x))
    x = n1(x + attn(x))
    return n2(x + ff(x))


@pytest.mark.parametrize("norm_first", [False, True])
def test_encoder_layer_matches_numpy(norm_first):
    ts.manual_seed(3)
    layer = nn.TransformerEncoderLayer(
        4, 2, dim_feedforward=6, dropout=0.0, norm_first=norm_first
    ).double()
    with ts.no_grad():
        for p in layer.parameters():
            p.add_(ts.randn(*p.shape, dtype=ts.float64) * 0.1)  # LayerNorm weights not all 1
    x = np.random.default_rng(6).standard_normal((5, 2, 4))
    np.testing.assert_allclose(
        val(layer(T(x))), np_encoder_layer(layer, x, norm_first), rtol=1e-10, atol=1e-12
    )


def test_encoder_stack_clones_the_layer_and_applies_the_norm():
    ts.manual_seed(4)
    layer = nn.TransformerEncoderLayer(4, 2, dim_feedforward=8, dropout=0.0, batch_first=True)
    enc = nn.TransformerEncoder(layer, 2, norm=nn.LayerNorm(4))
    assert enc.layers[0] is not enc.layers[1]
    np.testing.assert_array_equal(
        val(enc.layers[0].linear1.weight), val(enc.layers[1].linear1.weight)
    )
    x = ts.randn(2, 3, 4)
    want = enc.norm(enc.layers[1](enc.layers[0](x)))
    np.testing.assert_allclose(val(enc(x)), val(want), rtol=1e-6)
    pad = ts.tensor([[False, False, True], [False, False, False]])
    assert enc(x, src_key_padding_mask=pad).shape == (2, 3, 4)


def test_decoder_layer_masks_the_future_of_the_target():
    ts.manual_seed(5)
    dec = nn.TransformerDecoderLayer(4, 2, dim_feedforward=8, dropout=0.0)
    memory, tgt = ts.randn(3, 1, 4), ts.randn(5, 1, 4)
    mask = nn.Transformer.generate_square_subsequent_mask(5)
    full = val(dec(tgt, memory, tgt_mask=mask))
    cut = val(dec(tgt[:3], memory, tgt_mask=mask[:3, :3]))
    np.testing.assert_allclose(full[:3], cut, rtol=1e-5, atol=1e-6)  # position t sees only <= t
    changed = tgt.clone()
    with ts.no_grad():
        changed[4] += 1.0
    np.testing.assert_allclose(
        val(dec(changed, memory, tgt_mask=mask))[:4], full[:4], rtol=1e-5, atol=1e-6
    )


def test_generate_square_subsequent_mask_values():
    m = val(nn.Transformer.generate_square_subsequent_mask(3))
    assert m.dtype == np.float32
    assert m.tolist() == [[0, -np.inf, -np.inf], [0, 0, -np.inf], [0, 0, 0]]


def test_transformer_shapes_init_and_errors():
    ts.manual_seed(6)
    model = nn.Transformer(
        d_model=8,
        nhead=2,
        num_encoder_layers=2,
        num_decoder_layers=1,
        dim_feedforward=16,
        activation="gelu",
    )
    names = [n for n, _ in model.named_parameters()]
    assert names[0] == "encoder.layers.0.self_attn.in_proj_weight"
    assert (
        "decoder.layers.0.multihead_attn.out_proj.weight" in names
        and "encoder.norm.weight" in names
    )
    bound = np.sqrt(6 / (16 + 8))
    assert np.abs(val(model.encoder.layers[0].linear1.weight)).max() <= bound  # xavier_uniform_
    src, tgt = ts.randn(6, 3, 8), ts.randn(4, 3, 8)
    out = model(src, tgt, tgt_mask=model.generate_square_subsequent_mask(4))
    assert out.shape == (4, 3, 8)
    out.sum().backward()
    assert model.encoder.layers[0].self_attn.in_proj_weight.grad is not None
    with pytest.raises(RuntimeError, match="the batch number of src and tgt must be equal"):
        model(src, ts.randn(4, 2, 8))
    with pytest.raises(
        RuntimeError, match="the feature number of src and tgt must be equal to d_model"
    ):
        model(ts.randn(6, 3, 7), ts.randn(4, 3, 7))
    with pytest.raises(RuntimeError, match="activation should be relu/gelu, not tanh"):
        nn.TransformerEncoderLayer(8, 2, activation="tanh")


def test_encoder_layer_subclass_and_callable_activation():
    class Layer(nn.TransformerEncoderLayer):
        def forward(self, src, src_mask=None, src_key_padding_mask=None, is_causal=False):
            return 2 * super().forward(src, src_mask, src_key_padding_mask, is_causal)

    ts.manual_seed(7)
    layer = Layer(4, 2, dim_feedforward=8, dropout=0.0, activation=lambda x: x * 0)
    enc = nn.TransformerEncoder(layer, 1)
    x = ts.randn(3, 2, 4)
    h = layer.norm1(x + layer.self_attn(x, x, x, need_weights=False)[0])
    want = 2 * layer.norm2(h + layer.linear2.bias)  # the zero activation leaves linear2's bias
    np.testing.assert_allclose(val(enc(x)), val(want), rtol=1e-5, atol=1e-6)


def test_gradcheck_encoder_layer_input():
    ts.manual_seed(8)
    layer = nn.TransformerEncoderLayer(
        4, 2, dim_feedforward=6, dropout=0.0, activation="gelu"
    ).double()
    x = ts.randn(3, 2, 4, dtype=ts.float64, requires_grad=True)
    mask = nn.Transformer.generate_square_subsequent_mask(3, dtype=ts.float64)
    assert gradcheck(lambda x: layer(x, src_mask=mask), (x,))


# ---------------------------------------------------------------------------- batched products
@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("lead", [(3,), (2, 2)])
def test_batched_matmul_on_the_kernel_and_its_gradients(dtype, lead):
    """Slices of 40 x 30 x 50 (over the size where the blocked kernel runs per slice): the
    product and da = g b^T, db = a^T g against NumPy, for 3-D (bmm) and 4-D operands, one
    of them a transposed view."""
    rng = np.random.default_rng(7)
    a = rng.standard_normal(lead + (40, 30)).astype(dtype)
    b = rng.standard_normal(lead + (50, 30)).astype(dtype)
    g = rng.standard_normal(lead + (40, 50)).astype(dtype)
    ta = ts.tensor(a, requires_grad=True)
    tb = ts.tensor(b, requires_grad=True)
    out = ta @ tb.transpose(-1, -2)
    tol = dict(rtol=1e-4, atol=1e-4) if dtype == np.float32 else dict(rtol=1e-12)
    np.testing.assert_allclose(val(out), a @ np.swapaxes(b, -1, -2), **tol)
    out.backward(ts.tensor(g))
    np.testing.assert_allclose(val(ta.grad), g @ b, **tol)
    np.testing.assert_allclose(val(tb.grad), np.swapaxes(g, -1, -2) @ a, **tol)
    if len(lead) == 1:
        np.testing.assert_allclose(val(ta.bmm(tb.transpose(1, 2))), val(out), rtol=0, atol=0)


@settings(max_examples=15)
@given(
    lead=st.lists(st.integers(1, 3), min_size=1, max_size=2),
    m=st.integers(1, 3),
    k=st.integers(1, 3),
    n=st.integers(1, 3),
)
def test_gradcheck_batched_matmul(lead, m, k, n):
    rng = np.random.default_rng(8)
    a = ts.tensor(rng.standard_normal(tuple(lead) + (m, k)), requires_grad=True)
    b = ts.tensor(rng.standard_normal(tuple(lead) + (k, n)), requires_grad=True)
    assert gradcheck(lambda a, b: a @ b, (a, b))


# ---------------------------------------------------------------------------- the fused op
def test_fused_attention_equals_the_composed_ops_with_dropout_and_masks():
    """SDPA runs as the fused Attention op; MultiheadAttention with need_weights=True runs
    the composed ops. Same seed, same dropout draw: same output and gradients."""
    from tinygrad_scores.nn.functional import _attention

    rng = np.random.default_rng(9)
    q, k, v = (
        rng.standard_normal((3, 4, 5)),
        rng.standard_normal((3, 6, 5)),
        rng.standard_normal((3, 6, 2)),
    )
    bias = np.where(rng.random((3, 4, 6)) > 0.3, 0.0, -np.inf)
    bias[0, 1] = -np.inf  # a row with every key masked
    results = []
    for weights in (False, True):
        ts.manual_seed(11)
        tq, tk, tv = (ts.tensor(a, requires_grad=True) for a in (q, k, v))
        out, _ = _attention(tq, tk, tv, ts.tensor(bias), 0.4, 0.3, weights=weights)
        (out * ts.tensor(np.arange(out.numel()).reshape(out.shape) % 3)).sum().backward()
        results.append([val(t) for t in (out, tq.grad, tk.grad, tv.grad)])
    for a, b in zip(*results):
        np.testing.assert_allclose(a, b, rtol=1e-12, atol=1e-14)


def test_gradcheck_fused_attention_with_a_learned_float_mask():
    rng = np.random.default_rng(10)
    q = ts.tensor(rng.standard_normal((2, 3, 2)), requires_grad=True)
    k = ts.tensor(rng.standard_normal((2, 4, 2)), requires_grad=True)
    v = ts.tensor(rng.standard_normal((2, 4, 3)), requires_grad=True)
    mask = ts.tensor(rng.standard_normal((3, 4)), requires_grad=True)
    assert gradcheck(
        lambda q, k, v, m: F.scaled_dot_product_attention(q, k, v, attn_mask=m), (q, k, v, mask)
    )
    assert gradcheck(
        lambda q, k, v: F.scaled_dot_product_attention(q, k, v, is_causal=True), (q, k, v)
    )


def test_gradcheck_multihead_attention_without_weights():
    ts.manual_seed(12)
    m = nn.MultiheadAttention(4, 2).double()
    x = ts.randn(3, 2, 4, dtype=ts.float64, requires_grad=True)
    kpm = ts.tensor([[False, False, True], [False, False, False]])
    mask = nn.Transformer.generate_square_subsequent_mask(3, dtype=ts.float64)
    fn = lambda x: m(x, x, x, key_padding_mask=kpm, attn_mask=mask, need_weights=False)[0]  # noqa: E731
    assert gradcheck(fn, (x,))
