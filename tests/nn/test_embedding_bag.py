"""nn.EmbeddingBag / F.embedding_bag against PyTorch: modes, offsets (with include_last_offset and
an empty bag), 2-D input, per_sample_weights, padding_idx; values and weight gradients."""
import numpy as np
import pytest

import pyautograd as pag
import pyautograd.nn as nn
import pyautograd.nn.functional as F

torch = pytest.importorskip("torch")

CASES = [
    ({"mode": "sum"}, "offsets"),
    ({"mode": "mean"}, "offsets"),
    ({"mode": "max"}, "offsets"),
    ({"mode": "mean", "padding_idx": 2}, "2d"),
    ({"mode": "sum", "include_last_offset": True}, "offsets"),
    ({"mode": "sum"}, "weights"),
]


@pytest.mark.parametrize("kwargs, layout", CASES, ids=str)
def test_embedding_bag_matches_torch(kwargs, layout):
    torch.manual_seed(0)
    theirs = torch.nn.EmbeddingBag(7, 3, **kwargs).double()
    ours = nn.EmbeddingBag(7, 3, dtype=pag.float64, **kwargs)
    ours.load_state_dict({"weight": pag.tensor(theirs.weight.detach().numpy())})
    rng = np.random.default_rng(0)
    psw = tpsw = None
    if layout == "2d":
        idx = rng.integers(0, 7, (3, 4))
        idx[0, :2] = 2
        args, targs = (pag.tensor(idx),), (torch.tensor(idx),)
    else:
        idx = rng.integers(0, 7, 9)
        off = [0, 2, 2, 6] + ([9] if kwargs.get("include_last_offset") else [])  # bag 1 is empty
        args, targs = (pag.tensor(idx), pag.tensor(off)), (torch.tensor(idx), torch.tensor(off))
        if layout == "weights":
            w = rng.standard_normal(9)
            psw, tpsw = pag.tensor(w, requires_grad=True), torch.tensor(w, requires_grad=True)
    out = ours(*args, per_sample_weights=psw)
    tout = theirs(*targs, per_sample_weights=tpsw)
    np.testing.assert_allclose(out.detach().numpy(), tout.detach().numpy(), atol=1e-12)
    g = rng.standard_normal(tuple(out.shape))
    out.backward(pag.tensor(g))
    tout.backward(torch.tensor(g))
    np.testing.assert_allclose(ours.weight.grad.numpy(), theirs.weight.grad.numpy(), atol=1e-12)
    if psw is not None:
        np.testing.assert_allclose(psw.grad.numpy(), tpsw.grad.numpy(), atol=1e-12)
    assert repr(ours) == repr(theirs)


def test_embedding_bag_errors():
    w = pag.randn(5, 2)
    with pytest.raises(ValueError, match="offsets has to be None"):
        F.embedding_bag(pag.tensor([[1, 2]]), w, pag.tensor([0]))
    with pytest.raises(NotImplementedError, match="only supported for mode='sum'"):
        F.embedding_bag(pag.tensor([1, 2]), w, pag.tensor([0]), per_sample_weights=pag.ones(2))
