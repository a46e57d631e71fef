"""Multiply-accumulate (MAC) and parameter counts for convolutions and fully connected layers.

One MAC is one multiplication plus one addition; FLOP counts that count both separately are 2×MACs.
Bias additions are not counted as MACs.
"""

from __future__ import annotations

from solvers._checks import whole_number
from solvers.conv import IntOrPair, _pair


def _kernel_area(kernel: IntOrPair) -> int:
    """k² for an int kernel, kh·kw for a (kh, kw) pair."""
    kh, kw = _pair("kernel", kernel, 1)
    return kh * kw


def conv_macs(h_out: int, w_out: int, kernel: IntOrPair, c_in: int, c_out: int) -> int:
    """MACs of a standard convolution for one sample.

    Returns:
        h_out·w_out·k²·c_in·c_out (each output value needs k²·c_in multiply-adds).

    Raises:
        ValueError: a size < 1 or not an integer.
    """
    area = _kernel_area(kernel)
    return (
        whole_number("h_out", h_out)
        * whole_number("w_out", w_out)
        * area
        * whole_number("c_in", c_in)
        * whole_number("c_out", c_out)
    )


def depthwise_separable_macs(
    h_out: int, w_out: int, kernel: IntOrPair, c_in: int, c_out: int
) -> int:
    """MACs of a depthwise k×k convolution followed by a pointwise 1×1 convolution.

    Returns:
        h·w·k²·c_in (depthwise) + h·w·c_in·c_out (pointwise).

    Raises:
        ValueError: a size < 1 or not an integer.
    """
    h, w = whole_number("h_out", h_out), whole_number("w_out", w_out)
    ci, co = whole_number("c_in", c_in), whole_number("c_out", c_out)
    return h * w * _kernel_area(kernel) * ci + h * w * ci * co


def depthwise_separable_ratio(kernel: IntOrPair, c_out: int) -> float:
    """Cost of a depthwise separable convolution relative to a standard one (MobileNet).

    Returns:
        1/c_out + 1/k²; e.g. 3×3 with 256 output channels costs about 1/8.7 of the standard layer.

    Raises:
        ValueError: a size < 1 or not an integer.
    """
    return 1.0 / whole_number("c_out", c_out) + 1.0 / _kernel_area(kernel)


def depthwise_separable_params(kernel: IntOrPair, c_in: int, c_out: int, bias: bool = False) -> int:
    """Weights of a depthwise separable convolution.

    Returns:
        k²·c_in (depthwise) + c_in·c_out (pointwise), plus c_in + c_out biases when ``bias``.

    Raises:
        ValueError: a size < 1 or not an integer.
    """
    ci, co = whole_number("c_in", c_in), whole_number("c_out", c_out)
    return _kernel_area(kernel) * ci + ci * co + ((ci + co) if bias else 0)


def fc_params(n_in: int, n_out: int, bias: bool = True) -> int:
    """Weights of a fully connected (affine) layer.

    Returns:
        n_in·n_out, plus n_out biases when ``bias``.

    Raises:
        ValueError: a size < 1 or not an integer.
    """
    ni, no = whole_number("n_in", n_in), whole_number("n_out", n_out)
    return ni * no + (no if bias else 0)
