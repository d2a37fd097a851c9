"""The ``out=`` forms of the public functions: ``torch.add(a, b, out=c)``, ``torch.sum(x, 1, out=s)``.

One wrapper gives every listed function its out= form, from the function itself: the result
is computed as usual, then written into ``out`` with PyTorch's rules --
- under grad mode, no argument (nor ``out``) may require grad: out= forms are not
  differentiable ("functions with out=... arguments don't support automatic differentiation");
- ``out`` takes the result's shape when they differ (with PyTorch's deprecation warning when
  it had elements), keeps its own dtype, and the result must be castable to it (the policy
  of each function, below, says how);
- ``out``'s version counter is bumped (a saved copy of it is then stale) and ``out`` itself is
  returned (for max/min along a dim, the (values, indices) tuple of the outs given).

Policies, as PyTorch's kernels behave:
  cast   the result is cast into out's dtype, which must not be of a lower category (a float
         result into an integer out raises); pointwise ops, where, clamp, mean, var, std...
  exact  out's dtype must be the result's (matmul family, gather, index_select, norm, amax...)
  dtype  the reduction runs in out's dtype, as if dtype=out.dtype were passed (sum, prod, cumsum)
  cat    as cast, with torch.cat's TypeError (cat, stack)
"""
import functools
import inspect
import warnings

import numpy as np

from .._sites import user_site
from .._tensor import Tensor
from ..graph import grad_mode
from ._inplace import _SCALAR_NAMES, _castable, _relock, check_writable
from ._surface import out_policies

# PyTorch's C++ type names, as its dtype-mismatch messages print them.
_TYPE_META = {"float32": "float", "float64": "double", "float16": "c10::Half", "bfloat16": "c10::BFloat16", "int64": "long int", "int32": "int",
              "int16": "short int", "int8": "signed char", "uint8": "unsigned char", "bool": "bool",
              "complex64": "c10::complex<float>", "complex128": "c10::complex<double>"}


def _requires_grad(args, kwargs, out):
    def any_rg(x):
        if isinstance(x, Tensor):
            return x._rg
        if isinstance(x, (list, tuple)):
            return any(any_rg(e) for e in x)
        return False
    return any_rg(args) or any_rg(tuple(kwargs.values())) or any_rg(out)


def _check_dtype(name, policy, result, out):
    have, want = result.dtype, out.dtype
    if have is want:
        return
    if policy == "exact":
        raise RuntimeError(f"Expected out tensor to have dtype {_TYPE_META[have.name]}, but got "
                           f"{_TYPE_META[want.name]} instead")
    if not _castable(have.numpy_dtype, want.numpy_dtype):
        if policy == "cat":
            raise TypeError(f"torch.{name}(): input types can't be cast to the desired output type "
                            f"{_SCALAR_NAMES[want.name]}")
        raise RuntimeError(f"result type {_SCALAR_NAMES[have.name]} can't be cast to the desired output type "
                           f"{_SCALAR_NAMES[want.name]}")


def _write(name, policy, result, out):
    """Writes one result into `out` (resized if needed) and bumps its version."""
    if not isinstance(out, Tensor):
        raise TypeError(f"{name}(): argument 'out' must be Tensor, not {type(out).__name__}")
    _check_dtype(name, policy, result, out)
    shape = result._data.shape
    if out._data.shape != shape:
        if out._data.size:
            warnings.warn(f"An output with one or more elements was resized since it had shape "
                          f"{list(out._data.shape)}, which does not match the required output shape {list(shape)}. "
                          f"This behavior is deprecated, and in a future PyTorch release outputs will not be "
                          f"resized unless they have zero elements. You can explicitly reuse an out tensor t by "
                          f"resizing it, inplace, to zero elements with t.resize_(0).", UserWarning, stacklevel=4)
        out._data = np.empty(shape, out._data.dtype)
    else:
        check_writable(out, name)
    np.copyto(out._data, result._data, casting="unsafe")
    _relock(out._data)
    out._counter().bump(name, user_site(3))


def _overload_without_out(name, args, kwargs):
    """Whether PyTorch's overload for these arguments has no out= form: the all-element sum and
    prod, and var/std with `unbiased` but no dim (var(x, True))."""
    dim = kwargs.get("dim", args[1] if len(args) > 1 else None)
    if name in ("var", "std"):
        return isinstance(dim, bool) or (dim is None and "unbiased" in kwargs)
    return name in ("sum", "prod") and dim is None


def call_with_out(name, policy, fn, args, kwargs, out):
    """fn(*args, **kwargs) written into `out` (a tensor, or a tuple for a multi-output result)."""
    if _overload_without_out(name, args, kwargs):
        raise TypeError(f"{name}() received an invalid combination of arguments: this overload has no out= "
                        f"form; pass the dim ({name}(input, dim, ..., out=...))")
    if grad_mode.is_grad_enabled() and _requires_grad(args, kwargs, out):
        raise RuntimeError(f"{name}(): functions with out=... arguments don't support automatic "
                           f"differentiation, but one of the arguments requires grad.")
    if policy == "dtype" and kwargs.get("dtype") is None and isinstance(out, Tensor):
        kwargs = dict(kwargs, dtype=out.dtype)
    result = fn(*args, **kwargs)
    if isinstance(result, tuple):
        if not isinstance(out, (tuple, list)) or len(out) != len(result):
            raise TypeError(f"{name}(): argument 'out' must be a tuple of {len(result)} Tensors")
        for r, o in zip(result, out):
            _write(name, policy, r, o)
        return type(result)(tuple(out)) if hasattr(result, "_fields") else tuple(out)
    _write(name, policy, result, out)
    return out


def with_out(fn, name, policy):
    """`fn` with a keyword-only ``out=None`` argument (see the module notes)."""
    @functools.wraps(fn)
    def function(*args, out=None, **kwargs):
        if out is None:
            return fn(*args, **kwargs)
        return call_with_out(name, policy, fn, args, kwargs, out)
    sig = inspect.signature(fn)
    params = [p for p in sig.parameters.values() if p.kind is not inspect.Parameter.VAR_KEYWORD]
    params.append(inspect.Parameter("out", inspect.Parameter.KEYWORD_ONLY, default=None))
    function.__signature__ = sig.replace(parameters=params)  # help() shows out=
    function.out_policy = policy
    return function


def install(namespace, policies=None):
    """Replaces each function declared with an out= policy (``out="cast"`` in its defop or
    ``@public``) in `namespace` (the pyautograd module) by its out= form; aliases (multiply,
    clip, concat...) keep sharing one function with the declared name. `policies`
    ({policy: names}) replaces the declared table (the surface issue's block still lists its own)."""
    done = {}
    for policy, names in (out_policies() if policies is None else policies).items():
        for name in names:
            fn = namespace[name]
            if id(fn) not in done:
                done[id(fn)] = with_out(fn, name, policy)
            namespace[name] = done[id(fn)]
