"""SyncBatchNorm: batch normalization whose statistics span every rank's batch.

In training mode with more than one rank, each rank's per-channel sums of x and x**2 and its
element count are all-reduced, so every rank normalizes with the statistics of the global
batch; the all-reduce is differentiable (torch.distributed.nn.functional.all_reduce), so the
gradient accounts for every rank's use of the shared mean and variance. With one rank, or in
eval mode, it is BatchNorm.
"""
from ... import distributed as dist
from ...autograd.grad_mode import no_grad
from ...distributed.nn.functional import all_reduce
from .batchnorm import _BatchNorm


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
