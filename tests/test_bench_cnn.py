"""The CNN benchmark's pieces: the hand-written NumPy CNN (bench/reference_numpy_cnn.py) gives
pyautograd's loss, gradients and Adam step on the MNIST Net, and ``python -m bench cnn
--quick`` runs and writes its JSON. No timing is asserted."""
import json
import os
import subprocess
import sys

import numpy as np

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, ROOT)

from bench import cnn_models, reference_numpy, reference_numpy_cnn as ref  # noqa: E402


def test_reference_cnn_matches_pyautograd():
    import pyautograd as torch
    import pyautograd.nn.functional as F

    params = ref.init(c1=3, c2=4, hidden=8, size=10, dtype=np.float64, seed=1)
    rng = np.random.default_rng(2)
    x = rng.standard_normal((5, 1, 10, 10))
    target = rng.integers(0, 10, 5)
    loss, grads = ref.Net(params, p1=0, p2=0).loss_and_grads(x, target)

    net = cnn_models.mnist_net(torch, params, p1=0, p2=0)
    out = F.nll_loss(net(torch.tensor(x)), torch.tensor(target))
    out.backward()
    np.testing.assert_allclose(out.item(), loss, rtol=1e-12)
    for name, p in net.named_parameters():
        np.testing.assert_allclose(p.grad.numpy(), grads[name], rtol=1e-9, atol=1e-12, err_msg=name)

    opt = torch.optim.Adam(net.parameters())
    opt.step()
    names = list(params)
    reference_numpy.Adam([params[k] for k in names]).step([grads[k] for k in names])
    for name, p in net.named_parameters():
        np.testing.assert_allclose(p.detach().numpy(), params[name], rtol=1e-12, atol=1e-15, err_msg=name)


def test_reference_dropout_is_inverted_dropout():
    params = ref.init(c1=2, c2=2, hidden=4, size=8, dtype=np.float64)
    net = ref.Net(params, p1=0.5, p2=0.5)
    mask = net._mask((1000,), 0.5, np.dtype(np.float64))
    assert set(np.unique(mask)) == {0.0, 2.0}


def test_quick_cnn_benchmark(tmp_path):
    env = dict(os.environ, PYTHONPATH=os.pathsep.join([ROOT, os.environ.get("PYTHONPATH", "")]))
    out = tmp_path / "cnn.json"
    proc = subprocess.run([sys.executable, "-m", "bench", "cnn", "--quick", "--no-torch", "--only", "MNIST",
                           "--json", str(out)], cwd=ROOT, env=env, capture_output=True, text=True, timeout=600)
    assert proc.returncode == 0, proc.stderr
    assert "MNIST Net step" in proc.stdout and "One fresh process per library and round" in proc.stdout
    results = json.loads(out.read_text())["results"]
    assert set(results) == {"mnist"}
    assert set(results["mnist"]) == {"pyautograd", "pyautograd (numpy)", "NumPy reference"}  # --no-torch
    assert all(len(r["rounds"]) == 2 and min(r["rounds"]) > 0 for r in results["mnist"].values())
