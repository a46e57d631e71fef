"""TinyCNN: a small trainable CNN in NumPy (NCHW, forward and backward), the truth behind the
architecture and vanishing-gradient experiments.

layers (the Param/Layer contract and the windowless layers), convolution (Conv2d, MaxPool2d),
model (Sequential, reference_net) and training (loss, optimizers, loop) are one module each;
their public names are all importable from here. Conventions follow PyTorch throughout.
"""

from solvers.cnn.convolution import Conv2d, MaxPool2d
from solvers.cnn.layers import (
    BatchNorm2d,
    Flatten,
    GlobalAvgPool,
    Init,
    Layer,
    LeakyReLU,
    Linear,
    Param,
    ReLU,
    Sigmoid,
    init_weights,
)
from solvers.cnn.model import Sequential, reference_net
from solvers.cnn.training import (
    SGD,
    Adam,
    History,
    OptimizerName,
    epoch_permutations,
    evaluate,
    first_layer_grad_norm,
    make_optimizer,
    predict,
    softmax_cross_entropy,
    train,
)

__all__ = [
    "SGD",
    "Adam",
    "BatchNorm2d",
    "Conv2d",
    "Flatten",
    "GlobalAvgPool",
    "History",
    "Init",
    "Layer",
    "LeakyReLU",
    "Linear",
    "MaxPool2d",
    "OptimizerName",
    "Param",
    "ReLU",
    "Sequential",
    "Sigmoid",
    "epoch_permutations",
    "evaluate",
    "first_layer_grad_norm",
    "init_weights",
    "make_optimizer",
    "predict",
    "reference_net",
    "softmax_cross_entropy",
    "train",
]
