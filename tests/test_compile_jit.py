"""torch.compile (eager backend), torch.compiler, torch.jit's decorators and queries, and the
module paths scripts import from -- against torch 2.13 where it is installed."""
import numpy as np
import pytest

import pyautograd as P


class _Net(P.nn.Module):
    scale: P.jit.Final[float]

    def __init__(self):
        super().__init__()
        self.fc = P.nn.Linear(3, 2)
        self.scale = 2.0

    @P.jit.ignore
    def helper(self, x):
        return x * self.scale

    @P.jit.unused
    def unused_path(self, x):
        return x

    def forward(self, x):
        if P.jit.is_scripting() or P.compiler.is_compiling():
            raise AssertionError("never scripted nor compiled here")
        return self.helper(self.fc(x)).relu()


def test_compiled_module_matches_eager_values_and_gradients():
    P.manual_seed(0)
    net = _Net()
    compiled = P.compile(net, mode="max-autotune", fullgraph=True, dynamic=False, backend="inductor")
    x = P.randn(4, 3)
    out_c, out_e = compiled(x), net(x)
    assert P.equal(out_c, out_e) and type(out_c.grad_fn).__name__ == type(out_e.grad_fn).__name__
    out_c.sum().backward()
    g_c = net.fc.weight.grad.clone()
    net.zero_grad()
    out_e.sum().backward()
    assert P.equal(g_c, net.fc.weight.grad)
    assert compiled._orig_mod is net and compiled.fc is net.fc
    assert list(compiled.parameters()) == list(net.parameters())


def test_compiled_module_state_dict_keys_as_torch(torch):
    ours = list(P.compile(P.nn.Linear(2, 2)).state_dict())
    theirs = list(torch.compile(torch.nn.Linear(2, 2)).state_dict())
    assert ours == theirs and type(P.compile(P.nn.Linear(2, 2))).__name__ == "OptimizedModule"


def test_compile_functions_and_decorator_form():
    def f(x, k=1):
        return (x * k).sin()
    x = P.linspace(0, 1, 5)
    assert P.equal(P.compile(f)(x, k=3), f(x, k=3)) and P.compile(f).__name__ == "f"

    @P.compile(mode="reduce-overhead")
    def g(x):
        return x.exp()
    assert P.equal(g(x), x.exp())


@pytest.mark.parametrize("kwargs", [{"mode": "fastest"}, {"backend": "nonexistent"},
                                    {"mode": "default", "options": {"a": 1}}])
def test_compile_argument_errors_as_torch(kwargs, torch):
    with pytest.raises(RuntimeError):
        torch.compile(lambda x: x, **kwargs)
    with pytest.raises(RuntimeError):
        P.compile(lambda x: x, **kwargs)


def test_compile_refuses_a_non_callable(torch):
    with pytest.raises(AssertionError):
        torch.compile(3)
    with pytest.raises(AssertionError, match="callable"):
        P.compile(3)


def test_jit_answers_as_torch(torch):
    assert P.jit.is_scripting() == torch.jit.is_scripting() is False
    assert P.jit.is_tracing() == torch.jit.is_tracing() is False
    assert P.compiler.is_compiling() == torch.compiler.is_compiling() is False
    assert P.jit.Final is torch.jit.Final

    def f(x):
        return x + 1
    assert P.jit.ignore(f) is f and P.jit.unused(f) is f
    with pytest.warns(DeprecationWarning, match="torch.jit.script` is deprecated"):
        assert P.jit.script(f) is f
    with pytest.warns(FutureWarning):
        P.jit.ignore(True)


def test_scripted_module_runs_as_the_module():
    net = _Net()
    x = P.randn(2, 3)
    with pytest.warns(DeprecationWarning):
        scripted = P.jit.script(net)
    assert P.equal(scripted(x), net(x))


def test_traced_module_runs_once_on_the_example_and_then_as_the_module():
    net = P.nn.Sequential(P.nn.Linear(3, 4), P.nn.BatchNorm1d(4))
    x = P.randn(5, 3)
    with pytest.warns(DeprecationWarning, match="torch.jit.trace` is deprecated"):
        traced = P.jit.trace(net, x)
    assert traced is net
    assert net[1].num_batches_tracked.item() == 1  # the example ran through the module, as in PyTorch
    assert P.equal(traced(x), net(x))
    with pytest.warns(DeprecationWarning):
        doubled = P.jit.trace(lambda a, b: a * 2 + b, (x, x))
    assert P.equal(doubled(x, x), x * 3)
    with pytest.warns(DeprecationWarning), pytest.raises(RuntimeError):
        P.jit.trace(net)


@pytest.mark.parametrize("path,name", [("nn.modules.linear", "Linear"), ("nn.modules.activation", "ReLU"),
                                       ("nn.modules.module", "Module"), ("nn.modules.container", "Sequential"),
                                       ("nn.modules.loss", "CrossEntropyLoss"), ("nn.modules.batchnorm", "BatchNorm2d"),
                                       ("nn.modules.normalization", "LayerNorm"), ("nn.modules.dropout", "Dropout"),
                                       ("nn.modules.sparse", "Embedding"), ("nn.parameter", "Parameter"),
                                       ("serialization", "save"), ("amp.grad_scaler", "GradScaler")])
def test_module_paths_hold_the_same_objects(path, name, torch):
    import importlib
    ours = importlib.import_module(f"pyautograd.{path}")
    theirs = importlib.import_module(f"torch.{path}")
    assert hasattr(theirs, name)
    top = P.nn if path.startswith("nn.") else (P.amp if path.startswith("amp") else P)
    assert getattr(ours, name) is getattr(top, name)


def test_compiled_training_step_matches_eager():
    def step(model, x, y):
        loss = P.nn.functional.mse_loss(model(x), y)
        loss.backward()
        return loss.item()
    P.manual_seed(1)
    a = P.nn.Sequential(P.nn.Linear(3, 4), P.nn.Tanh(), P.nn.Linear(4, 1))
    b = P.nn.Sequential(P.nn.Linear(3, 4), P.nn.Tanh(), P.nn.Linear(4, 1))
    b.load_state_dict(a.state_dict())
    x, y = P.randn(5, 3), P.randn(5, 1)
    assert step(P.compile(a), x, y) == step(b, x, y)
    np.testing.assert_array_equal(a[0].weight.grad.numpy(), b[0].weight.grad.numpy())


def test_module_compile_as_torch(torch):
    ours, theirs = P.nn.Linear(3, 2), torch.nn.Linear(3, 2)
    assert ours.compile(mode="max-autotune", fullgraph=True) is None and theirs.compile(mode="max-autotune") is None
    assert type(ours).__name__ == "Linear" and list(ours.state_dict()) == list(theirs.state_dict())
    x = P.ones(1, 3)
    assert ours(x).tolist() == ours.forward(x).tolist()
    for kwargs in ({"mode": "foo"}, {"backend": "nosuch"}):
        with pytest.raises(RuntimeError) as o:
            ours.compile(**kwargs)
        with pytest.raises(RuntimeError) as t:
            theirs.compile(**kwargs)
        assert str(t.value).split(",")[0] in str(o.value)
