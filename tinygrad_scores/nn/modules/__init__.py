"""``torch.nn.modules``: the layers under PyTorch's module paths
(``from torch.nn.modules.loss import _Loss``). A file PyTorch has and this package lacks
(``lazy``, ``channelshuffle``...) is reported as missing when imported through
``python -m tinygrad_scores.run``."""

# every class of the files below, as in PyTorch (torch.nn.modules.Linear)
from ..._missing import module_getattr as _module_getattr
from .activation import *  # noqa: F403
from .batchnorm import *  # noqa: F403
from .container import *  # noqa: F403
from .conv import *  # noqa: F403
from .distance import *  # noqa: F403
from .dropout import *  # noqa: F403
from .flatten import *  # noqa: F403
from .fold import *  # noqa: F403
from .instancenorm import *  # noqa: F403
from .linear import *  # noqa: F403
from .loss import *  # noqa: F403
from .module import *  # noqa: F403
from .normalization import *  # noqa: F403
from .padding import *  # noqa: F403
from .pixelshuffle import *  # noqa: F403
from .pooling import *  # noqa: F403
from .rnn import *  # noqa: F403
from .sparse import *  # noqa: F403
from .transformer import *  # noqa: F403
from .upsampling import *  # noqa: F403

__getattr__ = _module_getattr(__name__, "torch.nn.modules")
