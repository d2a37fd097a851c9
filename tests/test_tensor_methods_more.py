"""Tensor methods PyTorch has beyond the ops (issue 12): dtype and shape queries (is_signed,
is_same_size, ndimension, is_nonzero), the per-element Python callbacks (apply_, map_, map2_) and
sum_to_size -- each compared with PyTorch."""
import pytest

import pyautograd as P


def _outcome(fn):
    try:
        r = fn()
    except Exception as exc:  # noqa: BLE001 -- the kind is what is compared
        return ("raises", type(exc).__name__, str(exc))
    if hasattr(r, "tolist"):
        return ("ok", r.tolist(), str(r.dtype), type(r.grad_fn).__name__)
    return ("ok", r)


CASES = {
    "is_signed": lambda t: [t.ones(1, dtype=d).is_signed() for d in (t.float32, t.int64, t.uint8, t.bool, t.int8)],
    "is_same_size": lambda t: (t.ones(2).is_same_size(t.ones(2)), t.ones(2).is_same_size(t.ones(1, 2))),
    "ndimension": lambda t: t.ones(2, 3, 1).ndimension(),
    "is_nonzero": lambda t: (t.is_nonzero(t.tensor([2])), t.tensor(0.0).is_nonzero(), t.tensor([[True]]).is_nonzero()),
    "is_nonzero of two": lambda t: t.is_nonzero(t.tensor([1.0, 2.0])),
    "is_nonzero of none": lambda t: t.tensor([]).is_nonzero(),
    "apply_": lambda t: t.arange(3.0).apply_(lambda v: v * 2),
    "apply_ to integers": lambda t: t.arange(3).apply_(lambda v: v * 2.7),
    "apply_ on a tensor requiring grad": lambda t: (t.ones(2, requires_grad=True) * 1).apply_(lambda v: v),
    "map_": lambda t: t.arange(3.0).map_(t.ones(1), lambda a, b: a + b),
    "map2_": lambda t: t.zeros(2).map2_(t.ones(2), t.ones(2) * 2, lambda a, b, c: a + b + c),
    "sum_to_size keepdim": lambda t: (t.arange(6.0, requires_grad=True).reshape(2, 3) * 1).sum_to_size(1, 3),
    "sum_to_size leading": lambda t: (t.arange(6.0, requires_grad=True).reshape(2, 3) * 1).sum_to_size((3,)),
    "sum_to_size same": lambda t: (t.arange(6.0, requires_grad=True).reshape(2, 3) * 1).sum_to_size(2, 3),
    "sum_to_size not expandable": lambda t: t.ones(2, 3).sum_to_size(2, 2),
}


@pytest.mark.parametrize("name", sorted(CASES))
def test_as_torch(name, torch):
    assert _outcome(lambda: CASES[name](P)) == _outcome(lambda: CASES[name](torch))


def test_apply_bumps_the_version():
    x = P.ones(3)
    x.apply_(lambda v: v + 1)
    assert x._version == 1 and x.tolist() == [2.0, 2.0, 2.0]
