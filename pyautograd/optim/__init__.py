"""pyautograd.optim: optimizers over parameter groups (fused C updates), their base class, and
learning-rate schedulers (``optim.lr_scheduler``)."""
from . import lr_scheduler
from .adagrad import Adagrad
from .adam import Adam, AdamW
from .optimizer import Optimizer
from .rmsprop import RMSprop
from .sgd import SGD
# training tools (issue 15): the per-tensor NumPy optimizers, LBFGS, global step hooks
from .adadelta import Adadelta  # noqa: E402
from .adafactor import Adafactor  # noqa: E402
from .adamax import Adamax  # noqa: E402
from .asgd import ASGD  # noqa: E402
from .lbfgs import LBFGS  # noqa: E402
from .nadam import NAdam  # noqa: E402
from .optimizer import register_optimizer_step_post_hook, register_optimizer_step_pre_hook  # noqa: E402
from .radam import RAdam  # noqa: E402
from .rprop import Rprop  # noqa: E402
from . import swa_utils  # noqa: E402
