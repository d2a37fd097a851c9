"""Every C wrapper, fed each argument wrong: the C kernel must behave as the NumPy reference.

For each C kernel a valid call is built; then each array argument (including the
arrays inside a parameter group's lists and keyword arrays such as ``weight`` or
``out``) is replaced in turn by a hostile variant: too short, another dtype, an
extra dimension, more than 16 dimensions, a misaligned buffer, a non-contiguous
view, a read-only copy, a plain list. The C wrapper then must either do what the
reference does (the same exception class, or the same values, including what it
wrote in place) or refuse cleanly (TypeError/ValueError) where the reference
computes something. A pointer read past a buffer shows up as differing values or
a missing error; "C kernel failed" (RuntimeError) as an unclean refusal.
"""
import sys

import numpy as np
import pytest

import pyautograd.kernels as K
from pyautograd.kernels import _numpy
from pyautograd.kernels.checks import Unsupported

pytestmark = pytest.mark.skipif(not K.c_available(), reason="C kernels not built (test_build fails)")
if K.c_available():
    from pyautograd.kernels import _c


def _arr(shape, seed=0, lo=0.2, hi=0.9):
    return np.random.default_rng(seed).uniform(lo, hi, shape)


def _unary(name):
    params = {"leaky_relu": (0.01,), "elu": (1.0,), "softplus": (1.0, 20.0), "clamp": (0.3, 0.7)}.get(name, ())
    return lambda: ((_arr((3, 4)),) + params, {})


def _binary(name):
    return lambda: ((_arr((3, 4), 1), _arr((3, 4), 2)), {})


def _optim_group(*lists, **kw):
    """Two params of different shapes and the given per-param list names."""
    def build():
        shapes = [(3, 4), (5,)]
        args = tuple([_arr(s, seed=i + 10 * j) for j, s in enumerate(shapes)] for i in range(len(lists)))
        return args, dict(kw)
    return build


_CE_T = lambda: np.array([0, 2, 4, 1], np.int64)  # noqa: E731
CALLS = {
    "where": lambda: ((_arr((3, 4)) > 0.5, _arr((3, 4), 1), _arr((3, 4), 2)), {}),
    "sum": lambda: ((_arr((3, 4)), (1,)), {}),
    "mean": lambda: ((_arr((3, 4)), (1,)), {"out": np.empty(3)}),
    "max": lambda: ((_arr((3, 4)), (1,)), {}),
    "min": lambda: ((_arr((3, 4)), (0,)), {}),
    "var": lambda: ((_arr((3, 4)), (1,)), {}),
    "logsumexp": lambda: ((_arr((3, 4)), (1,)), {}),
    "argmax": lambda: ((_arr((3, 4)), 1), {}),
    "argmin": lambda: ((_arr((3, 4)), 0), {}),
    "softmax": lambda: ((_arr((3, 4)), 1), {}),
    "log_softmax": lambda: ((_arr((3, 4)), 0), {}),
    "softmax_backward": lambda: ((_arr((3, 4)), _arr((3, 4), 1), 1), {}),
    "log_softmax_backward": lambda: ((_arr((3, 4)), _arr((3, 4), 1), 1), {}),
    "cross_entropy": lambda: ((_arr((4, 5)), _CE_T()), {"weight": _arr((5,), 3)}),
    "cross_entropy_backward": lambda: ((np.array(1.0), _arr((4, 5)), _CE_T()), {"weight": _arr((5,), 3)}),
    "gemm": lambda: ((_arr((3, 4)), _arr((4, 5), 1)), {"c": _arr((5,), 2), "beta": 1.0}),
    "matmul": lambda: ((_arr((2, 3, 4)), _arr((4, 5), 1)), {}),
    "linear": lambda: ((_arr((3, 4)), _arr((5, 4), 1), _arr((5,), 2)), {}),
    "binary_cross_entropy_with_logits": lambda: ((_arr((3, 4)), _arr((3, 4), 1), _arr((3, 4), 2),
                                                  _arr((4,), 3), "mean"), {}),
    "layer_norm": lambda: ((_arr((3, 4)), _arr((4,), 1), _arr((4,), 2), 1, 1e-5), {}),
    "layer_norm_backward": lambda: ((_arr((3, 4)), _arr((3, 4), 1), _arr((4,), 2), 1, 1e-5), {}),
    # batch norm (issue 13): training (batch statistics) and eval (running ones)
    "batch_norm": lambda: ((_arr((3, 4, 5)), _arr((4,), 1), _arr((4,), 2), _arr((4,), 3), _arr((4,), 4), False,
                            1e-5), {}),
    "batch_norm_backward": lambda: ((_arr((3, 4, 5)), _arr((3, 4, 5), 1), _arr((4,), 2), None, None, 1e-5), {}),
    "sgd_step": lambda: ((_arr((3, 4)), _arr((3, 4), 1), _arr((3, 4), 2)), {"lr": 0.1, "momentum": 0.9}),
    "adam_step": lambda: ((_arr((3, 4)), _arr((3, 4), 1), _arr((3, 4), 2), _arr((3, 4), 3), _arr((3, 4), 4)),
                          {"step": 2, "lr": 0.1, "beta1": 0.9, "beta2": 0.99, "eps": 1e-8, "amsgrad": True}),
    "rmsprop_step": lambda: ((_arr((3, 4)), _arr((3, 4), 1), _arr((3, 4), 2), _arr((3, 4), 3), _arr((3, 4), 4)),
                             {"lr": 0.1, "alpha": 0.9, "eps": 1e-8, "momentum": 0.9, "centered": True}),
    "adagrad_step": lambda: ((_arr((3, 4)), _arr((3, 4), 1), _arr((3, 4), 2)), {"step": 2, "lr": 0.1, "eps": 1e-10}),
    "sgd_step_many": _optim_group("params", "grads", "bufs", lr=0.1, momentum=0.9),
    "adam_step_many": _optim_group("params", "grads", "m", "v", "vmax", step=2, lr=0.1, beta1=0.9, beta2=0.99,
                                   eps=1e-8, amsgrad=True),
    "rmsprop_step_many": _optim_group("params", "grads", "sq", "avg", "buf", lr=0.1, alpha=0.9, eps=1e-8,
                                      momentum=0.9, centered=True),
    "adagrad_step_many": _optim_group("params", "grads", "sums", step=2, lr=0.1, eps=1e-10),
    # convolution and pooling (issue 13)
    "conv_forward": lambda: ((_arr((2, 2, 5, 5)), _arr((3, 2, 3, 3), 1), (1, 1), (0, 0), (1, 1), 1), {}),
    "conv_backward_input": lambda: ((_arr((2, 3, 3, 3)), _arr((3, 2, 3, 3), 1), (5, 5), (1, 1), (0, 0), (1, 1), 1),
                                    {}),
    "conv_backward_weight": lambda: ((_arr((2, 2, 5, 5)), _arr((2, 3, 3, 3), 1), (3, 2, 3, 3), (1, 1), (0, 0),
                                      (1, 1), 1), {}),
    "max_pool": lambda: ((_arr((2, 2, 4, 4)), (2, 2), (2, 2), (0, 0), (1, 1), False), {}),
    "max_pool_backward": lambda: ((_arr((2, 2, 2, 2)), np.array([0, 2, 8, 10] * 4, np.int64).reshape(2, 2, 2, 2),
                                   (4, 4)), {}),
    "avg_pool": lambda: ((_arr((2, 2, 4, 4)), (2, 2), (2, 2), (0, 0), False, True, None), {}),
    "avg_pool_backward": lambda: ((_arr((2, 2, 2, 2)), (4, 4), (2, 2), (2, 2), (0, 0), False, True, None), {}),
    # the training tools' optimizers (issue 15)
    "adadelta_step_many": _optim_group("params", "grads", "sq", "acc", lr=1.0, rho=0.9, eps=1e-6),
    "adamax_step_many": _optim_group("params", "grads", "m", "inf", step=2, lr=0.1, beta1=0.9, beta2=0.99,
                                     eps=1e-8),
    "radam_step_many": _optim_group("params", "grads", "m", "v", step=7, lr=0.1, beta1=0.9, beta2=0.99, eps=1e-8),
    "nadam_step_many": _optim_group("params", "grads", "m", "v", step=2, lr=0.1, beta1=0.9, beta2=0.99, eps=1e-8,
                                    mu=0.9, mu_next=0.91, mu_product=0.8),
    "rprop_step_many": _optim_group("params", "grads", "prev", "sizes", etaminus=0.5, etaplus=1.2,
                                    step_size_min=1e-6, step_size_max=50.0),
    "asgd_step_many": _optim_group("params", "grads", "ax", eta=0.01, mu=1.0, lambd=1e-4),
}

# sequence models (issue 14): the fused recurrent steps and blocked attention
CALLS.update({
    "lstm_cell_forward": lambda: ((_arr((3, 8)), _arr((3, 2), 1)), {}),
    "lstm_cell_backward": lambda: ((_arr((3, 2)), _arr((3, 2), 1), _arr((3, 8), 2), _arr((3, 2), 3),
                                    _arr((3, 2), 4)), {}),
    "gru_cell_forward": lambda: ((_arr((3, 6)), _arr((3, 6), 1), _arr((3, 2), 2)), {}),
    "gru_cell_backward": lambda: ((_arr((3, 2)), _arr((3, 6), 1), _arr((3, 6), 2), _arr((3, 2), 3)), {}),
    # a whole LSTM layer: steps 2, batch 3, hidden 2 (xproj, w_hh, h0, c0, reverse); the backward
    # takes dout, dhn, dcn, then the forward's gates, cs and out
    "lstm_layer_forward": lambda: ((_arr((6, 8)), _arr((8, 2), 1), _arr((3, 2), 2), _arr((3, 2), 3), True), {}),
    "lstm_layer_backward": lambda: ((_arr((6, 2)), _arr((3, 2), 1), None, _arr((6, 8), 2), _arr((6, 2), 3),
                                     _arr((6, 2), 4), _arr((8, 2), 5), _arr((3, 2), 6), _arr((3, 2), 7), False), {}),
    "gru_layer_forward": lambda: ((_arr((6, 6)), _arr((6, 2), 1), _arr((6,), 2), _arr((3, 2), 3), True), {}),
    "gru_layer_backward": lambda: ((_arr((6, 2)), None, _arr((6, 6), 1), _arr((6, 6), 2), _arr((6, 2), 3),
                                    _arr((6, 2), 4), _arr((3, 2), 5), True, False), {}),
    "rnn_layer_forward": lambda: ((_arr((6, 2)), _arr((2, 2), 1), _arr((3, 2), 2), "relu", False), {}),
    "rnn_layer_backward": lambda: ((_arr((6, 2)), _arr((3, 2), 1), _arr((6, 2), 2), _arr((2, 2), 3),
                                    _arr((3, 2), 4), "tanh", True), {}),
    "sdpa_forward": lambda: ((_arr((2, 3, 4)), _arr((2, 5, 4), 1), _arr((2, 5, 3), 2), _arr((3, 5), 3), True, 0.5),
                             {}),
    "sdpa_backward": lambda: ((_arr((2, 3, 3)), _arr((2, 3, 4), 1), _arr((2, 5, 4), 2), _arr((2, 5, 3), 3),
                               _arr((3, 5), 4), *_numpy.sdpa_forward(_arr((2, 3, 4), 1), _arr((2, 5, 4), 2),
                                                                    _arr((2, 5, 3), 3), _arr((3, 5), 4), True, 0.5),
                               True, 0.5, True), {}),
})


def _all_calls():
    calls = dict(CALLS)
    for kind, name in _c.pointwise.TABLE:
        calls[name] = _unary(name) if kind == "UNARY" else _binary(name)
    return calls


# ---- hostile variants of one array ------------------------------------------------------

def _misaligned(a):
    if a.itemsize == 1:
        return None
    buf = np.zeros(a.nbytes + 1, np.uint8)
    out = buf[1:].view(a.dtype).reshape(a.shape)
    out[...] = a
    assert not out.flags.aligned
    return out


def _strided(a):
    if a.ndim == 0:
        return None
    out = np.empty(a.shape + (2,), a.dtype)[..., 0]
    out[...] = a
    return out


def _readonly(a):
    out = a.copy()
    out.flags.writeable = False
    return out


MUTATIONS = {
    "short": lambda a: a[..., :-1].copy() if a.ndim and a.shape[-1] > 1 else None,
    "empty": lambda a: a.reshape(-1)[:0].copy(),
    "int64": lambda a: a.astype(np.int64),
    "float32": lambda a: a.astype(np.float32) if a.dtype == np.float64 else None,
    "bool": lambda a: a > 0.5 if a.dtype != np.bool_ else None,
    "extra_dim": lambda a: np.stack([a, a]),
    "ndim17": lambda a: a.reshape((1,) * (17 - a.ndim) + a.shape),
    "misaligned": _misaligned,
    "strided": _strided,
    "readonly": _readonly,
    "list": lambda a: a.tolist(),
}


def _slots(args, kwargs):
    """Every place an array sits in a call: ('a', i) or ('a', i, j) in args, ('k', key)."""
    for i, a in enumerate(args):
        if isinstance(a, np.ndarray):
            yield ("a", i)
        elif isinstance(a, list):
            for j, x in enumerate(a):
                if isinstance(x, np.ndarray):
                    yield ("a", i, j)
    for key, a in kwargs.items():
        if isinstance(a, np.ndarray):
            yield ("k", key)


def _get(args, kwargs, slot):
    if slot[0] == "k":
        return kwargs[slot[1]]
    return args[slot[1]] if len(slot) == 2 else args[slot[1]][slot[2]]


def _put(args, kwargs, slot, value):
    if slot[0] == "k":
        kwargs[slot[1]] = value
    elif len(slot) == 2:
        args[slot[1]] = value
    else:
        args[slot[1]][slot[2]] = value


def _call(fn, build, slot, mutate):
    """(outcome, arrays after the call): outcome is ('raise', class) or ('ok', result)."""
    args, kwargs = build()
    args = list(args)
    if slot is not None:
        _put(args, kwargs, slot, mutate(_get(args, kwargs, slot)))
    arrays = [_get(args, kwargs, s) for s in _slots(args, kwargs)]
    with np.errstate(all="ignore"):
        try:
            result = fn(*args, **kwargs)
        except Exception as exc:  # the class is what is compared
            return ("raise", type(exc), str(exc)), arrays
    return ("ok", result), arrays


def _flat(x):
    if isinstance(x, (tuple, list)):
        return [y for item in x for y in _flat(item)]
    return [x]


def _same_values(got, want):
    got, want = _flat(got), _flat(want)
    if len(got) != len(want):
        return False
    for g, w in zip(got, want):
        if (g is None) != (w is None):
            return False
        if g is None:
            continue
        g, w = np.asarray(g), np.asarray(w)
        if g.shape != w.shape or (g.dtype.kind == "b") != (w.dtype.kind == "b"):
            return False
        if not np.allclose(g.astype(np.float64), w.astype(np.float64), rtol=1e-5, atol=1e-6, equal_nan=True):
            return False
    return True


def _cases():
    calls = _all_calls()
    for name in sorted(calls):
        args, kwargs = calls[name]()
        for slot in _slots(list(args), kwargs):
            for mutation in MUTATIONS:
                yield pytest.param(name, slot, mutation, id=f"{name}-{'.'.join(map(str, slot))}-{mutation}")


def test_every_c_wrapper_has_a_valid_call():
    assert set(_all_calls()) == set(_c.KERNELS)


@pytest.mark.parametrize("name,slot,mutation", list(_cases()) if K.c_available() else [])
def test_wrapper_fed_a_wrong_argument_behaves_as_the_reference(name, slot, mutation):
    build = _all_calls()[name]
    args, kwargs = build()
    if MUTATIONS[mutation](_get(list(args), kwargs, slot)) is None:
        pytest.skip(f"{mutation} does not apply to this argument")
    c_out, c_arrays = _call(getattr(_c, name), build, slot, MUTATIONS[mutation])
    ref_out, ref_arrays = _call(_numpy.KERNELS[name], build, slot, MUTATIONS[mutation])
    if c_out[0] == "raise":
        # a clean refusal (the wrappers' TypeError/ValueError, or the convolution and pooling
        # wrappers' RuntimeError -- PyTorch's kind for their shape errors -- naming the problem;
        # Unsupported, on which the dispatcher runs the reference), or the reference's own error
        assert c_out[1] in (TypeError, ValueError, RuntimeError, Unsupported) or (ref_out[0] == "raise" and c_out[1] is ref_out[1]), \
            f"C raised {c_out[1].__name__}: {c_out[2]}; the reference gave {ref_out[:2]}"
        return
    assert ref_out[0] == "ok", f"C computed a result where the reference raised {ref_out[1:]}"
    assert _same_values(c_out[1], ref_out[1]), "C and the reference computed different values"
    assert _same_values(c_arrays, ref_arrays), "C and the reference left the inputs in different states"


def test_valid_calls_agree():
    """The unmutated calls themselves: C and the reference compute the same (sanity for the table)."""
    for name, build in _all_calls().items():
        c_out, c_arrays = _call(getattr(_c, name), build, None, None)
        ref_out, ref_arrays = _call(_numpy.KERNELS[name], build, None, None)
        assert c_out[0] == ref_out[0] == "ok", (name, c_out, ref_out)
        assert _same_values(c_out[1], ref_out[1]) and _same_values(c_arrays, ref_arrays), name


def _misaligned_in(values):
    for v in values:
        if isinstance(v, np.ndarray) and not v.flags.aligned:
            return True
        if isinstance(v, (list, tuple)) and _misaligned_in(v):
            return True
        if isinstance(v, dict) and _misaligned_in(v.values()):
            return True
    return False


def _only_aligned_reach_c(name, fn):
    """Runs fn() (a call of C wrapper `name` with a misaligned array) and watches, with a
    profiler, the code that makes the C pointers: the guarded wrapper's own body (it must
    receive aligned copies only) or, for the pointwise wrappers, the flat-copy path. Returns
    True when that code ran on aligned arrays only, or when the call was refused cleanly."""
    inner = getattr(getattr(_c, name), "__wrapped__", None)
    seen, bad = [], []

    def profile(frame, event, arg):
        if event != "call":
            return
        code = frame.f_code
        if inner is not None and code is inner.__code__:
            seen.append(code.co_name)
            if _misaligned_in(frame.f_locals.values()):
                bad.append(code.co_name)
        elif code.co_name == "_on_flat_copies":
            seen.append(code.co_name)

    sys.setprofile(profile)
    try:
        fn()
    except (TypeError, ValueError, Unsupported):
        return True  # refused before any pointer was made
    finally:
        sys.setprofile(None)
    return bool(seen) and not bad


def test_misaligned_buffers_never_reach_c():
    """A misaligned float buffer (undefined behaviour as a float* in C, though x86 reads it
    silently) reaches C only as an aligned copy, for every wrapper and argument. (More than 16
    dims is covered by the comparison above: C used to fail with "invalid argument".)"""
    mutation = "misaligned"
    reached_c = []
    for name, build in sorted(_all_calls().items()):
        args, kwargs = build()
        for slot in _slots(list(args), kwargs):
            a = _get(list(args), kwargs, slot)
            hostile = MUTATIONS[mutation](a)
            if hostile is None or a.dtype.kind != "f":
                continue

            def run(build=build, slot=slot, name=name):
                a2, k2 = build()
                a2 = list(a2)
                _put(a2, k2, slot, MUTATIONS[mutation](_get(a2, k2, slot)))
                with np.errstate(all="ignore"):
                    getattr(_c, name)(*a2, **k2)
            if not _only_aligned_reach_c(name, run):
                reached_c.append(f"{name}{slot}")
    assert not reached_c, f"{mutation} arrays reached C in: {reached_c}"


@pytest.mark.parametrize("k", [0, -1, 3, 7])
@pytest.mark.parametrize("backend_module", ["c", "numpy"])
def test_layer_norm_normalized_ndim_out_of_range(k, backend_module):
    mod = _c if backend_module == "c" else _numpy
    x = _arr((3, 4))
    with pytest.raises(ValueError, match="normalized_ndim"):
        mod.layer_norm(x, None, None, k, 1e-5)
    with pytest.raises(ValueError, match="normalized_ndim"):
        mod.layer_norm_backward(x, x, None, k, 1e-5)


def test_misaligned_tensor_from_numpy_computes_as_aligned():
    import pyautograd
    raw = np.arange(1, 4097, dtype=np.float32)
    buf = np.zeros(raw.nbytes + 1, np.uint8)
    mis = buf[1:].view(np.float32)
    mis[:] = raw
    t = pyautograd.from_numpy(mis)
    with K.use_backend("c"):
        got = [t.exp().numpy(), t.sum().numpy(), (t.reshape(64, 64) @ t.reshape(64, 64)).numpy()]
    want = [np.exp(raw), raw.sum(), raw.reshape(64, 64) @ raw.reshape(64, 64)]
    for g, w in zip(got, want):
        np.testing.assert_allclose(g, w, rtol=1e-5)
