"""einsum: Einstein summation, written in other ops (no backward code of its own).

Why a composite rather than a primitive with a joint formula: each step below
is already an op with its own formulas -- diagonal for a label repeated in
one operand, sum for a label only one operand has, a broadcast product or a
bmm for a contraction between two operands, permute and reshape to line the
labels up -- so first and higher derivatives come for free and the heavy part
runs in the matmul kernel. A primitive's backward would be einsum again with
the operands rearranged, plus diagonal-embedding for repeated labels and
broadcasting back for summed ones: the same machinery, written twice.
PyTorch's einsum is composite too (its grad_fn is that of the last step, e.g.
ViewBackward0 after a bmm).

Operands are contracted left to right (PyTorch may reorder them with
opt_einsum; the values agree to rounding).
"""
import string

from .._tensor import Tensor
from . import autocast
from ._surface import public
from .shape import viewable

_LETTERS = frozenset(string.ascii_letters)


@public()
def einsum(*args):
    """einsum(equation, *operands) or einsum(op1, sublist1, op2, sublist2, ..., [sublist_out]).

    Each operand's dims are named by letters (and '...' for any number of broadcast
    dims); a letter in several operands multiplies along it, a letter missing from the
    output (given after '->', else the letters used once, in alphabetical order) is
    summed over, and a letter repeated in one operand takes its diagonal.
    Example: einsum('bij,bjk->bik', a, b) is a batched matrix product.
    """
    if autocast.on[0] and autocast.active():  # PyTorch's CPU autocast runs it in the low dtype
        return autocast.call_lower(einsum, {}, args)
    equation, operands = _arguments(args)
    lhs, _, rhs = equation.replace(" ", "").partition("->")
    explicit = "->" in equation
    terms = lhs.split(",")
    if not operands:
        raise RuntimeError("einsum(): must provide at least one operand")
    if len(terms) > len(operands):
        raise RuntimeError("einsum(): fewer operands were provided than specified in the equation")
    if len(terms) < len(operands):
        raise RuntimeError("einsum(): more operands were provided than specified in the equation")
    parsed = [_parse_term(t, i) for i, t in enumerate(terms)]
    n_ell = max(_ellipsis_dims(p, x, i) for i, (p, x) in enumerate(zip(parsed, operands)))
    labels = [_expand(p, x.ndim, n_ell) for p, x in zip(parsed, operands)]
    output = _output_labels(rhs, labels, n_ell) if explicit else _implicit_output(labels, n_ell)
    ops = []
    for i, (x, names) in enumerate(zip(operands, labels)):
        x, names = _take_diagonals(x, names, i)
        ops.append((x, names))
    sizes = _label_sizes(ops)
    contracted = [lab for lab in _first_seen(ops) if lab not in output]
    order = list(output) + contracted
    aligned = [_align(x, names, order) for x, names in ops]
    return _contract(aligned, order, output, sizes)


def _arguments(args):
    """(equation, operands) from either calling convention."""
    if not args:
        raise TypeError("einsum(): must specify the equation string and at least one operand")
    if isinstance(args[0], str):
        operands = args[1:]
        if len(operands) == 1 and isinstance(operands[0], (list, tuple)):
            operands = tuple(operands[0])
        return args[0], tuple(operands)
    # Sublist format: operand, sublist, operand, sublist, ..., [output sublist].
    operands, terms = list(args[0::2]), [_sublist(s) for s in args[1::2]]
    out = None
    if len(args) % 2 == 1:
        out = _sublist(operands.pop())
    for x in operands:
        if not isinstance(x, Tensor):
            raise TypeError(f"einsum(): expected a Tensor operand, got {type(x).__name__}")
    return ",".join(terms) + ("" if out is None else "->" + out), tuple(operands)


def _sublist(sub):
    letters = []
    for n in sub:
        if n is Ellipsis:
            letters.append("...")
        elif 0 <= n < 26:
            letters.append(chr(ord("A") + n))
        elif 26 <= n < 52:
            letters.append(chr(ord("a") + n - 26))
        else:
            raise ValueError(f"einsum(): subscript in subscript list is not within the valid range [0, 52), got {n}")
    return "".join(letters)


def _parse_term(term, index):
    """A term as a list of letters with at most one None standing for its ellipsis."""
    out, i = [], 0
    while i < len(term):
        c = term[i]
        if c == ".":
            if term[i:i + 3] != "...":
                raise RuntimeError(f"einsum(): found '.' for operand {index} that is not part of any ellipsis")
            if None in out:
                raise RuntimeError(f"einsum(): found '.' for operand {index} for which an ellipsis was already found")
            out.append(None)
            i += 3
            continue
        if c not in _LETTERS:
            raise RuntimeError(f"einsum(): invalid subscript given at index {i} in the equation string, subscripts "
                               f"must be in [a-zA-Z]")
        out.append(c)
        i += 1
    return out


def _ellipsis_dims(parsed, x, index):
    letters = len(parsed) - (None in parsed)
    if None in parsed:
        if letters > x.ndim:
            raise RuntimeError(f"einsum(): the number of subscripts in the equation ({letters}) is more than the "
                               f"number of dimensions ({x.ndim}) for operand {index}")
        return x.ndim - letters
    if letters != x.ndim:
        raise RuntimeError(f"einsum(): the number of subscripts in the equation ({letters}) does not match the "
                           f"number of dimensions ({x.ndim}) for operand {index} and no ellipsis was given")
    return 0


def _ellipsis_labels(count, n_ell):
    # Ellipsis dims broadcast right-aligned, so they are named from the right.
    return [f"...{n_ell - count + k}" for k in range(count)]


def _expand(parsed, ndim, n_ell):
    """The term's label per dim, its ellipsis replaced by one label per broadcast dim."""
    if None not in parsed:
        return list(parsed)
    at = parsed.index(None)
    count = ndim - (len(parsed) - 1)
    return parsed[:at] + _ellipsis_labels(count, n_ell) + parsed[at + 1:]


def _implicit_output(labels, n_ell):
    counts = {}
    for names in labels:
        for lab in names:
            counts[lab] = counts.get(lab, 0) + 1
    return _ellipsis_labels(n_ell, n_ell) + sorted(lab for lab, n in counts.items()
                                                   if n == 1 and not lab.startswith("..."))


def _output_labels(rhs, labels, n_ell):
    seen = {lab for names in labels for lab in names}
    out = []
    for lab in _parse_term(rhs, "output"):
        if lab is None:
            out += _ellipsis_labels(n_ell, n_ell)
            continue
        if lab not in seen:
            raise RuntimeError(f"einsum(): output subscript {lab} does not appear in the equation for any input operand")
        if lab in out:
            raise RuntimeError(f"einsum(): output subscript {lab} appears more than once in the output")
        out.append(lab)
    return out


def _take_diagonals(x, names, index):
    """Replaces each label repeated within one operand by the diagonal over its dims."""
    names = list(names)
    while len(set(names)) != len(names):
        lab = next(n for n in names if names.count(n) > 1)
        i = names.index(lab)
        j = names.index(lab, i + 1)
        a, b = x._data.shape[i], x._data.shape[j]
        if a != b:
            raise RuntimeError(f"einsum(): subscript {lab} is repeated for operand {index} but the sizes don't "
                               f"match, {b} != {a}")
        x = x.diagonal(0, i, j)
        names = [n for k, n in enumerate(names) if k not in (i, j)] + [lab]
    return x, names


def _label_sizes(ops):
    """Each label's size, checking that its sizes across operands broadcast."""
    sizes = {}
    for i, (x, names) in enumerate(ops):
        for lab, n in zip(names, x._data.shape):
            seen = sizes.get(lab, 1)
            if n != 1 and seen != 1 and n != seen:
                raise RuntimeError(f"einsum(): subscript {lab} has size {n} for operand {i} which does not broadcast "
                                   f"with previously seen size {seen}")
            if n != 1:
                sizes[lab] = n
            else:
                sizes.setdefault(lab, 1)
    return sizes


def _first_seen(ops):
    order = []
    for _, names in ops:
        order += [n for n in names if n not in order]
    return order


def _align(x, names, order):
    """`x` with its dims permuted into `order` and size-1 dims for the labels it lacks."""
    mine = [lab for lab in order if lab in names]
    x = x.permute([names.index(lab) for lab in mine])  # always, as PyTorch (so its grad_fn names match)
    shape = tuple(x._data.shape[mine.index(lab)] if lab in names else 1 for lab in order)
    if shape != x._data.shape:
        x = _reshaped(x, shape)
    return x


def _contract(aligned, order, output, sizes):
    """Multiplies the aligned operands left to right, summing each contracted label as soon as no
    operand still to come has it."""
    def present(x, d):
        return x._data.shape[d] != 1

    keep = {order.index(lab) for lab in output}
    dims = range(len(order))
    if len(aligned) == 1:  # contracted labels come last in `order`: sum them away
        x = aligned[0]
        return x.sum(tuple(range(len(output), len(order)))) if len(order) > len(output) else x
    # A contracted label that only one operand has (as a real dim) is summed right away.
    for i, x in enumerate(aligned):
        alone = tuple(d for d in dims if d not in keep and present(x, d)
                      and not any(present(y, d) for j, y in enumerate(aligned) if j != i))
        if alone:
            aligned[i] = x.sum(alone, keepdim=True)
    result = aligned[0]
    for k in range(1, len(aligned)):
        later = aligned[k + 1:]
        done = [d for d in dims if d not in keep and not any(present(y, d) for y in later)]
        result = _sum_product(result, aligned[k], done)
    shape = tuple(sizes[lab] if result._data.shape[order.index(lab)] != 1 else 1 for lab in output)
    if result._data.shape != shape:
        result = _reshaped(result, shape)
    return result


def _sum_product(a, b, sum_dims):
    """(a * b) summed over `sum_dims` (kept as size 1), as one bmm when there is anything to sum."""
    sa, sb = a._data.shape, b._data.shape
    for d in sum_dims:  # summed dims that only one side has are summed on that side first
        if sa[d] != 1 and sb[d] == 1:
            a = a.sum(d, keepdim=True)
        elif sb[d] != 1 and sa[d] == 1:
            b = b.sum(d, keepdim=True)
    sa, sb = a._data.shape, b._data.shape
    summed = [d for d in sum_dims if sa[d] != 1]
    if not summed:
        return a * b
    rest = [d for d in range(len(sa)) if d not in sum_dims]
    batch = [d for d in rest if sa[d] != 1 and sb[d] != 1]
    left = [d for d in rest if sa[d] != 1 and sb[d] == 1]
    right = [d for d in rest if sa[d] == 1 and sb[d] != 1]
    ones = [d for d in range(len(sa)) if d not in batch + left + right + summed]

    def prod(ds, shape):
        n = 1
        for d in ds:
            n *= shape[d]
        return n

    bsz, lsz, rsz, ksz = prod(batch, sa), prod(left, sa), prod(right, sb), prod(summed, sa)
    a3 = _permuted(a, batch + left + summed + ones + right).reshape(bsz, lsz, ksz)
    b3 = _permuted(b, batch + summed + right + ones + left).reshape(bsz, ksz, rsz)
    out = a3.bmm(b3)
    kept = batch + left + right
    out = _reshaped(out, [sa[d] for d in batch + left] + [sb[d] for d in right])
    out = _permuted(out, sorted(range(len(kept)), key=lambda i: kept[i]))
    full = tuple(sa[d] if d in batch or d in left else sb[d] if d in right else 1 for d in range(len(sa)))
    return _reshaped(out, full) if out._data.shape != full else out


def _reshaped(x, shape):
    """x viewed with `shape` where the layout allows (as PyTorch's einsum, ViewBackward0), else copied."""
    return x.view(shape) if viewable(x, tuple(shape)) else x.reshape(shape)


def _permuted(x, perm):
    return x if list(perm) == sorted(perm) else x.permute(list(perm))
