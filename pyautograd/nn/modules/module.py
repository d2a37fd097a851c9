"""torch.nn.modules.module: the path scripts import Module from (the same class as nn.Module), and
the global module hooks (register_module_*_hook), which apply to every module."""
from ..module import (Module, register_module_buffer_registration_hook, register_module_forward_hook,
                      register_module_forward_pre_hook, register_module_module_registration_hook,
                      register_module_parameter_registration_hook)

__all__ = ["Module", "register_module_forward_pre_hook", "register_module_forward_hook",
           "register_module_buffer_registration_hook", "register_module_parameter_registration_hook",
           "register_module_module_registration_hook"]
