"""Whole-object checkpoints: ``save`` of any picklable object, and ``load``'s two ways to read it.

``serialization.save`` writes state dicts (tensors, containers, plain values) as a zip of .npy
files plus a JSON manifest, as always. An object that layout cannot describe (a whole Module, a
dict holding custom classes) is written here instead, as the same kind of zip::

    manifest.json     {"format": "pyautograd.pickle", "version": 1}
    data.pkl          the object, pickled; each Tensor/Parameter is a reference to an array
    arrays/<n>.npy    one array per distinct tensor, written with allow_pickle=False

Loading it is safe by default (``weights_only=True``, PyTorch's default since 2.6): a restricted
unpickler rebuilds tensors, containers and primitive values, and refuses any other class or
function *before* touching it, with an error naming it and how to allow it
(``add_safe_globals`` / ``safe_globals``). ``weights_only=False`` unpickles anything, which runs
code the file names: only for files from a trusted source.

Tensors that were one object when saved are one object when loaded; views of a common storage
come back as separate tensors.
"""
import collections
import contextlib
import io
import pickle

import codecs

import numpy as np

from . import _dtype, _size, _tensor
from ._device import device
from ._tensor import Tensor
from .graph.hooks import HookTable
from .nn.parameter import Parameter

__all__ = ["PICKLE_FORMAT", "is_pickled", "write_pickled", "load_pickled", "add_safe_globals",
           "clear_safe_globals", "get_safe_globals", "safe_globals"]

PICKLE_FORMAT = "pyautograd.pickle"
VERSION = 1
# data.pkl is read into memory whole: refuse absurd sizes before decompressing
MAX_PICKLE_BYTES = 1 << 30

_user_safe_globals = []


def add_safe_globals(safe_globals):
    """Allows these classes/functions under ``load(weights_only=True)``.

    Args:
        safe_globals: a list of objects, or of ``(object, "module.qualname")`` pairs to allow an
            object under another name.
    """
    _user_safe_globals.extend(safe_globals)


def clear_safe_globals():
    """Forgets every global added by add_safe_globals."""
    _user_safe_globals.clear()


def get_safe_globals():
    """The globals added by add_safe_globals (a copy)."""
    return list(_user_safe_globals)


@contextlib.contextmanager
def safe_globals(globals_list):
    """Allows these globals under ``load(weights_only=True)`` inside the ``with`` block only."""
    saved = list(_user_safe_globals)
    add_safe_globals(globals_list)
    try:
        yield
    finally:
        _user_safe_globals[:] = saved


def _builtin_allowed():
    """The globals weights_only=True always allows: containers, primitive types, tensor rebuilding."""
    allowed = {
        ("collections", "OrderedDict"): collections.OrderedDict,
        ("collections", "Counter"): collections.Counter,
        ("builtins", "set"): set, ("builtins", "frozenset"): frozenset, ("builtins", "complex"): complex,
        ("builtins", "bytearray"): bytearray, ("builtins", "slice"): slice, ("builtins", "range"): range,
        ("_codecs", "encode"): codecs.encode,  # bytes under pickle protocol 2
        ("pyautograd._tensor", "rebuild_tensor"): _tensor.rebuild_tensor,
        ("pyautograd._tensor", "Tensor"): Tensor,
        ("pyautograd.nn.parameter", "Parameter"): Parameter,
        ("pyautograd._dtype", "_by_name"): _dtype._by_name,
        ("pyautograd._size", "Size"): _size.Size,
        ("pyautograd.graph.hooks", "HookTable"): HookTable,  # a Module's (empty) hook tables: a dict
        ("pyautograd._device", "device"): device,
    }
    return allowed


def _user_allowed():
    allowed = {}
    for entry in _user_safe_globals:
        obj, name = entry if isinstance(entry, tuple) else (entry, None)
        if name is None:
            name = f"{obj.__module__}.{obj.__qualname__}"
        module, _, qualname = name.rpartition(".")
        allowed[(module, qualname)] = obj
    return allowed


def is_pickled(manifest):
    """Whether a parsed manifest.json is this module's format."""
    return isinstance(manifest, dict) and manifest.get("format") == PICKLE_FORMAT


class _Pickler(pickle.Pickler):
    """Pickles tensors as references to arrays written beside data.pkl (one per distinct tensor)."""

    def __init__(self, file, arrays):
        super().__init__(file, protocol=4)
        self.arrays = arrays
        self.seen = {}

    def persistent_id(self, obj):
        if not isinstance(obj, Tensor) or type(obj).__name__ not in ("Tensor", "Parameter"):
            return None
        index = self.seen.get(id(obj))
        if index is None:
            data = np.ascontiguousarray(obj._data)
            if data.dtype.hasobject:
                return None
            self.arrays.append(data)
            index = self.seen[id(obj)] = len(self.arrays) - 1
        return ("tensor", type(obj).__name__, index, bool(obj.requires_grad))


def write_pickled(obj):
    """`obj` in the pickle format: (manifest dict, data.pkl bytes, arrays), for serialization's
    zip writer. Raises TypeError naming the object's type when it cannot be pickled."""
    arrays, buf = [], io.BytesIO()
    try:
        _Pickler(buf, arrays).dump(obj)
    except (pickle.PicklingError, AttributeError, TypeError) as e:
        raise TypeError(f"save: cannot save an object of type {type(obj).__name__}: it is not picklable ({e})") \
            from None
    return {"format": PICKLE_FORMAT, "version": VERSION}, buf.getvalue(), arrays


class _Loader:
    """Unpickles data.pkl of an open archive, rebuilding tensors from its arrays."""

    def __init__(self, zf, name, read_array):
        self.zf, self.name, self.read_array = zf, name, read_array
        self.tensors = {}

    def tensor(self, pid):
        if not (isinstance(pid, tuple) and len(pid) == 4 and pid[0] == "tensor" and pid[1] in ("Tensor", "Parameter")
                and isinstance(pid[2], int) and isinstance(pid[3], bool)):
            raise pickle.UnpicklingError(f"load: {self.name} has an invalid tensor reference {pid!r}")
        _, kind, index, requires_grad = pid
        if index not in self.tensors:
            data = self.read_array(index, self.zf, self.name)
            if kind == "Parameter":
                t = Parameter(Tensor._make(data, False), requires_grad)
            else:
                t = Tensor._make(data, requires_grad)
            self.tensors[index] = t
        return self.tensors[index]


def _unpickler(file, loader, weights_only):
    base = pickle.Unpickler
    allowed = {**_builtin_allowed(), **_user_allowed()} if weights_only else None

    class Unpickler(base):
        def persistent_load(self, pid):
            return loader.tensor(pid)

        def find_class(self, module, name):
            if allowed is None:
                return super().find_class(module, name)
            obj = allowed.get((module, name))
            if obj is None:
                raise pickle.UnpicklingError(_refusal(loader.name, module, name))
            return obj
    return Unpickler(file)


def _refusal(file_name, module, name):
    full = f"{module}.{name}"
    return (f"Weights only load failed for {file_name}: it names the global {full}, which is not an allowed "
            f"global by default, so it was refused without being imported or called.\n"
            f"If you trust this class/function, allow it with `torch.serialization.add_safe_globals([{full}])` or "
            f"the `with torch.serialization.safe_globals([{full}]):` context manager, or, only if you trust the "
            f"whole file (it can run arbitrary code), load it with weights_only=False.")


def load_pickled(zf, name, weights_only, read_array):
    """Unpickles the object of an open pickle-format archive (read_array reads arrays/<n>.npy)."""
    try:
        info = zf.getinfo("data.pkl")
    except KeyError:
        raise RuntimeError(f"load: {name} is a pyautograd.pickle archive without data.pkl") from None
    if info.file_size > MAX_PICKLE_BYTES:
        raise RuntimeError(f"load: {name} declares a data.pkl of {info.file_size} bytes "
                           f"(more than the {MAX_PICKLE_BYTES} allowed)")
    with zf.open(info) as raw:
        payload = raw.read(MAX_PICKLE_BYTES + 1)
    if len(payload) > MAX_PICKLE_BYTES:
        raise RuntimeError(f"load: {name} has a data.pkl larger than {MAX_PICKLE_BYTES} bytes")
    loader = _Loader(zf, name, read_array)
    return _unpickler(io.BytesIO(payload), loader, weights_only).load()
