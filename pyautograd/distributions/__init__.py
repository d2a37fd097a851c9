"""torch.distributions basics: Normal, Uniform (with rsample), Categorical, Bernoulli, Beta and
Multinomial (sample without rsample), and
kl_divergence between two of one family; sample/log_prob/entropy/mean/variance as PyTorch's.
Samples come from pyautograd's generator (reproducible under manual_seed, not PyTorch's stream)."""
from .bernoulli import Bernoulli
from .beta import Beta  # issue 12, small functions
from .categorical import Categorical
from .distribution import Distribution
from .kl import kl_divergence, register_kl
from .multinomial import Multinomial  # issue 12, small functions
from .normal import Normal
from .uniform import Uniform

__all__ = ["Bernoulli", "Categorical", "Distribution", "Normal", "Uniform", "kl_divergence", "register_kl",
           "Beta", "Multinomial"]
