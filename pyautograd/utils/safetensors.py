"""safetensors files with the API of ``safetensors.torch``, on the ``safetensors`` package.

``save_file``/``load_file`` (paths), ``save``/``load`` (bytes), ``safe_open`` (lazy, per
tensor), and ``save_model``/``load_model``. A file written by ``safetensors.torch.save_file``
loads here with equal values, and ours loads in PyTorch: the format is the same. A
safetensors file holds only a JSON header and raw little-endian arrays, so loading one never
runs code. Needs ``pip install "pyautograd[interop]"`` (the safetensors package).
bfloat16 tensors are stored as safetensors' BF16, as ``safetensors.torch`` stores them.
"""
import numpy as np

from .. import _dtype
from .._creation import from_numpy
from .._tensor import Tensor


def _backend():
    try:
        import safetensors
        import safetensors.numpy
    except ImportError as exc:
        raise ImportError("pyautograd.utils.safetensors needs the safetensors package: "
                          "pip install \"pyautograd[interop]\"") from exc
    return safetensors, safetensors.numpy


def _arrays(tensors, what):
    if not isinstance(tensors, dict):
        raise TypeError(f"{what}: expected a dict of name -> Tensor, got {type(tensors).__name__}")
    arrays, seen = {}, {}
    for name, t in tensors.items():
        if not isinstance(t, Tensor):
            raise TypeError(f"{what}: {name!r} is a {type(t).__name__}, not a Tensor")
        data = t.detach().numpy()
        base = data.base if data.base is not None else data
        if id(base) in seen and np.shares_memory(data, seen[id(base)][1]):
            raise RuntimeError(f"{what}: {name!r} shares memory with {seen[id(base)][0]!r}; safetensors stores "
                               f"each tensor once (as safetensors.torch refuses shared tensors): clone one of them, "
                               f"or use save_model, which drops tied duplicates")
        seen[id(base)] = (name, data)
        arrays[name] = np.ascontiguousarray(data)
    return arrays


def _tensors(arrays):
    return {name: from_numpy(np.array(a)) for name, a in arrays.items()}


def save_file(tensors, filename, metadata=None):
    """Writes a dict of tensors (and optional str -> str metadata) to a .safetensors file."""
    _, st_numpy = _backend()
    st_numpy.save_file(_arrays(tensors, "save_file"), filename, metadata=metadata)


def load_file(filename, device="cpu"):
    """The dict of tensors of a .safetensors file."""
    _check_device(device)
    _, st_numpy = _backend()
    return _tensors(st_numpy.load_file(filename))


def save(tensors, metadata=None):
    """The bytes of a safetensors file holding `tensors`."""
    _, st_numpy = _backend()
    return st_numpy.save(_arrays(tensors, "save"), metadata=metadata)


# safetensors' dtype names -> NumPy's (little-endian, the format's byte order). safetensors.numpy.load
# has no BF16 (its safe_open, which load_file uses, has), so load reads the deserialized views itself.
_SAFETENSORS_DTYPES = {"F64": "<f8", "F32": "<f4", "F16": "<f2", "BF16": "bfloat16", "I64": "<i8",
                       "I32": "<i4", "I16": "<i2", "I8": "i1", "U8": "u1", "BOOL": "?", "U64": "<u8", "U32": "<u4",
                       "U16": "<u2"}


def load(data):
    """The dict of tensors held by the bytes of a safetensors file."""
    safetensors, _ = _backend()
    arrays = {}
    for name, view in safetensors.deserialize(data):
        dtype = _SAFETENSORS_DTYPES.get(view["dtype"])
        if dtype == "bfloat16":  # loaded on first use
            dtype = _dtype.numpy_bfloat16()
        if dtype is None:
            raise TypeError(f"safetensors load: {name!r} has dtype {view['dtype']}, which pyautograd does not support")
        arrays[name] = np.frombuffer(view["data"], dtype=dtype).reshape(view["shape"])
    return _tensors(arrays)


def _check_device(device):
    if str(device) not in ("cpu", "cpu:0"):
        raise RuntimeError(f"safetensors: device {device!r} is not available; pyautograd runs on the CPU only")


class safe_open:  # noqa: N801 -- the name of safetensors' own API
    """Opens a safetensors file lazily: ``with safe_open(path, framework="pt") as f:
    f.keys(), f.get_tensor(name), f.get_slice(name)[...], f.metadata()``."""

    def __init__(self, filename, framework="pt", device="cpu"):
        _check_device(device)
        if framework not in ("pt", "torch", "numpy", "np"):
            raise ValueError(f"safe_open: framework {framework!r}; pyautograd opens files as 'pt' (tensors)")
        safetensors, _ = _backend()
        self._file = safetensors.safe_open(filename, framework="numpy")

    def __enter__(self):
        self._file.__enter__()
        return self

    def __exit__(self, *exc):
        return self._file.__exit__(*exc)

    def keys(self):
        """The tensor names, in file order."""
        return self._file.keys()

    def metadata(self):
        """The file's str -> str metadata (or None)."""
        return self._file.metadata()

    def get_tensor(self, name):
        """The named tensor, read from the file now."""
        return from_numpy(np.array(self._file.get_tensor(name)))

    def get_slice(self, name):
        """A lazy slice of the named tensor: index it to read only that part."""
        return _Slice(self._file.get_slice(name))


class _Slice:
    def __init__(self, inner):
        self._inner = inner

    def get_shape(self):
        return self._inner.get_shape()

    def __getitem__(self, key):
        return from_numpy(np.array(self._inner[key]))


def save_model(model, filename, metadata=None, force_contiguous=False):
    """Saves a Module's state_dict, keeping one of each group of tied (memory-sharing) tensors."""
    state = model.state_dict()
    kept, dropped = {}, []
    for name, t in state.items():
        data = t.detach().numpy()
        if any(np.shares_memory(data, other.detach().numpy()) for other in kept.values()):
            dropped.append(name)
            continue
        kept[name] = t
    save_file(kept, filename, metadata=metadata)
    return dropped


def load_model(model, filename, strict=True, device="cpu"):
    """Loads a .safetensors file into a Module (tied tensors dropped by save_model are not
    missing); returns (missing, unexpected) keys as safetensors.torch does."""
    state = load_file(filename, device)
    own = model.state_dict()
    tied = {name for name, t in own.items() if name not in state and any(
        np.shares_memory(t.detach().numpy(), own[k].detach().numpy()) for k in state if k in own)}
    missing = sorted(set(own) - set(state) - tied)
    unexpected = sorted(set(state) - set(own))
    if strict and (missing or unexpected):
        raise RuntimeError(f"Error(s) in loading state_dict for {type(model).__name__}: missing keys {missing}, "
                           f"unexpected keys {unexpected}")
    model.load_state_dict(state, strict=False)
    return missing, unexpected
