"""Argument checks shared by the two kernel backends, one module per family.

The NumPy reference (kernels/_numpy) and the C wrappers (kernels/_c) call the same checks,
so both accept and reject the same input with the same messages; neither backend imports
the other.
"""


class Unsupported(Exception):
    """Raised by a C wrapper, before any pointer is touched, for valid arguments its kernel
    does not take (e.g. mixed float dtypes); the dispatcher then runs the NumPy reference.

    The dispatchers of kernels decided by one array argument catch it (layer_norm and its
    backward raise it today); the unary, binary and grouped dispatchers do not, so a C
    wrapper of those shapes must take every input the dispatcher sends it."""
