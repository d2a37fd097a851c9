"""torch.random: the global RNG functions at PyTorch's module path (the same objects as
``pyautograd.manual_seed`` and friends) and ``fork_rng``.

There is no accelerator, so ``fork_rng`` forks the CPU generator; with ``devices=None`` the
CUDA device list is empty (``torch.cuda.device_count()`` is 0), and naming CUDA devices raises
what PyTorch's CPU build raises (AssertionError "Torch not compiled with CUDA enabled").
"""
import contextlib

from . import cuda
from ._random import default_generator, get_rng_state, initial_seed, manual_seed, seed, set_rng_state

__all__ = ["default_generator", "fork_rng", "get_rng_state", "initial_seed", "manual_seed", "seed", "set_rng_state"]

# The device modules fork_rng can fork besides the CPU (PyTorch looks the type up the same way).
_DEVICE_MODULES = {"cuda": cuda}


@contextlib.contextmanager
def fork_rng(devices=None, enabled=True, _caller="fork_rng", _devices_kw="devices", device_type=None):
    """Restores the global RNG state on exit: draws inside the block leave the sequence outside
    it unchanged. ``enabled=False`` forks nothing; ``device_type`` defaults to "cuda" (there is no
    current accelerator), whose device list is empty here; "meta" forks nothing, as in PyTorch."""
    if device_type == "meta" or not enabled:
        yield
        return
    device_type = device_type or "cuda"
    device_mod = _DEVICE_MODULES.get(device_type)
    if device_mod is None:
        raise RuntimeError(f"torch has no module of `{device_type}`, you should register a module by "
                           f"`torch._register_device_module`.")
    devices = list(range(device_mod.device_count())) if devices is None else list(devices)
    cpu_state = get_rng_state()
    device_states = [device_mod.get_rng_state(d) for d in devices]
    try:
        yield
    finally:
        set_rng_state(cpu_state)
        for d, state in zip(devices, device_states):
            device_mod.set_rng_state(state, d)
