"""The cffi builder for ``pyautograd._C`` (API mode, our .c files compiled in).

setup.py names ``make_builder`` through ``cffi_modules`` and ``ParallelBuildExt``
as its ``build_ext``. Run this file directly (``python csrc/build.py``) to build
the extension in place for development; that build is incremental (only the
units whose source or a header changed are compiled again, in build/inplace-*).

What is compiled. Every ``csrc/*.c`` file is a compile unit (a new kernel
family is a new .c file and, for its API, a new .h file with a cdef block:
nothing here lists them), plus the wrapper module cffi generates. The units are
compiled concurrently, one per core (``PYAUTOGRAD_BUILD_JOBS`` overrides), then
linked into one shared library. A cold build is about 42 s of CPU time on the
project's 2-core Xeon (it was 63 s at -O3 with debug info, one unit at a time),
so roughly 25 s on two idle cores (the longest unit, elementwise.c, takes 19 s);
docs/architecture.md, "Build and CI", has the measurements behind the flags.

The cdef comes from three places, so no declaration is written twice by hand:

* the ``/* cdef-begin */ ... /* cdef-end */`` blocks of the headers (plain
  declarations, no preprocessor lines: cffi's parser accepts none);
* the ``/* cdef-typed-begin */ ... /* cdef-typed-end */`` blocks, written once
  with ``T`` and ``TN(name)`` as the kernel bodies are (see typed.h); the
  headers expand them for C through typed.h, and this file expands them for
  float (``name_f32``) and double (``name_f64``);
* the pointwise table ``kernels.def``, whose lines are expanded here into the
  same prototypes that ``elementwise.h`` expands with X-macros.

Build switches come from the environment:

* ``PYAUTOGRAD_OPENMP=0``     build without OpenMP (single-threaded kernels);
* ``PYAUTOGRAD_DEBUG_C=1``    -O0 -g with AddressSanitizer and UBSan (run Python
  with the ASan runtime preloaded, see README);
* ``PYAUTOGRAD_BUILD_JOBS=N`` compile N units at a time (default: the cores);
* ``CC``                      the C compiler, as for any setuptools build.
"""
import concurrent.futures
import glob
import hashlib
import os
import re
import subprocess
import sys
import tempfile
import time

from cffi import FFI

try:
    from setuptools.command.build_ext import build_ext
except ImportError:  # reading the cdef (tests/test_build.py) needs no setuptools: Python 3.12+
    build_ext = object  # venvs lack it; building does need it, and pip's build env has it

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)

# Optimisation per compile unit. The default, -O2 with GCC's "cheap" vectorizer
# cost model (plain -O2 in GCC 12 vectorizes only loops without an epilogue,
# which leaves the strided loops scalar), compiles in about half the time of
# -O3 and ran the pointwise kernels as fast or faster (geometric mean 0.91x of
# the -O3 time over 158 kernel/dtype/layout cases; none slower by more than
# 1.15x, within noise). A unit listed here measured faster with other flags:
# matmul.c's packed micro-kernels ran 2.8x slower at -O2 (linear 128x784 @ 784x512,
# one thread: 2.58 ms against 0.91 ms), so they keep -O3.
DEFAULT_OPT = ["-O2", "-fvect-cost-model=cheap"]
#
# optim.c is built with -ffp-contract=off: GCC otherwise fuses a*b+c into one FMA (one
# rounding) in the AVX2/AVX-512 clones, and the optimizer updates then differed from the
# NumPy reference (and from PyTorch's two-rounding arithmetic) in the last bit of up to a
# third of the elements per step. Without contraction every fused step (sgd, adam, rmsprop,
# adagrad and the *_step_many family) is bitwise equal to the reference, at no measured cost
# (these loops are memory-bound: 0.94-1.05x, one thread). The other units keep contraction:
# elementwise.c's vmath functions (exp, tanh, sigmoid, gelu) ran 1.2-1.55x slower without it,
# reduce.c/softmax.c/loss.c 1.1-1.2x, and their results differ from NumPy's anyway (other
# polynomials, other summation orders), so parity there is tolerance-based (docs/architecture.md,
# "Floating-point contraction").
UNIT_OPT = {"matmul.c": ["-O3"], "optim.c": DEFAULT_OPT + ["-ffp-contract=off"]}

# Units that take longest start first, so the last one to finish is short.
SLOW_FIRST = ("elementwise.c",)

_CDEF_BLOCK = re.compile(r"/\* cdef-begin \*/(.*?)/\* cdef-end \*/", re.S)
_CDEF_TYPED_BLOCK = re.compile(r"/\* cdef-typed-begin \*/(.*?)/\* cdef-typed-end \*/", re.S)
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


def sources():
    """Every compile unit in csrc/, by file name."""
    return sorted(os.path.basename(p) for p in glob.glob(os.path.join(HERE, "*.c")))


def headers():
    """The headers whose cdef blocks make the API: pyautograd.h first (it defines
    the status codes), then the families in name order."""
    names = []
    for path in sorted(glob.glob(os.path.join(HERE, "*.h"))):
        with open(path) as f:
            text = f.read()
        if "/* cdef-begin */" in text or "/* cdef-typed-begin */" in text:
            names.append(os.path.basename(path))
    names.sort(key=lambda n: (n != "pyautograd.h", n))
    return names


def depends():
    """Every file a unit may include: a change to one rebuilds every unit."""
    return sorted(os.path.basename(p) for ext in ("*.h", "*.def") for p in glob.glob(os.path.join(HERE, ext)))


def pointwise_table(path=None):
    """Returns [(kind, name)] for every line of kernels.def, kind in UNARY/BINARY/COMPARE."""
    with open(path or os.path.join(HERE, "kernels.def")) as f:
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


def expand_typed(block):
    """A typed cdef block for float then for double: TN(name) -> name_f32, T -> float."""
    out = []
    for ctype, sfx in _DTYPES:
        text = re.sub(r"\bTN\((\w+)\)", rf"\1_{sfx}", block)
        out.append(re.sub(r"\bT\b", ctype, text))
    return "\n".join(out)


def header_cdef():
    """The cdef blocks of the hand-written headers, typed blocks expanded."""
    parts = []
    for name in headers():
        with open(os.path.join(HERE, name)) as f:
            text = f.read()
        parts.extend(_CDEF_BLOCK.findall(text))
        parts.extend(expand_typed(b) for b in _CDEF_TYPED_BLOCK.findall(text))
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


def _debug():
    return os.environ.get("PYAUTOGRAD_DEBUG_C") == "1"


def _flags():
    """(compile args, link args) shared by every unit; the optimisation level is per unit."""
    omp = _openmp_flags()
    # -fno-trapping-math: our kernels rely on non-stop IEEE arithmetic (NaN and inf
    # propagate; nobody traps on FP exceptions), and without it GCC refuses to
    # if-convert the branch-free selects of csrc/vmath.h, so those loops stay scalar.
    # It changes no computed value (unlike -ffast-math, which we never use).
    common = ["-std=gnu11", "-fno-math-errno", "-fno-trapping-math", "-Wall", "-Wno-unknown-pragmas",
              "-Wno-unused-function", "-Wno-unused-local-typedefs"]
    if _debug():
        san = ["-fsanitize=address,undefined", "-fno-omit-frame-pointer"]
        return common + ["-O0", "-g"] + san + omp, san + omp
    # -g0 undoes the -g of Python's own CFLAGS: debug info cost 20% of the compile time.
    return common + ["-g0"] + omp, omp


def unit_flags(source):
    """The optimisation flags of one unit (after the shared ones, so they win)."""
    if _debug():
        return []
    return UNIT_OPT.get(os.path.basename(source), DEFAULT_OPT)


def make_builder(absolute=False):
    """Returns the configured FFI builder for pyautograd._C.

    setuptools wants source paths relative to setup.py's directory; the in-place
    build asks for absolute ones.
    """
    ffi = FFI()
    ffi.cdef(header_cdef() + "\n" + pointwise_cdef())
    compile_args, link_args = _flags()
    rel = HERE if absolute or os.getcwd() != ROOT else os.path.relpath(HERE, ROOT)
    ffi.set_source(
        "pyautograd._C",
        '#include "pyautograd.h"',
        sources=[os.path.join(rel, s) for s in sources()],
        include_dirs=[rel],
        depends=[os.path.join(rel, h) for h in depends()],
        extra_compile_args=compile_args,
        extra_link_args=link_args,
        libraries=["m"],
    )
    return ffi


def build_jobs():
    """How many units compile at once: PYAUTOGRAD_BUILD_JOBS, else the usable cores."""
    env = os.environ.get("PYAUTOGRAD_BUILD_JOBS")
    if env:
        return max(1, int(env))
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:
        return os.cpu_count() or 1


def _schedule(srcs):
    """Slow units first, then the rest largest first (a stable, cheap guess of cost)."""
    def key(src):
        base = os.path.basename(src)
        slow = base in SLOW_FIRST
        return (not slow, -os.path.getsize(src) if os.path.exists(src) else 0)
    return sorted(srcs, key=key)


class ParallelBuildExt(build_ext):
    """build_ext that compiles the extension's units concurrently, each with its
    own optimisation flags, and reports each unit as it finishes.

    With ``incremental`` set (the in-place development build) a unit whose object
    is newer than its source and every header is not compiled again."""

    incremental = False

    def build_extension(self, ext):
        compiler = self.compiler
        serial = compiler.compile

        def compile_units(srcs, output_dir=None, macros=None, include_dirs=None, debug=0,
                          extra_preargs=None, extra_postargs=None, depends=None):
            objects = dict(zip(srcs, compiler.object_filenames(srcs, output_dir=output_dir or "")))
            newest_dep = max((os.path.getmtime(d) for d in depends or () if os.path.exists(d)), default=0)

            def fresh(src):
                obj = objects[src]
                return (self.incremental and not self.force and os.path.exists(obj)
                        and os.path.getmtime(obj) >= max(os.path.getmtime(src), newest_dep))

            def one(src):
                t0 = time.monotonic()
                serial([src], output_dir=output_dir, macros=macros, include_dirs=include_dirs, debug=debug,
                       extra_preargs=extra_preargs,
                       extra_postargs=list(extra_postargs or []) + unit_flags(src), depends=depends)
                return time.monotonic() - t0

            todo = [s for s in _schedule(srcs) if not fresh(s)]
            for obj in objects.values():
                os.makedirs(os.path.dirname(obj) or ".", exist_ok=True)
            jobs = min(build_jobs(), max(1, len(todo)))
            start = time.monotonic()
            _say(f"compiling {len(todo)} of {len(srcs)} C units on {jobs} thread(s)")
            with concurrent.futures.ThreadPoolExecutor(jobs) as pool:
                running = {pool.submit(one, s): s for s in todo}
                for k, done in enumerate(concurrent.futures.as_completed(running), 1):
                    seconds = done.result()  # re-raises a compile error
                    _say(f"[{k}/{len(todo)}] {os.path.basename(running[done])} ({seconds:.1f} s)")
            if todo:
                _say(f"compiled in {time.monotonic() - start:.1f} s")
            return [objects[s] for s in srcs]

        compiler.compile = compile_units
        try:
            super().build_extension(ext)
        finally:
            del compiler.compile  # the instance attribute shadowed the method


def _say(msg):
    sys.stderr.write(f"pyautograd build: {msg}\n")
    sys.stderr.flush()


def build_inplace(force=False):
    """Builds pyautograd/_C*.so in the source tree, reusing the objects still fresh."""
    from setuptools import Distribution, Extension

    ffi = make_builder(absolute=True)
    module, source, _, kwds = ffi._assigned_source
    # objects of different flag sets (debug, no OpenMP, another CC) do not mix
    tag = hashlib.sha1(repr((kwds, DEFAULT_OPT, UNIT_OPT, _compiler(), _debug(), sys.version)).encode()).hexdigest()[:10]
    build_temp = os.path.join(ROOT, "build", f"inplace-{tag}")
    c_file = os.path.join(build_temp, module + ".c")
    os.makedirs(build_temp, exist_ok=True)
    ffi.emit_c_code(c_file)  # rewrites the file only when its text changes
    kwds = dict(kwds)
    ext = Extension(module, sources=[c_file] + kwds.pop("sources"), **kwds)
    dist = Distribution({"ext_modules": [ext], "cmdclass": {"build_ext": ParallelBuildExt}})
    cmd = dist.get_command_obj("build_ext")
    cmd.build_temp, cmd.build_lib, cmd.force, cmd.incremental = build_temp, ROOT, force, True
    dist.run_command("build_ext")
    built = cmd.get_ext_fullpath(module)
    print("built", built)
    return built


if __name__ == "__main__":
    build_inplace(force="--force" in sys.argv[1:])
