"""pyautograd.nn: modules, parameters, losses, functional and init (as torch.nn)."""
from . import functional, init, utils
from .module import Module
from .modules import (ELU, GELU, BatchNorm1d, BatchNorm2d, BCELoss, BCEWithLogitsLoss, Bilinear,
                      CrossEntropyLoss, Dropout, Embedding, Flatten, Hardtanh, HuberLoss, Identity, KLDivLoss,
                      L1Loss, CrossMapLRN2d, LayerNorm, LeakyReLU, Linear, LogSigmoid, LogSoftmax, ModuleDict, ModuleList,
                      MSELoss, NLLLoss, ReLU, ReLU6, Sequential, Sigmoid, SiLU, SmoothL1Loss, Softmax, Softplus,
                      Tanh, Unflatten)
from .parameter import Parameter
# -- sequence models (issue 14) --
from .modules import (MultiheadAttention, RMSNorm, Transformer, TransformerDecoder,  # noqa: E402,F401
                      TransformerDecoderLayer, TransformerEncoder, TransformerEncoderLayer)
from .modules import GRU, LSTM, RNN, GRUCell, LSTMCell, RNNBase, RNNCell, RNNCellBase  # noqa: E402,F401
from .modules import EmbeddingBag  # noqa: E402,F401
from . import attention  # noqa: E402,F401  (torch.nn.attention)

# surface issue 12: modules added for the everyday API
from .modules.activation_more import CELU, GLU, SELU, Hardsigmoid, Hardswish, Mish, PReLU, Softmin  # noqa: E402
from .modules.linear import LazyLinear  # noqa: E402
from .parameter import UninitializedParameter  # noqa: E402
from .modules.parameter_containers import ParameterDict, ParameterList  # noqa: E402
from .modules.shrink import Hardshrink, RReLU, Softshrink, Threshold  # noqa: E402  (issue 12 ops)
# end surface issue 12
# distributed issue 16: data-parallel wrappers and the synchronised BatchNorm
from . import parallel  # noqa: E402
from .parallel import DataParallel  # noqa: E402 -- nn.DataParallel, as PyTorch exports it
from .modules.batchnorm import SyncBatchNorm  # noqa: E402
# conv (issue 13): convolution, pooling and image-layer modules
from .modules import Conv1d, Conv2d, Conv3d, ConvTranspose1d, ConvTranspose2d, ConvTranspose3d  # noqa: E402
from .modules import (AdaptiveAvgPool1d, AdaptiveAvgPool2d, AdaptiveAvgPool3d, AdaptiveMaxPool1d,  # noqa: E402
                      AdaptiveMaxPool2d, AdaptiveMaxPool3d, AvgPool1d, AvgPool2d, AvgPool3d, MaxPool1d, MaxPool2d,
                      MaxPool3d)
from .modules import (AlphaDropout, BatchNorm3d, Dropout1d, Dropout2d, Dropout3d, FeatureAlphaDropout,  # noqa: E402
                      GroupNorm, InstanceNorm1d, InstanceNorm2d, InstanceNorm3d, LocalResponseNorm)
from .modules import (ChannelShuffle, PixelShuffle, PixelUnshuffle, Upsample, UpsamplingBilinear2d,  # noqa: E402
                      UpsamplingNearest2d, CircularPad1d, CircularPad2d, CircularPad3d, ConstantPad1d,
                      ConstantPad2d, ConstantPad3d, ReflectionPad1d, ReflectionPad2d, ReflectionPad3d,
                      ReplicationPad1d, ReplicationPad2d, ReplicationPad3d, ZeroPad1d, ZeroPad2d, ZeroPad3d)
from .modules import Fold, LPPool1d, LPPool2d, LPPool3d, MaxUnpool1d, MaxUnpool2d, MaxUnpool3d, Unfold  # noqa: E402
from .modules import (LazyBatchNorm1d, LazyBatchNorm2d, LazyBatchNorm3d, LazyConv1d, LazyConv2d,  # noqa: E402
                      LazyConv3d, LazyConvTranspose1d, LazyConvTranspose2d, LazyConvTranspose3d)
from .modules import LazyInstanceNorm1d, LazyInstanceNorm2d, LazyInstanceNorm3d  # noqa: E402  (module paths)
from .parameter import UninitializedBuffer  # noqa: E402
# nnutils (issue 12)
from .modules.loss import CosineEmbeddingLoss  # noqa: E402
from .modules.loss import GaussianNLLLoss  # noqa: E402
from .modules.loss import (HingeEmbeddingLoss, MarginRankingLoss, MultiLabelSoftMarginLoss,  # noqa: E402
                          PoissonNLLLoss, TripletMarginLoss)
from .modules.distance import CosineSimilarity, PairwiseDistance  # noqa: E402
from .modules.loss import (MultiLabelMarginLoss, MultiMarginLoss, SoftMarginLoss,  # noqa: E402
                          TripletMarginWithDistanceLoss)
from .modules.loss import CTCLoss  # noqa: E402
from .modules.activation_more import Softsign, Tanhshrink  # noqa: E402
from .modules import Container, NLLLoss2d, Softmax2d  # noqa: E402  (module paths, issue 12)
from .modules.adaptive import AdaptiveLogSoftmaxWithLoss  # noqa: E402  (issue 12)
from .modules.pooling import FractionalMaxPool2d, FractionalMaxPool3d  # noqa: E402  (issue 13)
