"""Tensor printing: the exact text of PyTorch's ``repr(tensor)``.

This module works on NumPy arrays and knows nothing of the Tensor class; the
Tensor's ``__repr__`` passes its data, dtype name and autograd attributes to
:func:`format_tensor`.

PyTorch's rules, as it prints a CPU tensor:

* **One style and one width for all elements.** Integers and bools are
  written with ``str``. A floating tensor looks at its nonzero finite
  elements only: if they are all whole numbers it writes ``1.``; otherwise
  ``precision`` decimals (``0.1416``); and it switches to scientific notation
  (``1.0000e+10``) when the largest magnitude is over 1e8, the smallest under
  1e-4, or the largest over 1000 times the smallest (``sci_mode`` overrides
  this, except when there is no nonzero finite element at all). Every element
  is right-aligned to the width of the widest of those nonzero finite ones
  (zeros, nan and inf are not measured).
* **Summaries.** A tensor of more than ``threshold`` elements shows only
  ``edgeitems`` entries from each end of every longer dimension, with ``...``
  between; the width is then measured over the shown entries only.
* **Layout.** Rows are wrapped to ``linewidth`` with a fixed number of
  elements per line; nested brackets are indented to line up under the
  opening one, and blocks of dimension ``d`` are separated by ``d - 1`` blank
  lines.
* **Suffixes.** ``dtype=`` appears unless the dtype is the default float
  dtype, int64 or bool (an empty tensor shows it for every dtype but the
  default float one, and its ``size=`` unless it is 1-D); then
  ``grad_fn=<...>`` or ``requires_grad=True``. A suffix that would overrun
  ``linewidth`` goes on its own line.
"""
import contextlib
import math

import numpy as np

_PROFILES = {
    "default": {"precision": 4, "threshold": 1000, "edgeitems": 3, "linewidth": 80},
    "short": {"precision": 2, "threshold": 1000, "edgeitems": 2, "linewidth": 80},
    "full": {"precision": 4, "threshold": math.inf, "edgeitems": 3, "linewidth": 80},
}

_options = dict(_PROFILES["default"], sci_mode=None)

# The kind of element each dtype holds: "f" floating, "i" integer, "b" bool.
_KINDS = {"float16": "f", "bfloat16": "f", "float32": "f", "float64": "f", "int8": "i", "int16": "i",
          "int32": "i", "int64": "i", "uint8": "i", "bool": "b", "complex64": "c", "complex128": "c"}


def set_printoptions(precision=None, threshold=None, edgeitems=None, linewidth=None,
                     profile=None, sci_mode=None):
    """Set how tensors are printed, as ``torch.set_printoptions`` does.

    Args:
        precision: digits after the decimal point (default 4).
        threshold: element count above which a tensor is summarized (default 1000).
        edgeitems: entries shown at each end of a summarized dimension (default 3).
        linewidth: characters per line before wrapping (default 80).
        profile: ``"default"``, ``"short"`` (precision 2, edgeitems 2) or
            ``"full"`` (never summarize), applied before the other arguments.
        sci_mode: True or False forces or forbids scientific notation; None
            (the default) lets each tensor decide. Like PyTorch, every call sets
            it, so a call that leaves it out turns it back to None.

    Example::

        >>> set_printoptions(precision=2)
        >>> format_tensor(np.array([1.2345]), dtype_name="float32")
        'tensor([1.23])'
    """
    if profile is not None:
        if profile not in _PROFILES:
            raise ValueError(f"set_printoptions: unknown profile {profile!r}; "
                             f"expected one of {', '.join(map(repr, _PROFILES))}")
        _options.update(_PROFILES[profile])
    for name, value in (("precision", precision), ("threshold", threshold),
                        ("edgeitems", edgeitems), ("linewidth", linewidth)):
        if value is not None:
            _options[name] = value
    _options["sci_mode"] = sci_mode


def get_printoptions():
    """The current print options as a dict that ``set_printoptions(**d)`` accepts.

    Keys: ``precision``, ``threshold``, ``edgeitems``, ``linewidth``, ``sci_mode``.
    """
    return dict(_options)


@contextlib.contextmanager
def printoptions(**kwargs):
    """Context manager: print with ``set_printoptions(**kwargs)`` inside the block,
    then restore the options that were in force before it."""
    saved = get_printoptions()
    set_printoptions(**kwargs)
    try:
        yield
    finally:
        set_printoptions(**saved)


def format_tensor(data, *, dtype_name, default_float_name="float32", requires_grad=False,
                  grad_fn_name=None, prefix="tensor("):
    """The text PyTorch's ``repr`` gives for a CPU tensor with these values and attributes.

    Args:
        data: the tensor's values, an ``np.ndarray`` (or anything ``np.asarray`` takes).
        dtype_name: the torch dtype name: ``"float32"``, ``"int64"``, ``"bool"``...
            It decides how the values are written and whether ``dtype=`` is shown.
        default_float_name: the default float dtype's name; tensors of that dtype
            print without ``dtype=``.
        requires_grad: shown as ``requires_grad=True`` when there is no grad_fn.
        grad_fn_name: the name of the tensor's grad_fn class, e.g. ``"MulBackward0"``.
        prefix: the text before the values; continuation lines are indented by its length.

    Returns:
        The string, e.g. ``"tensor([1., 2.], requires_grad=True)"``.

    Example::

        >>> format_tensor(np.array(0.0105), dtype_name="float32", grad_fn_name="MeanBackward0")
        'tensor(0.0105, grad_fn=<MeanBackward0>)'
    """
    kind = _KINDS.get(dtype_name)
    if kind is None:
        raise ValueError(f"format_tensor: unknown dtype_name {dtype_name!r}; "
                         f"expected one of {', '.join(_KINDS)}")
    values = np.asarray(data)
    if kind == "c":
        values = values.astype(np.complex128)
    elif kind == "f":
        # float64 holds every float16/bfloat16/float32 value exactly, and Python's float
        # formatting (which PyTorch uses) then sees the same number.
        values = values.astype(np.float64)
    opts = get_printoptions()
    indent = len(prefix)
    suffixes = []
    if values.size == 0:
        body = "[]"
        if values.ndim != 1:
            suffixes.append(f"size={tuple(values.shape)}")
        # No element hints at the dtype, so only the default float one goes unsaid.
        if dtype_name != default_float_name:
            suffixes.append(f"dtype=torch.{dtype_name}")
    else:
        if opts["edgeitems"] == 0:
            suffixes.append(f"size={tuple(values.shape)}")
        # The default complex dtype is the one of the default float's width (PyTorch's rule).
        default_complex_name = "complex128" if default_float_name == "float64" else "complex64"
        if dtype_name not in (default_float_name, default_complex_name, "int64", "bool"):
            suffixes.append(f"dtype=torch.{dtype_name}")
        summarize = values.size > opts["threshold"]
        shown = _shown_part(values, opts["edgeitems"]) if summarize else values
        if kind == "c":
            style = _ComplexStyle(shown.ravel(), opts["precision"], opts["sci_mode"])
        else:
            style = _ElementStyle(shown.ravel(), kind, opts["precision"], opts["sci_mode"])
        body = _nested(values, indent, summarize, style, opts)
    if grad_fn_name is not None:
        suffixes.append(f"grad_fn=<{grad_fn_name}>")
    elif requires_grad:
        suffixes.append("requires_grad=True")
    return _with_suffixes(prefix + body, suffixes, indent, opts["linewidth"])


class _ElementStyle:
    """How every element of one tensor is written: one notation, one width.

    Called with a Python number, returns its text right-aligned to ``width``.
    """

    __slots__ = ("notation", "width", "precision")

    def __init__(self, shown, kind, precision, sci_mode):
        self.precision = precision
        self.width = 1
        if kind != "f":
            self.notation = "str"
            self.width = max((len(str(v)) for v in shown.tolist()), default=1)
            return
        self.notation = "whole"
        measured = shown[np.isfinite(shown) & (shown != 0)]
        if measured.size == 0:
            return
        magnitudes = np.abs(measured)
        smallest, largest = magnitudes.min(), magnitudes.max()
        if sci_mode is None:
            with np.errstate(over="ignore"):
                sci_mode = bool(largest / smallest > 1000.0 or largest > 1e8 or smallest < 1e-4)
        if sci_mode:
            self.notation = "sci"
            spec, extra = f".{precision}e", 0
        elif np.all(measured == np.ceil(measured)):
            spec, extra = ".0f", 1  # the trailing "."
        else:
            self.notation = "fixed"
            spec, extra = f".{precision}f", 0
        self.width = max(1, max(len(format(v, spec)) for v in measured.tolist()) + extra)

    def __call__(self, value):
        if self.notation == "str":
            text = str(value)
        elif self.notation == "sci":
            text = format(value, f".{self.precision}e")
        elif self.notation == "fixed":
            text = format(value, f".{self.precision}f")
        else:
            text = format(value, ".0f")
            if math.isfinite(value):
                text += "."
        return text.rjust(self.width)


class _ComplexStyle:
    """How every element of a complex tensor is written, as PyTorch writes it: the real parts
    and the imaginary parts each get their own notation and width (one style per part), and
    an element is ``<real><sign><|imag|>j`` (``1.+2.j``, ``0.5000-1.0000e-03j``)."""

    __slots__ = ("real", "imag", "width")

    def __init__(self, shown, precision, sci_mode):
        self.real = _ElementStyle(shown.real, "f", precision, sci_mode)
        self.imag = _ElementStyle(shown.imag, "f", precision, sci_mode)
        # one more for the sign between the parts: the line-filling rule counts it
        self.width = self.real.width + self.imag.width + 1

    def __call__(self, value):
        real = self.real(value.real)
        imag = (self.imag(value.imag) + "j").lstrip()
        # a negative imaginary part (or -0.) brings its own sign
        return real + imag if imag[0] in "+-" else real + "+" + imag


def _shown_part(values, edgeitems):
    """The elements a summarized print shows: ``edgeitems`` from each end of every
    dimension longer than twice that, and all of the shorter ones."""
    for axis, size in enumerate(values.shape):
        if size > 2 * edgeitems:
            keep = np.r_[0:edgeitems, size - edgeitems:size]
            values = np.take(values, keep, axis=axis)
    return values


def _nested(values, indent, summarize, style, opts):
    """The bracketed text of ``values``, whose first bracket sits at column ``indent``."""
    if values.ndim == 0:
        return style(values.item())
    edgeitems = opts["edgeitems"]
    length = values.shape[0]
    cut = summarize and length > 2 * edgeitems
    if values.ndim == 1:
        if summarize and edgeitems == 0:
            cells = ["..."]
        elif cut:
            cells = ([style(v) for v in values[:edgeitems].tolist()] + [" ..."]
                     + [style(v) for v in values[length - edgeitems:].tolist()])
        else:
            cells = [style(v) for v in values.tolist()]
        per_line = max(1, math.floor((opts["linewidth"] - indent) / (style.width + 2)))
        lines = [", ".join(cells[i:i + per_line]) for i in range(0, len(cells), per_line)]
        return "[" + (",\n" + " " * (indent + 1)).join(lines) + "]"
    if cut:
        blocks = ([_nested(values[i], indent + 1, summarize, style, opts) for i in range(edgeitems)]
                  + ["..."]
                  + [_nested(values[i], indent + 1, summarize, style, opts)
                     for i in range(length - edgeitems, length)])
    else:
        blocks = [_nested(row, indent + 1, summarize, style, opts) for row in values]
    separator = "," + "\n" * (values.ndim - 1) + " " * (indent + 1)
    return "[" + separator.join(blocks) + "]"


def _with_suffixes(text, suffixes, indent, linewidth):
    """``text`` closed with ``)``, each suffix after ``, `` or, when it would pass
    ``linewidth``, on a new line indented by ``indent``."""
    parts = [text]
    # PyTorch counts the last line as two characters longer than it is.
    used = len(text) - text.rfind("\n") + 1
    for suffix in suffixes:
        if used + len(suffix) + 2 > linewidth:
            parts.append(",\n" + " " * indent + suffix)
            used = indent + len(suffix)
        else:
            parts.append(", " + suffix)
            used += len(suffix) + 2
    parts.append(")")
    return "".join(parts)
