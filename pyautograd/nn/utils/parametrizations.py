"""torch.nn.utils.parametrizations: weight normalization, spectral normalization and orthogonal
matrices as parametrizations.

Each registers a parametrization (nn.utils.parametrize) on the module: the stored tensors live
under ``parametrizations.<name>`` and ``module.<name>`` is recomputed on every access.
"""
from enum import Enum, auto

import numpy as np

from ..._creation import eye, randn
from ..._tensor import Tensor
from ...graph.grad_mode import no_grad
from ...ops.decompositions import matrix_exp
from ...ops.linalg_more import solve
from ...ops.reduction import allclose, vector_norm
from ...ops.shape import cat
from .. import functional as F
from ..module import Module
from ..modules.conv import ConvTranspose1d, ConvTranspose2d, ConvTranspose3d
from . import parametrize

__all__ = ["orthogonal", "spectral_norm", "weight_norm"]


def norm_except_dim(v, pow=2, dim=0):
    """The `pow`-norm of v over every dimension but `dim`, kept as size-1 dimensions
    (torch.norm_except_dim); dim=-1 means the norm of the whole tensor, as a 0-dim tensor."""
    if dim == -1:
        return vector_norm(v, pow)
    dim = dim % v.ndim if v.ndim else 0
    others = tuple(d for d in range(v.ndim) if d != dim)
    if not others:  # 1-D: the norm of each single element
        return vector_norm(v.unsqueeze(-1), pow, (-1,), False)
    return vector_norm(v, pow, others, True)


def weight_norm_value(v, g, dim):
    """v * (g / ||v||), the norm taken over every dimension but `dim` (torch._weight_norm)."""
    return v * (g / norm_except_dim(v, 2, dim))


class _WeightNorm(Module):
    """weight = g * v / ||v||, from original0 = g and original1 = v."""

    def __init__(self, dim=0):
        super().__init__()
        self.dim = -1 if dim is None else dim

    def forward(self, weight_g, weight_v):
        return weight_norm_value(weight_v, weight_g, self.dim)

    def right_inverse(self, weight):
        return norm_except_dim(weight, 2, self.dim), weight


def weight_norm(module, name="weight", dim=0):
    """Reparametrizes ``module.<name>`` as g * v / ||v||: original0 holds the magnitude g (the norm
    over every dimension but `dim`; dim=None: the whole tensor), original1 the direction v.

    Old checkpoints with ``<name>_g`` / ``<name>_v`` keys are not converted on load (pyautograd's
    load_state_dict has no pre-hooks); rename the keys to ``parametrizations.<name>.original0/1``.
    """
    parametrize.register_parametrization(module, name, _WeightNorm(dim), unsafe=True)
    return module


class _SpectralNorm(Module):
    """weight / sigma, sigma the largest singular value estimated by power iteration (buffers _u, _v)."""

    def __init__(self, weight, n_power_iterations=1, dim=0, eps=1e-12):
        super().__init__()
        ndim = weight.ndim
        if dim >= ndim or dim < -ndim:
            raise IndexError(f"Dimension out of range (expected to be in range of [-{ndim}, {ndim - 1}] "
                             f"but got {dim})")
        if n_power_iterations <= 0:
            raise ValueError("Expected n_power_iterations to be positive, but got "
                             f"n_power_iterations={n_power_iterations}")
        self.dim = dim if dim >= 0 else dim + ndim
        self.eps = eps
        if ndim > 1:
            self.n_power_iterations = n_power_iterations
            mat = self._reshape_weight_to_matrix(weight)
            h, w = mat.shape
            u = mat.new_empty(h).normal_(0, 1)
            v = mat.new_empty(w).normal_(0, 1)
            self.register_buffer("_u", F.normalize(u, dim=0, eps=self.eps))
            self.register_buffer("_v", F.normalize(v, dim=0, eps=self.eps))
            # start from good singular vectors rather than random ones
            self._power_method(mat, 15)

    def _reshape_weight_to_matrix(self, weight):
        if self.dim != 0:
            weight = weight.permute(self.dim, *(d for d in range(weight.ndim) if d != self.dim))
        return weight.flatten(1)

    def _power_method(self, weight_mat, n_power_iterations):
        # u and v are updated in place: the buffers keep their identity
        with no_grad():
            for _ in range(n_power_iterations):
                self._u.copy_(F.normalize(weight_mat.mv(self._v), dim=0, eps=self.eps))
                self._v.copy_(F.normalize(weight_mat.mH.mv(self._u), dim=0, eps=self.eps))

    def forward(self, weight):
        if weight.ndim == 1:
            return F.normalize(weight, dim=0, eps=self.eps)
        mat = self._reshape_weight_to_matrix(weight)
        if self.training:
            self._power_method(mat, self.n_power_iterations)
        # copies: the next power iteration updates the buffers in place, and backward needs these
        u, v = self._u.clone(), self._v.clone()
        sigma = u.dot(mat.mv(v))  # real tensors: vdot is dot
        return weight / sigma

    def right_inverse(self, value):
        return value


def spectral_norm(module, name="weight", n_power_iterations=1, eps=1e-12, dim=None):
    """Reparametrizes ``module.<name>`` as weight / sigma, sigma its spectral norm estimated by
    `n_power_iterations` steps of power iteration per forward in training mode (the vectors are
    the parametrization's buffers ``_u`` and ``_v``). `dim` is the output dimension (default 0,
    1 for ConvTranspose); a 1-D tensor is simply normalized."""
    weight = getattr(module, name, None)
    if not isinstance(weight, Tensor):
        raise ValueError(f"Module '{module}' has no parameter or buffer with name '{name}'")
    if dim is None:
        dim = 1 if isinstance(module, (ConvTranspose1d, ConvTranspose2d, ConvTranspose3d)) else 0
    parametrize.register_parametrization(module, name, _SpectralNorm(weight, n_power_iterations, dim, eps))
    return module


# -- orthogonal ----------------------------------------------------------------------------------------

def _householder_product(A, tau):
    """H_1 ... H_k applied to the first k columns of the identity (LAPACK's orgqr), H_i = I - tau_i v_i v_i^T
    with v_i column i of A below the diagonal and 1 on it: composed of Tensor ops, so it differentiates."""
    n, k = A.shape[-2], A.shape[-1]
    V = A.tril(-1) + eye(n, k, dtype=A.dtype)
    Q = eye(n, k, dtype=A.dtype).expand(*A.shape)
    for i in range(k - 1, -1, -1):  # the last reflector acts first on the identity
        v = V[..., :, i:i + 1]
        Q = Q - (tau[..., i:i + 1].unsqueeze(-1) * v) @ (v.mT @ Q)
    return Q


def _geqrf(a):
    """LAPACK's geqrf on each matrix of the array `a`: (R above and reflectors below the diagonal, tau)."""
    batch = a.shape[:-2]
    flat = a.reshape((-1,) + a.shape[-2:])
    out, taus = np.empty_like(flat), np.empty(flat.shape[:1] + (min(a.shape[-2:]),), dtype=a.dtype)
    for j, m in enumerate(flat):
        h, tau = np.linalg.qr(m, mode="raw")  # h is the Fortran-order result, transposed
        out[j], taus[j] = h.T, tau
    return out.reshape(a.shape), taus.reshape(batch + taus.shape[-1:])


def _is_orthogonal(Q):
    n, k = Q.shape[-2], Q.shape[-1]
    eps = 10.0 * n * float(np.finfo(Q._data.dtype).eps)  # reasonable, not too large (PyTorch's bound)
    return allclose(Q.mH @ Q, eye(k, dtype=Q.dtype), atol=eps)


def _make_orthogonal(A):
    """The Q of A = QR (A tall) with R's diagonal made non-negative: Q's columns times its signs."""
    q, r = np.linalg.qr(A._data)
    signs = np.sign(np.diagonal(r, axis1=-2, axis2=-1))
    return Tensor._wrap((q * signs[..., None, :]).astype(A._data.dtype, copy=False))


class _OrthMaps(Enum):
    matrix_exp = auto()
    cayley = auto()
    householder = auto()


class _Orthogonal(Module):
    """The parametrization `orthogonal` registers: an orthogonal matrix from an unconstrained one."""

    def __init__(self, weight, orthogonal_map, *, use_trivialization=True):
        super().__init__()
        self.shape = weight.shape
        self.orthogonal_map = orthogonal_map
        if use_trivialization:
            self.register_buffer("base", None)

    def forward(self, X):
        """The orthogonal matrix (orthonormal columns if tall, rows if wide) that X parametrizes."""
        n, k = X.shape[-2], X.shape[-1]
        transposed = n < k
        if transposed:
            X = X.mT
            n, k = k, n
        if self.orthogonal_map in (_OrthMaps.matrix_exp, _OrthMaps.cayley):
            # n*k - k(k-1)/2 parameters: the lower triangle, embedded in a square matrix
            X = X.tril()
            if n != k:
                X = cat([X, X.new_zeros(n, n - k).expand(*X.shape[:-2], -1, -1)], dim=-1)
            A = X - X.mH  # skew-symmetric
            if self.orthogonal_map == _OrthMaps.matrix_exp:
                Q = matrix_exp(A)
            else:  # the Cayley retraction (I + A/2)(I - A/2)^{-1}
                Id = eye(n, dtype=A.dtype)
                Q = solve(Id - 0.5 * A, Id + 0.5 * A)
            if n != k:
                Q = Q[..., :k]
        else:
            A = X.tril(diagonal=-1)
            tau = 2.0 / (1.0 + (A * A).sum(dim=-2))
            Q = _householder_product(A, tau)
            # X's diagonal holds the signs (1 or -1); the cast keeps it out of the graph
            Q = Q * X.diagonal(dim1=-2, dim2=-1).int().unsqueeze(-2)
        if hasattr(self, "base"):
            Q = self.base @ Q
        if transposed:
            Q = Q.mT
        return Q

    def right_inverse(self, Q):
        """The stored tensor for the orthogonal matrix Q (with the trivialization: Q becomes the base)."""
        with no_grad():
            return self._right_inverse(Q)

    def _right_inverse(self, Q):
        if Q.shape != self.shape:
            raise ValueError(f"Expected a matrix or batch of matrices of shape {self.shape}. "
                             f"Got a tensor of shape {Q.shape}.")
        Q_init = Q
        n, k = Q.shape[-2], Q.shape[-1]
        transpose = n < k
        if transpose:
            Q = Q.mT
            n, k = k, n
        if not hasattr(self, "base"):
            if self.orthogonal_map in (_OrthMaps.cayley, _OrthMaps.matrix_exp):
                # PyTorch's exception kind: no X is known whose map gives an arbitrary Q
                raise NotImplementedError("It is not possible to assign to the matrix exponential "
                                          "or the Cayley parametrizations when use_trivialization=False.")
            a, tau = _geqrf(Q._data)
            i = np.arange(k)
            d = np.sign(a[..., i, i])  # the diagonal (R's) becomes its signs
            d[tau == 0.0] *= -1  # LAPACK's tau is exactly 0 where it skips a reflection
            a[..., i, i] = d
            A = Tensor._wrap(a)
            return A.mT if transpose else A
        if n == k:
            Q = Q.clone() if _is_orthogonal(Q) else _make_orthogonal(Q)
        else:  # completed into an n x n orthogonal matrix
            N = randn(*(tuple(Q.shape[:-2]) + (n, n - k)), dtype=Q.dtype)
            Q = _make_orthogonal(cat([Q, N], dim=-1))
        self.base = Q
        # -Id: householder(zeros) is then eye(n, k) and the other maps give the identity
        neg_Id = Q_init.new_zeros(Q_init.shape)
        neg_Id.diagonal(dim1=-2, dim2=-1).fill_(-1.0)
        return neg_Id


def orthogonal(module, name="weight", orthogonal_map=None, *, use_trivialization=True):
    """Makes ``module.<name>`` an orthogonal matrix (or batch of them), as PyTorch's.

    orthogonal_map is "matrix_exp", "cayley" or "householder" (default: "matrix_exp" for square
    matrices, "householder" otherwise). With use_trivialization (default) the initial orthogonal
    matrix is stored as the buffer ``parametrizations.<name>.0.base`` and the parameter
    ``parametrizations.<name>.original`` starts at -Id; a non-orthogonal weight is first
    orthogonalized by QR.
    """
    weight = getattr(module, name, None)
    if not isinstance(weight, Tensor):
        raise ValueError(f"Module '{module}' has no parameter or buffer with name '{name}'")
    if weight.ndim < 2:
        raise ValueError(f"Expected a matrix or batch of matrices. Got a tensor of {weight.ndim} dimensions.")
    if orthogonal_map is None:
        orthogonal_map = "matrix_exp" if weight.shape[-2] == weight.shape[-1] else "householder"
    orth_enum = getattr(_OrthMaps, orthogonal_map, None)
    if orth_enum is None:
        raise ValueError('orthogonal_map has to be one of "matrix_exp", "cayley", "householder". '
                         f"Got: {orthogonal_map}")
    orth = _Orthogonal(weight, orth_enum, use_trivialization=use_trivialization)
    parametrize.register_parametrization(module, name, orth, unsafe=True)
    return module
