"""Write tests/golden/conv_pytorch.npz: PyTorch's outputs and input gradients for the
convolution, pooling and resizing cases that tests/test_conv_pytorch_golden.py replays.

Run with a PyTorch install (not a dependency of the package or its tests):
    /work/torchvenv/bin/python tools/make_conv_golden.py
Each case stores its inputs (float64), the call as JSON, the output, a fixed weighting r of
the output, and the gradient of sum(out * r) for every floating input.
"""

import json
import os

import numpy as np
import torch
import torch.nn.functional as F

OUT = os.path.join(os.path.dirname(__file__), "..", "tests", "golden", "conv_pytorch.npz")
rng = np.random.default_rng(22)


def r(*shape):
    return rng.standard_normal(shape)


# (name, function name in F or a module class in nn, float inputs, keyword arguments)
CASES = [
    ("conv2d_plain", "F.conv2d", [r(2, 3, 7, 6), r(4, 3, 3, 3), r(4)], {}),
    (
        "conv2d_stride_pad",
        "F.conv2d",
        [r(2, 3, 8, 7), r(5, 3, 3, 2), r(5)],
        dict(stride=2, padding=1),
    ),
    (
        "conv2d_tuples",
        "F.conv2d",
        [r(1, 2, 9, 8), r(3, 2, 2, 3)],
        dict(stride=(2, 1), padding=(1, 2), dilation=(2, 1)),
    ),
    ("conv2d_groups", "F.conv2d", [r(2, 4, 6, 6), r(6, 2, 3, 3), r(6)], dict(groups=2, padding=1)),
    (
        "conv2d_depthwise",
        "F.conv2d",
        [r(2, 3, 6, 5), r(6, 1, 3, 3)],
        dict(groups=3, dilation=2, padding=2),
    ),
    ("conv2d_same_even", "F.conv2d", [r(1, 2, 6, 7), r(3, 2, 4, 2)], dict(padding="same")),
    ("conv2d_valid", "F.conv2d", [r(1, 2, 6, 7), r(3, 2, 3, 3)], dict(padding="valid")),
    ("conv2d_stride_gt_kernel", "F.conv2d", [r(2, 1, 9, 9), r(2, 1, 2, 2)], dict(stride=3)),
    ("conv2d_unbatched", "F.conv2d", [r(3, 5, 5), r(2, 3, 3, 3), r(2)], dict(padding=1)),
    ("conv1d_plain", "F.conv1d", [r(2, 3, 10), r(4, 3, 3), r(4)], dict(stride=2, padding=1)),
    (
        "conv1d_same_dilated",
        "F.conv1d",
        [r(2, 4, 9), r(4, 2, 3)],
        dict(padding="same", dilation=2, groups=2),
    ),
    (
        "conv2d_reflect",
        "nn.Conv2d",
        [r(2, 2, 6, 5)],
        dict(in_channels=2, out_channels=3, kernel_size=3, padding=2, padding_mode="reflect"),
    ),
    (
        "conv2d_replicate",
        "nn.Conv2d",
        [r(2, 2, 6, 5)],
        dict(
            in_channels=2,
            out_channels=3,
            kernel_size=(3, 2),
            padding=(1, 2),
            padding_mode="replicate",
            stride=2,
        ),
    ),
    (
        "conv2d_circular",
        "nn.Conv2d",
        [r(1, 2, 5, 5)],
        dict(
            in_channels=2,
            out_channels=2,
            kernel_size=3,
            padding=1,
            padding_mode="circular",
            groups=2,
        ),
    ),
    (
        "conv1d_reflect_same",
        "nn.Conv1d",
        [r(2, 2, 7)],
        dict(in_channels=2, out_channels=3, kernel_size=4, padding="same", padding_mode="reflect"),
    ),
    ("conv_transpose2d_plain", "F.conv_transpose2d", [r(2, 3, 4, 5), r(3, 2, 3, 3), r(2)], {}),
    (
        "conv_transpose2d_stride",
        "F.conv_transpose2d",
        [r(2, 4, 3, 4), r(4, 3, 3, 2), r(6)],
        dict(stride=2, padding=1, output_padding=1, groups=2),
    ),
    (
        "conv_transpose2d_dilated",
        "F.conv_transpose2d",
        [r(1, 2, 4, 4), r(2, 2, 2, 3)],
        dict(stride=(1, 2), dilation=2, padding=(1, 0)),
    ),
    (
        "conv_transpose1d",
        "F.conv_transpose1d",
        [r(2, 3, 5), r(3, 2, 3), r(2)],
        dict(stride=3, padding=1, output_padding=2),
    ),
    ("max_pool2d_plain", "F.max_pool2d", [r(2, 3, 6, 6)], dict(kernel_size=2)),
    (
        "max_pool2d_pad_stride1",
        "F.max_pool2d",
        [r(1, 2, 5, 6)],
        dict(kernel_size=3, stride=1, padding=1),
    ),
    (
        "max_pool2d_ceil",
        "F.max_pool2d",
        [r(1, 2, 7, 8)],
        dict(kernel_size=3, stride=2, padding=1, ceil_mode=True),
    ),
    (
        "max_pool2d_dilation",
        "F.max_pool2d",
        [r(1, 1, 9, 9)],
        dict(kernel_size=(2, 3), stride=(2, 1), dilation=2),
    ),
    ("max_pool2d_unbatched", "F.max_pool2d", [r(2, 5, 5)], dict(kernel_size=2, ceil_mode=True)),
    (
        "max_pool1d",
        "F.max_pool1d",
        [r(2, 3, 11)],
        dict(kernel_size=3, stride=2, padding=1, ceil_mode=True),
    ),
    ("avg_pool2d_plain", "F.avg_pool2d", [r(2, 2, 6, 6)], dict(kernel_size=2)),
    (
        "avg_pool2d_exclude_pad",
        "F.avg_pool2d",
        [r(1, 2, 7, 5)],
        dict(kernel_size=3, stride=2, padding=1, count_include_pad=False),
    ),
    (
        "avg_pool2d_ceil_include",
        "F.avg_pool2d",
        [r(1, 2, 7, 6)],
        dict(kernel_size=3, stride=2, padding=1, ceil_mode=True),
    ),
    (
        "avg_pool2d_divisor",
        "F.avg_pool2d",
        [r(1, 1, 5, 5)],
        dict(kernel_size=2, stride=1, divisor_override=3),
    ),
    (
        "avg_pool1d",
        "F.avg_pool1d",
        [r(2, 2, 9)],
        dict(kernel_size=4, stride=3, padding=2, ceil_mode=True, count_include_pad=False),
    ),
    ("adaptive_avg_pool2d", "F.adaptive_avg_pool2d", [r(2, 2, 7, 5)], dict(output_size=(3, 2))),
    ("adaptive_avg_pool2d_1", "F.adaptive_avg_pool2d", [r(2, 3, 4, 4)], dict(output_size=1)),
    ("adaptive_avg_pool1d", "F.adaptive_avg_pool1d", [r(2, 2, 10)], dict(output_size=4)),
    ("adaptive_max_pool2d", "F.adaptive_max_pool2d", [r(2, 2, 7, 6)], dict(output_size=(4, 3))),
    (
        "unfold",
        "F.unfold",
        [r(2, 3, 5, 6)],
        dict(kernel_size=(2, 3), padding=1, stride=2, dilation=(1, 2)),
    ),
    (
        "fold",
        "F.fold",
        [r(2, 12, 12)],
        dict(output_size=(4, 5), kernel_size=2, stride=(2, 1), padding=(0, 1)),
    ),
    ("pad_reflect", "F.pad", [r(2, 2, 4, 5)], dict(pad=(2, 1, 3, 0), mode="reflect")),
    ("pad_replicate", "F.pad", [r(2, 2, 4, 5)], dict(pad=(2, 1, 3, 0), mode="replicate")),
    ("pad_circular", "F.pad", [r(2, 2, 4, 5)], dict(pad=(2, 1, 3, 4), mode="circular")),
    ("pad_reflect_3d", "F.pad", [r(2, 3, 6)], dict(pad=(3, 2), mode="reflect")),
    ("interpolate_nearest_scale", "F.interpolate", [r(1, 2, 3, 4)], dict(scale_factor=2)),
    ("interpolate_nearest_size", "F.interpolate", [r(1, 2, 5, 4)], dict(size=(3, 7))),
    (
        "interpolate_bilinear",
        "F.interpolate",
        [r(1, 2, 4, 5)],
        dict(size=(7, 3), mode="bilinear", align_corners=False),
    ),
    (
        "interpolate_bilinear_corners",
        "F.interpolate",
        [r(1, 2, 4, 5)],
        dict(scale_factor=1.5, mode="bilinear", align_corners=True),
    ),
    (
        "interpolate_bilinear_scale",
        "F.interpolate",
        [r(2, 1, 3, 3)],
        dict(scale_factor=2, mode="bilinear"),
    ),
    ("interpolate_linear", "F.interpolate", [r(2, 2, 5)], dict(size=8, mode="linear")),
    ("pixel_shuffle", "F.pixel_shuffle", [r(2, 8, 3, 2)], dict(upscale_factor=2)),
    ("pixel_unshuffle", "F.pixel_unshuffle", [r(2, 2, 4, 6)], dict(downscale_factor=2)),
    ("instance_norm", "F.instance_norm", [r(2, 3, 4, 5)], {}),
    ("group_norm_4d", "F.group_norm", [r(2, 4, 3, 3)], dict(num_groups=2)),
]


def run(kind, inputs, kwargs, state=None):
    xs = [torch.tensor(a, requires_grad=True) for a in inputs]
    if kind.startswith("nn."):
        torch.manual_seed(0)
        m = getattr(torch.nn, kind[3:])(**kwargs).double()
        state = {k: v.detach().numpy().copy() for k, v in m.state_dict().items()}
        out = m(*xs)
        extra = list(m.parameters())
    else:
        fn = getattr(F, kind[2:])
        out = fn(*xs, **kwargs)
        extra = []
    return xs, out, extra, state


def main():
    data = {}
    for name, kind, inputs, kwargs in CASES:
        xs, out, extra, state = run(kind, inputs, kwargs)
        weights = rng.standard_normal(tuple(out.shape))
        (out * torch.tensor(weights)).sum().backward()
        data[f"{name}/call"] = np.array(json.dumps(dict(kind=kind, kwargs=kwargs)))
        for i, x in enumerate(xs):
            data[f"{name}/input{i}"] = x.detach().numpy()
            data[f"{name}/grad{i}"] = x.grad.numpy()
        for k, v in (state or {}).items():
            data[f"{name}/state.{k}"] = v
        for i, p in enumerate(extra):
            data[f"{name}/pgrad{i}"] = p.grad.numpy()
        data[f"{name}/r"] = weights
        data[f"{name}/out"] = out.detach().numpy()
    np.savez_compressed(OUT, **data)
    print(f"wrote {len(CASES)} cases to {OUT}")


if __name__ == "__main__":
    main()
