"""``nn.utils.rnn``: variable-length batches for the recurrent layers.

A ``PackedSequence`` holds the steps of a batch of sequences sorted by length, longest
first, time step by time step: ``data`` is every sequence's step 0, then step 1 of those
still running, and so on; ``batch_sizes[t]`` says how many sequences run at step t. Packing
and unpacking are built from slicing, ``cat`` and ``stack``, so gradients flow through them.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, NamedTuple

import numpy as np

from ... import creation
from ...tensor import Tensor

__all__ = [
    "PackedSequence",
    "pad_sequence",
    "pack_padded_sequence",
    "pad_packed_sequence",
    "pack_sequence",
    "invert_permutation",
]


class PackedSequence(NamedTuple):
    """The packed steps of a batch (see the module docstring); unpacks as PyTorch's
    ``data, batch_sizes, sorted_indices, unsorted_indices = packed``."""

    data: Tensor
    batch_sizes: Tensor
    sorted_indices: Tensor | None = None
    unsorted_indices: Tensor | None = None

    @property
    def is_cuda(self) -> bool:
        return False

    def is_pinned(self) -> bool:
        return False

    def to(self, *args: Any, **kwargs: Any) -> PackedSequence:
        return self._replace(data=self.data.to(*args, **kwargs))

    def cpu(self) -> PackedSequence:
        return self

    def double(self) -> PackedSequence:
        return self._replace(data=self.data.double())

    def float(self) -> PackedSequence:
        return self._replace(data=self.data.float())


def invert_permutation(permutation: Tensor | None) -> Tensor | None:
    """The permutation that undoes ``permutation`` (None stays None)."""
    if permutation is None:
        return None
    order = np.asarray(permutation.array)
    inverse = np.empty_like(order)
    inverse[order] = np.arange(order.size, dtype=order.dtype)
    return Tensor(inverse)


def _lengths(lengths: Any) -> np.ndarray:
    if isinstance(lengths, Tensor):
        return np.asarray(lengths.array, np.int64).reshape(-1)
    return np.asarray(lengths, np.int64).reshape(-1)


def _batch_sizes(lengths: np.ndarray) -> np.ndarray:
    """batch_sizes[t] = how many of the (descending) lengths exceed t."""
    return (lengths[None, :] > np.arange(int(lengths.max()))[:, None]).sum(1).astype(np.int64)


def pad_sequence(
    sequences: Sequence[Tensor] | Tensor,
    batch_first: bool = False,
    padding_value: float = 0.0,
    padding_side: str = "right",
) -> Tensor:
    """Stack tensors of shape (L_i, *) into (T, B, *) (or (B, T, *) with batch_first),
    padding each to the longest L with ``padding_value`` on ``padding_side``."""
    if padding_side not in ("left", "right"):
        raise ValueError(
            f"Expected padding_side to be one of left or right, but got {padding_side}."
        )
    sequences = list(sequences)
    if not sequences:
        raise RuntimeError("received an empty list of sequences")
    tail = sequences[0].shape[1:]
    for s in sequences:
        if s.shape[1:] != tail:
            raise RuntimeError(
                f"The size of tensor a ({s.shape[1] if s.ndim > 1 else 0}) must match the size "
                f"of tensor b ({tail[0] if tail else 0}) at non-singleton dimension 1"
            )
    longest = max(s.shape[0] for s in sequences)
    padded = []
    for s in sequences:
        missing = longest - s.shape[0]
        if missing:
            fill = creation.full((missing,) + tuple(tail), padding_value, dtype=s.dtype)
            s = creation.cat([s, fill] if padding_side == "right" else [fill, s])
        padded.append(s)
    return creation.stack(padded, 0 if batch_first else 1)


def _pack_steps(padded: Tensor, batch_sizes: np.ndarray) -> Tensor:
    """data of a PackedSequence from a time-major (T, B, *) tensor already in sorted order."""
    return creation.cat([padded[t, : int(n)] for t, n in enumerate(batch_sizes)])


def pack_padded_sequence(
    input: Tensor, lengths: Any, batch_first: bool = False, enforce_sorted: bool = True
) -> PackedSequence:
    """Pack a padded batch (T, B, *) whose sequences have the given ``lengths``."""
    lengths = _lengths(lengths)
    if enforce_sorted:
        if np.any(np.diff(lengths) > 0):
            raise RuntimeError(
                "`lengths` array must be sorted in decreasing order when `enforce_sorted` is "
                "True. You can pass `enforce_sorted=False` to pack_padded_sequence and/or "
                "pack_sequence to sidestep this requirement if you do not need ONNX "
                "exportability."
            )
        sorted_indices = None
    else:
        order = np.argsort(-lengths, kind="stable")
        lengths = lengths[order]
        sorted_indices = Tensor(order.astype(np.int64))
    if batch_first:
        input = input.transpose(0, 1)
    if lengths.size != input.shape[1]:
        raise RuntimeError(
            f"Expected `len(lengths)` to be equal to batch_size, but got {lengths.size} "
            f"(batch_size={input.shape[1]})"
        )
    if lengths.size and lengths.min() <= 0:
        raise RuntimeError(
            "Length of all samples has to be greater than 0, but found an element in "
            "'lengths' that is <= 0"
        )
    if lengths.max() > input.shape[0]:
        raise RuntimeError(
            f"Expected sequence length to be at most {input.shape[0]}, but got {lengths.max()}"
        )
    if sorted_indices is not None:
        input = input.index_select(1, sorted_indices)
    batch_sizes = _batch_sizes(lengths)
    return PackedSequence(
        _pack_steps(input, batch_sizes),
        Tensor(batch_sizes),
        sorted_indices,
        invert_permutation(sorted_indices),
    )


def repack_like(padded: Tensor, like: PackedSequence) -> PackedSequence:
    """Pack a time-major (T, B, *) tensor in the original batch order with the layout of
    ``like`` (its batch sizes and permutation): how the recurrent layers return packed output."""
    if like.sorted_indices is not None:
        padded = padded.index_select(1, like.sorted_indices)
    steps = np.asarray(like.batch_sizes.array)
    return like._replace(data=_pack_steps(padded, steps))


def pad_packed_sequence(
    sequence: PackedSequence,
    batch_first: bool = False,
    padding_value: float = 0.0,
    total_length: int | None = None,
) -> tuple[Tensor, Tensor]:
    """Undo ``pack_padded_sequence``: the padded batch in the original order and the lengths."""
    data, batch_sizes = sequence.data, np.asarray(sequence.batch_sizes.array, np.int64)
    longest, batch = len(batch_sizes), int(batch_sizes[0]) if len(batch_sizes) else 0
    if total_length is not None:
        if total_length < longest:
            raise ValueError(
                "Expected total_length to be at least the length of the longest sequence in "
                f"input, but got total_length={total_length} and max sequence length being "
                f"{longest}"
            )
    steps, start = [], 0
    for n in batch_sizes:
        n = int(n)
        step = data[start : start + n]
        if n < batch:
            fill = creation.full(
                (batch - n,) + tuple(data.shape[1:]), padding_value, dtype=data.dtype
            )
            step = creation.cat([step, fill])
        steps.append(step)
        start += n
    padded = creation.stack(steps)
    if total_length is not None and total_length > longest:
        fill = creation.full(
            (total_length - longest, batch) + tuple(data.shape[1:]), padding_value, dtype=data.dtype
        )
        padded = creation.cat([padded, fill])
    lengths = (batch_sizes[None, :] > np.arange(batch)[:, None]).sum(1).astype(np.int64)
    if sequence.unsorted_indices is not None:
        padded = padded.index_select(1, sequence.unsorted_indices)
        lengths = lengths[np.asarray(sequence.unsorted_indices.array)]
    return (padded.transpose(0, 1) if batch_first else padded), Tensor(lengths)


def pack_sequence(sequences: Sequence[Tensor], enforce_sorted: bool = True) -> PackedSequence:
    """Pack a list of tensors of shape (L_i, *) (``pad_sequence`` then ``pack_padded_sequence``)."""
    lengths = [s.shape[0] for s in sequences]
    return pack_padded_sequence(pad_sequence(sequences), lengths, enforce_sorted=enforce_sorted)
