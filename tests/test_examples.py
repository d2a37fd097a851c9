"""examples/train_mlp.py runs end to end: CI's short (--quick) version of the example.

The script runs in a subprocess as a user would run it; the test then reloads its checkpoint
here, in another process, and checks it reproduces the accuracy the script printed. A second
run hides scikit-learn, tqdm and matplotlib to cover the fallbacks (synthetic data, plain
progress lines, no plot) even where they are installed.
"""
import importlib.util
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

import pyautograd as torch

SCRIPT = Path(__file__).resolve().parent.parent / "examples" / "train_mlp.py"
FINAL_LINE = re.compile(r"test accuracy: (?P<pct>[\d.]+)% \((?P<correct>\d+)/(?P<total>\d+)\) on (?P<dataset>\w+)")
OPTIONAL = ("sklearn", "tqdm", "matplotlib")


def installed(name):
    return importlib.util.find_spec(name) is not None


def example_module():
    spec = importlib.util.spec_from_file_location("train_mlp", SCRIPT)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def run_quick(out, hide=()):
    """Runs the script with --quick; `hide` names modules made to fail on import. Returns stdout."""
    # The subprocess must import the same pyautograd as this test (in-place build or installed).
    paths = [str(Path(torch.__file__).resolve().parent.parent)]
    if hide:
        stubs = out / "hidden-modules"
        stubs.mkdir()
        for name in hide:
            (stubs / f"{name}.py").write_text(f"raise ImportError('{name} hidden by the test')\n")
        paths.insert(0, str(stubs))
    env = dict(os.environ, PYTHONPATH=os.pathsep.join(paths + [os.environ.get("PYTHONPATH", "")]))
    proc = subprocess.run([sys.executable, str(SCRIPT), "--quick", "--out", str(out)],
                          capture_output=True, text=True, env=env, timeout=600)
    assert proc.returncode == 0, f"exit code {proc.returncode}\n{proc.stdout}\n{proc.stderr}"
    return proc.stdout


def final_accuracy(stdout):
    match = FINAL_LINE.match(stdout.strip().splitlines()[-1])
    assert match, f"the last line is not the accuracy summary:\n{stdout}"
    assert float(match["pct"]) >= 80.0, stdout  # chance is 10%
    return match


def reload_checkpoint(path):
    """A fresh model and optimizer from the script's checkpoint, loaded strictly."""
    example = example_module()
    checkpoint = torch.load(path)
    model = example.build_model()
    result = model.load_state_dict(checkpoint["model"])
    assert not result.missing_keys and not result.unexpected_keys
    optimizer = example.build_optimizer(model, lr=1e-3)
    optimizer.load_state_dict(checkpoint["optimizer"])
    assert len(optimizer.state) == len(list(model.parameters()))  # Adam moments for every parameter
    return example, model


def test_train_mlp_quick_reaches_accuracy_and_its_checkpoint_reloads(tmp_path):
    summary = final_accuracy(run_quick(tmp_path))
    assert summary["dataset"] == ("digits" if installed("sklearn") else "synthetic")
    reload_checkpoint(tmp_path / "checkpoint.pt")
    png = tmp_path / "loss_curve.png"
    if installed("matplotlib"):
        assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    else:
        assert not png.exists()


def test_train_mlp_quick_without_optional_packages(tmp_path):
    stdout = run_quick(tmp_path, hide=OPTIONAL)
    assert "scikit-learn is not installed: training on a SYNTHETIC dataset" in stdout
    assert "matplotlib is not installed: no loss curve" in stdout
    assert "epoch   3/3" in stdout  # plain progress lines instead of a tqdm bar
    summary = final_accuracy(stdout)
    assert summary["dataset"] == "synthetic"
    assert not (tmp_path / "loss_curve.png").exists()

    # The checkpoint, reloaded in this process, scores what the script printed.
    example, model = reload_checkpoint(tmp_path / "checkpoint.pt")
    _, (x_test, y_test) = example.split(*example.synthetic_digits())
    with torch.no_grad():
        correct = (model(x_test).argmax(dim=1) == y_test).sum().item()
    assert (correct, len(y_test)) == (int(summary["correct"]), int(summary["total"]))


# -- examples/train_charlm.py (sequence models, issue 14) ------------------------------------------

CHARLM = SCRIPT.parent / "train_charlm.py"
CHARLM_LAST = re.compile(r"validation loss: (?P<first>[\d.]+) -> (?P<last>[\d.]+) nats/char after 80 steps")


def _run_charlm(script, out, *extra):
    paths = [str(Path(torch.__file__).resolve().parent.parent), os.environ.get("PYTHONPATH", "")]
    env = dict(os.environ, PYTHONPATH=os.pathsep.join(paths))
    proc = subprocess.run([sys.executable, str(script), "--quick", "--out", str(out), *extra],
                          capture_output=True, text=True, env=env, timeout=600)
    assert proc.returncode == 0, f"exit code {proc.returncode}\n{proc.stdout}\n{proc.stderr}"
    match = CHARLM_LAST.search(proc.stdout.strip().splitlines()[-1])
    assert match and float(match["last"]) < float(match["first"]) - 0.5, proc.stdout
    assert "reloaded: same loss" in proc.stdout and "sample:" in proc.stdout
    return proc.stdout


def test_train_charlm_quick_gpt_and_lstm(tmp_path):
    for model in ("gpt", "lstm"):
        _run_charlm(CHARLM, tmp_path / model, "--model", model)
        checkpoint = torch.load(tmp_path / model / "checkpoint.pt")
        assert checkpoint["args"]["model"] == model and len(checkpoint["chars"]) > 40
        if installed("matplotlib"):
            assert (tmp_path / model / "loss_curve.png").read_bytes()[:4] == b"\x89PNG"


def test_train_charlm_runs_under_pytorch_with_only_the_import_changed(tmp_path):
    if not installed("torch"):
        pytest.skip("PyTorch is not installed")
    text = CHARLM.read_text()
    swapped = (text.replace("import pyautograd as torch\n", "import torch\n")
               .replace("import pyautograd.nn as nn\n", "import torch.nn as nn\n")
               .replace("import pyautograd.nn.functional as F\n", "import torch.nn.functional as F\n"))
    assert "pyautograd" not in swapped.split('"""', 2)[2]  # no other use of pyautograd in the code
    script = tmp_path / "train_charlm.py"
    script.write_text(swapped)
    (tmp_path / "data").mkdir()
    (tmp_path / "data" / "declaration.txt").write_bytes((CHARLM.parent / "data" / "declaration.txt").read_bytes())
    _run_charlm(script, tmp_path / "out", "--model", "lstm")


@pytest.mark.parametrize("script", ["train_mlp.py", "train_ddp.py", "train_cnn.py", "train_charlm.py"])
def test_example_answers_help(script):
    """`python examples/<script> --help` prints its usage (a % in a help string used to crash argparse)."""
    env = dict(os.environ, PYTHONPATH=os.pathsep.join([str(Path(torch.__file__).resolve().parent.parent),
                                                       os.environ.get("PYTHONPATH", "")]))
    proc = subprocess.run([sys.executable, str(SCRIPT.parent / script), "--help"], capture_output=True, text=True,
                          env=env, timeout=120)
    assert proc.returncode == 0 and "usage:" in proc.stdout, f"{script}:\n{proc.stderr}"


def test_every_example_is_checked_for_help():
    assert sorted(p.name for p in SCRIPT.parent.glob("*.py")) == ["train_charlm.py", "train_cnn.py", "train_ddp.py",
                                                                  "train_mlp.py"]


@pytest.mark.parametrize("nproc", [1, 2])
def test_ddp_example_trains_in_one_process_and_on_two_ranks(nproc):
    """examples/train_ddp.py --quick: the same accuracy bar without a launcher and on 2 MPI ranks."""
    pytest.importorskip("mpi4py", reason="pyautograd[distributed] is not installed")
    root = SCRIPT.parent.parent
    env = dict(os.environ, PYTHONPATH=str(root), OMP_NUM_THREADS="1")
    for name in ("RANK", "WORLD_SIZE", "LOCAL_RANK", "LOCAL_WORLD_SIZE"):
        env.pop(name, None)
    script = str(SCRIPT.parent / "train_ddp.py")
    cmd = ([sys.executable, "-m", "pyautograd.distributed.run", "--nproc-per-node", str(nproc), script, "--quick"]
           if nproc > 1 else [sys.executable, script, "--quick"])
    proc = subprocess.run(cmd, capture_output=True, text=True, env=env, cwd=root, timeout=300)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert f"{nproc} rank(s)" in proc.stdout and "test accuracy" in proc.stdout

# -- conv (issue 13): examples/train_cnn.py ----------------------------------------------------------

CNN_SCRIPT = SCRIPT.parent / "train_cnn.py"


def test_train_cnn_quick_reaches_accuracy_and_reloads(tmp_path):
    paths = [str(Path(torch.__file__).resolve().parent.parent)]
    env = dict(os.environ, PYTHONPATH=os.pathsep.join(paths + [os.environ.get("PYTHONPATH", "")]))
    proc = subprocess.run([sys.executable, str(CNN_SCRIPT), "--quick", "--out", str(tmp_path)],
                          capture_output=True, text=True, env=env, timeout=600)
    assert proc.returncode == 0, f"exit code {proc.returncode}\n{proc.stdout}\n{proc.stderr}"
    assert "reloaded into a fresh Net: same accuracy" in proc.stdout
    summary = final_accuracy(proc.stdout)
    assert summary["dataset"] == ("digits" if installed("sklearn") else "synthetic")
    checkpoint = torch.load(tmp_path / "checkpoint.pt")
    assert checkpoint["model"]["conv2.weight"].shape == (64, 32, 3, 3)



def test_train_mlp_logs_to_tensorboard_when_asked(tmp_path):
    """--tensorboard DIR writes the per-epoch losses and accuracy, read back by TensorBoard."""
    accumulator = pytest.importorskip("tensorboard.backend.event_processing.event_accumulator")
    root = SCRIPT.parent.parent
    proc = subprocess.run([sys.executable, str(SCRIPT), "--quick", "--out", str(tmp_path / "out"),
                           "--tensorboard", str(tmp_path / "tb")], capture_output=True, text=True, cwd=root,
                          env=dict(os.environ, PYTHONPATH=str(root)), timeout=300)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    acc = accumulator.EventAccumulator(str(tmp_path / "tb"))
    acc.Reload()
    assert [e.step for e in acc.Scalars("accuracy/test")] == [1, 2, 3]
    train = accumulator.EventAccumulator(str(tmp_path / "tb" / "loss_train"))
    train.Reload()
    assert len(train.Scalars("loss")) == 3
