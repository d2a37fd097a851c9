"""BatchNorm1d and BatchNorm2d: per-channel normalization with running statistics.

In training mode a batch is normalized with its own statistics and, with
track_running_stats, the running mean and (unbiased) variance move towards them:
running = (1 - momentum) * running + momentum * batch, or, with momentum=None, the
cumulative average over the num_batches_tracked batches seen. In eval mode the running
statistics are used (the batch's when there are none).

Here too, as in PyTorch: the Lazy forms (LazyBatchNorm1d/2d/3d, whose num_features is read from the
first input, see nn.modules.lazy) and SyncBatchNorm, whose statistics span every rank's batch.
"""
from ... import _creation, _dtype
from ... import distributed as dist
from ...autograd.grad_mode import no_grad
from ...distributed.nn.functional import all_reduce
from .. import functional as F
from .. import init
from ..module import Module
from ..parameter import Parameter, UninitializedBuffer, UninitializedParameter
from .lazy import LazyModuleMixin


class _BatchNorm(Module):
    """The shared body of BatchNorm1d/2d; subclasses name the input ranks they accept."""

    _ranks = ()
    _rank_text = ""

    def __init__(self, num_features, eps=1e-05, momentum=0.1, affine=True, track_running_stats=True, device=None,
                 dtype=None, *, bias=True):
        super().__init__()
        self.num_features = num_features
        self.eps = eps
        self.momentum = momentum
        self.affine = affine
        self.track_running_stats = track_running_stats
        if affine:
            self.weight = Parameter(_creation.empty(num_features, dtype=dtype))
            if bias:
                self.bias = Parameter(_creation.empty(num_features, dtype=dtype))
            else:
                self.register_parameter("bias", None)
        else:
            self.register_parameter("weight", None)
            self.register_parameter("bias", None)
        if track_running_stats:
            self.register_buffer("running_mean", _creation.zeros(num_features, dtype=dtype))
            self.register_buffer("running_var", _creation.ones(num_features, dtype=dtype))
            self.register_buffer("num_batches_tracked", _creation.tensor(0, dtype=_dtype.long))
        else:
            self.register_buffer("running_mean", None)
            self.register_buffer("running_var", None)
            self.register_buffer("num_batches_tracked", None)
        self.reset_parameters()

    def reset_running_stats(self):
        """Running mean to zeros, running variance to ones, the batch count to 0."""
        if self.track_running_stats:
            self.running_mean.zero_()
            self.running_var.fill_(1)
            self.num_batches_tracked.zero_()

    def reset_parameters(self):
        """Resets the running statistics, the weight to ones and the bias to zeros."""
        self.reset_running_stats()
        if self.weight is not None:
            init.ones_(self.weight)
        if self.bias is not None:
            init.zeros_(self.bias)

    def _check_input_dim(self, input):
        if input.ndim not in self._ranks:
            raise ValueError(f"expected {self._rank_text} input (got {input.ndim}D input)")

    def forward(self, input):
        self._check_input_dim(input)
        factor = 0.0 if self.momentum is None else self.momentum
        if self.training and self.track_running_stats and self.num_batches_tracked is not None:
            self.num_batches_tracked.add_(1)
            factor = 1.0 / float(self.num_batches_tracked) if self.momentum is None else self.momentum
        use_batch = self.training or (self.running_mean is None and self.running_var is None)
        keep_stats = not self.training or self.track_running_stats
        return F.batch_norm(input, self.running_mean if keep_stats else None,
                            self.running_var if keep_stats else None, self.weight, self.bias, use_batch,
                            factor, self.eps)

    def extra_repr(self):
        return (f"{self.num_features}, eps={self.eps}, momentum={self.momentum}, affine={self.affine}, "
                f"bias={self.bias is not None}, track_running_stats={self.track_running_stats}")


class BatchNorm1d(_BatchNorm):
    """Batch normalization of (N, C) or (N, C, L) input over N (and L), per channel C."""

    _ranks = (2, 3)
    _rank_text = "2D or 3D"


class BatchNorm2d(_BatchNorm):
    """Batch normalization of (N, C, H, W) input over N, H and W, per channel C."""

    _ranks = (4,)
    _rank_text = "4D"


# conv (issue 13): the 3-D form
class BatchNorm3d(_BatchNorm):
    """Batch normalization of (N, C, D, H, W) input over N, D, H and W, per channel C."""

    _ranks = (5,)
    _rank_text = "5D"


# -- the lazy forms: num_features from the first input ------------------------------------------

class _LazyNormBase(LazyModuleMixin):
    """Built with zero features (no draws); the parameters and running statistics wait for the
    first input, whose dim 1 gives num_features (PyTorch reads dim 1 for every rank)."""

    def __init__(self, eps=1e-05, momentum=0.1, affine=True, track_running_stats=True, device=None, dtype=None, *,
                 bias=True):
        super().__init__(0, eps, momentum, False, False, device, dtype, bias=False)
        self.affine = affine
        self.track_running_stats = track_running_stats
        if affine:
            self.weight = UninitializedParameter(dtype=dtype)
            if bias:
                self.bias = UninitializedParameter(dtype=dtype)
        if track_running_stats:
            self.running_mean = UninitializedBuffer(dtype=dtype)
            self.running_var = UninitializedBuffer(dtype=dtype)
            self.num_batches_tracked = _creation.tensor(0, dtype=_dtype.long)

    def reset_parameters(self):
        """Resets as the ordinary norm does, once the parameters have a shape."""
        if not self.has_uninitialized_params() and self.num_features != 0:
            super().reset_parameters()

    def initialize_parameters(self, input):
        """Materializes weight, bias and running statistics for input.shape[1] features."""
        if not self.has_uninitialized_params():
            return
        self.num_features = input.shape[1]
        with no_grad():
            for name in ("weight", "bias", "running_mean", "running_var"):
                t = getattr(self, name)
                if t is not None:
                    t.materialize((self.num_features,))
            self.reset_parameters()


class LazyBatchNorm1d(_LazyNormBase, BatchNorm1d):
    """A BatchNorm1d whose num_features is read from the first input (then it is a BatchNorm1d)."""

    cls_to_become = BatchNorm1d


class LazyBatchNorm2d(_LazyNormBase, BatchNorm2d):
    """A BatchNorm2d whose num_features is read from the first input (then it is a BatchNorm2d)."""

    cls_to_become = BatchNorm2d


class LazyBatchNorm3d(_LazyNormBase, BatchNorm3d):
    """A BatchNorm3d whose num_features is read from the first input (then it is a BatchNorm3d)."""

    cls_to_become = BatchNorm3d


# -- SyncBatchNorm (distributed issue 16): batch normalization whose statistics span every rank's batch.
# In training mode with more than one rank, each rank's per-channel sums of x and x**2 and its
# element count are all-reduced, so every rank normalizes with the statistics of the global
# batch; the all-reduce is differentiable (torch.distributed.nn.functional.all_reduce), so the
# gradient accounts for every rank's use of the shared mean and variance. With one rank, or in
# eval mode, it is BatchNorm.

class SyncBatchNorm(_BatchNorm):
    """torch.nn.SyncBatchNorm: BatchNorm over (N, C, *) inputs with statistics synchronised
    across the ranks of ``process_group`` (the default group when None)."""

    _ranks = (2, 3, 4, 5)
    _rank_text = "at least 2D"

    def __init__(self, num_features, eps=1e-05, momentum=0.1, affine=True, track_running_stats=True,
                 process_group=None, device=None, dtype=None):
        super().__init__(num_features, eps, momentum, affine, track_running_stats, device, dtype)
        self.process_group = process_group

    def _world(self):
        return dist.get_world_size(self.process_group) if dist.is_initialized() else 1

    def forward(self, input):
        """Normalizes with the global batch statistics when training on several ranks."""
        if input.ndim < 2:
            raise ValueError(f"expected at least 2D input (got {input.ndim}D input)")
        if not self.training or self._world() == 1:
            return super().forward(input)
        dims = [0] + list(range(2, input.ndim))
        count = input.numel() // input.shape[1]
        sums = all_reduce(input.sum(dims), group=self.process_group)
        squares = all_reduce((input * input).sum(dims), group=self.process_group)
        total = input.detach().sum(dims) * 0 + count
        total = all_reduce(total, group=self.process_group)
        shape = [1, -1] + [1] * (input.ndim - 2)
        mean = sums / total
        var = squares / total - mean * mean
        out = (input - mean.reshape(shape)) / (var.reshape(shape) + self.eps).sqrt()
        if self.weight is not None:
            out = out * self.weight.reshape(shape)
        if self.bias is not None:
            out = out + self.bias.reshape(shape)
        if self.track_running_stats:
            self._update_running(mean.detach(), var.detach(), total.detach())
        return out

    def _update_running(self, mean, var, total):
        with no_grad():
            self.num_batches_tracked.add_(1)
            momentum = (1.0 / float(self.num_batches_tracked.item()) if self.momentum is None
                        else self.momentum)
            unbiased = var * total / (total - 1)
            self.running_mean.mul_(1 - momentum).add_(mean.to(self.running_mean.dtype) * momentum)
            self.running_var.mul_(1 - momentum).add_(unbiased.to(self.running_var.dtype) * momentum)

    @classmethod
    def convert_sync_batchnorm(cls, module, process_group=None):
        """Returns `module` with every BatchNorm*d replaced by a SyncBatchNorm holding the same
        parameters and running statistics (recursively), as PyTorch's."""
        converted = module
        if isinstance(module, _BatchNorm) and not isinstance(module, SyncBatchNorm):
            converted = cls(module.num_features, module.eps, module.momentum, module.affine,
                            module.track_running_stats, process_group)
            if module.affine:
                converted.weight = module.weight
                converted.bias = module.bias
            converted.running_mean = module.running_mean
            converted.running_var = module.running_var
            converted.num_batches_tracked = module.num_batches_tracked
            converted.training = module.training
        for name, child in module.named_children():
            converted.add_module(name, cls.convert_sync_batchnorm(child, process_group))
        return converted
