"""``torch.onnx``: importable, so a program that imports it at its top still runs; exporting
a model to ONNX is not provided."""

from ._missing import missing, module_getattr


def export(model, args=(), f=None, **kwargs):
    raise missing("torch.onnx.export (ONNX export)")


def is_in_onnx_export():
    return False


__getattr__ = module_getattr(__name__, "torch.onnx")
