"""The recurrent layers as torch.nn: RNN (tanh or relu), LSTM (with proj_size) and GRU over
layers and directions, and the single-step cells RNNCell, LSTMCell and GRUCell.

Parameter names, shapes, order and initialisation are PyTorch's (weight_ih_l0, weight_hh_l0,
bias_ih_l0, bias_hh_l0, weight_hr_l0, ..._reverse; all uniform in +-1/sqrt(hidden_size)), so a
state_dict loads across. Each layer and direction computes the input projection of every time
step as one GEMM, then steps through time with one recurrent GEMM and one fused step op
(ops/recurrent.py: the gates, the state update and, in backward, their gradient in one kernel).

Padded and packed input run the same loop: a padded (T, N, *) batch is a packed one whose
batch_sizes are all N. At step t only the first batch_sizes[t] sequences advance; the others
keep their state, so h_n is each sequence's state after its own last step.
"""
import math
import numbers
import warnings

from ... import _creation
from ...ops import autocast, pointwise
from ...ops import shape as shape_ops
from ...ops.recurrent import gru_cell_fused, gru_layer, lstm_cell_fused, lstm_layer, rnn_layer
from .. import functional as F
from .. import init
from ..module import Module
from ..parameter import Parameter
from ..utils.rnn import PackedSequence

_GATES = {"LSTM": 4, "GRU": 3, "RNN_TANH": 1, "RNN_RELU": 1}


def _name(mode):
    return {"RNN_TANH": "RNN", "RNN_RELU": "RNN"}.get(mode, mode)


class RNNBase(Module):
    """The shared machinery of RNN, LSTM and GRU (mode 'RNN_TANH', 'RNN_RELU', 'LSTM' or 'GRU')."""

    def __init__(self, mode, input_size, hidden_size, num_layers=1, bias=True, batch_first=False, dropout=0.0,
                 bidirectional=False, proj_size=0, device=None, dtype=None):
        super().__init__()
        if not isinstance(dropout, numbers.Number) or not 0 <= dropout <= 1 or isinstance(dropout, bool):
            raise ValueError("dropout should be a number in range [0, 1] representing the probability of an "
                             "element being zeroed")
        if dropout > 0 and num_layers == 1:
            warnings.warn("dropout option adds dropout after all but last recurrent layer, so non-zero dropout "
                          f"expects num_layers greater than 1, but got dropout={dropout} and "
                          f"num_layers={num_layers}", stacklevel=2)
        if not isinstance(hidden_size, int) or hidden_size <= 0:
            raise ValueError(f"hidden_size must be a positive integer, got {hidden_size!r}")
        if not isinstance(num_layers, int) or num_layers <= 0:
            raise ValueError(f"num_layers must be a positive integer, got {num_layers!r}")
        if proj_size < 0:
            raise ValueError("proj_size should be a positive integer or zero to disable projections")
        if proj_size >= hidden_size:
            raise ValueError("proj_size has to be smaller than hidden_size")
        if proj_size and mode != "LSTM":
            raise ValueError("proj_size argument is only supported for LSTM, not RNN or GRU")
        if mode not in _GATES:
            raise ValueError(f"Unrecognized RNN mode: {mode}")
        self.mode = mode
        self.input_size = input_size
        self.hidden_size = hidden_size
        self.num_layers = num_layers
        self.bias = bias
        self.batch_first = batch_first
        self.dropout = float(dropout)
        self.bidirectional = bidirectional
        self.proj_size = proj_size
        directions = 2 if bidirectional else 1
        real_hidden = proj_size if proj_size > 0 else hidden_size
        gate_size = _GATES[mode] * hidden_size
        self._flat_weights_names = []
        self._all_weights = []
        for layer in range(num_layers):
            for direction in range(directions):
                layer_input = input_size if layer == 0 else real_hidden * directions
                suffix = "_reverse" if direction == 1 else ""
                shapes = [("weight_ih", (gate_size, layer_input)), ("weight_hh", (gate_size, real_hidden))]
                if bias:
                    shapes += [("bias_ih", (gate_size,)), ("bias_hh", (gate_size,))]
                if proj_size > 0:
                    shapes.append(("weight_hr", (proj_size, hidden_size)))
                names = []
                for kind, shape in shapes:
                    name = f"{kind}_l{layer}{suffix}"
                    setattr(self, name, Parameter(_creation.empty(shape, dtype=dtype)))
                    names.append(name)
                self._flat_weights_names.extend(names)
                self._all_weights.append(names)
        self.reset_parameters()

    @property
    def _flat_weights(self):
        return [getattr(self, name) for name in self._flat_weights_names]

    @property
    def all_weights(self):
        """The parameters as a list per layer and direction, in PyTorch's order."""
        return [[getattr(self, name) for name in names] for names in self._all_weights]

    def flatten_parameters(self):
        """Does nothing, as PyTorch's CPU build: the weights are separate arrays here and the
        input projection of all steps is one GEMM already, so there is no flat buffer to
        compact. Kept so code written for cuDNN runs unchanged."""

    def reset_parameters(self):
        """Every weight and bias uniform in +-1/sqrt(hidden_size), as PyTorch."""
        stdv = 1.0 / math.sqrt(self.hidden_size) if self.hidden_size > 0 else 0
        for weight in self.parameters():
            init.uniform_(weight, -stdv, stdv)

    def extra_repr(self):
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

    # -- argument handling -------------------------------------------------------------------------

    def _state_shapes(self, batch):
        layers = self.num_layers * (2 if self.bidirectional else 1)
        real_hidden = self.proj_size if self.proj_size > 0 else self.hidden_size
        return (layers, batch, real_hidden), (layers, batch, self.hidden_size)

    def _check_input(self, input, batch_sizes):
        expected = 2 if batch_sizes is not None else 3
        if input.ndim != expected:
            raise RuntimeError(f"{_name(self.mode)}: input must have {expected} dimensions, got {input.ndim} (input "
                               f"of shape {list(input.shape)})")
        if input.shape[-1] != self.input_size:
            raise RuntimeError(f"{_name(self.mode)}: input.size(-1) must be equal to input_size. Expected "
                               f"{self.input_size}, got {input.shape[-1]} (input of shape {list(input.shape)})")

    def _check_hidden(self, hx, expected, label):
        if tuple(hx.shape) != expected:
            raise RuntimeError(f"{_name(self.mode)}: Expected {label} size {expected}, got {list(hx.shape)}")

    # -- the computation ----------------------------------------------------------------------------

    def forward(self, input, hx=None):
        packed = isinstance(input, PackedSequence)
        if packed:
            data, batch_sizes = input.data, [int(b) for b in input.batch_sizes.numpy()]
            batch = batch_sizes[0] if batch_sizes else 0
            self._check_input(data, batch_sizes)
            unbatched = False
        else:
            if input.ndim not in (2, 3):
                raise ValueError(f"{_name(self.mode)}: Expected input to be 2D or 3D, got {input.ndim}D tensor "
                                   f"(input of shape {list(input.shape)})")
            unbatched = input.ndim == 2
            if unbatched:
                input = input.unsqueeze(1)
            elif self.batch_first:
                input = input.transpose(0, 1)
            self._check_input(input, None)
            steps, batch = input.shape[0], input.shape[1]
            if steps == 0:
                raise RuntimeError(f"{_name(self.mode)}: Expected sequence length to be larger than 0 in RNN (input "
                                   f"of shape {list(input.shape)})")
            batch_sizes = [batch] * steps
            data = input.reshape(steps * batch, input.shape[2])
        hx = self._initial_states(hx, batch, data.dtype, unbatched, input.sorted_indices if packed else None)
        if self.mode != "GRU" and not packed and autocast.on[0] and autocast.active():
            # PyTorch's CPU autocast runs the RNN and LSTM layers on padded input as
            # mkldnn_rnn_layer, on its lower-precision list: the input and the states are cast here,
            # the weights by the linear layers inside. Its GRU layer and packed input go through
            # linear layers (each cast) and gates, as the steps below do uncast.
            data, hx = autocast.lower(data), autocast.lower(hx)
        # Padded input (LSTM without projections) runs each layer and direction as one node (as
        # PyTorch's CPU LSTM, MkldnnRnnLayerBackward0; GRU and RNN likewise); autocast keeps the
        # step-by-step path, which casts per op.
        whole = not packed and not self.proj_size and batch > 0 and not (autocast.on[0] and autocast.active())
        out, states = self._run(data, batch_sizes, hx, whole)
        if packed:
            out = PackedSequence(out, input.batch_sizes, input.sorted_indices, input.unsorted_indices)
            states = tuple(s.index_select(1, input.unsorted_indices) if input.unsorted_indices is not None else s
                           for s in states)
        else:
            if out.ndim == 2:  # an LSTM layer node gives (T, B, H) already, as PyTorch's
                out = out.reshape(len(batch_sizes), batch, out.shape[-1])
            if unbatched:
                out = out.squeeze(1)
                states = tuple(s.squeeze(1) for s in states)
            elif self.batch_first:
                out = out.transpose(0, 1)
        return out, (states if self.mode == "LSTM" else states[0])

    def _initial_states(self, hx, batch, dtype, unbatched, sorted_indices):
        h_shape, c_shape = self._state_shapes(batch)
        if hx is None:
            states = (_creation.zeros(h_shape, dtype=dtype),)
            if self.mode == "LSTM":
                states += (_creation.zeros(c_shape, dtype=dtype),)
            return states
        states = tuple(hx) if self.mode == "LSTM" else (hx,)
        if self.mode == "LSTM" and len(states) != 2:
            raise RuntimeError(f"LSTM: expected hx to be a tuple (h_0, c_0), got {len(states)} tensors")
        if unbatched:
            for s in states:
                if s.ndim != 2:
                    raise RuntimeError(f"{_name(self.mode)}: for unbatched 2-D input, hx should also be 2-D but got "
                                       f"{s.ndim}-D tensor of shape {list(s.shape)}")
            states = tuple(s.unsqueeze(1) for s in states)
        labels = ("hidden[0]", "hidden[1]") if self.mode == "LSTM" else ("hidden",)
        for s, shape, label in zip(states, (h_shape, c_shape), labels):
            if s.ndim != 3 and not unbatched:
                raise RuntimeError(f"{_name(self.mode)}: for batched 3-D input, hx should also be 3-D but got "
                                   f"{s.ndim}-D tensor of shape {list(s.shape)}")
            self._check_hidden(s, shape, label)
        if sorted_indices is not None:
            states = tuple(s.index_select(1, sorted_indices) for s in states)
        return states

    def _run(self, data, batch_sizes, hx, whole=False):
        """(packed output data, final states) over all layers and directions; whole: each
        layer and direction as one layer node (an LSTM's output is then (T, B, H))."""
        directions = 2 if self.bidirectional else 1
        finals = [[] for _ in hx]
        x = data
        for layer in range(self.num_layers):
            outs = []
            for direction in range(directions):
                index = layer * directions + direction
                weights = [getattr(self, name) for name in self._all_weights[index]]
                init_states = [s[index] for s in hx]
                out, states = self._direction(x, batch_sizes, weights, init_states, direction == 1, whole)
                outs.append(out)
                for store, s in zip(finals, states):
                    store.append(s)
            x = outs[0] if directions == 1 else shape_ops.cat(outs, -1)
            if self.dropout and self.training and layer < self.num_layers - 1:
                x = F.dropout(x, self.dropout, True)
        return x, tuple(shape_ops.stack(store, 0) for store in finals)

    def _unpack(self, weights):
        w_ih, w_hh = weights[0], weights[1]
        b_ih = b_hh = w_hr = None
        rest = weights[2:]
        if self.bias:
            b_ih, b_hh, rest = rest[0], rest[1], rest[2:]
        if self.proj_size > 0:
            w_hr = rest[0]
        return w_ih, w_hh, b_ih, b_hh, w_hr

    def _direction(self, x, batch_sizes, weights, states, reverse, whole=False):
        """One layer in one direction over packed rows x: (output rows, final states)."""
        w_ih, w_hh, b_ih, b_hh, w_hr = self._unpack(weights)
        if x.ndim == 3:  # the (T, B, H) output of an LSTM layer node below
            x = x.reshape(-1, x.shape[-1])
        # The input projection of every step in one GEMM; LSTM and plain RNN take both biases
        # there (GRU's b_hh must stay inside r * (h W_hn^T + b_hn)).
        if self.mode == "GRU" or b_ih is None:
            xproj = F.linear(x, w_ih, b_ih)
        else:
            xproj = F.linear(x, w_ih, b_ih + b_hh)
        if whole and self.mode == "LSTM":
            out, hn, cn = lstm_layer(xproj, w_hh, states[0], states[1], reverse)[:3]
            return out, [hn, cn]
        if whole and self.mode == "GRU":
            out, hn = gru_layer(xproj, w_hh, b_hh, states[0], reverse)[:2]
            return out, [hn]
        if whole:
            out, hn = rnn_layer(xproj, w_hh, states[0], "tanh" if self.mode == "RNN_TANH" else "relu", reverse)
            return out, [hn]
        # One split node for all steps: slicing xproj per step would give each step's gradient
        # the full (rows, gates) shape, summed T times in backward.
        pieces = shape_ops.split_with_sizes(xproj, list(batch_sizes), 0) if len(batch_sizes) > 1 else [xproj]
        steps = range(len(batch_sizes) - 1, -1, -1) if reverse else range(len(batch_sizes))
        full = batch_sizes[0] if batch_sizes else 0
        outputs = [None] * len(batch_sizes)
        states = list(states)
        for t in steps:
            bs = batch_sizes[t]
            xt = pieces[t]
            active = [s if bs == full else s[:bs] for s in states]
            new = self._step(xt, active, w_hh, b_hh, w_hr)
            outputs[t] = new[0]
            states = [n if bs == full else shape_ops.cat([n, s[bs:]]) for n, s in zip(new, states)]
        out = outputs[0] if len(outputs) == 1 else shape_ops.cat(outputs)
        return out, states

    def _step(self, xt, states, w_hh, b_hh, w_hr):
        h = states[0]
        if self.mode == "LSTM":
            h, c = lstm_cell_fused(xt + F.linear(h, w_hh), states[1])
            return (h if w_hr is None else F.linear(h, w_hr)), c
        if self.mode == "GRU":
            return (gru_cell_fused(xt, F.linear(h, w_hh, b_hh), h),)
        pre = xt + F.linear(h, w_hh)
        return (pointwise.tanh(pre) if self.mode == "RNN_TANH" else pointwise.relu(pre),)


class RNN(RNNBase):
    """An Elman RNN, h_t = tanh(x_t W_ih^T + b_ih + h_{t-1} W_hh^T + b_hh) (or relu), as torch.nn.RNN."""

    def __init__(self, input_size, hidden_size, num_layers=1, nonlinearity="tanh", bias=True, batch_first=False,
                 dropout=0.0, bidirectional=False, device=None, dtype=None):
        if nonlinearity == "tanh":
            mode = "RNN_TANH"
        elif nonlinearity == "relu":
            mode = "RNN_RELU"
        else:
            raise ValueError(f"Unknown nonlinearity '{nonlinearity}'. Select from 'tanh' or 'relu'.")
        self.nonlinearity = nonlinearity
        super().__init__(mode, input_size, hidden_size, num_layers, bias, batch_first, dropout, bidirectional,
                         dtype=dtype)
        self.nonlinearity = nonlinearity


class LSTM(RNNBase):
    """A long short-term memory layer (gates i, f, g, o; optional output projection proj_size),
    as torch.nn.LSTM. Returns (output, (h_n, c_n))."""

    def __init__(self, input_size, hidden_size, num_layers=1, bias=True, batch_first=False, dropout=0.0,
                 bidirectional=False, proj_size=0, device=None, dtype=None):
        super().__init__("LSTM", input_size, hidden_size, num_layers, bias, batch_first, dropout, bidirectional,
                         proj_size, dtype=dtype)


class GRU(RNNBase):
    """A gated recurrent unit layer (gates r, z, n), as torch.nn.GRU. Returns (output, h_n)."""

    def __init__(self, input_size, hidden_size, num_layers=1, bias=True, batch_first=False, dropout=0.0,
                 bidirectional=False, device=None, dtype=None):
        super().__init__("GRU", input_size, hidden_size, num_layers, bias, batch_first, dropout, bidirectional,
                         dtype=dtype)


# -- cells ------------------------------------------------------------------------------------------------


class RNNCellBase(Module):
    """weight_ih (gates * hidden, input), weight_hh (gates * hidden, hidden), bias_ih, bias_hh,
    all uniform in +-1/sqrt(hidden_size)."""

    def __init__(self, input_size, hidden_size, bias, num_chunks, device=None, dtype=None):
        super().__init__()
        self.input_size = input_size
        self.hidden_size = hidden_size
        self.bias = bias
        self.weight_ih = Parameter(_creation.empty((num_chunks * hidden_size, input_size), dtype=dtype))
        self.weight_hh = Parameter(_creation.empty((num_chunks * hidden_size, hidden_size), dtype=dtype))
        if bias:
            self.bias_ih = Parameter(_creation.empty(num_chunks * hidden_size, dtype=dtype))
            self.bias_hh = Parameter(_creation.empty(num_chunks * hidden_size, dtype=dtype))
        else:
            self.register_parameter("bias_ih", None)
            self.register_parameter("bias_hh", None)
        self.reset_parameters()

    def reset_parameters(self):
        """Every weight and bias uniform in +-1/sqrt(hidden_size)."""
        stdv = 1.0 / math.sqrt(self.hidden_size) if self.hidden_size > 0 else 0
        for weight in self.parameters():
            init.uniform_(weight, -stdv, stdv)

    def extra_repr(self):
        s = f"{self.input_size}, {self.hidden_size}"
        if self.bias is not True:
            s += f", bias={self.bias}"
        if getattr(self, "nonlinearity", "tanh") != "tanh":
            s += f", nonlinearity={self.nonlinearity}"
        return s

    def _prepare(self, input, hx, count):
        """(batched input, states or zeros, unbatched flag), checking the shapes."""
        name = type(self).__name__
        if input.ndim not in (1, 2):
            raise ValueError(f"{name}: Expected input to be 1D or 2D, got {input.ndim}D instead")
        if input.shape[-1] != self.input_size:
            raise RuntimeError(f"{name}: input has inconsistent input_size: got {input.shape[-1]} expected "
                               f"{self.input_size} (input of shape {list(input.shape)})")
        unbatched = input.ndim == 1
        if unbatched:
            input = input.unsqueeze(0)
        batch = input.shape[0]
        if hx is None:
            states = tuple(_creation.zeros((batch, self.hidden_size), dtype=input.dtype) for _ in range(count))
        else:
            states = tuple(hx) if count == 2 else (hx,)
            if unbatched:
                states = tuple(s.unsqueeze(0) if s.ndim == 1 else s for s in states)
            for i, s in enumerate(states):
                if tuple(s.shape) != (batch, self.hidden_size):
                    label = f"hidden[{i}]" if count == 2 else "hidden"
                    raise RuntimeError(f"{name}: Expected {label} size {(batch, self.hidden_size)}, got "
                                       f"{list(s.shape)} (input of shape {list(input.shape)})")
        return input, states, unbatched


class RNNCell(RNNCellBase):
    """One Elman step: h' = tanh(x W_ih^T + b_ih + h W_hh^T + b_hh) (or relu), as torch.nn.RNNCell."""

    def __init__(self, input_size, hidden_size, bias=True, nonlinearity="tanh", device=None, dtype=None):
        if nonlinearity not in ("tanh", "relu"):
            raise ValueError(f"Unknown nonlinearity: {nonlinearity}")
        super().__init__(input_size, hidden_size, bias, 1, dtype=dtype)
        self.nonlinearity = nonlinearity

    def forward(self, input, hx=None):
        input, (h,), unbatched = self._prepare(input, hx, 1)
        pre = F.linear(input, self.weight_ih, self.bias_ih) + F.linear(h, self.weight_hh, self.bias_hh)
        out = pointwise.tanh(pre) if self.nonlinearity == "tanh" else pointwise.relu(pre)
        return out.squeeze(0) if unbatched else out


class LSTMCell(RNNCellBase):
    """One LSTM step, (h', c') from input and (h, c), as torch.nn.LSTMCell."""

    def __init__(self, input_size, hidden_size, bias=True, device=None, dtype=None):
        super().__init__(input_size, hidden_size, bias, 4, dtype=dtype)

    def forward(self, input, hx=None):
        input, (h, c), unbatched = self._prepare(input, hx, 2)
        gates = F.linear(input, self.weight_ih, self.bias_ih) + F.linear(h, self.weight_hh, self.bias_hh)
        h, c = lstm_cell_fused(gates, c)
        return (h.squeeze(0), c.squeeze(0)) if unbatched else (h, c)


class GRUCell(RNNCellBase):
    """One GRU step, h' from input and h, as torch.nn.GRUCell."""

    def __init__(self, input_size, hidden_size, bias=True, device=None, dtype=None):
        super().__init__(input_size, hidden_size, bias, 3, dtype=dtype)

    def forward(self, input, hx=None):
        input, (h,), unbatched = self._prepare(input, hx, 1)
        out = gru_cell_fused(F.linear(input, self.weight_ih, self.bias_ih), F.linear(h, self.weight_hh, self.bias_hh),
                             h)
        return out.squeeze(0) if unbatched else out
