"""AdaptiveLogSoftmaxWithLoss (torch.nn.modules.adaptive): the adaptive softmax of Grave et al.
(2016) for large vocabularies. The frequent classes (below cutoffs[0]) and one entry per tail
cluster share the head's softmax; a class of tail cluster i costs the head's log-probability of
the cluster plus the cluster's own log-softmax, computed from a projection of the input of size
in_features // div_value ** (i + 1)."""
from collections import namedtuple

from ...ops.pointwise import where
from ...ops.shape import cat
from .. import functional as F
from ..module import Module
from .container import ModuleList, Sequential
from .linear import Linear

_ASMoutput = namedtuple("_ASMoutput", ["output", "loss"])


class AdaptiveLogSoftmaxWithLoss(Module):
    """The adaptive softmax: forward(input, target) gives (output, loss), output the
    log-probability of each target and loss its negated mean; log_prob(input) gives every
    class's log-probability and predict(input) the most likely class, as PyTorch's module."""

    def __init__(self, in_features, n_classes, cutoffs, div_value=4.0, head_bias=False, device=None, dtype=None):
        super().__init__()
        cutoffs = list(cutoffs)
        if len(cutoffs) == 0:
            raise ValueError("cutoffs should be a sequence of length larger than 0")
        if (cutoffs != sorted(cutoffs) or min(cutoffs) <= 0 or max(cutoffs) > n_classes - 1
                or len(set(cutoffs)) != len(cutoffs) or any(int(c) != c for c in cutoffs)):
            raise ValueError("cutoffs should be a sequence of unique, positive integers sorted in an increasing "
                             "order, where each value is between 1 and n_classes-1")
        self.in_features = in_features
        self.n_classes = n_classes
        self.cutoffs = cutoffs + [n_classes]
        self.div_value = div_value
        self.head_bias = head_bias
        self.shortlist_size = self.cutoffs[0]
        self.n_clusters = len(self.cutoffs) - 1
        self.head_size = self.shortlist_size + self.n_clusters
        self.head = Linear(in_features, self.head_size, bias=head_bias, device=device, dtype=dtype)
        self.tail = ModuleList()
        for i in range(self.n_clusters):
            hidden = int(in_features // (div_value ** (i + 1)))
            self.tail.append(Sequential(Linear(in_features, hidden, bias=False, device=device, dtype=dtype),
                                        Linear(hidden, self.cutoffs[i + 1] - self.cutoffs[i], bias=False,
                                               device=device, dtype=dtype)))

    def reset_parameters(self):
        """Redraws the head's and every tail projection's parameters as Linear does."""
        self.head.reset_parameters()
        for projection in self.tail:
            for layer in projection:
                layer.reset_parameters()

    def _batched(self, op, input, target=None):
        if target is None:  # log_prob and predict take a batch only, as PyTorch's
            if input.ndim != 2:
                kind = IndexError if input.ndim < 2 else RuntimeError
                raise kind(f"{op}: expected a 2D input (batch, in_features), got input of shape {list(input.shape)}")
            return True
        if target.ndim == 1:
            if input.shape[0] != target.shape[0]:
                raise RuntimeError("Input and target should have the same size in the batch dimension.")
            if input.ndim != 2:
                raise RuntimeError(f"1D target tensor expects 2D input tensors, but found inputs with size "
                                   f"{list(input.shape)}")
            return True
        if target.ndim == 0:
            if input.ndim != 1:
                raise RuntimeError(f"0D target tensor expects 1D input tensors, but found inputs with size "
                                   f"{list(input.shape)}")
            return False
        raise RuntimeError("0D or 1D target tensor expected, multi-target not supported")

    def forward(self, input, target):
        """(output, loss): each target's log-probability and the mean negative log-likelihood."""
        batched = self._batched("AdaptiveLogSoftmaxWithLoss", input, target)
        x, t = (input, target) if batched else (input.unsqueeze(0), target.unsqueeze(0))
        if t.numel() and (bool((t < 0).any()) or bool((t >= self.n_classes).any())):
            raise RuntimeError(f"Target values should be in [0, {self.n_classes - 1}], but values in range "
                               f"[{t.min().item()}, {t.max().item()}] were found. ")
        # cluster 0 is the shortlist; a target in cluster i >= 1 reads the head at column shortlist + i - 1
        cluster = sum((t >= c).long() for c in self.cutoffs[:-1])
        head_column = where(cluster == 0, t, cluster + (self.shortlist_size - 1))
        head = F.log_softmax(self.head(x), dim=1).gather(1, head_column.unsqueeze(1)).squeeze(1)
        tail = x.new_zeros(t.shape[0])
        for i, projection in enumerate(self.tail, start=1):
            rows = (cluster == i).nonzero().flatten()
            if rows.numel() == 0:
                continue
            within = (t.index_select(0, rows) - self.cutoffs[i - 1]).unsqueeze(1)
            local = F.log_softmax(projection(x.index_select(0, rows)), dim=1).gather(1, within).squeeze(1)
            tail = tail.index_add(0, rows, local)
        output = tail + head
        loss = (-output).mean()
        return _ASMoutput(output if batched else output.squeeze(0), loss)

    def _full_log_prob(self, x, head_output):
        head = F.log_softmax(head_output, dim=1)
        parts = [head[:, :self.shortlist_size]]
        for i, projection in enumerate(self.tail):
            parts.append(F.log_softmax(projection(x), dim=1) + head[:, self.shortlist_size + i].unsqueeze(1))
        return cat(parts, dim=1)

    def log_prob(self, input):
        """The log-probability of every class of each input: (batch, n_classes)."""
        self._batched("AdaptiveLogSoftmaxWithLoss.log_prob", input)
        return self._full_log_prob(input, self.head(input))

    def predict(self, input):
        """The most likely class of each input (the full distribution is computed only for the
        inputs whose head prefers a tail cluster)."""
        self._batched("AdaptiveLogSoftmaxWithLoss.predict", input)
        x = input
        head_output = self.head(x)
        best = head_output.argmax(dim=1)
        outside = (best >= self.shortlist_size).nonzero().flatten()
        if outside.numel():
            full = self._full_log_prob(x.index_select(0, outside), head_output.index_select(0, outside))
            best = best.index_copy(0, outside, full.argmax(dim=1))
        return best

