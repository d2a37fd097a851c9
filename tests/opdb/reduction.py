"""Op database entries for the reductions (ops/reduction.py): sum, mean, prod, max/min (whole, along a
dim, binary), amax/amin, argmax/argmin, var/std, norm, logsumexp, softmax/log_softmax,
all/any, equal/isclose/allclose.

Samples cover 0-d and empty inputs where the op allows them, non-contiguous
(transposed, strided) inputs, negative dims and keepdim both ways. Samples with
tied extrema or a zero norm are marked ``kink=True``: the gradient there is a
convention (PyTorch's), checked against PyTorch rather than finite differences.
Integer and bool inputs appear where the op takes them (forward only).
"""
import math
import warnings

import numpy as np

import pyautograd
import pyautograd as P

from .core import OpInfo, SampleInput, make_arg

_FLOATS = (np.float32, np.float64)
_F32_LOOSE = {"float32": (1e-5, 1e-4)}


def _is_float(dtype):
    return np.dtype(dtype).kind == "f"


def _rand(rng, shape, dtype, low=-2.0, high=2.0):
    """Random values of `dtype`: uniform floats, small integers, or bools."""
    dt = np.dtype(dtype)
    if dt.kind == "f":
        return rng.uniform(low, high, shape).astype(dt)
    if dt.kind == "b":
        return rng.integers(0, 2, shape).astype(dt)
    return rng.integers(0 if dt.kind == "u" else -3, 4, shape).astype(dt)


def _transposed(rng, shape, dtype, **kw):
    """A non-contiguous array of `shape` (the transpose of a contiguous one)."""
    return _rand(rng, shape[::-1], dtype, **kw).T


def _strided(rng, shape, dtype, **kw):
    """A non-contiguous array of `shape` (every other column of a wider one)."""
    wide = shape[:-1] + (2 * shape[-1],)
    return _rand(rng, wide, dtype, **kw)[..., ::2]


def _ties(rng, shape, dtype):
    """Small integers as `dtype`: many exactly tied values."""
    return rng.integers(-2, 3, shape).astype(dtype)


def _axes(dim, ndim):
    """A reference's axis argument from a PyTorch dim (None, an int or a sequence; empty: all)."""
    if dim is None:
        return None
    if isinstance(dim, (tuple, list)):
        return tuple(d % max(ndim, 1) for d in dim) if dim and ndim else None
    return dim % max(ndim, 1) if ndim else None


# -- prod ----------------------------------------------------------------------------------------------


def _prod_ref(x, dim=None, keepdim=False):
    if x.dtype.kind in "biu":
        x = x.astype(np.int64)
    return np.asarray(np.prod(x, axis=_axes(dim, x.ndim), keepdims=keepdim if dim is not None else False),
                      dtype=x.dtype)


def _prod_samples(dtype, rng):
    mag = {"low": 0.5, "high": 1.5}
    shape = (3, 4)

    def signed(shape):
        # Magnitudes near 1, random signs: products neither vanish nor blow up.
        if not _is_float(dtype):
            return _rand(rng, shape, dtype)
        return np.asarray(_rand(rng, shape, dtype, **mag) * np.where(rng.integers(0, 2, shape), 1, -1), dtype)

    yield SampleInput((signed(shape),), desc="all")
    yield SampleInput((signed(()),), desc="0-d")
    yield SampleInput((signed(()),), {"dim": 0, "keepdim": True}, desc="0-d dim")
    yield SampleInput((signed(shape), 1), desc="dim")
    yield SampleInput((signed((2, 3, 4)), -2, True), desc="neg dim keepdim")
    yield SampleInput((signed((2, 3, 4)), 0), {"keepdim": False}, desc="dim0")
    if _is_float(dtype):
        yield SampleInput((np.abs(_transposed(rng, shape, dtype, **mag)), 0), desc="transposed")
        yield SampleInput((_strided(rng, shape, dtype, **mag),), desc="strided all")
        one = signed(shape)
        one[1, 2] = 0
        yield SampleInput((one,), desc="one zero all")
        yield SampleInput((one, 1), desc="one zero dim")
        two = signed(shape)
        two[1, 0] = two[1, 3] = 0
        yield SampleInput((two,), desc="two zeros all")
        yield SampleInput((two, 1, True), desc="two zeros in one slice")
        yield SampleInput((two, 0), desc="zeros in two slices")
    yield SampleInput((np.zeros((0, 3), dtype),), desc="empty all")
    yield SampleInput((np.zeros((2, 0), dtype), 1), desc="empty slice")
    yield SampleInput((np.zeros((0, 3), dtype), 1), desc="no slices")


# -- max / min, amax / amin, argmax / argmin --------------------------------------------------------------


def _extreme_samples(dtype, rng):
    yield SampleInput((_rand(rng, (3, 4), dtype),), desc="2-d")
    yield SampleInput((_rand(rng, (), dtype),), desc="0-d")
    yield SampleInput((_transposed(rng, (3, 4), dtype),), desc="transposed")
    yield SampleInput((_ties(rng, (3, 4), dtype),), desc="ties", kink=True)


def _with_dim_samples(dtype, rng):
    yield SampleInput((_rand(rng, (3, 4), dtype), 1), desc="dim")
    yield SampleInput((_rand(rng, (2, 3, 4), dtype), -2, True), desc="neg dim keepdim")
    yield SampleInput((_rand(rng, (2, 3, 4), dtype),), {"dim": 0, "keepdim": False}, desc="dim0")
    yield SampleInput((_rand(rng, (), dtype), -1), desc="0-d")
    yield SampleInput((_strided(rng, (3, 4), dtype), 1, True), desc="strided")
    yield SampleInput((_transposed(rng, (3, 4), dtype), 0), desc="transposed")
    yield SampleInput((np.zeros((0, 3), dtype), 1), desc="no slices")
    yield SampleInput((_ties(rng, (4, 5), dtype), 1), desc="ties", kink=True)


def _binary_samples(dtype, rng):
    yield SampleInput((_rand(rng, (3, 4), dtype), _rand(rng, (3, 4), dtype)), desc="same shape")
    yield SampleInput((_rand(rng, (3, 4), dtype), _rand(rng, (4,), dtype)), desc="broadcast")
    yield SampleInput((_ties(rng, (3, 4), dtype), _ties(rng, (3, 4), dtype)), desc="ties", kink=True)


def _variant(name, samples):
    """`samples` with their descriptions prefixed by an overload's name (max has three)."""
    def variant(dtype, rng):
        for s in samples(dtype, rng):
            s.desc = f"{name}: {s.desc}"
            yield s
    return variant


def _max_dim_ref(values, indices):
    def ref(x, dim, keepdim=False):
        if x.ndim == 0:
            return x.copy(), np.asarray(0, np.int64)
        return (values(x, axis=dim, keepdims=keepdim), indices(x, axis=dim, keepdims=keepdim).astype(np.int64))
    return ref


def _amax_samples(dtype, rng):
    yield SampleInput((_rand(rng, (3, 4), dtype),), desc="all")
    yield SampleInput((_rand(rng, (2, 3, 4), dtype), (0, 2)), desc="tuple")
    yield SampleInput((_rand(rng, (2, 3, 4), dtype), -1, True), desc="neg dim keepdim")
    yield SampleInput((_rand(rng, (2, 3, 4), dtype),), {"dim": (-1, 0), "keepdim": True}, desc="neg tuple keepdim")
    yield SampleInput((_rand(rng, (), dtype),), desc="0-d")
    yield SampleInput((_rand(rng, (), dtype), 0, True), desc="0-d dim")
    yield SampleInput((_strided(rng, (3, 4), dtype), 1), desc="strided")
    yield SampleInput((np.zeros((2, 0), dtype), 0), desc="no slices")
    yield SampleInput((_ties(rng, (3, 4), dtype), 1), desc="ties dim", kink=True)
    yield SampleInput((_ties(rng, (3, 4), dtype),), desc="ties all", kink=True)


def _amax_ref(fn):
    def ref(x, dim=(), keepdim=False):
        return np.asarray(fn(x, axis=_axes(dim, x.ndim), keepdims=keepdim))
    return ref


def _arg_samples(dtype, rng):
    yield SampleInput((_rand(rng, (3, 4), dtype),), desc="flat")
    yield SampleInput((_rand(rng, (3, 4), dtype),), {"keepdim": True}, desc="flat keepdim")
    yield SampleInput((_rand(rng, (2, 3, 4), dtype), -1), desc="neg dim")
    yield SampleInput((_rand(rng, (2, 3, 4), dtype), 1, True), desc="dim keepdim")
    yield SampleInput((_rand(rng, (), dtype), 0), desc="0-d")
    yield SampleInput((_transposed(rng, (3, 4), dtype), 0), desc="transposed")
    yield SampleInput((_ties(rng, (4, 5), dtype), 1), desc="ties (first wins)")


def _arg_ref(fn):
    def ref(x, dim=None, keepdim=False):
        if x.ndim == 0:
            return np.asarray(0, np.int64)
        return np.asarray(fn(x, axis=dim, keepdims=keepdim), np.int64)
    return ref


# -- var / std --------------------------------------------------------------------------------------------


def _moment_samples(dtype, rng):
    yield SampleInput((_rand(rng, (3, 4), dtype),), desc="all")
    yield SampleInput((_rand(rng, (3, 4), dtype), 1), desc="dim")
    yield SampleInput((_rand(rng, (2, 3, 4), dtype), (0, -1)), {"keepdim": True}, desc="neg tuple keepdim")
    yield SampleInput((_rand(rng, (2, 3, 4), dtype),), {"dim": -2, "correction": 0}, desc="correction 0")
    yield SampleInput((_rand(rng, (2, 3, 4), dtype),), {"dim": 2, "correction": 2}, desc="correction 2")
    yield SampleInput((_rand(rng, (3, 4), dtype), 0, False, True), desc="unbiased=False keepdim")
    yield SampleInput((_rand(rng, (3, 4), dtype), False), desc="var(x, unbiased)")
    yield SampleInput((_rand(rng, (3, 4), dtype),), {"keepdim": True}, desc="all keepdim")
    yield SampleInput((_transposed(rng, (3, 4), dtype), 1), desc="transposed")
    # std is 0 there, where sqrt has no derivative: a kink for std (not for var).
    yield SampleInput((_rand(rng, (), dtype),), {"dim": 0, "correction": 0}, desc="0-d", kink=True)


def _moment_ref(fn):
    def ref(x, dim=None, unbiased=None, keepdim=False, *, correction=None):
        if isinstance(dim, bool):
            dim, unbiased = None, dim
        if unbiased is not None:
            correction = 1 if unbiased else 0
        ddof = 1 if correction is None else correction
        axes = _axes(dim, x.ndim)
        n = x.size if axes is None else math.prod(x.shape[a] for a in np.atleast_1d(axes))
        centred = x - np.mean(x, axis=axes, keepdims=True)
        result = np.sum(centred * centred, axis=axes, keepdims=keepdim) / max(n - ddof, 0)
        if dim is None and keepdim:
            result = result.reshape((1,) * x.ndim)
        return np.asarray(fn(result), x.dtype)
    return ref


# -- norm --------------------------------------------------------------------------------------------------


def _norm_samples(dtype, rng):
    x = _rand(rng, (3, 4), dtype)
    yield SampleInput((x,), desc="fro default")
    yield SampleInput((_rand(rng, (2, 3, 4), dtype), "fro", (0, -1)), desc="fro 2 dims")
    for p in (2, 1, 3, 1.5, 0.5, -1.0, math.inf, -math.inf, 0):
        yield SampleInput((_rand(rng, (3, 4), dtype), p), desc=f"p={p}")
        yield SampleInput((_rand(rng, (2, 3, 4), dtype), p, -1, True), desc=f"p={p} neg dim keepdim")
    yield SampleInput((_rand(rng, (2, 3, 4), dtype),), {"p": 2, "dim": (0, 2)}, desc="tuple")
    yield SampleInput((_transposed(rng, (3, 4), dtype),), {"dim": 0}, desc="transposed")
    yield SampleInput((_rand(rng, (), dtype),), desc="0-d")
    yield SampleInput((_rand(rng, (), dtype), 2, 0), desc="0-d dim")
    yield SampleInput((np.zeros((0, 3), dtype),), desc="empty")
    yield SampleInput((np.zeros((2, 0), dtype), 2, 1), desc="empty slices")
    zero = _rand(rng, (3, 4), dtype)
    zero[1] = 0
    yield SampleInput((zero, 2, 1), desc="p=2 zero row", kink=True)
    yield SampleInput((np.zeros((3,), dtype),), desc="p=2 zero vector", kink=True)
    yield SampleInput((zero, 1), desc="p=1 zeros", kink=True)
    yield SampleInput((zero, 3, 1), desc="p=3 zero row", kink=True)
    yield SampleInput((zero, 0.5, 1), desc="p=0.5 zeros", kink=True)
    yield SampleInput((np.array([1.0, -3.0, 3.0], dtype), math.inf), desc="inf ties", kink=True)


def _norm_ref(x, p="fro", dim=None, keepdim=False):
    axes = _axes(dim, x.ndim)
    p = 2 if p in ("fro", None) else p
    a = np.abs(x.astype(np.float64))
    if p == math.inf:
        r = np.max(a, axis=axes, keepdims=keepdim)
    elif p == -math.inf:
        r = np.min(a, axis=axes, keepdims=keepdim)
    elif p == 0:
        r = np.sum(a != 0, axis=axes, keepdims=keepdim)
    else:
        with np.errstate(divide="ignore"):
            r = np.sum(a ** p, axis=axes, keepdims=keepdim) ** (1.0 / p)
    if keepdim and axes is None:
        r = np.reshape(r, (1,) * x.ndim)
    return np.asarray(r, x.dtype)


# -- logsumexp, softmax, log_softmax ----------------------------------------------------------------------------


def _lse_samples(dtype, rng):
    yield SampleInput((_rand(rng, (3, 4), dtype), 1), desc="dim")
    yield SampleInput((_rand(rng, (2, 3, 4), dtype), (0, -1)), desc="neg tuple")
    yield SampleInput((_rand(rng, (2, 3, 4), dtype), -2, True), desc="neg dim keepdim")
    yield SampleInput((_rand(rng, (), dtype), 0), desc="0-d")
    yield SampleInput((_strided(rng, (3, 4), dtype), 0, True), desc="strided")
    yield SampleInput((_rand(rng, (3, 4), dtype, low=50.0, high=60.0), 1), desc="large values")
    yield SampleInput((np.zeros((2, 0), dtype), 1), desc="empty slices (-inf)")


def _lse_ref(x, dim, keepdim=False):
    axes = _axes(dim, x.ndim)
    top = np.max(x, axis=axes, keepdims=True, initial=-np.inf)
    shift = np.where(np.isfinite(top), top, 0)
    with np.errstate(divide="ignore"):
        r = np.log(np.sum(np.exp(x - shift), axis=axes, keepdims=True)) + shift
    if not keepdim:
        r = r.reshape(np.sum(x, axis=axes).shape)
    return np.asarray(r, x.dtype)


def _softmax_samples(dtype, rng):
    yield SampleInput((_rand(rng, (3, 4), dtype), 1), desc="last dim")
    yield SampleInput((_rand(rng, (3, 4), dtype), 0), desc="dim 0")
    yield SampleInput((_rand(rng, (2, 3, 4), dtype), -2), desc="neg middle dim")
    yield SampleInput((_rand(rng, (), dtype), 0), desc="0-d")
    yield SampleInput((_transposed(rng, (3, 4), dtype), 1), desc="transposed")
    yield SampleInput((_strided(rng, (3, 4), dtype), -1), desc="strided")
    yield SampleInput((_rand(rng, (2, 3), dtype, low=80.0, high=90.0), 1), desc="large values")
    yield SampleInput((np.zeros((0, 3), dtype), 1), desc="empty")


def _softmax_ref(log):
    def ref(x, dim):
        x64 = np.atleast_1d(x).astype(np.float64)
        axis = dim % x64.ndim
        z = x64 - np.max(x64, axis=axis, keepdims=True, initial=-np.inf)
        lse = np.log(np.sum(np.exp(z), axis=axis, keepdims=True))
        r = z - lse if log else np.exp(z - lse)
        return np.asarray(r.reshape(x.shape), x.dtype)
    return ref


# -- all / any, equal, isclose, allclose ----------------------------------------------------------------------


def _truth_samples(dtype, rng):
    def sparse(shape):
        x = _rand(rng, shape, dtype)
        return np.where(rng.uniform(size=shape) < 0.3, 0, x).astype(dtype)

    yield SampleInput((sparse((3, 4)),), desc="all")
    yield SampleInput((sparse((3, 4)), 1), desc="dim")
    yield SampleInput((sparse((2, 3, 4)), (0, -1), True), desc="neg tuple keepdim")
    yield SampleInput((sparse((2, 3, 4)),), {"dim": -2}, desc="neg dim")
    yield SampleInput((sparse((3, 4)), ()), desc="empty dim list: elementwise")
    yield SampleInput((sparse(()),), desc="0-d")
    yield SampleInput((np.ones((3, 4), dtype), 0), desc="ones")
    yield SampleInput((np.zeros((0, 3), dtype),), desc="empty")
    yield SampleInput((np.zeros((2, 0), dtype), 1), desc="empty slices")
    yield SampleInput((sparse((4, 3)).T, 0), desc="transposed")


def _truth_ref(fn):
    def ref(x, dim=None, keepdim=False):
        axes = () if isinstance(dim, tuple) and not dim else _axes(dim, x.ndim)
        r = np.asarray(fn(x, axis=axes, keepdims=keepdim))
        return r.astype(np.uint8) if x.dtype == np.uint8 else r
    return ref


def _close_samples(dtype, rng):
    a = _rand(rng, (3, 4), dtype)
    near = (a * (1 + 1e-6)).astype(dtype) if _is_float(dtype) else a.copy()
    yield SampleInput((a, near), desc="near")
    yield SampleInput((a, a + 1), desc="far")
    shifted = np.asarray(a[0] + (1e-3 if _is_float(dtype) else 1), dtype)
    yield SampleInput((a, shifted), {"rtol": 1e-2, "atol": 1e-2}, desc="broadcast tolerances")
    if _is_float(dtype):
        special = np.array([np.inf, -np.inf, np.nan, 1.0, np.inf], dtype)
        other = np.array([np.inf, np.inf, np.nan, 1.0, 1.0], dtype)
        yield SampleInput((special, other), desc="inf nan")
        yield SampleInput((special, other), {"equal_nan": True}, desc="equal_nan")
    yield SampleInput((np.zeros((0,), dtype), np.zeros((0,), dtype)), desc="empty")


def _equal_samples(dtype, rng):
    a = _rand(rng, (3, 4), dtype)
    b = a.copy()
    b[1, 2] += 1
    yield SampleInput((a, a.copy()), desc="equal")
    yield SampleInput((a, b), desc="one differs")
    yield SampleInput((a, a[:2]), desc="shapes differ")
    yield SampleInput((a.T.copy(), np.ascontiguousarray(a).T), desc="layouts differ")
    if _is_float(dtype):
        yield SampleInput((np.array([np.nan], dtype), np.array([np.nan], dtype)), desc="nan")


def _equal_ref(a, b):
    return a.shape == b.shape and bool(np.all(a == b))


# -- the entries ----------------------------------------------------------------------------------------------

_WITH_INTS = _FLOATS + (np.int64,)

def _vector_norm_ref(x, ord=2, dim=None, keepdim=False):
    a = np.abs(x.astype(np.float64))
    if ord == float("inf"):
        r = a.max(axis=dim, keepdims=keepdim)
    else:
        r = (a ** ord).sum(axis=dim, keepdims=keepdim) ** (1.0 / ord)
    return np.asarray(r, x.dtype)


def _vector_norm_samples(dtype, rng):
    x = make_arg((3, 4), dtype, rng, avoid=(0.0,))
    yield SampleInput((x,), desc="2-norm of all")
    yield SampleInput((x, 1, 1), desc="1-norm over dim 1")
    yield SampleInput((x, float("inf"), 0, True), desc="inf-norm keepdim")
    yield SampleInput((x, 3.0, (0, 1)), desc="3-norm over both dims")


OPS = [
    OpInfo("prod", pyautograd.prod, _prod_samples, ref=_prod_ref,
           torch_fn=lambda x, *a, **k: x.prod(*a, **k), dtypes=_WITH_INTS, tolerances=_F32_LOOSE,
           covers=("prod_all", "prod_dim")),
    OpInfo("max", pyautograd.max, _variant("no dim", _extreme_samples), ref=lambda x: np.asarray(np.max(x)),
           torch_fn=lambda x: x.max(), dtypes=_WITH_INTS, covers=("max_all",)),
    OpInfo("min", pyautograd.min, _variant("no dim", _extreme_samples), ref=lambda x: np.asarray(np.min(x)),
           torch_fn=lambda x: x.min(), dtypes=_WITH_INTS, covers=("min_all",)),
    OpInfo("max", pyautograd.max, _variant("with dim", _with_dim_samples), ref=_max_dim_ref(np.max, np.argmax),
           torch_fn=lambda x, *a, **k: tuple(x.max(*a, **k)), dtypes=_WITH_INTS, covers=("max_dim",)),
    OpInfo("min", pyautograd.min, _variant("with dim", _with_dim_samples), ref=_max_dim_ref(np.min, np.argmin),
           torch_fn=lambda x, *a, **k: tuple(x.min(*a, **k)), dtypes=_WITH_INTS, covers=("min_dim",)),
    OpInfo("max", pyautograd.max, _variant("binary", _binary_samples), ref=np.maximum,
           torch_fn=lambda x, y: x.max(y), covers=("maximum",)),
    OpInfo("min", pyautograd.min, _variant("binary", _binary_samples), ref=np.minimum,
           torch_fn=lambda x, y: x.min(y), covers=("minimum",)),
    OpInfo("amax", pyautograd.amax, _amax_samples, ref=_amax_ref(np.max),
           torch_fn=lambda x, *a, **k: x.amax(*a, **k), dtypes=_WITH_INTS, covers=("amax",)),
    OpInfo("amin", pyautograd.amin, _amax_samples, ref=_amax_ref(np.min),
           torch_fn=lambda x, *a, **k: x.amin(*a, **k), dtypes=_WITH_INTS, covers=("amin",)),
    OpInfo("argmax", pyautograd.argmax, _arg_samples, ref=_arg_ref(np.argmax),
           torch_fn=lambda x, *a, **k: x.argmax(*a, **k), dtypes=_WITH_INTS, supports_autograd=False,
           supports_gradgrad=False, covers=("argmax",)),
    OpInfo("argmin", pyautograd.argmin, _arg_samples, ref=_arg_ref(np.argmin),
           torch_fn=lambda x, *a, **k: x.argmin(*a, **k), dtypes=_WITH_INTS, supports_autograd=False,
           supports_gradgrad=False, covers=("argmin",)),
    OpInfo("var", pyautograd.var, _moment_samples, ref=_moment_ref(lambda v: v),
           torch_fn=lambda x, *a, **k: x.var(*a, **k), tolerances=_F32_LOOSE, covers=("var",)),
    OpInfo("std", pyautograd.std, _moment_samples, ref=_moment_ref(np.sqrt),
           torch_fn=lambda x, *a, **k: x.std(*a, **k), tolerances=_F32_LOOSE, covers=("std",)),
    OpInfo("norm", pyautograd.norm, _norm_samples, ref=_norm_ref,
           torch_fn=lambda x, *a, **k: x.norm(*a, **k), tolerances=_F32_LOOSE, covers=("linalg_vector_norm",)),
    OpInfo("logsumexp", pyautograd.logsumexp, _lse_samples, ref=_lse_ref,
           torch_fn=lambda x, *a, **k: x.logsumexp(*a, **k), tolerances=_F32_LOOSE, covers=("logsumexp",)),
    OpInfo("softmax", pyautograd.softmax, _softmax_samples, ref=_softmax_ref(False),
           torch_fn=lambda x, dim: x.softmax(dim), tolerances=_F32_LOOSE,
           covers=("_softmax", "_softmax_backward_data")),
    OpInfo("log_softmax", pyautograd.log_softmax, _softmax_samples, ref=_softmax_ref(True),
           torch_fn=lambda x, dim: x.log_softmax(dim), tolerances=_F32_LOOSE,
           covers=("_log_softmax", "_log_softmax_backward_data")),
    OpInfo("all", pyautograd.all, _truth_samples, ref=_truth_ref(np.all),
           torch_fn=lambda x, *a, **k: x.all(*a, **k), dtypes=_FLOATS + (np.int64, np.uint8, np.bool_),
           supports_autograd=False, supports_gradgrad=False, covers=("all",)),
    OpInfo("any", pyautograd.any, _truth_samples, ref=_truth_ref(np.any),
           torch_fn=lambda x, *a, **k: x.any(*a, **k), dtypes=_FLOATS + (np.int64, np.uint8, np.bool_),
           supports_autograd=False, supports_gradgrad=False, covers=("any",)),
    # equal and allclose return Python bools (as PyTorch's); the entries wrap them in a tensor
    # so the generic runners compare values.
    OpInfo("equal", lambda a, b: pyautograd.tensor(pyautograd.equal(a, b)), _equal_samples,
           ref=lambda a, b: np.asarray(_equal_ref(a, b)),
           torch_fn=lambda a, b: __import__("torch").tensor(a.equal(b)), dtypes=_WITH_INTS,
           supports_autograd=False, supports_gradgrad=False),
    OpInfo("isclose", pyautograd.isclose, _close_samples, ref=np.isclose,
           torch_fn=lambda a, b, **k: a.isclose(b, **k), dtypes=_WITH_INTS,
           supports_autograd=False, supports_gradgrad=False),
    OpInfo("allclose", lambda a, b, **k: pyautograd.tensor(pyautograd.allclose(a, b, **k)), _close_samples,
           ref=lambda a, b, **k: np.asarray(bool(np.allclose(a, b, **k))),
           torch_fn=lambda a, b, **k: __import__("torch").tensor(a.allclose(b, **k)), dtypes=_WITH_INTS,
           supports_autograd=False, supports_gradgrad=False),
    OpInfo("vector_norm", pyautograd.linalg.vector_norm, _vector_norm_samples,
           ref=_vector_norm_ref,
           torch_fn=lambda x, *a, **k: __import__("torch").linalg.vector_norm(x, *a, **k),
           tolerances=_F32_LOOSE, covers=("linalg_vector_norm",)),
]


# -- sum, mean (the accumulating reductions) ---------------------------------------------------------

F32, F64, I64 = np.float32, np.float64, np.int64
# Sums and products accumulate in an order that differs between NumPy, C and PyTorch.
_ACCUMULATE_TOL = {"float32": (1e-5, 1e-5), "float64": (1e-12, 1e-10)}


def _torch():
    import torch
    return torch


def _dtype_of(lib, name):
    return None if name is None else getattr(lib, name)


def _reduction_samples(allow_dtype):
    def gen(dtype, rng):
        def arg(shape, **kw):
            return make_arg(shape, dtype, rng, **kw)
        out = [SampleInput((arg((2, 3)),), desc="all"),
               SampleInput((arg((2, 3)),), {"dim": 1}, "dim 1"),
               SampleInput((arg((2, 3, 2)),), {"dim": (0, 2), "keepdim": True}, "dims (0, 2) keepdim"),
               SampleInput((arg((2, 3)),), {"dim": -1, "keepdim": True}, "dim -1 keepdim"),
               SampleInput((arg(()),), desc="0-d"),
               SampleInput((arg(()),), {"dim": 0}, "0-d dim 0"),
               SampleInput((arg((3, 2), noncontig=True),), {"dim": 0}, "noncontig"),
               SampleInput((arg((0, 3)),), {"dim": 0}, "empty dim"),
               SampleInput((arg((0, 3)),), desc="empty all")]
        if allow_dtype and np.dtype(dtype) != np.float64:
            out.append(SampleInput((arg((2, 3)),), {"dim": 1, "dtype": "float64"}, "dtype float64"))
        return out
    return gen


def _np_reduce(fn):
    def ref(x, dim=None, keepdim=False, dtype=None):
        axis = None if x.ndim == 0 else dim
        if dtype is None and x.dtype.kind in "biu" and fn in (np.sum, np.nansum):
            dtype = "int64"
        with np.errstate(invalid="ignore", divide="ignore"), warnings.catch_warnings():
            warnings.simplefilter("ignore", RuntimeWarning)  # the mean of nothing is nan, as in PyTorch
            out = fn(x, axis=axis, keepdims=keepdim, dtype=dtype)
        return np.asarray(out)
    return ref


def _call_reduction(lib_fn, lib):
    def call(x, dim=None, keepdim=False, dtype=None):
        return lib_fn(x, dim, keepdim, dtype=_dtype_of(lib, dtype)) if dim is not None else \
            lib_fn(x, dtype=_dtype_of(lib, dtype))
    return call


OPS += [
    OpInfo("sum", _call_reduction(P.sum, P), _reduction_samples(True), ref=_np_reduce(np.sum),
           torch_fn=lambda *a, **k: _call_reduction(_torch().sum, _torch())(*a, **k), dtypes=(F32, F64, I64),
           tolerances=_ACCUMULATE_TOL, covers=("sum_all", "sum_dim")),
    OpInfo("mean", _call_reduction(P.mean, P), _reduction_samples(True), ref=_np_reduce(np.mean),
           torch_fn=lambda *a, **k: _call_reduction(_torch().mean, _torch())(*a, **k),
           tolerances=_ACCUMULATE_TOL, covers=("mean_all", "mean_dim")),
]




def _with_nan(samples, empty=True):
    """`samples`, with one NaN in each floating input of more than one element (without the empty
    ones unless `empty`)."""
    def gen(dtype, rng):
        out = []
        for s in samples(dtype, rng):
            if not empty and s.desc.startswith("empty"):
                continue
            x = s.args[0]
            if x.dtype.kind == "f" and x.size > 1:
                x = x.copy()
                x.reshape(-1)[1] = np.nan
            out.append(SampleInput((x,) + tuple(s.args[1:]), s.kwargs, s.desc))
        return out
    return gen


def _np_nanmean(x, dim=None, keepdim=False, dtype=None):
    axis = None if x.ndim == 0 else dim
    with np.errstate(invalid="ignore", divide="ignore"), warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        return np.asarray(np.nanmean(x, axis=axis, keepdims=keepdim, dtype=dtype))


OPS += [
    OpInfo("nansum", _call_reduction(P.nansum, P), _with_nan(_reduction_samples(True)), ref=_np_reduce(np.nansum),
           torch_fn=lambda *a, **k: _call_reduction(_torch().nansum, _torch())(*a, **k), dtypes=(F32, F64, I64),
           tolerances=_ACCUMULATE_TOL),
    # no empty samples: the mean of nothing divides by a count of 0, so its double backward is NaN (as PyTorch's)
    OpInfo("nanmean", _call_reduction(P.nanmean, P), _with_nan(_reduction_samples(True), empty=False),
           ref=_np_nanmean,
           torch_fn=lambda *a, **k: _call_reduction(_torch().nanmean, _torch())(*a, **k),
           tolerances=_ACCUMULATE_TOL),
]


def _aminmax_samples(dtype, rng):
    x = make_arg((2, 3), dtype, rng)
    tied = x.copy()
    tied[0, 1] = tied[0, 2] = tied[0].max() + 1  # a tie for the max: the gradient is shared
    return [SampleInput((x,), desc="all"), SampleInput((x,), {"dim": 1}, "dim 1"),
            SampleInput((x,), {"dim": -2, "keepdim": True}, "dim -2 keepdim"),
            SampleInput((make_arg((), dtype, rng),), {"dim": 0}, "0-d"),
            SampleInput((tied,), {"dim": 1}, "tie", skip_gradcheck="a tie is a kink: the gradient is PyTorch's "
                                                                 "convention (shared)")]


def _aminmax_ref(x, dim=None, keepdim=False):
    axis = None if x.ndim == 0 else dim
    return (np.asarray(np.amin(x, axis=axis, keepdims=keepdim)), np.asarray(np.amax(x, axis=axis, keepdims=keepdim)))


OPS.append(OpInfo("aminmax", lambda x, **k: P.aminmax(x, **k), _aminmax_samples, ref=_aminmax_ref,
                  torch_fn=lambda x, **k: _torch().aminmax(x, **k), dtypes=(F32, F64, I64)))
