"""pyautograd.nn: modules, parameters, losses, functional and init (as torch.nn)."""
from . import functional, init
from .module import Module
from .modules import (CrossEntropyLoss, Identity, L1Loss, Linear, ModuleDict, ModuleList, MSELoss, ReLU,
                      Sequential, Sigmoid, Tanh)
from .parameter import Parameter
from .modules import (ELU, GELU, BatchNorm1d, BatchNorm2d, Bilinear, Dropout, Embedding, Flatten, Hardtanh,
                      LayerNorm, LeakyReLU, LogSigmoid, LogSoftmax, ReLU6, SiLU, Softmax, Softplus, Unflatten)
