"""Recurrent layers (nn.RNN / LSTM / GRU, the cells) and nn.utils.rnn packing: PyTorch's
parameter names and layouts, each cell's equations written out in NumPy, the layers against
a NumPy loop over time, layers and directions, packed sequences against running each
sequence alone, gradients by finite differences, and PyTorch's errors."""

import warnings

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import tinygrad_scores as ts
import tinygrad_scores.nn as nn
from tinygrad_scores.autograd import gradcheck
from tinygrad_scores.nn.utils import rnn as rnn_utils


def val(t):
    return t.detach().numpy()


def sigmoid(x):
    return 1 / (1 + np.exp(-x))


# ---------------------------------------------------------------------------- NumPy equations
def np_cell(mode, x, state, w_ih, w_hh, b_ih, b_hh, w_hr=None):
    """One step of each cell as PyTorch documents it, gates packed in PyTorch's order."""
    b_ih = 0 if b_ih is None else b_ih
    b_hh = 0 if b_hh is None else b_hh
    if mode in ("tanh", "relu"):
        pre = x @ w_ih.T + b_ih + state @ w_hh.T + b_hh
        return np.tanh(pre) if mode == "tanh" else np.maximum(pre, 0)
    if mode == "lstm":
        h, c = state
        gates = x @ w_ih.T + b_ih + h @ w_hh.T + b_hh
        i, f, g, o = np.split(gates, 4, axis=-1)
        c = sigmoid(f) * c + sigmoid(i) * np.tanh(g)
        h = sigmoid(o) * np.tanh(c)
        return (h if w_hr is None else h @ w_hr.T), c
    gi = x @ w_ih.T + b_ih
    gh = state @ w_hh.T + b_hh  # b_hn stays inside the reset product
    i_r, i_z, i_n = np.split(gi, 3, axis=-1)
    h_r, h_z, h_n = np.split(gh, 3, axis=-1)
    r, z = sigmoid(i_r + h_r), sigmoid(i_z + h_z)
    n = np.tanh(i_n + r * h_n)
    return (1 - z) * n + z * state


def np_layers(module, mode, x, states):
    """The whole stack, time-major x (T, B, I): layer by layer, forward then reverse."""
    p = {k: val(v) for k, v in module.named_parameters()}
    dirs = 2 if module.bidirectional else 1
    finals = [[] for _ in states]
    for layer in range(module.num_layers):
        outs = []
        for d in range(dirs):
            sfx = f"_l{layer}" + ("_reverse" if d else "")
            row = layer * dirs + d
            state = tuple(s[row] for s in states) if mode == "lstm" else states[0][row]
            out = [None] * len(x)
            for t in reversed(range(len(x))) if d else range(len(x)):
                state = np_cell(
                    mode, x[t], state, p["weight_ih" + sfx], p["weight_hh" + sfx],
                    p.get("bias_ih" + sfx), p.get("bias_hh" + sfx), p.get("weight_hr" + sfx),
                )  # fmt: skip
                out[t] = state[0] if mode == "lstm" else state
            outs.append(np.stack(out))
            for kept, s in zip(finals, state if mode == "lstm" else (state,)):
                kept.append(s)
        x = np.concatenate(outs, -1)
    return x, [np.stack(f) for f in finals]


MODES = {"tanh": nn.RNN, "relu": nn.RNN, "lstm": nn.LSTM, "gru": nn.GRU}


def make(mode, *args, **kwargs):
    if mode in ("tanh", "relu"):
        kwargs["nonlinearity"] = mode
    return MODES[mode](*args, **kwargs).double()


# ---------------------------------------------------------------------------- parameters
def test_lstm_parameter_names_shapes_and_order_are_pytorchs():
    m = nn.LSTM(10, 20, num_layers=2, bidirectional=True, proj_size=5)
    expected = []
    for layer, n_in in ((0, 10), (1, 10)):
        for sfx in ("", "_reverse"):
            expected += [
                (f"weight_ih_l{layer}{sfx}", (80, n_in)),
                (f"weight_hh_l{layer}{sfx}", (80, 5)),
                (f"bias_ih_l{layer}{sfx}", (80,)),
                (f"bias_hh_l{layer}{sfx}", (80,)),
                (f"weight_hr_l{layer}{sfx}", (5, 20)),
            ]
    assert [(n, tuple(p.shape)) for n, p in m.named_parameters()] == expected
    assert list(m.state_dict()) == [n for n, _ in expected]
    assert len(m.all_weights) == 4 and len(m.all_weights[0]) == 5
    assert m.all_weights[1][0] is m.weight_ih_l0_reverse
    m.flatten_parameters()  # accepted, a no-op


def test_gru_and_rnn_gate_rows_and_bias_false():
    assert nn.GRU(3, 4).weight_ih_l0.shape == (12, 3)
    m = nn.RNN(3, 4, 2, "relu", bias=False)
    assert [n for n, _ in m.named_parameters()] == [
        "weight_ih_l0", "weight_hh_l0", "weight_ih_l1", "weight_hh_l1",
    ]  # fmt: skip
    assert repr(m) == "RNN(3, 4, num_layers=2, bias=False, nonlinearity=relu)"
    assert repr(nn.LSTM(3, 4, batch_first=True, bidirectional=True)) == (
        "LSTM(3, 4, batch_first=True, bidirectional=True)"
    )
    assert repr(nn.LSTMCell(3, 4)) == "LSTMCell(3, 4)"


def test_default_init_is_uniform_in_one_over_sqrt_hidden():
    ts.manual_seed(0)
    for m in (nn.LSTM(7, 16, 2), nn.GRUCell(5, 16), nn.RNN(3, 16, bidirectional=True)):
        for p in m.parameters():
            a = val(p)
            assert np.abs(a).max() <= 0.25 and a.std() > 0.1  # 1/sqrt(16), spread out


def test_state_dict_round_trip_and_double():
    a, b = nn.GRU(3, 4, 2), nn.GRU(3, 4, 2)
    b.load_state_dict(a.state_dict())
    x = ts.randn(5, 2, 3)
    np.testing.assert_array_equal(val(a(x)[0]), val(b(x)[0]))
    assert a.double().weight_hh_l1.dtype == ts.float64


# ---------------------------------------------------------------------------- cells
@pytest.mark.parametrize("mode", ["tanh", "relu", "lstm", "gru"])
@pytest.mark.parametrize("bias", [True, False])
def test_each_cell_follows_its_equations(mode, bias):
    ts.manual_seed(1)
    cls = {"tanh": nn.RNNCell, "relu": nn.RNNCell, "lstm": nn.LSTMCell, "gru": nn.GRUCell}[mode]
    kwargs = {"nonlinearity": mode} if cls is nn.RNNCell else {}
    cell = cls(3, 4, bias=bias, **kwargs).double()
    rng = np.random.default_rng(0)
    x, h, c = rng.standard_normal((2, 3)), rng.standard_normal((2, 4)), rng.standard_normal((2, 4))
    p = {k: val(v) for k, v in cell.named_parameters()}
    args = (p["weight_ih"], p["weight_hh"], p.get("bias_ih"), p.get("bias_hh"))
    if mode == "lstm":
        out = cell(ts.tensor(x), (ts.tensor(h), ts.tensor(c)))
        want = np_cell(mode, x, (h, c), *args)
        np.testing.assert_allclose(val(out[0]), want[0], rtol=1e-12)
        np.testing.assert_allclose(val(out[1]), want[1], rtol=1e-12)
        unbatched = cell(ts.tensor(x[0]))
        np.testing.assert_allclose(
            val(unbatched[1]), np_cell(mode, x[:1], (0 * h[:1], 0 * c[:1]), *args)[1][0]
        )
    else:
        out = cell(ts.tensor(x), ts.tensor(h))
        np.testing.assert_allclose(val(out), np_cell(mode, x, h, *args), rtol=1e-12)
        assert cell(ts.tensor(x[0])).shape == (4,)


def test_gru_keeps_b_hn_inside_the_reset_product():
    """n = tanh(W_in x + b_in + r * (W_hn h + b_hn)): with r ~ 0 (reset bias -50) b_hn has
    no effect, while b_in shifts n fully."""
    cell = nn.GRUCell(1, 1).double()
    with ts.no_grad():
        for p in cell.parameters():
            p.zero_()
        cell.bias_ih[0] = -50.0  # r = sigmoid(-50) ~ 0
        cell.bias_hh[2] = 3.0  # b_hn
    h = cell(ts.zeros(1, 1, dtype=ts.float64), ts.zeros(1, 1, dtype=ts.float64))
    np.testing.assert_allclose(val(h), 0.0, atol=1e-20)  # z = 0.5, n = tanh(0 + 0 * 3)
    with ts.no_grad():
        cell.bias_ih[2] = 3.0  # b_in
    h = cell(ts.zeros(1, 1, dtype=ts.float64), ts.zeros(1, 1, dtype=ts.float64))
    np.testing.assert_allclose(val(h), 0.5 * np.tanh(3.0))


# ---------------------------------------------------------------------------- layers
@pytest.mark.parametrize(
    "mode,kwargs",
    [
        ("tanh", {}),
        ("relu", {"num_layers": 2, "bias": False}),
        ("lstm", {"num_layers": 2, "bidirectional": True}),
        ("lstm", {"proj_size": 2, "bidirectional": True, "batch_first": True}),
        ("gru", {"num_layers": 3, "bidirectional": True}),
        ("gru", {"batch_first": True}),
    ],
)
def test_layers_match_the_numpy_loop(mode, kwargs):
    ts.manual_seed(2)
    m = make(mode, 3, 4, **kwargs)
    rng = np.random.default_rng(1)
    x = rng.standard_normal((5, 2, 3))
    rows = m.num_layers * (2 if m.bidirectional else 1)
    h0 = rng.standard_normal((rows, 2, m.proj_size or 4))
    c0 = rng.standard_normal((rows, 2, 4))
    states = [h0, c0] if mode == "lstm" else [h0]
    hx = tuple(map(ts.tensor, states)) if mode == "lstm" else ts.tensor(h0)
    xin = x.transpose(1, 0, 2) if m.batch_first else x
    out, h_n = m(ts.tensor(xin), hx)
    want, finals = np_layers(m, mode, x, states)
    want = want.transpose(1, 0, 2) if m.batch_first else want
    np.testing.assert_allclose(val(out), want, rtol=1e-10, atol=1e-12)
    for got, f in zip(h_n if mode == "lstm" else (h_n,), finals):
        np.testing.assert_allclose(val(got), f, rtol=1e-10, atol=1e-12)
    # no initial state means zeros
    out0, _ = m(ts.tensor(xin))
    want0, _ = np_layers(m, mode, x, [0 * s for s in states])
    np.testing.assert_allclose(val(out0), want0.transpose(1, 0, 2) if m.batch_first else want0)


def test_output_shapes_as_pytorch_documents():
    m = nn.LSTM(10, 20, 2, bidirectional=True, proj_size=5)
    out, (h, c) = m(ts.randn(7, 3, 10))
    assert out.shape == (7, 3, 10) and h.shape == (4, 3, 5) and c.shape == (4, 3, 20)
    out, (h, c) = m(ts.randn(7, 10))  # unbatched
    assert out.shape == (7, 10) and h.shape == (4, 5) and c.shape == (4, 20)
    g = nn.GRU(10, 20, batch_first=True)
    out, h = g(ts.randn(3, 7, 10))
    assert out.shape == (3, 7, 20) and h.shape == (1, 3, 20)
    out, h = g(ts.randn(7, 10), ts.zeros(1, 20))
    assert out.shape == (7, 20) and h.shape == (1, 20)


def test_the_last_output_step_is_h_n_of_the_last_layer():
    m = nn.GRU(3, 4, 2)
    out, h = m(ts.randn(6, 2, 3))
    np.testing.assert_allclose(val(out[-1]), val(h[-1]), rtol=1e-6)


def test_dropout_between_layers_only_in_training():
    ts.manual_seed(0)
    m = nn.LSTM(3, 8, 2, dropout=0.5)
    x = ts.randn(4, 2, 3)
    m.eval()
    a, b = val(m(x)[0]), val(m(x)[0])
    np.testing.assert_array_equal(a, b)
    m.train()
    ts.manual_seed(5)
    c = val(m(x)[0])
    ts.manual_seed(5)
    np.testing.assert_array_equal(c, val(m(x)[0]))  # the generator repeats it
    assert not np.allclose(a, c)
    with pytest.warns(UserWarning, match="num_layers greater than 1"):
        nn.GRU(3, 4, dropout=0.2)


# ---------------------------------------------------------------------------- packing
def test_pad_sequence_and_pack_round_trip():
    a, b, c = ts.ones(4, 2), 2 * ts.ones(1, 2), 3 * ts.ones(3, 2)
    padded = rnn_utils.pad_sequence([a, b, c], batch_first=True, padding_value=-1.0)
    assert padded.shape == (3, 4, 2)
    assert val(padded)[1].tolist() == [[2, 2], [-1, -1], [-1, -1], [-1, -1]]
    left = rnn_utils.pad_sequence([a, b], padding_side="left")
    assert val(left)[:, 1, 0].tolist() == [0, 0, 0, 2]
    packed = rnn_utils.pack_padded_sequence(
        padded, [4, 1, 3], batch_first=True, enforce_sorted=False
    )
    assert val(packed.batch_sizes).tolist() == [3, 2, 2, 1]
    assert val(packed.sorted_indices).tolist() == [0, 2, 1]
    assert val(packed.unsorted_indices).tolist() == [0, 2, 1]
    assert val(packed.data)[:, 0].tolist() == [1, 3, 2, 1, 3, 1, 3, 1]
    back, lengths = rnn_utils.pad_packed_sequence(packed, batch_first=True, padding_value=-1.0)
    np.testing.assert_array_equal(val(back), val(padded))
    assert val(lengths).tolist() == [4, 1, 3]
    longer, _ = rnn_utils.pad_packed_sequence(packed, total_length=6)
    assert longer.shape == (6, 3, 2)
    data, batch_sizes, _, _ = rnn_utils.pack_sequence([a, c, b])  # unpacks as a namedtuple
    assert val(batch_sizes).tolist() == [3, 2, 2, 1] and data.shape == (8, 2)


def test_packing_errors():
    x = ts.zeros(3, 2, 1)
    with pytest.raises(RuntimeError, match="sorted in decreasing order"):
        rnn_utils.pack_padded_sequence(x, [1, 3])
    with pytest.raises(RuntimeError, match="greater than 0"):
        rnn_utils.pack_padded_sequence(x, [3, 0])
    packed = rnn_utils.pack_padded_sequence(x, [3, 2])
    with pytest.raises(ValueError, match="total_length"):
        rnn_utils.pad_packed_sequence(packed, total_length=2)


@pytest.mark.parametrize("mode", ["tanh", "lstm", "gru"])
def test_packed_sequences_give_each_sequence_run_alone(mode):
    ts.manual_seed(3)
    m = make(mode, 2, 3, num_layers=2, bidirectional=True)
    lengths = [2, 5, 3]
    seqs = [ts.randn(n, 2, dtype=ts.float64) for n in lengths]
    packed = rnn_utils.pack_sequence(seqs, enforce_sorted=False)
    out, h = m(packed)
    assert isinstance(out, rnn_utils.PackedSequence)
    padded, got_lengths = rnn_utils.pad_packed_sequence(out)
    assert val(got_lengths).tolist() == lengths
    for b, s in enumerate(seqs):
        alone, h_alone = m(s)
        # the fused layer (alone) and the per-step ops (packed) sum in other orders: float64
        # rounding, relative to the values, and absolute near zero
        np.testing.assert_allclose(val(padded[: lengths[b], b]), val(alone), rtol=1e-12, atol=1e-15)
        np.testing.assert_allclose(val(padded[lengths[b] :, b]), 0.0)
        for got, want in zip(
            h if mode == "lstm" else (h,), h_alone if mode == "lstm" else (h_alone,)
        ):
            np.testing.assert_allclose(val(got[:, b]), val(want), rtol=1e-12, atol=1e-15)


# ---------------------------------------------------------------------------- gradients
@settings(max_examples=15)
@given(
    mode=st.sampled_from(["tanh", "lstm", "gru"]),
    layers=st.integers(1, 2),
    bidirectional=st.booleans(),
    batch_first=st.booleans(),
    steps=st.integers(1, 3),
    batch=st.integers(1, 2),
    packed=st.booleans(),
)
def test_gradcheck_input_and_initial_state(
    mode, layers, bidirectional, batch_first, steps, batch, packed
):
    ts.manual_seed(4)
    m = make(mode, 2, 3, num_layers=layers, bidirectional=bidirectional, batch_first=batch_first)
    rows = layers * (2 if bidirectional else 1)
    x = ts.randn(batch, steps, 2, dtype=ts.float64, requires_grad=True)
    h0 = ts.randn(rows, batch, 3, dtype=ts.float64, requires_grad=True)
    c0 = ts.randn(rows, batch, 3, dtype=ts.float64, requires_grad=True)
    lengths = [steps] + [max(1, steps - 1)] * (batch - 1)

    def fn(x, h0, c0):
        inp = x if batch_first else x.transpose(0, 1)
        if packed:
            inp = rnn_utils.pack_padded_sequence(inp, lengths, batch_first=batch_first)
        out, h = m(inp, (h0, c0) if mode == "lstm" else h0)
        out = out.data if packed else out
        return (out,) + (h if mode == "lstm" else (h,))

    assert gradcheck(fn, (x, h0, c0) if mode == "lstm" else (x, h0, c0.detach()))


def _with_params(module, fn):
    """fn(*params) run with the module's parameters replaced by the given tensors, so
    gradcheck can perturb them."""
    names = [n for n, _ in module.named_parameters()]

    def run(*args):
        params, rest = args[: len(names)], args[len(names) :]
        for name, p in zip(names, params):
            owner, _, leaf = name.rpartition(".")
            object.__setattr__(module.get_submodule(owner) if owner else module, leaf, p)
        return fn(*rest)

    return run, [p.detach().requires_grad_(True) for _, p in module.named_parameters()]


@pytest.mark.parametrize(
    "mode,kwargs",
    [
        ("lstm", {"num_layers": 2, "bidirectional": True, "proj_size": 2}),
        ("gru", {"bidirectional": True}),
        ("relu", {}),
    ],
)
def test_gradcheck_every_parameter(mode, kwargs):
    ts.manual_seed(6)
    m = make(mode, 2, 3, **kwargs)
    x = ts.randn(3, 2, 2, dtype=ts.float64) + (0.5 if mode == "relu" else 0.0)
    run, params = _with_params(m, lambda: m(x)[0])
    assert gradcheck(run, params)


@pytest.mark.parametrize("cls", [nn.RNNCell, nn.LSTMCell, nn.GRUCell])
def test_gradcheck_cells(cls):
    ts.manual_seed(7)
    cell = cls(2, 3).double()
    x = ts.randn(2, 2, dtype=ts.float64, requires_grad=True)
    h = ts.randn(2, 3, dtype=ts.float64, requires_grad=True)
    c = ts.randn(2, 3, dtype=ts.float64, requires_grad=cls is nn.LSTMCell)

    def step(x, h, c):
        return cell(x, (h, c)) if cls is nn.LSTMCell else cell(x, h)

    assert gradcheck(step, (x, h, c))
    run, params = _with_params(cell, lambda: step(x.detach(), h.detach(), c.detach()))
    assert gradcheck(run, params)


# ---------------------------------------------------------------------------- errors
def test_constructor_errors_are_pytorchs():
    with pytest.raises(ValueError, match="proj_size argument is only supported for LSTM"):
        nn.GRU(3, 4, proj_size=2)
    with pytest.raises(ValueError, match="proj_size has to be smaller than hidden_size"):
        nn.LSTM(3, 4, proj_size=4)
    with pytest.raises(ValueError, match="Unknown nonlinearity 'gelu'"):
        nn.RNN(3, 4, nonlinearity="gelu")
    with pytest.raises(ValueError, match="dropout should be a number in range"):
        nn.LSTM(3, 4, dropout=1.5)
    with pytest.raises(ValueError, match="hidden_size must be greater than zero"):
        nn.LSTM(3, 0)
    with pytest.raises(ValueError, match="num_layers must be greater than zero"):
        nn.GRU(3, 4, 0)
    with pytest.raises(TypeError, match="bias should be of type bool"):
        nn.LSTM(3, 4, bias=1)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        nn.LSTM(3, 4, 2, dropout=0.5)  # no warning with two layers


def test_forward_errors_are_pytorchs():
    m = nn.LSTM(3, 4, 2)
    with pytest.raises(ValueError, match="LSTM: Expected input to be 2D or 3D, got 4D instead"):
        m(ts.zeros(1, 2, 3, 4))
    with pytest.raises(
        RuntimeError, match="input.size\\(-1\\) must be equal to input_size. Expected 3, got 5"
    ):
        m(ts.zeros(2, 1, 5))
    with pytest.raises(
        RuntimeError, match=r"Expected hidden\[0\] size \(2, 1, 4\), got \[1, 1, 4\]"
    ):
        m(ts.zeros(2, 1, 3), (ts.zeros(1, 1, 4), ts.zeros(2, 1, 4)))
    with pytest.raises(RuntimeError, match="hx and cx should also be 2-D but got \\(3-D, 3-D\\)"):
        m(ts.zeros(2, 3), (ts.zeros(2, 1, 4), ts.zeros(2, 1, 4)))
    with pytest.raises(RuntimeError, match="Expected sequence length to be larger than 0"):
        m(ts.zeros(0, 2, 3))
    out, (h, c) = m(ts.zeros(5, 0, 3))  # an empty batch is fine
    assert out.shape == (5, 0, 4) and h.shape == (2, 0, 4)
    g = nn.GRU(3, 4)
    with pytest.raises(RuntimeError, match=r"Expected hidden size \(1, 2, 4\), got \[1, 3, 4\]"):
        g(ts.zeros(5, 2, 3), ts.zeros(1, 3, 4))
    with pytest.raises(ValueError, match="does not match weight dtype"):
        g(ts.zeros(5, 2, 3, dtype=ts.float64))
    cell = nn.LSTMCell(3, 4)
    with pytest.raises(ValueError, match="LSTMCell: Expected input to be 1D or 2D, got 3D instead"):
        cell(ts.zeros(1, 1, 3))
    with pytest.raises(RuntimeError, match="input has inconsistent input_size: got 2 expected 3"):
        cell(ts.zeros(1, 2))
    with pytest.raises(RuntimeError, match="Input batch size 2 doesn't match hidden0 batch size 1"):
        nn.GRUCell(3, 4)(ts.zeros(2, 3), ts.zeros(1, 4))


# ---------------------------------------------------------------------------- the fused layer
def test_fused_lstm_layer_equals_the_composed_steps():
    """nn.LSTM runs unpacked input through the fused LSTMLayer op and packed input through
    the per-step ops: with every sequence full length both must give the same values and
    gradients."""
    ts.manual_seed(9)
    m = make("lstm", 3, 4, num_layers=2, bidirectional=True)
    x = ts.randn(5, 2, 3, dtype=ts.float64, requires_grad=True)
    results = []
    for packed in (False, True):
        m.zero_grad()
        x.grad = None
        inp = rnn_utils.pack_padded_sequence(x, [5, 5]) if packed else x
        out, (h, c) = m(inp)
        out = rnn_utils.pad_packed_sequence(out)[0] if packed else out
        (out.sum() + (h * h).sum() + c.sum()).backward()
        grads = [val(p.grad) for p in m.parameters()]
        results.append((val(out), val(h), val(c), val(x.grad), grads))
    for a, b in zip(*results):
        for u, v in zip(a if isinstance(a, list) else [a], b if isinstance(b, list) else [b]):
            np.testing.assert_allclose(u, v, rtol=1e-12, atol=1e-14)


def test_gradcheck_fused_lstm_every_parameter():
    ts.manual_seed(10)
    m = make("lstm", 2, 3, num_layers=2, bidirectional=True)
    x = ts.randn(3, 2, 2, dtype=ts.float64)
    h0 = ts.randn(4, 2, 3, dtype=ts.float64)
    run, params = _with_params(m, lambda: m(x, (h0, h0))[1])
    assert gradcheck(run, params)


@settings(max_examples=20)
@given(
    batch=st.integers(0, 4),
    hidden=st.integers(1, 40),
    dtype=st.sampled_from([np.float32, np.float64]),
    seed=st.integers(0, 2**16),
)
def test_lstm_cell_kernels_match_their_numpy_twin_on_both_floors(batch, hidden, dtype, seed):
    from tinygrad_scores.kernels import fast, loops
    from tinygrad_scores.kernels import reference as ref

    rng = np.random.default_rng(seed)
    pre = (rng.standard_normal((batch, 4 * hidden)) * 4).astype(dtype)  # some saturated gates
    c_prev, dh, dc0 = (rng.standard_normal((batch, hidden)).astype(dtype) for _ in range(3))
    acts_want, c_want, h_want = ref.lstm_cell_forward(pre, c_prev)
    tol = dict(rtol=1e-5, atol=1e-6) if dtype == np.float32 else dict(rtol=1e-12, atol=1e-14)
    for floor in (fast, loops):
        acts, c, h = np.empty_like(pre), np.empty_like(c_prev), np.empty_like(c_prev)
        floor.lstm_cell_forward(pre, c_prev, acts, c, h)
        for got, want in ((acts, acts_want), (c, c_want), (h, h_want)):
            np.testing.assert_allclose(got, want, **tol)
        dpre_want, dc_want = ref.lstm_cell_backward(acts_want, c_prev, c_want, dh, dc0)
        dc, dpre = dc0.copy(), np.empty_like(pre)
        floor.lstm_cell_backward(acts_want, c_prev, c_want, dh, dc, dpre)
        np.testing.assert_allclose(dpre, dpre_want, **tol)
        np.testing.assert_allclose(dc, dc_want, **tol)


def test_fused_lstm_gives_the_same_on_the_loop_floor():
    from tinygrad_scores import kernels

    ts.manual_seed(13)
    m = make("lstm", 3, 5, num_layers=2)
    x = ts.randn(4, 2, 3, dtype=ts.float64, requires_grad=True)
    results = []
    for floor in ("fast", "loops"):
        kernels.set_kernels(floor)
        try:
            x.grad = None
            out, (h, c) = m(x)
            (out.sum() + c.sum()).backward()
            results.append((val(out), val(x.grad)))
        finally:
            kernels.set_kernels("fast")
    for a, b in zip(*results):
        np.testing.assert_allclose(a, b, rtol=1e-12, atol=1e-14)
