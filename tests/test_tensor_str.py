"""Tensor printing: format_tensor gives PyTorch's repr, character for character.

Two kinds of check:

* literal strings, copied from PyTorch, so the file tests something without it;
* PyTorch as the oracle (the ``torch`` fixture skips when it is absent): the
  same values and attributes through ``repr(torch_tensor)`` and through
  ``format_tensor``, over hand-picked edge cases, seeded random arrays of many
  shapes, magnitudes and dtypes, autograd suffixes from real torch ops, print
  options and a float64 default dtype.
"""
import contextlib
from collections import namedtuple

import numpy as np
import pytest

from pyautograd._tensor_str import format_tensor, get_printoptions, printoptions, set_printoptions

nan, inf = np.nan, np.inf

# ---------------------------------------------------------------------------
# Literal strings (from PyTorch 2.13)
# ---------------------------------------------------------------------------

LITERALS = [
    (np.array(14.0), "float32", {}, "tensor(14.)"),
    (np.array([1.0, 2.0]), "float32", {"requires_grad": True}, "tensor([1., 2.], requires_grad=True)"),
    (np.array(0.0105), "float32", {"grad_fn_name": "MeanBackward0"},
     "tensor(0.0105, grad_fn=<MeanBackward0>)"),
    (np.array([nan, 0.1416, -0.0243, -0.0167, 0.0]), "float32", {},
     "tensor([    nan,  0.1416, -0.0243, -0.0167,  0.0000])"),
    (np.array([1, 2, 3]), "int64", {}, "tensor([1, 2, 3])"),
    (np.array([True, False]), "bool", {}, "tensor([ True, False])"),
    (np.array([1.0, 2.0]), "float64", {}, "tensor([1., 2.], dtype=torch.float64)"),
    (np.zeros((0, 3)), "float32", {}, "tensor([], size=(0, 3))"),
    (np.zeros(0), "float32", {}, "tensor([])"),
    (np.zeros(0, np.int64), "int64", {}, "tensor([], dtype=torch.int64)"),
    (np.zeros(0, bool), "bool", {}, "tensor([], dtype=torch.bool)"),
    (np.zeros((2, 0), np.int32), "int32", {}, "tensor([], size=(2, 0), dtype=torch.int32)"),
    (np.array(3), "int32", {}, "tensor(3, dtype=torch.int32)"),
    (np.array([1e10, 1e-10]), "float32", {}, "tensor([1.0000e+10, 1.0000e-10])"),
    (np.array([nan, inf, -inf]), "float32", {}, "tensor([nan, inf, -inf])"),
    (np.array([1.0, nan, -inf]), "float32", {}, "tensor([1., nan, -inf])"),
    (np.array([-0.0, 0.0]), "float32", {}, "tensor([-0., 0.])"),
    (np.array([-0.0, 1.5]), "float32", {}, "tensor([-0.0000, 1.5000])"),
    (np.array([1000.0, 1.0]), "float32", {}, "tensor([1000.,    1.])"),
    (np.array([1001.0, 1.0]), "float32", {}, "tensor([1.0010e+03, 1.0000e+00])"),
    (np.array([1.5, 2.0], np.float16), "float16", {}, "tensor([1.5000, 2.0000], dtype=torch.float16)"),
    (np.array([1.0, 2.0]), "float64", {"default_float_name": "float64"}, "tensor([1., 2.])"),
    (np.array([1.0, 2.0]), "float32", {"default_float_name": "float64"},
     "tensor([1., 2.], dtype=torch.float32)"),
    (np.zeros(0), "float32", {"default_float_name": "float64"}, "tensor([], dtype=torch.float32)"),
    (np.arange(30.0), "float32", {},
     "tensor([ 0.,  1.,  2.,  3.,  4.,  5.,  6.,  7.,  8.,  9., 10., 11., 12., 13.,\n"
     "        14., 15., 16., 17., 18., 19., 20., 21., 22., 23., 24., 25., 26., 27.,\n"
     "        28., 29.])"),
    (np.arange(1001), "int64", {}, "tensor([   0,    1,    2,  ...,  998,  999, 1000])"),
    (np.arange(24.0).reshape(2, 3, 4) / 8, "float32", {},
     "tensor([[[0.0000, 0.1250, 0.2500, 0.3750],\n"
     "         [0.5000, 0.6250, 0.7500, 0.8750],\n"
     "         [1.0000, 1.1250, 1.2500, 1.3750]],\n"
     "\n"
     "        [[1.5000, 1.6250, 1.7500, 1.8750],\n"
     "         [2.0000, 2.1250, 2.2500, 2.3750],\n"
     "         [2.5000, 2.6250, 2.7500, 2.8750]]])"),
    (np.arange(2000).reshape(40, 50), "int32", {},
     "tensor([[   0,    1,    2,  ...,   47,   48,   49],\n"
     "        [  50,   51,   52,  ...,   97,   98,   99],\n"
     "        [ 100,  101,  102,  ...,  147,  148,  149],\n"
     "        ...,\n"
     "        [1850, 1851, 1852,  ..., 1897, 1898, 1899],\n"
     "        [1900, 1901, 1902,  ..., 1947, 1948, 1949],\n"
     "        [1950, 1951, 1952,  ..., 1997, 1998, 1999]], dtype=torch.int32)"),
    (np.arange(13.0) * 1.5, "float64", {"requires_grad": True},
     "tensor([ 0.0000,  1.5000,  3.0000,  4.5000,  6.0000,  7.5000,  9.0000, 10.5000,\n"
     "        12.0000, 13.5000, 15.0000, 16.5000, 18.0000], dtype=torch.float64,\n"
     "       requires_grad=True)"),
    (np.array(2.0), "float32", {"prefix": "Parameter("}, "Parameter(2.)"),
]


@pytest.mark.parametrize("data, dtype_name, kwargs, expected", LITERALS,
                         ids=[f"literal{i}" for i in range(len(LITERALS))])
def test_literal(data, dtype_name, kwargs, expected):
    assert format_tensor(data, dtype_name=dtype_name, **kwargs) == expected


def test_literals_with_options():
    x = np.array([1.23456, 123.456])
    with printoptions(precision=2):
        assert format_tensor(x, dtype_name="float32") == "tensor([  1.23, 123.46])"
    with printoptions(sci_mode=True):
        assert format_tensor(x, dtype_name="float32") == "tensor([1.2346e+00, 1.2346e+02])"
        # Without a nonzero finite element PyTorch never switches to scientific notation.
        assert format_tensor(np.array([0.0, nan]), dtype_name="float32") == "tensor([0., nan])"
    with printoptions(profile="short"):
        assert format_tensor(np.arange(1001.0), dtype_name="float32") == \
            "tensor([   0.,    1.,  ...,  999., 1000.])"
    with printoptions(edgeitems=0, threshold=3):
        assert format_tensor(np.arange(5), dtype_name="int64") == "tensor([...], size=(5,))"
    assert format_tensor(x, dtype_name="float32") == "tensor([  1.2346, 123.4560])"


def test_printoptions_defaults_and_profiles():
    defaults = {"precision": 4, "threshold": 1000, "edgeitems": 3, "linewidth": 80, "sci_mode": None}
    assert get_printoptions() == defaults
    with printoptions(profile="full"):
        assert get_printoptions()["threshold"] == float("inf")
    with printoptions(profile="short", linewidth=100):
        assert get_printoptions() == dict(defaults, precision=2, edgeitems=2, linewidth=100)
    try:
        set_printoptions(sci_mode=True)
        assert get_printoptions()["sci_mode"] is True
        set_printoptions(precision=6)  # as in PyTorch, leaving sci_mode out resets it
        assert get_printoptions() == dict(defaults, precision=6)
    finally:
        set_printoptions(profile="default")
    assert get_printoptions() == defaults


def test_bad_arguments():
    with pytest.raises(ValueError, match="profile 'long'"):
        set_printoptions(profile="long")
    with pytest.raises(ValueError, match="dtype_name 'complex32'"):
        format_tensor(np.zeros(2), dtype_name="complex32")


# ---------------------------------------------------------------------------
# PyTorch as the oracle
# ---------------------------------------------------------------------------

# grad: None, "requires" (a leaf that requires grad) or the name of an op in OPS
# applied to such a leaf; options: print options; default: the default float dtype.
Case = namedtuple("Case", "id data dtype grad options default", defaults=(None, None, "float32"))

OPS = {
    "mul": lambda t: t * 2,
    "add": lambda t: t + 1,
    "exp": lambda t: t.exp(),
    "neg": lambda t: -t,
    "mean": lambda t: t.mean(),
    "sum": lambda t: t.sum(),
    "view": lambda t: t.view(-1),
}

FLOATS = ("float32", "float64", "float16")
INTS = {"int8": (-128, 128), "uint8": (0, 256), "int16": (-2**15, 2**15),
        "int32": (-2**31, 2**31), "int64": (-2**62, 2**62)}

SHAPES = [(), (1,), (2,), (7,), (30,), (1, 1), (2, 3), (5, 4), (3, 17), (2, 3, 4), (2, 1, 3, 2),
          (1001,), (33, 31), (4, 300), (11, 10, 10), (2, 3, 2, 3, 30), (2, 2, 2, 2, 2, 40),
          (0,), (0, 3), (3, 0), (2, 0, 4)]


def _with_specials(rng, x):
    flat = x.reshape(-1).copy()
    picks = rng.integers(0, 5, flat.size)
    chosen = rng.random(flat.size) < 0.3
    flat[chosen] = np.array([nan, inf, -inf, 0.0, -0.0])[picks[chosen]]
    return flat.reshape(x.shape)


FLOAT_VALUES = {
    "normal": lambda rng, s: rng.standard_normal(s),
    "unit": lambda rng, s: rng.random(s),
    "scaled": lambda rng, s: rng.standard_normal(s) * 10.0 ** rng.integers(-9, 12),
    "tiny": lambda rng, s: rng.standard_normal(s) * 1e-5,
    "whole": lambda rng, s: rng.integers(-50, 50, s).astype(float),
    "wholebig": lambda rng, s: rng.integers(-10**6, 10**6, s) * 1000.0,
    "wide": lambda rng, s: np.where(rng.random(s) < 0.5, -1, 1) * 10.0 ** rng.uniform(-12, 12, s),
    "special": lambda rng, s: _with_specials(rng, rng.standard_normal(s) * 100),
    "ties": lambda rng, s: np.round(rng.uniform(-10, 10, s), 4) + 0.00005,
}


def _as(values, dtype):
    with np.errstate(over="ignore"):
        return np.asarray(values).astype(dtype)


def _random_cases():
    rng = np.random.default_rng(20240601)
    cases = []
    for shape in SHAPES:
        for dtype in FLOATS:
            for name, make in FLOAT_VALUES.items():
                cases.append(Case(f"{dtype}-{name}-{shape}", _as(make(rng, shape), dtype), dtype))
        for dtype, (low, high) in INTS.items():
            for label, (lo, hi) in (("small", (max(low, -10), 10)), ("full", (low, high))):
                data = rng.integers(lo, hi, shape, dtype=np.int64).astype(dtype)
                cases.append(Case(f"{dtype}-{label}-{shape}", data, dtype))
        cases.append(Case(f"bool-{shape}", rng.random(shape) < 0.5, "bool"))
    return cases


RANDOM = _random_cases()

EDGE_VALUES = [
    [1e10, 1e-10], [1.0, 2.0], [nan, inf, -inf], [-0.0, 0.0], [-0.0, 1.5], [0.0, 0.0], [nan], [inf],
    [-inf, 2.0], [1e8], [1e8 + 8], [123456789.0], [1e-4], [0.99e-4, 1.0], [1000.0, 1.0],
    [1001.0, 1.0], [0.5, 500.0], [0.5, 500.5], [65504.0, 6e-5], [1e-320, 1e300], [1e308, -1e308],
    [5e-324], [0.00005], [0.00015, 0.1], [999999.5, 1.0], [9.99995, 1.0], [-9.99995, 0.5],
    [2.5, -3.5, 1e5], [1.0, -1.0, 0.0, -0.0, nan], [0.1, 0.2, 0.3], [1e-5, nan, -0.0],
    [12345.6789], [-1e-8], [7.0] * 12, list(np.arange(-5, 6) * 0.25), [3.0e38, -3.0e38],
]


def _edge_cases():
    cases = []
    for i, values in enumerate(EDGE_VALUES):
        for dtype in FLOATS:
            data = _as(values, dtype)
            cases.append(Case(f"edge{i}-{dtype}", data, dtype))
            cases.append(Case(f"edge{i}-{dtype}-scalar", np.array(data[0]), dtype))
    for dtype, (low, high) in INTS.items():
        extremes = np.array([low, high - 1, 0, -1 if low else 1], dtype=np.int64).astype(dtype)
        cases.append(Case(f"edge-{dtype}", extremes, dtype))
        cases.append(Case(f"edge-{dtype}-scalar", np.array(extremes[1]), dtype))
    for flag in (True, False):
        cases.append(Case(f"edge-bool-{flag}", np.array([flag] * 4), "bool"))
        cases.append(Case(f"edge-bool-{flag}-scalar", np.array(flag), "bool"))
    # Line filling and suffix wrapping around the 80-character boundary.
    for n in range(1, 28):
        for dtype in ("float32", "float64"):
            data = np.arange(n) * 1.5
            cases.append(Case(f"line{n}-{dtype}", data, dtype, grad="requires"))
            cases.append(Case(f"line{n}-{dtype}-mul", data, dtype, grad="mul"))
            cases.append(Case(f"line{n}-{dtype}-int", np.arange(n) * 11.0, dtype, grad="requires"))
        cases.append(Case(f"line{n}-int32", np.arange(n) * 1001, "int32"))
    return cases


def _grad_cases():
    rng = np.random.default_rng(7)
    cases = []
    floats = [c for c in RANDOM if c.dtype in FLOATS and c.data.size]
    for i in rng.choice(len(floats), 160, replace=False):
        case = floats[i]
        grad = ["requires", *OPS][rng.integers(0, len(OPS) + 1)]
        cases.append(case._replace(id=f"{case.id}-{grad}", grad=grad))
    return cases


OPTION_SETS = [
    {"precision": 2}, {"precision": 0}, {"precision": 8}, {"linewidth": 40}, {"linewidth": 120},
    {"linewidth": 10}, {"sci_mode": True}, {"sci_mode": False}, {"edgeitems": 1, "threshold": 50},
    {"edgeitems": 0, "threshold": 10}, {"edgeitems": 5}, {"threshold": 5}, {"profile": "short"},
    {"profile": "full"}, {"precision": 3, "linewidth": 60, "sci_mode": True},
]


def _option_cases():
    rng = np.random.default_rng(11)
    cases = []
    for options in OPTION_SETS:
        label = ",".join(f"{k}={v}" for k, v in options.items())
        for i in rng.choice(len(RANDOM), 40, replace=False):
            case = RANDOM[i]
            grad = "requires" if case.dtype in FLOATS and rng.random() < 0.3 else None
            cases.append(case._replace(id=f"{case.id}-[{label}]", grad=grad, options=options))
    return cases


def _default_double_cases():
    rng = np.random.default_rng(5)
    picked = [RANDOM[i] for i in rng.choice(len(RANDOM), 60, replace=False)]
    picked += [c for c in _edge_cases() if c.data.size == 0 or c.id.startswith("line2")]
    empties = [Case(f"empty-{d}", np.zeros((0,), d), d) for d in (*FLOATS, *INTS, "bool")]
    return [c._replace(id=f"{c.id}-[default float64]", default="float64") for c in picked + empties]


def _oracle_groups():
    """The oracle cases in groups of a few dozen to a few hundred, one test each
    (one test per case would spend most of the time in pytest itself)."""
    groups = {f"random-{dtype}": [c for c in RANDOM if c.dtype == dtype]
              for dtype in (*FLOATS, *INTS, "bool")}
    groups["edge"] = _edge_cases()
    groups["autograd"] = _grad_cases()
    for case in _option_cases():
        groups.setdefault("options-" + case.id.rsplit("-[", 1)[1].rstrip("]"), []).append(case)
    groups["default-float64"] = _default_double_cases()
    return groups


ORACLE = _oracle_groups()


@contextlib.contextmanager
def _torch_settings(torch, case):
    saved_options = torch._tensor_str.get_printoptions()
    saved_default = torch.get_default_dtype()
    try:
        torch.set_default_dtype(getattr(torch, case.default))
        torch.set_printoptions(**(case.options or {}))
        with printoptions(**(case.options or {})):
            yield
    finally:
        torch.set_default_dtype(saved_default)
        torch.set_printoptions(**saved_options)


def _torch_and_ours(torch, case):
    t = torch.from_numpy(np.array(case.data))
    if case.grad is not None:
        t.requires_grad_()
    if case.grad in OPS:
        t = OPS[case.grad](t)
    grad_fn_name = type(t.grad_fn).__name__ if t.grad_fn is not None else None
    ours = format_tensor(t.detach().numpy(), dtype_name=str(t.dtype).removeprefix("torch."),
                         default_float_name=case.default, requires_grad=t.requires_grad,
                         grad_fn_name=grad_fn_name)
    return repr(t), ours


@pytest.mark.parametrize("group", ORACLE)
def test_matches_torch(torch, group):
    mismatches = []
    for case in ORACLE[group]:
        with _torch_settings(torch, case):
            expected, ours = _torch_and_ours(torch, case)
        if ours != expected:
            mismatches.append(f"{case.id}:\n  torch: {expected!r}\n  ours:  {ours!r}")
    assert not mismatches, (f"{len(mismatches)} of {len(ORACLE[group])} differ:\n"
                            + "\n".join(mismatches[:5]))


def test_literals_match_torch(torch):
    """The literal strings above are what PyTorch prints (those it can print without a graph)."""
    for data, dtype_name, kwargs, expected in LITERALS:
        if "grad_fn_name" in kwargs or "prefix" in kwargs:
            continue
        grad = "requires" if kwargs.get("requires_grad") else None
        case = Case("literal", data.astype(dtype_name), dtype_name, grad, None,
                    kwargs.get("default_float_name", "float32"))
        with _torch_settings(torch, case):
            assert _torch_and_ours(torch, case)[0] == expected


@pytest.mark.parametrize("shape", [(), (7,), (2, 20), (3, 2, 9), (40, 40)])
def test_prefix_matches_torch_subclass(torch, shape):
    """A Tensor subclass prints with its class name as the prefix, which sets the indent."""
    class LongSubclassName(torch.Tensor):
        pass

    data = np.arange(int(np.prod(shape)), dtype=np.float32).reshape(shape) * 0.7
    t = torch.from_numpy(np.array(data)).as_subclass(LongSubclassName).requires_grad_()
    ours = format_tensor(data, dtype_name="float32", requires_grad=True, prefix="LongSubclassName(")
    assert ours == repr(t)


def test_str_is_repr(torch):
    t = torch.tensor([[1.5, -2.0], [nan, 3.25]], requires_grad=True)
    assert str(t) == repr(t) == format_tensor(t.detach().numpy(), dtype_name="float32",
                                              requires_grad=True)
