"""torch.nn.modules.lazy: LazyModuleMixin, the base of the lazy modules (LazyLinear, the Lazy
convolutions, batch and instance norms), as PyTorch's.

A lazy module holds UninitializedParameters (and UninitializedBuffers) until its first call: a
forward pre-hook, registered at construction, passes that call's inputs to the module's
``initialize_parameters``, which materializes them in place -- the same objects, so an optimizer
built before the first call keeps working -- then removes itself and turns the module into its
``cls_to_become`` (LazyConv2d becomes Conv2d), as PyTorch's does.
"""
from ..parameter import is_lazy


class LazyModuleMixin:
    """torch.nn.modules.lazy.LazyModuleMixin: put it first among a module's bases; the module
    defines ``initialize_parameters(*inputs)`` (materializing its uninitialized parameters from
    the first inputs) and may name the class it becomes in ``cls_to_become``."""

    cls_to_become = None

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._initialize_hook = self.register_forward_pre_hook(self._infer_parameters, with_kwargs=True)

    def has_uninitialized_params(self):
        """Whether a parameter or buffer of this module (not its children) still lacks a shape."""
        return any(is_lazy(v) for v in list(self._parameters.values()) + list(self._buffers.values()))

    def _infer_parameters(self, module, args, kwargs=None):
        # The pre-hook: sizes everything from the first call, then retires itself.
        module.initialize_parameters(*args, **(kwargs or {}))
        if module.has_uninitialized_params():
            raise RuntimeError(f"module {self._get_name()} has not been fully initialized")
        module._initialize_hook.remove()
        del module._initialize_hook
        if module.cls_to_become is not None:
            module.__class__ = module.cls_to_become
