"""pyautograd.optim: optimizers over parameter groups (fused C updates) and their base class."""
from .adam import Adam, AdamW
from .optimizer import Optimizer
from .sgd import SGD
