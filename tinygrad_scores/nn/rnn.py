"""Recurrent layers with PyTorch's names, parameter layouts and gate orders: RNN, LSTM,
GRU and their single-step cells.

Each time step is composed from differentiable ops (``linear``, ``sigmoid``, ``tanh``,
slicing, ``stack``), so its gradient comes from theirs. The input projection of a whole
layer, x_t @ W_ih^T + b_ih for every t, is one matrix product before the time loop; only
the hidden-to-hidden product runs once per step.

The equations (PyTorch's; gates packed in this order along the rows of each weight):

- RNN:  h' = act(W_ih x + b_ih + W_hh h + b_hh), act tanh or relu
- LSTM: i, f, g, o = W_ih x + b_ih + W_hh h + b_hh;  c' = sigmoid(f) c + sigmoid(i) tanh(g);
  h' = sigmoid(o) tanh(c'), then h' = W_hr h' with ``proj_size``
- GRU:  r, z = sigmoid(W_i{r,z} x + b_i{r,z} + W_h{r,z} h + b_h{r,z});
  n = tanh(W_in x + b_in + r * (W_hn h + b_hn));  h' = (1 - z) n + z h
"""

from __future__ import annotations

import math
import numbers
import warnings
from typing import Any

from .. import creation
from ..functions.recurrent import LSTMLayer, lstm_cell
from ..tensor import Tensor
from . import functional as F
from . import init
from .layers import _dtype
from .module import Module, Parameter
from .utils.rnn import PackedSequence, pad_packed_sequence, repack_like

__all__ = ["RNNBase", "RNN", "LSTM", "GRU", "RNNCellBase", "RNNCell", "LSTMCell", "GRUCell"]

_GATES = {"RNN_TANH": 1, "RNN_RELU": 1, "LSTM": 4, "GRU": 3}


# ---------------------------------------------------------------------------- one time step
def _rnn_step(activation):
    def step(xw, state, w_hh, b_hh, w_hr=None):
        return activation(xw + F.linear(state, w_hh, b_hh))

    return step


def _lstm_step(xw, state, w_hh, b_hh, w_hr=None):
    h, c = state
    h, c = lstm_cell(xw + F.linear(h, w_hh, b_hh), c)
    return (h if w_hr is None else F.linear(h, w_hr)), c


def _gru_step(xw, h, w_hh, b_hh, w_hr=None):
    x_r, x_z, x_n = xw.chunk(3, -1)
    h_r, h_z, h_n = F.linear(h, w_hh, b_hh).chunk(3, -1)
    r, z = (x_r + h_r).sigmoid(), (x_z + h_z).sigmoid()
    n = (x_n + r * h_n).tanh()
    return n + z * (h - n)


_STEPS = {
    "RNN_TANH": _rnn_step(Tensor.tanh),
    "RNN_RELU": _rnn_step(Tensor.relu),
    "LSTM": _lstm_step,
    "GRU": _gru_step,
}


def _hidden_of(state):
    return state[0] if isinstance(state, tuple) else state


def _keep_where(mask, new, old):
    """new where the sequence still runs (mask True), old past its end."""
    if isinstance(new, tuple):
        return tuple(_keep_where(mask, n, o) for n, o in zip(new, old))
    return new.where(mask, old)


def _run_direction(step, xw, state, weights, reverse, masks):
    """Run ``step`` over the time steps of the projected input ``xw`` (T, B, G), backwards
    if ``reverse``; returns the hidden outputs (T, B, H) and the final state."""
    outputs = [None] * xw.shape[0]
    order = range(xw.shape[0] - 1, -1, -1) if reverse else range(xw.shape[0])
    for t in order:
        new = step(xw[t], state, *weights)
        if masks is None:
            state = new
            outputs[t] = _hidden_of(new)
        else:
            state = _keep_where(masks[t], new, state)
            outputs[t] = _hidden_of(new) * masks[t]
    return creation.stack(outputs), state


def _fused_lstm(xw, state, w_hh, b_hh, reverse):
    """The same direction as ``_run_direction`` with ``_lstm_step``, as one LSTMLayer op."""
    if b_hh is not None:
        xw = xw + b_hh
    y = LSTMLayer.apply(xw, state[0], state[1], w_hh, reverse=reverse)
    steps = xw.shape[0]
    return y[:steps], (y[0 if reverse else steps - 1], y[steps])


class RNNBase(Module):
    """The stack of recurrent layers shared by RNN, LSTM and GRU (PyTorch's ``RNNBase``)."""

    def __init__(
        self,
        mode: str,
        input_size: int,
        hidden_size: int,
        num_layers: int = 1,
        bias: bool = True,
        batch_first: bool = False,
        dropout: float = 0.0,
        bidirectional: bool = False,
        proj_size: int = 0,
        device: Any = None,
        dtype: Any = None,
    ) -> None:
        super().__init__()
        if (
            not isinstance(dropout, numbers.Number)
            or isinstance(dropout, bool)
            or not 0 <= dropout <= 1
        ):
            raise ValueError(
                "dropout should be a number in range [0, 1] representing the probability of "
                "an element being zeroed"
            )
        if dropout > 0 and num_layers == 1:
            warnings.warn(
                "dropout option adds dropout after all but last recurrent layer, so non-zero "
                f"dropout expects num_layers greater than 1, but got dropout={dropout} and "
                f"num_layers={num_layers}",
                stacklevel=2,
            )
        for name, value in (("bias", bias), ("batch_first", batch_first)):
            if not isinstance(value, bool):
                raise TypeError(f"{name} should be of type bool, got: {type(value).__name__}")
        for name, size in (("input_size", input_size), ("hidden_size", hidden_size)):
            if not isinstance(size, int):
                raise TypeError(f"{name} should be of type int, got: {type(size).__name__}")
            if size <= 0:
                raise ValueError(f"{name} must be greater than zero")
        if num_layers <= 0:
            raise ValueError("num_layers must be greater than zero")
        if proj_size < 0:
            raise ValueError(
                "proj_size should be a positive integer or zero to disable projections"
            )
        if proj_size >= hidden_size:
            raise ValueError("proj_size has to be smaller than hidden_size")
        if mode not in _GATES:
            raise ValueError("Unrecognized RNN mode: " + mode)
        self.mode = mode
        self.input_size, self.hidden_size, self.num_layers = input_size, hidden_size, num_layers
        self.bias, self.batch_first, self.dropout = bias, batch_first, float(dropout)
        self.bidirectional, self.proj_size = bidirectional, proj_size
        dtype = _dtype(dtype, device)
        gate_size = _GATES[mode] * hidden_size
        real_hidden = proj_size or hidden_size
        directions = 2 if bidirectional else 1
        self._flat_weights_names: list[str] = []
        self._all_weights: list[list[str]] = []
        for layer in range(num_layers):
            for direction in range(directions):
                suffix = "_reverse" if direction == 1 else ""
                layer_input = input_size if layer == 0 else real_hidden * directions
                shapes: list[tuple[str, tuple[int, ...]]] = [
                    ("weight_ih_l{}{}", (gate_size, layer_input)),
                    ("weight_hh_l{}{}", (gate_size, real_hidden)),
                ]
                if bias:
                    shapes += [("bias_ih_l{}{}", (gate_size,)), ("bias_hh_l{}{}", (gate_size,))]
                if proj_size:
                    shapes += [("weight_hr_l{}{}", (proj_size, hidden_size))]
                names = []
                for pattern, shape in shapes:
                    name = pattern.format(layer, suffix)
                    self.register_parameter(name, Parameter(creation.empty(shape, dtype=dtype)))
                    names.append(name)
                self._flat_weights_names.extend(names)
                self._all_weights.append(names)
        self.reset_parameters()

    def reset_parameters(self) -> None:
        """Every weight and bias uniform in +-1/sqrt(hidden_size), in parameter order."""
        stdv = 1.0 / math.sqrt(self.hidden_size)
        for weight in self.parameters():
            init.uniform_(weight, -stdv, stdv)

    def flatten_parameters(self) -> None:
        """Accepted for PyTorch's programs; the weights are already used where they are."""

    @property
    def _flat_weights(self) -> list[Parameter]:
        return [getattr(self, name) for name in self._flat_weights_names]

    @property
    def all_weights(self) -> list[list[Parameter]]:
        return [[getattr(self, name) for name in names] for names in self._all_weights]

    def extra_repr(self) -> str:
        s = f"{self.input_size}, {self.hidden_size}"
        if self.proj_size != 0:
            s += f", proj_size={self.proj_size}"
        if self.num_layers != 1:
            s += f", num_layers={self.num_layers}"
        if self.bias is not True:
            s += f", bias={self.bias}"
        if self.batch_first is not False:
            s += f", batch_first={self.batch_first}"
        if self.dropout != 0:
            s += f", dropout={self.dropout}"
        if self.bidirectional is not False:
            s += f", bidirectional={self.bidirectional}"
        return s

    # ------------------------------------------------------------------ forward
    def _state_sizes(self) -> list[tuple[str, int]]:
        """(name, last dim) of each state tensor: h, and c for the LSTM."""
        h = ("hidden", self.proj_size or self.hidden_size)
        return [h, ("cell", self.hidden_size)] if self.mode == "LSTM" else [h]

    def _initial_states(self, hx, batch, dtype, batched):
        """The initial states as (layers * directions, B, H) tensors, checked."""
        sizes = self._state_sizes()
        rows = self.num_layers * (2 if self.bidirectional else 1)
        if hx is None:
            return [creation.zeros((rows, batch, n), dtype=dtype) for _, n in sizes]
        states = list(hx) if self.mode == "LSTM" else [hx]
        want = 3 if batched else 2
        if any(s.ndim != want for s in states):
            kind = "batched 3-D" if batched else "unbatched 2-D"
            if self.mode == "LSTM":
                dims = ", ".join(f"{s.ndim}-D" for s in states)
                raise RuntimeError(
                    f"For {kind} input, hx and cx should also be {want}-D but got ({dims}) tensors"
                )
            raise RuntimeError(
                f"For {kind} input, hx should also be {want}-D but got {states[0].ndim}-D tensor"
            )
        if not batched:
            states = [s.unsqueeze(1) for s in states]
        for i, (state, (_, n)) in enumerate(zip(states, sizes)):
            expected = (rows, batch, n)
            if tuple(state.shape) != expected:
                which = f"[{i}]" if self.mode == "LSTM" else ""
                raise RuntimeError(
                    f"Expected hidden{which} size {expected}, got {list(state.shape)}"
                )
        return states

    def forward(self, input: Any, hx: Any = None) -> Any:
        name = "LSTM" if self.mode == "LSTM" else ("GRU" if self.mode == "GRU" else "RNN")
        packed = input if isinstance(input, PackedSequence) else None
        masks = None
        if packed is not None:
            input, lengths = pad_packed_sequence(packed)  # original batch order, time-major
            steps = creation.arange(input.shape[0]).unsqueeze(1)
            masks = list((steps < lengths.unsqueeze(0)).unsqueeze(-1).unbind(0))
            batched, batch_first = True, False
        else:
            if input.ndim not in (2, 3):
                tail = " tensor" if name != "LSTM" else ""
                raise ValueError(
                    f"{name}: Expected input to be 2D or 3D, got {input.ndim}D{tail} instead"
                )
            batched, batch_first = input.ndim == 3, self.batch_first
            if not batched:
                input = input.unsqueeze(0 if batch_first else 1)
            if batch_first:
                input = input.transpose(0, 1)
        weight = self._flat_weights[0]
        if input.dtype != weight.dtype:
            raise ValueError(
                f"RNN input dtype ({input.dtype}) does not match weight dtype ({weight.dtype}). "
                f"Convert input: input.to({weight.dtype}), or convert model: "
                f"model.to({input.dtype})"
            )
        if input.shape[-1] != self.input_size:
            raise RuntimeError(
                f"input.size(-1) must be equal to input_size. Expected {self.input_size}, "
                f"got {input.shape[-1]}"
            )
        if input.shape[0] == 0:
            raise RuntimeError("Expected sequence length to be larger than 0 in RNN")
        states = self._initial_states(hx, input.shape[1], input.dtype, batched)
        output, finals = self._layers(input, states, masks)
        if packed is not None:
            output = repack_like(output, packed)
        elif not batched:
            output = output.squeeze(1)
            finals = [f.squeeze(1) for f in finals]
        elif batch_first:
            output = output.transpose(0, 1)
        return output, (tuple(finals) if self.mode == "LSTM" else finals[0])

    def _layers(self, x, states, masks):
        """Run every layer and direction; x is time-major (T, B, I)."""
        step = _STEPS[self.mode]
        directions = 2 if self.bidirectional else 1
        finals: list[list[Tensor]] = [[] for _ in states]
        all_weights = self.all_weights  # a property that builds the whole list
        for layer in range(self.num_layers):
            outputs = []
            for direction in range(directions):
                row = layer * directions + direction
                weights = all_weights[row]
                w_ih, w_hh = weights[0], weights[1]
                b_ih, b_hh = (weights[2], weights[3]) if self.bias else (None, None)
                w_hr = weights[-1] if self.proj_size else None
                state = tuple(s[row] for s in states)
                xw = F.linear(x, w_ih, b_ih)
                if self.mode == "LSTM" and w_hr is None and masks is None:
                    out, last = _fused_lstm(xw, state, w_hh, b_hh, direction == 1)
                else:
                    out, last = _run_direction(
                        step,
                        xw,
                        state if self.mode == "LSTM" else state[0],
                        (w_hh, b_hh, w_hr),
                        direction == 1,
                        masks,
                    )
                outputs.append(out)
                for kept, s in zip(finals, last if self.mode == "LSTM" else (last,)):
                    kept.append(s)
            x = outputs[0] if directions == 1 else creation.cat(outputs, -1)
            if self.dropout and self.training and layer < self.num_layers - 1:
                x = F.dropout(x, self.dropout, True)
        return x, [creation.stack(kept) for kept in finals]


class RNN(RNNBase):
    """Elman RNN: h' = tanh(W_ih x + b_ih + W_hh h + b_hh) (or relu with
    ``nonlinearity='relu'``). Arguments: input_size, hidden_size, num_layers=1,
    nonlinearity='tanh', bias=True, batch_first=False, dropout=0.0, bidirectional=False."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        if "proj_size" in kwargs:
            raise ValueError("proj_size argument is only supported for LSTM, not RNN or GRU")
        if len(args) > 3:
            nonlinearity = args[3]
            args = args[:3] + args[4:]
        else:
            nonlinearity = kwargs.pop("nonlinearity", "tanh")
        modes = {"tanh": "RNN_TANH", "relu": "RNN_RELU"}
        if nonlinearity not in modes:
            raise ValueError(
                f"Unknown nonlinearity '{nonlinearity}'. Select from 'tanh' or 'relu'."
            )
        super().__init__(modes[nonlinearity], *args, **kwargs)
        self.nonlinearity = nonlinearity

    def extra_repr(self) -> str:
        s = super().extra_repr()
        if self.nonlinearity != "tanh":
            s += f", nonlinearity={self.nonlinearity}"
        return s


class LSTM(RNNBase):
    """Long short-term memory (gates i, f, g, o), with ``proj_size`` for LSTMP. Returns
    ``output, (h_n, c_n)``."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__("LSTM", *args, **kwargs)


class GRU(RNNBase):
    """Gated recurrent unit (gates r, z, n; b_hn inside the reset product)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        if "proj_size" in kwargs:
            raise ValueError("proj_size argument is only supported for LSTM, not RNN or GRU")
        super().__init__("GRU", *args, **kwargs)


# ---------------------------------------------------------------------------- cells
class RNNCellBase(Module):
    """One time step: weight_ih (G*H, I), weight_hh (G*H, H), bias_ih, bias_hh (G*H)."""

    def __init__(
        self,
        input_size: int,
        hidden_size: int,
        bias: bool,
        num_chunks: int,
        device: Any = None,
        dtype: Any = None,
    ) -> None:
        super().__init__()
        self.input_size, self.hidden_size, self.bias = input_size, hidden_size, bias
        dtype = _dtype(dtype, device)
        rows = num_chunks * hidden_size
        self.weight_ih = Parameter(creation.empty((rows, input_size), dtype=dtype))
        self.weight_hh = Parameter(creation.empty((rows, hidden_size), dtype=dtype))
        if bias:
            self.bias_ih = Parameter(creation.empty((rows,), dtype=dtype))
            self.bias_hh = Parameter(creation.empty((rows,), dtype=dtype))
        else:
            self.register_parameter("bias_ih", None)
            self.register_parameter("bias_hh", None)
        self.reset_parameters()

    def reset_parameters(self) -> None:
        stdv = 1.0 / math.sqrt(self.hidden_size) if self.hidden_size > 0 else 0
        for weight in self.parameters():
            init.uniform_(weight, -stdv, stdv)

    def extra_repr(self) -> str:
        s = f"{self.input_size}, {self.hidden_size}"
        if self.bias is not True:
            s += f", bias={self.bias}"
        nonlinearity = getattr(self, "nonlinearity", "tanh")
        if nonlinearity != "tanh":
            s += f", nonlinearity={nonlinearity}"
        return s

    def _step(self, mode: str, input: Tensor, hx: Any) -> Any:
        """Check shapes as PyTorch, add and drop the batch dim of unbatched input, run one step."""
        name = type(self).__name__
        if input.ndim not in (1, 2):
            raise ValueError(f"{name}: Expected input to be 1D or 2D, got {input.ndim}D instead")
        lstm = mode == "LSTM"
        states = None if hx is None else (list(hx) if lstm else [hx])
        for i, s in enumerate(states or []):
            if s.ndim not in (1, 2):
                which = f"hx[{i}]" if lstm else "hidden"
                raise ValueError(f"{name}: Expected {which} to be 1D or 2D, got {s.ndim}D instead")
        batched = input.ndim == 2
        if not batched:
            input = input.unsqueeze(0)
            states = None if states is None else [s.unsqueeze(0) for s in states]
        if input.shape[1] != self.input_size:
            raise RuntimeError(
                f"input has inconsistent input_size: got {input.shape[1]} expected "
                f"{self.input_size}"
            )
        if states is None:
            zeros = creation.zeros((input.shape[0], self.hidden_size), dtype=input.dtype)
            states = [zeros, zeros] if lstm else [zeros]
        for i, s in enumerate(states):
            if s.shape[0] != input.shape[0]:
                raise RuntimeError(
                    f"Input batch size {input.shape[0]} doesn't match hidden{i} batch size "
                    f"{s.shape[0]}"
                )
            if s.shape[1] != self.hidden_size:
                raise RuntimeError(
                    f"hidden{i} has inconsistent hidden_size: got {s.shape[1]}, expected "
                    f"{self.hidden_size}"
                )
        xw = F.linear(input, self.weight_ih, self.bias_ih)
        out = _STEPS[mode](xw, tuple(states) if lstm else states[0], self.weight_hh, self.bias_hh)
        if not batched:
            out = tuple(o.squeeze(0) for o in out) if lstm else out.squeeze(0)
        return out


class RNNCell(RNNCellBase):
    """h' = tanh(W_ih x + b_ih + W_hh h + b_hh) (or relu)."""

    def __init__(
        self,
        input_size: int,
        hidden_size: int,
        bias: bool = True,
        nonlinearity: str = "tanh",
        device: Any = None,
        dtype: Any = None,
    ) -> None:
        super().__init__(input_size, hidden_size, bias, 1, device, dtype)
        self.nonlinearity = nonlinearity

    def forward(self, input: Tensor, hx: Tensor | None = None) -> Tensor:
        modes = {"tanh": "RNN_TANH", "relu": "RNN_RELU"}
        if self.nonlinearity not in modes:
            raise RuntimeError(f"Unknown nonlinearity: {self.nonlinearity}")
        return self._step(modes[self.nonlinearity], input, hx)


class LSTMCell(RNNCellBase):
    """One LSTM step: returns (h', c')."""

    def __init__(
        self,
        input_size: int,
        hidden_size: int,
        bias: bool = True,
        device: Any = None,
        dtype: Any = None,
    ) -> None:
        super().__init__(input_size, hidden_size, bias, 4, device, dtype)

    def forward(self, input: Tensor, hx: Any = None) -> tuple[Tensor, Tensor]:
        return self._step("LSTM", input, hx)


class GRUCell(RNNCellBase):
    """One GRU step: returns h'."""

    def __init__(
        self,
        input_size: int,
        hidden_size: int,
        bias: bool = True,
        device: Any = None,
        dtype: Any = None,
    ) -> None:
        super().__init__(input_size, hidden_size, bias, 3, device, dtype)

    def forward(self, input: Tensor, hx: Tensor | None = None) -> Tensor:
        return self._step("GRU", input, hx)
