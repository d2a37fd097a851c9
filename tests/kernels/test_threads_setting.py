"""set_num_threads takes what torch.set_num_threads takes and refuses the rest with its error kinds;
a huge count never reaches libgomp (which aborts the process when it cannot start the team)."""
import numpy as np
import pytest

import pyautograd
import pyautograd.kernels as K


@pytest.fixture
def restore_threads():
    saved = K.get_num_threads()
    yield
    K.set_num_threads(saved)


@pytest.mark.parametrize("bad,kind", [("2", RuntimeError), (2.0, RuntimeError), (True, RuntimeError),
                                      (None, RuntimeError), (0, RuntimeError), (-1, RuntimeError),
                                      (2**31, ValueError)])
def test_set_num_threads_refuses_as_torch(bad, kind, restore_threads, torch):
    before = K.get_num_threads()
    with pytest.raises(kind):
        pyautograd.set_num_threads(bad)
    with pytest.raises(kind):
        torch.set_num_threads(bad)
    assert K.get_num_threads() == before


def test_set_num_threads_huge_is_capped_for_c(restore_threads):
    pyautograd.set_num_threads(5000)
    assert pyautograd.get_num_threads() == 5000  # reported as set, as PyTorch does
    if K.c_available():
        from pyautograd.kernels._c import _marshal
        assert _marshal.threads[0] == K.MAX_C_THREADS
        x = np.ones(1 << 16, np.float32)
        np.testing.assert_allclose(K._c.exp(x), np.exp(x), rtol=1e-6)
    pyautograd.set_num_threads(np.int64(2))
    assert pyautograd.get_num_threads() == 2
