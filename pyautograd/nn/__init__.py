"""pyautograd.nn: modules, parameters, losses, functional and init (as torch.nn)."""
from . import functional, init, utils
from .module import Module
from .modules import (ELU, GELU, BatchNorm1d, BatchNorm2d, BCELoss, BCEWithLogitsLoss, Bilinear,
                      CrossEntropyLoss, Dropout, Embedding, Flatten, Hardtanh, HuberLoss, Identity, KLDivLoss,
                      L1Loss, LayerNorm, LeakyReLU, Linear, LogSigmoid, LogSoftmax, ModuleDict, ModuleList,
                      MSELoss, NLLLoss, ReLU, ReLU6, Sequential, Sigmoid, SiLU, SmoothL1Loss, Softmax, Softplus,
                      Tanh, Unflatten)
from .parameter import Parameter

# surface issue 12: modules added for the everyday API
from .modules.activation_more import CELU, GLU, SELU, Hardsigmoid, Hardswish, Mish, PReLU, Softmin  # noqa: E402
from .modules.lazy import LazyLinear, UninitializedParameter  # noqa: E402
from .modules.parameter_containers import ParameterDict, ParameterList  # noqa: E402
# end surface issue 12
# distributed issue 16: data-parallel wrappers and the synchronised BatchNorm
from . import parallel  # noqa: E402
from .modules.sync_batchnorm import SyncBatchNorm  # noqa: E402
