"""``torch.nn.modules.rnn``: PyTorch's module path for these classes."""

from ..._missing import module_getattr as _module_getattr
from ..rnn import (  # noqa: F401
    GRU,
    LSTM,
    RNN,
    GRUCell,
    LSTMCell,
    RNNBase,
    RNNCell,
    RNNCellBase,
)

__getattr__ = _module_getattr(__name__, "torch.nn.modules.rnn")
