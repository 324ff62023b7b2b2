"""Export of fitted networks: ONNX graphs and standalone code."""

from ._code import export_code
from ._onnx import register_onnx_converters, to_onnx

__all__ = ["export_code", "register_onnx_converters", "to_onnx"]
