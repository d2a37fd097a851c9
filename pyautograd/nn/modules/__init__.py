"""The nn modules."""
from .activation import ReLU, Sigmoid, Tanh
from .activation import ELU, GELU, Hardtanh, LeakyReLU, LogSigmoid, LogSoftmax, ReLU6, SiLU, Softmax, Softplus
from .batchnorm import BatchNorm1d, BatchNorm2d
from .dropout import Dropout
from .flatten import Flatten, Unflatten
from .normalization import LayerNorm
from .sparse import Embedding
from .container import ModuleDict, ModuleList, Sequential
from .linear import Identity, Linear
from .linear import Bilinear
from .loss import CrossEntropyLoss, L1Loss, MSELoss
