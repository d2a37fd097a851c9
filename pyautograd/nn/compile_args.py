"""The arguments of torch.compile, checked as PyTorch checks them: shared by torch.compile
(pyautograd.compiler) and Module.compile, which both run eagerly."""

MODES = ("default", "lite", "reduce-overhead", "max-autotune-no-cudagraphs", "max-autotune")
# The backend names PyTorch accepts; every one runs eagerly here.
BACKENDS = ("inductor", "eager", "aot_eager", "aot_eager_decomp_partition", "cudagraphs", "openxla", "tvm")


class InvalidBackend(RuntimeError):
    """A backend name PyTorch does not know (its torch._dynamo.exc.InvalidBackend is a RuntimeError)."""


def check_compile_args(model, mode, options, backend):
    """Raises as torch.compile does for a model that is not callable, an unknown mode or backend,
    or both mode and options."""
    if model is not None and not callable(model):
        raise AssertionError(f"A callable function is expected, but {type(model)} is provided.")
    if mode is not None and options is not None:
        raise RuntimeError("Either mode or options can be specified, but both can't be specified at the same time.")
    if mode is not None and mode not in MODES:
        raise RuntimeError(f"Unrecognized mode={mode}, should be one of: {', '.join(MODES)}")
    if isinstance(backend, str) and backend not in BACKENDS:
        raise InvalidBackend(f"Invalid backend: '{backend}', see `torch._dynamo.list_backends()` for available "
                             f"backends.")
    if backend is not None and not isinstance(backend, str):
        raise RuntimeError("torch.compile with a custom backend callable needs a captured FX graph, which "
                           "pyautograd does not make: use a backend name (every one runs eagerly here)")
