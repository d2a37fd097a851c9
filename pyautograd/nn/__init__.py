"""pyautograd.nn: modules, parameters, losses, functional and init (as torch.nn)."""
from . import functional, init
from .module import Module
from .modules import (CrossEntropyLoss, Identity, L1Loss, Linear, ModuleDict, ModuleList, MSELoss, ReLU,
                      Sequential, Sigmoid, Tanh)
from .parameter import Parameter
from . import utils
