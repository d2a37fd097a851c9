"""bfloat16's NumPy dtype is loaded on first use (issue 19: import time and peak memory).

``import pyautograd`` does not import ml_dtypes (0.5 s and 8 MiB with ml_dtypes 0.7); each way a
bfloat16 array can first arrive -- a pyautograd dtype, the user's own ml_dtypes array, a loaded
file -- loads it and computes as when it was loaded from the start. Each case runs in a fresh
process, since this test process has long loaded it.
"""
import os
import subprocess
import sys
import textwrap

import pytest


def _run(code, tmp_path=None):
    """Runs `code` in a fresh interpreter; returns its stdout (the test fails on a non-zero exit)."""
    done = subprocess.run([sys.executable, "-c", textwrap.dedent(code)], capture_output=True, text=True,
                          timeout=120, cwd=tmp_path or os.getcwd())
    assert done.returncode == 0, done.stderr
    return done.stdout.split()


def test_import_does_not_load_ml_dtypes():
    out = _run("""
        import sys
        import pyautograd as torch
        d = torch.bfloat16
        print('ml_dtypes' in sys.modules, d.is_floating_point, d.itemsize, d)
        print(torch.promote_types(torch.bfloat16, torch.float16), 'ml_dtypes' in sys.modules)
    """)
    assert out == ["False", "True", "2", "torch.bfloat16", "torch.float32", "False"]


def test_first_use_through_a_dtype_computes_in_float32():
    out = _run("""
        import sys
        import pyautograd as torch
        x = torch.ones(3, dtype=torch.bfloat16)
        y = (x * 1.3).sum()
        print('ml_dtypes' in sys.modules, x.dtype, y.dtype, y.item(), torch.bfloat16.numpy_dtype)
    """)
    # 1.3 rounds to bfloat16's 1.296875 (PyTorch reads the number as bfloat16); the sum of
    # three is 3.890625, which rounds to 3.890625 in bfloat16 (8 significant bits: 3.890625).
    assert out == ["True", "torch.bfloat16", "torch.bfloat16", "3.890625", "bfloat16"]


def test_first_use_through_the_users_ml_dtypes_array():
    out = _run("""
        import pyautograd as torch
        import ml_dtypes
        import numpy as np
        a = np.array([1.5, 2.25, -3.0], dtype=ml_dtypes.bfloat16)
        t = torch.from_numpy(a)
        u = torch.tensor(a)
        print(t.dtype, u.dtype, t.is_floating_point(), (t + u).tolist(), torch.is_floating_point(t + 1))
    """)
    assert out == ["torch.bfloat16", "torch.bfloat16", "True", "[3.0,", "4.5,", "-6.0]", "True"]


def test_first_use_through_a_loaded_file(tmp_path):
    _run("""
        import pyautograd as torch
        torch.save({"w": torch.tensor([0.5, 1.75], dtype=torch.bfloat16)}, "w.pt")
    """, tmp_path)
    out = _run("""
        import sys
        import pyautograd as torch
        before = 'ml_dtypes' in sys.modules
        w = torch.load("w.pt")["w"]
        print(before, w.dtype, w.tolist())
    """, tmp_path)
    assert out == ["False", "torch.bfloat16", "[0.5,", "1.75]"]


def test_first_use_through_a_safetensors_file(tmp_path):
    pytest.importorskip("safetensors")
    _run("""
        import pyautograd as torch
        from pyautograd.utils import safetensors
        data = safetensors.save({"w": torch.tensor([0.5, -2.0], dtype=torch.bfloat16)})
        open("w.safetensors", "wb").write(data)
    """, tmp_path)
    out = _run("""
        import pyautograd as torch
        from pyautograd.utils import safetensors
        w = safetensors.load(open("w.safetensors", "rb").read())["w"]
        print(w.dtype, w.tolist())
    """, tmp_path)
    assert out == ["torch.bfloat16", "[0.5,", "-2.0]"]
