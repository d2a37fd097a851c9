"""The nn modules."""
from .activation import (ELU, GELU, Hardtanh, LeakyReLU, LogSigmoid, LogSoftmax, ReLU, ReLU6, Sigmoid, SiLU,
                         Softmax, Softplus, Tanh)
from .batchnorm import BatchNorm1d, BatchNorm2d
from .container import ModuleDict, ModuleList, Sequential
from .dropout import AlphaDropout, Dropout, Dropout1d, Dropout2d, Dropout3d, FeatureAlphaDropout
from .flatten import Flatten, Unflatten
from .linear import Bilinear, Identity, LazyLinear, Linear
from .loss import (BCELoss, BCEWithLogitsLoss, CrossEntropyLoss, HuberLoss, KLDivLoss, L1Loss, MSELoss, NLLLoss,
                   SmoothL1Loss)
from .normalization import CrossMapLRN2d, LayerNorm
from .sparse import Embedding
# -- sequence models (issue 14) --
from .attention import MultiheadAttention, RMSNorm  # noqa: E402,F401
from .transformer import (Transformer, TransformerDecoder, TransformerDecoderLayer,  # noqa: E402,F401
                          TransformerEncoder, TransformerEncoderLayer)
from .rnn import GRU, LSTM, RNN, GRUCell, LSTMCell, RNNBase, RNNCell, RNNCellBase  # noqa: E402,F401
from .embedding_bag import EmbeddingBag  # noqa: E402,F401
# conv (issue 13): convolution, pooling and image-layer modules
from .conv import Conv1d, Conv2d, Conv3d, ConvTranspose1d, ConvTranspose2d, ConvTranspose3d  # noqa: E402
from .pooling import (AdaptiveAvgPool1d, AdaptiveAvgPool2d, AdaptiveAvgPool3d, AdaptiveMaxPool1d,  # noqa: E402
                      AdaptiveMaxPool2d, AdaptiveMaxPool3d, AvgPool1d, AvgPool2d, AvgPool3d, MaxPool1d, MaxPool2d,
                      MaxPool3d)
from .batchnorm import BatchNorm3d  # noqa: E402
from .image_norm import GroupNorm, InstanceNorm1d, InstanceNorm2d, InstanceNorm3d, LocalResponseNorm  # noqa: E402
from .image import (ChannelShuffle, PixelShuffle, PixelUnshuffle, Upsample, UpsamplingBilinear2d,  # noqa: E402
                    UpsamplingNearest2d, CircularPad1d, CircularPad2d, CircularPad3d, ConstantPad1d, ConstantPad2d,
                    ConstantPad3d, ReflectionPad1d, ReflectionPad2d, ReflectionPad3d, ReplicationPad1d,
                    ReplicationPad2d, ReplicationPad3d, ZeroPad1d, ZeroPad2d, ZeroPad3d)  # noqa: E402
from .image_extra import Fold, LPPool1d, LPPool2d, LPPool3d, MaxUnpool1d, MaxUnpool2d, MaxUnpool3d, Unfold  # noqa: E402
from .batchnorm import LazyBatchNorm1d, LazyBatchNorm2d, LazyBatchNorm3d, SyncBatchNorm  # noqa: E402
from .conv import (LazyConv1d, LazyConv2d, LazyConv3d, LazyConvTranspose1d, LazyConvTranspose2d,  # noqa: E402
                   LazyConvTranspose3d)
from .instancenorm import LazyInstanceNorm1d, LazyInstanceNorm2d, LazyInstanceNorm3d  # noqa: E402
# module paths (issue 12): every name of torch.nn.modules that nn has, and the legacy ones
from .module import Module  # noqa: E402
from .activation import Softmax2d  # noqa: E402
from .activation_more import (CELU, GLU, SELU, Hardsigmoid, Hardswish, Mish, PReLU, Softmin,  # noqa: E402
                              Softsign, Tanhshrink)
from .shrink import Hardshrink, RReLU, Softshrink, Threshold  # noqa: E402
from .container import Container  # noqa: E402
from .parameter_containers import ParameterDict, ParameterList  # noqa: E402
from .distance import CosineSimilarity, PairwiseDistance  # noqa: E402
from .loss import (CosineEmbeddingLoss, CTCLoss, GaussianNLLLoss, HingeEmbeddingLoss, MarginRankingLoss,  # noqa: E402
                   MultiLabelMarginLoss, MultiLabelSoftMarginLoss, MultiMarginLoss, NLLLoss2d, PoissonNLLLoss,
                   SoftMarginLoss, TripletMarginLoss, TripletMarginWithDistanceLoss)
from .adaptive import AdaptiveLogSoftmaxWithLoss  # noqa: E402  (issue 12)
from .pooling import FractionalMaxPool2d, FractionalMaxPool3d  # noqa: E402  (issue 13)
