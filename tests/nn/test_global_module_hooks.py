"""torch.nn.modules.module's global hooks: they apply to every module, run before the module's
own hooks, and their handles remove them; compared with PyTorch where the order shows."""
import pytest

import pyautograd as P
from pyautograd import nn
from pyautograd.nn.modules import module as module_mod

torch = pytest.importorskip("torch")


def _trace(lib, mod_mod):
    calls = []
    net = lib.nn.Sequential(lib.nn.Linear(2, 2), lib.nn.ReLU())
    net[0].register_forward_pre_hook(lambda m, a: calls.append(("own pre", type(m).__name__)))
    net[0].register_forward_hook(lambda m, a, o: calls.append(("own post", type(m).__name__)))
    handles = [mod_mod.register_module_forward_pre_hook(lambda m, a: calls.append(("pre", type(m).__name__))),
               mod_mod.register_module_forward_hook(lambda m, a, o: calls.append(("post", type(m).__name__)))]
    try:
        net(lib.ones(1, 2))
    finally:
        for h in handles:
            h.remove()
    net(lib.ones(1, 2))  # removed: only the module's own hooks run
    return calls


def test_forward_hooks_run_for_every_module_in_pytorchs_order():
    import torch.nn.modules.module as theirs
    assert _trace(P, module_mod) == _trace(torch, theirs)


def test_hooks_can_replace_args_and_output():
    double = module_mod.register_module_forward_pre_hook(lambda m, args: (args[0] * 2,))
    plus = module_mod.register_module_forward_hook(lambda m, args, out: out + 1)
    try:
        assert nn.Identity()(P.tensor([1.0])).tolist() == [3.0]
    finally:
        double.remove()
        plus.remove()
    assert nn.Identity()(P.tensor([1.0])).tolist() == [1.0]


def test_registration_hooks_see_and_replace_what_is_registered():
    seen = []
    handles = [
        module_mod.register_module_parameter_registration_hook(lambda m, n, p: seen.append(("param", n))),
        module_mod.register_module_buffer_registration_hook(lambda m, n, b: seen.append(("buffer", n))),
        module_mod.register_module_module_registration_hook(lambda m, n, s: seen.append(("module", n))),
        module_mod.register_module_buffer_registration_hook(lambda m, n, b: b * 0 if n == "zeroed" else None),
    ]
    try:
        net = nn.Module()
        net.inner = nn.Linear(1, 1)
        net.register_buffer("zeroed", P.ones(2))
    finally:
        for h in handles:
            h.remove()
    assert seen == [("param", "weight"), ("param", "bias"), ("module", "inner"), ("buffer", "zeroed")]
    assert net.zeroed.tolist() == [0.0, 0.0]
