"""PyTorch's checkpoint format (``torch.save``'s zip), read and written without PyTorch.

A torch.save file is a zip whose ``<name>/data.pkl`` is a pickle of the object, with every
tensor's storage in ``<name>/data/<key>``. Reading it never trusts the pickle: a restricted
unpickler admits only the globals a weights file needs (PyTorch's tensor and parameter rebuild
functions, storage types, OrderedDict, torch.Size, bytes via ``_codecs.encode``) and refuses any
other without importing or calling it. Every storage's declared size is checked against its
zip entry (uncompressed, inside the archive) before it is read, and every tensor's offset, size
and strides against its storage, so a file cannot make us read past a buffer or allocate more
than it holds.

Writing (``pyautograd.save(obj, f, _use_torch_format=True)``) emits the same pickle opcodes
``torch.save`` does for state_dicts (tensors, dicts, OrderedDicts, lists, tuples, numbers,
strings, None), which ``torch.load(f, weights_only=True)`` accepts.
"""
import collections
import io
import os
import pickle
import struct
import zipfile

import numpy as np

from . import _dtype
from ._tensor import Tensor

# storage class name in the pickle -> NumPy dtype name (bfloat16 needs pyautograd's bfloat16)
_STORAGES = {"FloatStorage": "float32", "DoubleStorage": "float64", "HalfStorage": "float16",
             "BFloat16Storage": "bfloat16", "LongStorage": "int64", "IntStorage": "int32",
             "ShortStorage": "int16", "CharStorage": "int8", "ByteStorage": "uint8", "BoolStorage": "bool",
             "ComplexFloatStorage": "complex64", "ComplexDoubleStorage": "complex128"}
_STORAGE_OF = {dtype: name for name, dtype in _STORAGES.items()}


def is_torch_zip(zf):
    """True when an open ZipFile is a torch.save archive (it has <name>/data.pkl)."""
    return any(n.endswith("/data.pkl") and n.count("/") == 1 for n in zf.namelist())


class _StorageType:
    """What the pickle's ``torch.FloatStorage`` (etc.) global stands for: a dtype name."""

    def __init__(self, dtype):
        self.dtype = dtype


def _rebuild_tensor(storage, offset, size, stride, requires_grad=False, backward_hooks=None, metadata=None):
    array, dtype = storage
    size, stride = tuple(int(s) for s in size), tuple(int(s) for s in stride)
    if len(size) != len(stride) or any(s < 0 for s in size) or any(s < 0 for s in stride) or offset < 0:
        raise RuntimeError(f"torch checkpoint: a tensor has an invalid layout (offset {offset}, size {size}, "
                           f"stride {stride})")
    last = offset + sum((n - 1) * s for n, s in zip(size, stride)) if all(size) else offset - 1
    if last >= array.size:
        raise RuntimeError(f"torch checkpoint: a tensor of size {size}, stride {stride} at offset {offset} reaches "
                           f"element {last} of a storage of {array.size} elements")
    if all(size):
        view = np.lib.stride_tricks.as_strided(array[offset:], size, tuple(s * array.itemsize for s in stride),
                                               writeable=False)
        values = np.array(view)
    else:
        values = np.empty(size, array.dtype)
    if requires_grad and not np.issubdtype(values.dtype, np.floating) and dtype != "bfloat16":
        raise RuntimeError(f"torch checkpoint: an integer tensor ({dtype}) is marked requires_grad")
    t = Tensor._wrap(values)
    if requires_grad:
        t.requires_grad_(True)
    return t


def _rebuild_parameter(data, requires_grad, backward_hooks, state=None):
    # A Parameter comes back as a plain tensor that requires grad, as pyautograd.load returns them.
    if requires_grad and not data.requires_grad:
        data.requires_grad_(True)
    return data


def _codecs_encode(text, encoding="latin1"):
    # Protocol-2 pickles spell bytes as _codecs.encode(str, "latin1").
    if not isinstance(text, str) or encoding not in ("latin1", "latin-1"):
        raise pickle.UnpicklingError("torch checkpoint: _codecs.encode is only admitted for latin1 bytes")
    return text.encode("latin1")


def _allowed():
    table = {("collections", "OrderedDict"): collections.OrderedDict,
             ("torch._utils", "_rebuild_tensor_v2"): _rebuild_tensor,
             ("torch._utils", "_rebuild_parameter"): _rebuild_parameter,
             ("torch._utils", "_rebuild_parameter_with_state"): _rebuild_parameter,
             ("torch", "Size"): tuple,
             ("_codecs", "encode"): _codecs_encode,
             ("builtins", "set"): set, ("builtins", "frozenset"): frozenset, ("builtins", "slice"): slice}
    for (module, name), target in list(table.items()):
        if module == "builtins":  # protocol-2 pickles spell the module "__builtin__"
            table[("__builtin__", name)] = target
    for name, dtype in _STORAGES.items():
        table[("torch", name)] = _StorageType(dtype)
    return table


_ALLOWED = _allowed()


class _Unpickler(pickle.Unpickler):
    def __init__(self, data, zf, prefix, source):
        super().__init__(io.BytesIO(data))
        self.zf, self.prefix, self.source = zf, prefix, source
        self.storages = {}

    def find_class(self, module, name):
        try:
            return _ALLOWED[(module, name)]
        except KeyError:
            raise pickle.UnpicklingError(
                f"{self.source}: the checkpoint's pickle names {module}.{name}, which a weights file does not need; "
                f"refused without importing it (only tensors, containers and primitive values are loaded from "
                f"PyTorch files)") from None

    def persistent_load(self, pid):
        if not (isinstance(pid, tuple) and len(pid) == 5 and pid[0] == "storage"
                and isinstance(pid[1], _StorageType)):
            raise pickle.UnpicklingError(f"{self.source}: unexpected persistent id {pid!r:.80}")
        _, kind, key, _location, numel = pid
        key = str(key)
        if key not in self.storages:
            self.storages[key] = (self._read_storage(kind.dtype, key, int(numel)), kind.dtype)
        return self.storages[key]

    def _read_storage(self, dtype, key, numel):
        np_dtype = _numpy_dtype(dtype, self.source)
        name = f"{self.prefix}/data/{key}"
        try:
            info = self.zf.getinfo(name)
        except KeyError:
            raise RuntimeError(f"{self.source}: storage {key!r} is missing from the archive") from None
        want = numel * np_dtype.itemsize
        if info.compress_type != zipfile.ZIP_STORED:
            raise RuntimeError(f"{self.source}: storage {key!r} is compressed; torch.save never compresses, "
                               f"so the file was altered")
        if numel < 0 or info.file_size != want:
            raise RuntimeError(f"{self.source}: storage {key!r} declares {numel} elements of {dtype} ({want} "
                               f"bytes) but its entry holds {info.file_size} bytes")
        raw = self.zf.read(name)
        return np.frombuffer(raw, dtype=np_dtype.newbyteorder("<")).astype(np_dtype, copy=False)


def _numpy_dtype(dtype, source):
    if dtype == "bfloat16":
        if not hasattr(_dtype, "bfloat16"):
            raise RuntimeError(f"{source}: the checkpoint holds bfloat16 tensors, which this pyautograd "
                               f"cannot represent")
        return np.dtype(_dtype.bfloat16.numpy_dtype)
    return np.dtype(dtype)


def load_zip(zf, source):
    """Loads the object of an open torch.save ZipFile (restricted unpickling, checked storages)."""
    pkl = [n for n in zf.namelist() if n.endswith("/data.pkl") and n.count("/") == 1]
    if len(pkl) != 1:
        raise RuntimeError(f"{source}: expected one data.pkl in the torch archive, found {len(pkl)}")
    prefix = pkl[0][:-len("/data.pkl")]
    order = zf.read(f"{prefix}/byteorder").decode() if f"{prefix}/byteorder" in zf.namelist() else "little"
    if order != "little":
        raise RuntimeError(f"{source}: a big-endian torch checkpoint; load and re-save it on a little-endian "
                           f"machine with PyTorch")
    try:
        return _Unpickler(zf.read(pkl[0]), zf, prefix, source).load()
    except pickle.UnpicklingError as exc:
        raise RuntimeError(str(exc)) from None


# -- writing ----------------------------------------------------------------------------------


class _Writer:
    """Emits protocol-2 pickle opcodes for a state_dict-like object, as torch.save does."""

    def __init__(self):
        self.out = io.BytesIO()
        self.storages = []  # arrays, in key order

    def op(self, code, payload=b""):
        self.out.write(code + payload)

    def global_(self, module, name):
        self.op(pickle.GLOBAL, f"{module}\n{name}\n".encode())

    def emit(self, obj):
        if obj is None:
            self.op(pickle.NONE)
        elif obj is True or obj is False:
            self.op(pickle.NEWTRUE if obj else pickle.NEWFALSE)
        elif isinstance(obj, int):
            self._int(obj)
        elif isinstance(obj, float):
            self.op(pickle.BINFLOAT, struct.pack(">d", obj))
        elif isinstance(obj, str):
            data = obj.encode("utf-8")
            self.op(pickle.BINUNICODE, struct.pack("<I", len(data)) + data)
        elif isinstance(obj, Tensor):
            self._tensor(obj)
        elif isinstance(obj, (dict, collections.OrderedDict)):
            if isinstance(obj, collections.OrderedDict):
                self.global_("collections", "OrderedDict")
                self.op(pickle.EMPTY_TUPLE)
                self.op(pickle.REDUCE)
            else:
                self.op(pickle.EMPTY_DICT)
            if obj:
                self.op(pickle.MARK)
                for k, v in obj.items():
                    self.emit(k)
                    self.emit(v)
                self.op(pickle.SETITEMS)
        elif isinstance(obj, list):
            self.op(pickle.EMPTY_LIST)
            if obj:
                self.op(pickle.MARK)
                for v in obj:
                    self.emit(v)
                self.op(pickle.APPENDS)
        elif isinstance(obj, tuple):
            self.op(pickle.MARK)
            for v in obj:
                self.emit(v)
            self.op(pickle.TUPLE)
        else:
            raise TypeError(f"save(_use_torch_format=True): cannot write a {type(obj).__name__} in PyTorch's format "
                            f"(tensors, dicts, lists, tuples, numbers, strings and None only)")

    def _int(self, n):
        if 0 <= n < 256:
            self.op(pickle.BININT1, bytes([n]))
        elif -(1 << 31) <= n < (1 << 31):
            self.op(pickle.BININT, struct.pack("<i", n))
        else:
            data = n.to_bytes((n.bit_length() + 8) // 8, "little", signed=True)
            self.op(pickle.LONG1, bytes([len(data)]) + data)

    def _tensor(self, t):
        array = np.ascontiguousarray(t.detach().numpy())
        dtype = str(t.dtype).replace("torch.", "").replace("pyautograd.", "")
        dtype = array.dtype.name if dtype not in _STORAGE_OF else dtype
        if dtype not in _STORAGE_OF:
            raise TypeError(f"save(_use_torch_format=True): no PyTorch storage for dtype {t.dtype}")
        key = str(len(self.storages))
        self.storages.append(array)
        self.global_("torch._utils", "_rebuild_tensor_v2")
        self.op(pickle.MARK)
        self.op(pickle.MARK)
        for item in ("storage",):
            self.emit(item)
        self.global_("torch", _STORAGE_OF[dtype])
        self.emit(key)
        self.emit("cpu")
        self.emit(int(array.size))
        self.op(pickle.TUPLE)
        self.op(pickle.BINPERSID)
        self.emit(0)
        self.emit(tuple(int(s) for s in array.shape))
        strides = tuple(s // array.itemsize for s in array.strides) if array.size else (0,) * array.ndim
        self.emit(strides)
        self.emit(bool(t.requires_grad))
        self.global_("collections", "OrderedDict")
        self.op(pickle.EMPTY_TUPLE)
        self.op(pickle.REDUCE)
        self.op(pickle.TUPLE)
        self.op(pickle.REDUCE)


def save_zip(obj, out, name="archive"):
    """Writes `obj` as a torch.save archive into the binary file object `out`."""
    w = _Writer()
    w.op(pickle.PROTO, b"\x02")
    w.emit(obj)
    w.op(pickle.STOP)
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_STORED) as zf:
        zf.writestr(f"{name}/data.pkl", w.out.getvalue())
        zf.writestr(f"{name}/byteorder", "little")
        for key, array in enumerate(w.storages):
            zf.writestr(f"{name}/data/{key}", array.astype(array.dtype.newbyteorder("<"), copy=False).tobytes())
        zf.writestr(f"{name}/version", "3\n")
        zf.writestr(f"{name}/.data/serialization_id", "0" * 40)


def archive_name(path):
    """The record name torch.save uses: the file name without its extension."""
    base = os.path.splitext(os.path.basename(os.fspath(path)))[0] if isinstance(path, (str, os.PathLike)) else ""
    return base or "archive"
