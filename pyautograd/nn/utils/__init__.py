"""nn.utils: gradient clipping and flattening parameters into one vector (as torch.nn.utils)."""
from .clip_grad import clip_grad_norm_, clip_grad_value_
from .convert_parameters import parameters_to_vector, vector_to_parameters

__all__ = ["clip_grad_norm_", "clip_grad_value_", "parameters_to_vector", "vector_to_parameters"]
from . import rnn  # noqa: E402  sequence models (issue 14)
__all__ += ["rnn"]
# nnutils (issue 12): parametrizations, weight/spectral normalization and pruning
from . import parametrizations, parametrize  # noqa: E402
__all__ += ["parametrizations", "parametrize"]
from .spectral_norm import remove_spectral_norm, spectral_norm  # noqa: E402
from .weight_norm import remove_weight_norm, weight_norm  # noqa: E402
__all__ += ["remove_spectral_norm", "remove_weight_norm", "spectral_norm", "weight_norm"]
from . import prune  # noqa: E402
__all__ += ["prune"]
