"""Complex tensors' own ops (issue 12), and PyTorch's complex helpers on real tensors.

complex64 and complex128 tensors are computed by the ops that declare it (``defop(...,
complex=...)``: the views and constructors here, the shape ops, add/sub/mul/div/neg, exp,
abs, sum, mean, matmul...); every other op refuses a complex operand before its kernel runs
(ops/_apply.py), as PyTorch refuses the ops it has no complex kernel for. Gradients follow
PyTorch's convention: the gradient of a real loss L with respect to z = x + iy is
dL/dx + i dL/dy (the conjugate Wirtinger derivative, times two), so a real input of a complex
computation gets the real part of its gradient (ops/_apply.fit).

- ``view_as_real`` / ``view_as_complex`` are views sharing memory (ViewAsRealBackward0,
  ViewAsComplexBackward0), with PyTorch's checks; ``Tensor.real`` / ``.imag`` are
  ``view_as_real(z)[..., 0]`` / ``[..., 1]`` as in PyTorch (SelectBackward0), views of z;
- ``complex(real, imag)`` and ``polar(abs, angle)`` build complex tensors from real ones
  (ComplexBackward0, PolarBackward0: their inputs get real gradients);
- ``angle`` (AngleBackward0) and ``abs`` of complex give real tensors;
- ``conj`` of a complex tensor is computed (a new tensor, ConjBackward0), not PyTorch's lazy
  view with the conjugate bit: ``is_conj()`` is False for every tensor here, and writing into
  the conjugate does not write into its input (docs/supported.md says so).

On a real tensor PyTorch's ``conj``, ``conj_physical``, ``resolve_conj``, ``resolve_neg`` and
``Tensor.real`` return the input itself (the same object: no copy, no node), so scripts
written for complex and real data run unchanged. ``conj_physical_`` of a real tensor is a real
in-place op in PyTorch: it bumps the version, and on a tensor with history it records
ConjPhysicalBackward1 (gradient: the incoming one), as here.
"""
from .. import _dtype, kernels
from .._tensor import Tensor
from ._inplace import make_inplace
from ._opdef import defop
from ._surface import public

_SCALAR_NAMES = {"float16": "Half", "bfloat16": "BFloat16", "float32": "Float", "float64": "Double",
                 "int8": "Char", "int16": "Short", "int32": "Int", "int64": "Long", "uint8": "Byte",
                 "bool": "Bool", "complex64": "ComplexFloat", "complex128": "ComplexDouble"}


def _check(name, input):
    if not isinstance(input, Tensor):
        raise TypeError(f"{name}(): argument 'input' (position 1) must be Tensor, not {type(input).__name__}")
    return input


def conj_value(x):
    """The complex conjugate of a tensor (itself when real) or of a number, for the formulas."""
    if isinstance(x, Tensor):
        return conj(x)
    return x.conjugate()


def sgn(z):
    """z / |z| (0 where z is 0), in differentiable ops: the direction of each complex element."""
    a = z.abs()
    return z / a.masked_fill(a == 0, 1.0)


# -- the views between complex and real ---------------------------------------------------------

_view_as_real = defop("view_as_real", "input", kernels.view_as_real, view=True, promote=None, complex=True,
                      grads={"input": lambda grad: _view_as_complex(grad.contiguous())})
_view_as_complex = defop("view_as_complex", "input", kernels.view_as_complex, view=True, promote=None,
                         grads={"input": lambda grad: _view_as_real(grad.contiguous())})


@public()
def view_as_real(input):
    """A real view of complex `input`, of shape input.shape + (2,): the real and imaginary parts
    (sharing memory: writing into one writes into the other)."""
    _check("view_as_real", input)
    if not input._data.dtype.kind == "c":
        raise RuntimeError("view_as_real is only supported for complex tensors")
    return _view_as_real(input)


@public()
def view_as_complex(input):
    """A complex view of float32/float64 `input` whose last dim has size 2 and stride 1 (real
    and imaginary parts), of shape input.shape[:-1], sharing memory."""
    _check("view_as_complex", input)
    a = input._data
    if a.dtype not in (_dtype.float32.numpy_dtype, _dtype.float64.numpy_dtype):
        raise RuntimeError(f"view_as_complex is only supported for half, float and double tensors, but got a "
                           f"tensor of scalar type: {_SCALAR_NAMES[input.dtype.name]}"
                           + (" (complex32, the complex type of half, is not supported here)"
                              if input.dtype is _dtype.float16 else ""))
    if a.ndim == 0:
        raise RuntimeError("Input tensor must have one or more dimensions")
    if a.shape[-1] != 2:
        raise RuntimeError(f"Tensor must have a last dimension of size 2 (got shape {list(a.shape)})")
    item = a.itemsize
    if a.strides[-1] != item:
        raise RuntimeError(f"Tensor must have a last dimension with stride 1 (got strides "
                           f"{[s // item for s in a.strides]})")
    if any(s % (2 * item) for s in a.strides[:-1]):
        raise RuntimeError(f"Tensor must have a stride divisible by 2 for all but last dimension (got strides "
                           f"{[s // item for s in a.strides]})")
    where = kernels.array_storage(a)
    if where is not None and where[1] % (2 * item):
        raise RuntimeError(f"Tensor must have a storage_offset divisible by 2 (got {where[1] // item})")
    return _view_as_complex(input)


@public()
def real(input):
    """The real parts of complex `input`, a view (``view_as_real(input)[..., 0]``); a real
    tensor: `input` itself."""
    _check("real", input)
    if input._data.dtype.kind != "c":
        return input
    return _view_as_real(input).select(-1, 0)


@public()
def imag(input):
    """The imaginary parts of complex `input`, a view (``view_as_real(input)[..., 1]``)."""
    _check("imag", input)
    if input._data.dtype.kind != "c":
        raise RuntimeError("imag is not implemented for tensors with non-complex dtypes.")
    return _view_as_real(input).select(-1, 1)


# -- complex tensors from real ones -------------------------------------------------------------

_complex = defop("complex", "real, imag", kernels.complex, promote=None,
                 grads={"real": lambda grad: real(grad), "imag": lambda grad: imag(grad)})
_polar = defop("polar", "abs, angle", kernels.polar, promote=None,
               grads={"abs": lambda grad, result: real(conj_value(grad) * sgn(result)),
                      "angle": lambda grad, result: real(conj_value(grad) * (result * 1j))})


def _check_parts(name, a, b):
    for position, (arg, x) in enumerate(((name[0], a), (name[1], b)), 1):
        if not isinstance(x, Tensor):
            raise TypeError(f"{name[2]}(): argument '{arg}' (position {position}) must be Tensor, not "
                            f"{type(x).__name__}")
    if not (a.dtype.is_floating_point and b.dtype.is_floating_point) or _dtype.bfloat16 in (a.dtype, b.dtype):
        raise RuntimeError(f"Expected both inputs to be Half, Float or Double tensors but got "
                           f"{_SCALAR_NAMES[a.dtype.name]} and {_SCALAR_NAMES[b.dtype.name]}")
    if a.dtype is not b.dtype:
        raise RuntimeError(f"Expected object of scalar type {_SCALAR_NAMES[a.dtype.name]} but got scalar type "
                           f"{_SCALAR_NAMES[b.dtype.name]} for second argument")
    if a.dtype is _dtype.float16:
        raise RuntimeError(f"{name[2]}: float16 parts would make a complex32 tensor, which is not supported here")


@public(out="exact")
def complex(real, imag):
    """The complex tensor real + i imag (float32 parts give complex64, float64 complex128; broadcast)."""
    _check_parts(("real", "imag", "complex"), real, imag)
    return _complex(real, imag)


@public(out="exact")
def polar(abs, angle):
    """The complex tensor abs * (cos(angle) + i sin(angle)) (float32 parts give complex64, float64
    complex128; broadcast)."""
    _check_parts(("abs", "angle", "polar"), abs, angle)
    return _polar(abs, angle)


# -- angle and the conjugate --------------------------------------------------------------------

angle = defop("angle", "input", kernels.angle, promote="float",
              grads={"input": lambda grad: grad * 0},
              complex={"input": lambda grad, input: grad * (input * 1j) / _abs2_nonzero(input)},
              export=True, method=True, out="cast")


def _abs2_nonzero(z):
    # |z|^2, with 1 where z is 0: angle's gradient is 0 there (PyTorch's convention), and
    # i z / 1 is 0 at z = 0.
    a2 = real(z) * real(z) + imag(z) * imag(z)
    return a2.masked_fill(a2 == 0, 1.0)


_conj = defop("conj", "input", kernels.conj, promote=None, complex=True,
              grads={"input": lambda grad: conj(grad)})
_conj_physical = defop("conj_physical_complex", "input", kernels.conj, promote=None, complex=True,
                       node_name="ConjPhysicalBackward0", grads={"input": lambda grad: conj_physical(grad)})


@public(method=True)
def conj(input):
    """The complex conjugate: for a complex tensor a new tensor (ConjBackward0; PyTorch returns a
    lazy view with the conjugate bit instead), for a real one `input` itself."""
    _check("conj", input)
    return _conj(input) if input._data.dtype.kind == "c" else input


@public(method=True, out="exact")
def conj_physical(input):
    """The complex conjugate, computed; for a real tensor, `input` itself (with out=, a copy into out)."""
    _check("conj_physical", input)
    return _conj_physical(input) if input._data.dtype.kind == "c" else input


@public(method=True)
def resolve_conj(input):
    """`input` with its conjugate bit materialized; no tensor here has one (conj computes): `input` itself."""
    return _check("resolve_conj", input)


@public(method=True)
def resolve_neg(input):
    """`input` with its negative bit materialized; no tensor here has one: `input` itself."""
    return _check("resolve_neg", input)


# The in-place conj_physical_ of a real tensor: its values stay, but PyTorch records it as an op
# (version bump, ConjPhysicalBackward1 on a tensor with history). Not declared complex: a complex
# tensor is refused (its values would have to change).
conj_physical_inplace = defop("conj_physical_", "input", kernels.copy, promote=None,
                              node_name="ConjPhysicalBackward1", grads={"input": lambda grad: grad})


def _set_part(view, value):
    # z.real = v / z.imag = v: a copy into the view, as PyTorch (a number fills it)
    if isinstance(value, Tensor):
        view.copy_(value)
    else:
        view.fill_(value)


def _is_complex_method(self):
    """Whether this tensor's dtype is complex (complex64 or complex128)."""
    return self._data.dtype.kind == "c"


METHODS = {"conj_physical_": make_inplace(conj_physical_inplace, "conj_physical_"),
           "is_conj": lambda self: False, "is_neg": lambda self: False,
           "is_complex": _is_complex_method,
           "real": property(real, lambda self, value: _set_part(real(self), value),
                            doc="The real parts (a view of a complex tensor; a real tensor itself). Assigning "
                                "copies into them."),
           "imag": property(imag, lambda self, value: _set_part(imag(self), value),
                            doc="The imaginary parts of a complex tensor (a view). Assigning copies into them.")}
METHODS["is_conj"].__doc__ = ("False: no tensor has its conjugate bit set (conj of a complex tensor is computed, "
                              "not a lazy view).")
METHODS["is_neg"].__doc__ = "False: no tensor has its negative bit set."
METHODS["conj_physical_"].__doc__ = ("In place, the complex conjugate: on a real tensor the values stay, the "
                                     "version is bumped and a tensor with history records ConjPhysicalBackward1.")
