"""torch.func on the reverse-mode engine, against torch.func: functional_call, grad (nested),
grad_and_value, vjp, jacrev, hessian, vmap."""
import numpy as np
import pytest

import pyautograd as P


def _same(o, t):
    np.testing.assert_allclose(o.detach().numpy(), t.detach().numpy(), rtol=1e-10, atol=1e-12)


def test_functional_call_as_torch(torch):
    P.manual_seed(0)
    ours = P.nn.Sequential(P.nn.Linear(3, 4), P.nn.Tanh(), P.nn.Linear(4, 2)).double()
    theirs = torch.nn.Sequential(torch.nn.Linear(3, 4), torch.nn.Tanh(), torch.nn.Linear(4, 2)).double()
    theirs.load_state_dict({k: torch.from_numpy(v.detach().numpy().copy()) for k, v in ours.state_dict().items()})
    x = np.random.default_rng(0).normal(size=(5, 3))
    new = {k: np.random.default_rng(1).normal(size=tuple(v.shape)) for k, v in ours.named_parameters()}
    po = {k: P.tensor(v, requires_grad=True) for k, v in new.items()}
    pt = {k: torch.tensor(v, requires_grad=True) for k, v in new.items()}
    yo = P.func.functional_call(ours, po, (P.tensor(x),))
    yt = torch.func.functional_call(theirs, pt, (torch.tensor(x),))
    _same(yo, yt)
    yo.sum().backward()
    yt.sum().backward()
    for k in new:
        _same(po[k].grad, pt[k].grad)
    assert ours[0].weight.grad is None  # the module's own parameters were untouched and restored
    assert not np.allclose(ours(P.tensor(x)).detach().numpy(), yo.detach().numpy())


def _f(lib):
    return lambda x, y: (x.sin() * y ** 2).sum()


def test_grad_and_nested_grad_as_torch(torch):
    x, y = np.array([0.3, -1.2, 2.0]), np.array([1.5, 0.5, -0.7])
    for argnums in (0, 1, (0, 1)):
        o = P.func.grad(_f(P), argnums)(P.tensor(x), P.tensor(y))
        t = torch.func.grad(_f(torch), argnums)(torch.tensor(x), torch.tensor(y))
        for a, b in zip(o if isinstance(o, tuple) else (o,), t if isinstance(t, tuple) else (t,)):
            _same(a, b)
            assert a.grad_fn is None and not a.requires_grad
    second_o = P.func.grad(P.func.grad(lambda z: z.sin() * z ** 3))(P.tensor(0.7, dtype=P.float64))
    second_t = torch.func.grad(torch.func.grad(lambda z: z.sin() * z ** 3))(torch.tensor(0.7, dtype=torch.float64))
    _same(second_o, second_t)
    g, v = P.func.grad_and_value(_f(P))(P.tensor(x), P.tensor(y))
    gt, vt = torch.func.grad_and_value(_f(torch))(torch.tensor(x), torch.tensor(y))
    _same(g, gt)
    _same(v, vt)


def test_grad_has_aux_and_errors():
    g, aux = P.func.grad(lambda x: ((x ** 2).sum(), "aux"), has_aux=True)(P.tensor([1.0, 2.0]))
    assert g.tolist() == [2.0, 4.0] and aux == "aux"
    with pytest.raises(RuntimeError, match="scalar"):
        P.func.grad(lambda x: x * 2)(P.tensor([1.0, 2.0]))


def test_vjp_jacrev_hessian_as_torch(torch):
    x = np.array([0.2, -0.4, 1.1])
    out_o, fn_o = P.func.vjp(lambda z: z.exp() * z, P.tensor(x))
    out_t, fn_t = torch.func.vjp(lambda z: z.exp() * z, torch.tensor(x))
    _same(out_o, out_t)
    _same(fn_o(P.tensor([1.0, 2.0, 3.0]))[0], fn_t(torch.tensor([1.0, 2.0, 3.0]))[0])
    _same(P.func.jacrev(lambda z: z.sin() * z.sum())(P.tensor(x)),
          torch.func.jacrev(lambda z: z.sin() * z.sum())(torch.tensor(x)))
    _same(P.func.hessian(lambda z: (z ** 3).sum() * z[0])(P.tensor(x)),
          torch.func.hessian(lambda z: (z ** 3).sum() * z[0])(torch.tensor(x)))


def test_vmap_as_torch(torch):
    a = np.random.default_rng(0).normal(size=(4, 2, 3))
    b = np.random.default_rng(1).normal(size=(3, 4))
    o = P.func.vmap(lambda m, v: m @ v, in_dims=(0, 1))(P.tensor(a), P.tensor(b))
    t = torch.func.vmap(lambda m, v: m @ v, in_dims=(0, 1))(torch.tensor(a), torch.tensor(b))
    _same(o, t)
    o2 = P.func.vmap(lambda m: (m.sum(), m.max()), out_dims=(0, 0))(P.tensor(a))
    t2 = torch.func.vmap(lambda m: (m.sum(), m.max()), out_dims=(0, 0))(torch.tensor(a))
    for x, y in zip(o2, t2):
        _same(x, y)
    with pytest.raises(ValueError, match="same size"):
        P.func.vmap(lambda m, v: m)(P.ones(3, 2), P.ones(4, 2))
