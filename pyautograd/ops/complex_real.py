"""PyTorch's complex-number helpers on real tensors, where each is an exact identity.

pyautograd's tensors are real, and on a real tensor PyTorch's ``conj``, ``conj_physical``,
``resolve_conj`` and ``resolve_neg`` return the input itself (the same object: no copy, no
node), so scripts written for complex and real data run unchanged. ``conj_physical_`` is a
real in-place op in PyTorch: it bumps the version, and on a tensor with history it records
ConjPhysicalBackward1 (gradient: the incoming one), as here. ``is_conj`` / ``is_neg`` (no
conjugate or negative bit is ever set) live with ``is_complex`` in tensor_types.
"""
from .. import kernels
from .._tensor import Tensor
from ._inplace import make_inplace
from ._opdef import defop
from ._surface import public


def _check(name, input):
    if not isinstance(input, Tensor):
        raise TypeError(f"{name}(): argument 'input' (position 1) must be Tensor, not {type(input).__name__}")
    return input


@public(method=True)
def conj(input):
    """The complex conjugate as a lazy view; for a real tensor (all of pyautograd's), `input` itself."""
    return _check("conj", input)


@public(method=True, out="exact")
def conj_physical(input):
    """The complex conjugate, computed; for a real tensor, `input` itself (with out=, a copy into out)."""
    return _check("conj_physical", input)


@public(method=True)
def resolve_conj(input):
    """`input` with its conjugate bit materialized; no real tensor has one: `input` itself."""
    return _check("resolve_conj", input)


@public(method=True)
def resolve_neg(input):
    """`input` with its negative bit materialized; no real tensor has one: `input` itself."""
    return _check("resolve_neg", input)


# The in-place conj_physical_ of a real tensor: its values stay, but PyTorch records it as an op
# (version bump, ConjPhysicalBackward1 on a tensor with history).
conj_physical_inplace = defop("conj_physical_", "input", kernels.copy, promote=None,
                              node_name="ConjPhysicalBackward1", grads={"input": lambda grad: grad})

METHODS = {"conj_physical_": make_inplace(conj_physical_inplace, "conj_physical_"),
           "is_conj": lambda self: False, "is_neg": lambda self: False}
METHODS["is_conj"].__doc__ = "False: no tensor has its conjugate bit set (pyautograd's tensors are real)."
METHODS["is_neg"].__doc__ = "False: no tensor has its negative bit set (pyautograd's tensors are real)."
METHODS["conj_physical_"].__doc__ = ("In place, the complex conjugate: on a real tensor the values stay, the "
                                     "version is bumped and a tensor with history records ConjPhysicalBackward1.")
