"""The build: the extension imports, and C, NumPy and the table agree on names."""
import importlib.util
import os
import re

import pytest

import pyautograd.kernels as K

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def _load_build_script():
    spec = importlib.util.spec_from_file_location("pag_build", os.path.join(ROOT, "csrc", "build.py"))
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


def test_c_extension_imports():
    # CI must never pass on the NumPy fallback alone.
    assert K.c_available(), f"pyautograd._C failed to import: {K.c_import_error()}"


def test_cdef_parses_and_lists_every_table_kernel():
    build = _load_build_script()
    from cffi import FFI
    ffi = FFI()
    ffi.cdef(build.header_cdef() + build.pointwise_cdef())  # raises on a bad declaration
    table = build.pointwise_table()
    assert len(table) > 40
    text = build.pointwise_cdef()
    for _, name in table:
        assert f"_{name}_f32(" in text and f"_{name}_f64_strided(" in text


def test_library_exports_exactly_the_table_and_headers():
    if not K.c_available():
        pytest.skip("no C extension (test_c_extension_imports fails)")
    from pyautograd._C import lib
    build = _load_build_script()
    exported = {n for n in dir(lib) if n.startswith("pag_")}
    declared = set(re.findall(r"\b(pag_\w+)\s*\(", build.header_cdef() + build.pointwise_cdef()))
    assert exported == declared


def test_c_kernel_names_are_a_subset_of_numpy_and_match_the_library():
    if not K.c_available():
        pytest.skip("no C extension (test_c_extension_imports fails)")
    from pyautograd._C import lib
    from pyautograd.kernels import _c, _numpy
    assert set(_c.KERNELS) <= set(_numpy.KERNELS)
    # every C wrapper is backed by library symbols for both dtypes
    exported = " ".join(dir(lib))
    for name in _c.KERNELS:
        assert re.search(rf"pag_\w*?_?{name}_f32\b", exported), name
        assert re.search(rf"pag_\w*?_?{name}_f64\b", exported), name
    # and every pointwise symbol in the library has a wrapper
    for sym in dir(lib):
        hit = re.fullmatch(r"pag_(?:unary|binary)_(\w+)_f(?:32|64)(?:_strided)?", sym)
        if hit:
            assert hit.group(1) in _c.KERNELS, sym
    assert set(K.names()) == set(_numpy.KERNELS)


def test_backend_switch_and_threads():
    with K.use_backend("numpy"):
        assert K.backend() == "numpy"
    with pytest.raises(ValueError, match="backend must be one of"):
        K.set_backend("gpu")
    n = K.get_num_threads()
    K.set_num_threads(1)
    assert K.get_num_threads() == 1
    K.set_num_threads(n)
    with pytest.raises(RuntimeError):  # as torch.set_num_threads(0)
        K.set_num_threads(0)
