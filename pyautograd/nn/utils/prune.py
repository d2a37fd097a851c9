"""torch.nn.utils.prune: zeroing parts of a module's tensors through a mask.

Pruning ``module.weight`` moves the Parameter to ``weight_orig``, adds the buffer
``weight_mask`` (1 keeps an entry, 0 prunes it) and a forward pre-hook that sets
``module.weight = weight_mask * weight_orig`` before every call, so gradients reach the kept
entries of ``weight_orig`` only. Pruning the same tensor again combines the masks through a
PruningContainer; ``remove`` makes the pruning permanent (``weight`` is a Parameter again, with
the pruned entries zero). `amount` is a count (int >= 0) or a fraction in [0, 1] (rounded).
"""
import numbers
from abc import ABC, abstractmethod
from collections.abc import Iterable

from ... import _creation
from ...ops.reduction import norm
from ...ops.selection import kthvalue, topk
from .convert_parameters import parameters_to_vector

__all__ = ["BasePruningMethod", "CustomFromMask", "Identity", "L1Unstructured", "LnStructured", "PruningContainer",
           "RandomStructured", "RandomUnstructured", "custom_from_mask", "global_unstructured", "identity",
           "is_pruned", "l1_unstructured", "ln_structured", "random_structured", "random_unstructured", "remove"]


def _pre_hooks(module):
    """(key, hook) for the module's forward pre-hooks (the table stores (hook, with_kwargs))."""
    return [(key, entry[0]) for key, entry in module._forward_pre_hooks.items()]


class BasePruningMethod(ABC):
    """A way to compute a pruning mask; subclasses define ``compute_mask(t, default_mask)`` and
    PRUNING_TYPE ("unstructured", "structured" with a ``dim`` attribute, or "global").

    An instance is the forward pre-hook of the tensor it prunes (``_tensor_name``).
    """

    _tensor_name = None

    def __call__(self, module, inputs):
        setattr(module, self._tensor_name, self.apply_mask(module))

    @abstractmethod
    def compute_mask(self, t, default_mask):
        """The new mask for `t` (same shape), given the mask already in place."""

    def apply_mask(self, module):
        """``<name>_mask * <name>_orig`` (the mask cast to the tensor's dtype)."""
        assert self._tensor_name is not None, f"Module {module} has to be pruned"
        mask = getattr(module, self._tensor_name + "_mask")
        orig = getattr(module, self._tensor_name + "_orig")
        return mask.to(dtype=orig.dtype) * orig

    @classmethod
    def apply(cls, module, name, *args, importance_scores=None, **kwargs):
        """Prunes ``module.<name>`` with ``cls(*args, **kwargs)`` (the mask computed from
        `importance_scores`, default the tensor itself), combining it with an earlier pruning of
        the same tensor; returns the method (or container) now installed as the hook."""
        found = [(key, hook) for key, hook in _pre_hooks(module)
                 if isinstance(hook, BasePruningMethod) and hook._tensor_name == name]
        assert len(found) <= 1, (f"Avoid adding multiple pruning hooks to the same tensor {name} of module "
                                 f"{module}. Use a PruningContainer.")
        for key, _ in found:
            del module._forward_pre_hooks[key]
        method = cls(*args, **kwargs)
        method._tensor_name = name
        if found:
            old = found[0][1]
            if not isinstance(old, PruningContainer):
                old = PruningContainer(old)
            old.add_pruning_method(method)
            method = old

        orig = getattr(module, name)
        if importance_scores is not None:
            assert importance_scores.shape == orig.shape, (f"importance_scores should have the same shape as "
                                                           f"parameter {name} of {module}")
        else:
            importance_scores = orig
        first = not isinstance(method, PruningContainer)
        if first:
            module.register_parameter(name + "_orig", orig)
            del module._parameters[name]
            default_mask = _creation.ones_like(orig)
        else:
            default_mask = getattr(module, name + "_mask").detach().clone()
        try:
            mask = method.compute_mask(importance_scores, default_mask=default_mask)
            module.register_buffer(name + "_mask", mask)
            setattr(module, name, method.apply_mask(module))
            module.register_forward_pre_hook(method)
        except Exception:
            if first:  # put the parameter back as it was
                module.register_parameter(name, getattr(module, name + "_orig"))
                del module._parameters[name + "_orig"]
            raise
        return method

    def prune(self, t, default_mask=None, importance_scores=None):
        """`t` times the mask this method computes (from `importance_scores`, default `t`)."""
        if importance_scores is not None:
            assert importance_scores.shape == t.shape, "importance_scores should have the same shape as tensor t"
        else:
            importance_scores = t
        default_mask = default_mask if default_mask is not None else _creation.ones_like(t)
        return t * self.compute_mask(importance_scores, default_mask=default_mask)

    def remove(self, module):
        """Makes the pruning permanent: ``<name>_orig`` takes the pruned values and becomes
        ``module.<name>`` again; the mask buffer goes."""
        assert self._tensor_name is not None, f"Module {module} has to be pruned before pruning can be removed"
        name = self._tensor_name
        weight = self.apply_mask(module)
        if hasattr(module, name):
            delattr(module, name)
        orig = module._parameters[name + "_orig"]
        orig.data = weight.data
        del module._parameters[name + "_orig"]
        del module._buffers[name + "_mask"]
        setattr(module, name, orig)


class PruningContainer(BasePruningMethod):
    """The sequence of pruning methods applied to one tensor; its mask is the last method's mask
    computed on what the earlier ones left."""

    def __init__(self, *args):
        self._pruning_methods = ()
        if args:
            # the container prunes the tensor its (first) method prunes
            self._tensor_name = args[0]._tensor_name
        for method in args:
            self.add_pruning_method(method)

    def add_pruning_method(self, method):
        """Appends `method` (it must act on the same tensor)."""
        if not isinstance(method, BasePruningMethod) and method is not None:
            raise TypeError(f"{type(method)} is not a BasePruningMethod subclass")
        if method is not None and self._tensor_name != method._tensor_name:
            raise ValueError(f"Can only add pruning methods acting on the parameter named '{self._tensor_name}' "
                             f"to PruningContainer {self}. Found '{method._tensor_name}'")
        self._pruning_methods += (method,)

    def __len__(self):
        return len(self._pruning_methods)

    def __iter__(self):
        return iter(self._pruning_methods)

    def __getitem__(self, idx):
        return self._pruning_methods[idx]

    def compute_mask(self, t, default_mask):
        """Applies the newest method to the part of `t` still unpruned: the entries where the mask
        is 1 (unstructured), the channels not entirely zero (structured), or all of it (global)."""
        method = self._pruning_methods[-1]
        mask = default_mask
        new_mask = mask.to(dtype=t.dtype)
        kind = method.PRUNING_TYPE
        if kind == "unstructured":
            where = mask == 1
        elif kind == "structured":
            if not hasattr(method, "dim"):
                raise AttributeError("Pruning methods of PRUNING_TYPE 'structured' need to have the attribute "
                                     "`dim` defined.")
            ndim = t.ndim
            dim = method.dim + ndim if method.dim < 0 else method.dim
            if dim < 0:
                raise IndexError(f"Index is out of bounds for tensor with dimensions {ndim}")
            keep = mask.sum(dim=[d for d in range(ndim) if d != dim]) != 0
            where = tuple(keep if d == dim else slice(None) for d in range(ndim))
        elif kind == "global":
            where = (slice(None),) * t.ndim
        else:
            raise ValueError(f"Unrecognized PRUNING_TYPE {kind}")
        partial = method.compute_mask(t[where], default_mask=mask[where])
        new_mask[where] = partial.to(dtype=new_mask.dtype)
        return new_mask


class Identity(BasePruningMethod):
    """Prunes nothing: the mask is all ones (handy to give a tensor the pruning layout)."""

    PRUNING_TYPE = "unstructured"

    def compute_mask(self, t, default_mask):
        """The mask unchanged."""
        return default_mask

    @classmethod
    def apply(cls, module, name):
        """Installs the identity pruning on ``module.<name>``."""
        return super().apply(module, name)


def _validate_amount_init(amount):
    if not isinstance(amount, numbers.Real):
        raise TypeError(f"Invalid type for amount: {amount}. Must be int or float.")
    if (isinstance(amount, numbers.Integral) and amount < 0) or (
            not isinstance(amount, numbers.Integral) and not 0.0 <= float(amount) <= 1.0):
        raise ValueError(f"amount={amount} should either be a float in the range [0, 1] or a non-negative integer")


def _nparams_toprune(amount, size):
    # an int is a count, a float a fraction of the units (Python's round: half to even)
    count = amount if isinstance(amount, numbers.Integral) else round(amount * size)
    if isinstance(amount, numbers.Integral) and amount > size:
        raise ValueError(f"amount={amount} should be smaller than the number of parameters to prune={size}")
    return count


def _validate_structured(t, dim):
    if t.ndim <= 1:
        raise ValueError("Structured pruning can only be applied to multidimensional tensors. Found tensor of "
                         f"shape {t.shape} with {t.ndim} dims")
    if dim >= t.ndim:
        raise IndexError(f"Invalid index {dim} for tensor of size {t.shape}")


def _channel_slices(t, dim, index):
    return tuple(index if d == dim % t.ndim else slice(None) for d in range(t.ndim))


class RandomUnstructured(BasePruningMethod):
    """Prunes `amount` entries chosen uniformly at random among those still unpruned."""

    PRUNING_TYPE = "unstructured"

    def __init__(self, amount):
        _validate_amount_init(amount)
        self.amount = amount

    def compute_mask(self, t, default_mask):
        """Zeroes the entries with the k largest of fresh uniform draws."""
        k = _nparams_toprune(self.amount, t.numel())
        mask = default_mask.clone()
        if k != 0:
            draws = _creation.rand_like(t)
            mask.view(-1)[topk(draws.view(-1), k).indices] = 0
        return mask

    @classmethod
    def apply(cls, module, name, amount):
        """Installs random unstructured pruning on ``module.<name>``."""
        return super().apply(module, name, amount=amount)


class L1Unstructured(BasePruningMethod):
    """Prunes the `amount` entries of smallest absolute value."""

    PRUNING_TYPE = "unstructured"

    def __init__(self, amount):
        _validate_amount_init(amount)
        self.amount = amount

    def compute_mask(self, t, default_mask):
        """Zeroes the k entries of smallest |t|."""
        k = _nparams_toprune(self.amount, t.numel())
        mask = default_mask.clone()
        if k != 0:
            mask.view(-1)[topk(t.abs().reshape(-1), k, largest=False).indices] = 0
        return mask

    @classmethod
    def apply(cls, module, name, amount, importance_scores=None):
        """Installs L1 unstructured pruning on ``module.<name>``."""
        return super().apply(module, name, amount=amount, importance_scores=importance_scores)


class RandomStructured(BasePruningMethod):
    """Prunes `amount` whole channels along `dim`, chosen at random."""

    PRUNING_TYPE = "structured"

    def __init__(self, amount, dim=-1):
        _validate_amount_init(amount)
        self.amount = amount
        self.dim = dim

    def compute_mask(self, t, default_mask):
        """Keeps the channels whose uniform draw exceeds the k-th smallest draw."""
        _validate_structured(t, self.dim)
        size = t.shape[self.dim]
        k = _nparams_toprune(self.amount, size)
        if k == 0:
            return default_mask
        draws = _creation.rand(size)
        keep = draws > kthvalue(draws, k).values
        mask = _creation.zeros_like(t)
        mask[_channel_slices(t, self.dim, keep)] = 1
        return mask * default_mask.to(dtype=mask.dtype)

    @classmethod
    def apply(cls, module, name, amount, dim=-1):
        """Installs random structured pruning on ``module.<name>``."""
        return super().apply(module, name, amount=amount, dim=dim)


class LnStructured(BasePruningMethod):
    """Prunes the `amount` channels along `dim` of smallest L`n` norm (n: any norm order torch.norm takes)."""

    PRUNING_TYPE = "structured"

    def __init__(self, amount, n, dim=-1):
        _validate_amount_init(amount)
        self.amount = amount
        self.n = n
        self.dim = dim

    def compute_mask(self, t, default_mask):
        """Keeps the channels with the largest norms."""
        _validate_structured(t, self.dim)
        size = t.shape[self.dim]
        k = _nparams_toprune(self.amount, size)
        if k == 0:
            return default_mask
        dim = self.dim % t.ndim
        norms = norm(t, p=self.n, dim=[d for d in range(t.ndim) if d != dim])
        kept = topk(norms, size - k, largest=True).indices
        mask = _creation.zeros_like(t)
        mask[_channel_slices(t, dim, kept)] = 1
        return mask * default_mask.to(dtype=mask.dtype)

    @classmethod
    def apply(cls, module, name, amount, n, dim, importance_scores=None):
        """Installs Ln structured pruning on ``module.<name>``."""
        return super().apply(module, name, amount=amount, n=n, dim=dim, importance_scores=importance_scores)


class CustomFromMask(BasePruningMethod):
    """Prunes where a given mask is 0."""

    PRUNING_TYPE = "global"

    def __init__(self, mask):
        self.mask = mask

    def compute_mask(self, t, default_mask):
        """The mask in place times the given one."""
        assert default_mask.shape == self.mask.shape
        return default_mask * self.mask.to(dtype=default_mask.dtype)

    @classmethod
    def apply(cls, module, name, mask):
        """Installs pruning by `mask` on ``module.<name>``."""
        return super().apply(module, name, mask=mask)


def identity(module, name):
    """Gives ``module.<name>`` the pruning layout with an all-ones mask; returns `module`."""
    Identity.apply(module, name)
    return module


def random_unstructured(module, name, amount):
    """Prunes `amount` random entries of ``module.<name>``; returns `module`."""
    RandomUnstructured.apply(module, name, amount)
    return module


def l1_unstructured(module, name, amount, importance_scores=None):
    """Prunes the `amount` entries of ``module.<name>`` of smallest |importance_scores| (default the
    tensor); returns `module`."""
    L1Unstructured.apply(module, name, amount=amount, importance_scores=importance_scores)
    return module


def random_structured(module, name, amount, dim):
    """Prunes `amount` random channels of ``module.<name>`` along `dim`; returns `module`."""
    RandomStructured.apply(module, name, amount, dim)
    return module


def ln_structured(module, name, amount, n, dim, importance_scores=None):
    """Prunes the `amount` channels along `dim` of smallest L`n` norm; returns `module`."""
    LnStructured.apply(module, name, amount, n, dim, importance_scores=importance_scores)
    return module


def global_unstructured(parameters, pruning_method, importance_scores=None, **kwargs):
    """Prunes the (module, name) tensors of `parameters` together, as one flattened tensor, with
    ``pruning_method(**kwargs)`` (an unstructured method: amount counts over all of them); each
    tensor then carries its slice of the mask (a CustomFromMask). `importance_scores` maps
    (module, name) to scores used instead of the tensor."""
    if not isinstance(parameters, Iterable):
        raise TypeError("global_unstructured(): parameters is not an Iterable")
    parameters = list(parameters)
    importance_scores = importance_scores if importance_scores is not None else {}
    if not isinstance(importance_scores, dict):
        raise TypeError("global_unstructured(): importance_scores must be of type dict")
    scores = parameters_to_vector([importance_scores.get((m, n), getattr(m, n)) for m, n in parameters])
    # the masks already in place, or all ones for a tensor not yet pruned
    default_mask = parameters_to_vector([getattr(m, n + "_mask", None) if hasattr(m, n + "_mask")
                                         else _creation.ones_like(getattr(m, n)) for m, n in parameters])
    method = pruning_method(**kwargs)
    method._tensor_name = "temp"
    if method.PRUNING_TYPE != "unstructured":
        raise TypeError('Only "unstructured" PRUNING_TYPE supported for the `pruning_method`. Found method '
                        f"{pruning_method} of type {method.PRUNING_TYPE}")
    container = PruningContainer(method)
    final_mask = container.compute_mask(scores, default_mask)
    start = 0
    for module, name in parameters:
        param = getattr(module, name)
        count = param.numel()
        custom_from_mask(module, name, mask=final_mask[start:start + count].view_as(param))
        start += count


def custom_from_mask(module, name, mask):
    """Prunes ``module.<name>`` where `mask` is 0; returns `module`."""
    CustomFromMask.apply(module, name, mask)
    return module


def remove(module, name):
    """Makes the pruning of ``module.<name>`` permanent and removes its hook, mask and ``_orig``;
    returns `module` (ValueError if the tensor is not pruned)."""
    for key, hook in _pre_hooks(module):
        if isinstance(hook, BasePruningMethod) and hook._tensor_name == name:
            hook.remove(module)
            del module._forward_pre_hooks[key]
            return module
    raise ValueError(f"Parameter '{name}' of module {module} has to be pruned before pruning can be removed")


def is_pruned(module):
    """Whether `module` or any submodule has a pruning hook."""
    return any(isinstance(hook, BasePruningMethod)
               for _, sub in module.named_modules() for _, hook in _pre_hooks(sub))
