"""Argument checks shared by the two kernel backends, one module per family.

The NumPy reference (kernels/_numpy) and the C wrappers (kernels/_c) call the same checks,
so both accept and reject the same input with the same messages; neither backend imports
the other.
"""


class Unsupported(Exception):
    """Raised by a C wrapper, before any pointer is touched, for valid arguments its kernel
    does not take (e.g. mixed float dtypes); the dispatcher then runs the NumPy reference.

    The dispatchers of kernels decided by one or two array arguments and the grouped ones
    catch it (layer_norm raises it for mixed dtypes; every wrapper guarded by _c/_marshal.guard
    for arrays of more than 16 dims); the unary and binary fast dispatchers do not, so the
    pointwise wrappers take every input the dispatcher sends them (copying what C cannot read)."""
