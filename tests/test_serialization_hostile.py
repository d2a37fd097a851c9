"""Hostile checkpoint files and checkpoint hygiene.

What a file can make ``load`` allocate is bounded by the file's own size: an array
referred to many times is read once, declared sizes are checked against the entry
before any allocation, entries stream into one buffer, compressed entries are refused.
Every refusal is the documented RuntimeError naming the file, never a MemoryError.
Tensors must have a pyautograd dtype; requires_grad must be a JSON boolean and only
on floating point tensors; a zip with an entry twice is refused. Saving cleans the
temp files of killed saves, respects the umask, writes through symlinks and fsyncs
the directory.
"""
import io
import json
import os
import subprocess
import sys
import tracemalloc
import zipfile

import numpy as np
import pytest

import pyautograd as pg

MiB = 1 << 20


def _npy(arr):
    buf = io.BytesIO()
    np.save(buf, arr, allow_pickle=False)
    return buf.getvalue()


def _archive(root, arrays=(), compression=zipfile.ZIP_STORED, extra=()):
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", compression=compression) as zf:
        zf.writestr("manifest.json", json.dumps({"format": "pyautograd.save", "version": 1, "root": root}))
        for i, data in enumerate(arrays):
            zf.writestr(f"arrays/{i}.npy", data)
        for name, data in extra:
            zf.writestr(name, data)
    return buf.getvalue()


def _tensor(i=0, requires_grad=False):
    return {"type": "tensor", "array": i, "requires_grad": requires_grad}


def _peak_bytes(fn):
    tracemalloc.start()
    try:
        result = fn()
        return result, tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


def _with_header(shape, dtype, payload):
    """A .npy entry whose header declares `shape` of `dtype` but holds `payload` bytes."""
    buf = io.BytesIO()
    np.lib.format.write_array_header_1_0(buf, {"descr": np.dtype(dtype).str, "fortran_order": False,
                                              "shape": shape})
    return buf.getvalue() + payload


def test_shared_references_decode_once(tmp_path):
    path = tmp_path / "shared.pt"
    path.write_bytes(_archive({"type": "list", "items": [_tensor(0)] * 200}, [_npy(np.ones(MiB // 4, np.float32))]))
    loaded, peak = _peak_bytes(lambda: pg.load(path))
    assert len(loaded) == 200 and all(t.shape == (MiB // 4,) for t in loaded)
    assert peak < 4 * MiB, f"200 references to a 1 MiB array peaked at {peak / MiB:.0f} MiB"


def test_large_array_streams_without_a_second_copy(tmp_path):
    path = tmp_path / "big.pt"
    pg.save(pg.ones(4 * MiB // 4), path)
    loaded, peak = _peak_bytes(lambda: pg.load(path))
    assert loaded.shape == (MiB,)
    assert peak < 5.5 * MiB, f"a 4 MiB array peaked at {peak / MiB:.1f} MiB (read, then copied?)"


@pytest.mark.parametrize("compression", [zipfile.ZIP_DEFLATED, zipfile.ZIP_BZIP2, zipfile.ZIP_LZMA])
def test_compressed_entries_are_refused(tmp_path, compression):
    path = tmp_path / "zipped.pt"
    path.write_bytes(_archive(_tensor(), [_npy(np.zeros(64 * MiB // 4, np.float32))], compression=compression))
    assert path.stat().st_size < MiB
    with pytest.raises(RuntimeError, match="zipped.pt.*compressed"):
        pg.load(path)


@pytest.mark.parametrize("shape,dtype", [((1 << 28,), "<f4"), ((1 << 62,), "<f8"), ((1 << 40, 1 << 40), "<i8"),
                                         ((3,), "<f4"), ((), "<f8")])
def test_declared_size_is_checked_against_the_entry(tmp_path, shape, dtype):
    path = tmp_path / "liar.pt"
    path.write_bytes(_archive(_tensor(), [_with_header(shape, dtype, b"\0" * 16)]))
    (_, peak) = _peak_bytes(lambda: pytest.raises(RuntimeError, pg.load, path))
    assert peak < MiB


def test_declared_entry_size_larger_than_the_file(tmp_path):
    data = bytearray(_archive(_tensor(), [_npy(np.arange(8.0))]))
    # raise the file size of arrays/0.npy in its central directory record past the file's end
    at = data.rfind(b"PK\x01\x02")
    while at >= 0:
        name_len = int.from_bytes(data[at + 28:at + 30], "little")
        if data[at + 46:at + 46 + name_len] == b"arrays/0.npy":
            data[at + 20:at + 28] = (1 << 30).to_bytes(4, "little") * 2
        at = data.rfind(b"PK\x01\x02", 0, at)
    path = tmp_path / "long.pt"
    path.write_bytes(bytes(data))
    with pytest.raises(RuntimeError, match="long.pt"):
        pg.load(path)


# (complex64 and complex128 are supported: tests/test_complex.py; long double complex is not)
@pytest.mark.parametrize("arr", [np.ones(3, np.clongdouble), np.ones(3, ">f4"), np.ones(3, np.uint16),
                                 np.ones(3, np.uint64), np.array(["a"]), np.zeros(2, [("a", "<f4")])],
                         ids=["clongdouble", "big-endian", "uint16", "uint64", "str", "structured"])
def test_unsupported_tensor_dtypes_are_refused(tmp_path, arr):
    path = tmp_path / "dtype.pt"
    path.write_bytes(_archive(_tensor(), [_npy(arr)]))
    with pytest.raises(RuntimeError, match="dtype.pt.*(does not support|unsafe)"):
        pg.load(path)


def test_integer_tensor_requiring_grad_is_refused(tmp_path):
    path = tmp_path / "intgrad.pt"
    path.write_bytes(_archive(_tensor(requires_grad=True), [_npy(np.arange(3))]))
    with pytest.raises(RuntimeError, match="int64 tensor with requires_grad"):
        pg.load(path)


@pytest.mark.parametrize("value", ["false", "true", 0, 1, None])
def test_requires_grad_must_be_a_json_boolean(tmp_path, value):
    path = tmp_path / "rg.pt"
    path.write_bytes(_archive(_tensor(requires_grad=value), [_npy(np.ones(2))]))
    with pytest.raises(RuntimeError, match="requires_grad"):
        pg.load(path)


def test_two_manifests_are_refused(tmp_path):
    path = tmp_path / "twice.pt"
    with pytest.warns(UserWarning, match="Duplicate name"):
        data = _archive({"type": "int", "value": 1},
                        extra=[("manifest.json", json.dumps({"format": "pyautograd.save", "version": 1,
                                                             "root": {"type": "int", "value": 2}}))])
    path.write_bytes(data)
    with pytest.raises(RuntimeError, match="more than once"):
        pg.load(path)


@pytest.mark.parametrize("index", [-1, "0", 1.0, True, [0]])
def test_array_index_must_be_an_entry_number(tmp_path, index):
    path = tmp_path / "index.pt"
    path.write_bytes(_archive({"type": "ndarray", "array": index}, [_npy(np.ones(2))]))
    with pytest.raises(RuntimeError, match="index.pt"):
        pg.load(path)


def test_valid_files_still_load(tmp_path):
    obj = {"f": pg.randn(3, 4, requires_grad=True), "i": pg.arange(5), "b": pg.ones(2, dtype=pg.bool),
           "h": pg.ones(2, dtype=pg.float16), "nd": np.ones(3, np.complex128), "fortran": np.asfortranarray(
               np.arange(6.0).reshape(2, 3)), "empty": pg.zeros(0, 3)}
    pg.save(obj, tmp_path / "ok.pt")
    back = pg.load(tmp_path / "ok.pt")
    assert back["f"].requires_grad and back["f"].dtype == pg.float32
    np.testing.assert_array_equal(back["f"].detach().numpy(), obj["f"].detach().numpy())
    np.testing.assert_array_equal(back["fortran"], obj["fortran"])
    assert back["nd"].dtype == np.complex128 and back["empty"].shape == (0, 3)
    assert back["i"].dtype == pg.int64 and back["b"].dtype == pg.bool and back["h"].dtype == pg.float16


# ---- checkpoint hygiene -----------------------------------------------------------------

def test_stale_temp_file_of_a_killed_save_is_removed_on_the_next_save(tmp_path):
    path = tmp_path / "ckpt.pt"
    code = ("import os, pyautograd as pg, pyautograd.serialization as s\n"
            "s._write_zip = lambda *a: os._exit(9)\n"  # dies mid-save, as a kill would
            f"pg.save({{'w': pg.ones(3)}}, {str(path)!r})\n")
    assert subprocess.run([sys.executable, "-c", code], cwd=os.getcwd()).returncode == 9
    stale = [n for n in os.listdir(tmp_path) if n.startswith(".tmp-")]
    assert len(stale) == 1, os.listdir(tmp_path)
    other = tmp_path / ".tmp-other.pt.1-x.pt"  # another path's temp file, and a live writer's: kept
    other.write_bytes(b"")
    live = tmp_path / f".tmp-ckpt.pt.{os.getpid()}-live.pt"
    live.write_bytes(b"")
    pg.save({"w": pg.ones(3)}, path)
    assert sorted(os.listdir(tmp_path)) == sorted(["ckpt.pt", other.name, live.name])


def test_new_file_mode_follows_the_umask(tmp_path):
    old = os.umask(0o022)
    try:
        pg.save(1, tmp_path / "a.pt")
        os.umask(0o077)
        pg.save(1, tmp_path / "b.pt")
    finally:
        os.umask(old)
    assert (tmp_path / "a.pt").stat().st_mode & 0o777 == 0o644
    assert (tmp_path / "b.pt").stat().st_mode & 0o777 == 0o600


def test_overwrite_keeps_the_existing_mode(tmp_path):
    path = tmp_path / "a.pt"
    pg.save(1, path)
    os.chmod(path, 0o640)
    pg.save(2, path)
    assert path.stat().st_mode & 0o777 == 0o640 and pg.load(path) == 2


def test_saving_to_a_symlink_writes_its_target(tmp_path):
    (tmp_path / "real").mkdir()
    target = tmp_path / "real" / "ckpt.pt"
    pg.save(1, target)
    link = tmp_path / "latest.pt"
    link.symlink_to(target)
    pg.save(2, link)
    assert link.is_symlink() and pg.load(target) == 2 and pg.load(link) == 2
    assert sorted(os.listdir(tmp_path / "real")) == ["ckpt.pt"]
