"""save / load: a zip of .npy arrays plus a JSON manifest of the structure. Never pickle.

Loading a file therefore cannot run code, whoever wrote it. The archive holds::

    manifest.json     {"format": "pyautograd.save", "version": 1, "root": <node>}
    arrays/<n>.npy    one array per tensor or ndarray, written with allow_pickle=False

A node is {"type": ...}: "none", "bool", "int", "float", "str" (with "value"), "tensor"
(with "array" and "requires_grad"), "ndarray" (with "array"), "list" / "tuple" (with
"items") and "dict" / "OrderedDict" (with "items" as [key node, value node] pairs, so
non-string keys and key order survive).
"""
import collections
import io
import json
import os
import tempfile
import zipfile

import numpy as np

from . import torch_format
from ._tensor import Tensor

_FORMAT = "pyautograd.save"
_VERSION = 1
_MANIFEST = "manifest.json"


def save(obj, f, _use_torch_format=False):
    """Saves `obj` (tensors, ndarrays, and dicts/lists/tuples of them and plain values) to `f`.

    Args:
        obj: a tensor, a state_dict, an optimizer's state_dict, or any nesting of dict,
            OrderedDict, list, tuple, Tensor, ndarray, int, float, str, bool and None.
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
    arrays = []
    manifest = {"format": _FORMAT, "version": _VERSION, "root": _encode(obj, arrays, "obj")}
    if not isinstance(f, (str, bytes, os.PathLike)):
        _write_zip(f, manifest, arrays)
        return
    path = os.fspath(f)
    fd, tmp = tempfile.mkstemp(prefix=".tmp-", suffix=".pt", dir=os.path.dirname(os.path.abspath(path)))
    try:
        with os.fdopen(fd, "wb") as out:
            _write_zip(out, manifest, arrays)
            out.flush()
            os.fsync(out.fileno())
        os.replace(tmp, path)
    except BaseException:
        os.unlink(tmp)
        raise


def load(f, map_location=None, weights_only=None, **kwargs):
    """Loads an object written by `save` from `f` (a path or a binary file object).

    Tensors come back as plain tensors (Parameters too, as torch.load does) with their dtype,
    shape and requires_grad; dict key order and Python values are kept.

    Args:
        f: a path or a binary file object opened for reading.
        map_location: accepted for PyTorch compatibility; only the CPU exists here.
        weights_only: accepted for PyTorch compatibility; loading never runs code either way.
    Raises:
        RuntimeError: naming the file and what is wrong, when it is truncated, corrupt, or not a
            pyautograd.save file (e.g. a torch.save pickle archive).
    """
    name = _name(f)
    try:
        with zipfile.ZipFile(f if not isinstance(f, (str, bytes, os.PathLike)) else os.fspath(f)) as zf:
            if torch_format.is_torch_zip(zf):  # a file written by torch.save
                return torch_format.load_zip(zf, name)
            manifest = _read_manifest(zf, name)
            return _decode(manifest["root"], zf, name)
    except zipfile.BadZipFile as e:
        if _starts_like_a_pickle(f):
            raise RuntimeError(f"load: {name} is a legacy (pre-1.6, non-zip) torch.save file, which pyautograd "
                               f"does not read: convert it with PyTorch, torch.save(torch.load(path), path), "
                               f"which writes the zip format") from None
        raise RuntimeError(f"load: {name} is not a readable pyautograd.save archive: it is not a zip file, "
                           f"or it is truncated or corrupt ({e})") from None
    except FileNotFoundError:
        raise
    except (OSError, EOFError, ValueError, KeyError, TypeError, RecursionError) as e:
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


def _write_zip(out, manifest, arrays):
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_STORED) as zf:
        zf.writestr(_MANIFEST, json.dumps(manifest))
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
    if not isinstance(manifest, dict) or manifest.get("format") != _FORMAT or "root" not in manifest:
        raise RuntimeError(f"load: {name} is not a pyautograd.save file ({_MANIFEST} lacks format={_FORMAT!r})")
    if manifest.get("version") != _VERSION:
        raise RuntimeError(f"load: {name} has format version {manifest.get('version')!r}; "
                           f"this pyautograd reads version {_VERSION}")
    return manifest


_SCALARS = {"bool": bool, "int": int, "float": float, "str": str}


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
        arr = _read_array(node["array"], zf, name)
        if kind == "ndarray":
            return arr
        return Tensor._make(arr, bool(node["requires_grad"]))
    if kind in ("list", "tuple"):
        items = [_decode(v, zf, name) for v in node["items"]]
        return tuple(items) if kind == "tuple" else items
    if kind in ("dict", "OrderedDict"):
        items = [(_decode(k, zf, name), _decode(v, zf, name)) for k, v in node["items"]]
        return collections.OrderedDict(items) if kind == "OrderedDict" else dict(items)
    raise RuntimeError(f"load: {name} has an entry of unknown type {kind!r}")


def _read_array(index, zf, name):
    entry = f"arrays/{int(index)}.npy"
    try:
        data = zf.read(entry)
    except KeyError:
        raise RuntimeError(f"load: {name} is missing {entry}, which its manifest refers to") from None
    try:
        return np.load(io.BytesIO(data), allow_pickle=False)
    except ValueError as e:
        raise RuntimeError(f"load: {name} has a corrupt or unsafe array {entry} ({e})") from None
