"""Stochastic weight averaging and EMA, as torch.optim.swa_utils: AveragedModel, SWALR, update_bn
and the averaging functions (get_swa_avg_fn, get_ema_avg_fn and their multi-tensor forms)."""
import itertools
import math
import warnings
from copy import deepcopy

import numpy as np

from .. import _creation, _dtype
from ..graph.grad_mode import no_grad
from .. import nn
from ..nn.module import Module
from .lr_scheduler import LRScheduler, _per_group
from .per_tensor import lerp_

__all__ = ["AveragedModel", "SWALR", "update_bn", "get_ema_multi_avg_fn", "get_swa_multi_avg_fn", "get_ema_avg_fn",
           "get_swa_avg_fn"]


def _check_decay(decay):
    if decay < 0.0 or decay > 1.0:
        raise ValueError(f"Invalid decay value {decay} provided. Please provide a value in [0,1] range.")


def get_ema_multi_avg_fn(decay=0.999):
    """An in-place update of lists of tensors: ema <- lerp(ema, current, 1 - decay) (floats), as PyTorch's."""
    _check_decay(decay)

    def ema_update(ema_param_list, current_param_list, _):
        with no_grad():
            if ema_param_list[0].is_floating_point():
                for ema, cur in zip(ema_param_list, current_param_list):
                    lerp_(ema._data, cur._data.astype(ema._data.dtype, copy=False), 1 - decay)
            else:
                for ema, cur in zip(ema_param_list, current_param_list):
                    ema.copy_(ema * decay + cur * (1 - decay))
    return ema_update


def get_swa_multi_avg_fn():
    """An in-place update of lists of tensors to the running mean: avg <- lerp(avg, current, 1/(n+1))."""
    def swa_update(averaged_param_list, current_param_list, num_averaged):
        with no_grad():
            # PyTorch's weight is 1 / (an int64 tensor + 1): a float32 value
            weight = float(np.float32(1) / np.float32(int(num_averaged) + 1))
            if averaged_param_list[0].is_floating_point():
                for avg, cur in zip(averaged_param_list, current_param_list):
                    lerp_(avg._data, cur._data.astype(avg._data.dtype, copy=False), weight)
            else:
                for avg, cur in zip(averaged_param_list, current_param_list):
                    avg.copy_(avg + (cur - avg) / (num_averaged + 1))
    return swa_update


def get_ema_avg_fn(decay=0.999):
    """The EMA of one tensor: returns decay * ema + (1 - decay) * current."""
    _check_decay(decay)

    def ema_update(ema_param, current_param, num_averaged):
        with no_grad():
            return decay * ema_param + (1 - decay) * current_param
    return ema_update


def get_swa_avg_fn():
    """The running mean of one tensor: returns avg + (current - avg) / (num_averaged + 1)."""
    def swa_update(averaged_param, current_param, num_averaged):
        with no_grad():
            return averaged_param + (current_param - averaged_param) / (num_averaged + 1)
    return swa_update


class AveragedModel(Module):
    """A copy of `model` whose parameters average the model's over update_parameters() calls
    (the equal-weight SWA mean by default; EMA with ``multi_avg_fn=get_ema_multi_avg_fn(decay)``).

    Args:
        model: the model to average (deep-copied). device: accepted; CPU only.
        avg_fn: avg_fn(averaged, current, num_averaged) -> new average, per tensor.
        multi_avg_fn: multi_avg_fn(averaged list, current list, num_averaged), in place.
        use_buffers: average the buffers too (else they are copied from the model).

    Buffer ``n_averaged`` (int64) counts the updates.
    """

    def __init__(self, model, device=None, avg_fn=None, multi_avg_fn=None, use_buffers=False):
        super().__init__()
        if avg_fn is not None and multi_avg_fn is not None:
            raise AssertionError("Only one of avg_fn and multi_avg_fn should be provided")
        self.module = deepcopy(model)
        self.register_buffer("n_averaged", _creation.tensor(0, dtype=_dtype.long))
        self.avg_fn = avg_fn
        self.multi_avg_fn = multi_avg_fn
        self.use_buffers = use_buffers

    def forward(self, *args, **kwargs):
        return self.module(*args, **kwargs)

    def update_parameters(self, model):
        """Folds `model`'s current parameters (and buffers, with use_buffers) into the average."""
        if self.use_buffers:
            mine = itertools.chain(self.module.parameters(), self.module.buffers())
            theirs = itertools.chain(model.parameters(), model.buffers())
        else:
            mine, theirs = self.parameters(), model.parameters()
        averaged, current = [], []
        first = int(self.n_averaged) == 0
        with no_grad():
            for p_avg, p_model in zip(mine, theirs):
                averaged.append(p_avg.detach())
                current.append(p_model.detach())
                if first:
                    p_avg.detach().copy_(p_model.detach())
            if not first:
                if self.avg_fn is None:
                    # PyTorch groups by (device, dtype) before a multi-tensor function
                    groups = {}
                    for a, c in zip(averaged, current):
                        pair = groups.setdefault(str(a.dtype), ([], []))
                        pair[0].append(a)
                        pair[1].append(c)
                    for avg_list, cur_list in groups.values():
                        if self.multi_avg_fn is not None:
                            self.multi_avg_fn(avg_list, cur_list, self.n_averaged)
                        else:  # CPU has no foreach kernels in PyTorch: the per-tensor mean
                            swa = get_swa_avg_fn()
                            for a, c in zip(avg_list, cur_list):
                                a.copy_(swa(a, c, self.n_averaged))
                else:
                    for a, c in zip(averaged, current):
                        a.copy_(self.avg_fn(a, c, self.n_averaged))
            if not self.use_buffers:
                for b_swa, b_model in zip(self.module.buffers(), model.buffers()):
                    b_swa.detach().copy_(b_model.detach())
            self.n_averaged.add_(1)


# the batch norms whose running statistics update_bn recomputes (PyTorch tests its _BatchNorm base)
_BATCH_NORMS = tuple(getattr(nn, name) for name in ("BatchNorm1d", "BatchNorm2d", "BatchNorm3d", "SyncBatchNorm")
                     if hasattr(nn, name))


def update_bn(loader, model, device=None):
    """Recomputes every BatchNorm's running statistics with one pass over `loader` (a cumulative
    average: momentum None), as after weight averaging; restores momenta and train/eval mode.

    A batch that is a list or tuple contributes its first element.
    """
    momenta = {}
    for module in model.modules():
        if isinstance(module, _BATCH_NORMS):
            module.reset_running_stats()
            momenta[module] = module.momentum
    if not momenta:
        return
    was_training = model.training
    model.train()
    for module in momenta:
        module.momentum = None
    with no_grad():
        for batch in loader:
            if isinstance(batch, (list, tuple)):
                batch = batch[0]
            model(batch)
    for module, momentum in momenta.items():
        module.momentum = momentum
    model.train(was_training)


class SWALR(LRScheduler):
    """Anneals each group's rate to its swa_lr over anneal_epochs ("cos" or "linear"), then holds it.

    Args:
        optimizer: the wrapped optimizer. swa_lr: the target rate, or one per group.
        anneal_epochs: epochs of annealing (10). anneal_strategy: "cos" or "linear".
        last_epoch: as LRScheduler's.
    """

    def __init__(self, optimizer, swa_lr, anneal_epochs=10, anneal_strategy="cos", last_epoch=-1):
        for lr, group in zip(_per_group("swa_lr", optimizer, swa_lr), optimizer.param_groups):
            group["swa_lr"] = lr
        if anneal_strategy not in ["cos", "linear"]:
            raise ValueError(f"anneal_strategy must be one of 'cos' or 'linear', instead got {anneal_strategy}")
        self._set_anneal_func(anneal_strategy)
        if not isinstance(anneal_epochs, int) or anneal_epochs < 0:
            raise ValueError(f"anneal_epochs must be equal or greater than 0, got {anneal_epochs}")
        self.anneal_epochs = anneal_epochs
        super().__init__(optimizer, last_epoch)

    @staticmethod
    def _linear_anneal(t):
        return t

    @staticmethod
    def _cosine_anneal(t):
        return (1 - math.cos(math.pi * t)) / 2

    @staticmethod
    def _get_initial_lr(lr, swa_lr, alpha):
        if alpha == 1:
            return swa_lr
        return (lr - alpha * swa_lr) / (1 - alpha)

    def get_lr(self):
        if not self._get_lr_called_within_step:
            warnings.warn("To get the last learning rate computed by the scheduler, please use `get_last_lr()`.",
                          UserWarning, stacklevel=2)
        step = self._step_count - 1
        if self.anneal_epochs == 0:
            step = max(1, step)
        prev_alpha = self.anneal_func(max(0, min(1, (step - 1) / max(1, self.anneal_epochs))))
        prev_lrs = [self._get_initial_lr(group["lr"], group["swa_lr"], prev_alpha)
                    for group in self.optimizer.param_groups]
        alpha = self.anneal_func(max(0, min(1, step / max(1, self.anneal_epochs))))
        return [group["swa_lr"] * alpha + lr * (1 - alpha) for group, lr in zip(self.optimizer.param_groups, prev_lrs)]

    def _set_anneal_func(self, anneal_strategy):
        self._anneal_strategy = anneal_strategy
        self.anneal_func = self._cosine_anneal if anneal_strategy == "cos" else self._linear_anneal

    def state_dict(self):
        """The state without the optimizer and the annealing function."""
        return {k: v for k, v in self.__dict__.items() if k not in ("optimizer", "anneal_func")}

    def load_state_dict(self, state_dict):
        """Restores the state (and the annealing function from its name)."""
        self.__dict__.update(state_dict)
        self._set_anneal_func(self._anneal_strategy)
