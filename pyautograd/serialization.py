"""save / load: a zip of .npy arrays plus a JSON manifest of the structure. Never pickle.

Loading a file therefore cannot run code, whoever wrote it. The archive holds::

    manifest.json     {"format": "pyautograd.save", "version": 1, "root": <node>}
    arrays/<n>.npy    one array per tensor or ndarray, written with allow_pickle=False

A .npy header cannot name bfloat16 (NumPy writes ml_dtypes' bfloat16 as the raw type "<V2"),
so the manifest lists the entries that hold bfloat16 as "bfloat16_arrays" (absent when none
does), and load views those 2-byte raw arrays as bfloat16.

A node is {"type": ...}: "none", "bool", "int", "float", "str" (with "value"), "tensor"
(with "array" and "requires_grad"), "ndarray" (with "array"), "list" / "tuple" (with
"items") and "dict" / "OrderedDict" (with "items" as [key node, value node] pairs, so
non-string keys and key order survive).
"""
import collections
import json
import os
import tempfile
import zipfile

import numpy as np

from . import _dtype, _pickle_io, torch_format
from ._archive_mmap import MappedZipFile
from ._pickle_io import add_safe_globals, clear_safe_globals, get_safe_globals, safe_globals  # noqa: F401
from ._tensor import Tensor

_FORMAT = "pyautograd.save"
_VERSION = 1
_MANIFEST = "manifest.json"


def save(obj, f, _use_torch_format=False):
    """Saves `obj` to `f`.

    Args:
        obj: a tensor, a state_dict, an optimizer's state_dict, or any nesting of dict,
            OrderedDict, list, tuple, Tensor, ndarray, int, float, str, bool and None: stored as
            .npy arrays plus a JSON manifest, never pickled. Any other picklable object (a whole
            Module, a dict holding custom classes) is pickled, its tensors stored as .npy arrays
            beside it; loading it back needs weights_only=False or allowed globals (see load).
        f: a path (written atomically: a temp file in the same directory, fsynced, then
            renamed over the target, so a crash leaves any old file intact) or a binary
            file object opened for writing.

        _use_torch_format: write PyTorch's own format instead (a torch.save zip, which
            ``torch.load(f, weights_only=True)`` reads): tensors, dicts, lists, tuples,
            numbers, strings and None.

    Example::

        torch.save(model.state_dict(), "model.pt")
    """
    if _use_torch_format:
        _save_torch_format(obj, f)
        return
    arrays, payload = [], None
    try:
        manifest = {"format": _FORMAT, "version": _VERSION, "root": _encode(obj, arrays, "obj")}
    except TypeError:  # not a state dict: the whole object, pickled (training tools, issue 15)
        manifest, payload, arrays = _pickle_io.write_pickled(obj)
    if not isinstance(f, (str, bytes, os.PathLike)):
        _write_zip(f, manifest, arrays, payload)
        return
    path = _write_target(os.fspath(f))
    directory = os.path.dirname(path)
    if not os.path.isdir(directory or "."):
        raise RuntimeError(f"Parent directory {directory} does not exist.")
    prefix = _tmp_prefix(path)
    _remove_stale_temps(directory, prefix)
    fd, tmp = tempfile.mkstemp(prefix=f"{prefix}{os.getpid()}-", suffix=".pt", dir=directory)
    try:
        os.fchmod(fd, _new_file_mode(path))
        with os.fdopen(fd, "wb") as out:
            _write_zip(out, manifest, arrays, payload)
            out.flush()
            os.fsync(out.fileno())
        os.replace(tmp, path)
    except BaseException:
        os.unlink(tmp)
        raise
    _fsync_directory(directory)


def _write_target(path):
    """The file a save to `path` writes: a symlink's target (as open(path, "wb") would), absolute."""
    return os.path.realpath(path) if os.path.islink(path) else os.path.abspath(path)


def _tmp_prefix(path):
    """Temp files of a save to `path` are named <prefix><pid>-<random>.pt in its directory."""
    return f".tmp-{os.path.basename(path)}."


def _remove_stale_temps(directory, prefix):
    """Deletes temp files a killed save to the same path left behind: those whose writer
    process (the pid in the name) is gone. A live writer's temp file is left alone."""
    try:
        names = os.listdir(directory)
    except OSError:
        return
    for name in names:
        if not (name.startswith(prefix) and name.endswith(".pt")):
            continue
        pid = name[len(prefix):].split("-", 1)[0]
        if not pid.isdigit() or _process_alive(int(pid)):
            continue
        try:
            os.unlink(os.path.join(directory, name))
        except OSError:
            pass


def _process_alive(pid):
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except (PermissionError, OverflowError, OSError):
        return True  # exists (another user's), or not ours to judge
    return True


def _new_file_mode(path):
    """The mode open(path, "wb") would give: the existing file's, else 0o666 less the umask
    (mkstemp creates 0o600, which would make every checkpoint private)."""
    try:
        return os.stat(path).st_mode & 0o7777
    except OSError:
        pass
    umask = os.umask(0o022)
    os.umask(umask)
    return 0o666 & ~umask


def _fsync_directory(directory):
    """Makes the rename durable: a crash right after save returns keeps the new file."""
    try:
        fd = os.open(directory, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass  # some filesystems refuse fsync on a directory
    finally:
        os.close(fd)


def load(f, map_location=None, pickle_module=None, *, weights_only=None, mmap=None, **kwargs):
    """Loads an object written by `save` from `f` (a path or a binary file object).

    Tensors come back as plain tensors (Parameters too, as torch.load does) with their dtype,
    shape and requires_grad; dict key order and Python values are kept. A state-dict file never
    runs code. A pickled whole object is read, by default (``weights_only=True``), with an
    unpickler that only rebuilds tensors, containers and primitive values and refuses any other
    class or function without importing or calling it (an UnpicklingError naming it and how to
    allow it: ``torch.serialization.add_safe_globals([cls])`` or ``safe_globals``).

    Args:
        f: a path or a binary file object opened for reading.
        map_location: accepted for PyTorch compatibility; only the CPU exists here.
        pickle_module: accepted for PyTorch compatibility (Python's pickle is used).
        weights_only: True/None (the default) loads only safe types; False unpickles any
            object (it can run arbitrary code: only for files from a trusted source).
        mmap: map the arrays from the file (copy-on-write) instead of reading them; needs a path.
    Raises:
        RuntimeError: naming the file and what is wrong, when it is truncated, corrupt, or not a
            pyautograd.save file (e.g. a torch.save pickle archive). What a file can make load
            allocate is bounded by its own size: each array entry must be stored uncompressed,
            its .npy header must declare exactly the bytes the entry holds, an array referred
            to twice is read once, and tensors must have a pyautograd dtype.
        pickle.UnpicklingError: weights_only refused a global the file names.
    """
    name = _name(f)
    is_path = isinstance(f, (str, bytes, os.PathLike))
    if mmap and not is_path:
        raise ValueError("f must be a file path in order to use the mmap argument")
    try:
        with (MappedZipFile(os.fspath(f)) if mmap else zipfile.ZipFile(os.fspath(f) if is_path else f)) as zf:
            if torch_format.is_torch_zip(zf):  # a file written by torch.save
                return torch_format.load_zip(zf, name)
            manifest = _read_manifest(zf, name)
            arrays = _MappedArrays(zf, name) if mmap else _Arrays(zf, name)
            arrays.bfloat16 = _bfloat16_entries(manifest, name)
            if _pickle_io.is_pickled(manifest):  # a whole object (training tools, issue 15)
                return _pickle_io.load_pickled(zf, name, weights_only is not False,
                                               lambda index, _zf, _name: arrays.get(index, tensor=True))
            return _decode(manifest["root"], arrays, name)
    except zipfile.BadZipFile as e:
        if _starts_like_a_pickle(f):
            raise RuntimeError(f"load: {name} is a legacy (pre-1.6, non-zip) torch.save file, which pyautograd "
                               f"does not read: convert it with PyTorch, torch.save(torch.load(path), path), "
                               f"which writes the zip format") from None
        raise RuntimeError(f"load: {name} is not a readable pyautograd.save archive: it is not a zip file, "
                           f"or it is truncated or corrupt ({e})") from None
    except FileNotFoundError:
        raise
    except (OSError, EOFError, ValueError, KeyError, TypeError, RecursionError, MemoryError) as e:
        raise RuntimeError(f"load: {name} is corrupt or was not written by pyautograd.save "
                           f"({type(e).__name__}: {e})") from None


def _starts_like_a_pickle(f):
    """True when the file's first byte is a pickle PROTO opcode (the legacy torch.save format)."""
    try:
        if isinstance(f, (str, bytes, os.PathLike)):
            with open(f, "rb") as fh:
                return fh.read(1) == b"\x80"
        f.seek(0)
        return f.read(1) == b"\x80"
    except (OSError, AttributeError, ValueError):
        return False


def _save_torch_format(obj, f):
    if isinstance(f, (str, bytes, os.PathLike)):
        with open(f, "wb") as out:
            torch_format.save_zip(obj, out, torch_format.archive_name(f))
    else:
        torch_format.save_zip(obj, f)


def _name(f):
    if isinstance(f, (str, bytes, os.PathLike)):
        return repr(os.fsdecode(f))
    return repr(getattr(f, "name", None) or f"<{type(f).__name__} object>")


def _write_zip(out, manifest, arrays, payload=None):
    low = [i for i, arr in enumerate(arrays) if _dtype.is_bfloat16(arr.dtype)]
    if low:
        manifest = dict(manifest, bfloat16_arrays=low)
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_STORED) as zf:
        zf.writestr(_MANIFEST, json.dumps(manifest))
        if payload is not None:
            zf.writestr("data.pkl", payload)
        for i, arr in enumerate(arrays):
            with zf.open(f"arrays/{i}.npy", "w") as entry:
                np.save(entry, arr, allow_pickle=False)


def _encode(obj, arrays, where):
    if obj is None:
        return {"type": "none"}
    for kind, cls in _SCALARS.items():  # bool before int: bool is an int subclass
        if isinstance(obj, cls):
            return {"type": kind, "value": cls(obj)}
    if isinstance(obj, Tensor):
        return {"type": "tensor", "array": _add_array(obj.detach().numpy(), arrays, where),
                "requires_grad": bool(obj.requires_grad)}
    if isinstance(obj, np.ndarray):
        return {"type": "ndarray", "array": _add_array(obj, arrays, where)}
    if isinstance(obj, (list, tuple)):
        return {"type": "tuple" if isinstance(obj, tuple) else "list",
                "items": [_encode(v, arrays, f"{where}[{i}]") for i, v in enumerate(obj)]}
    if isinstance(obj, dict):
        return {"type": "OrderedDict" if isinstance(obj, collections.OrderedDict) else "dict",
                "items": [[_encode(k, arrays, f"{where} key {k!r}"), _encode(v, arrays, f"{where}[{k!r}]")]
                          for k, v in obj.items()]}
    raise TypeError(f"save: cannot save {where} of type {type(obj).__name__}; save stores tensors, ndarrays, "
                    "int, float, str, bool, None and dicts/lists/tuples of them (never pickled objects)")


def _add_array(arr, arrays, where):
    if arr.dtype.hasobject:
        raise TypeError(f"save: {where} is an object array, which would need pickle; convert it first")
    arrays.append(arr)
    return len(arrays) - 1


def _read_manifest(zf, name):
    names = zf.namelist()
    if len(set(names)) != len(names):
        twice = sorted({n for n in names if names.count(n) > 1})
        raise RuntimeError(f"load: {name} holds the entries {twice} more than once; a pyautograd.save "
                           "file never does, and which copy counts would be ambiguous")
    if _MANIFEST not in names:
        if any(n.endswith("data.pkl") for n in names):
            raise RuntimeError(f"load: {name} is a torch.save (pickle) archive, not a pyautograd.save file; "
                               "pyautograd never unpickles. Load it with torch.load in PyTorch, convert its "
                               "tensors with .numpy(), and save those with pyautograd.save")
        raise RuntimeError(f"load: {name} is a zip archive but not a pyautograd.save file (no {_MANIFEST})")
    try:
        manifest = json.loads(zf.read(_MANIFEST).decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as e:
        raise RuntimeError(f"load: {name} has a corrupt {_MANIFEST} ({e})") from None
    if _pickle_io.is_pickled(manifest):
        pass
    elif not isinstance(manifest, dict) or manifest.get("format") != _FORMAT or "root" not in manifest:
        raise RuntimeError(f"load: {name} is not a pyautograd.save file ({_MANIFEST} lacks format={_FORMAT!r})")
    if manifest.get("version") != _VERSION:
        raise RuntimeError(f"load: {name} has format version {manifest.get('version')!r}; "
                           f"this pyautograd reads version {_VERSION}")
    return manifest


_SCALARS = {"bool": bool, "int": int, "float": float, "str": str}


def _bfloat16_entries(manifest, name):
    """The entry numbers the manifest declares bfloat16 (a list of ints, or absent)."""
    low = manifest.get("bfloat16_arrays", [])
    if not isinstance(low, list) or not all(isinstance(i, int) and not isinstance(i, bool) for i in low):
        raise RuntimeError(f"load: {name} has a corrupt {_MANIFEST} (bfloat16_arrays is {low!r}, not a list of "
                           "entry numbers)")
    return frozenset(low)


def _as_declared(arr, index, low, name):
    """arr viewed as bfloat16 when the manifest declares entry `index` so (its .npy says raw '<V2')."""
    if index not in low:
        return arr
    if arr.dtype != _RAW_2_BYTES:
        raise RuntimeError(f"load: {name} declares array {index} bfloat16, but its entry holds {arr.dtype} "
                           f"({arr.dtype.str}), not 2-byte raw values")
    return arr.view(_dtype.numpy_bfloat16())


_RAW_2_BYTES = np.dtype("V2")


def _decode(node, zf, name):
    kind = node["type"]
    if kind == "none":
        return None
    if kind in _SCALARS:
        value = node["value"]
        if not isinstance(value, _SCALARS[kind]) and not (kind == "float" and isinstance(value, int)):
            raise RuntimeError(f"load: {name} has a {kind} entry holding {value!r}")
        return _SCALARS[kind](value)
    if kind in ("tensor", "ndarray"):
        arr = zf.get(node["array"], tensor=kind == "tensor")
        if kind == "ndarray":
            return arr
        requires_grad = node["requires_grad"]
        if not isinstance(requires_grad, bool):
            raise RuntimeError(f"load: {name} has a tensor whose requires_grad is {requires_grad!r}, "
                               "not true or false")
        if requires_grad and not _dtype.is_differentiable(arr.dtype):
            raise RuntimeError(f"load: {name} has a {arr.dtype} tensor with requires_grad=true; only "
                               "floating point tensors can require gradients")
        return Tensor._make(arr, requires_grad)
    if kind in ("list", "tuple"):
        items = [_decode(v, zf, name) for v in node["items"]]
        return tuple(items) if kind == "tuple" else items
    if kind in ("dict", "OrderedDict"):
        items = [(_decode(k, zf, name), _decode(v, zf, name)) for k, v in node["items"]]
        return collections.OrderedDict(items) if kind == "OrderedDict" else dict(items)
    raise RuntimeError(f"load: {name} has an entry of unknown type {kind!r}")


# The dtypes a loaded tensor may have: pyautograd's own, in native byte order (and bfloat16,
# which _supported() asks for apart: its NumPy dtype is loaded on first use).
_TENSOR_DTYPES = frozenset(np.dtype(t) for t in (np.float16, np.float32, np.float64, np.int8, np.int16,
                                                 np.int32, np.int64, np.uint8, np.bool_,
                                                 np.complex64, np.complex128))


def _supported(np_dtype):
    """Whether a loaded array of NumPy dtype `np_dtype` may become a tensor."""
    return np_dtype in _TENSOR_DTYPES or _dtype.is_bfloat16(np_dtype)


class _Arrays:
    """The arrays of an open archive, each read once (references to one index share it),
    streamed from its zip entry into one buffer of the size its checked header declares."""

    def __init__(self, zf, name):
        self.zf, self.name, self.cache, self.bfloat16 = zf, name, {}, frozenset()
        self.archive_size = _archive_size(zf)

    def get(self, index, tensor):
        if not isinstance(index, int) or isinstance(index, bool) or index < 0:
            raise RuntimeError(f"load: {self.name} refers to array {index!r}, not an entry number")
        if index not in self.cache:
            self.cache[index] = _as_declared(self._read(f"arrays/{index}.npy"), index, self.bfloat16, self.name)
        arr = self.cache[index]
        if tensor and not _supported(arr.dtype):
            raise RuntimeError(f"load: {self.name} has a tensor of dtype {arr.dtype} ({arr.dtype.str}), which "
                               f"pyautograd does not support (supported: "
                               f"{', '.join(sorted([str(d) for d in _TENSOR_DTYPES] + ['bfloat16']))}, "
                               f"native byte order)")
        return arr

    def _read(self, entry):
        name = self.name
        try:
            info = self.zf.getinfo(entry)
        except KeyError:
            raise RuntimeError(f"load: {name} is missing {entry}, which its manifest refers to") from None
        if info.compress_type != zipfile.ZIP_STORED:
            raise RuntimeError(f"load: {name} has a compressed {entry}; pyautograd.save stores arrays "
                               "uncompressed, and load refuses compressed entries (their size is unbounded)")
        if info.file_size != info.compress_size or (self.archive_size is not None
                                                    and info.header_offset + info.file_size > self.archive_size):
            raise RuntimeError(f"load: {name} declares {info.file_size} bytes for {entry}, more than the "
                               "file holds")
        with self.zf.open(info) as stream:
            try:
                version = np.lib.format.read_magic(stream)
                read_header = _HEADER_READERS.get(version)
                if read_header is None:
                    raise ValueError(f".npy format version {version} is not supported")
                shape, fortran, dtype = read_header(stream)
            except ValueError as e:
                raise RuntimeError(f"load: {name} has a corrupt or unsafe array {entry} ({e})") from None
            if dtype.hasobject:
                raise RuntimeError(f"load: {name} has a corrupt or unsafe array {entry} (object arrays need "
                                   "pickle, which load never uses)")
            count = 1
            for n in shape:
                count *= n
            data_bytes = info.file_size - stream.tell()
            if count * dtype.itemsize != data_bytes:
                raise RuntimeError(f"load: {name} has an array {entry} whose header declares shape {shape} of "
                                   f"{dtype} ({count * dtype.itemsize} bytes) but whose entry holds "
                                   f"{data_bytes} bytes")
            arr = np.empty(shape[::-1] if fortran else shape, dtype)
            view = memoryview(arr.reshape(-1).view(np.uint8)) if arr.size else memoryview(b"")
            got = 0
            while got < data_bytes:
                n = stream.readinto(view[got:got + _CHUNK])  # bounded: ZipExtFile reads, then copies
                if not n:
                    raise RuntimeError(f"load: {name} has a truncated array {entry}")
                got += n
        return arr.T if fortran else arr


_CHUNK = 1 << 18
_HEADER_READERS = {(1, 0): np.lib.format.read_array_header_1_0, (2, 0): np.lib.format.read_array_header_2_0}


def _archive_size(zf):
    """The archive's size in bytes (None when its file object cannot tell)."""
    fp = zf.fp
    try:
        here = fp.tell()
        end = fp.seek(0, os.SEEK_END)
        fp.seek(here)
        return end
    except (OSError, AttributeError, ValueError):
        return None


class _MappedArrays:
    """The arrays of an archive opened with mmap=True: mapped copy-on-write from the file."""

    def __init__(self, zf, name):
        self.zf, self.name, self.cache, self.bfloat16 = zf, name, {}, frozenset()

    def get(self, index, tensor):
        if not isinstance(index, int) or isinstance(index, bool) or index < 0:
            raise RuntimeError(f"load: {self.name} refers to array {index!r}, not an entry number")
        entry = f"arrays/{index}.npy"
        if index not in self.cache:
            try:
                self.cache[index] = _as_declared(self.zf.mapped_array(entry), index, self.bfloat16, self.name)
            except KeyError:
                raise RuntimeError(f"load: {self.name} is missing {entry}, which its manifest refers to") from None
            except ValueError as e:
                raise RuntimeError(f"load: {self.name} has an array {entry} that cannot be memory-mapped ({e})") from None
        arr = self.cache[index]
        if tensor and not _supported(arr.dtype):
            raise RuntimeError(f"load: {self.name} has a tensor of dtype {arr.dtype}, which pyautograd does not support")
        return arr
