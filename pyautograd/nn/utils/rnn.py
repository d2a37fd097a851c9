"""Variable-length sequences for the recurrent layers, as torch.nn.utils.rnn: PackedSequence,
pad_sequence, pack_padded_sequence, pad_packed_sequence, pack_sequence, unpad_sequence and
unpack_sequence.

A PackedSequence holds the time steps of a batch of sequences sorted by decreasing length,
step after step: data[(offset of step t) + b] is step t of the b-th longest sequence, and
batch_sizes[t] is how many sequences are that long. Packing and unpacking are one
index_select each (differentiable: the gradient flows back to the padded tensor).
"""
from collections import namedtuple

import numpy as np

from ... import _creation, _dtype
from ..._tensor import Tensor
from ...ops import shape

__all__ = ["PackedSequence", "pad_sequence", "pack_padded_sequence", "pad_packed_sequence", "pack_sequence",
           "unpad_sequence", "unpack_sequence", "invert_permutation"]


class PackedSequence(namedtuple("PackedSequence", ["data", "batch_sizes", "sorted_indices", "unsorted_indices"])):
    """(data, batch_sizes, sorted_indices, unsorted_indices) as torch's PackedSequence; build it
    with pack_padded_sequence or pack_sequence."""

    __slots__ = ()

    def __new__(cls, data, batch_sizes=None, sorted_indices=None, unsorted_indices=None):
        if unsorted_indices is None and sorted_indices is not None:
            unsorted_indices = invert_permutation(sorted_indices)
        return super().__new__(cls, data, batch_sizes, sorted_indices, unsorted_indices)

    def to(self, *args, **kwargs):
        """The same sequence with `data` converted by Tensor.to (indices stay int64)."""
        return type(self)(self.data.to(*args, **kwargs), self.batch_sizes, self.sorted_indices,
                          self.unsorted_indices)

    def float(self):
        return self.to(_dtype.float32)

    def double(self):
        return self.to(_dtype.float64)

    @property
    def is_cuda(self):
        return False

    def is_pinned(self):
        return False


def invert_permutation(permutation):
    """The inverse of a permutation tensor (None stays None)."""
    if permutation is None:
        return None
    perm = np.asarray(permutation.numpy() if isinstance(permutation, Tensor) else permutation, np.int64)
    inverse = np.empty_like(perm)
    inverse[perm] = np.arange(perm.size)
    return _creation.tensor(inverse)


def _lengths_array(lengths):
    if isinstance(lengths, Tensor):
        if lengths.ndim != 1:
            raise RuntimeError(f"pack_padded_sequence: 'lengths' must be a 1-D tensor, got shape {list(lengths.shape)}")
        return lengths.numpy().astype(np.int64)
    return np.asarray(list(lengths), np.int64)


def _batch_sizes(lengths):
    """batch_sizes[t] = how many of the (decreasing) lengths exceed t."""
    steps = int(lengths[0]) if lengths.size else 0
    return (lengths[None, :] > np.arange(steps)[:, None]).sum(axis=1)


def _packed_rows(batch_sizes, batch):
    """For each packed row, its index in the (T, batch) time-major layout flattened."""
    return np.concatenate([t * batch + np.arange(bs) for t, bs in enumerate(batch_sizes)]) \
        if len(batch_sizes) else np.zeros(0, np.int64)


def pack_padded_sequence(input, lengths, batch_first=False, enforce_sorted=True):
    """Packs a padded batch (T, B, *) (or (B, T, *) with batch_first) of sequences of the given
    lengths. With enforce_sorted the lengths must decrease; otherwise the batch is sorted here
    and the permutation kept in the result (sorted_indices / unsorted_indices)."""
    lengths = _lengths_array(lengths)
    batch_dim = 0 if batch_first else 1
    if lengths.size != input.shape[batch_dim]:
        raise RuntimeError(f"pack_padded_sequence: expected {input.shape[batch_dim]} lengths (the batch size of "
                           f"input {list(input.shape)}), got {lengths.size}")
    if lengths.size and lengths.min() <= 0:
        raise RuntimeError("Length of all samples has to be greater than 0, but found an element in 'lengths' "
                           f"that is <= 0 (lengths {lengths.tolist()})")
    sorted_indices = None
    if enforce_sorted:
        if np.any(np.diff(lengths) > 0):
            raise RuntimeError(f"`lengths` array must be sorted in decreasing order when `enforce_sorted` is True "
                               f"(got lengths {lengths.tolist()} for input {list(input.shape)}). You can pass "
                               f"`enforce_sorted=False` to pack_padded_sequence and/or pack_sequence to sidestep "
                               f"this requirement if you do not need ONNX exportability.")
    else:
        order = np.argsort(-lengths, kind="stable")
        lengths = lengths[order]
        sorted_indices = _creation.tensor(order)
        input = input.index_select(batch_dim, sorted_indices)
    if batch_first:
        input = input.transpose(0, 1)
    if int(lengths[0]) > input.shape[0]:
        raise RuntimeError(f"pack_padded_sequence: a length of {int(lengths[0])} exceeds the input's "
                           f"{input.shape[0]} time steps (input {list(input.shape)})")
    batch_sizes = _batch_sizes(lengths)
    steps, batch = input.shape[0], input.shape[1]
    flat = input.reshape(steps * batch, *input.shape[2:])
    data = flat.index_select(0, _creation.tensor(_packed_rows(batch_sizes, batch)))
    return PackedSequence(data, _creation.tensor(batch_sizes), sorted_indices)


def pad_packed_sequence(sequence, batch_first=False, padding_value=0.0, total_length=None):
    """(padded, lengths): the inverse of pack_padded_sequence, padded with padding_value to the
    longest sequence (or to total_length), in the original batch order."""
    data, batch_sizes = sequence.data, sequence.batch_sizes.numpy().astype(np.int64)
    steps, batch = len(batch_sizes), int(batch_sizes[0]) if len(batch_sizes) else 0
    if total_length is not None:
        if total_length < steps:
            raise ValueError(f"Expected total_length to be at least the length of the longest sequence in input, "
                             f"but got total_length={total_length} and max sequence length being {steps}")
        steps_out = total_length
    else:
        steps_out = steps
    # Each padded slot reads its packed row, or the extra padding row at the end.
    gather = np.full(steps_out * batch, data.shape[0], np.int64)
    gather[_packed_rows(batch_sizes, batch)] = np.arange(data.shape[0])
    pad_row = _creation.full((1, *data.shape[1:]), padding_value, dtype=data.dtype)
    padded = shape.cat([data, pad_row]).index_select(0, _creation.tensor(gather))
    padded = padded.reshape(steps_out, batch, *data.shape[1:])
    lengths = (batch_sizes[:, None] > np.arange(batch)[None, :]).sum(axis=0)
    if sequence.unsorted_indices is not None:
        padded = padded.index_select(1, sequence.unsorted_indices)
        lengths = lengths[sequence.unsorted_indices.numpy()]
    if batch_first:
        padded = padded.transpose(0, 1)
    return padded, _creation.tensor(lengths.astype(np.int64))


def pad_sequence(sequences, batch_first=False, padding_value=0.0, padding_side="right"):
    """Stacks tensors of shape (L_i, *) into (max L, B, *) (or (B, max L, *) with batch_first),
    padding the shorter ones with padding_value on the right (or left)."""
    if padding_side not in ("left", "right"):
        raise ValueError(f"Expected padding_side to be one of left or right, but got {padding_side}.")
    sequences = list(sequences)
    if not sequences:
        raise RuntimeError("pad_sequence: received an empty list of sequences")
    trailing = tuple(sequences[0].shape[1:])
    for s in sequences:
        if tuple(s.shape[1:]) != trailing:
            raise RuntimeError(f"pad_sequence: every sequence must have the trailing shape {list(trailing)} of the "
                               f"first, got {list(s.shape)}")
    longest = max(s.shape[0] for s in sequences)
    padded = []
    for s in sequences:
        short = longest - s.shape[0]
        if short:
            pad = _creation.full((short, *trailing), padding_value, dtype=s.dtype)
            s = shape.cat([s, pad] if padding_side == "right" else [pad, s])
        padded.append(s)
    return shape.stack(padded, 0 if batch_first else 1)


def pack_sequence(sequences, enforce_sorted=True):
    """Packs a list of tensors (L_i, *) (decreasing lengths unless enforce_sorted=False)."""
    lengths = [s.shape[0] for s in sequences]
    return pack_padded_sequence(pad_sequence(sequences), lengths, enforce_sorted=enforce_sorted)


def unpad_sequence(padded_sequences, lengths, batch_first=False):
    """The list of sequences, each cut to its length, from a padded batch."""
    if not batch_first:
        padded_sequences = padded_sequences.transpose(0, 1)
    return [seq[:int(n)] for seq, n in zip(padded_sequences, _lengths_array(lengths))]


def unpack_sequence(packed_sequences):
    """The list of sequences (original order) from a PackedSequence."""
    padded, lengths = pad_packed_sequence(packed_sequences, batch_first=True)
    return unpad_sequence(padded, lengths, batch_first=True)
