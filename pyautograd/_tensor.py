"""Tensor: an ndarray plus autograd metadata, with PyTorch's attributes and semantics.

Storage is a NumPy array (``_data``). Autograd metadata lives in slots:
``_rg`` (requires grad: set on leaves by the user, on op outputs by the
graph), ``grad_fn``/``_output_nr`` (the producing node and which of its
outputs this is), ``_grad``, the storage's version counter ``_vc`` (created
lazily, shared with views), ``_base`` for views, and the leaf's
AccumulateGrad node held weakly (``_acc``), so a leaf never keeps its graph
alive. Tensor sits below the graph and the ops: it imports only dtypes, sizes,
devices, printing and version counters. Its graph methods (backward, hooks,
retain_grad) are installed by the graph core (graph/tensor_methods.py), its
operator methods by the op declarations (ops/), not written here.
"""
import warnings

import numpy as np

from . import _dtype, _errors
from ._device import cpu
from ._size import Size
from ._tensor_str import format_tensor
from ._version_counter import VersionCounter

_NONLEAF_GRAD_WARNING = (
    "The .grad attribute of a Tensor that is not a leaf Tensor is being accessed. Its .grad "
    "attribute won't be populated during autograd.backward(). If you indeed want the .grad field "
    "to be populated for a non-leaf Tensor, use .retain_grad() on the non-leaf Tensor. If you "
    "access the non-leaf Tensor by mistake, make sure you access the leaf Tensor instead.")


# channels_last layouts' dims from the fastest-moving in memory (C, then W, H, N), for
# is_contiguous(memory_format=...): the names are memory_format objects' (above this layer).
_CHANNELS_LAST_ORDER = {"channels_last": (1, 3, 2, 0), "channels_last_3d": (1, 4, 3, 2, 0)}


class Tensor:
    """A multi-dimensional array that can record operations for automatic differentiation.

    Create tensors with ``pyautograd.tensor(data, dtype=None, requires_grad=False)`` or the
    other factories (zeros, ones, randn, ...); see PyTorch's documentation for semantics.
    """

    __slots__ = ("_data", "_rg", "grad_fn", "_output_nr", "_grad", "_vc", "_base", "_view_rebase",
                 "__weakref__", "__dict__")

    # What few tensors ever set (leaves, hooked or retaining tensors) is not a slot: a class-level
    # default, read as quickly as a slot, that every tensor an op makes need not initialise.
    _acc = None            # a leaf's AccumulateGrad, held weakly
    _retains_grad = False
    _hooks = None          # HookTable of register_hook
    _post_acc_hooks = None

    __array_priority__ = 1000  # NumPy defers binary operators to us

    # -- construction -------------------------------------------------------------

    def __init__(self, *args, **kwargs):
        raise TypeError("use pyautograd.tensor(data) (or zeros, ones, empty, ...) to create a tensor")

    @classmethod
    def _make(cls, data, requires_grad=False):
        t = object.__new__(cls)
        t._data = data
        t._rg = requires_grad
        t.grad_fn = None
        t._output_nr = 0
        t._grad = None
        t._vc = None
        t._base = None
        t._view_rebase = 0
        return t

    @classmethod
    def _wrap(cls, data):
        """A tensor that does not require grad around an ndarray (no copy)."""
        return cls._make(data, False)

    @classmethod
    def _from_saved(cls, data, node, output_nr, counter):
        t = cls._make(data, True)
        t.grad_fn = node
        t._output_nr = output_nr
        t._vc = counter
        return t

    def _counter(self):
        """The storage's version counter (created on first need; views share their base's)."""
        vc = self._vc
        if vc is None:
            vc = self._vc = VersionCounter()
        return vc

    def _become_view_of(self, base):
        """Marks self as a view of `base`: same storage, same version counter."""
        root = base._base if base._base is not None else base
        self._base = root
        self._vc = root._counter()
        self._view_rebase = self._vc.rebases

    # -- metadata -------------------------------------------------------------------

    @property
    def shape(self):
        """The size of each dimension, as a torch.Size."""
        return Size(self._data.shape)

    def size(self, dim=None):
        """The shape (a torch.Size), or the size of dimension `dim`."""
        if dim is None:
            return Size(self._data.shape)
        return self._data.shape[self._dim(dim)]

    def _dim(self, dim):
        nd = self._data.ndim
        lo, hi = (-nd, nd - 1) if nd else (-1, 0)
        if not lo <= dim <= hi:
            raise IndexError(f"Dimension out of range (expected to be in range of [{lo}, {hi}], but got {dim})")
        return dim % nd if nd else 0

    @property
    def dtype(self):
        """The element type, e.g. torch.float32."""
        return _dtype.from_numpy(self._data.dtype)

    @property
    def ndim(self):
        """The number of dimensions."""
        return self._data.ndim

    def dim(self):
        """The number of dimensions."""
        return self._data.ndim

    def numel(self):
        """The number of elements."""
        return self._data.size

    nelement = numel

    def element_size(self):
        """Bytes per element."""
        return self._data.itemsize

    def stride(self, dim=None):
        """Strides in elements (a tuple), or the stride of dimension `dim`."""
        strides = tuple(s // self._data.itemsize for s in self._data.strides)
        return strides if dim is None else strides[self._dim(dim)]

    def is_contiguous(self, memory_format=None):
        """Whether the elements are laid out contiguously in row-major order, or in the order
        `memory_format` names: torch.channels_last (N, H, W, C) for a 4-d tensor,
        channels_last_3d for a 5-d one (any other rank: False), by PyTorch's rule, which skips
        dims of size 1."""
        name = getattr(memory_format, "name", None) if memory_format is not None else "contiguous_format"
        if name in ("contiguous_format", "preserve_format"):
            return self._data.flags.c_contiguous
        order = _CHANNELS_LAST_ORDER.get(name)
        if order is None:
            raise TypeError(f"is_contiguous(): argument 'memory_format' must be torch.memory_format, not "
                            f"{type(memory_format).__name__}")
        a = self._data
        if a.ndim != len(order):
            return False
        expected = a.itemsize
        for d in order:
            if a.shape[d] != 1:
                if a.strides[d] != expected:
                    return False
                expected *= a.shape[d]
        return True

    @property
    def device(self):
        """Always the CPU."""
        return cpu

    is_cuda = False

    def is_floating_point(self):
        """Whether the dtype is a floating point type (bfloat16's NumPy kind is "V")."""
        return _dtype.is_floating(self._data.dtype)

    def __len__(self):
        if self._data.ndim == 0:
            raise TypeError("len() of a 0-d tensor")
        return self._data.shape[0]

    def __hash__(self):
        return id(self)

    # -- autograd attributes ------------------------------------------------------------

    @property
    def is_leaf(self):
        """True for tensors the user created (and any tensor that does not require grad)."""
        return self.grad_fn is None

    @property
    def requires_grad(self):
        """Whether gradients are computed for this tensor (settable on leaves)."""
        return self._rg

    @requires_grad.setter
    def requires_grad(self, value):
        value = bool(value)
        if self.grad_fn is not None:
            if value:
                return
            raise RuntimeError(
                "you can only change requires_grad flags of leaf variables. If you want to use a "
                "computed variable in a subgraph that doesn't require differentiation use "
                "var_no_grad = var.detach().")
        if value and not _dtype.is_differentiable(self._data.dtype):
            raise RuntimeError(f"Only Tensors of floating point and complex dtype can require gradients "
                               f"(this tensor is {self.dtype}; convert it first, e.g. x.float())")
        self._rg = value

    def requires_grad_(self, requires_grad=True):
        """Sets requires_grad in place and returns self."""
        self.requires_grad = requires_grad
        return self

    @property
    def grad(self):
        """The accumulated gradient (leaves, and non-leaves after retain_grad())."""
        if self.grad_fn is not None and not self._retains_grad and self._grad is None:
            warnings.warn(f"{_NONLEAF_GRAD_WARNING} This tensor ({_errors.describe(self)}) is the output of "
                          f"{self.grad_fn.name()}, not a leaf: call .retain_grad() on it before backward() to "
                          "keep its gradient.", UserWarning, stacklevel=2)
        return self._grad

    @grad.setter
    def grad(self, value):
        if value is not None:
            if not isinstance(value, Tensor):
                raise TypeError(f"assigned grad expected to be a Tensor or None but got grad of type "
                                f"{type(value).__name__}")
            if value._data.dtype != self._data.dtype:
                raise RuntimeError(f"assigned grad has data of a different type: expected "
                                   f"{self.dtype}, got {value.dtype}")
            if value._data.shape != self._data.shape:
                raise RuntimeError(f"attempting to assign a gradient of size '{list(value._data.shape)}' to a "
                                   f"tensor of size '{list(self._data.shape)}'. Please ensure that the "
                                   "gradient and the tensor are the same size")
        self._grad = value

    @property
    def data(self):
        """A tensor sharing this one's storage, detached from the graph."""
        t = Tensor._make(self._data, False)
        t._vc = self._counter()
        return t

    @data.setter
    def data(self, value):
        if not isinstance(value, Tensor):
            raise TypeError(f"data must be a Tensor, got {type(value).__name__}")
        self._data = value._data

    @property
    def _version(self):
        """How many times the storage was modified in place."""
        return self._vc.value if self._vc is not None else 0

    def _is_view(self):
        """Whether this tensor is a view of another."""
        return self._base is not None

    def detach(self):
        """A new tensor sharing storage (and version counter) that does not require grad."""
        t = Tensor._make(self._data, False)
        t._vc = self._counter()
        return t

    def detach_(self):
        """Detaches this tensor from the graph in place (it becomes a leaf)."""
        if self._base is not None and self._base._rg:
            raise RuntimeError("Can't detach views in-place. Use detach() instead.")
        self.grad_fn = None
        self._rg = False
        return self

    @property
    def retains_grad(self):
        """Whether retain_grad() was called on this non-leaf tensor."""
        return self._retains_grad

    # -- conversion -----------------------------------------------------------------------

    def numpy(self, *, force=False):
        """The data as an ndarray sharing memory; refuses a tensor that requires grad."""
        if self._rg and not force:
            raise RuntimeError(self._numpy_refusal("numpy()"))
        return self._data

    def _numpy_refusal(self, caller):
        return ("Can't call numpy() on Tensor that requires grad. Use tensor.detach().numpy() instead.\n"
                f"The array was asked for by {caller}; the tensor is {_errors.role(self)} "
                f"({_errors.describe(self)}). An ndarray cannot carry the graph, so gradients would stop "
                "there silently.\nFix: t.detach().numpy() to read the values (no gradient flows back through "
                "them), t.item() for one number; to keep the gradient, compute with torch ops instead of NumPy.")

    def __array__(self, dtype=None, copy=None):
        if self._rg:
            raise RuntimeError(self._numpy_refusal("NumPy (np.asarray(t), a NumPy function given the tensor, or "
                                                   "a library that converts it, e.g. matplotlib)"))
        arr = self._data
        if dtype is not None and arr.dtype != dtype:
            return arr.astype(dtype)
        return arr.copy() if copy else arr

    def item(self):
        """The value of a one-element tensor as a Python number."""
        if self._data.size != 1:
            raise RuntimeError(f"a Tensor with {self._data.size} elements cannot be converted to Scalar")
        return self._data.reshape(()).item()

    def tolist(self):
        """The data as (nested) Python lists of numbers."""
        return self._data.tolist()

    def __float__(self):
        return float(self._scalar())

    def __int__(self):
        return int(self._scalar())

    def _scalar(self):
        """The value for int()/float(): PyTorch's ValueError there (item() raises RuntimeError)."""
        if self._data.size != 1:
            raise ValueError("only one element tensors can be converted to Python scalars")
        return self._data.reshape(()).item()

    def __index__(self):
        if self._data.dtype.kind not in "iub" or self._data.size != 1:
            raise TypeError("only integer tensors of a single element can be converted to an index")
        return int(self.item())

    def __bool__(self):
        if self._data.size != 1:
            raise RuntimeError("Boolean value of Tensor with more than one value is ambiguous")
        return bool(self._data.reshape(()).item())

    def __complex__(self):
        return complex(self.item())

    def __format__(self, spec):
        if self._data.ndim == 0:
            return format(self.item(), spec)
        return object.__format__(self, spec)

    def __repr__(self):
        fn = self.grad_fn
        return format_tensor(self._data, dtype_name=self.dtype.name,
                             default_float_name=_dtype.get_default_dtype().name,
                             requires_grad=self._rg and fn is None,
                             grad_fn_name=type(fn).__name__ if fn is not None else None)

    __str__ = __repr__

    def __dlpack__(self, *, stream=None, max_version=None, dl_device=None, copy=None):
        """A DLPack capsule sharing this tensor's memory (the producer side of from_dlpack)."""
        if self._rg:
            raise RuntimeError("Can't export tensors that require gradient, use tensor.detach()")
        kwargs = {"stream": stream}
        if max_version is not None:
            kwargs["max_version"] = max_version
        if dl_device is not None:
            kwargs["dl_device"] = dl_device
        if copy is not None:
            kwargs["copy"] = copy
        return self._data.__dlpack__(**kwargs)

    def __dlpack_device__(self):
        """(device type, device id) of this tensor's memory: (1, 0), the CPU."""
        return (1, 0)

    def __deepcopy__(self, memo):
        if self.grad_fn is not None:
            raise RuntimeError("Only Tensors created explicitly by the user (graph leaves) support "
                               "the deepcopy protocol at the moment")
        t = Tensor._make(self._data.copy(), self._rg)
        if self._grad is not None:
            t._grad = Tensor._make(self._grad._data.copy(), False)
        memo[id(self)] = t
        return t

    # -- pickling (training tools: DataLoader workers, whole-object torch.save) --
    def __reduce_ex__(self, protocol):
        """Pickles as rebuild_tensor(class, raw bytes, dtype, shape, requires_grad): only primitive
        arguments, so the weights_only loader can rebuild a tensor without NumPy's own pickling."""
        if self.grad_fn is not None and self._rg:
            raise RuntimeError("Cowardly refusing to serialize non-leaf tensor which requires_grad, since autograd "
                               "does not support crossing process boundaries.  If you just want to transfer the "
                               "data, call detach() on the tensor before serializing (e.g., putting it on the queue).")
        data = np.ascontiguousarray(self._data)
        return rebuild_tensor, (type(self), data.tobytes(), data.dtype.str, data.shape, bool(self._rg))


def rebuild_tensor(cls, raw, dtype, shape, requires_grad):
    """The tensor (or Parameter: `cls`) that Tensor.__reduce_ex__ pickled; validates sizes first."""
    if not (isinstance(cls, type) and issubclass(cls, Tensor)):
        raise TypeError(f"rebuild_tensor: {cls!r} is not a Tensor class")
    dtype = np.dtype(dtype)
    if dtype.kind not in "biufc":
        raise TypeError(f"rebuild_tensor: unsupported dtype {dtype}")
    shape = tuple(int(d) for d in shape)
    if any(d < 0 for d in shape) or len(raw) != int(np.prod(shape, dtype=np.int64)) * dtype.itemsize:
        raise ValueError(f"rebuild_tensor: {len(raw)} bytes do not hold shape {shape} of {dtype}")
    data = np.frombuffer(raw, dtype=dtype).reshape(shape).copy()
    return Tensor._make.__func__(cls, data, bool(requires_grad))

