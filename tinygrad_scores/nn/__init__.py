"""Neural-network building blocks with PyTorch's names (``import tinygrad_scores.nn as nn``)."""
from . import functional, init
from .layers import Flatten, Identity, Linear, LogSoftmax, ReLU, Sequential, Sigmoid, Softmax, Tanh
from .loss import CrossEntropyLoss, MSELoss, NLLLoss
from .module import Module, Parameter

__all__ = ["Module", "Parameter", "Linear", "ReLU", "Sigmoid", "Tanh", "Softmax", "LogSoftmax",
           "Identity", "Flatten", "Sequential", "CrossEntropyLoss", "MSELoss", "NLLLoss",
           "functional", "init"]
