"""pyautograd.optim: optimizers over parameter groups (fused C updates), their base class, and
learning-rate schedulers (``optim.lr_scheduler``)."""
from . import lr_scheduler
from .adagrad import Adagrad
from .adam import Adam, AdamW
from .optimizer import Optimizer
from .rmsprop import RMSprop
from .sgd import SGD
