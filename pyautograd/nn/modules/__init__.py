"""The nn modules."""
from .activation import ReLU, Sigmoid, Tanh
from .container import ModuleDict, ModuleList, Sequential
from .linear import Identity, Linear
from .loss import CrossEntropyLoss, L1Loss, MSELoss
from .loss import BCELoss, BCEWithLogitsLoss, HuberLoss, KLDivLoss, NLLLoss, SmoothL1Loss
