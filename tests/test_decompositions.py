"""torch.linalg's decompositions outside the op database: PyTorch's errors (kinds and wording),
the backward errors of qr, gradients at repeated singular values and eigenvalues, lstsq's
drivers, inv_ex / cholesky_ex on singular and indefinite input, matrix_rank's tolerances, the
named results and the Tensor methods."""
import warnings

import numpy as np
import pytest

import pyautograd as P
from pyautograd.ops import decompositions

RNG = np.random.default_rng(12)


def _both(torch, a, requires_grad=False):
    return P.tensor(a, requires_grad=requires_grad), torch.tensor(a, requires_grad=requires_grad)


def _message(call, lib):
    with pytest.raises(RuntimeError) as info:
        call(lib)
    return str(info.value)


@pytest.mark.parametrize("call", [
    lambda L: L.linalg.svd(L.ones(3, 2, dtype=L.int64)),
    lambda L: L.linalg.svdvals(L.ones(3)),
    lambda L: L.linalg.eigh(L.ones(3, 2)),
    lambda L: L.linalg.eigh(L.eye(2), UPLO="X"),
    lambda L: L.linalg.qr(L.ones(3)),
    lambda L: L.linalg.qr(L.ones(2, 2), mode="foo"),
    lambda L: L.linalg.pinv(L.ones(2, 2, dtype=L.int64)),
    lambda L: L.linalg.matrix_exp(L.ones(2, 3)),
    lambda L: L.linalg.matrix_exp(L.ones(2, 2, dtype=L.int64)),
    lambda L: L.linalg.matrix_power(L.ones(2, 3), 2),
    lambda L: L.linalg.multi_dot([L.ones(2, 2)]),
    lambda L: L.linalg.multi_dot([L.ones(2, 2, 2), L.ones(2, 2)]),
    lambda L: L.linalg.solve_triangular(L.eye(3), L.ones(3), upper=True),
    lambda L: L.linalg.vander(L.ones(2), N=1),
    lambda L: L.linalg.inv_ex(L.ones(2, 3)),
    lambda L: L.linalg.cholesky_ex(L.ones(2, 2, dtype=L.int64)),
    lambda L: L.linalg.inv(L.tensor([[1., 2.], [2., 4.]])),
    lambda L: L.linalg.inv(L.stack([L.eye(2), L.zeros(2, 2)])),
    lambda L: L.linalg.cholesky(L.tensor([[1., 2.], [2., 1.]])),
    lambda L: L.linalg.inv_ex(L.zeros(2, 2), check_errors=True),
    lambda L: L.linalg.cholesky_ex(L.stack([L.eye(2), -L.eye(2)]), check_errors=True),
    lambda L: L.linalg.svd(L.stack([L.eye(2), L.full((2, 2), float("nan"))])),
    lambda L: L.linalg.svdvals(L.full((2, 2), float("nan"))),
    lambda L: L.linalg.pinv(L.full((2, 3), float("nan"))),
    lambda L: L.linalg.matrix_norm(L.ones(3, 4), ord=3),
    lambda L: L.linalg.matrix_norm(L.ones(3, 4), ord="foo"),
    lambda L: L.linalg.matrix_norm(L.ones(3, 4), ord=2, dim=(0, 0)),
    lambda L: L.linalg.matrix_norm(L.ones(3, 4), ord="nuc", dim=(0,)),
    lambda L: L.linalg.matrix_norm(L.ones(4), ord=2),
    lambda L: L.linalg.matrix_norm(L.ones(3, 4, dtype=L.int64)),
    lambda L: L.linalg.norm(L.ones(2, 2, 2), ord=2),
    lambda L: L.linalg.norm(L.ones(2, 2, 2), ord=2, dim=(0, 1, 2)),
    lambda L: L.linalg.cond(L.ones(2, 3), 1),
    lambda L: L.linalg.cond(L.ones(2, 3), float("inf")),
    lambda L: L.linalg.cond(L.ones(2, 3), "fro"),
    lambda L: L.linalg.cond(L.ones(2, 2), "foo"),
    lambda L: L.linalg.cond(L.ones(2, 2), 3),
    lambda L: L.linalg.cond(L.ones(2)),
    lambda L: L.linalg.solve(L.zeros(2, 2), L.ones(2)),
    lambda L: L.linalg.solve(L.stack([L.eye(2), L.zeros(2, 2)]), L.ones(2)),
    lambda L: L.linalg.solve_ex(L.zeros(2, 2), L.ones(2), check_errors=True),
    lambda L: L.linalg.vecdot(L.ones(2), L.ones(2, dtype=L.float64)),
    lambda L: L.linalg.vecdot(L.ones(2, dtype=L.int64), L.ones(2, dtype=L.int64)),
    lambda L: L.linalg.tensorinv(L.ones(4, 6, 8, 3), ind=1),
    lambda L: L.linalg.tensorinv(L.ones(4, 6, 8, 3), ind=0),
    lambda L: L.linalg.tensorsolve(L.ones(4, 6, 8, 3), L.ones(5)),
    lambda L: L.linalg.lu_factor(L.ones(3, 3), pivot=False),
    lambda L: L.linalg.lu_factor(L.stack([L.eye(2), L.zeros(2, 2)])),
    lambda L: L.linalg.lu_factor_ex(L.zeros(2, 2), check_errors=True),
    lambda L: L.linalg.lu_factor(L.ones(3)),
    lambda L: L.linalg.lu(L.ones(3)),
    lambda L: L.linalg.lu_solve(L.eye(3), L.ones(3, dtype=L.int32), L.ones(3)),
    lambda L: L.linalg.lu_solve(L.eye(3), L.ones(3, dtype=L.int64), L.ones(3, 1)),
    lambda L: L.linalg.lu_solve(L.ones(2, 3), L.ones(2, dtype=L.int32), L.ones(2, 1)),
    lambda L: L.cholesky_solve(L.ones(2), L.eye(2)),
    lambda L: L.cholesky_solve(L.ones(2, 2), L.ones(2, 3)),
    lambda L: L.cholesky_solve(L.ones(2, 2, dtype=L.float64), L.eye(2)),
    lambda L: L.cholesky_solve(L.ones(3, 2), L.eye(2)),
    lambda L: L.cholesky_inverse(L.ones(2, 3)),
    lambda L: L.cholesky_inverse(L.ones(2)),
    lambda L: L.triangular_solve(L.ones(2), L.eye(2)),
    lambda L: L.triangular_solve(L.ones(3, 2), L.eye(2)),
    lambda L: L.lu_unpack(L.ones(3), L.ones(3, dtype=L.int32)),
    lambda L: L.lu_unpack(L.eye(3), L.ones(3, dtype=L.int64)),
    lambda L: L.cholesky(L.tensor([[1., 2.], [2., 1.]])),
    lambda L: L.cholesky(L.stack([L.eye(2), -L.eye(2)])),
    lambda L: L.cholesky(L.ones(2, 3)),
], ids=["svd int", "svdvals 1-D", "eigh non-square", "eigh UPLO", "qr 1-D", "qr mode", "pinv int",
        "matrix_exp non-square", "matrix_exp int", "matrix_power non-square", "multi_dot one", "multi_dot 3-D",
        "solve_triangular 1-D B", "vander N=1", "inv_ex non-square", "cholesky_ex int", "inv singular",
        "inv batch singular", "cholesky indefinite", "inv_ex check_errors", "cholesky_ex check_errors batch",
        "svd batch non-finite", "svdvals non-finite", "pinv non-finite", "matrix_norm order 3",
        "matrix_norm order foo", "matrix_norm same dims", "matrix_norm one dim", "matrix_norm 1-D",
        "matrix_norm int", "norm 3-D with ord", "norm three dims", "cond 1 non-square", "cond inf non-square",
        "cond fro non-square", "cond foo", "cond 3", "cond 1-D", "solve singular",
        "solve batch singular", "solve_ex check_errors", "vecdot dtypes", "vecdot int", "tensorinv prod",
        "tensorinv ind", "tensorsolve prod", "lu_factor pivot=False", "lu_factor batch singular",
        "lu_factor_ex check_errors", "lu_factor 1-D", "lu 1-D", "lu_solve 1-D B", "lu_solve int64 pivots",
        "lu_solve non-square", "cholesky_solve 1-D", "cholesky_solve non-square", "cholesky_solve dtypes",
        "cholesky_solve sizes", "cholesky_inverse non-square", "cholesky_inverse 1-D", "triangular_solve 1-D",
        "triangular_solve sizes", "lu_unpack 1-D", "lu_unpack int64 pivots", "torch.cholesky indefinite",
        "torch.cholesky batch indefinite", "torch.cholesky non-square"])
def test_errors_as_torch(call, torch):
    """The same error kind (RuntimeError, or LinAlgError) and message as PyTorch's. PyTorch's eigh
    of an integer matrix raises NotImplementedError (a RuntimeError); ours names the dtype as the
    other decompositions do."""
    ours, theirs = _message(call, P), _message(call, torch)
    if "linalg_eigh_cpu" not in theirs:
        assert ours == theirs
    try:
        call(torch)
    except torch.linalg.LinAlgError:
        with pytest.raises(P.linalg.LinAlgError):
            call(P)
    except RuntimeError:
        pass


def test_eigh_of_an_integer_matrix_names_the_dtype():
    with pytest.raises(RuntimeError, match="linalg.eigh: Expected a floating point or complex tensor as input. Got Long"):
        P.linalg.eigh(P.ones(2, 2, dtype=P.int64))


def test_eigh_that_does_not_converge_raises_linalg_error():
    """PyTorch's wording, without LAPACK's error code (NumPy does not report it)."""
    for fn in (P.linalg.eigh, P.linalg.eigvalsh):
        with pytest.raises(P.linalg.LinAlgError, match="linalg.eigh: The algorithm failed to converge because the "
                                                       "input matrix is ill-conditioned or has too many repeated"):
            fn(P.full((3, 3), float("nan")))


def test_qr_backward_errors_are_torchs(torch):
    a = RNG.standard_normal((4, 3))
    for mode in ("r", "complete"):
        messages = []
        for lib in (P, torch):
            x = lib.tensor(a, requires_grad=True)
            R = lib.linalg.qr(x, mode=mode).R
            assert R.requires_grad
            with pytest.raises(RuntimeError) as info:
                R.sum().backward()
            messages.append(str(info.value))
        assert messages[0] == messages[1]
    q = P.linalg.qr(P.tensor(a), mode="r").Q
    assert q.shape == (0,)


def test_values_only_gradients_are_finite_at_repeated_values(torch):
    """svdvals and eigvalsh pass no gradient to the vectors, so repeated values divide nothing."""
    a = np.eye(3)
    for name in ("svdvals", "eigvalsh"):
        grads = []
        for lib in (P, torch):
            x = lib.tensor(a, requires_grad=True)
            getattr(lib.linalg, name)(x).pow(2).sum().backward()
            grads.append(x.grad.numpy())
        assert np.isfinite(grads[0]).all()
        np.testing.assert_allclose(grads[0], grads[1], atol=1e-12)


def test_svd_of_a_rank_deficient_matrix_through_gauge_invariant_outputs(torch):
    """U diag(S) Vh is differentiable even where the vectors of a zero singular value are not unique."""
    a = RNG.standard_normal((4, 2)) @ RNG.standard_normal((2, 3))
    grads = []
    for lib in (P, torch):
        x = lib.tensor(a, requires_grad=True)
        U, S, Vh = lib.linalg.svd(x, full_matrices=False)
        (S[:2] ** 2).sum().backward()
        grads.append(x.grad.numpy())
    np.testing.assert_allclose(grads[0], grads[1], atol=1e-10)


@pytest.mark.parametrize("driver", [None, "gels", "gelsy", "gelsd", "gelss"])
@pytest.mark.parametrize("shapes", [((4, 3), (4, 2)), ((2, 3, 5), (2, 3, 2)), ((2, 4, 3), (2, 4))],
                         ids=["tall", "wide batched", "vector"])
def test_lstsq_fills_what_pytorchs_driver_fills(driver, shapes, torch):
    a, b = (RNG.standard_normal(s) for s in shapes)
    ours = P.linalg.lstsq(P.tensor(a), P.tensor(b), driver=driver)
    theirs = torch.linalg.lstsq(torch.tensor(a), torch.tensor(b), driver=driver)
    assert ours._fields == ("solution", "residuals", "rank", "singular_values")
    assert theirs.solution is theirs[0] and theirs.singular_values is theirs[3]
    for o, t in zip(ours, theirs):
        assert o.shape == tuple(t.shape) and o.numpy().dtype == t.numpy().dtype
        np.testing.assert_allclose(o.numpy(), t.numpy(), rtol=1e-10, atol=1e-10)


def test_lstsq_rank_deficient_gives_the_minimum_norm_solution(torch):
    a = RNG.standard_normal((5, 2)) @ RNG.standard_normal((2, 3))
    b = RNG.standard_normal((5, 1))
    for driver in ("gelsy", "gelsd"):
        ours = P.linalg.lstsq(P.tensor(a), P.tensor(b), driver=driver)
        theirs = torch.linalg.lstsq(torch.tensor(a), torch.tensor(b), driver=driver)
        assert ours.rank.item() == theirs.rank.item() == 2
        np.testing.assert_allclose(ours.solution.numpy(), theirs.solution.numpy(), atol=1e-10)


def test_lstsq_errors():
    with pytest.raises(RuntimeError, match="driver"):
        P.linalg.lstsq(P.ones(3, 2), P.ones(3, 1), driver="gelsx")
    with pytest.raises(RuntimeError, match="same dtype"):
        P.linalg.lstsq(P.ones(3, 2), P.ones(3, 1, dtype=P.float64))


def test_inv_ex_and_cholesky_ex_report_info_as_torch(torch):
    cases = [("inv_ex", np.array([[1., 2.], [2., 4.]]), {}),
             ("inv_ex", np.stack([np.eye(2), np.zeros((2, 2)), [[0., 1.], [1., 0.]]]), {}),
             ("cholesky_ex", np.array([[4., 2., 1.], [2., 1., 3.], [1., 3., 2.]]), {}),
             ("cholesky_ex", np.array([[4., 2., 1.], [2., 1., 3.], [1., 3., 2.]]), {"upper": True}),
             ("cholesky_ex", np.stack([np.eye(2), -np.eye(2)]), {})]
    for name, a, kwargs in cases:
        ours = getattr(P.linalg, name)(P.tensor(a), **kwargs)
        theirs = getattr(torch.linalg, name)(torch.tensor(a), **kwargs)
        assert ours._fields == (("inverse", "info") if name == "inv_ex" else ("L", "info"))
        assert ours.info.numpy().dtype == np.int32
        np.testing.assert_array_equal(ours.info.numpy(), theirs.info.numpy())
        np.testing.assert_allclose(ours[0].numpy(), theirs[0].numpy(), equal_nan=True)


def test_solve_ex_reports_info_as_torch(torch):
    for a, b in ((np.zeros((2, 2)), np.ones(2)), (np.array([[1., 2.], [2., 4.]]), np.ones((2, 1))),
                 (np.stack([np.eye(2), np.zeros((2, 2))]), np.ones((2, 2, 3)))):
        ours = P.linalg.solve_ex(P.tensor(a), P.tensor(b))
        theirs = torch.linalg.solve_ex(torch.tensor(a), torch.tensor(b))
        assert ours._fields == ("result", "info") and ours.info.numpy().dtype == np.int32
        np.testing.assert_array_equal(ours.info.numpy(), theirs.info.numpy())
        np.testing.assert_allclose(ours.result.numpy(), theirs.result.numpy(), equal_nan=True)


def test_lu_of_singular_matrices_as_torch(torch):
    for a in (np.zeros((2, 2)), np.array([[1., 2.], [2., 4.]]), np.stack([np.eye(3), np.ones((3, 3))])):
        ours, theirs = P.linalg.lu_factor_ex(P.tensor(a)), torch.linalg.lu_factor_ex(torch.tensor(a))
        for o, t in zip(ours, theirs):
            assert o.numpy().dtype == t.numpy().dtype
            np.testing.assert_allclose(o.numpy(), t.numpy(), atol=1e-12)
        for o, t in zip(P.linalg.lu(P.tensor(a)), torch.linalg.lu(torch.tensor(a))):
            np.testing.assert_allclose(o.numpy(), t.numpy(), atol=1e-12)


def test_inv_ex_info_never_requires_grad():
    x = P.tensor(RNG.standard_normal((3, 3)) + 3 * np.eye(3), requires_grad=True)
    inverse, info = P.linalg.inv_ex(x)
    assert inverse.grad_fn.name() == "LinalgInvExBackward0" and not info.requires_grad


def test_solve_triangular_with_a_zero_pivot_gives_infs_as_torch(torch):
    a = np.array([[1., 2.], [0., 0.]])
    b = np.array([[1.], [1.]])
    ours = P.linalg.solve_triangular(P.tensor(a), P.tensor(b), upper=True).numpy()
    theirs = torch.linalg.solve_triangular(torch.tensor(a), torch.tensor(b), upper=True).numpy()
    np.testing.assert_array_equal(ours, theirs)


@pytest.mark.parametrize("kwargs", [{}, {"atol": 1.0}, {"rtol": 0.5}, {"atol": 0.1, "rtol": 0.2},
                                    {"hermitian": True}])
def test_matrix_rank_and_pinv_tolerances_as_torch(kwargs, torch):
    s = np.array([10.0, 3.0, 0.5, 1e-17])
    q1, _ = np.linalg.qr(RNG.standard_normal((4, 4)))
    a = (q1 * s) @ q1.T  # symmetric positive semi-definite, singular values s
    xo, xt = _both(torch, a)
    assert P.linalg.matrix_rank(xo, **kwargs).item() == torch.linalg.matrix_rank(xt, **kwargs).item()
    np.testing.assert_allclose(P.linalg.pinv(xo, **kwargs).numpy(), torch.linalg.pinv(xt, **kwargs).numpy(),
                               atol=1e-10)


def test_deprecated_overloads_tol_and_rcond_as_torch(torch):
    xo, xt = _both(torch, np.diag([3.0, 1.0, 0.1]))
    for lib, x in ((P, xo), (torch, xt)):
        assert lib.linalg.matrix_rank(x, 0.5).item() == lib.linalg.matrix_rank(x, tol=0.5, hermitian=True).item() == 2
    np.testing.assert_allclose(P.linalg.pinv(xo, 0.2).numpy(), torch.linalg.pinv(xt, 0.2).numpy())
    np.testing.assert_allclose(P.linalg.pinv(xo, 0.5, True).numpy(), torch.linalg.pinv(xt, 0.5, True).numpy())
    with pytest.raises(TypeError):
        P.linalg.matrix_rank(xo, 0.5, atol=1.0)


def test_pinv_takes_tensor_tolerances(torch):
    a = RNG.standard_normal((2, 3, 3))
    atol = np.array([0.5, 1.5])
    ours = P.linalg.pinv(P.tensor(a), atol=P.tensor(atol))
    theirs = torch.linalg.pinv(torch.tensor(a), atol=torch.tensor(atol))
    np.testing.assert_allclose(ours.numpy(), theirs.numpy(), atol=1e-10)


def test_named_results_and_methods(torch):
    a = RNG.standard_normal((4, 3))
    x, xt = _both(torch, a)
    for name, result in [("linalg_svd", P.linalg.svd(x)), ("svd", x.svd()), ("linalg_qr", P.linalg.qr(x)),
                         ("qr", x.qr()), ("linalg_eigh", P.linalg.eigh(P.tensor(a.T @ a)))]:
        assert type(result).__name__ == name and repr(result).startswith(f"torch.return_types.{name}(")
    np.testing.assert_allclose(x.pinverse().numpy(), xt.pinverse().numpy(), atol=1e-12)
    sq, sqt = _both(torch, a.T @ a / 10)
    np.testing.assert_allclose(sq.matrix_exp().numpy(), sqt.matrix_exp().numpy(), rtol=1e-12)
    np.testing.assert_allclose(sq.matrix_power(3).numpy(), sqt.matrix_power(3).numpy(), rtol=1e-12)
    assert P.matrix_exp is P.linalg.matrix_exp and P.matrix_power is not None


def test_torch_svd_without_uv(torch):
    a = RNG.standard_normal((2, 4, 3))
    ours, theirs = P.svd(P.tensor(a), compute_uv=False), torch.svd(torch.tensor(a), compute_uv=False)
    for o, t in zip(ours, theirs):
        assert o.shape == tuple(t.shape)
        np.testing.assert_allclose(o.numpy(), t.numpy(), atol=1e-12)


def test_matrix_exp_large_norm_and_float32(torch):
    """Scaling and squaring: a matrix of norm ~50, and float32 computed as PyTorch's within float32's accuracy."""
    a = RNG.standard_normal((2, 5, 5)) * 10
    np.testing.assert_allclose(P.linalg.matrix_exp(P.tensor(a)).numpy(),
                               torch.linalg.matrix_exp(torch.tensor(a)).numpy(), rtol=1e-9)
    b = (RNG.standard_normal((4, 4)) * 2).astype(np.float32)
    ours, theirs = P.linalg.matrix_exp(P.tensor(b)), torch.linalg.matrix_exp(torch.tensor(b))
    assert ours.dtype == P.float32
    np.testing.assert_allclose(ours.numpy(), theirs.numpy(), rtol=1e-4, atol=1e-4)


@pytest.mark.parametrize("name, call", [("qr", lambda: P.qr(P.eye(2))),
                                        ("triangular_solve", lambda: P.triangular_solve(P.eye(2), P.eye(2))),
                                        ("lu", lambda: P.lu(P.eye(2))),
                                        ("cholesky", lambda: P.cholesky(P.eye(2))),
                                        ("lu_solve", lambda: P.lu_solve(P.eye(2), *P.linalg.lu_factor(P.eye(2)))),
                                        ("chain_matmul", lambda: P.chain_matmul(P.eye(2), P.eye(2)))])
def test_deprecated_spellings_warn_once_as_torch(name, call):
    """PyTorch's TORCH_WARN_ONCE: the first call of the process warns, later ones do not."""
    decompositions._WARNED.discard(name)
    with pytest.warns(UserWarning, match=f"torch.{name} is deprecated"):
        call()
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        call()


def test_cond_of_singular_and_empty_matrices_as_torch(torch):
    for a in (np.zeros((2, 2)), np.array([[1.0, 2.0], [2.0, 4.0]]), np.zeros((2, 0, 0))):
        for p in (None, 1, "fro", "nuc", -2):
            if a.size == 0 and p is None:
                continue
            xo, xt = _both(torch, a)
            ours, theirs = P.linalg.cond(xo, p).numpy(), torch.linalg.cond(xt, p).numpy()
            if np.all(np.isfinite(theirs) & ((np.abs(theirs) > 1e12) | (np.abs(theirs) < 1e-12))):
                # a singular value that is round-off (~1e-16) divides: its digits are LAPACK's
                # summation order, not the formula, so only the order of magnitude is PyTorch's
                assert np.all((np.abs(ours) > 1e12) == (np.abs(theirs) > 1e12)), (p, ours, theirs)
                assert np.all(np.isfinite(ours)) and np.all((np.abs(ours) < 1e-12) == (np.abs(theirs) < 1e-12))
            else:
                np.testing.assert_allclose(ours, theirs, rtol=1e-12)


def test_torch_vander_differentiates_where_pytorchs_backward_fails(torch):
    """A deliberate difference (docs/supported.md): PyTorch 2.13 raises in vander's backward."""
    x = P.tensor([1.0, 2.0, 3.0], requires_grad=True)
    P.vander(x).sum().backward()
    np.testing.assert_allclose(x.grad.numpy(), [3.0, 5.0, 7.0])  # d/dx (x^2 + x + 1)
    xt = torch.tensor([1.0, 2.0, 3.0], requires_grad=True)
    with pytest.raises(RuntimeError, match="modified by an inplace operation"):
        torch.vander(xt).sum().backward()
