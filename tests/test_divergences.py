"""Where pyautograd used to differ from PyTorch silently, it now behaves as PyTorch, loudly:
integer casts end the graph, mixed-dtype matrix products and shape mismatches raise
RuntimeError, ragged data raises ValueError, print(Parameter) has its prefix, anomaly mode's
switches are at the top level and its warning points at the user's line."""
import warnings

import numpy as np
import pytest

import pyautograd as P


def _kind(fn):
    try:
        fn()
    except Exception as exc:  # noqa: BLE001 -- the kind is compared
        return type(exc).__name__, str(exc)
    return None, None


CASTS = {".long()": lambda t, x: x.long(), ".int()": lambda t, x: x.int(), ".bool()": lambda t, x: x.bool(),
         ".to(int32)": lambda t, x: x.to(t.int32), ".type(torch.long)": lambda t, x: x.type(t.long),
         ".double()": lambda t, x: x.double(), ".half()": lambda t, x: x.half()}


@pytest.mark.parametrize("name", sorted(CASTS))
def test_casts_require_grad_as_torch(name, torch):
    ours = CASTS[name](P, P.ones(2, requires_grad=True) * 2)
    theirs = CASTS[name](torch, torch.ones(2, requires_grad=True) * 2)
    assert ours.requires_grad == theirs.requires_grad
    assert (ours.grad_fn is None) == (theirs.grad_fn is None)


MISMATCHES = {
    "matmul 2-d f32 x f64": lambda t: t.ones(2, 3) @ t.ones(3, 2, dtype=t.float64),
    "matmul 3-d f32 x f64": lambda t: t.matmul(t.ones(2, 2, 3), t.ones(3, 2, dtype=t.float64)),
    "matmul 1-d f32 x f64": lambda t: t.matmul(t.ones(3), t.ones(3, dtype=t.float64)),
    "matmul int x float": lambda t: t.ones(2, 3, dtype=t.int64) @ t.ones(3, 2),
    "mm f32 x f64": lambda t: t.mm(t.ones(2, 3), t.ones(3, 2, dtype=t.float64)),
    "bmm f32 x f64": lambda t: t.bmm(t.ones(1, 2, 3), t.ones(1, 3, 2, dtype=t.float64)),
    "mv f32 x f64": lambda t: t.mv(t.ones(2, 3), t.ones(3, dtype=t.float64)),
    "dot f32 x f64": lambda t: t.dot(t.ones(3), t.ones(3, dtype=t.float64)),
    "addmm f64 input": lambda t: t.addmm(t.ones(2, 2, dtype=t.float64), t.ones(2, 2), t.ones(2, 2)),
    "addmm f32 x f64": lambda t: t.addmm(t.ones(2, 2), t.ones(2, 2, dtype=t.float64), t.ones(2, 2)),
    "addmm_ f64 mat2": lambda t: t.ones(2, 2).addmm_(t.ones(2, 2), t.ones(2, 2, dtype=t.float64)),
    "baddbmm f64 input": lambda t: t.baddbmm(t.ones(1, 2, 2, dtype=t.float64), t.ones(1, 2, 2), t.ones(1, 2, 2)),
    "addmv f64 input": lambda t: t.addmv(t.ones(2, dtype=t.float64), t.ones(2, 3), t.ones(3)),
    "addbmm f64 input": lambda t: t.addbmm(t.ones(2, 2, dtype=t.float64), t.ones(1, 2, 2), t.ones(1, 2, 2)),
    "addbmm batches": lambda t: t.addbmm(t.ones(2, 2), t.ones(1, 2, 3), t.ones(2, 3, 2)),
    "addmv shapes": lambda t: t.addmv(t.ones(2), t.ones(2, 3), t.ones(4)),
    "vdot f32 x f64": lambda t: t.vdot(t.ones(2), t.ones(2, dtype=t.float64)),
    "vdot 2-d": lambda t: t.vdot(t.ones(2, 1), t.ones(2, 1)),
    "addr 2-d vec1": lambda t: t.addr(t.ones(2, 3), t.ones(2, 1), t.ones(3)),
    "F.linear f32 x f64": lambda t: t.nn.functional.linear(t.ones(2, 3), t.ones(2, 3, dtype=t.float64)),
    "Linear on f64 input": lambda t: t.nn.Linear(3, 2)(t.ones(2, 3, dtype=t.float64)),
    "matmul shapes": lambda t: t.ones(2, 3) @ t.ones(2, 3),
    "mm shapes": lambda t: t.mm(t.ones(2, 3), t.ones(2, 3)),
    "bmm shapes": lambda t: t.bmm(t.ones(1, 2, 3), t.ones(1, 2, 3)),
    "mv shapes": lambda t: t.mv(t.ones(2, 3), t.ones(4)),
    "dot shapes": lambda t: t.dot(t.ones(3), t.ones(4)),
    "Linear shapes": lambda t: t.nn.Linear(4, 2)(t.ones(2, 3)),
    "3-d Linear shapes": lambda t: t.nn.Linear(4, 2)(t.ones(5, 2, 3)),
    "broadcast add": lambda t: t.ones(2, 3) + t.ones(2, 4),
    "broadcast mul": lambda t: t.ones(3) * t.ones(4),
    "broadcast where": lambda t: t.where(t.ones(2, 3) > 0, t.ones(2, 3), t.ones(4)),
    "ragged list": lambda t: t.tensor([[1, 2], [3]]),
    "list of multi-element tensors": lambda t: t.tensor([t.ones(2), t.ones(2)]),
}


@pytest.mark.parametrize("name", sorted(MISMATCHES))
def test_errors_of_torchs_kind(name, torch):
    ours, theirs = _kind(lambda: MISMATCHES[name](P)), _kind(lambda: MISMATCHES[name](torch))
    assert theirs[0] is not None and ours[0] == theirs[0], (ours, theirs)
    assert theirs[1].split(" (")[0].rstrip(".") in ours[1]  # PyTorch's words, and ours may say more


def test_one_element_tensors_in_a_list_are_numbers(torch):
    assert P.tensor([P.ones(1), P.tensor(2.0)]).tolist() == torch.tensor([torch.ones(1), torch.tensor(2.0)]).tolist()


def test_print_parameter_as_torch(torch, capsys):
    print(P.nn.Parameter(P.ones(2)))
    print(torch.nn.Parameter(torch.ones(2)))
    ours, theirs = _halves(capsys)
    assert ours == theirs and ours.startswith("Parameter containing:")


def _halves(capsys):
    lines = capsys.readouterr().out.splitlines()
    return "\n".join(lines[:2]), "\n".join(lines[2:4])


def test_anomaly_switches_at_the_top_level(torch):
    for name in ("is_anomaly_enabled", "is_anomaly_check_nan_enabled"):
        assert getattr(P, name)() == getattr(torch, name)()
    assert hasattr(P, "set_detect_anomaly") == hasattr(torch, "set_detect_anomaly")


def test_anomaly_warning_points_at_the_users_line():
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        P.autograd.set_detect_anomaly(True)
        P.autograd.set_detect_anomaly(False)
        with P.autograd.detect_anomaly():
            pass
    assert len(caught) == 2
    assert all(w.filename == __file__ for w in caught), [w.filename for w in caught]


# F.linear with a 1-D weight (issue 18: this raised ValueError here). PyTorch computes
# input @ weight (dot, mv, batched mv) and adds a bias that keeps that shape; the 2-D input
# with a bias, and a bias that is a vector once squeezed with a contiguous input, go through
# its addmm paths, which refuse the vector. Values, shapes, grad_fn names and the gradients of input, weight and bias agree.
LINEAR_1D = {
    "1-D input": ((4,), None), "1-D input, 0-D bias": ((4,), ()), "1-D input, 1-D bias": ((4,), (1,)),
    "1-D input, 2-D bias": ((4,), (1, 1)), "2-D input": ((3, 4), None), "2-D input, 0-D bias": ((3, 4), ()),
    "2-D input, 1-D bias": ((3, 4), (3,)), "3-D input": ((2, 3, 4), None), "3-D input, 0-D bias": ((2, 3, 4), ()),
    "3-D input, 1-D bias": ((2, 3, 4), (3,)), "3-D input, 2-D bias": ((2, 3, 4), (2, 3)),
    "4-D input, 2-D bias": ((2, 2, 3, 4), (1, 3)), "4-D input, 3-D bias": ((2, 2, 3, 4), (2, 2, 3)),
    "3-D input, (1, 1) bias": ((2, 3, 4), (1, 1)), "3-D input, (2, 1) bias": ((2, 3, 4), (2, 1)), "size mismatch": ((3, 5), None), "0-D weight": ((3, 4), "0-D w"),
}


def _linear_1d(t, xshape, bshape):
    rng = np.random.default_rng(0)
    x = t.tensor(rng.standard_normal(xshape), requires_grad=True)
    w = t.tensor(rng.standard_normal(4) if bshape != "0-D w" else np.float64(2.0), requires_grad=True)
    b = None if bshape in (None, "0-D w") else t.tensor(rng.standard_normal(bshape), requires_grad=True)
    try:
        y = t.nn.functional.linear(x, w, b)
    except Exception as exc:  # noqa: BLE001 -- the kind and text are compared
        return ("raise", type(exc).__name__, str(exc))
    y.sum().backward()
    grads = [g.grad.numpy() for g in (x, w, b) if g is not None]
    return ("ok", tuple(y.shape), type(y.grad_fn).__name__, y.detach().numpy(), grads)


@pytest.mark.parametrize("case", sorted(LINEAR_1D))
def test_linear_with_a_1d_weight_matches_pytorch(case, torch):
    ours, theirs = _linear_1d(P, *LINEAR_1D[case]), _linear_1d(torch, *LINEAR_1D[case])
    assert ours[:3] == theirs[:3]
    if ours[0] == "ok":
        np.testing.assert_allclose(ours[3], theirs[3], rtol=1e-12, atol=1e-12)
        for g, h in zip(ours[4], theirs[4]):
            np.testing.assert_allclose(g, h, rtol=1e-12, atol=1e-12)


@pytest.mark.parametrize("args", [(1.0, 0), (1.0, 0.0), (1, 0), (True, False), (2, 0.5)])
def test_where_of_two_numbers_has_torchs_dtype(args, torch):
    # Python numbers alone take the default float dtype (float32), not NumPy's float64.
    ours = P.where(P.tensor([True, False]), *args)
    theirs = torch.where(torch.tensor([True, False]), *args)
    assert str(ours.dtype) == str(theirs.dtype) and ours.tolist() == theirs.tolist()


@pytest.mark.parametrize("call", ["to('cpu', copy=True)", "to(copy=True)", "to(torch.float32, copy=True)"])
def test_to_with_copy_makes_a_new_tensor(call, torch):
    for t in (P, torch):
        x = t.ones(2, requires_grad=True)
        y = eval("x." + call, {"x": x, "torch": t})  # noqa: S307 -- the same spelling for both libraries
        assert y is not x and y.requires_grad and type(y.grad_fn).__name__ == "ToCopyBackward0"
        y.sum().backward()
        assert x.grad.tolist() == [1.0, 1.0]
