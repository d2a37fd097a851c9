"""torch.nn.utils.parametrizations: weight normalization and spectral normalization as parametrizations.

Both register a parametrization (nn.utils.parametrize) on the module: the stored tensors live
under ``parametrizations.<name>`` and ``module.<name>`` is recomputed on every access.
``orthogonal`` is not provided: it needs ``matrix_exp`` / ``linalg.qr``, which pyautograd lacks.
"""
from ..._tensor import Tensor
from ...graph.grad_mode import no_grad
from ...ops.reduction import vector_norm
from .. import functional as F
from ..module import Module
from ..modules.conv import ConvTranspose1d, ConvTranspose2d, ConvTranspose3d
from . import parametrize

__all__ = ["spectral_norm", "weight_norm"]


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
