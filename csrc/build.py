"""The cffi builder for ``pyautograd._C`` (API mode, our .c files compiled in).

setup.py names ``ffibuilder`` through ``cffi_modules``. Run this file directly
(``python csrc/build.py``) to build the extension in place for development.

The cdef comes from two places, so no declaration is written twice by hand:

* the ``/* cdef-begin */ ... /* cdef-end */`` blocks of the headers in csrc/
  (plain declarations, no preprocessor lines: cffi's parser accepts none);
* the pointwise table ``kernels.def``, whose lines are expanded here into the
  same prototypes that ``elementwise.h`` expands with X-macros.

Build switches come from the environment:

* ``PYAUTOGRAD_OPENMP=0``   build without OpenMP (single-threaded kernels);
* ``PYAUTOGRAD_DEBUG_C=1``  -O0 -g with AddressSanitizer and UBSan (run Python
  with the ASan runtime preloaded, see README);
* ``CC``                    the C compiler, as for any setuptools build.
"""
import os
import re
import shutil
import subprocess
import sys
import tempfile

from cffi import FFI

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)

HEADERS = ["pyautograd.h", "elementwise.h", "reduce.h", "matmul.h", "optim.h", "loss.h", "norm.h"]
SOURCES = ["elementwise.c", "reduce.c", "matmul.c", "optim.c", "loss.c", "norm.c"]
# sequence models (issue 14): fused recurrent steps and blocked attention
HEADERS += ["recurrent.h", "attention.h"]
SOURCES += ["recurrent.c", "attention.c"]
HEADERS += ["conv.h", "pool.h"]; SOURCES += ["conv.c", "pool.c"]  # conv (issue 13): convolution and pooling kernels

_CDEF_BLOCK = re.compile(r"/\* cdef-begin \*/(.*?)/\* cdef-end \*/", re.S)
_TABLE_LINE = re.compile(r"^PAG_(UNARY|BINARY|COMPARE)\((\w+)\s*,", re.M)

_PROTOS = {
    "UNARY": (
        "int pag_unary_{n}_{s}(const {t} *x, {t} *out, int64_t n, double p0, double p1, int nthreads);\n"
        "int pag_unary_{n}_{s}_strided(const {t} *x, const int64_t *xstrides, {t} *out, "
        "const int64_t *shape, int ndim, double p0, double p1, int nthreads);\n"
    ),
    "BINARY": (
        "int pag_binary_{n}_{s}(const {t} *a, const {t} *b, {o} *out, int64_t n, int nthreads);\n"
        "int pag_binary_{n}_{s}_strided(const {t} *a, const int64_t *astrides, const {t} *b, "
        "const int64_t *bstrides, {o} *out, const int64_t *shape, int ndim, int nthreads);\n"
    ),
}
_DTYPES = (("float", "f32"), ("double", "f64"))


def pointwise_table(path=os.path.join(HERE, "kernels.def")):
    """Returns [(kind, name)] for every line of kernels.def, kind in UNARY/BINARY/COMPARE."""
    with open(path) as f:
        return _TABLE_LINE.findall(f.read())


def pointwise_cdef():
    """The cffi declarations of every pointwise kernel, generated from kernels.def."""
    out = []
    for kind, name in pointwise_table():
        template = _PROTOS["UNARY" if kind == "UNARY" else "BINARY"]
        for ctype, sfx in _DTYPES:
            result = "uint8_t" if kind == "COMPARE" else ctype
            out.append(template.format(n=name, s=sfx, t=ctype, o=result))
    return "".join(out)


def header_cdef():
    """The concatenated cdef blocks of the hand-written headers."""
    parts = []
    for name in HEADERS:
        with open(os.path.join(HERE, name)) as f:
            parts.extend(_CDEF_BLOCK.findall(f.read()))
    return "\n".join(parts)


def _compiler():
    return os.environ.get("CC", "cc").split()


def _openmp_flags():
    """-fopenmp if the compiler links an OpenMP program, else nothing (serial build)."""
    if os.environ.get("PYAUTOGRAD_OPENMP", "1") == "0":
        return []
    with tempfile.TemporaryDirectory() as tmp:
        src = os.path.join(tmp, "t.c")
        with open(src, "w") as f:
            f.write("#include <omp.h>\nint main(void){return omp_get_max_threads() > 0 ? 0 : 1;}\n")
        cmd = _compiler() + ["-fopenmp", src, "-o", os.path.join(tmp, "t")]
        try:
            ok = subprocess.run(cmd, capture_output=True).returncode == 0
        except OSError:
            ok = False
    if not ok:
        sys.stderr.write("pyautograd: OpenMP not available, building single-threaded kernels\n")
    return ["-fopenmp"] if ok else []


def _flags():
    omp = _openmp_flags()
    # -fno-trapping-math: our kernels rely on non-stop IEEE arithmetic (NaN and inf
    # propagate; nobody traps on FP exceptions), and without it GCC refuses to
    # if-convert the branch-free selects of csrc/vmath.h, so those loops stay scalar.
    # It changes no computed value (unlike -ffast-math, which we never use).
    common = ["-std=gnu11", "-fno-math-errno", "-fno-trapping-math", "-Wall", "-Wno-unknown-pragmas", "-Wno-unused-function",
              "-Wno-unused-local-typedefs"]
    if os.environ.get("PYAUTOGRAD_DEBUG_C") == "1":
        san = ["-fsanitize=address,undefined", "-fno-omit-frame-pointer"]
        return common + ["-O0", "-g"] + san + omp, san + omp
    return common + ["-O3"] + omp, omp


def make_builder(absolute=False):
    """Returns the configured FFI builder for pyautograd._C.

    setuptools wants source paths relative to setup.py's directory; cffi's own
    compile() changes directory, so the in-place build asks for absolute ones.
    """
    ffi = FFI()
    ffi.cdef(header_cdef() + "\n" + pointwise_cdef())
    compile_args, link_args = _flags()
    rel = HERE if absolute or os.getcwd() != ROOT else os.path.relpath(HERE, ROOT)
    ffi.set_source(
        "pyautograd._C",
        '#include "pyautograd.h"',
        sources=[os.path.join(rel, s) for s in SOURCES],
        include_dirs=[rel],
        depends=[os.path.join(rel, h) for h in HEADERS + ["common.h", "typed.h", "vmath.h", "kernels.def"]],
        extra_compile_args=compile_args,
        extra_link_args=link_args,
        libraries=["m"],
    )
    return ffi


ffibuilder = make_builder()

if __name__ == "__main__":
    # In-place development build: the extension lands in pyautograd/.
    ffibuilder = make_builder(absolute=True)
    with tempfile.TemporaryDirectory() as tmp:
        built = ffibuilder.compile(tmpdir=tmp, verbose=True)
        dest = os.path.join(ROOT, "pyautograd", os.path.basename(built))
        shutil.copy(built, dest)
        print("built", dest)
