"""Tensor factories: tensor, zeros, ones, full, empty, eye, arange, linspace, the
*_like forms, random tensors, from_numpy and as_tensor."""
import numbers
import warnings

import numpy as np

from . import _device, _dtype, _random, kernels
from ._tensor import Tensor


def _np_dtype(dtype, default=None, fn="tensor"):
    """The NumPy dtype of a public `dtype=` argument of factory `fn` (strict, as PyTorch:
    TypeError for a name or a NumPy dtype), or of `default` (the default dtype) when None."""
    dtype = _dtype.dtype_arg(dtype, fn)
    if dtype is None:
        return (default or _dtype.get_default_dtype()).numpy_dtype
    return dtype.numpy_dtype


# PyTorch's scalar type names, as its messages print them.
_SCALAR_NAMES = {"float32": "Float", "float64": "Double", "float16": "Half", "int64": "Long", "int32": "Int",
                 "int16": "Short", "int8": "Char", "uint8": "Byte", "bool": "Bool",
                 "complex64": "ComplexFloat", "complex128": "ComplexDouble"}


# The graph layer above installs its grad-mode query here (install_grad_mode), as it installs
# Tensor's graph methods: factories sit below grad mode but their out= forms must consult it.
_grad_mode = [lambda: False]


def install_grad_mode(is_grad_enabled):
    """Called once by pyautograd.graph: the function saying whether grad mode is on."""
    _grad_mode[0] = is_grad_enabled


_RESIZING = ("empty", "randn")


def _out_dtype(name, out, dtype, inputs=()):
    """The dtype factory `name` computes in when writing into `out`: out's own, as PyTorch's
    factories do (arange(3, out=float_tensor) gives floats); a different `dtype=` raises, and so
    does an out (or a tensor input) requiring grad while grad mode is on (out= forms are not
    differentiable)."""
    if not isinstance(out, Tensor):
        raise TypeError(f"{name}(): argument 'out' must be Tensor, not {type(out).__name__}")
    if name in _RESIZING and out._rg:
        # PyTorch's empty and randn resize `out` first, which refuses a tensor requiring grad
        # whatever the grad mode (the others write in place and then set the flag, see _into).
        raise RuntimeError("cannot resize variables that require grad")
    if _grad_mode[0]() and any(isinstance(t, Tensor) and t._rg for t in (out, *inputs)):
        raise RuntimeError(f"{name}(): functions with out=... arguments don't support automatic "
                           f"differentiation, but one of the arguments requires grad.")
    dtype = _dtype.dtype_arg(dtype, name)
    if dtype is not None and dtype is not out.dtype:
        raise RuntimeError(f"dtype {_SCALAR_NAMES[dtype.name]} does not match dtype of out parameter "
                           f"({_SCALAR_NAMES[out.dtype.name]})")
    return out.dtype


def _into(name, out, arr, device=None, requires_grad=False):
    """Writes factory `name`'s result `arr` into `out` and returns `out`: out takes arr's shape
    (resized without a warning, as PyTorch's factories resize) and keeps its dtype; its version
    is bumped. A leaf `out` then requires grad as the factory's `requires_grad` says, as in
    PyTorch, where the factory sets the flag on its result: under no_grad,
    ``zeros(3, out=w)`` leaves a leaf `w` that required grad not requiring it (a non-leaf
    keeps its graph)."""
    _device.check_available(device)
    if out._data.shape != arr.shape:
        out._data = np.empty(arr.shape, out._data.dtype)
    np.copyto(out._data, arr, casting="unsafe")
    out._counter().bump(name, None)
    if out.grad_fn is None:
        out.requires_grad = requires_grad
    return out


def _random_float(name, dtype):
    """PyTorch's refusal of uniform/normal samples in an integer or bool dtype (they would all
    truncate to 0 here)."""
    if np.dtype(dtype).kind not in "fc":
        raise NotImplementedError(f"\"{name}\" not implemented for '{_SCALAR_NAMES[np.dtype(dtype).name]}' "
                                  f"(random samples need a floating dtype)")


def _as_complex(pairs, np_dtype):
    """float64 pairs (..., 2) as complex numbers of `np_dtype`, shape pairs.shape[:-1]."""
    return pairs.view(np.complex128)[..., 0].astype(np_dtype)


def _finish(data, requires_grad, device=None):
    _device.check_available(device)  # the CPU; CUDA and the rest refused as PyTorch's CPU build does
    t = Tensor._make(data, False)
    if requires_grad:
        t.requires_grad = True  # validates the dtype
    return t


def _size(size):
    """Accepts f(2, 3), f((2, 3)), f([2, 3]) and f(torch.Size([2, 3]))."""
    if len(size) == 1 and not isinstance(size[0], numbers.Integral):
        try:
            size = tuple(size[0])
        except TypeError:  # zeros(2.5): say what was expected, not "'float' object is not iterable"
            raise TypeError(f"argument 'size' must be tuple of ints, not {type(size[0]).__name__}") from None
    for s in size:
        if not isinstance(s, numbers.Integral) or isinstance(s, bool):
            raise TypeError(f"size must be a tuple of ints, got {type(s).__name__}")
        if s < 0:
            raise RuntimeError(f"Trying to create tensor with negative dimension {s}: {list(size)}")
    size = tuple(int(s) for s in size)
    count = 1
    for s in size:
        count *= s
    if count * 8 >= 2**63:  # PyTorch checks the byte count of the largest dtype against int64
        raise RuntimeError(f"Storage size calculation overflowed with sizes={list(size)}")
    return size


def _allocating(fn, *args, **kwargs):
    """fn(...) with NumPy's MemoryError turned into PyTorch's RuntimeError for a failed allocation."""
    try:
        return fn(*args, **kwargs)
    except MemoryError as e:
        raise RuntimeError(f"DefaultCPUAllocator: can't allocate memory: {e}") from None


def _cast(arr, np_dtype, copy=True):
    """arr converted to np_dtype; to bfloat16 through float32 (kernels.astype), as PyTorch converts."""
    if _dtype.is_bfloat16(np_dtype):
        return kernels.astype(arr, np_dtype)
    return arr.astype(np_dtype, copy=copy)


def _infer(data, float_dtype=None):
    """An ndarray from Python data, with PyTorch's dtype inference (Python floats become
    `float_dtype` when given -- the requested dtype, converted once -- else the default)."""
    if isinstance(data, Tensor):
        return data._data
    if isinstance(data, (list, tuple)) and any(isinstance(x, Tensor) for x in _flat(data)):
        data = _tensors_to_lists(data)
    try:
        arr = np.asarray(data)
    except ValueError:
        raise _ragged_error(data) from None
    if arr.dtype.kind in "fuO" and not isinstance(data, (np.ndarray, np.generic)):
        _check_int_range(data)
    if arr.dtype == object:
        odd = next((x for x in (_flat(data) if isinstance(data, (list, tuple)) else (data,))
                    if not isinstance(x, (numbers.Number, np.generic))), data)
        raise RuntimeError(f"Could not infer dtype of {type(odd).__name__}")
    kind = "f" if _dtype.is_bfloat16(arr.dtype) else arr.dtype.kind
    if isinstance(data, np.ndarray) or isinstance(data, np.generic):
        if kind == "f" or kind in "biuc":
            return arr
    if kind == "c":  # Python complex numbers: the default complex dtype (complex64 by default)
        return arr.astype(_dtype.default_complex().numpy_dtype)
    if kind == "f":
        return _cast(arr, float_dtype or _dtype.get_default_dtype().numpy_dtype)
    if kind in "iu":
        return arr.astype(np.int64)
    if kind == "b":
        return arr
    if kind in "US":
        raise ValueError("too many dimensions 'str'")
    raise TypeError(f"unsupported data type {arr.dtype}")


_INT64_MIN, _INT64_MAX = -(2**63), 2**63 - 1


def _check_int_range(data):
    """Raises as PyTorch for Python ints past int64 in data of no floats ([1, 2**63] would
    otherwise become a float tensor, or a uint64 one)."""
    items = _flat(data) if isinstance(data, (list, tuple)) else (data,)
    too_big = False
    for x in items:
        if isinstance(x, float) or isinstance(x, complex):
            return
        if isinstance(x, int) and not _INT64_MIN <= x <= _INT64_MAX:
            too_big = True
    if too_big:
        raise ValueError("Overflow when unpacking long long")


def _flat(data):
    for x in data:
        if isinstance(x, (list, tuple)):
            yield from _flat(x)
        else:
            yield x


def _ragged_error(data):
    """PyTorch's ValueError for nested sequences of unequal lengths, naming the first one."""
    def walk(seq, dim):
        if not isinstance(seq, (list, tuple)) or not seq:
            return None
        lengths = [len(x) if isinstance(x, (list, tuple)) else None for x in seq]
        first = lengths[0]
        for n in lengths[1:]:
            if n != first:
                if first is None or n is None:
                    return f"expected a sequence at every position of dim {dim + 1} (mixed numbers and sequences)"
                return f"expected sequence of length {first} at dim {dim + 1} (got {n})"
        for x in seq:
            found = walk(x, dim + 1)
            if found:
                return found
        return None
    return ValueError(walk(data, 0) or "could not make a tensor of data whose nested sequences differ in length")


def _tensors_to_lists(data):
    if isinstance(data, Tensor):
        # As PyTorch: a tensor inside a list is one number (only one-element tensors convert).
        if data._data.size != 1:
            raise ValueError(f"only one element tensors can be converted to Python scalars (got a tensor of shape "
                             f"{list(data._data.shape)} inside the list; use torch.stack to join tensors)")
        return data._data.reshape(()).item()
    if isinstance(data, (list, tuple)):
        return [_tensors_to_lists(x) for x in data]
    return data


def tensor(data, dtype=None, device=None, requires_grad=False, pin_memory=False):
    """A new tensor holding a copy of `data` (nested lists, numbers, ndarrays, tensors).

    Python floats become the default dtype (float32), ints int64, bools bool; an ndarray keeps
    its dtype. Example: ``torch.tensor([[1., 2.], [3., 4.]], requires_grad=True)``.
    """
    if isinstance(data, Tensor):
        warnings.warn("To copy construct from a tensor, it is recommended to use sourceTensor.clone()"
                      ".detach() or sourceTensor.clone().detach().requires_grad_(True), rather than "
                      "torch.tensor(sourceTensor).", UserWarning, stacklevel=2)
    np_dtype = _np_dtype(dtype, fn="tensor") if dtype is not None else None
    arr = _infer(data, np_dtype)
    if np_dtype is not None and arr.dtype.kind == "c" and np_dtype.kind != "c" and not isinstance(data, np.ndarray):
        raise TypeError("must be real number, not complex")  # PyTorch's, for Python complex numbers
    arr = _cast(arr, np_dtype) if dtype is not None else np.array(arr, copy=True)
    return _finish(arr, requires_grad, device)


def as_tensor(data, dtype=None, device=None):
    """A tensor sharing memory with `data` when it is an ndarray or tensor of the right dtype."""
    _device.check_available(device)
    dtype = _dtype.dtype_arg(dtype, "as_tensor")
    if isinstance(data, Tensor) and (dtype is None or dtype is data.dtype):
        return data
    if isinstance(data, np.ndarray) and (dtype is None or data.dtype == dtype.numpy_dtype):
        return from_numpy(data)
    arr = _infer(data, dtype.numpy_dtype if dtype is not None else None)
    if dtype is not None:
        arr = _cast(arr, dtype.numpy_dtype, copy=False)
    return Tensor._wrap(np.asarray(arr))


def from_numpy(ndarray):
    """A tensor sharing memory with `ndarray` (writes to either show in both)."""
    if not isinstance(ndarray, np.ndarray):
        raise TypeError(f"expected np.ndarray (got {type(ndarray).__name__})")
    _dtype.from_numpy(ndarray.dtype)  # raises for unsupported dtypes
    return Tensor._wrap(ndarray)


def from_dlpack(ext_tensor):
    """A tensor sharing memory with an object that implements the DLPack protocol."""
    return Tensor._wrap(np.from_dlpack(ext_tensor))


def _filled(size, fill, dtype, requires_grad, default=None, device=None, fn="full"):
    arr = _allocating(np.full, _size(size), fill, dtype=_np_dtype(dtype, default, fn))
    return _finish(arr, requires_grad, device)


def _filled_out(name, out, size, fill, dtype, device=None, requires_grad=False):
    """PyTorch's zeros/ones/full(..., out=out): out takes `size` and is filled, keeping its dtype."""
    _out_dtype(name, out, dtype)
    return _into(name, out, _allocating(np.full, _size(size), fill, dtype=out._data.dtype), device,
                 requires_grad)


def zeros(*size, dtype=None, device=None, requires_grad=False, out=None):
    """A tensor of zeros of the given size (written into `out` when given)."""
    if out is not None:
        return _filled_out("zeros", out, size, 0, dtype, device, requires_grad)
    return _filled(size, 0, dtype, requires_grad, device=device, fn="zeros")


def ones(*size, dtype=None, device=None, requires_grad=False, out=None):
    """A tensor of ones of the given size (written into `out` when given)."""
    if out is not None:
        return _filled_out("ones", out, size, 1, dtype, device, requires_grad)
    return _filled(size, 1, dtype, requires_grad, device=device, fn="ones")


def empty(*size, dtype=None, device=None, requires_grad=False, memory_format=None, out=None):
    """An uninitialized tensor of the given size (`out` resized to it when given)."""
    if out is not None:
        _out_dtype("empty", out, dtype)
        shape = _size(size)
        if out._data.shape == shape:
            _device.check_available(device)
            out.requires_grad = requires_grad  # out does not require grad here (_out_dtype)
            return out
        return _into("empty", out, _allocating(np.empty, shape, dtype=out._data.dtype), device, requires_grad)
    return _finish(_allocating(np.empty, _size(size), dtype=_np_dtype(dtype, fn="empty")), requires_grad, device)


def full(size, fill_value, dtype=None, device=None, requires_grad=False, out=None):
    """A tensor of `size` filled with `fill_value` (its dtype inferred from the value; written
    into `out`, in out's dtype, when given)."""
    if out is not None:
        return _filled_out("full", out, (tuple(size),), fill_value, dtype, device, requires_grad)
    if dtype is None:
        dtype = _dtype.scalar_dtype(fill_value)
    return _filled((tuple(size),), fill_value, dtype, requires_grad, device=device, fn="full")


def eye(n, m=None, dtype=None, device=None, requires_grad=False, out=None):
    """A 2-D tensor with ones on the diagonal (written into `out` when given)."""
    for name, v in (("n", n), ("m", m)):
        if v is not None and v < 0:
            raise RuntimeError(f"{name} must be greater or equal to 0, got {v}")
    if out is not None:
        return _into("eye", out, np.eye(n, n if m is None else m, dtype=_out_dtype("eye", out, dtype).numpy_dtype),
                     device, requires_grad)
    return _finish(np.eye(n, n if m is None else m, dtype=_np_dtype(dtype, fn="eye")), requires_grad, device)


def arange(start, end=None, step=1, dtype=None, device=None, requires_grad=False, out=None):
    """Values from `start` to `end` (exclusive) by `step`; integer arguments give int64 (out's
    dtype when `out` is given)."""
    if end is None:
        start, end = 0, start
    if step == 0:
        raise RuntimeError("step must be nonzero")
    values = (start, end, step)
    if out is not None:
        dtype = _out_dtype("arange", out, dtype)
    elif dtype is None:
        is_float = any(isinstance(v, float) or (isinstance(v, Tensor) and v.is_floating_point())
                       for v in values)
        dtype = _dtype.get_default_dtype() if is_float else _dtype.int64
    start, end, step = [v.item() if isinstance(v, Tensor) else v for v in values]
    if not all(np.isfinite(v) for v in (start, end)):
        raise RuntimeError(f"unsupported range: {start} -> {end}")
    if (step > 0 and start > end) or (step < 0 and start < end):
        raise RuntimeError("upper bound and lower bound inconsistent with step sign")
    np_dtype = _np_dtype(dtype, fn="arange")
    if all(isinstance(v, numbers.Integral) for v in (start, end, step)) and np_dtype.kind in "iu":
        # exact integer steps: through float64, 2**60 + 1 would round to 2**60
        n = max(0, -((start - end) // step))
        last = start + (n - 1) * step if n else start
        info = np.iinfo(np_dtype)
        if not (info.min <= start <= info.max and info.min <= last <= info.max):
            raise RuntimeError(f"arange: values from {start} to {last} overflow {np_dtype}")
        arr = (start + step * np.arange(n, dtype=np.int64)).astype(np_dtype, copy=False)
    else:
        n = max(0, int(np.ceil((end - start) / step)))
        arr = (start + step * np.arange(n, dtype=np.float64)).astype(np_dtype)
    return _into("arange", out, arr, device, requires_grad) if out is not None else _finish(arr, requires_grad, device)


def _check_steps(name, steps):
    if not isinstance(steps, numbers.Integral) or isinstance(steps, bool):
        raise TypeError(f"{name}(): argument 'steps' must be int, not {type(steps).__name__}")


def linspace(start, end, steps, dtype=None, device=None, requires_grad=False, out=None):
    """`steps` evenly spaced values from `start` to `end` inclusive (in out's dtype when `out` is given)."""
    _check_steps("linspace", steps)
    if steps < 0:
        raise RuntimeError("number of steps must be non-negative")
    if out is not None:
        np_dtype = _out_dtype("linspace", out, dtype).numpy_dtype
        return _into("linspace", out, np.linspace(start, end, int(steps)).astype(np_dtype), device, requires_grad)
    return _finish(np.linspace(start, end, int(steps)).astype(_np_dtype(dtype, fn="linspace")), requires_grad, device)


def logspace(start, end, steps, base=10.0, dtype=None, device=None, requires_grad=False, out=None):
    """`steps` values spaced evenly on a log scale from base**start to base**end (in out's dtype
    when `out` is given)."""
    _check_steps("logspace", steps)
    if steps < 0:
        raise RuntimeError("number of steps must be non-negative")
    values = np.logspace(start, end, int(steps), base=base)
    if out is not None:
        np_dtype = _out_dtype("logspace", out, dtype).numpy_dtype
        return _into("logspace", out, values.astype(np_dtype), device, requires_grad)
    return _finish(values.astype(_np_dtype(dtype, fn="logspace")), requires_grad, device)


def _like(t, dtype, fn="empty_like"):
    dtype = _dtype.dtype_arg(dtype, fn)
    return t.dtype if dtype is None else dtype


def zeros_like(input, dtype=None, device=None, requires_grad=False, memory_format=None):
    """Zeros of `input`'s shape and dtype."""
    return _filled((input.shape,), 0, _like(input, dtype, "zeros_like"), requires_grad, device=device)


def ones_like(input, dtype=None, device=None, requires_grad=False, memory_format=None):
    """Ones of `input`'s shape and dtype."""
    return _filled((input.shape,), 1, _like(input, dtype, "ones_like"), requires_grad, device=device)


def empty_like(input, dtype=None, device=None, requires_grad=False, memory_format=None):
    """An uninitialized tensor of `input`'s shape and dtype."""
    return _finish(np.empty(input._data.shape, _like(input, dtype).numpy_dtype), requires_grad, device)


def full_like(input, fill_value, dtype=None, device=None, requires_grad=False, memory_format=None):
    """`fill_value` in `input`'s shape and dtype."""
    return _filled((input.shape,), fill_value, _like(input, dtype, "full_like"), requires_grad, device=device)


def rand(*size, generator=None, dtype=None, device=None, requires_grad=False, out=None):
    """Uniform samples in [0, 1) (written into `out`, in its dtype, when given)."""
    np_dtype = _out_dtype("rand", out, dtype).numpy_dtype if out is not None else _np_dtype(dtype, fn="rand")
    _random_float("rand", np_dtype)
    shape = _size(size)
    if np_dtype.kind == "c":  # as PyTorch: real and imaginary parts each uniform in [0, 1)
        arr = _as_complex(_random.rng(generator).random(shape + (2,)), np_dtype)
    else:
        arr = _random.rng(generator).random(shape).astype(np_dtype)
    return _into("rand", out, arr, device, requires_grad) if out is not None else _finish(arr, requires_grad, device)


def randn(*size, generator=None, dtype=None, device=None, requires_grad=False, out=None):
    """Standard normal samples (written into `out`, in its dtype, when given)."""
    np_dtype = _out_dtype("randn", out, dtype).numpy_dtype if out is not None else _np_dtype(dtype, fn="randn")
    _random_float("randn", np_dtype)
    shape = _size(size)
    if np_dtype.kind == "c":  # as PyTorch: unit variance, half in each part (each N(0, 1/2))
        arr = _as_complex(_random.rng(generator).standard_normal(shape + (2,)) * np.sqrt(0.5), np_dtype)
    else:
        arr = _random.rng(generator).standard_normal(shape).astype(np_dtype)
    return _into("randn", out, arr, device, requires_grad) if out is not None else _finish(arr, requires_grad, device)


def randint(low, high=None, size=None, *, generator=None, dtype=None, device=None, requires_grad=False, out=None):
    """Integers uniform in [low, high) (int64 unless dtype is given; out's dtype when `out` is
    given): randint(high, size) or randint(low, high, size)."""
    if size is None:
        if high is None or not isinstance(high, (tuple, list)):
            raise TypeError("randint() missing required argument 'size'")
        low, high, size = 0, low, high
    elif high is None:
        low, high = 0, low
    if low >= high:
        raise RuntimeError(f"random_ expects 'from' to be less than 'to', but got from={low} >= to={high}")
    if out is not None:
        np_dtype = _out_dtype("randint", out, dtype).numpy_dtype
    else:
        np_dtype = _np_dtype(dtype, _dtype.int64, "randint")
    if np_dtype.kind == "c":
        raise RuntimeError(f"check_random_bounds handles only integral, floating-point and boolean types "
                           f"(got {_SCALAR_NAMES[np_dtype.name]})")
    arr = _random.rng(generator).integers(low, high, size=_size((size,))).astype(np_dtype)
    return _into("randint", out, arr, device, requires_grad) if out is not None else _finish(arr, requires_grad, device)


def rand_like(input, dtype=None, generator=None, requires_grad=False, device=None, memory_format=None):
    """Uniform samples in [0, 1) of `input`'s shape and dtype."""
    return rand(input.shape, generator=generator, dtype=_like(input, dtype), requires_grad=requires_grad,
                 device=device)


def randn_like(input, dtype=None, generator=None, requires_grad=False, device=None, memory_format=None):
    """Standard normal samples of `input`'s shape and dtype."""
    return randn(input.shape, generator=generator, dtype=_like(input, dtype), requires_grad=requires_grad,
                 device=device)


def randint_like(input, low, high=None, dtype=None, generator=None, requires_grad=False, device=None,
                 memory_format=None):
    """Integers in [low, high) of `input`'s shape (its dtype unless dtype is given)."""
    if high is None:
        low, high = 0, low
    return randint(low, high, input.shape, generator=generator, dtype=_like(input, dtype),
                   requires_grad=requires_grad, device=device)


def normal(mean, std, size=None, *, generator=None, dtype=None, device=None, requires_grad=False, out=None):
    """Normal samples with the given mean and std (numbers with a size, or tensors; written into
    `out`, in its dtype, when given)."""
    m = mean._data if isinstance(mean, Tensor) else mean
    s = std._data if isinstance(std, Tensor) else std
    if size is None:
        size = np.broadcast_shapes(np.shape(m), np.shape(s))
    if out is not None:
        np_dtype = _out_dtype("normal", out, dtype, (mean, std)).numpy_dtype
    else:
        if dtype is None:
            dtype = mean.dtype if isinstance(mean, Tensor) else std.dtype if isinstance(std, Tensor) else None
        np_dtype = _np_dtype(dtype, fn="normal")
    _random_float("normal", np_dtype)
    arr = _random.rng(generator).normal(m, s, size=_size((size,))).astype(np_dtype)
    return _into("normal", out, arr, device, requires_grad) if out is not None else _finish(arr, requires_grad, device)


def randperm(n, *, generator=None, dtype=None, device=None, requires_grad=False, out=None):
    """A random permutation of 0..n-1 (int64; out's dtype when `out` is given)."""
    if out is not None:
        np_dtype = _out_dtype("randperm", out, dtype).numpy_dtype
    else:
        np_dtype = _np_dtype(dtype, _dtype.int64, "randperm")
    arr = _random.rng(generator).permutation(_size((n,))[0]).astype(np_dtype)
    return _into("randperm", out, arr, device, requires_grad) if out is not None else _finish(arr, requires_grad, device)
