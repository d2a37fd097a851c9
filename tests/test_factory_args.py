"""Factory and dtype= arguments as PyTorch reads them (issue 18): out= on every factory
(zeros, ones, full, empty, arange, linspace, logspace, eye, rand, randn, randint, randperm,
normal), strict dtype= (a name or a NumPy dtype is a TypeError; Python's float is float64),
random samples refused in integer dtypes, randint's empty range. Each case runs on pyautograd
and on torch and compares the outcome: the exception class, or (out returned, shape, dtype,
values -- not for random draws)."""
import numpy as np
import pytest

import pyautograd as pg

RANDOM = {"empty", "rand", "randn", "randint", "randperm", "normal"}


def _out_case(factory, make_out, *args, **kwargs):
    def run(t):
        out = make_out(t)
        r = getattr(t, factory)(*args, out=out, **kwargs)
        values = None if factory in RANDOM else out.tolist()
        return (r is out, tuple(out.shape), str(out.dtype).replace("torch.", ""), values)
    return run


OUT_CASES = {
    "zeros resize": _out_case("zeros", lambda t: t.empty(3), 2, 2),
    "ones float64": _out_case("ones", lambda t: t.empty(2, dtype=t.float64), 2),
    "full": _out_case("full", lambda t: t.empty(2), (2,), 3.0),
    "full float into int": _out_case("full", lambda t: t.empty(3, dtype=t.int64), (3,), 1.5),
    "full dtype mismatch": _out_case("full", lambda t: t.empty(3), (3,), 1, dtype="float64"),
    "empty resize": _out_case("empty", lambda t: t.empty(1), 2, 3),
    "empty same shape": _out_case("empty", lambda t: t.empty(2, 3), 2, 3),
    "arange": _out_case("arange", lambda t: t.empty(0), 4),
    "arange ints into float": _out_case("arange", lambda t: t.empty(3), 3),
    "arange float64": _out_case("arange", lambda t: t.empty(4, dtype=t.float64), 0, 1, 0.25),
    "arange dtype mismatch": _out_case("arange", lambda t: t.empty(3), 3, dtype="float64"),
    "linspace": _out_case("linspace", lambda t: t.empty(5), 0, 1, 5),
    "linspace float64": _out_case("linspace", lambda t: t.empty(3, dtype=t.float64), 0, 1, 3),
    "linspace into int": _out_case("linspace", lambda t: t.empty(3, dtype=t.int64), 0, 4, 3),
    "logspace": _out_case("logspace", lambda t: t.empty(3), 0, 2, 3),
    "logspace into int": _out_case("logspace", lambda t: t.empty(3, dtype=t.int64), 0, 2, 3),
    "eye": _out_case("eye", lambda t: t.empty(2, 2), 2),
    "eye n m resize": _out_case("eye", lambda t: t.empty(1), 2, 3),
    "eye into bool": _out_case("eye", lambda t: t.empty(3, dtype=t.bool), 2),
    "eye dtype mismatch": _out_case("eye", lambda t: t.empty(3), 3, dtype="float64"),
    "rand": _out_case("rand", lambda t: t.empty(1), 2, 3),
    "rand float64": _out_case("rand", lambda t: t.empty(1, dtype=t.float64), 2),
    "rand dtype mismatch": _out_case("rand", lambda t: t.empty(3), 3, dtype="float64"),
    "rand into int": _out_case("rand", lambda t: t.empty(3, dtype=t.int64), 3),
    "randn": _out_case("randn", lambda t: t.empty(1, dtype=t.float64), 2, 3),
    "randn into int": _out_case("randn", lambda t: t.empty(3, dtype=t.int64), 3),
    "randint": _out_case("randint", lambda t: t.empty(1, dtype=t.int64), 0, 5, (3,)),
    "randint into float": _out_case("randint", lambda t: t.empty(3), 3, (3,)),
    "randint dtype mismatch": _out_case("randint", lambda t: t.empty(3, dtype=t.int64), 3, (3,), dtype="int32"),
    "randperm": _out_case("randperm", lambda t: t.empty(4, dtype=t.int64), 4),
    "randperm into float": _out_case("randperm", lambda t: t.empty(3), 3),
    "normal numbers": _out_case("normal", lambda t: t.empty(1), 2.0, 1.0, (3,)),
    "normal tensors into float64": _out_case("normal", lambda t: t.empty(3, dtype=t.float64),
                                             "zeros3", "ones3"),
    "out not a tensor": _out_case("arange", lambda t: [1], 2),
    "ones into out requiring grad": _out_case("ones", lambda t: t.empty(2, requires_grad=True), 2),
    "arange into out requiring grad": _out_case("arange", lambda t: t.empty(2, requires_grad=True), 2),
    "rand into out requiring grad": _out_case("rand", lambda t: t.empty(2, requires_grad=True), 2),
    "normal of a mean requiring grad": _out_case("normal", lambda t: t.empty(3), "zeros3 requiring grad", 1.0),
}

# String placeholders above stand for objects of each library (dtypes, tensors), resolved here.
_PLACEHOLDERS = {"float64": lambda t: t.float64, "int32": lambda t: t.int32, "zeros3": lambda t: t.zeros(3),
                 "ones3": lambda t: t.ones(3), "zeros3 requiring grad": lambda t: t.zeros(3, requires_grad=True)}


def _resolve(t, value):
    return _PLACEHOLDERS[value](t) if isinstance(value, str) and value in _PLACEHOLDERS else value


def _outcome(lib, fn):
    try:
        return ("ok", fn(lib))
    except Exception as exc:  # the class is what is compared
        return ("raise", type(exc).__name__)


class _Resolving:
    """A library whose factories get the placeholder arguments resolved first."""

    def __init__(self, lib):
        self._lib = lib

    def __getattr__(self, name):
        attr = getattr(self._lib, name)
        if not callable(attr) or isinstance(attr, type):
            return attr

        def call(*args, **kwargs):
            return attr(*[_resolve(self._lib, a) for a in args],
                        **{k: _resolve(self._lib, v) for k, v in kwargs.items()})
        return call


@pytest.mark.parametrize("case", sorted(OUT_CASES))
def test_factory_out_matches_pytorch(case, torch):
    fn = OUT_CASES[case]
    ours, theirs = _outcome(_Resolving(pg), fn), _outcome(_Resolving(torch), fn)
    if ours[0] == "ok" and theirs[0] == "ok" and ours[1][3] is not None:
        np.testing.assert_allclose(np.asarray(ours[1][3], float), np.asarray(theirs[1][3], float), rtol=1e-6)
        ours, theirs = (ours[0], ours[1][:3]), (theirs[0], theirs[1][:3])
    assert ours == theirs, f"pyautograd {ours} vs torch {theirs}"


def test_factory_out_bumps_version_and_returns_out():
    out = pg.zeros(3)
    before = out._version
    assert pg.arange(3, out=out) is out
    assert out._version > before
    assert out.tolist() == [0.0, 1.0, 2.0]


DTYPE_ARGS = {"name": "float32", "numpy type": np.float32, "numpy dtype": np.dtype("float64"),
              "python float": float, "python int": int, "int": 1}

DTYPE_CALLS = {
    "zeros": lambda t, d: t.zeros(2, dtype=d), "ones": lambda t, d: t.ones(2, dtype=d),
    "empty": lambda t, d: t.empty(2, dtype=d), "full": lambda t, d: t.full((2,), 1, dtype=d),
    "tensor": lambda t, d: t.tensor([1, 0], dtype=d), "as_tensor": lambda t, d: t.as_tensor([1, 0], dtype=d),
    "arange": lambda t, d: t.arange(2, dtype=d), "linspace": lambda t, d: t.linspace(0, 1, 2, dtype=d),
    "eye": lambda t, d: t.eye(2, dtype=d), "rand": lambda t, d: t.rand(2, dtype=d),
    "randn": lambda t, d: t.randn(2, dtype=d), "randint": lambda t, d: t.randint(0, 3, (2,), dtype=d),
    "randperm": lambda t, d: t.randperm(2, dtype=d), "zeros_like": lambda t, d: t.zeros_like(t.ones(2), dtype=d),
    "full_like": lambda t, d: t.full_like(t.ones(2), 1, dtype=d),
    "sum": lambda t, d: t.ones(2).sum(dtype=d), "mean": lambda t, d: t.ones(2).mean(dtype=d),
    "cumsum": lambda t, d: t.ones(2).cumsum(0, dtype=d), "softmax": lambda t, d: t.ones(2).softmax(0, dtype=d),
    "to dtype=": lambda t, d: t.ones(2).to(dtype=d), "to positional": lambda t, d: t.ones(2).to(d),
    "new_zeros": lambda t, d: t.ones(2).new_zeros(2, dtype=d),
}


@pytest.mark.parametrize("arg", sorted(DTYPE_ARGS))
@pytest.mark.parametrize("call", sorted(DTYPE_CALLS))
def test_dtype_argument_read_as_pytorch(call, arg, torch):
    """A dtype name or a NumPy dtype is a TypeError (code accepted here would fail under
    PyTorch); Python's float means float64, int int64, bool bool."""
    fn, d = DTYPE_CALLS[call], DTYPE_ARGS[arg]

    def run(t):
        return str(fn(t, d).dtype).replace("torch.", "")
    ours, theirs = _outcome(pg, run), _outcome(torch, run)
    if theirs[0] == "raise" and theirs[1] in ("NotImplementedError", "RuntimeError") and ours[0] == "raise":
        theirs = ours  # both refuse (torch's kernels differ in the class for random draws in int dtypes)
    assert ours == theirs, f"pyautograd {ours} vs torch {theirs}"


def test_dtype_name_refused_with_a_clear_message():
    with pytest.raises(TypeError, match=r"zeros\(\): argument 'dtype' must be torch.dtype, not str"):
        pg.zeros(2, dtype="float32")
    with pytest.raises(TypeError, match=r"sum\(\): argument 'dtype' must be torch.dtype, not type"):
        pg.ones(2).sum(dtype=np.float64)


@pytest.mark.parametrize("fn", [lambda t: t.rand(3, dtype=t.int64), lambda t: t.randn(3, dtype=t.int32),
                                lambda t: t.rand(3, dtype=t.bool), lambda t: t.normal(0.0, 1.0, (2,), dtype=t.int64)],
                         ids=["rand int64", "randn int32", "rand bool", "normal int64"])
def test_random_samples_refused_in_integer_dtypes(fn, torch):
    """Uniform and normal samples cast to integers were all 0 (a silent wrong answer)."""
    with pytest.raises(RuntimeError) as theirs:  # NotImplementedError is a RuntimeError
        fn(torch)
    with pytest.raises(theirs.type):
        fn(pg)


@pytest.mark.parametrize("args", [(5, 2, (3,)), (3, 3, (2,)), (0, (2,))])
def test_randint_empty_range_raises_runtime_error(args, torch):
    with pytest.raises(RuntimeError):
        torch.randint(*args)
    with pytest.raises(RuntimeError, match="from"):
        pg.randint(*args)


def test_factory_out_requiring_grad_is_allowed_under_no_grad(torch):
    for lib in (pg, torch):
        out = lib.empty(2, requires_grad=True)
        with lib.no_grad():
            assert lib.ones(2, out=out) is out
        assert out.tolist() == [1.0, 1.0]


@pytest.mark.parametrize("arg", [float, "float64", np.float64, "int64 dtype"])
def test_set_default_dtype_takes_only_a_floating_dtype(arg, torch):
    for lib in (torch, pg):
        value = lib.int64 if arg == "int64 dtype" else arg
        with pytest.raises(TypeError):
            lib.set_default_dtype(value)
        assert lib.get_default_dtype() is lib.float32


# Under no_grad, out= of a factory sets out's requires_grad as the factory's requires_grad=
# says (PyTorch's factories set the flag on their result): a leaf that required grad stops
# requiring it; a non-leaf keeps its graph. empty and randn resize first, which refuses an out
# requiring grad in any mode. Out= forms of ops (add, exp, sum) leave the flag alone.
NO_GRAD_FACTORIES = {
    "zeros": lambda t, o, **k: t.zeros(3, out=o, **k),
    "ones": lambda t, o, **k: t.ones(3, out=o, **k),
    "empty": lambda t, o, **k: t.empty(3, out=o, **k),
    "full": lambda t, o, **k: t.full((3,), 1.5, out=o, **k),
    "eye": lambda t, o, **k: t.eye(3, out=o, **k),
    "arange": lambda t, o, **k: t.arange(3.0, out=o, **k),
    "linspace": lambda t, o, **k: t.linspace(0, 1, 3, out=o, **k),
    "logspace": lambda t, o, **k: t.logspace(0, 1, 3, out=o, **k),
    "rand": lambda t, o, **k: t.rand(3, out=o, **k),
    "randn": lambda t, o, **k: t.randn(3, out=o, **k),
    "randint": lambda t, o, **k: t.randint(0, 5, (3,), out=o, **k),
    "randperm": lambda t, o, **k: t.randperm(3, out=o, **k),
    "normal": lambda t, o, **k: t.normal(0.0, 1.0, (3,), out=o, **k),
    "add (an op)": lambda t, o: t.add(t.ones(3), 1, out=o),
    "exp (an op)": lambda t, o: t.exp(t.ones(3), out=o),
    "sum (an op)": lambda t, o: t.sum(t.ones(3, 3), 0, out=o),
}


def _requires_grad_after(t, name, out_kind, grad_on, **kwargs):
    shape = (3, 3) if name == "eye" else (3,)
    out = t.zeros(shape, requires_grad=out_kind != "plain")
    if out_kind == "non-leaf":
        out = out * 2
    try:
        with t.set_grad_enabled(grad_on):
            r = NO_GRAD_FACTORIES[name](t, out, **kwargs)
    except RuntimeError as exc:
        return ("RuntimeError", "cannot resize" in str(exc), "automatic differentiation" in str(exc))
    return (r is out, out.requires_grad, out.is_leaf)


@pytest.mark.parametrize("name", sorted(NO_GRAD_FACTORIES))
def test_out_requires_grad_under_no_grad_matches_pytorch(name, torch):
    scenarios = [("leaf", False, {}), ("non-leaf", False, {}), ("leaf", True, {})]
    if "(an op)" not in name:
        scenarios += [("leaf", False, {"requires_grad": True}), ("plain", True, {"requires_grad": True})]
    for out_kind, grad_on, kwargs in scenarios:
        ours = _requires_grad_after(pg, name, out_kind, grad_on, **kwargs)
        theirs = _requires_grad_after(torch, name, out_kind, grad_on, **kwargs)
        assert ours == theirs, f"{name} into a {out_kind} out, grad mode {grad_on}, {kwargs}: {ours} vs torch {theirs}"
