"""The platform answers of PyTorch's CPU build: torch.cuda, torch.accelerator, torch.backends,
devices, the default device, amp.GradScaler / autocast, and the refusal of a CUDA device,
the same way everywhere -- each compared with torch 2.13 CPU when it is installed."""
import warnings

import numpy as np
import pytest

import pyautograd as P
from pyautograd import kernels


def _outcome(fn):
    """('ok', value) or ('raises', exception type name), with warnings silenced."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            return ("ok", fn())
        except Exception as exc:  # noqa: BLE001 -- the kind is what is compared
            return ("raises", type(exc).__name__)


QUERIES = {
    "cuda.is_available": lambda t: t.cuda.is_available(),
    "cuda.device_count": lambda t: t.cuda.device_count(),
    "cuda.is_initialized": lambda t: t.cuda.is_initialized(),
    "cuda.is_bf16_supported": lambda t: t.cuda.is_bf16_supported(),
    "cuda.manual_seed": lambda t: t.cuda.manual_seed(1),
    "cuda.manual_seed_all": lambda t: t.cuda.manual_seed_all(1),
    "cuda.synchronize": lambda t: t.cuda.synchronize(),
    "cuda.empty_cache": lambda t: t.cuda.empty_cache(),
    "cuda.memory_allocated": lambda t: t.cuda.memory_allocated(),
    "cuda.max_memory_allocated": lambda t: t.cuda.max_memory_allocated(),
    "cuda.memory_reserved": lambda t: t.cuda.memory_reserved(),
    "cuda.max_memory_reserved": lambda t: t.cuda.max_memory_reserved(),
    "cuda.memory_stats": lambda t: dict(t.cuda.memory_stats()),
    "cuda.reset_peak_memory_stats": lambda t: t.cuda.reset_peak_memory_stats(),
    "cuda.set_device": lambda t: t.cuda.set_device(0),
    "cuda.current_device": lambda t: t.cuda.current_device(),
    "cuda.get_device_name": lambda t: t.cuda.get_device_name(0),
    "cuda.get_device_properties": lambda t: t.cuda.get_device_properties(0),
    "cuda.get_rng_state_all": lambda t: t.cuda.get_rng_state_all(),
    "cuda.FloatTensor()": lambda t: t.cuda.FloatTensor([1.0]),
    "isinstance cuda.FloatTensor": lambda t: isinstance(t.zeros(1), t.cuda.FloatTensor),
    "accelerator.is_available": lambda t: t.accelerator.is_available(),
    "accelerator.current_accelerator": lambda t: t.accelerator.current_accelerator(),
    "accelerator.device_count": lambda t: t.accelerator.device_count(),
    "accelerator.synchronize": lambda t: t.accelerator.synchronize(),
    "backends.mps.is_available": lambda t: t.backends.mps.is_available(),
    "backends.mps.is_built": lambda t: t.backends.mps.is_built(),
    "backends.cudnn.is_available": lambda t: t.backends.cudnn.is_available(),
    "backends.cuda.matmul.allow_tf32": lambda t: t.backends.cuda.matmul.allow_tf32,
    "backends.cuda.is_built": lambda t: t.backends.cuda.is_built(),
    "get_float32_matmul_precision": lambda t: t.get_float32_matmul_precision(),
    "get_default_device": lambda t: str(t.get_default_device()),
    "zeros(device=cuda)": lambda t: t.zeros(2, device="cuda"),
    "tensor(device=cuda)": lambda t: t.tensor([1.0], device="cuda"),
    "randn(device=device(cuda))": lambda t: t.randn(2, device=t.device("cuda")),
    "zeros_like(device=cuda)": lambda t: t.zeros_like(t.zeros(1), device="cuda"),
    "arange(device=cuda:0)": lambda t: t.arange(3, device="cuda:0"),
    ".to(cuda)": lambda t: t.zeros(1).to("cuda"),
    ".to(device=cuda)": lambda t: t.zeros(1).to(device="cuda"),
    ".to(cuda, float64)": lambda t: t.zeros(1).to("cuda", t.float64),
    ".to(mps)": lambda t: t.zeros(1).to("mps"),
    ".to(0)": lambda t: t.zeros(1).to(0),
    ".cuda()": lambda t: t.zeros(1).cuda(),
    ".cpu()": lambda t: t.zeros(1).cpu().tolist(),
    ".is_cpu": lambda t: t.zeros(1).is_cpu,
    ".is_cuda": lambda t: t.zeros(1).is_cuda,
    ".get_device()": lambda t: t.zeros(1).get_device(),
    ".pin_memory()": lambda t: t.zeros(1).pin_memory(),
    ".is_pinned()": lambda t: t.zeros(1).is_pinned(),
    ".nbytes": lambda t: t.zeros(3).nbytes,
    "Module.cuda()": lambda t: t.nn.Linear(1, 1).cuda(),
    "Module.to(cuda)": lambda t: t.nn.Linear(1, 1).to("cuda"),
    "Module.to(device=cuda)": lambda t: t.nn.Linear(1, 1).to(device="cuda"),
    "device(cuda:1)": lambda t: (repr(t.device("cuda:1")), str(t.device("cuda", 0))),
    "device(cpu) == device(cpu:0)": lambda t: t.device("cpu") == t.device("cpu:0"),
    "device(foo)": lambda t: t.device("foo"),
    # issue 12 module paths: a device never equals a string; the device list fork_rng forks
    "device(cpu) == 'cpu'": lambda t: (t.device("cpu") == "cpu", "cpu" == t.device("cpu"), t.device("cpu") != "cpu",
                                       t.device("cuda:0") == "cuda:0", t.device("cpu").__eq__("cpu")),
    "fork_rng(devices=[0])": lambda t: t.random.fork_rng(devices=[0]).__enter__(),
    "fork_rng(device_type=xyz)": lambda t: t.random.fork_rng(device_type="xyz").__enter__(),
    "device(0)": lambda t: t.device(0),
    "cuda.amp.GradScaler().is_enabled()": lambda t: t.cuda.amp.GradScaler().is_enabled(),
    "amp.GradScaler(cpu).is_enabled()": lambda t: t.amp.GradScaler("cpu").is_enabled(),
    "amp.GradScaler(enabled=False).get_scale()": lambda t: t.amp.GradScaler(enabled=False).get_scale(),
    "amp.GradScaler().state_dict()": lambda t: t.amp.GradScaler().state_dict(),
    "autocast(cuda) is a no-op": lambda t: _autocast_noop(t),
    "pi, e, inf": lambda t: (t.pi, t.e, t.inf),
}
# issue 12 platform leftovers: CUDA streams and events, torch.mps and torch.xpu without their devices
QUERIES.update({
    "cuda.Event()": lambda t: t.cuda.Event(enable_timing=True),
    "cuda.Stream()": lambda t: t.cuda.Stream(),
    "cuda.current_stream": lambda t: t.cuda.current_stream(),
    "cuda.default_stream": lambda t: t.cuda.default_stream(),
    "cuda.initial_seed": lambda t: t.cuda.initial_seed(),
    "cuda.amp.grad_scaler.GradScaler": lambda t: t.cuda.amp.grad_scaler.GradScaler is t.cuda.amp.GradScaler,
    "cuda.amp.autocast_mode.autocast": lambda t: t.cuda.amp.autocast_mode.autocast is t.cuda.amp.autocast,
    "is_storage": lambda t: (t.is_storage(t.zeros(1)), t.is_storage(3)),
    "jit.TracerWarning": lambda t: issubclass(t.jit.TracerWarning, Warning),
    "jit.annotations": lambda t: (t.jit.annotations.List, t.jit.annotations.Tuple, t.jit.annotations.Optional),
    **{f"mps.{name}": (lambda name: lambda t: getattr(t.mps, name)())(name)
       for name in ("device_count", "is_available", "synchronize", "empty_cache", "seed", "get_rng_state",
                    "current_allocated_memory", "driver_allocated_memory", "recommended_max_memory")},
    "mps.manual_seed": lambda t: t.mps.manual_seed(3),
    "mps.set_per_process_memory_fraction": lambda t: t.mps.set_per_process_memory_fraction(0.5),
    **{f"xpu.{name}": (lambda name: lambda t: getattr(t.xpu, name)())(name)
       for name in ("is_available", "device_count", "is_initialized", "is_bf16_supported", "init", "synchronize",
                    "current_device", "get_device_name", "get_device_properties", "get_device_capability",
                    "current_stream", "get_rng_state", "seed", "seed_all", "empty_cache", "memory_allocated",
                    "max_memory_allocated", "memory_reserved", "max_memory_reserved", "Stream", "Event")},
    "xpu.set_device": lambda t: t.xpu.set_device(0),
    "xpu.manual_seed": lambda t: t.xpu.manual_seed(3),
    "xpu.manual_seed_all": lambda t: t.xpu.manual_seed_all(3),
})


def _autocast_noop(t):
    x = t.ones(2, 2)
    with t.autocast("cuda"):
        y = x @ x
    with t.amp.autocast(device_type="cpu", dtype=t.float32):
        z = x @ x
    return str(y.dtype), str(z.dtype)


@pytest.mark.parametrize("name", sorted(QUERIES))
def test_platform_answer_as_torch_cpu_build(name, torch):
    ours, theirs = _outcome(lambda: QUERIES[name](P)), _outcome(lambda: QUERIES[name](torch))
    if ours[0] == "ok" and hasattr(ours[1], "tolist"):
        ours = ("ok", ours[1].tolist())
    assert ours == theirs


def test_cuda_refusal_names_the_fix():
    with pytest.raises(AssertionError, match="Torch not compiled with CUDA enabled") as info:
        P.zeros(1, device="cuda")
    assert "device='cpu'" in str(info.value)


def test_default_device_round_trip(torch):
    try:
        P.set_default_device("cuda")
        assert P.get_default_device() == P.device("cuda")
        with pytest.raises(AssertionError):
            P.ones(2)
    finally:
        P.set_default_device(None)
    assert P.get_default_device() == P.device("cpu") and P.ones(2).shape == (2,)


def test_settings_read_back():
    old = P.get_float32_matmul_precision()
    try:
        P.set_float32_matmul_precision("high")
        assert P.get_float32_matmul_precision() == "high" and P.backends.cuda.matmul.allow_tf32
        P.backends.cuda.matmul.allow_tf32 = False
        assert P.get_float32_matmul_precision() == "highest"
        with pytest.warns(UserWarning, match="has no effect"):
            P.set_float32_matmul_precision("fast")
    finally:
        P.set_float32_matmul_precision(old)
    P.backends.cudnn.benchmark = True
    assert P.backends.cudnn.benchmark is True
    P.backends.cudnn.benchmark = False


def test_warnings_as_torch():
    with pytest.warns(UserWarning, match="CUDA is not available.  Disabling"):
        P.amp.GradScaler()
    with pytest.warns(FutureWarning, match="deprecated"):
        P.cuda.amp.GradScaler(enabled=False)
    with pytest.warns(UserWarning, match="Disabling autocast"):
        P.autocast("cuda")


def test_cpu_autocast_in_low_precision_runs_in_it():
    # (tests/test_bf16_autocast.py compares the casts with PyTorch's)
    with P.autocast("cpu", dtype=P.float16):
        assert (P.ones(2, 2) @ P.ones(2, 2)).dtype is P.float16
    with P.autocast("cpu", enabled=False):  # disabled: a no-op
        assert (P.ones(2, 2) @ P.ones(2, 2)).dtype is P.float32


def _train(lib, scaler, steps, poison_step=None):
    lib.manual_seed(0)
    w = lib.nn.Parameter(lib.tensor([[0.5, -0.25], [0.125, 1.0]], dtype=lib.float64))
    opt = lib.optim.SGD([w], lr=0.1)
    scales = []
    for i in range(steps):
        opt.zero_grad()
        loss = (w @ lib.tensor([1.0, 2.0], dtype=lib.float64)).pow(2).sum()
        if i == poison_step:
            loss = loss * float("inf")
        scaler.scale(loss).backward()
        scaler.step(opt)
        scaler.update()
        scales.append(scaler.get_scale())
    return w.detach().numpy().copy(), scales


def test_cpu_grad_scaler_scales_skips_and_grows_as_torch(torch):
    kwargs = dict(init_scale=8.0, growth_interval=2)
    ours = _train(P, P.amp.GradScaler("cpu", **kwargs), 5, poison_step=1)
    theirs = _train(torch, torch.amp.GradScaler("cpu", **kwargs), 5, poison_step=1)
    np.testing.assert_allclose(ours[0], theirs[0], rtol=1e-12)
    assert ours[1] == theirs[1]  # backed off at the overflow, grown every 2 clean updates


def test_cpu_grad_scaler_state_dict_round_trip():
    s = P.amp.GradScaler("cpu", init_scale=4.0)
    s2 = P.amp.GradScaler("cpu")
    s2.load_state_dict(s.state_dict())
    assert s2.get_scale() == 4.0 and s2.state_dict() == s.state_dict()


def test_switches_read_back_as_torch(torch):
    assert P.are_deterministic_algorithms_enabled() == torch.are_deterministic_algorithms_enabled()
    P.use_deterministic_algorithms(True)
    assert P.are_deterministic_algorithms_enabled()
    P.use_deterministic_algorithms(False)
    assert P.is_autocast_enabled() == torch.is_autocast_enabled() is False
    assert P.version.cuda == torch.version.cuda is None
    assert issubclass(P.cuda.OutOfMemoryError, RuntimeError) and P.OutOfMemoryError is P.cuda.OutOfMemoryError
    with P.backends.cudnn.flags(enabled=False, benchmark=True):
        assert P.backends.cudnn.benchmark is True and P.backends.cudnn.enabled is False
    assert P.backends.cudnn.benchmark is False and P.backends.cudnn.enabled is True


@pytest.mark.parametrize("name", ["expm1", "erf", "exp2", "log1p", "expit", "logit", "xlogy"])
def test_special_as_torch(name, torch):
    x = np.array([0.2, 0.5, 0.9])
    args = (x, x) if name == "xlogy" else (x,)
    ours = getattr(P.special, name)(*[P.tensor(a) for a in args])
    theirs = getattr(torch.special, name)(*[torch.tensor(a) for a in args])
    np.testing.assert_allclose(ours.numpy(), theirs.numpy(), rtol=1e-12)


def test_backend_flag_defaults_as_torch_in_a_fresh_process(torch):
    """The flags' defaults, read in a new interpreter (other tests and examples set them)."""
    import subprocess
    import sys
    code = ("import {lib} as t; print((t.backends.cudnn.benchmark, t.backends.cudnn.deterministic, "
            "t.backends.cudnn.allow_tf32, t.backends.cudnn.enabled, t.backends.cuda.matmul.allow_tf32, "
            "t.get_float32_matmul_precision()))")
    answers = [subprocess.run([sys.executable, "-c", code.format(lib=lib)], capture_output=True, text=True,
                              check=True).stdout for lib in ("pyautograd", "torch")]
    assert answers[0] == answers[1] and answers[0].startswith("(False, False, True, True, False, 'highest')")


def test_data_parallel_runs_the_module_as_torchs_cpu_build(torch):
    # With no CUDA device PyTorch's DataParallel keeps no device ids and calls the module as is.
    ours, theirs = P.nn.DataParallel(P.nn.Linear(3, 2), device_ids=[0]), torch.nn.DataParallel(torch.nn.Linear(3, 2))
    assert P.nn.DataParallel is P.nn.parallel.DataParallel
    assert ours.device_ids == theirs.device_ids == []
    assert list(ours.state_dict()) == list(theirs.state_dict()) == ["module.weight", "module.bias"]
    with P.no_grad():
        ours.module.weight.copy_(P.tensor(theirs.module.weight.detach().numpy()))
        ours.module.bias.copy_(P.tensor(theirs.module.bias.detach().numpy()))
    x = [[1.0, 2.0, 3.0]]
    np.testing.assert_allclose(ours(P.tensor(x)).detach().numpy(), theirs(torch.tensor(x)).detach().numpy(), rtol=1e-6)


def test_torch_cpu_device_queries_as_torch(torch):
    for name in ("is_available", "is_initialized", "device_count", "current_device", "synchronize"):
        assert getattr(P.cpu, name)() == getattr(torch.cpu, name)(), name


def test_backends_openmp_and_mkldnn(torch):
    # OpenMP: as the C extension was built (csrc/build.py adds -fopenmp when the compiler links it).
    assert P.backends.openmp.is_available() is kernels.openmp_available()
    assert isinstance(torch.backends.openmp.is_available(), bool)
    # pyautograd does not use oneDNN: False, where PyTorch's CPU wheel says True (docs/supported.md).
    assert P.backends.mkldnn.is_available() is False and torch.backends.mkldnn.is_available() is True
    assert (P.backends.mkldnn.enabled, P.backends.mkldnn.deterministic) == (
        torch.backends.mkldnn.enabled, torch.backends.mkldnn.deterministic)


def test_fork_rng_restores_the_cpu_stream_as_torch(torch):
    def run(t, **kw):
        t.manual_seed(3)
        first = t.rand(2).tolist()
        with t.random.fork_rng(**kw):
            t.rand(7)
        after = t.rand(2).tolist()
        t.manual_seed(3)
        t.rand(2)
        return first, after == t.rand(2).tolist()
    for kw in ({}, {"devices": []}, {"enabled": False}, {"device_type": "meta"}):
        ours, theirs = run(P, **kw), run(torch, **kw)
        assert ours[1] == theirs[1], kw
    assert run(P)[1] is True and run(P, enabled=False)[1] is False
